package flowtest

import (
	"io"
	"math/rand/v2"
	"sync"
	"time"
)

// Epoch is the instant every Clock starts at unless told otherwise:
// 2026-11-03 09:05:07 UTC, a Tuesday (its TIMESTAMP has an unpadded day).
var Epoch = time.Date(2026, time.November, 3, 9, 5, 7, 0, time.UTC)

// Clock is a manual clock, safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock at t (Epoch when t is zero).
func NewClock(t time.Time) *Clock {
	if t.IsZero() {
		t = Epoch
	}
	return &Clock{now: t}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Rand returns a deterministic, seeded byte stream (ChaCha8), safe for
// concurrent use. The same seed gives the same bytes.
func Rand(seed uint64) io.Reader {
	var key [32]byte
	for i := 0; i < 8; i++ {
		key[i] = byte(seed >> (8 * i))
	}
	return &lockedRand{c: rand.NewChaCha8(key)}
}

type lockedRand struct {
	mu sync.Mutex
	c  *rand.ChaCha8
}

func (r *lockedRand) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.c.Read(p)
}
