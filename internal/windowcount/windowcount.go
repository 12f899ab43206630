// Package windowcount counts attempts per key in fixed windows, in one
// process, with a bound on the number of keys it keeps. It is the counter
// behind the in-process flow.Limiter implementations: session.Memory's and
// the engine's default when its session store is no Limiter.
package windowcount

import (
	"container/heap"
	"sync"
	"time"
)

// DefaultMaxKeys is the number of windows a Counter keeps when New did not
// say otherwise. When it is reached, the windows that end soonest are
// dropped first (they are the closest to ending anyway).
const DefaultMaxKeys = 1 << 18

// Counter holds the current window of each key. It is safe for concurrent
// use; the zero value keeps at most DefaultMaxKeys windows. A Counter must
// not be copied after first use.
type Counter struct {
	mu      sync.Mutex
	max     int // <= 0: DefaultMaxKeys
	windows map[string]*window
	heap    windowHeap // the same windows as the map, soonest end first
}

type window struct {
	key   string
	count int
	ends  time.Time
	index int
}

// New returns a Counter that keeps at most max windows (DefaultMaxKeys
// when max <= 0).
func New(max int) *Counter { return &Counter{max: max} }

// Take counts one attempt under key at now and returns how many attempts
// the key's current window holds, this one included. A window starts with
// the first attempt after the previous one ended and lasts length; a
// length <= 0 only reads the count of the current window (0 when none).
// Concurrent callers get distinct counts.
func (c *Counter) Take(now time.Time, key string, length time.Duration) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.heap) > 0 && !now.Before(c.heap[0].ends) {
		w := heap.Pop(&c.heap).(*window)
		delete(c.windows, w.key)
	}
	w := c.windows[key]
	if length <= 0 {
		if w == nil {
			return 0
		}
		return w.count
	}
	if w == nil {
		if c.windows == nil {
			c.windows = make(map[string]*window)
		}
		max := c.max
		if max <= 0 {
			max = DefaultMaxKeys
		}
		for len(c.heap) >= max {
			old := heap.Pop(&c.heap).(*window)
			delete(c.windows, old.key)
		}
		w = &window{key: key, ends: now.Add(length)}
		c.windows[key] = w
		heap.Push(&c.heap, w)
	}
	w.count++
	return w.count
}

// Len returns the number of windows the Counter keeps (some may have
// ended since the last Take).
func (c *Counter) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.windows)
}

// windowHeap orders windows by their end, soonest first.
type windowHeap []*window

func (h windowHeap) Len() int           { return len(h) }
func (h windowHeap) Less(i, j int) bool { return h[i].ends.Before(h[j].ends) }
func (h windowHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *windowHeap) Push(x any) {
	w := x.(*window)
	w.index = len(*h)
	*h = append(*h, w)
}
func (h *windowHeap) Pop() any {
	old := *h
	n := len(old) - 1
	w := old[n]
	old[n] = nil
	*h = old[:n]
	return w
}
