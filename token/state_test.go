package token_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
	"github.com/authflow/authflow/token/statetest"
	"github.com/stretchr/testify/require"
)

// MemoryState implements the interface.
var _ token.RefreshState = (*token.MemoryState)(nil)

func TestMemoryStateConformance(t *testing.T) {
	statetest.Run(t, func(t *testing.T) statetest.Store {
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
