package session

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// HandleLen is the length of every handle the stores issue: 32 random bytes
// in unpadded base64url.
const HandleLen = 43

// handleBytes is the number of random bytes behind a handle.
const handleBytes = 32

// DefaultMaxBlobSize is the largest blob the stores accept unless
// [WithMaxBlobSize] says otherwise. The engine's state is far smaller; the
// bound only stops a bug from filling the store.
const DefaultMaxBlobSize = 64 << 10

// DefaultMaxEntries is the number of live sessions a [Memory] holds unless
// [WithMaxEntries] says otherwise.
const DefaultMaxEntries = 100_000

// saveAttempts is how many fresh handles Save tries before it gives up on a
// random source that keeps repeating itself.
const saveAttempts = 3

var (
	// ErrInvalidTTL is returned by Save when ttl is not positive.
	ErrInvalidTTL = errors.New("session: ttl must be positive")
	// ErrBlobTooLarge is returned by Save and Replace when the blob is longer
	// than the store's maximum blob size (see [WithMaxBlobSize]).
	ErrBlobTooLarge = errors.New("session: blob too large")
	// ErrFull was returned by [Memory.Save] when the store held its maximum
	// number of live sessions. Save now drops the session closest to its
	// expiry instead; the error is kept for callers that compare with it.
	ErrFull = errors.New("session: store full")

	// errCollision is returned by Save when saveAttempts fresh handles were all
	// already taken: only a broken or repeating random source does that.
	errCollision = errors.New("session: random source keeps repeating handles")
)

// handleSource issues handles. A nil reader means crypto/rand, which is safe
// for concurrent use; any other reader is read under mu, so it need not be.
type handleSource struct {
	mu sync.Mutex
	r  io.Reader
}

// newHandle returns a fresh handle, or an error if the reader fails.
func (s *handleSource) newHandle() (string, error) {
	var b [handleBytes]byte
	if s.r == nil {
		rand.Read(b[:]) // never fails: the runtime crashes instead.
	} else {
		s.mu.Lock()
		_, err := io.ReadFull(s.r, b[:])
		s.mu.Unlock()
		if err != nil {
			return "", fmt.Errorf("session: reading random handle: %w", err)
		}
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// validHandle reports whether h has the form of an issued handle. It looks at
// no more than HandleLen bytes of h, so it is cheap for any input.
func validHandle(h string) bool {
	if len(h) != HandleLen {
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

// cloneBlob returns a non-nil copy of b.
func cloneBlob(b []byte) []byte {
	return append(make([]byte, 0, len(b)), b...)
}

// MemoryOption configures a [Memory]; pass it to [NewMemory].
type MemoryOption interface {
	applyMemory(*Memory)
}

// RedisOption configures a [Redis]; pass it to [NewRedis].
type RedisOption interface {
	applyRedis(*Redis)
}

// Option configures either store: it is both a [MemoryOption] and a
// [RedisOption].
type Option interface {
	MemoryOption
	RedisOption
}

type memoryOptionFunc func(*Memory)

func (f memoryOptionFunc) applyMemory(m *Memory) { f(m) }

type randOption struct{ r io.Reader }

func (o randOption) applyMemory(m *Memory) { m.src.r = o.r }
func (o randOption) applyRedis(s *Redis)   { s.src.r = o.r }

// WithRand sets the source of the random bytes behind handles. nil (the
// default) means crypto/rand. The reader is read under a mutex, so it need
// not be safe for concurrent use; a read error makes Save fail.
//
// Handles are only unguessable, and a spent handle only stays spent, if the
// reader is unpredictable and never repeats itself: inject anything other than
// crypto/rand in tests only.
func WithRand(r io.Reader) Option { return randOption{r} }

type maxBlobOption int

func (o maxBlobOption) applyMemory(m *Memory) { m.maxBlob = int(o) }
func (o maxBlobOption) applyRedis(s *Redis)   { s.maxBlob = int(o) }

// WithMaxBlobSize sets the largest blob, in bytes, that Save and Replace
// accept; longer blobs fail with [ErrBlobTooLarge]. n <= 0 means
// [DefaultMaxBlobSize].
func WithMaxBlobSize(n int) Option { return maxBlobOption(n) }

// WithClock sets the clock a [Memory] reads to decide expiry. nil (the
// default) means time.Now. Tests inject a manual clock to make expiry
// deterministic. The clock is called with the store's mutex held, so it must
// not call back into the store.
func WithClock(now func() time.Time) MemoryOption {
	return memoryOptionFunc(func(m *Memory) { m.now = now })
}

// WithMaxEntries bounds the number of live sessions a [Memory] holds; beyond
// it, Save drops the session closest to its expiry. n <= 0 means
// [DefaultMaxEntries].
func WithMaxEntries(n int) MemoryOption {
	return memoryOptionFunc(func(m *Memory) { m.maxEntries = n })
}

// maxBlobOrDefault returns n, or DefaultMaxBlobSize when n <= 0.
func maxBlobOrDefault(n int) int {
	if n <= 0 {
		return DefaultMaxBlobSize
	}
	return n
}
