// Package lambdatest is a small Lambda-compatible endpoint for tests: it
// serves the Invoke API (POST /2015-03-31/functions/{name}/invocations)
// over httptest and runs Go functions by name, recording every event it
// receives.
package lambdatest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
)

// Func is a function: it gets the event and returns the event to answer
// (usually the same map, its "response" filled in), or an error, which
// the endpoint reports as an unhandled function error with the error's
// text as errorMessage. A Raw result is answered byte for byte.
type Func func(event map[string]any) (any, error)

// Raw is a function result sent as it is (for answers that are not JSON).
type Raw []byte

// Call is one invocation the endpoint received.
type Call struct {
	Function string
	Event    map[string]any
	Body     []byte
}

// Server is the endpoint. Its functions are known by name and by any ARN
// ending in ":function:<name>".
type Server struct {
	URL string
	srv *httptest.Server

	mu    sync.Mutex
	funcs map[string]Func
	calls []Call
}

// NewServer starts an endpoint; Close stops it.
func NewServer() *Server {
	s := &Server{funcs: map[string]Func{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the endpoint.
func (s *Server) Close() { s.srv.Close() }

// Handle defines (or replaces) the function called name.
func (s *Server) Handle(name string, f Func) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.funcs[name] = f
}

// ARN is an ARN naming the function name, as a LambdaConfig holds it.
func ARN(name string) string { return "arn:aws:lambda:us-east-1:123456789012:function:" + name }

// Calls returns the invocations of the function name ("" for all), oldest first.
func (s *Server) Calls(name string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if name == "" || c.Function == name {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/2015-03-31/functions/")
	fn, ok2 := strings.CutSuffix(rest, "/invocations")
	if r.Method != http.MethodPost || !ok || !ok2 {
		http.NotFound(w, r)
		return
	}
	name, err := url.PathUnescape(fn)
	if err != nil {
		http.Error(w, "bad name", http.StatusBadRequest)
		return
	}
	if i := strings.Index(name, ":function:"); i >= 0 {
		name, _, _ = strings.Cut(name[i+len(":function:"):], ":")
	}
	body, _ := io.ReadAll(r.Body)
	var recorded, ev map[string]any
	_ = json.Unmarshal(body, &recorded)
	_ = json.Unmarshal(body, &ev) // the function's own copy
	s.mu.Lock()
	f := s.funcs[name]
	s.calls = append(s.calls, Call{Function: name, Event: recorded, Body: body})
	s.mu.Unlock()
	if f == nil {
		w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"Type":"User","message":"Function not found: ` + name + `"}`))
		return
	}
	out, err := f(ev)
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		b, _ := json.Marshal(map[string]any{"errorType": "Error", "errorMessage": err.Error()})
		_, _ = w.Write(b)
		return
	}
	if raw, ok := out.(Raw); ok {
		_, _ = w.Write(raw)
		return
	}
	b, _ := json.Marshal(out)
	_, _ = w.Write(b)
}

// Response returns the "response" member of an event, created when missing.
func Response(ev map[string]any) map[string]any {
	r, ok := ev["response"].(map[string]any)
	if !ok {
		r = map[string]any{}
		ev["response"] = r
	}
	return r
}

// Request returns the "request" member of an event (nil when missing).
func Request(ev map[string]any) map[string]any {
	r, _ := ev["request"].(map[string]any)
	return r
}
