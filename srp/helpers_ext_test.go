package srp_test

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

// seededReader returns a deterministic io.Reader for the given seed.
func seededReader(seed uint64) io.Reader {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return rand.NewChaCha8(s)
}

// prefixReader reads from r but replaces the first len(prefix) bytes it
// returns with prefix, to force salts of a given shape.
type prefixReader struct {
	r      io.Reader
	prefix []byte
}

func (p *prefixReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	k := copy(b[:n], p.prefix)
	p.prefix = p.prefix[k:]
	return n, err
}

// errReader always fails.
type errReader struct{}

var errBroken = errors.New("broken reader")

func (errReader) Read([]byte) (int, error) { return 0, errBroken }

func mustOK(t testing.TB, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: unexpected error: %v", what, err)
	}
}

func wantErr(t testing.TB, err error, targets ...error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", targets)
	}
	for _, target := range targets {
		if !errors.Is(err, target) {
			t.Errorf("error %q does not match %v", err, target)
		}
	}
}

func equalBytes(t testing.TB, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Errorf("%s: got %x, want %x", what, got, want)
	}
}
