package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"math"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/session/internal/handles"
	"github.com/authflow/authflow/session/sessiontest"
)

func newMini(t *testing.T) (*miniredis.Miniredis, *redis.Client) {
	mr := miniredis.RunT(t)
	client := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = client.Close() })
	return mr, client
}

func TestNewNilClientPanics(t *testing.T) {
	assert.Panics(t, func() { New(nil, "p:") })
}

func TestKeyLayout(t *testing.T) {
	ctx := context.Background()
	mr, client := newMini(t)
	s := New(client, "authflow:session:")

	h, err := s.Save(ctx, []byte("blob"), 3*time.Minute)
	require.NoError(t, err)
	key := "authflow:session:" + h
	got, err := mr.Get(key)
	require.NoError(t, err)
	assert.Equal(t, "blob", got)
	assert.Equal(t, 3*time.Minute, mr.TTL(key))

	mr.FastForward(time.Minute)
	ok, err := s.Replace(ctx, h, []byte("blob2"))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, 2*time.Minute, mr.TTL(key), "Replace keeps the remaining TTL")
	assert.Equal(t, []string{key}, mr.Keys())

	ok, err = s.Spend(ctx, h)
	require.NoError(t, err)
	require.True(t, ok)
	assert.False(t, mr.Exists(key))
}

// testTTLRounding checks that a ttl becomes a whole number of milliseconds,
// rounded up, and never a key without expiry.
func testTTLRounding(t *testing.T, client redis.UniversalClient, prefix string) {
	ctx := context.Background()
	s := New(client, prefix)
	for _, c := range []struct{ ttl, want time.Duration }{
		{time.Nanosecond, time.Millisecond},
		{1500 * time.Microsecond, 2 * time.Millisecond},
		{time.Minute, time.Minute},
		{60001 * time.Millisecond, 60001 * time.Millisecond},
		{math.MaxInt64, math.MaxInt64 - math.MaxInt64%time.Millisecond},
	} {
		h, err := s.Save(ctx, []byte("x"), c.ttl)
		require.NoError(t, err, "ttl %v", c.ttl)
		got, err := client.PTTL(ctx, prefix+h).Result()
		require.NoError(t, err)
		// -1 would be a key without expiry; -2 (already gone) is fine for
		// the short ones on a real server.
		assert.NotEqual(t, time.Duration(-1), got, "ttl %v must give a key that expires", c.ttl)
		assert.LessOrEqual(t, got, c.want, "ttl %v", c.ttl)
		if c.want >= time.Minute { // short ones may already have run down
			assert.InDelta(t, c.want, got, float64(100*time.Millisecond), "ttl %v", c.ttl)
		}
	}
}

func TestMiniTTLRounding(t *testing.T) {
	mr, client := newMini(t)
	testTTLRounding(t, client, "p:")
	for _, k := range mr.Keys() {
		assert.Positive(t, mr.TTL(k))
	}
	// miniredis does not run the clock down, so the short ones are exact.
	h, err := New(client, "q:").Save(context.Background(), nil, 1500*time.Microsecond)
	require.NoError(t, err)
	assert.Equal(t, 2*time.Millisecond, mr.TTL("q:"+h))
}

func TestRealTTLRounding(t *testing.T) {
	client := realRedisClient(t)
	testTTLRounding(t, client, uniquePrefix(t, client))
}

func TestPrefixesIsolate(t *testing.T) {
	ctx := context.Background()
	_, client := newMini(t)
	a := New(client, "a:")
	b := New(client, "b:")
	h, err := a.Save(ctx, []byte("x"), time.Minute)
	require.NoError(t, err)
	_, ok, err := b.Load(ctx, h)
	require.NoError(t, err)
	assert.False(t, ok)
	ok, err = b.Spend(ctx, h)
	require.NoError(t, err)
	assert.False(t, ok)
	_, ok, err = a.Load(ctx, h)
	require.NoError(t, err)
	assert.True(t, ok)
}

// TestRedisErrors checks that Redis failures come back as errors, never as
// ok=false, and that errors do not carry the handle.
func TestErrors(t *testing.T) {
	ctx := context.Background()
	for name, fail := range map[string]func(*miniredis.Miniredis){
		"error reply": func(mr *miniredis.Miniredis) { mr.SetError("ERR injected failure") },
		"server gone": func(mr *miniredis.Miniredis) { mr.Close() },
	} {
		t.Run(name, func(t *testing.T) {
			mr := miniredis.RunT(t)
			// Fail fast: with go-redis defaults (3 retries of 5 dials each)
			// every call to a dead server takes about 1.7 s.
			client := redis.NewClient(&redis.Options{
				Addr: mr.Addr(), MaxRetries: -1, DialerRetries: 1,
			})
			t.Cleanup(func() { _ = client.Close() })
			s := New(client, "p:")
			h, err := s.Save(ctx, []byte("x"), time.Minute)
			require.NoError(t, err)
			fail(mr)

			_, err = s.Save(ctx, []byte("y"), time.Minute)
			assert.Error(t, err)
			blob, ok, err := s.Load(ctx, h)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), h)
			assert.False(t, ok)
			assert.Nil(t, blob)
			ok, err = s.Replace(ctx, h, []byte("z"))
			require.Error(t, err)
			assert.NotContains(t, err.Error(), h)
			assert.False(t, ok)
			ok, err = s.Spend(ctx, h)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), h)
			assert.False(t, ok)

			// Malformed handles are refused before any round trip.
			_, ok, err = s.Load(ctx, "not a handle")
			assert.NoError(t, err)
			assert.False(t, ok)
		})
	}
}

func TestContextCanceled(t *testing.T) {
	_, client := newMini(t)
	s := New(client, "p:")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Save(ctx, []byte("x"), time.Minute)
	assert.ErrorIs(t, err, context.Canceled)
	_, ok, err := s.Load(ctx, strings.Repeat("A", session.HandleLen))
	assert.ErrorIs(t, err, context.Canceled)
	assert.False(t, ok)
}

func TestRandFailure(t *testing.T) {
	mr, client := newMini(t)
	boom := errors.New("entropy exhausted")
	s := New(client, "p:", WithRand(iotest.ErrReader(boom)))
	_, err := s.Save(context.Background(), []byte("x"), time.Minute)
	require.ErrorIs(t, err, boom)
	assert.Empty(t, mr.Keys())
}

func TestRepeatingRand(t *testing.T) {
	ctx := context.Background()
	_, client := newMini(t)
	s := New(client, "p:", WithRand(zeroReader{}))
	h, err := s.Save(ctx, []byte("first"), time.Minute)
	require.NoError(t, err)
	_, err = s.Save(ctx, []byte("second"), time.Minute)
	require.ErrorIs(t, err, handles.ErrCollision, "a repeated handle must not overwrite a live session")
	blob, ok, err := s.Load(ctx, h)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "first", string(blob))
}

func TestMaxBlobSize(t *testing.T) {
	ctx := context.Background()
	_, client := newMini(t)
	s := New(client, "p:", WithMaxBlobSize(4))
	h, err := s.Save(ctx, []byte("1234"), time.Minute)
	require.NoError(t, err)
	_, err = s.Save(ctx, []byte("12345"), time.Minute)
	require.ErrorIs(t, err, session.ErrBlobTooLarge)
	ok, err := s.Replace(ctx, h, []byte("12345"))
	require.ErrorIs(t, err, session.ErrBlobTooLarge)
	assert.False(t, ok)
}

// testSpendAcrossClients has many goroutines on several clients (standing for
// several server processes) spend the same handle: exactly one wins.
func testSpendAcrossClients(t *testing.T, newClient func() redis.UniversalClient, prefix string) {
	ctx := context.Background()
	const nodes, perNode = 4, 25
	stores := make([]*Store, nodes)
	for i := range stores {
		stores[i] = New(newClient(), prefix)
	}
	for range 10 {
		h, err := stores[0].Save(ctx, []byte("race"), time.Minute)
		require.NoError(t, err)
		var wins, errs atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for _, s := range stores {
			for range perNode {
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
		}
		close(start)
		wg.Wait()
		require.Zero(t, errs.Load())
		require.Equal(t, int32(1), wins.Load(), "exactly one Spend must win across clients")
	}
}

func TestMiniSpendAcrossClients(t *testing.T) {
	mr := miniredis.RunT(t)
	testSpendAcrossClients(t, func() redis.UniversalClient {
		c := redis.NewClient(&redis.Options{Addr: mr.Addr()})
		t.Cleanup(func() { _ = c.Close() })
		return c
	}, "p:")
}

func TestRealSpendAcrossClients(t *testing.T) {
	first := realRedisClient(t)
	prefix := uniquePrefix(t, first)
	testSpendAcrossClients(t, func() redis.UniversalClient {
		c := redis.NewClient(first.Options())
		t.Cleanup(func() { _ = c.Close() })
		return c
	}, prefix)
}

// TestRedisRealExpiry checks expiry, and that Replace keeps it, on a real
// server, where time cannot be moved: it sleeps about 1.2 s.
func TestRealExpiry(t *testing.T) {
	ctx := context.Background()
	client := realRedisClient(t)
	prefix := uniquePrefix(t, client)
	s := New(client, prefix)

	plain, err := s.Save(ctx, []byte("plain"), time.Second)
	require.NoError(t, err)
	replaced, err := s.Save(ctx, []byte("v1"), time.Second)
	require.NoError(t, err)
	kept, err := s.Save(ctx, []byte("kept"), time.Minute)
	require.NoError(t, err)

	pttl, err := client.PTTL(ctx, prefix+plain).Result()
	require.NoError(t, err)
	assert.InDelta(t, time.Second, pttl, float64(200*time.Millisecond))

	time.Sleep(600 * time.Millisecond)
	ok, err := s.Replace(ctx, replaced, []byte("v2"))
	require.NoError(t, err)
	require.True(t, ok)
	pttl, err = client.PTTL(ctx, prefix+replaced).Result()
	require.NoError(t, err)
	assert.Positive(t, pttl)
	assert.LessOrEqual(t, pttl, 400*time.Millisecond, "Replace must keep the TTL, not reset it")

	time.Sleep(600 * time.Millisecond) // 1.2 s after Save
	for _, h := range []string{plain, replaced} {
		_, ok, err := s.Load(ctx, h)
		require.NoError(t, err)
		assert.False(t, ok, "expired")
		ok, err = s.Replace(ctx, h, []byte("v3"))
		require.NoError(t, err)
		assert.False(t, ok, "Replace must not resurrect an expired session")
		ok, err = s.Spend(ctx, h)
		require.NoError(t, err)
		assert.False(t, ok)
	}
	n, err := client.Exists(ctx, prefix+plain, prefix+replaced).Result()
	require.NoError(t, err)
	assert.Zero(t, n, "a refused Replace must not recreate the key")

	blob, ok, err := s.Load(ctx, kept)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "kept", string(blob))
}

// zeroReader is a broken random source: it repeats itself forever.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
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

func TestMiniConformance(t *testing.T) {
	sessiontest.Run(t, func(t *testing.T) (sessiontest.Store, func(time.Duration)) {
		mr, client := newMini(t)
		return New(client, "authflow:session:"), mr.FastForward
	})
}

func TestRealConformance(t *testing.T) {
	sessiontest.Run(t, func(t *testing.T) (sessiontest.Store, func(time.Duration)) {
		client := realRedisClient(t)
		return New(client, uniquePrefix(t, client)), nil
	})
}

func TestMiniLimiterConformance(t *testing.T) {
	sessiontest.RunLimiter(t, func(t *testing.T) (sessiontest.Limiter, func(time.Duration)) {
		mr, client := newMini(t)
		return New(client, "authflow:"), mr.FastForward
	})
}

func TestRealLimiterConformance(t *testing.T) {
	sessiontest.RunLimiter(t, func(t *testing.T) (sessiontest.Limiter, func(time.Duration)) {
		client := realRedisClient(t)
		return New(client, uniquePrefix(t, client)), nil
	})
}

func TestLimiterKeyLayout(t *testing.T) {
	mr, client := newMini(t)
	s := New(client, "p:")
	_, err := s.Take(context.Background(), "k", 1500*time.Microsecond)
	require.NoError(t, err)
	v, err := mr.Get("p:limit:k")
	require.NoError(t, err)
	assert.Equal(t, "1", v)
	assert.Equal(t, 2*time.Millisecond, mr.TTL("p:limit:k"), "a window is rounded up to a whole millisecond")
}

func BenchmarkMiniSaveLoadSpend(b *testing.B) {
	mr := miniredis.RunT(b)
	client := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	b.Cleanup(func() { _ = client.Close() })
	sessiontest.BenchSaveLoadSpend(b, New(client, "bench:"))
}

func BenchmarkRealSaveLoadSpend(b *testing.B) {
	client := realRedisClient(b)
	sessiontest.BenchSaveLoadSpend(b, New(client, uniquePrefix(b, client)))
}

var (
	_ sessiontest.Store   = (*Store)(nil)
	_ sessiontest.Limiter = (*Store)(nil)
)
