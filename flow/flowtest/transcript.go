package flowtest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/authflow/authflow/challenge"
)

// UpdateEnv names the environment variable that makes Golden rewrite the
// golden files instead of comparing: AUTHFLOW_UPDATE_GOLDEN=1 go test ./...
// (an environment variable, so that flowtest registers no command-line
// flag in the test binaries that import it).
const UpdateEnv = "AUTHFLOW_UPDATE_GOLDEN"

// Updating reports whether golden files are to be rewritten (UpdateEnv is
// set to 1).
func Updating() bool { return os.Getenv(UpdateEnv) == "1" }

// Transcript records a sequence of calls with their requests and answers,
// so a whole flow can be compared against a committed file.
type Transcript struct {
	Steps []TranscriptStep `json:"steps"`
	// Source, when set (an *Env is one), gives the transitions of
	// flow.Transitions each recorded call took; they are recorded with it.
	Source interface{ TakeTransitions() []string } `json:"-"`
}

// TranscriptStep is one call.
type TranscriptStep struct {
	Op       string `json:"op"`
	Request  any    `json:"request"`
	Response any    `json:"response,omitempty"`
	Error    *struct {
		Code    challenge.Code `json:"code"`
		Message string         `json:"message"`
	} `json:"error,omitempty"`
	// Transitions are the edges of flow.Transitions the call took
	// ("FROM -event-> TO"), when the Transcript has a Source.
	Transitions []string `json:"transitions,omitempty"`
}

// Record appends a call and returns err unchanged, so it can wrap a call:
//
//	out, err := srv.InitiateAuth(ctx, in)
//	tr.Record("InitiateAuth", in, out, err)
func (t *Transcript) Record(op string, req, resp any, err error) {
	s := TranscriptStep{Op: op, Request: req}
	if err != nil {
		s.Error = &struct {
			Code    challenge.Code `json:"code"`
			Message string         `json:"message"`
		}{challenge.CodeOf(err), challenge.MessageOf(err)}
	} else {
		s.Response = resp
	}
	if t.Source != nil {
		s.Transitions = t.Source.TakeTransitions()
	}
	t.Steps = append(t.Steps, s)
}

// JSON renders the transcript as indented JSON.
func (t *Transcript) JSON() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // transitions read "FROM -event-> TO"
	enc.SetIndent("", "  ")
	if err := enc.Encode(t); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Golden compares the transcript with testdata/transcripts/<name>.json, or
// writes that file when UpdateEnv is set (AUTHFLOW_UPDATE_GOLDEN=1).
func (t *Transcript) Golden(tb testing.TB, name string) {
	tb.Helper()
	path := filepath.Join("testdata", "transcripts", name+".json")
	got := t.JSON()
	if Updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run with `+UpdateEnv+`=1 to create it)", err)
	}
	if !bytes.Equal(want, got) {
		tb.Errorf("transcript %s differs from %s (run with `+UpdateEnv+`=1 after checking the change):\n%s", name, path, diffLines(string(want), string(got)))
	}
}

// diffLines shows the first lines where two texts differ.
func diffLines(a, b string) string {
	al, bl := bytes.Split([]byte(a), []byte("\n")), bytes.Split([]byte(b), []byte("\n"))
	var out bytes.Buffer
	shown := 0
	for i := 0; i < max(len(al), len(bl)) && shown < 12; i++ {
		var x, y []byte
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if !bytes.Equal(x, y) {
			out.WriteString("- " + string(x) + "\n+ " + string(y) + "\n")
			shown++
		}
	}
	return out.String()
}
