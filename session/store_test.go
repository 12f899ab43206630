package session

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// store mirrors the Store port that package flow declares; the package does
// not import flow, so the stores must satisfy it structurally.
type store interface {
	Save(ctx context.Context, blob []byte, ttl time.Duration) (handle string, err error)
	Load(ctx context.Context, handle string) (blob []byte, ok bool, err error)
	Replace(ctx context.Context, handle string, blob []byte) (ok bool, err error)
	Swap(ctx context.Context, handle string, old, blob []byte) (ok bool, err error)
	Spend(ctx context.Context, handle string) (ok bool, err error)
}

var (
	_ store = (*Memory)(nil)
	_ store = (*Redis)(nil)
)

// handleRE is the documented form of a handle.
var handleRE = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// manualClock is a clock that moves only when told to.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func newManualClock() *manualClock {
	return &manualClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newStoreFunc makes a fresh, empty store. advance moves the store's clock
// forward; it is nil when the test cannot control time (a real Redis).
type newStoreFunc func(t *testing.T) (s store, advance func(time.Duration))

func newMemoryStore(t *testing.T) (store, func(time.Duration)) {
	clock := newManualClock()
	return NewMemory(WithClock(clock.Now)), clock.Advance
}

func newMiniRedisStore(t *testing.T) (store, func(time.Duration)) {
	mr := miniredis.RunT(t)
	client := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = client.Close() })
	return NewRedis(client, "authflow:session:"), mr.FastForward
}

// realRedisClient connects to the server named by AUTHFLOW_REDIS_URL, and
// skips the test when the variable is unset.
func realRedisClient(tb testing.TB) *redis.Client {
	tb.Helper()
	url := os.Getenv("AUTHFLOW_REDIS_URL")
	if url == "" {
		tb.Skip("AUTHFLOW_REDIS_URL is not set")
	}
	opt, err := redis.ParseURL(url)
	require.NoError(tb, err)
	client := redis.NewClient(opt)
	tb.Cleanup(func() { _ = client.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(tb, client.Ping(ctx).Err(), "AUTHFLOW_REDIS_URL is set but the server does not answer")
	return client
}

// uniquePrefix returns a key prefix no other test uses, and deletes every key
// under it when the test ends, so tests can share a real server.
func uniquePrefix(tb testing.TB, client redis.UniversalClient) string {
	var b [8]byte
	rand.Read(b[:])
	prefix := "authflow-test:" + hex.EncodeToString(b[:]) + ":"
	tb.Cleanup(func() {
		ctx := context.Background()
		iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
	})
	return prefix
}

func newRealRedisStore(t *testing.T) (store, func(time.Duration)) {
	client := realRedisClient(t)
	return NewRedis(client, uniquePrefix(t, client)), nil
}

func TestMemoryConformance(t *testing.T)    { testStore(t, newMemoryStore) }
func TestRedisMiniConformance(t *testing.T) { testStore(t, newMiniRedisStore) }
func TestRedisRealConformance(t *testing.T) { testStore(t, newRealRedisStore) }

// testStore is the conformance suite every store passes.
func testStore(t *testing.T, newStore newStoreFunc) {
	ctx := context.Background()

	// needClock returns the store and its clock, or skips the subtest.
	needClock := func(t *testing.T) (store, func(time.Duration)) {
		s, advance := newStore(t)
		if advance == nil {
			t.Skip("this store's clock cannot be advanced")
		}
		return s, advance
	}
	save := func(t *testing.T, s store, blob string, ttl time.Duration) string {
		t.Helper()
		h, err := s.Save(ctx, []byte(blob), ttl)
		require.NoError(t, err)
		return h
	}

	t.Run("swap is a compare-and-set", func(t *testing.T) {
		s, _ := newStore(t)
		h := save(t, s, "v1", time.Minute)
		ok, err := s.Swap(ctx, h, []byte("other"), []byte("v2"))
		if err != nil || ok {
			t.Fatalf("Swap from a wrong old blob: ok=%v err=%v", ok, err)
		}
		ok, err = s.Swap(ctx, h, []byte("v1"), []byte("v2"))
		if err != nil || !ok {
			t.Fatalf("Swap from the right old blob: ok=%v err=%v", ok, err)
		}
		got, ok, err := s.Load(ctx, h)
		if err != nil || !ok || string(got) != "v2" {
			t.Fatalf("Load after Swap = %q %v %v", got, ok, err)
		}
		if ok, _ := s.Spend(ctx, h); !ok {
			t.Fatal("Spend after Swap")
		}
		if ok, err := s.Swap(ctx, h, []byte("v2"), []byte("v3")); ok || err != nil {
			t.Fatalf("Swap after Spend: ok=%v err=%v", ok, err)
		}
		if ok, err := s.Swap(ctx, "not-a-handle", nil, nil); ok || err != nil {
			t.Fatalf("Swap of a malformed handle: ok=%v err=%v", ok, err)
		}
	})
	t.Run("concurrent swaps from one blob: exactly one wins", func(t *testing.T) {
		s, _ := newStore(t)
		h := save(t, s, "count=0", time.Minute)
		var wg sync.WaitGroup
		var wins atomic.Int32
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if ok, err := s.Swap(ctx, h, []byte("count=0"), []byte("count=1")); err == nil && ok {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("%d concurrent swaps won, want 1", wins.Load())
		}
	})
	// assertLoad checks that h is live with the given blob.
	assertLoad := func(t *testing.T, s store, h, want string) {
		t.Helper()
		blob, ok, err := s.Load(ctx, h)
		require.NoError(t, err)
		require.True(t, ok, "handle should be live")
		require.NotNil(t, blob)
		assert.Equal(t, want, string(blob))
	}
	// assertGone checks that h is not live, through all three operations.
	// Spend comes last, so that a live h is not spent by the check itself
	// unless the earlier checks have already failed.
	assertGone := func(t *testing.T, s store, h string) {
		t.Helper()
		blob, ok, err := s.Load(ctx, h)
		require.NoError(t, err)
		assert.False(t, ok, "Load: handle should not be live")
		assert.Nil(t, blob)
		ok, err = s.Replace(ctx, h, []byte("x"))
		require.NoError(t, err)
		assert.False(t, ok, "Replace: handle should not be live")
		ok, err = s.Spend(ctx, h)
		require.NoError(t, err)
		assert.False(t, ok, "Spend: handle should not be live")
	}

	t.Run("RoundTrip", func(t *testing.T) {
		s, _ := newStore(t)
		h := save(t, s, "state v1", time.Minute)
		assertLoad(t, s, h, "state v1")
		assertLoad(t, s, h, "state v1") // Load does not consume

		binary := []byte{0, 1, 2, 0xff, '\r', '\n', 0}
		hb, err := s.Save(ctx, binary, time.Minute)
		require.NoError(t, err)
		assertLoad(t, s, hb, string(binary))
	})

	t.Run("EmptyAndNilBlob", func(t *testing.T) {
		s, _ := newStore(t)
		for _, blob := range [][]byte{nil, {}} {
			h, err := s.Save(ctx, blob, time.Minute)
			require.NoError(t, err)
			got, ok, err := s.Load(ctx, h)
			require.NoError(t, err)
			require.True(t, ok)
			assert.NotNil(t, got, "a live blob is never nil")
			assert.Empty(t, got)
			ok, err = s.Replace(ctx, h, nil)
			require.NoError(t, err)
			assert.True(t, ok)
			got, ok, err = s.Load(ctx, h)
			require.NoError(t, err)
			require.True(t, ok)
			assert.NotNil(t, got)
			assert.Empty(t, got)
		}
	})

	t.Run("UnknownHandle", func(t *testing.T) {
		s, _ := newStore(t)
		h := save(t, s, "keep", time.Minute)
		flipped := []byte(h)
		if flipped[0] == 'A' {
			flipped[0] = 'B'
		} else {
			flipped[0] = 'A'
		}
		for name, u := range map[string]string{
			"never issued":  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
			"empty":         "",
			"short":         h[:HandleLen-1],
			"long":          h + "A",
			"padded":        h + "=",
			"one char off":  string(flipped),
			"std alphabet":  strings.Repeat("+/", HandleLen/2) + "+",
			"glob":          strings.Repeat("*", HandleLen),
			"NUL":           strings.Repeat("\x00", HandleLen),
			"non-ASCII":     strings.Repeat("é", HandleLen),
			"huge":          strings.Repeat("A", 1<<20),
			"upper of real": strings.ToUpper(h),
		} {
			if u == h {
				continue
			}
			t.Run(name, func(t *testing.T) { assertGone(t, s, u) })
		}
		assertLoad(t, s, h, "keep") // no near miss touched the real one
	})

	t.Run("Expiry", func(t *testing.T) {
		s, advance := needClock(t)
		h := save(t, s, "state", 10*time.Second)
		other := save(t, s, "longer", 20*time.Second)
		advance(10*time.Second - time.Millisecond)
		assertLoad(t, s, h, "state")
		advance(time.Millisecond)
		assertGone(t, s, h)
		assertLoad(t, s, other, "longer")
		advance(time.Hour)
		assertGone(t, s, h) // never comes back
		assertGone(t, s, other)
	})

	t.Run("ReplaceKeepsExpiry", func(t *testing.T) {
		s, advance := needClock(t)
		h := save(t, s, "v1", 10*time.Second)
		advance(6 * time.Second)
		ok, err := s.Replace(ctx, h, []byte("v2"))
		require.NoError(t, err)
		require.True(t, ok)
		assertLoad(t, s, h, "v2")
		advance(4*time.Second - time.Millisecond)
		assertLoad(t, s, h, "v2")
		advance(time.Millisecond) // 10 s after Save, 4 s after Replace
		assertGone(t, s, h)
	})

	t.Run("Replace", func(t *testing.T) {
		s, _ := newStore(t)
		h := save(t, s, "v1", time.Minute)
		other := save(t, s, "other", time.Minute)
		for _, v := range []string{"v2", "a much longer third version", ""} {
			ok, err := s.Replace(ctx, h, []byte(v))
			require.NoError(t, err)
			require.True(t, ok)
			assertLoad(t, s, h, v)
		}
		assertLoad(t, s, other, "other")
	})

	t.Run("ReplaceAfterSpend", func(t *testing.T) {
		s, _ := newStore(t)
		h := save(t, s, "v1", time.Minute)
		ok, err := s.Spend(ctx, h)
		require.NoError(t, err)
		require.True(t, ok)
		ok, err = s.Replace(ctx, h, []byte("v2"))
		require.NoError(t, err)
		assert.False(t, ok, "Replace must not resurrect a spent handle")
		assertGone(t, s, h)
	})

	t.Run("ReplaceAfterExpiry", func(t *testing.T) {
		s, advance := needClock(t)
		h := save(t, s, "v1", time.Second)
		advance(time.Second)
		ok, err := s.Replace(ctx, h, []byte("v2"))
		require.NoError(t, err)
		assert.False(t, ok, "Replace must not resurrect an expired handle")
		assertGone(t, s, h)
	})

	t.Run("SpendOnce", func(t *testing.T) {
		s, _ := newStore(t)
		h := save(t, s, "v1", time.Minute)
		other := save(t, s, "other", time.Minute)
		ok, err := s.Spend(ctx, h)
		require.NoError(t, err)
		assert.True(t, ok)
		assertGone(t, s, h)
		assertLoad(t, s, other, "other")
	})

	t.Run("SpendAfterExpiry", func(t *testing.T) {
		s, advance := needClock(t)
		h := save(t, s, "v1", time.Second)
		advance(2 * time.Second)
		ok, err := s.Spend(ctx, h)
		require.NoError(t, err)
		assert.False(t, ok)
	})

	t.Run("ConcurrentSpend", func(t *testing.T) {
		s, _ := newStore(t)
		const rounds, callers = 5, 100
		for range rounds {
			h := save(t, s, "race", time.Minute)
			var wins, errs atomic.Int32
			var wg sync.WaitGroup
			start := make(chan struct{})
			for range callers {
				wg.Go(func() {
					<-start
					ok, err := s.Spend(ctx, h)
					if err != nil {
						errs.Add(1)
					}
					if ok {
						wins.Add(1)
					}
				})
			}
			close(start)
			wg.Wait()
			require.Zero(t, errs.Load())
			require.Equal(t, int32(1), wins.Load(), "exactly one Spend must win")
			assertGone(t, s, h)
		}
	})

	t.Run("ConcurrentMixed", func(t *testing.T) {
		s, _ := newStore(t)
		var wg sync.WaitGroup
		for g := range 16 {
			wg.Go(func() {
				for i := range 20 {
					blob := []byte{byte(g), byte(i)}
					h, err := s.Save(ctx, blob, time.Minute)
					if !assert.NoError(t, err) {
						return
					}
					got, ok, err := s.Load(ctx, h)
					assert.NoError(t, err)
					assert.True(t, ok)
					assert.Equal(t, blob, got)
					ok, err = s.Replace(ctx, h, append(blob, 1))
					assert.NoError(t, err)
					assert.True(t, ok)
					ok, err = s.Spend(ctx, h)
					assert.NoError(t, err)
					assert.True(t, ok)
				}
			})
		}
		wg.Wait()
	})

	t.Run("HandlesDistinctAndWellFormed", func(t *testing.T) {
		s, _ := newStore(t)
		seen := make(map[string]bool)
		for range 1000 {
			h := save(t, s, "x", time.Minute)
			require.Regexp(t, handleRE, h)
			require.Len(t, h, HandleLen)
			require.False(t, seen[h], "handle issued twice")
			seen[h] = true
		}
	})

	t.Run("BlobsAreCopied", func(t *testing.T) {
		s, _ := newStore(t)
		in := []byte("original")
		h, err := s.Save(ctx, in, time.Minute)
		require.NoError(t, err)
		copy(in, "MUTATED!")
		assertLoad(t, s, h, "original")

		out, ok, err := s.Load(ctx, h)
		require.NoError(t, err)
		require.True(t, ok)
		copy(out, "MUTATED!")
		assertLoad(t, s, h, "original")

		repl := []byte("replaced")
		ok, err = s.Replace(ctx, h, repl)
		require.NoError(t, err)
		require.True(t, ok)
		copy(repl, "MUTATED!")
		assertLoad(t, s, h, "replaced")
	})

	t.Run("InvalidTTL", func(t *testing.T) {
		s, _ := newStore(t)
		for _, ttl := range []time.Duration{0, -1, -time.Hour} {
			h, err := s.Save(ctx, []byte("x"), ttl)
			assert.ErrorIs(t, err, ErrInvalidTTL)
			assert.Empty(t, h)
		}
	})

	t.Run("BlobSizeLimit", func(t *testing.T) {
		s, _ := newStore(t)
		h, err := s.Save(ctx, make([]byte, DefaultMaxBlobSize+1), time.Minute)
		assert.ErrorIs(t, err, ErrBlobTooLarge)
		assert.Empty(t, h)

		h = save(t, s, string(make([]byte, DefaultMaxBlobSize)), time.Minute)
		ok, err := s.Replace(ctx, h, make([]byte, DefaultMaxBlobSize+1))
		assert.ErrorIs(t, err, ErrBlobTooLarge)
		assert.False(t, ok)
		blob, ok, err := s.Load(ctx, h)
		require.NoError(t, err)
		require.True(t, ok)
		assert.True(t, bytes.Equal(blob, make([]byte, DefaultMaxBlobSize)), "a refused Replace changes nothing")
	})
}
