package token_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
	"github.com/stretchr/testify/require"
)

// Every state implements the interface.
var (
	_ token.RefreshState = (*token.MemoryState)(nil)
	_ token.RefreshState = (*token.RedisState)(nil)
	_ token.RefreshState = (*token.SQLState)(nil)
)

// stateStore opens states on one store: each call returns a state on the
// same data, as another server process sharing the store would have, whose
// expiry decisions use now. (A MemoryState store returns the same state.)
type stateStore func(now func() time.Time) token.RefreshState

// newStateStore makes an empty store for a test, or skips the test.
type newStateStore func(t *testing.T) stateStore

func TestMemoryStateConformance(t *testing.T) {
	testState(t, func(t *testing.T) stateStore {
		var (
			mu sync.Mutex
			m  *token.MemoryState
		)
		return func(now func() time.Time) token.RefreshState {
			mu.Lock()
			defer mu.Unlock()
			if m == nil {
				m = token.NewMemoryState(now)
			}
			return m
		}
	})
}

// testState is the conformance suite every RefreshState passes: the
// behaviour of MemoryState, which the others reproduce.
func testState(t *testing.T, newStore newStateStore) {
	t.Run("Contract", func(t *testing.T) { testStateContract(t, newStore(t)) })
	t.Run("Expiry", func(t *testing.T) { testStateExpiry(t, newStore(t)) })
	t.Run("ConcurrentTouch", func(t *testing.T) { testStateConcurrentTouch(t, newStore(t)) })
	t.Run("ConcurrentRotation", func(t *testing.T) { testStateConcurrentRotation(t, newStore(t)) })
	t.Run("ConcurrentUse", func(t *testing.T) { testStateConcurrentUse(t, newStore(t)) })
	t.Run("TwoIssuers", func(t *testing.T) { testStateTwoIssuers(t, newStore(t)) })
}

func testStateContract(t *testing.T, store stateStore) {
	c := newClock()
	m := store(c.Now)
	ctx := context.Background()
	s := token.Session{
		RefreshSession: challenge.RefreshSession{PoolID: testPool, ClientID: testClient, Username: "alice", Sub: "sub-alice",
			Origin: "o1", AuthTime: t0.Add(-time.Minute + time.Nanosecond), DeviceKey: "eu-west-1_dev"},
		Created:        t0,
		UserGeneration: 7,
		Expires:        t0.Add(time.Hour),
	}
	got, err := m.GetSession(ctx, "o1")
	require.NoError(t, err)
	require.Nil(t, got)
	require.NoError(t, m.PutSession(ctx, s))
	got, err = m.GetSession(ctx, "o1")
	require.NoError(t, err)
	require.Equal(t, s, *got, "every field is kept, times to the nanosecond")
	require.NoError(t, m.RevokeSession(ctx, "o1"))
	// Putting again only extends Expires; Revoked stays.
	s2 := s
	s2.Expires = t0.Add(2 * time.Hour)
	s2.Username = "changed"
	s2.UserGeneration = 9
	require.NoError(t, m.PutSession(ctx, s2))
	got, err = m.GetSession(ctx, "o1")
	require.NoError(t, err)
	require.True(t, got.Revoked)
	require.Equal(t, "alice", got.Username)
	require.Equal(t, uint64(7), got.UserGeneration)
	require.Equal(t, t0.Add(2*time.Hour), got.Expires)
	s3 := s
	s3.Expires = t0.Add(time.Minute) // earlier: no change
	require.NoError(t, m.PutSession(ctx, s3))
	got, _ = m.GetSession(ctx, "o1")
	require.Equal(t, t0.Add(2*time.Hour), got.Expires)
	got.Username = "mutated" // a copy
	got, _ = m.GetSession(ctx, "o1")
	require.Equal(t, "alice", got.Username)
	require.NoError(t, m.RevokeSession(ctx, "unknown"))
	got, err = m.GetSession(ctx, "unknown")
	require.NoError(t, err)
	require.Nil(t, got, "revoking an unknown session does not create it")

	h := token.TokenHash{1}
	r, err := m.GetRefresh(ctx, h)
	require.NoError(t, err)
	require.Nil(t, r)
	require.NoError(t, m.PutRefresh(ctx, h, token.RefreshRecord{Origin: "o1", Expires: t0.Add(time.Hour), Keep: t0.Add(time.Hour)}))
	prev, err := m.TouchRefresh(ctx, h, t0.Add(time.Minute), t0.Add(3*time.Hour))
	require.NoError(t, err)
	require.Equal(t, t0.Add(time.Hour), prev)
	prev, err = m.TouchRefresh(ctx, h, t0.Add(30*time.Minute), time.Time{}) // later than current: no change
	require.NoError(t, err)
	require.Equal(t, t0.Add(time.Minute), prev)
	prev, err = m.TouchRefresh(ctx, h, time.Time{}, time.Time{}) // zero: unchanged
	require.NoError(t, err)
	require.Equal(t, t0.Add(time.Minute), prev)
	r, err = m.GetRefresh(ctx, h)
	require.NoError(t, err)
	require.Equal(t, token.RefreshRecord{Origin: "o1", Expires: t0.Add(time.Minute), Keep: t0.Add(3 * time.Hour)}, *r)
	prev, err = m.TouchRefresh(ctx, token.TokenHash{2}, t0, t0)
	require.NoError(t, err)
	require.True(t, prev.IsZero())
	r, err = m.GetRefresh(ctx, token.TokenHash{2})
	require.NoError(t, err)
	require.Nil(t, r, "touching an unknown token does not create it")

	// Keep is at least Expires; putting a hash again replaces its record.
	h3 := token.TokenHash{3}
	require.NoError(t, m.PutRefresh(ctx, h3, token.RefreshRecord{Origin: "o1", Expires: t0.Add(time.Hour)}))
	r, _ = m.GetRefresh(ctx, h3)
	require.Equal(t, token.RefreshRecord{Origin: "o1", Expires: t0.Add(time.Hour), Keep: t0.Add(time.Hour)}, *r)
	require.NoError(t, m.PutRefresh(ctx, h3, token.RefreshRecord{Origin: "o2", Expires: t0.Add(time.Minute), Keep: t0.Add(time.Minute)}))
	r, _ = m.GetRefresh(ctx, h3)
	require.Equal(t, token.RefreshRecord{Origin: "o2", Expires: t0.Add(time.Minute), Keep: t0.Add(time.Minute)}, *r)

	u, err := m.GetUserRevocation(ctx, testPool, "alice")
	require.NoError(t, err)
	require.Equal(t, token.UserRevocation{}, u)
	require.NoError(t, m.RevokeUser(ctx, testPool, "alice", t0, t0.Add(time.Hour)))
	require.NoError(t, m.RevokeUser(ctx, testPool, "alice", t0.Add(-time.Minute), t0))
	u, _ = m.GetUserRevocation(ctx, testPool, "alice")
	require.Equal(t, token.UserRevocation{Generation: 2, At: t0, Keep: t0.Add(time.Hour)}, u)
	// Users are told apart by pool and name, even when they share a prefix.
	for _, k := range [][2]string{{testPool, "alice:x"}, {testPool + ":alice", "x"}, {"other", "alice"}} {
		u, err = m.GetUserRevocation(ctx, k[0], k[1])
		require.NoError(t, err)
		require.Equal(t, token.UserRevocation{}, u, "%q", k)
	}
}

// testStateExpiry checks that entries are kept up to their time, by the
// state's clock, and are gone from then on.
func testStateExpiry(t *testing.T, store stateStore) {
	c := newClock()
	m := store(c.Now)
	ctx := context.Background()
	s := token.Session{
		RefreshSession: challenge.RefreshSession{PoolID: testPool, ClientID: testClient, Username: "alice", Origin: "o1"},
		Created:        t0,
		Expires:        t0.Add(time.Hour),
	}
	require.NoError(t, m.PutSession(ctx, s))
	h := token.TokenHash{1}
	require.NoError(t, m.PutRefresh(ctx, h, token.RefreshRecord{Origin: "o1", Expires: t0.Add(10 * time.Minute), Keep: t0.Add(30 * time.Minute)}))

	c.Advance(30*time.Minute - time.Nanosecond)
	r, err := m.GetRefresh(ctx, h)
	require.NoError(t, err)
	require.NotNil(t, r, "kept until Keep, past Expires")
	c.Advance(time.Nanosecond)
	r, err = m.GetRefresh(ctx, h)
	require.NoError(t, err)
	require.Nil(t, r)

	c.Advance(30*time.Minute - time.Nanosecond)
	got, err := m.GetSession(ctx, "o1")
	require.NoError(t, err)
	require.NotNil(t, got)
	c.Advance(time.Nanosecond)
	got, err = m.GetSession(ctx, "o1")
	require.NoError(t, err)
	require.Nil(t, got)

	// Writes go on working once entries have expired; a session put again
	// after it was forgotten starts anew.
	require.NoError(t, m.RevokeSession(ctx, "o1"))
	s.Expires = t0.Add(3 * time.Hour)
	require.NoError(t, m.PutSession(ctx, s))
	got, err = m.GetSession(ctx, "o1")
	require.NoError(t, err)
	require.NotNil(t, got)
	require.Equal(t, t0.Add(3*time.Hour), got.Expires)
	// An entry written already expired is never returned.
	require.NoError(t, m.PutRefresh(ctx, token.TokenHash{2}, token.RefreshRecord{Origin: "o1", Expires: t0, Keep: t0}))
	r, err = m.GetRefresh(ctx, token.TokenHash{2})
	require.NoError(t, err)
	require.Nil(t, r)
}

// testStateConcurrentTouch races rotations of one refresh token through
// several states on the store: exactly one sees the original expiry.
func testStateConcurrentTouch(t *testing.T, store stateStore) {
	c := newClock()
	states := []token.RefreshState{store(c.Now), store(c.Now)}
	ctx := context.Background()
	h := token.TokenHash{7}
	require.NoError(t, states[0].PutRefresh(ctx, h, token.RefreshRecord{Origin: "o1", Expires: t0.Add(time.Hour), Keep: t0.Add(time.Hour)}))

	const n = 16
	var wins atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			prev, err := states[i%2].TouchRefresh(ctx, h, t0, t0.Add(2*time.Hour+time.Duration(i)))
			if err != nil {
				t.Error(err)
				return
			}
			switch {
			case prev.Equal(t0.Add(time.Hour)):
				wins.Add(1)
			case !prev.Equal(t0):
				t.Errorf("prev %v, want the original expiry or the rotated one", prev)
			}
		}()
	}
	close(start)
	wg.Wait()
	require.Equal(t, int32(1), wins.Load())
	r, err := states[1].GetRefresh(ctx, h)
	require.NoError(t, err)
	require.Equal(t, token.RefreshRecord{Origin: "o1", Expires: t0, Keep: t0.Add(2*time.Hour + (n-1)*time.Nanosecond)}, *r,
		"Keep is the latest of every call")
}

// testStateConcurrentRotation races rotations of one refresh token, without
// grace, through two Issuers sharing the store: exactly one wins.
func testStateConcurrentRotation(t *testing.T, store stateStore) {
	c := newClock()
	keys := loadKeys(t)
	var issuers []*token.Issuer
	for i := range 2 {
		iss, err := token.New(token.Config{Keys: keys, Now: c.Now, Rand: seeded(byte(20 + i)), State: store(c.Now)})
		require.NoError(t, err)
		issuers = append(issuers, iss)
	}
	ctx := context.Background()
	first, err := issuers[0].Issue(ctx, grant("alice"))
	require.NoError(t, err)
	s, err := issuers[1].Refresh(ctx, testClient, first.RefreshToken)
	require.NoError(t, err)

	const n = 8
	var wins, losses atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := issuers[i%2].Issue(ctx, refreshGrant(s, first.RefreshToken, true))
			if err == nil {
				wins.Add(1)
			} else if challenge.CodeOf(err) == challenge.ErrNotAuthorized {
				losses.Add(1)
			} else {
				t.Error(err)
			}
		}()
	}
	close(start)
	wg.Wait()
	require.Equal(t, int32(1), wins.Load())
	require.Equal(t, int32(n-1), losses.Load())
}

func testStateConcurrentUse(t *testing.T, store stateStore) {
	c := newClock()
	iss, err := token.New(token.Config{Keys: loadKeys(t), Now: c.Now, Rand: seeded(1), State: store(c.Now)})
	require.NoError(t, err)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := []string{"alice", "bob"}[i%2]
			for range 5 {
				res, err := iss.Issue(ctx, grant(user))
				if err != nil {
					t.Error(err)
					return
				}
				s, err := iss.Refresh(ctx, testClient, res.RefreshToken)
				if err == nil {
					_, _ = iss.Issue(ctx, refreshGrant(s, res.RefreshToken, true))
				} else if challenge.CodeOf(err) != challenge.ErrNotAuthorized {
					t.Error(err)
				}
				if _, err := iss.VerifyAccess(ctx, res.AccessToken); err != nil && challenge.CodeOf(err) != challenge.ErrNotAuthorized {
					t.Error(err)
				}
				if i%4 == 0 {
					err = iss.RevokeUser(ctx, testPool, user)
				} else {
					err = iss.Revoke(ctx, testClient, res.RefreshToken)
				}
				if err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}

// testStateTwoIssuers runs two Issuers (two server processes) on one store:
// a refresh token issued by one is accepted by the other, and revocations
// made by either are seen by both.
func testStateTwoIssuers(t *testing.T, store stateStore) {
	c := newClock()
	keys := loadKeys(t)
	a, err := token.New(token.Config{Keys: keys, Now: c.Now, Rand: seeded(30), State: store(c.Now)})
	require.NoError(t, err)
	b, err := token.New(token.Config{Keys: keys, Now: c.Now, Rand: seeded(31), State: store(c.Now)})
	require.NoError(t, err)
	ctx := context.Background()

	first, err := a.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	c.Advance(time.Minute)
	s, err := b.Refresh(ctx, testClient, first.RefreshToken)
	require.NoError(t, err, "b accepts a's refresh token")
	claims, err := a.VerifyAccess(ctx, first.AccessToken)
	require.NoError(t, err)
	require.Equal(t, claims.Origin, s.Origin)
	rotated, err := b.Issue(ctx, refreshGrant(s, first.RefreshToken, true))
	require.NoError(t, err)
	// The rotation by b (no grace) is seen by a.
	_, err = a.Refresh(ctx, testClient, first.RefreshToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken)
	_, err = a.Refresh(ctx, testClient, rotated.RefreshToken)
	require.NoError(t, err)

	// b revokes the sign-in; a refuses its refresh and access tokens.
	require.NoError(t, b.Revoke(ctx, testClient, rotated.RefreshToken))
	_, err = a.Refresh(ctx, testClient, rotated.RefreshToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgRefreshTokenRevoked)
	_, err = a.VerifyAccess(ctx, first.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)
	_, err = a.VerifyAccess(ctx, rotated.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)

	// a signs bob out globally; b refuses bob's tokens of before, not after.
	bob, err := b.Issue(ctx, grant("bob"))
	require.NoError(t, err)
	require.NoError(t, a.RevokeUser(ctx, testPool, "bob"))
	_, err = b.Refresh(ctx, testClient, bob.RefreshToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgRefreshTokenRevoked)
	_, err = b.VerifyAccess(ctx, bob.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)
	again, err := b.Issue(ctx, grant("bob"))
	require.NoError(t, err)
	_, err = a.Refresh(ctx, testClient, again.RefreshToken)
	require.NoError(t, err)
	_, err = a.VerifyAccess(ctx, again.AccessToken)
	require.NoError(t, err)
}

func TestMemoryStateReclaimsExpiredEntries(t *testing.T) {
	iss, c := setup(t)
	ctx := context.Background()
	// The default state is a MemoryState on the issuer's clock; use one we can inspect.
	m := token.NewMemoryState(c.Now)
	iss2, err := token.New(token.Config{Keys: iss.Keys(), Now: c.Now, Rand: seeded(9), State: m})
	require.NoError(t, err)

	g := grant("alice")
	g.RefreshValidity = 2 * time.Hour
	res, err := iss2.Issue(ctx, g)
	require.NoError(t, err)
	require.NoError(t, iss2.RevokeUser(ctx, testPool, "bob"))
	sessions, tokens, users := m.Len()
	require.Equal(t, [3]int{1, 1, 1}, [3]int{sessions, tokens, users})

	// Nothing is reclaimed while it is needed.
	c.Advance(2*time.Hour - time.Second)
	m.Sweep()
	sessions, tokens, users = m.Len()
	require.Equal(t, [3]int{1, 1, 1}, [3]int{sessions, tokens, users})
	_, err = iss2.Refresh(ctx, testClient, res.RefreshToken)
	require.NoError(t, err)

	// Once the refresh token has expired, the session and token go; the
	// user revocation stays (it outlives every token issued before it).
	c.Advance(time.Second)
	_, err = iss2.Refresh(ctx, testClient, res.RefreshToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken)
	c.Advance(time.Minute)
	require.NoError(t, iss2.RevokeUser(ctx, testPool, "carol")) // a write a minute after the last sweep sweeps
	sessions, tokens, users = m.Len()
	require.Equal(t, [3]int{0, 0, 2}, [3]int{sessions, tokens, users})

	c.Advance(token.MaxValidity + 25*time.Hour)
	m.Sweep()
	sessions, tokens, users = m.Len()
	require.Equal(t, [3]int{0, 0, 0}, [3]int{sessions, tokens, users})
}
