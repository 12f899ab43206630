package session

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// The Limiter port of package flow: attempts counted per key in fixed
// windows. Memory implements it beside the Store port, and so does
// redisstore.Store, so a server that shares its sessions across nodes
// shares its limits too.

// DefaultMaxLimiterKeys is the number of windows a [Memory] keeps for
// [Memory.Take]. When it is reached, the windows that end soonest are
// dropped first (they are the closest to ending anyway).
const DefaultMaxLimiterKeys = 1 << 18

// limiter is the window table of a Memory, guarded by its own mutex so
// counting never waits for session traffic.
type limiter struct {
	mu      sync.Mutex
	windows map[string]*limitWindow
	heap    windowHeap
}

type limitWindow struct {
	key   string
	count int
	ends  time.Time
	index int
}

// Take counts one attempt under key and returns how many attempts the
// key's current window holds, this one included. A window starts with the
// first attempt after the previous one ended and lasts window; a window <=
// 0 only reads the count of the current window (0 when none). Concurrent
// callers get distinct counts. err is always nil.
func (m *Memory) Take(_ context.Context, key string, window time.Duration) (int, error) {
	l := &m.lim
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if m.now != nil {
		now = m.now()
	}
	for len(l.heap) > 0 && !now.Before(l.heap[0].ends) {
		w := heap.Pop(&l.heap).(*limitWindow)
		delete(l.windows, w.key)
	}
	w := l.windows[key]
	if window <= 0 {
		if w == nil {
			return 0, nil
		}
		return w.count, nil
	}
	if w == nil {
		if l.windows == nil {
			l.windows = make(map[string]*limitWindow)
		}
		for len(l.heap) >= DefaultMaxLimiterKeys {
			old := heap.Pop(&l.heap).(*limitWindow)
			delete(l.windows, old.key)
		}
		w = newWindow(key, now.Add(window))
		l.windows[key] = w
		heap.Push(&l.heap, w)
	}
	w.count++
	return w.count, nil
}

func newWindow(key string, ends time.Time) *limitWindow { return &limitWindow{key: key, ends: ends} }

// windowHeap orders windows by their end, soonest first.
type windowHeap []*limitWindow

func (h windowHeap) Len() int           { return len(h) }
func (h windowHeap) Less(i, j int) bool { return h[i].ends.Before(h[j].ends) }
func (h windowHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *windowHeap) Push(x any) {
	w := x.(*limitWindow)
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
