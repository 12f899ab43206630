package token_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
	"github.com/stretchr/testify/require"
)

func TestRefreshWithoutRotation(t *testing.T) {
	iss, c := setup(t)
	ctx := context.Background()
	g := grant("alice")
	g.DeviceKey = "eu-west-1_dev"
	g.AuthTime = t0.Add(-time.Minute)
	first, err := iss.Issue(ctx, g)
	require.NoError(t, err)
	a1, err := iss.VerifyAccess(ctx, first.AccessToken)
	require.NoError(t, err)

	c.Advance(10 * time.Minute)
	s, err := iss.Refresh(ctx, testClient, first.RefreshToken)
	require.NoError(t, err)
	require.Equal(t, &challenge.RefreshSession{
		PoolID:    testPool,
		ClientID:  testClient,
		Username:  "alice",
		Sub:       "sub-alice",
		Origin:    a1.Origin,
		AuthTime:  t0.Add(-time.Minute),
		DeviceKey: "eu-west-1_dev",
	}, s)

	second, err := iss.Issue(ctx, refreshGrant(s, first.RefreshToken, false))
	require.NoError(t, err)
	require.Empty(t, second.RefreshToken, "no rotation: no new refresh token")
	a2, err := iss.VerifyAccess(ctx, second.AccessToken)
	require.NoError(t, err)
	require.Equal(t, a1.Origin, a2.Origin, "origin_jti is kept on refresh")
	require.NotEqual(t, a1.JTI, a2.JTI)
	require.Equal(t, t0.Add(10*time.Minute), a2.IssuedAt.UTC())
	require.Equal(t, t0.Add(-time.Minute), a2.AuthTime.UTC(), "auth_time is the sign-in's")
	require.Equal(t, "eu-west-1_dev", a2.DeviceKey)
	id1, err := iss.VerifyID(ctx, first.IdToken, testClient)
	require.NoError(t, err)
	id2, err := iss.VerifyID(ctx, second.IdToken, testClient)
	require.NoError(t, err)
	require.NotEqual(t, id1.EventID, id2.EventID, "a new event_id per issuance")

	// The refresh token still works, and the first access token too.
	_, err = iss.Refresh(ctx, testClient, first.RefreshToken)
	require.NoError(t, err)
	_, err = iss.VerifyAccess(ctx, first.AccessToken)
	require.NoError(t, err)
}

func TestRefreshTokenBoundToItsClient(t *testing.T) {
	iss, _ := setup(t)
	ctx := context.Background()
	res, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)

	_, err = iss.Refresh(ctx, "another-client", res.RefreshToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken)

	s, err := iss.Refresh(ctx, testClient, res.RefreshToken)
	require.NoError(t, err)
	g := refreshGrant(s, res.RefreshToken, true)
	g.ClientID = "another-client"
	_, err = iss.Issue(ctx, g)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken)

	// A grant that does not match the token's sign-in is refused.
	for name, mod := range map[string]func(*challenge.TokenGrant){
		"username": func(g *challenge.TokenGrant) { g.Username = "mallory" },
		"sub":      func(g *challenge.TokenGrant) { g.Sub = "sub-mallory" },
		"pool":     func(g *challenge.TokenGrant) { g.PoolID = "eu-west-1_Other" },
		"origin":   func(g *challenge.TokenGrant) { g.Origin = "not-the-origin" },
	} {
		g := refreshGrant(s, res.RefreshToken, false)
		mod(&g)
		_, err = iss.Issue(ctx, g)
		requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken)
		_ = name
	}
	// The rightful client still can.
	_, err = iss.Refresh(ctx, testClient, res.RefreshToken)
	require.NoError(t, err)
}

func TestRefreshRefusesInvalidTokens(t *testing.T) {
	iss, _ := setup(t)
	ctx := context.Background()
	res, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	for name, tok := range map[string]string{
		"empty":     "",
		"unknown":   strings.Repeat("A", 43),
		"malformed": res.RefreshToken[:42] + "!",
		"truncated": res.RefreshToken[:42],
		"access":    res.AccessToken,
		"oversized": strings.Repeat("A", token.MaxTokenBytes+1),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := iss.Refresh(ctx, testClient, tok)
			requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken)
			g := grant("alice")
			g.Refresh = tok
			if tok == "" {
				return // an empty Refresh is a new sign-in
			}
			_, err = iss.Issue(ctx, g)
			requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken)
		})
	}
}

func TestRefreshTokenExpiry(t *testing.T) {
	iss, c := setup(t)
	ctx := context.Background()
	g := grant("alice")
	g.RefreshValidity = 2 * time.Hour
	res, err := iss.Issue(ctx, g)
	require.NoError(t, err)

	c.Advance(2*time.Hour - time.Second)
	_, err = iss.Refresh(ctx, testClient, res.RefreshToken)
	require.NoError(t, err)
	c.Advance(time.Second)
	_, err = iss.Refresh(ctx, testClient, res.RefreshToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken)
	// The access token expired long before.
	_, err = iss.VerifyAccess(ctx, res.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, token.MsgAccessTokenExpired)
}

func TestRefreshWithRotationNoGrace(t *testing.T) {
	iss, c := setup(t)
	ctx := context.Background()
	first, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	a1, _ := iss.VerifyAccess(ctx, first.AccessToken)

	c.Advance(time.Minute)
	s, err := iss.Refresh(ctx, testClient, first.RefreshToken)
	require.NoError(t, err)
	second, err := iss.Issue(ctx, refreshGrant(s, first.RefreshToken, true))
	require.NoError(t, err)
	require.NotEmpty(t, second.RefreshToken)
	require.NotEqual(t, first.RefreshToken, second.RefreshToken)

	// The old token is invalid at once; the new one is bound to the same sign-in.
	_, err = iss.Refresh(ctx, testClient, first.RefreshToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken)
	_, err = iss.Issue(ctx, refreshGrant(s, first.RefreshToken, true))
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken)
	s2, err := iss.Refresh(ctx, testClient, second.RefreshToken)
	require.NoError(t, err)
	require.Equal(t, a1.Origin, s2.Origin)
	a2, err := iss.VerifyAccess(ctx, second.AccessToken)
	require.NoError(t, err)
	require.Equal(t, a1.Origin, a2.Origin)

	// The rotated token has a fresh validity (30 days from the rotation).
	c.Advance(30*24*time.Hour - time.Second)
	_, err = iss.Refresh(ctx, testClient, second.RefreshToken)
	require.NoError(t, err)
	c.Advance(time.Second)
	_, err = iss.Refresh(ctx, testClient, second.RefreshToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken)
}

func TestRefreshWithRotationGrace(t *testing.T) {
	iss, c := setup(t, func(c *token.Config) { c.RotationGrace = time.Minute })
	ctx := context.Background()
	first, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	s, err := iss.Refresh(ctx, testClient, first.RefreshToken)
	require.NoError(t, err)

	second, err := iss.Issue(ctx, refreshGrant(s, first.RefreshToken, true))
	require.NoError(t, err)

	// Within the grace period the old token works, and rotates again.
	c.Advance(30 * time.Second)
	_, err = iss.Refresh(ctx, testClient, first.RefreshToken)
	require.NoError(t, err)
	third, err := iss.Issue(ctx, refreshGrant(s, first.RefreshToken, true))
	require.NoError(t, err)
	require.NotEqual(t, second.RefreshToken, third.RefreshToken)

	// The deadline did not move with the second rotation.
	c.Advance(29 * time.Second)
	_, err = iss.Refresh(ctx, testClient, first.RefreshToken)
	require.NoError(t, err)
	c.Advance(time.Second)
	_, err = iss.Refresh(ctx, testClient, first.RefreshToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken)
	for _, rt := range []string{second.RefreshToken, third.RefreshToken} {
		_, err = iss.Refresh(ctx, testClient, rt)
		require.NoError(t, err)
	}
}

func TestConcurrentRotationWithoutGraceHasOneWinner(t *testing.T) {
	iss, _ := setup(t)
	ctx := context.Background()
	first, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	s, err := iss.Refresh(ctx, testClient, first.RefreshToken)
	require.NoError(t, err)

	const n = 8
	var wins, losses atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := iss.Issue(ctx, refreshGrant(s, first.RefreshToken, true))
			if err == nil {
				wins.Add(1)
			} else if challenge.CodeOf(err) == challenge.ErrNotAuthorized {
				losses.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	require.Equal(t, int32(1), wins.Load())
	require.Equal(t, int32(n-1), losses.Load())
}
