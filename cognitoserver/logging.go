package cognitoserver

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// The request log. Each request gets one line, written after its answer:
//
//	op=InitiateAuth pool=us-east-1_Local1 client=localclient… username=alice auth_flow=USER_SRP_AUTH
//	outcome=challenge challenge=PASSWORD_VERIFIER status=200 latency=… request_id=…
//
// outcome is "challenge" (with the challenge returned), "tokens", "ok", or
// the exception (also in exception).
//
// The fields come from the request and answer bodies: the pool, client,
// username, auth flow and answered challenge of the request, and the
// returned challenge, "tokens" or the exception of the answer. Passwords,
// codes, tokens, sessions, SRP values and every other parameter are never
// read into the line. At -log-level debug, sign-in requests add one line
// per state transition of the engine (from, event, to), observed on the
// session store (the engine saves the state of each step there).

// signInOps are the operations whose answers are sign-in steps.
var signInOps = map[string]bool{
	"InitiateAuth": true, "AdminInitiateAuth": true,
	"RespondToAuthChallenge": true, "AdminRespondToAuthChallenge": true,
}

// maxLoggedAnswer bounds the bytes of an answer kept to find its challenge
// name (answers with tokens are a few KiB).
const maxLoggedAnswer = 64 << 10

// reqRecord collects what one request's log line says. It lives in the
// request's context, where the engine's session store and cognitohttp's
// logger find it.
type reqRecord struct {
	mu sync.Mutex
	// From cognitohttp's own line.
	attrs []slog.Attr
	level slog.Level
	// From the session store: phases seen, in order.
	loaded  []flow.Phase
	saved   []flow.Phase
	swapped bool
	spent   bool
}

type recordKey struct{}

func recordOf(ctx context.Context) *reqRecord {
	r, _ := ctx.Value(recordKey{}).(*reqRecord)
	return r
}

// captureHandler is the slog.Handler given to cognitohttp: instead of
// writing its per-request line, it keeps the line's attributes (op,
// outcome, status, latency, request id, the cause of an internal error) in
// the request's record, for logRequests to write one combined line.
type captureHandler struct{}

func (captureHandler) Enabled(context.Context, slog.Level) bool { return true }
func (captureHandler) WithAttrs([]slog.Attr) slog.Handler       { return captureHandler{} }
func (captureHandler) WithGroup(string) slog.Handler            { return captureHandler{} }
func (captureHandler) Handle(ctx context.Context, r slog.Record) error {
	rec := recordOf(ctx)
	if rec == nil {
		return nil
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.level = max(rec.level, r.Level)
	r.Attrs(func(a slog.Attr) bool {
		rec.attrs = append(rec.attrs, a)
		return true
	})
	return nil
}

// observedStore wraps the engine's session store to note the phase of
// each state it loads and saves in the request's record. It changes
// nothing it passes on.
type observedStore struct{ flow.Store }

func observeSessions(s flow.Store) flow.Store { return observedStore{s} }

func phaseOf(blob []byte) (flow.Phase, bool) {
	var st flow.State
	if err := st.UnmarshalBinary(blob); err != nil {
		return 0, false
	}
	return st.Phase, true
}

func (o observedStore) Save(ctx context.Context, blob []byte, ttl time.Duration) (string, error) {
	h, err := o.Store.Save(ctx, blob, ttl)
	if rec := recordOf(ctx); rec != nil && err == nil {
		if p, ok := phaseOf(blob); ok {
			rec.mu.Lock()
			rec.saved = append(rec.saved, p)
			rec.mu.Unlock()
		}
	}
	return h, err
}

func (o observedStore) Load(ctx context.Context, handle string) ([]byte, bool, error) {
	blob, ok, err := o.Store.Load(ctx, handle)
	if rec := recordOf(ctx); rec != nil && ok && err == nil {
		if p, ok := phaseOf(blob); ok {
			rec.mu.Lock()
			rec.loaded = append(rec.loaded, p)
			rec.mu.Unlock()
		}
	}
	return blob, ok, err
}

func (o observedStore) Swap(ctx context.Context, handle string, old, blob []byte) (bool, error) {
	ok, err := o.Store.Swap(ctx, handle, old, blob)
	if rec := recordOf(ctx); rec != nil && ok && err == nil {
		rec.mu.Lock()
		rec.swapped = true
		rec.mu.Unlock()
	}
	return ok, err
}

func (o observedStore) Spend(ctx context.Context, handle string) (bool, error) {
	ok, err := o.Store.Spend(ctx, handle)
	if rec := recordOf(ctx); rec != nil && ok && err == nil {
		rec.mu.Lock()
		rec.spent = true
		rec.mu.Unlock()
	}
	return ok, err
}

// edgeEvents maps "FROM>TO" to the event of flow.Transitions.
var edgeEvents = func() map[string]string {
	m := map[string]string{}
	for _, e := range flow.Transitions {
		for _, src := range e.Src {
			m[src+">"+e.Dst] = e.Name
		}
	}
	return m
}()

// transition is one step of the engine as the debug log shows it.
type transition struct{ from, event, to string }

// transitions reconstructs the engine's steps of one sign-in request from
// the phases its store saw and the answer: a state saved after the loaded
// one (or START), then TOKENS or FAILED when the answer ends the sign-in.
func (rec *reqRecord) transitions(result string) []transition {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	from := flow.PhaseStart.String()
	if len(rec.loaded) > 0 {
		from = rec.loaded[0].String()
	}
	var out []transition
	step := func(to string) {
		if ev, ok := edgeEvents[from+">"+to]; ok {
			out = append(out, transition{from, ev, to})
			from = to
			return
		}
		// The one phase the engine passes through within a call and
		// never stores: PASSWORD_VERIFIER, where a plain password is
		// checked.
		mid := flow.PhasePasswordVerifier.String()
		first, ok1 := edgeEvents[from+">"+mid]
		second, ok2 := edgeEvents[mid+">"+to]
		if ok1 && ok2 {
			out = append(out, transition{from, first, mid}, transition{mid, second, to})
			from = to
			return
		}
		out = append(out, transition{from, "?", to})
		from = to
	}
	for _, p := range rec.saved {
		step(p.String())
	}
	switch {
	case rec.swapped && len(rec.saved) == 0:
		// A wrong answer that keeps the session: not a transition.
		out = append(out, transition{from, "wrong_answer_kept", from})
	case result == "tokens":
		step(flow.PhaseTokens.String())
	case result == "error" && (rec.spent || len(rec.loaded) == 0) && len(rec.saved) == 0:
		step(flow.PhaseFailed.String())
	}
	return out
}

// requestFields are the members of a request body that the log names.
// Only these are decoded: secrets in other members are never read.
type requestFields struct {
	ClientId       string
	UserPoolId     string
	Username       string
	AuthFlow       string
	ChallengeName  string
	AuthParameters struct {
		USERNAME string
	}
	ChallengeResponses struct {
		USERNAME string
	}
}

// answerFields are the members of an answer that the log names.
type answerFields struct {
	ChallengeName        string
	AuthenticationResult *struct{}
	Type                 string `json:"__type"`
}

// recordingWriter keeps the status and the start of the body of an answer.
type recordingWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *recordingWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if room := maxLoggedAnswer - w.body.Len(); room > 0 {
		w.body.Write(p[:min(room, len(p))])
	}
	return w.ResponseWriter.Write(p)
}

// poolOfClient finds the pool of an app client, for the log of requests
// that name only the client.
type poolOfClient func(ctx context.Context, clientID string) string

// logRequests writes one line per request to log (see the comment at the
// top of this file) and notes sign-in steps in signins.
func logRequests(next http.Handler, log *slog.Logger, level slog.Level, signins *signInLog, poolOf poolOfClient) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &reqRecord{}
		ctx := context.WithValue(r.Context(), recordKey{}, rec)
		r = r.WithContext(ctx)
		target := r.Header.Get("X-Amz-Target")
		var in requestFields
		if r.Method == http.MethodPost && target != "" && r.Body != nil {
			buf, err := io.ReadAll(io.LimitReader(r.Body, challenge.MaxRequestBytes+1))
			if err == nil && len(buf) <= challenge.MaxRequestBytes {
				_ = json.Unmarshal(buf, &in) // a malformed body is cognitohttp's to refuse
			}
			r.Body = readCloser{io.MultiReader(bytes.NewReader(buf), r.Body), r.Body}
		}
		rw := &recordingWriter{ResponseWriter: w}
		next.ServeHTTP(rw, r)

		if target == "" {
			log.LogAttrs(ctx, slog.LevelDebug, "http", slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", rw.status), slog.Duration("latency", time.Since(start)))
			return
		}
		var out answerFields
		_ = json.Unmarshal(rw.body.Bytes(), &out)
		op := strings.TrimPrefix(target, "AWSCognitoIdentityProviderService.")
		username := firstOf(in.Username, in.AuthParameters.USERNAME, in.ChallengeResponses.USERNAME)
		pool := in.UserPoolId
		if pool == "" && in.ClientId != "" && poolOf != nil {
			pool = poolOf(ctx, in.ClientId)
		}
		result := "ok"
		switch {
		case out.Type != "":
			result = "error"
		case out.AuthenticationResult != nil:
			result = "tokens"
		case out.ChallengeName != "":
			result = "challenge"
		}
		attrs := []slog.Attr{slog.String("op", sanitizeLog(op))}
		add := func(k, v string) {
			if v != "" {
				attrs = append(attrs, slog.String(k, sanitizeLog(v)))
			}
		}
		add("pool", pool)
		add("client", in.ClientId)
		add("username", username)
		add("auth_flow", in.AuthFlow)
		add("answered", in.ChallengeName)
		if result == "error" {
			attrs = append(attrs, slog.String("outcome", sanitizeLog(out.Type)))
		} else {
			attrs = append(attrs, slog.String("outcome", result))
		}
		add("challenge", out.ChallengeName)
		add("exception", out.Type)
		rec.mu.Lock()
		lvl := max(slog.LevelInfo, rec.level)
		for _, a := range rec.attrs {
			if a.Key == "op" || a.Key == "outcome" {
				continue
			}
			attrs = append(attrs, a)
		}
		rec.mu.Unlock()
		if lvl < slog.LevelError && out.Type != "" && rw.status >= 500 {
			lvl = slog.LevelError
		}
		log.LogAttrs(ctx, lvl, "request", attrs...)

		if !signInOps[op] {
			return
		}
		outcome := out.ChallengeName
		switch result {
		case "tokens":
			outcome = "tokens issued"
		case "error":
			outcome = out.Type
		}
		signins.add(SignIn{Time: start.UTC(), Op: op, Pool: pool, Client: in.ClientId, Username: username,
			AuthFlow: in.AuthFlow, Answered: in.ChallengeName, Outcome: outcome})
		if level > slog.LevelDebug {
			return
		}
		for _, t := range rec.transitions(result) {
			log.LogAttrs(ctx, slog.LevelDebug, "transition", slog.String("from", t.from), slog.String("event", t.event),
				slog.String("to", t.to), slog.String("op", op), slog.String("pool", sanitizeLog(pool)),
				slog.String("username", sanitizeLog(username)))
		}
	})
}

// readCloser reads from r and closes c.
type readCloser struct {
	io.Reader
	c io.Closer
}

func (rc readCloser) Close() error { return rc.c.Close() }

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// sanitizeLog shortens a client-supplied value and drops control
// characters (the handlers quote values, but a bound keeps lines short).
func sanitizeLog(s string) string {
	if len(s) > 128 {
		s = s[:128] + "…"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// SignIn is one sign-in step, as the admin page lists it.
type SignIn struct {
	Time                                 time.Time
	Op, Pool, Client, Username, AuthFlow string
	// Answered is the challenge the request answered; Outcome the
	// returned challenge, "tokens issued" or the exception.
	Answered, Outcome string
}

// signInLogSize bounds the sign-in steps kept for the admin page.
const signInLogSize = 200

// signInLog keeps the newest sign-in steps in memory.
type signInLog struct {
	mu   sync.Mutex
	max  int
	list []SignIn // oldest first
}

func newSignInLog(n int) *signInLog { return &signInLog{max: n} }

func (l *signInLog) add(s SignIn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, s)
	if len(l.list) > l.max {
		l.list = append(l.list[:0:0], l.list[len(l.list)-l.max:]...)
	}
}

// recent returns up to n steps, newest first.
func (l *signInLog) recent(n int) []SignIn {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []SignIn
	for i := len(l.list) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, l.list[i])
	}
	return out
}
