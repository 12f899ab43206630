package windowcount_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/authflow/authflow/internal/windowcount"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestWindows(t *testing.T) {
	var c windowcount.Counter
	assert.Equal(t, 0, c.Take(t0, "a", 0), "reading a key never taken")
	for i := 1; i <= 3; i++ {
		assert.Equal(t, i, c.Take(t0.Add(time.Duration(i-1)*time.Millisecond), "a", time.Second))
	}
	assert.Equal(t, 3, c.Take(t0, "a", 0), "a read does not count")
	assert.Equal(t, 1, c.Take(t0, "b", time.Second), "keys are independent")
	assert.Equal(t, 3, c.Take(t0.Add(999*time.Millisecond), "a", 0), "the window lasts its length from its first attempt")
	assert.Equal(t, 0, c.Take(t0.Add(time.Second), "a", 0), "and ends then")
	assert.Equal(t, 1, c.Take(t0.Add(time.Second), "a", time.Second), "the next attempt starts a new window")
	assert.Equal(t, 1, c.Len(), "b's window ended too, and is gone")
}

// TestBounded: when the Counter keeps its maximum of windows, a new key
// drops the window that ends soonest.
func TestBounded(t *testing.T) {
	c := windowcount.New(100)
	c.Take(t0, "soonest", time.Second)
	for i := range 100 {
		c.Take(t0, fmt.Sprint(i), time.Hour)
	}
	assert.Equal(t, 100, c.Len())
	assert.Equal(t, 0, c.Take(t0, "soonest", 0), "the window ending soonest was dropped")
	assert.Equal(t, 1, c.Take(t0, "0", 0))
	assert.Equal(t, 1, c.Take(t0, "99", 0))
}

// TestConcurrentCountsDistinct: concurrent attempts under one key get
// the counts 1 to n, each once.
func TestConcurrentCountsDistinct(t *testing.T) {
	var c windowcount.Counter
	const n = 64
	seen := make([]int, n+1)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := c.Take(t0, "k", time.Minute)
			mu.Lock()
			seen[k]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	for k := 1; k <= n; k++ {
		assert.Equal(t, 1, seen[k], "count %d", k)
	}
}
