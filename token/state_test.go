package token_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
	"github.com/stretchr/testify/require"
)

// The interface is implemented by the default state.
var _ token.RefreshState = (*token.MemoryState)(nil)

func TestMemoryStateContract(t *testing.T) {
	c := newClock()
	m := token.NewMemoryState(c.Now)
	ctx := context.Background()
	s := token.Session{
		RefreshSession: challenge.RefreshSession{PoolID: testPool, ClientID: testClient, Username: "alice", Origin: "o1"},
		Created:        t0,
		Expires:        t0.Add(time.Hour),
	}
	require.NoError(t, m.PutSession(ctx, s))
	require.NoError(t, m.RevokeSession(ctx, "o1"))
	// Putting again only extends Expires; Revoked stays.
	s2 := s
	s2.Expires = t0.Add(2 * time.Hour)
	s2.Username = "changed"
	require.NoError(t, m.PutSession(ctx, s2))
	got, err := m.GetSession(ctx, "o1")
	require.NoError(t, err)
	require.True(t, got.Revoked)
	require.Equal(t, "alice", got.Username)
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

	h := token.TokenHash{1}
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
	r, err := m.GetRefresh(ctx, h)
	require.NoError(t, err)
	require.Equal(t, token.RefreshRecord{Origin: "o1", Expires: t0.Add(time.Minute), Keep: t0.Add(3 * time.Hour)}, *r)
	prev, err = m.TouchRefresh(ctx, token.TokenHash{2}, t0, t0)
	require.NoError(t, err)
	require.True(t, prev.IsZero())

	u, err := m.GetUserRevocation(ctx, testPool, "alice")
	require.NoError(t, err)
	require.Equal(t, token.UserRevocation{}, u)
	require.NoError(t, m.RevokeUser(ctx, testPool, "alice", t0, t0.Add(time.Hour)))
	require.NoError(t, m.RevokeUser(ctx, testPool, "alice", t0.Add(-time.Minute), t0))
	u, _ = m.GetUserRevocation(ctx, testPool, "alice")
	require.Equal(t, token.UserRevocation{Generation: 2, At: t0, Keep: t0.Add(time.Hour)}, u)
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

func TestMemoryStateConcurrentUse(t *testing.T) {
	iss, _ := setup(t)
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
				}
				_, _ = iss.VerifyAccess(ctx, res.AccessToken)
				if i%4 == 0 {
					_ = iss.RevokeUser(ctx, testPool, user)
				} else {
					_ = iss.Revoke(ctx, testClient, res.RefreshToken)
				}
			}
		}()
	}
	wg.Wait()
}
