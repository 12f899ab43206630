package session

import (
	"bytes"
	"container/heap"
	"context"
	"sync"
	"time"

	"github.com/authflow/authflow/internal/windowcount"
	"github.com/authflow/authflow/session/internal/handles"
)

// Memory is an in-process session store: a map guarded by one mutex, with
// expiry decided by an injectable clock.
//
// Expired sessions are reclaimed when they are touched and, in bulk, by every
// Save (a min-heap ordered by expiry makes that O(log n) per reclaimed
// session); no goroutine runs in the background and there is nothing to close.
// The number of live sessions is bounded ([WithMaxEntries]: when full, Save
// drops the session closest to its expiry), as is the size of each blob
// ([WithMaxBlobSize]).
//
// A handle is live while the clock reads strictly before its expiry: a session
// saved with ttl at time t0 is gone at t0+ttl.
//
// All methods are safe for concurrent use. The context arguments are ignored:
// no method blocks on anything but the store's own mutex. The zero value is
// an empty store with the default options, ready to use; a Memory must not be
// copied after first use. A nil *Memory is not usable.
type Memory struct {
	mu         sync.Mutex
	now        func() time.Time // nil: time.Now
	src        handles.Source
	maxEntries int // <= 0: DefaultMaxEntries
	maxBlob    int // <= 0: DefaultMaxBlobSize

	entries map[string]*memEntry
	expiry  expiryHeap // the same entries as the map, soonest expiry first

	// lim holds the windows of Take, under its own mutex so that counting
	// never waits for session traffic.
	lim windowcount.Counter
}

// memEntry is one live session.
type memEntry struct {
	handle  string
	blob    []byte
	expires time.Time
	index   int // position in Memory.expiry
}

// NewMemory returns an empty in-process store. Without options it uses
// time.Now, crypto/rand, [DefaultMaxEntries] and [DefaultMaxBlobSize]; see
// [WithClock], [WithRand], [WithMaxEntries] and [WithMaxBlobSize].
func NewMemory(opts ...MemoryOption) *Memory {
	m := &Memory{}
	for _, o := range opts {
		o.applyMemory(m)
	}
	return m
}

// clock returns the current time on the store's clock. m.mu must be held.
func (m *Memory) clock() time.Time {
	if m.now == nil {
		return time.Now()
	}
	return m.now()
}

// Save stores a copy of blob until ttl elapses and returns a new handle.
//
// When the store holds its maximum number of live sessions even after
// reclaiming expired ones, the session closest to its expiry is dropped to
// make room: a flood of sign-ins ends the oldest pending ones instead of
// refusing every new one.
//
// It fails with [ErrInvalidTTL] when ttl <= 0, [ErrBlobTooLarge] when blob is
// longer than the maximum blob size, and with an error when the random
// source fails or keeps repeating itself (it never overwrites a live
// session). A nil blob is stored as an empty one.
func (m *Memory) Save(_ context.Context, blob []byte, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", ErrInvalidTTL
	}
	if len(blob) > maxBlobOrDefault(m.maxBlob) {
		return "", ErrBlobTooLarge
	}
	e := &memEntry{blob: cloneBlob(blob)}

	for range handles.SaveAttempts {
		// Read the random source outside m.mu: crypto/rand needs no lock,
		// and an injected reader has a lock of its own.
		h, err := m.src.New()
		if err != nil {
			return "", err
		}
		m.mu.Lock()
		if m.entries == nil {
			m.entries = make(map[string]*memEntry)
		}
		now := m.clock()
		m.sweep(now)
		if _, taken := m.entries[h]; taken {
			m.mu.Unlock()
			continue
		}
		maxEntries := m.maxEntries
		if maxEntries <= 0 {
			maxEntries = DefaultMaxEntries
		}
		for len(m.entries) >= maxEntries {
			// Full of live sessions: the one closest to its expiry (the
			// oldest sign-in) makes room, rather than every new sign-in
			// being refused until sessions expire.
			m.remove(m.expiry[0])
		}
		e.handle = h
		e.expires = now.Add(ttl)
		m.entries[h] = e
		heap.Push(&m.expiry, e)
		m.mu.Unlock()
		return h, nil
	}
	return "", errCollision
}

// Load returns a copy of the blob of a live handle. ok is false, and blob nil,
// when the handle is unknown, expired, spent or malformed. err is always nil.
func (m *Memory) Load(_ context.Context, handle string) (blob []byte, ok bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.live(handle)
	if e == nil {
		return nil, false, nil
	}
	return cloneBlob(e.blob), true, nil
}

// Replace overwrites the blob of a live handle with a copy of blob, keeping
// its expiry. ok is false when the handle is not live; err is non-nil only
// for [ErrBlobTooLarge].
func (m *Memory) Replace(_ context.Context, handle string, blob []byte) (ok bool, err error) {
	if len(blob) > maxBlobOrDefault(m.maxBlob) {
		return false, ErrBlobTooLarge
	}
	c := cloneBlob(blob)
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.live(handle)
	if e == nil {
		return false, nil
	}
	e.blob = c
	return true, nil
}

// Swap overwrites the blob of a live handle, keeping its expiry, only if
// it still holds old: of concurrent swaps from the same old blob exactly
// one succeeds. ok is false when the handle is not live or holds another
// blob. err is ErrBlobTooLarge for an oversized blob, otherwise nil.
func (m *Memory) Swap(_ context.Context, handle string, old, blob []byte) (ok bool, err error) {
	if len(blob) > maxBlobOrDefault(m.maxBlob) {
		return false, ErrBlobTooLarge
	}
	c := cloneBlob(blob)
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.live(handle)
	if e == nil || !bytes.Equal(e.blob, old) {
		return false, nil
	}
	e.blob = c
	return true, nil
}

// Spend ends a live handle. Of any number of concurrent calls for one live
// handle exactly one gets ok=true; every later call gets ok=false, as do
// calls for unknown, expired or malformed handles. err is always nil.
func (m *Memory) Spend(_ context.Context, handle string) (ok bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.live(handle)
	if e == nil {
		return false, nil
	}
	m.remove(e)
	return true, nil
}

// Len reports the number of live sessions, after reclaiming expired ones.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(m.clock())
	return len(m.entries)
}

// live returns the entry of a live handle, reclaiming it if it has expired.
// m.mu must be held.
func (m *Memory) live(handle string) *memEntry {
	if !handles.Valid(handle) {
		return nil
	}
	e := m.entries[handle]
	if e == nil {
		return nil
	}
	if !m.clock().Before(e.expires) {
		m.remove(e)
		return nil
	}
	return e
}

// remove deletes e from the map and the heap. m.mu must be held.
func (m *Memory) remove(e *memEntry) {
	delete(m.entries, e.handle)
	heap.Remove(&m.expiry, e.index)
}

// sweep reclaims every session that has expired at now. m.mu must be held.
func (m *Memory) sweep(now time.Time) {
	for len(m.expiry) > 0 && !now.Before(m.expiry[0].expires) {
		e := heap.Pop(&m.expiry).(*memEntry)
		delete(m.entries, e.handle)
	}
}

// expiryHeap is a min-heap of entries by expiry, for container/heap.
type expiryHeap []*memEntry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].expires.Before(h[j].expires) }
func (h expiryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *expiryHeap) Push(x any) {
	e := x.(*memEntry)
	e.index = len(*h)
	*h = append(*h, e)
}

func (h *expiryHeap) Pop() any {
	old := *h
	n := len(old) - 1
	e := old[n]
	old[n] = nil // let the entry be collected
	*h = old[:n]
	e.index = -1
	return e
}
