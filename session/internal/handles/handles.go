// Package handles issues and checks the session handles of package session
// and its subpackages: 32 random bytes in unpadded base64url.
package handles

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Len is the length of every handle: 32 random bytes in unpadded base64url.
const Len = 43

// size is the number of random bytes behind a handle.
const size = 32

// SaveAttempts is how many fresh handles Save tries before it gives up on a
// random source that keeps repeating itself.
const SaveAttempts = 3

// ErrCollision is returned by Save when SaveAttempts fresh handles were all
// already taken: only a broken or repeating random source does that.
var ErrCollision = errors.New("session: random source keeps repeating handles")

// Source issues handles. A nil R means crypto/rand, which is safe for
// concurrent use; any other reader is read under a mutex, so it need not be.
type Source struct {
	mu sync.Mutex
	R  io.Reader
}

// New returns a fresh handle, or an error if the reader fails.
func (s *Source) New() (string, error) {
	var b [size]byte
	if s.R == nil {
		rand.Read(b[:]) // never fails: the runtime crashes instead.
	} else {
		s.mu.Lock()
		_, err := io.ReadFull(s.R, b[:])
		s.mu.Unlock()
		if err != nil {
			return "", fmt.Errorf("session: reading random handle: %w", err)
		}
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// Valid reports whether h has the form of an issued handle. It looks at no
// more than Len bytes of h, so it is cheap for any input.
func Valid(h string) bool {
	if len(h) != Len {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}
