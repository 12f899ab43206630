// Package statetest is the conformance suite of token.RefreshState, which
// every implementation in this module runs (token.MemoryState,
// redisstate.State on miniredis and on Redis, sqlstate.State on SQLite and
// on PostgreSQL), with the helpers those tests share. An embedder's own
// state can run it too:
//
//	func TestMyState(t *testing.T) {
//		statetest.Run(t, func(t *testing.T) statetest.Store {
//			db := openEmptyStore(t)
//			return func(now func() time.Time) token.RefreshState { return mystate.New(db, now) }
//		})
//	}
package statetest

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
)

// Store opens states on one store: each call returns a state on the same
// data, as another server process sharing the store would have, whose
// expiry decisions use now. (A MemoryState store returns the same state.)
type Store func(now func() time.Time) token.RefreshState

// T0 is the start of every Clock.
var T0 = time.Date(2026, time.November, 22, 10, 0, 0, 0, time.UTC)

// The user pool and app client of the grants the suite issues.
const (
	Pool   = "eu-west-1_AbCdEf123"
	Client = "3n4b5urk1ft4fl3mg5e62d9ado"
)

// Clock is a manual clock, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock at T0.
func NewClock() *Clock { return &Clock{t: T0} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// seeded returns a deterministic reader.
func seeded(seed byte) io.Reader { return mrand.NewChaCha8([32]byte{seed}) }

var (
	keysOnce sync.Once
	keysFile []byte
	keysErr  error
)

// Keys returns a fresh copy of a signing key set made for this test process
// (generated once, kept in memory only).
func Keys(tb testing.TB) *token.KeySet {
	tb.Helper()
	keysOnce.Do(func() {
		var ks *token.KeySet
		if ks, keysErr = token.GenerateKeySet(rand.Reader); keysErr == nil {
			keysFile, keysErr = ks.MarshalKeyFile()
		}
	})
	require.NoError(tb, keysErr)
	ks, err := token.ParseKeyFile(keysFile)
	require.NoError(tb, err)
	return ks
}

// Grant returns a sign-in grant for user in Pool and Client at T0.
func Grant(user string) challenge.TokenGrant {
	return challenge.TokenGrant{
		PoolID:   Pool,
		ClientID: Client,
		Username: user,
		Sub:      "sub-" + user,
		AuthTime: T0,
	}
}

// RefreshGrant returns the grant the engine builds to refresh s with rt
// (rotating the refresh token when rotate).
func RefreshGrant(s *challenge.RefreshSession, rt string, rotate bool) challenge.TokenGrant {
	return challenge.TokenGrant{
		PoolID:        s.PoolID,
		ClientID:      s.ClientID,
		Username:      s.Username,
		Sub:           s.Sub,
		DeviceKey:     s.DeviceKey,
		AuthTime:      s.AuthTime,
		Origin:        s.Origin,
		Refresh:       rt,
		RotateRefresh: rotate,
	}
}

// RequireCode asserts that err is a *challenge.Error with code and message.
func RequireCode(tb testing.TB, err error, code challenge.Code, msg string) {
	tb.Helper()
	require.Error(tb, err)
	require.ErrorIs(tb, err, code)
	var e *challenge.Error
	require.True(tb, errors.As(err, &e), "not a *challenge.Error: %T", err)
	require.Equal(tb, code, e.Code)
	require.Equal(tb, msg, e.Message)
}

// lossyState is a state and a way to lose everything it holds.
type lossyState struct {
	state token.RefreshState
	lose  func()
}

// Run is the conformance suite every RefreshState passes: the behaviour of
// token.MemoryState, which the others reproduce, as subtests of t.
// newStore makes an empty store for one subtest (or skips it).
func Run(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("Contract", func(t *testing.T) { testStateContract(t, newStore(t)) })
	t.Run("Expiry", func(t *testing.T) { testStateExpiry(t, newStore(t)) })
	t.Run("ConcurrentTouch", func(t *testing.T) { testStateConcurrentTouch(t, newStore(t)) })
	t.Run("ConcurrentRotation", func(t *testing.T) { testStateConcurrentRotation(t, newStore(t)) })
	t.Run("ConcurrentUse", func(t *testing.T) { testStateConcurrentUse(t, newStore(t)) })
	t.Run("TwoIssuers", func(t *testing.T) { testStateTwoIssuers(t, newStore(t)) })
	t.Run("SessionRefreshPutter", func(t *testing.T) { testSessionRefreshPutter(t, newStore(t)) })
}

// testSessionRefreshPutter checks that PutSessionRefresh, when the state
// offers it, has the effect of PutSession followed by PutRefresh.
func testSessionRefreshPutter(t *testing.T, store Store) {
	c := NewClock()
	m := store(c.Now)
	p, ok := m.(token.SessionRefreshPutter)
	if !ok {
		t.Skip("the state stores sessions and refresh tokens separately only")
	}
	ctx := context.Background()
	s := token.Session{
		RefreshSession: challenge.RefreshSession{PoolID: Pool, ClientID: Client, Username: "alice", Sub: "sub-alice",
			Origin: "o9", AuthTime: T0},
		Created:        T0,
		UserGeneration: 3,
		Expires:        T0.Add(2 * time.Hour),
	}
	h := token.TokenHash{9}
	require.NoError(t, p.PutSessionRefresh(ctx, s, h, token.RefreshRecord{Origin: "o9", Expires: T0.Add(time.Hour)}))
	got, err := m.GetSession(ctx, "o9")
	require.NoError(t, err)
	require.Equal(t, s, *got)
	r, err := m.GetRefresh(ctx, h)
	require.NoError(t, err)
	require.Equal(t, token.RefreshRecord{Origin: "o9", Expires: T0.Add(time.Hour), Keep: T0.Add(time.Hour)}, *r, "Keep is at least Expires")
	// Again with an earlier expiry: the session keeps its later one (as
	// PutSession), the refresh record is replaced (as PutRefresh).
	s2 := s
	s2.Expires = T0.Add(time.Minute)
	require.NoError(t, p.PutSessionRefresh(ctx, s2, h, token.RefreshRecord{Origin: "o9", Expires: T0.Add(time.Minute), Keep: T0.Add(3 * time.Hour)}))
	got, _ = m.GetSession(ctx, "o9")
	require.Equal(t, T0.Add(2*time.Hour), got.Expires)
	r, _ = m.GetRefresh(ctx, h)
	require.Equal(t, token.RefreshRecord{Origin: "o9", Expires: T0.Add(time.Minute), Keep: T0.Add(3 * time.Hour)}, *r)
}

func testStateContract(t *testing.T, store Store) {
	c := NewClock()
	m := store(c.Now)
	ctx := context.Background()
	s := token.Session{
		RefreshSession: challenge.RefreshSession{PoolID: Pool, ClientID: Client, Username: "alice", Sub: "sub-alice",
			Origin: "o1", AuthTime: T0.Add(-time.Minute + time.Nanosecond), DeviceKey: "eu-west-1_dev"},
		Created:        T0,
		UserGeneration: 7,
		Expires:        T0.Add(time.Hour),
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
	s2.Expires = T0.Add(2 * time.Hour)
	s2.Username = "changed"
	s2.UserGeneration = 9
	require.NoError(t, m.PutSession(ctx, s2))
	got, err = m.GetSession(ctx, "o1")
	require.NoError(t, err)
	require.True(t, got.Revoked)
	require.Equal(t, "alice", got.Username)
	require.Equal(t, uint64(7), got.UserGeneration)
	require.Equal(t, T0.Add(2*time.Hour), got.Expires)
	s3 := s
	s3.Expires = T0.Add(time.Minute) // earlier: no change
	require.NoError(t, m.PutSession(ctx, s3))
	got, _ = m.GetSession(ctx, "o1")
	require.Equal(t, T0.Add(2*time.Hour), got.Expires)
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
	require.NoError(t, m.PutRefresh(ctx, h, token.RefreshRecord{Origin: "o1", Expires: T0.Add(time.Hour), Keep: T0.Add(time.Hour)}))
	prev, err := m.TouchRefresh(ctx, h, T0.Add(time.Minute), T0.Add(3*time.Hour))
	require.NoError(t, err)
	require.Equal(t, T0.Add(time.Hour), prev)
	prev, err = m.TouchRefresh(ctx, h, T0.Add(30*time.Minute), time.Time{}) // later than current: no change
	require.NoError(t, err)
	require.Equal(t, T0.Add(time.Minute), prev)
	prev, err = m.TouchRefresh(ctx, h, time.Time{}, time.Time{}) // zero: unchanged
	require.NoError(t, err)
	require.Equal(t, T0.Add(time.Minute), prev)
	r, err = m.GetRefresh(ctx, h)
	require.NoError(t, err)
	require.Equal(t, token.RefreshRecord{Origin: "o1", Expires: T0.Add(time.Minute), Keep: T0.Add(3 * time.Hour)}, *r)
	prev, err = m.TouchRefresh(ctx, token.TokenHash{2}, T0, T0)
	require.NoError(t, err)
	require.True(t, prev.IsZero())
	r, err = m.GetRefresh(ctx, token.TokenHash{2})
	require.NoError(t, err)
	require.Nil(t, r, "touching an unknown token does not create it")

	// Keep is at least Expires; putting a hash again replaces its record.
	h3 := token.TokenHash{3}
	require.NoError(t, m.PutRefresh(ctx, h3, token.RefreshRecord{Origin: "o1", Expires: T0.Add(time.Hour)}))
	r, _ = m.GetRefresh(ctx, h3)
	require.Equal(t, token.RefreshRecord{Origin: "o1", Expires: T0.Add(time.Hour), Keep: T0.Add(time.Hour)}, *r)
	require.NoError(t, m.PutRefresh(ctx, h3, token.RefreshRecord{Origin: "o2", Expires: T0.Add(time.Minute), Keep: T0.Add(time.Minute)}))
	r, _ = m.GetRefresh(ctx, h3)
	require.Equal(t, token.RefreshRecord{Origin: "o2", Expires: T0.Add(time.Minute), Keep: T0.Add(time.Minute)}, *r)

	u, err := m.GetUserRevocation(ctx, Pool, "alice")
	require.NoError(t, err)
	require.Equal(t, token.UserRevocation{}, u)
	require.NoError(t, m.RevokeUser(ctx, Pool, "alice", T0, T0.Add(time.Hour)))
	require.NoError(t, m.RevokeUser(ctx, Pool, "alice", T0.Add(-time.Minute), T0))
	u, _ = m.GetUserRevocation(ctx, Pool, "alice")
	require.Equal(t, token.UserRevocation{Generation: 2, At: T0, Keep: T0.Add(time.Hour)}, u)
	// Users are told apart by pool and name, even when they share a prefix.
	for _, k := range [][2]string{{Pool, "alice:x"}, {Pool + ":alice", "x"}, {"other", "alice"}} {
		u, err = m.GetUserRevocation(ctx, k[0], k[1])
		require.NoError(t, err)
		require.Equal(t, token.UserRevocation{}, u, "%q", k)
	}
}

// testStateExpiry checks that entries are kept up to their time, by the
// state's clock, and are gone from then on.
func testStateExpiry(t *testing.T, store Store) {
	c := NewClock()
	m := store(c.Now)
	ctx := context.Background()
	s := token.Session{
		RefreshSession: challenge.RefreshSession{PoolID: Pool, ClientID: Client, Username: "alice", Origin: "o1"},
		Created:        T0,
		Expires:        T0.Add(time.Hour),
	}
	require.NoError(t, m.PutSession(ctx, s))
	h := token.TokenHash{1}
	require.NoError(t, m.PutRefresh(ctx, h, token.RefreshRecord{Origin: "o1", Expires: T0.Add(10 * time.Minute), Keep: T0.Add(30 * time.Minute)}))

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
	s.Expires = T0.Add(3 * time.Hour)
	require.NoError(t, m.PutSession(ctx, s))
	got, err = m.GetSession(ctx, "o1")
	require.NoError(t, err)
	require.NotNil(t, got)
	require.Equal(t, T0.Add(3*time.Hour), got.Expires)
	// An entry written already expired is never returned.
	require.NoError(t, m.PutRefresh(ctx, token.TokenHash{2}, token.RefreshRecord{Origin: "o1", Expires: T0, Keep: T0}))
	r, err = m.GetRefresh(ctx, token.TokenHash{2})
	require.NoError(t, err)
	require.Nil(t, r)
}

// testStateConcurrentTouch races rotations of one refresh token through
// several states on the store: exactly one sees the original expiry.
func testStateConcurrentTouch(t *testing.T, store Store) {
	c := NewClock()
	states := []token.RefreshState{store(c.Now), store(c.Now)}
	ctx := context.Background()
	h := token.TokenHash{7}
	require.NoError(t, states[0].PutRefresh(ctx, h, token.RefreshRecord{Origin: "o1", Expires: T0.Add(time.Hour), Keep: T0.Add(time.Hour)}))

	const n = 16
	var wins atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			prev, err := states[i%2].TouchRefresh(ctx, h, T0, T0.Add(2*time.Hour+time.Duration(i)))
			if err != nil {
				t.Error(err)
				return
			}
			switch {
			case prev.Equal(T0.Add(time.Hour)):
				wins.Add(1)
			case !prev.Equal(T0):
				t.Errorf("prev %v, want the original expiry or the rotated one", prev)
			}
		}()
	}
	close(start)
	wg.Wait()
	require.Equal(t, int32(1), wins.Load())
	r, err := states[1].GetRefresh(ctx, h)
	require.NoError(t, err)
	require.Equal(t, token.RefreshRecord{Origin: "o1", Expires: T0, Keep: T0.Add(2*time.Hour + (n-1)*time.Nanosecond)}, *r,
		"Keep is the latest of every call")
}

// testStateConcurrentRotation races rotations of one refresh token, without
// grace, through two Issuers sharing the store: exactly one wins.
func testStateConcurrentRotation(t *testing.T, store Store) {
	c := NewClock()
	keys := Keys(t)
	var issuers []*token.Issuer
	for i := range 2 {
		iss, err := token.New(token.Config{Keys: keys, Now: c.Now, Rand: seeded(byte(20 + i)), State: store(c.Now)})
		require.NoError(t, err)
		issuers = append(issuers, iss)
	}
	ctx := context.Background()
	first, err := issuers[0].Issue(ctx, Grant("alice"))
	require.NoError(t, err)
	s, err := issuers[1].Refresh(ctx, Client, first.RefreshToken)
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
			_, err := issuers[i%2].Issue(ctx, RefreshGrant(s, first.RefreshToken, true))
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

func testStateConcurrentUse(t *testing.T, store Store) {
	c := NewClock()
	iss, err := token.New(token.Config{Keys: Keys(t), Now: c.Now, Rand: seeded(1), State: store(c.Now)})
	require.NoError(t, err)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := []string{"alice", "bob"}[i%2]
			for range 5 {
				res, err := iss.Issue(ctx, Grant(user))
				if err != nil {
					t.Error(err)
					return
				}
				s, err := iss.Refresh(ctx, Client, res.RefreshToken)
				if err == nil {
					_, _ = iss.Issue(ctx, RefreshGrant(s, res.RefreshToken, true))
				} else if challenge.CodeOf(err) != challenge.ErrNotAuthorized {
					t.Error(err)
				}
				if _, err := iss.VerifyAccess(ctx, res.AccessToken); err != nil && challenge.CodeOf(err) != challenge.ErrNotAuthorized {
					t.Error(err)
				}
				if i%4 == 0 {
					err = iss.RevokeUser(ctx, Pool, user)
				} else {
					err = iss.Revoke(ctx, Client, res.RefreshToken)
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
func testStateTwoIssuers(t *testing.T, store Store) {
	c := NewClock()
	keys := Keys(t)
	a, err := token.New(token.Config{Keys: keys, Now: c.Now, Rand: seeded(30), State: store(c.Now)})
	require.NoError(t, err)
	b, err := token.New(token.Config{Keys: keys, Now: c.Now, Rand: seeded(31), State: store(c.Now)})
	require.NoError(t, err)
	ctx := context.Background()

	first, err := a.Issue(ctx, Grant("alice"))
	require.NoError(t, err)
	c.Advance(time.Minute)
	s, err := b.Refresh(ctx, Client, first.RefreshToken)
	require.NoError(t, err, "b accepts a's refresh token")
	claims, err := a.VerifyAccess(ctx, first.AccessToken)
	require.NoError(t, err)
	require.Equal(t, claims.Origin, s.Origin)
	rotated, err := b.Issue(ctx, RefreshGrant(s, first.RefreshToken, true))
	require.NoError(t, err)
	// The rotation by b (no grace) is seen by a.
	_, err = a.Refresh(ctx, Client, first.RefreshToken)
	RequireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken)
	_, err = a.Refresh(ctx, Client, rotated.RefreshToken)
	require.NoError(t, err)

	// b revokes the sign-in; a refuses its refresh and access tokens.
	require.NoError(t, b.Revoke(ctx, Client, rotated.RefreshToken))
	_, err = a.Refresh(ctx, Client, rotated.RefreshToken)
	RequireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgRefreshTokenRevoked)
	_, err = a.VerifyAccess(ctx, first.AccessToken)
	RequireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)
	_, err = a.VerifyAccess(ctx, rotated.AccessToken)
	RequireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)

	// a signs bob out globally; b refuses bob's tokens of before, not after.
	bob, err := b.Issue(ctx, Grant("bob"))
	require.NoError(t, err)
	require.NoError(t, a.RevokeUser(ctx, Pool, "bob"))
	_, err = b.Refresh(ctx, Client, bob.RefreshToken)
	RequireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgRefreshTokenRevoked)
	_, err = b.VerifyAccess(ctx, bob.AccessToken)
	RequireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)
	again, err := b.Issue(ctx, Grant("bob"))
	require.NoError(t, err)
	_, err = a.Refresh(ctx, Client, again.RefreshToken)
	require.NoError(t, err)
	_, err = a.VerifyAccess(ctx, again.AccessToken)
	require.NoError(t, err)
}

// RunLoss checks that a state fails closed (token.FailClosedState): an
// access token revoked by a global sign-out stays refused after the state
// loses its contents (issue 12, item 8), and so does every token issued
// before the loss; tokens issued after the loss work. open returns the
// state on the given clock, once; lose deletes everything the state holds
// (a Redis restart without persistence, a truncated table).
func RunLoss(t *testing.T, open func(now func() time.Time) token.RefreshState, lose func()) {
	ctx := context.Background()
	c := NewClock()
	st := lossyState{state: open(c.Now), lose: lose}
	iss, err := token.New(token.Config{Keys: Keys(t), Now: c.Now, Rand: seeded(9), State: st.state})
	require.NoError(t, err)

	res, err := iss.Issue(ctx, Grant("alice"))
	require.NoError(t, err)
	other, err := iss.Issue(ctx, Grant("bob"))
	require.NoError(t, err)
	_, err = iss.VerifyAccess(ctx, res.AccessToken)
	require.NoError(t, err)
	c.Advance(time.Minute)
	require.NoError(t, iss.RevokeUser(ctx, Pool, "alice"))
	_, err = iss.VerifyAccess(ctx, res.AccessToken)
	RequireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)

	c.Advance(time.Minute)
	st.lose()
	_, err = iss.VerifyAccess(ctx, res.AccessToken)
	RequireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)
	// Every token from before the loss is refused: the state cannot tell
	// which of them were revoked.
	_, err = iss.VerifyAccess(ctx, other.AccessToken)
	RequireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)
	_, err = iss.VerifyID(ctx, res.IdToken, Client)
	RequireCode(t, err, challenge.ErrNotAuthorized, token.MsgIDTokenRevoked)

	// A sign-in after the loss works.
	c.Advance(time.Second)
	fresh, err := iss.Issue(ctx, Grant("alice"))
	require.NoError(t, err)
	_, err = iss.VerifyAccess(ctx, fresh.AccessToken)
	require.NoError(t, err)
	// And another loss refuses it too.
	c.Advance(time.Second)
	st.lose()
	_, err = iss.VerifyAccess(ctx, fresh.AccessToken)
	RequireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)
}

// RunFailures checks that every method of s fails with an error (never an
// unknown entry), for a state whose store is down.
func RunFailures(t *testing.T, s token.RefreshState) {
	t.Helper()
	ctx := context.Background()
	_, err := s.GetSession(ctx, "o1")
	require.Error(t, err)
	require.Error(t, s.PutSession(ctx, token.Session{Expires: T0.Add(time.Hour)}))
	require.Error(t, s.RevokeSession(ctx, "o1"))
	require.Error(t, s.PutRefresh(ctx, token.TokenHash{}, token.RefreshRecord{Expires: T0.Add(time.Hour)}))
	_, err = s.GetRefresh(ctx, token.TokenHash{})
	require.Error(t, err)
	_, err = s.TouchRefresh(ctx, token.TokenHash{}, T0, T0)
	require.Error(t, err)
	require.Error(t, s.RevokeUser(ctx, Pool, "alice", T0, T0))
	_, err = s.GetUserRevocation(ctx, Pool, "alice")
	require.Error(t, err)
}
