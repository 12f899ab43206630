package flowtest

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/authflow/authflow/challenge"
)

// update rewrites golden transcripts instead of comparing: go test -update.
var update = flag.Bool("update", false, "rewrite golden transcripts in testdata")

// Transcript records a sequence of calls with their requests and answers,
// so a whole flow can be compared against a committed file.
type Transcript struct {
	Steps []TranscriptStep `json:"steps"`
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
	t.Steps = append(t.Steps, s)
}

// JSON renders the transcript as indented JSON.
func (t *Transcript) JSON() []byte {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

// Golden compares the transcript with testdata/transcripts/<name>.json, or
// writes that file when the test runs with -update.
func (t *Transcript) Golden(tb testing.TB, name string) {
	tb.Helper()
	path := filepath.Join("testdata", "transcripts", name+".json")
	got := t.JSON()
	if *update {
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
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		tb.Errorf("transcript %s differs from %s (run go test -update after checking the change):\n%s", name, path, diffLines(string(want), string(got)))
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
