// Package sessiontest is the conformance suite of authflow's session
// stores: the Store port of package flow, with the contract in the
// documentation of package session, and the Limiter port beside it. Every
// store in this module runs it (session.Memory, redisstore.Store on
// miniredis and on Redis); an embedder's own store can run it too.
package sessiontest

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/session"
)

// Store mirrors the Store port that package flow declares; package session
// does not import flow, so the stores satisfy it structurally.
type Store interface {
	Save(ctx context.Context, blob []byte, ttl time.Duration) (handle string, err error)
	Load(ctx context.Context, handle string) (blob []byte, ok bool, err error)
	Replace(ctx context.Context, handle string, blob []byte) (ok bool, err error)
	Swap(ctx context.Context, handle string, old, blob []byte) (ok bool, err error)
	Spend(ctx context.Context, handle string) (ok bool, err error)
}

// Limiter mirrors the Limiter port of package flow.
type Limiter interface {
	Take(ctx context.Context, key string, window time.Duration) (count int, err error)
}

var (
	_ Store   = (*session.Memory)(nil)
	_ Limiter = (*session.Memory)(nil)
)

// handleRE is the documented form of a handle.
var handleRE = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// Clock is a manual clock, safe for concurrent use, for session.WithClock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock at a fixed time.
func NewClock() *Clock {
	return &Clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
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
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Run is the conformance suite every session store passes: the contract in
// the documentation of package session, as subtests of t. newStore makes a
// fresh, empty store for one subtest; advance moves the store's clock
// forward, or is nil when the test cannot control time (a real Redis), and
// then the subtests about expiry are skipped.
func Run(t *testing.T, newStore func(t *testing.T) (s Store, advance func(time.Duration))) {
	ctx := context.Background()

	// needClock returns the store and its clock, or skips the subtest.
	needClock := func(t *testing.T) (Store, func(time.Duration)) {
		s, advance := newStore(t)
		if advance == nil {
			t.Skip("this store's clock cannot be advanced")
		}
		return s, advance
	}
	save := func(t *testing.T, s Store, blob string, ttl time.Duration) string {
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
	assertLoad := func(t *testing.T, s Store, h, want string) {
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
	assertGone := func(t *testing.T, s Store, h string) {
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
			"short":         h[:session.HandleLen-1],
			"long":          h + "A",
			"padded":        h + "=",
			"one char off":  string(flipped),
			"std alphabet":  strings.Repeat("+/", session.HandleLen/2) + "+",
			"glob":          strings.Repeat("*", session.HandleLen),
			"NUL":           strings.Repeat("\x00", session.HandleLen),
			"non-ASCII":     strings.Repeat("é", session.HandleLen),
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
			require.Len(t, h, session.HandleLen)
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
			assert.ErrorIs(t, err, session.ErrInvalidTTL)
			assert.Empty(t, h)
		}
	})

	t.Run("BlobSizeLimit", func(t *testing.T) {
		s, _ := newStore(t)
		h, err := s.Save(ctx, make([]byte, session.DefaultMaxBlobSize+1), time.Minute)
		assert.ErrorIs(t, err, session.ErrBlobTooLarge)
		assert.Empty(t, h)

		h = save(t, s, string(make([]byte, session.DefaultMaxBlobSize)), time.Minute)
		ok, err := s.Replace(ctx, h, make([]byte, session.DefaultMaxBlobSize+1))
		assert.ErrorIs(t, err, session.ErrBlobTooLarge)
		assert.False(t, ok)
		blob, ok, err := s.Load(ctx, h)
		require.NoError(t, err)
		require.True(t, ok)
		assert.True(t, bytes.Equal(blob, make([]byte, session.DefaultMaxBlobSize)), "a refused Replace changes nothing")
	})
}

// RunLimiter is the conformance suite of the Limiter port of package flow,
// which session.Memory and redisstore.Store implement beside the Store
// port. newLimiter makes a fresh limiter; advance moves its clock, or is
// nil for a clock the test cannot move (a real Redis).
func RunLimiter(t *testing.T, newLimiter func(t *testing.T) (l Limiter, advance func(time.Duration))) {
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

// benchBlob is about the size of the engine's state after InitiateAuth.
var benchBlob = make([]byte, 256)

// BenchSaveLoadSpend measures one session's life: Save, Load, Spend, with a
// blob about the size of the engine's state after InitiateAuth.
func BenchSaveLoadSpend(b *testing.B, s Store) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		h, err := s.Save(ctx, benchBlob, 3*time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok, err := s.Load(ctx, h); !ok || err != nil {
			b.Fatal("Load", ok, err)
		}
		if ok, err := s.Spend(ctx, h); !ok || err != nil {
			b.Fatal("Spend", ok, err)
		}
	}
}
