package redisstate_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
	"github.com/authflow/authflow/token/redisstate"
	"github.com/authflow/authflow/token/statetest"
)

func TestMiniredisConformance(t *testing.T) { statetest.Run(t, newMiniRedisStore) }
func TestRedisConformance(t *testing.T)     { statetest.Run(t, newRealRedisStore) }

func newMiniRedisStore(t *testing.T) statetest.Store {
	mr := miniredis.RunT(t)
	return redisStore(t, func() *redis.Client { return redis.NewClient(&redis.Options{Addr: mr.Addr()}) }, "authflow:token:")
}

func newRealRedisStore(t *testing.T) statetest.Store {
	url := os.Getenv("AUTHFLOW_REDIS_URL")
	if url == "" {
		t.Skip("AUTHFLOW_REDIS_URL is not set")
	}
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	admin := redis.NewClient(opt)
	t.Cleanup(func() { _ = admin.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, admin.Ping(ctx).Err(), "AUTHFLOW_REDIS_URL is set but the server does not answer")
	prefix := "authflow-test:" + randomHex(8) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := admin.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			admin.Del(ctx, iter.Val())
		}
	})
	return redisStore(t, func() *redis.Client { return redis.NewClient(opt) }, prefix)
}

// redisStore opens each state on its own client (as another process would).
func redisStore(t *testing.T, dial func() *redis.Client, prefix string) statetest.Store {
	return func(now func() time.Time) token.RefreshState {
		client := dial()
		t.Cleanup(func() { _ = client.Close() })
		return redisstate.New(client, prefix).WithClock(now)
	}
}

func TestNewNilClientPanics(t *testing.T) {
	require.Panics(t, func() { redisstate.New(nil, "p:") })
}

// TestKeysExpire checks the key layout and that every key expires
// when the state may forget it, counted on the state's clock.
func TestKeysExpire(t *testing.T) {
	mr := miniredis.RunT(t)
	client := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = client.Close() })
	c := statetest.NewClock()
	s := redisstate.New(client, "p:").WithClock(c.Now)
	ctx := context.Background()

	require.NoError(t, s.PutSession(ctx, token.Session{
		RefreshSession: challenge.RefreshSession{PoolID: statetest.Pool, ClientID: statetest.Client, Username: "alice", Origin: "o1"},
		Created:        statetest.T0, Expires: statetest.T0.Add(time.Hour),
	}))
	h := token.TokenHash{0xab}
	require.NoError(t, s.PutRefresh(ctx, h, token.RefreshRecord{Origin: "o1", Expires: statetest.T0.Add(time.Minute), Keep: statetest.T0.Add(2 * time.Minute)}))
	require.NoError(t, s.RevokeUser(ctx, statetest.Pool, "alice", statetest.T0, statetest.T0.Add(3*time.Hour)))
	rk := "p:r:" + h.String()
	uk := "p:u:" + "19:" + statetest.Pool + ":alice"
	require.ElementsMatch(t, []string{"p:s:o1", rk, uk}, mr.Keys())
	ms := time.Millisecond
	require.Equal(t, time.Hour+ms, mr.TTL("p:s:o1"))
	require.Equal(t, 2*time.Minute+ms, mr.TTL(rk))
	require.Equal(t, 3*time.Hour+ms, mr.TTL(uk))

	// TTLs follow the state's clock and the latest Keep/Expires; a TTL is
	// the time left cut to whole milliseconds, plus one.
	c.Advance(time.Minute)
	_, err := s.TouchRefresh(ctx, h, statetest.T0, statetest.T0.Add(10*time.Minute+time.Microsecond))
	require.NoError(t, err)
	require.Equal(t, 9*time.Minute+ms, mr.TTL(rk))
	_, err = s.TouchRefresh(ctx, h, time.Time{}, statetest.T0.Add(5*time.Minute)) // earlier Keep: TTL unchanged
	require.NoError(t, err)
	require.Equal(t, 9*time.Minute+ms, mr.TTL(rk))
	require.NoError(t, s.PutSession(ctx, token.Session{RefreshSession: challenge.RefreshSession{Origin: "o1"}, Expires: statetest.T0.Add(2 * time.Hour)}))
	require.Equal(t, 2*time.Hour-time.Minute+ms, mr.TTL("p:s:o1"))
	require.NoError(t, s.RevokeSession(ctx, "o1"))
	require.Equal(t, 2*time.Hour-time.Minute+ms, mr.TTL("p:s:o1"), "revoking keeps the TTL")
	require.NoError(t, s.RevokeSession(ctx, "gone"))
	require.False(t, mr.Exists("p:s:gone"))

	mr.FastForward(9*time.Minute + ms)
	require.False(t, mr.Exists(rk))
	mr.FastForward(2 * time.Hour)
	require.Equal(t, []string{uk}, mr.Keys())
	mr.FastForward(time.Hour)
	require.Empty(t, mr.Keys())

	// A record written already past its Keep is not stored.
	require.NoError(t, s.PutRefresh(ctx, h, token.RefreshRecord{Origin: "o1", Expires: statetest.T0, Keep: statetest.T0.Add(time.Minute)}))
	require.Empty(t, mr.Keys())
}

// TestErrors checks that Redis failures come back as errors,
// never as unknown entries.
func TestErrors(t *testing.T) {
	mr := miniredis.RunT(t)
	client := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1})
	t.Cleanup(func() { _ = client.Close() })
	s := redisstate.New(client, "p:")
	ctx := context.Background()
	mr.SetError("ERR injected failure")
	statetest.RunFailures(t, s)

	// The Issuer turns them into InternalErrorException.
	iss, err := token.New(token.Config{Keys: statetest.Keys(t), State: s})
	require.NoError(t, err)
	_, err = iss.Issue(ctx, statetest.Grant("alice"))
	statetest.RequireCode(t, err, challenge.ErrInternalError, "An internal error occurred.")
}

// TestMalformedEntry checks that a key that is not what the state
// wrote is an error.
func TestMalformedEntry(t *testing.T) {
	mr := miniredis.RunT(t)
	client := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = client.Close() })
	s := redisstate.New(client, "p:")
	mr.HSet("p:s:o1", "exp", "soon")
	_, err := s.GetSession(context.Background(), "o1")
	require.Error(t, err)
	mr.Set("p:r:"+(token.TokenHash{}).String(), "a string")
	_, err = s.GetRefresh(context.Background(), token.TokenHash{})
	require.Error(t, err)
}

func TestAttackRevocationSurvivesLossMiniredis(t *testing.T) {
	mr := miniredis.RunT(t)
	client := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { client.Close() })
	statetest.RunLoss(t, func(now func() time.Time) token.RefreshState {
		return redisstate.New(client, "authflow:token:").WithClock(now)
	}, mr.FlushAll)
}

// TestAttackRevocationSurvivesLossRedis loses the keys of its own
// prefix in database 9 of the real Redis (other tests' keys are left alone).
func TestAttackRevocationSurvivesLossRedis(t *testing.T) {
	url := os.Getenv("AUTHFLOW_REDIS_URL")
	if url == "" {
		t.Skip("AUTHFLOW_REDIS_URL is not set")
	}
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	opt.DB = 9
	client := redis.NewClient(opt)
	t.Cleanup(func() { client.Close() })
	ctx := context.Background()
	require.NoError(t, client.Ping(ctx).Err())
	prefix := "authflow-loss-test:" + randomHex(8) + ":"
	lose := func() {
		iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		require.NoError(t, iter.Err())
		require.NotEmpty(t, keys)
		require.NoError(t, client.Del(ctx, keys...).Err())
	}
	t.Cleanup(func() {
		iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
	})
	statetest.RunLoss(t, func(now func() time.Time) token.RefreshState {
		return redisstate.New(client, prefix).WithClock(now)
	}, lose)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
