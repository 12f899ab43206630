package session

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// limiterPort mirrors the Limiter port of package flow.
type limiterPort interface {
	Take(ctx context.Context, key string, window time.Duration) (count int, err error)
}

var (
	_ limiterPort = (*Memory)(nil)
	_ limiterPort = (*Redis)(nil)
)

// newLimiterFunc makes a fresh limiter; advance moves its clock (nil for a
// real Redis, whose clock the test cannot move).
type newLimiterFunc func(t *testing.T) (l limiterPort, advance func(time.Duration))

func TestMemoryLimiterConformance(t *testing.T) {
	testLimiter(t, func(t *testing.T) (limiterPort, func(time.Duration)) {
		clock := newManualClock()
		return NewMemory(WithClock(clock.Now)), clock.Advance
	})
}

func TestRedisMiniLimiterConformance(t *testing.T) {
	testLimiter(t, func(t *testing.T) (limiterPort, func(time.Duration)) {
		mr := miniredis.RunT(t)
		client := redis.NewClient(&redis.Options{Addr: mr.Addr()})
		t.Cleanup(func() { _ = client.Close() })
		return NewRedis(client, "authflow:"), mr.FastForward
	})
}

func TestRedisRealLimiterConformance(t *testing.T) {
	testLimiter(t, func(t *testing.T) (limiterPort, func(time.Duration)) {
		client := realRedisClient(t)
		return NewRedis(client, uniquePrefix(t, client)), nil
	})
}

func testLimiter(t *testing.T, newLimiter newLimiterFunc) {
	ctx := context.Background()
	t.Run("counts within a window", func(t *testing.T) {
		l, _ := newLimiter(t)
		n, err := l.Take(ctx, "a", 0)
		require.NoError(t, err)
		assert.Equal(t, 0, n, "reading a key never taken")
		for i := 1; i <= 5; i++ {
			n, err := l.Take(ctx, "a", time.Minute)
			require.NoError(t, err)
			assert.Equal(t, i, n)
		}
		n, err = l.Take(ctx, "a", 0)
		require.NoError(t, err)
		assert.Equal(t, 5, n, "a read does not count")
		n, err = l.Take(ctx, "b", time.Minute)
		require.NoError(t, err)
		assert.Equal(t, 1, n, "keys are independent")
	})
	t.Run("window ends", func(t *testing.T) {
		l, advance := newLimiter(t)
		if advance == nil {
			t.Skip("the clock of a real Redis cannot be moved")
		}
		for range 3 {
			_, err := l.Take(ctx, "k", time.Second)
			require.NoError(t, err)
		}
		advance(999 * time.Millisecond)
		n, err := l.Take(ctx, "k", time.Second)
		require.NoError(t, err)
		assert.Equal(t, 4, n, "a later attempt does not extend or restart the window")
		advance(time.Millisecond)
		n, err = l.Take(ctx, "k", 0)
		require.NoError(t, err)
		assert.Equal(t, 0, n, "the window ended")
		n, err = l.Take(ctx, "k", time.Second)
		require.NoError(t, err)
		assert.Equal(t, 1, n, "a new window starts")
	})
	t.Run("real expiry", func(t *testing.T) {
		l, advance := newLimiter(t)
		if advance != nil {
			t.Skip("covered with a manual clock")
		}
		_, err := l.Take(ctx, "k", 50*time.Millisecond)
		require.NoError(t, err)
		require.Eventually(t, func() bool {
			n, err := l.Take(ctx, "k", 0)
			return err == nil && n == 0
		}, 5*time.Second, 10*time.Millisecond)
	})
	t.Run("concurrent callers get distinct counts", func(t *testing.T) {
		l, _ := newLimiter(t)
		const n = 50
		counts := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := l.Take(ctx, "shared", time.Minute)
				assert.NoError(t, err)
				counts[i] = c
			}()
		}
		wg.Wait()
		sort.Ints(counts)
		for i, c := range counts {
			assert.Equal(t, i+1, c)
		}
	})
	t.Run("keys of any bytes", func(t *testing.T) {
		l, _ := newLimiter(t)
		for i, k := range []string{"", "guess\x00pool\x00user", "ü\xff", fmt.Sprint(make([]byte, 300))} {
			n, err := l.Take(ctx, k, time.Minute)
			require.NoError(t, err, "key %d", i)
			assert.Equal(t, 1, n, "key %d", i)
		}
	})
}

func TestMemoryLimiterBounded(t *testing.T) {
	clock := newManualClock()
	m := NewMemory(WithClock(clock.Now))
	ctx := context.Background()
	// The first window ends soonest: when the table is full it is dropped first.
	_, err := m.Take(ctx, "soonest", time.Second)
	require.NoError(t, err)
	for i := range DefaultMaxLimiterKeys {
		_, err := m.Take(ctx, fmt.Sprint(i), time.Hour)
		require.NoError(t, err)
	}
	assert.Len(t, m.lim.windows, DefaultMaxLimiterKeys)
	n, err := m.Take(ctx, "soonest", 0)
	require.NoError(t, err)
	assert.Equal(t, 0, n, "the window ending soonest was dropped")
	n, err = m.Take(ctx, "0", 0)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}

func TestRedisLimiterKeyLayout(t *testing.T) {
	mr, client := newMini(t)
	s := NewRedis(client, "p:")
	_, err := s.Take(context.Background(), "k", 1500*time.Microsecond)
	require.NoError(t, err)
	v, err := mr.Get("p:limit:k")
	require.NoError(t, err)
	assert.Equal(t, "1", v)
	assert.Equal(t, 2*time.Millisecond, mr.TTL("p:limit:k"), "a window is rounded up to a whole millisecond")
}
