package token_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
	"github.com/stretchr/testify/require"
)

func TestRevokeRevokesTheWholeSignIn(t *testing.T) {
	iss, c := setup(t)
	ctx := context.Background()
	mine, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	other, err := iss.Issue(ctx, grant("alice")) // the same user, another sign-in
	require.NoError(t, err)

	// Tokens refreshed and rotated from the sign-in are revoked with it.
	c.Advance(time.Minute)
	s, err := iss.Refresh(ctx, testClient, mine.RefreshToken)
	require.NoError(t, err)
	refreshed, err := iss.Issue(ctx, refreshGrant(s, mine.RefreshToken, false))
	require.NoError(t, err)
	rotated, err := iss.Issue(ctx, refreshGrant(s, mine.RefreshToken, true))
	require.NoError(t, err)

	require.NoError(t, iss.Revoke(ctx, testClient, rotated.RefreshToken))

	for _, rt := range []string{mine.RefreshToken, rotated.RefreshToken} {
		_, err = iss.Refresh(ctx, testClient, rt)
		require.True(t, challenge.CodeOf(err) == challenge.ErrNotAuthorized)
		require.ErrorIs(t, err, challenge.ErrNotAuthorized)
	}
	_, err = iss.Refresh(ctx, testClient, rotated.RefreshToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgRefreshTokenRevoked)
	for _, res := range []string{mine.AccessToken, refreshed.AccessToken, rotated.AccessToken} {
		_, err = iss.VerifyAccess(ctx, res)
		requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)
	}
	_, err = iss.VerifyID(ctx, mine.IdToken, testClient)
	requireCode(t, err, challenge.ErrNotAuthorized, token.MsgIDTokenRevoked)
	_, err = iss.Issue(ctx, refreshGrant(s, rotated.RefreshToken, false))
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgRefreshTokenRevoked)

	// The other sign-in is untouched.
	_, err = iss.VerifyAccess(ctx, other.AccessToken)
	require.NoError(t, err)
	_, err = iss.VerifyID(ctx, other.IdToken, testClient)
	require.NoError(t, err)
	_, err = iss.Refresh(ctx, testClient, other.RefreshToken)
	require.NoError(t, err)

	// Revoking again, even later, stays a no-op that succeeds; the sign-in
	// stays revoked.
	require.NoError(t, iss.Revoke(ctx, testClient, mine.RefreshToken))
	c.Advance(time.Hour)
	require.NoError(t, iss.Revoke(ctx, testClient, rotated.RefreshToken))
	_, err = iss.Refresh(ctx, testClient, rotated.RefreshToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgRefreshTokenRevoked)
}

func TestRevokeExpiredRefreshTokenStillRevokesLiveAccessTokens(t *testing.T) {
	iss, c := setup(t)
	ctx := context.Background()
	g := grant("alice")
	g.RefreshValidity = time.Hour
	first, err := iss.Issue(ctx, g)
	require.NoError(t, err)
	c.Advance(59 * time.Minute)
	s, err := iss.Refresh(ctx, testClient, first.RefreshToken)
	require.NoError(t, err)
	late, err := iss.Issue(ctx, refreshGrant(s, first.RefreshToken, false))
	require.NoError(t, err)
	c.Advance(2 * time.Minute) // refresh token expired, late access token alive
	_, err = iss.VerifyAccess(ctx, late.AccessToken)
	require.NoError(t, err)
	require.NoError(t, iss.Revoke(ctx, testClient, first.RefreshToken))
	_, err = iss.VerifyAccess(ctx, late.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)
}

func TestRevokeByAnotherClientIsUnauthorized(t *testing.T) {
	iss, _ := setup(t)
	ctx := context.Background()
	res, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	err = iss.Revoke(ctx, "another-client", res.RefreshToken)
	requireCode(t, err, challenge.ErrUnauthorized, token.MsgTokenOtherClient)
	// Nothing was revoked.
	_, err = iss.Refresh(ctx, testClient, res.RefreshToken)
	require.NoError(t, err)
	_, err = iss.VerifyAccess(ctx, res.AccessToken)
	require.NoError(t, err)
}

func TestRevokeJWTIsUnsupportedTokenType(t *testing.T) {
	iss, _ := setup(t)
	ctx := context.Background()
	res, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	for _, tok := range []string{res.AccessToken, res.IdToken, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."} {
		err = iss.Revoke(ctx, testClient, tok)
		requireCode(t, err, challenge.ErrUnsupportedTokenType, token.MsgUnsupportedTokenType)
	}
	// The access token is not revoked by the attempt.
	_, err = iss.VerifyAccess(ctx, res.AccessToken)
	require.NoError(t, err)
}

func TestRevokeUnknownOpaqueTokenIsAccepted(t *testing.T) {
	iss, _ := setup(t)
	ctx := context.Background()
	for _, tok := range []string{
		"", "not a token", strings.Repeat("A", 43), "a.b", "a.b.c.d.e", // JWE-shaped (Cognito's real refresh tokens)
		strings.Repeat("x", token.MaxTokenBytes+1),
	} {
		require.NoError(t, iss.Revoke(ctx, testClient, tok))
	}
}

func TestRevokeUser(t *testing.T) {
	iss, c := setup(t)
	ctx := context.Background()
	a1, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	c.Advance(time.Minute)
	a2, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	s, err := iss.Refresh(ctx, testClient, a2.RefreshToken)
	require.NoError(t, err)
	a2r, err := iss.Issue(ctx, refreshGrant(s, a2.RefreshToken, false))
	require.NoError(t, err)
	b1, err := iss.Issue(ctx, grant("bob"))
	require.NoError(t, err)

	require.NoError(t, iss.RevokeUser(ctx, testPool, "alice"))

	for _, at := range []string{a1.AccessToken, a2.AccessToken, a2r.AccessToken} {
		_, err = iss.VerifyAccess(ctx, at)
		requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)
	}
	_, err = iss.VerifyID(ctx, a1.IdToken, testClient)
	requireCode(t, err, challenge.ErrNotAuthorized, token.MsgIDTokenRevoked)
	for _, rt := range []string{a1.RefreshToken, a2.RefreshToken} {
		_, err = iss.Refresh(ctx, testClient, rt)
		requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgRefreshTokenRevoked)
	}
	_, err = iss.Issue(ctx, refreshGrant(s, a2.RefreshToken, true))
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgRefreshTokenRevoked)

	// Bob is not affected.
	_, err = iss.VerifyAccess(ctx, b1.AccessToken)
	require.NoError(t, err)
	_, err = iss.Refresh(ctx, testClient, b1.RefreshToken)
	require.NoError(t, err)

	// A sign-in after the global sign-out works, even at the same instant.
	later, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	_, err = iss.VerifyAccess(ctx, later.AccessToken)
	require.NoError(t, err)
	_, err = iss.Refresh(ctx, testClient, later.RefreshToken)
	require.NoError(t, err)
	c.Advance(time.Second)
	later2, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	_, err = iss.VerifyAccess(ctx, later2.AccessToken)
	require.NoError(t, err)

	// A second global sign-out revokes those too.
	require.NoError(t, iss.RevokeUser(ctx, testPool, "alice"))
	_, err = iss.VerifyAccess(ctx, later.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)
	_, err = iss.VerifyAccess(ctx, later2.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)

	// The same username in another pool is another user.
	g := grant("alice")
	g.PoolID = "eu-west-1_Other"
	elsewhere, err := iss.Issue(ctx, g)
	require.NoError(t, err)
	require.NoError(t, iss.RevokeUser(ctx, testPool, "alice"))
	_, err = iss.VerifyAccess(ctx, elsewhere.AccessToken)
	require.NoError(t, err)

	requireCode(t, iss.RevokeUser(ctx, "", "alice"), challenge.ErrInternalError, "An internal error occurred.")
}

// With a state that has never seen the session (lost, or not shared), a
// global sign-out still refuses the tokens issued up to its second.
func TestRevokeUserFallsBackOnIssueTime(t *testing.T) {
	c := newClock()
	keys := loadKeys(t)
	a, err := token.New(token.Config{Keys: keys, Now: c.Now, Rand: seeded(4)})
	require.NoError(t, err)
	b, err := token.New(token.Config{Keys: keys, Now: c.Now, Rand: seeded(5)}) // its own MemoryState
	require.NoError(t, err)
	ctx := context.Background()

	before, err := a.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	_, err = b.VerifyAccess(ctx, before.AccessToken)
	require.NoError(t, err, "an unknown session is not a revocation")
	require.NoError(t, b.RevokeUser(ctx, testPool, "alice"))
	_, err = b.VerifyAccess(ctx, before.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)

	c.Advance(time.Second)
	after, err := a.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	_, err = b.VerifyAccess(ctx, after.AccessToken)
	require.NoError(t, err)
}

func TestVerifyAccessRefusals(t *testing.T) {
	iss, c := setup(t)
	ctx := context.Background()
	res, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	parts := strings.Split(res.AccessToken, ".")

	// A token signed by a key the set does not publish.
	stranger, _ := setup(t, func(cfg *token.Config) {
		ks, err := token.GenerateKeySet(nil)
		require.NoError(t, err)
		cfg.Keys = ks
	})
	foreign, err := stranger.Issue(ctx, grant("alice"))
	require.NoError(t, err)

	for name, tok := range map[string]string{
		"empty":          "",
		"garbage":        "hello",
		"id token":       res.IdToken,
		"refresh token":  res.RefreshToken,
		"bad signature":  parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2])),
		"swapped claims": parts[0] + "." + strings.Split(res.IdToken, ".")[1] + "." + parts[2],
		"alg none":       "eyJhbGciOiJub25lIiwia2lkIjoiTVB4RWRDUXFnSXlMaldQQVlCRm41QSJ9." + parts[1] + ".",
		"hs256":          "eyJhbGciOiJIUzI1NiIsImtpZCI6Ik1QeEVkQ1FxZ0l5TGpXUEFZQkZuNUEifQ." + parts[1] + "." + parts[2],
		"no kid":         "eyJhbGciOiJSUzI1NiJ9." + parts[1] + "." + parts[2],
		"foreign key":    foreign.AccessToken,
		"oversized":      res.AccessToken + strings.Repeat("A", token.MaxTokenBytes),
		"padded":         res.AccessToken + "=",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := iss.VerifyAccess(ctx, tok)
			requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidAccessToken)
		})
	}

	// Expiry on the injected clock: valid until the second before exp.
	c.Advance(time.Hour - time.Second)
	_, err = iss.VerifyAccess(ctx, res.AccessToken)
	require.NoError(t, err)
	c.Advance(time.Second)
	_, err = iss.VerifyAccess(ctx, res.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, token.MsgAccessTokenExpired)
	_, err = iss.VerifyID(ctx, res.IdToken, testClient)
	requireCode(t, err, challenge.ErrNotAuthorized, token.MsgIDTokenExpired)
}
