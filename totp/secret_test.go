package totp_test

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/authflow/authflow/totp"
)

var secretForm = regexp.MustCompile(`^[A-Z2-7]+$`)

// counterReader yields 0, 1, 2, ... forever.
type counterReader struct{ n byte }

func (r *counterReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.n
		r.n++
	}
	return len(p), nil
}

func TestNewSecret(t *testing.T) {
	s, err := totp.NewSecret(&counterReader{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 52 || !secretForm.MatchString(s) {
		t.Fatalf("NewSecret = %q (%d chars)", s, len(s))
	}
	// Deterministic for a fixed reader, and different for different bytes.
	again, _ := totp.NewSecret(&counterReader{})
	other, _ := totp.NewSecret(&counterReader{n: 1})
	if again != s || other == s {
		t.Fatalf("NewSecret: %q, %q, %q", s, again, other)
	}
	// Reads exactly SecretSize bytes, one byte at a time if need be.
	one, err := totp.NewSecret(iotest.OneByteReader(&counterReader{}))
	if err != nil || one != s {
		t.Fatalf("one-byte reader: %q, %v", one, err)
	}
	// Its own output is a valid, already canonical secret that can be used.
	if n, err := totp.NormalizeSecret(s); err != nil || n != s {
		t.Fatalf("NormalizeSecret(NewSecret()) = %q, %v", n, err)
	}
	if _, err := totp.DefaultConfig().Code(s, time.Unix(1700000000, 0)); err != nil {
		t.Fatal(err)
	}
	// A known value: 32 zero bytes.
	z, _ := totp.NewSecret(bytes.NewReader(make([]byte, 32)))
	if z != strings.Repeat("A", 52) {
		t.Fatalf("zero secret = %q", z)
	}
}

func TestNewSecretCryptoRand(t *testing.T) {
	a, err := totp.NewSecret(nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := totp.NewSecret(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 52 || !secretForm.MatchString(a) || a == b {
		t.Fatalf("NewSecret(nil): %q, %q", a, b)
	}
}

func TestNewSecretShortReader(t *testing.T) {
	_, err := totp.NewSecret(bytes.NewReader(make([]byte, 31)))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("short reader: %v", err)
	}
	boom := errors.New("boom")
	if _, err := totp.NewSecret(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Fatalf("failing reader: %v", err)
	}
}
