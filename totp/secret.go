package totp

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"io"
	"strings"
)

const (
	// SecretSize is the number of random bytes in a secret made by
	// [NewSecret]: 256 bits, encoded as 52 base32 characters.
	SecretSize = 32
	// MinSecretLen is the shortest accepted secret, in base32 characters
	// without padding (80 bits; Cognito's SecretCode is at least 16
	// characters long).
	MinSecretLen = 16
	// MaxSecretLen is the longest accepted secret input, in bytes, counted
	// before anything is trimmed.
	MaxSecretLen = 256
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret reads [SecretSize] bytes from r and returns them as unpadded
// upper-case base32 (52 characters of [A-Z2-7]), the form of Cognito's
// SecretCode. A nil r means crypto/rand.Reader. The same bytes always give
// the same secret.
//
// The error, if any, wraps the reader's error (io.ErrUnexpectedEOF for a
// short read).
func NewSecret(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	var buf [SecretSize]byte
	if _, err := io.ReadFull(r, buf[:]); err != nil {
		return "", fmt.Errorf("totp: reading a new secret: %w", err)
	}
	s := b32.EncodeToString(buf[:])
	clear(buf[:])
	return s, nil
}

// padFor maps the length of unpadded base32 modulo 8 to its padding length;
// -1 marks lengths no byte string encodes to.
var padFor = [8]int{0, -1, 6, -1, 4, 3, -1, 1}

// NormalizeSecret returns secret in canonical form: upper-case base32
// without padding. It accepts lower-case letters, standard '=' padding and
// surrounding white space. Anything else gives [ErrInvalidSecret]: an input
// longer than [MaxSecretLen] bytes, characters outside the base32 alphabet
// (interior spaces included), a length no byte string encodes to, padding
// of the wrong length, or fewer than [MinSecretLen] characters.
//
// Trailing bits of the last character are not checked, as authenticator
// apps do not check them either.
func NormalizeSecret(secret string) (string, error) {
	if len(secret) > MaxSecretLen {
		return "", ErrInvalidSecret
	}
	s := strings.TrimSpace(secret)
	data := strings.TrimRight(s, "=")
	if pad := len(s) - len(data); pad != 0 && (len(s)%8 != 0 || pad != padFor[len(data)%8]) {
		return "", ErrInvalidSecret
	}
	if len(data) < MinSecretLen || padFor[len(data)%8] < 0 {
		return "", ErrInvalidSecret
	}
	out := make([]byte, len(data))
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case 'A' <= c && c <= 'Z', '2' <= c && c <= '7':
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		default:
			return "", ErrInvalidSecret
		}
		out[i] = c
	}
	return string(out), nil
}
