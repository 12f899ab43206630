package session

import (
	"errors"
	"io"
	"time"

	"github.com/authflow/authflow/session/internal/handles"
)

// HandleLen is the length of every handle the stores issue: 32 random bytes
// in unpadded base64url.
const HandleLen = handles.Len

// DefaultMaxBlobSize is the largest blob the stores accept unless
// [WithMaxBlobSize] says otherwise. The engine's state is far smaller; the
// bound only stops a bug from filling the store.
const DefaultMaxBlobSize = 64 << 10

// DefaultMaxEntries is the number of live sessions a [Memory] holds unless
// [WithMaxEntries] says otherwise.
const DefaultMaxEntries = 100_000

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

	// errCollision is returned by Save when every fresh handle it tried was
	// already taken: only a broken or repeating random source does that.
	errCollision = handles.ErrCollision
)

// cloneBlob returns a non-nil copy of b.
func cloneBlob(b []byte) []byte {
	return append(make([]byte, 0, len(b)), b...)
}

// MemoryOption configures a [Memory]; pass it to [NewMemory].
type MemoryOption interface {
	applyMemory(*Memory)
}

type memoryOptionFunc func(*Memory)

func (f memoryOptionFunc) applyMemory(m *Memory) { f(m) }

// WithRand sets the source of the random bytes behind handles. nil (the
// default) means crypto/rand. The reader is read under a mutex, so it need
// not be safe for concurrent use; a read error makes Save fail.
//
// Handles are only unguessable, and a spent handle only stays spent, if the
// reader is unpredictable and never repeats itself: inject anything other than
// crypto/rand in tests only.
//
// redisstore.WithRand is the same option for a redisstore.Store.
func WithRand(r io.Reader) MemoryOption {
	return memoryOptionFunc(func(m *Memory) { m.src.R = r })
}

// WithMaxBlobSize sets the largest blob, in bytes, that Save and Replace
// accept; longer blobs fail with [ErrBlobTooLarge]. n <= 0 means
// [DefaultMaxBlobSize].
//
// redisstore.WithMaxBlobSize is the same option for a redisstore.Store.
func WithMaxBlobSize(n int) MemoryOption {
	return memoryOptionFunc(func(m *Memory) { m.maxBlob = n })
}

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
