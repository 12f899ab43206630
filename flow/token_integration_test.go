package flow_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/token"
)

func TestEngineWithTokenIssuer(t *testing.T) {
	keys, err := token.LoadKeySet("../token/testdata/keyset.json")
	require.NoError(t, err)
	clock := flowtest.NewClock(time.Time{})
	iss, err := token.New(token.Config{Keys: keys, Now: clock.Now, Rand: flowtest.Rand(1001)})
	require.NoError(t, err)
	e := flowtest.New(t, flowtest.Options{Seed: 100, Issuer: iss, Client: func(c *flow.AppClient) {
		c.RefreshTokenRotation, c.RetryGracePeriod = true, 10*time.Second
	}})
	e.AddUser("jwt", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "jwt@example.com", "email_verified": "true"})

	out, err := e.PasswordSignIn(ctx, "jwt", "Correct-horse1")
	require.NoError(t, err)
	res := out.AuthenticationResult
	claims, err := iss.VerifyAccess(ctx, res.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, "jwt", claims.Username)
	assert.Equal(t, "sub-jwt", claims.Sub)
	id, err := iss.VerifyID(ctx, res.IdToken, e.Client.ID)
	require.NoError(t, err)
	require.NotNil(t, id)

	got, err := e.Server.GetUser(ctx, &challenge.AccessTokenInput{AccessToken: res.AccessToken})
	require.NoError(t, err)
	assert.Equal(t, "jwt", got.Username)

	// Rotation with the client's grace period: the old token keeps working
	// for 10 seconds, then fails.
	rot, err := e.Server.GetTokensFromRefreshToken(ctx, &challenge.GetTokensFromRefreshTokenInput{ClientId: e.Client.ID, RefreshToken: res.RefreshToken})
	require.NoError(t, err)
	require.NotEmpty(t, rot.AuthenticationResult.RefreshToken)
	_, err = e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowRefreshTokenAuth, ClientId: e.Client.ID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": res.RefreshToken}})
	require.NoError(t, err, "within the grace period")
	e.Clock.Advance(11 * time.Second)
	clock.Advance(11 * time.Second)
	_, err = e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowRefreshTokenAuth, ClientId: e.Client.ID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": res.RefreshToken}})
	requireCode(t, err, challenge.ErrNotAuthorized, "")

	// Global sign-out: every token of the user is refused from then on.
	_, err = e.Server.GlobalSignOut(ctx, &challenge.AccessTokenInput{AccessToken: rot.AuthenticationResult.AccessToken})
	require.NoError(t, err)
	_, err = e.Server.GetUser(ctx, &challenge.AccessTokenInput{AccessToken: rot.AuthenticationResult.AccessToken})
	requireCode(t, err, challenge.ErrNotAuthorized, "Access Token has been revoked")
	_, err = e.Server.GetTokensFromRefreshToken(ctx, &challenge.GetTokensFromRefreshTokenInput{ClientId: e.Client.ID, RefreshToken: rot.AuthenticationResult.RefreshToken})
	requireCode(t, err, challenge.ErrNotAuthorized, "")

	// A new sign-in works again; AdminUserGlobalSignOut revokes it too.
	again, err := e.PasswordSignIn(ctx, "jwt", "Correct-horse1")
	require.NoError(t, err)
	_, err = e.Server.AdminUserGlobalSignOut(ctx, &challenge.AdminUserInput{UserPoolId: e.Pool.ID, Username: "jwt"})
	require.NoError(t, err)
	_, err = e.Server.GetUser(ctx, &challenge.AccessTokenInput{AccessToken: again.AuthenticationResult.AccessToken})
	requireCode(t, err, challenge.ErrNotAuthorized, "Access Token has been revoked")

	// RevokeToken revokes one sign-in's refresh and access tokens.
	third, err := e.PasswordSignIn(ctx, "jwt", "Correct-horse1")
	require.NoError(t, err)
	fourth, err := e.PasswordSignIn(ctx, "jwt", "Correct-horse1")
	require.NoError(t, err)
	_, err = e.Server.RevokeToken(ctx, &challenge.RevokeTokenInput{ClientId: e.Client.ID, Token: third.AuthenticationResult.RefreshToken})
	require.NoError(t, err)
	_, err = e.Server.GetUser(ctx, &challenge.AccessTokenInput{AccessToken: third.AuthenticationResult.AccessToken})
	requireCode(t, err, challenge.ErrNotAuthorized, "Access Token has been revoked")
	_, err = e.Server.GetUser(ctx, &challenge.AccessTokenInput{AccessToken: fourth.AuthenticationResult.AccessToken})
	require.NoError(t, err, "another sign-in's tokens are untouched")
	_, err = e.Server.RevokeToken(ctx, &challenge.RevokeTokenInput{ClientId: e.Client.ID, Token: fourth.AuthenticationResult.AccessToken})
	requireCode(t, err, challenge.ErrUnsupportedTokenType, "")

	// An expired access token is refused by every operation that takes one.
	e.Clock.Advance(2 * time.Hour)
	clock.Advance(2 * time.Hour)
	_, err = e.Server.GetUser(ctx, &challenge.AccessTokenInput{AccessToken: fourth.AuthenticationResult.AccessToken})
	requireCode(t, err, challenge.ErrNotAuthorized, "Access Token has expired")
	_, err = e.Server.GlobalSignOut(ctx, &challenge.AccessTokenInput{AccessToken: fourth.AuthenticationResult.AccessToken})
	requireCode(t, err, challenge.ErrNotAuthorized, "Access Token has expired")
	_, err = e.Server.ChangePassword(ctx, &challenge.ChangePasswordInput{AccessToken: fourth.AuthenticationResult.AccessToken, PreviousPassword: "Correct-horse1", ProposedPassword: "Other-horse1"})
	requireCode(t, err, challenge.ErrNotAuthorized, "Access Token has expired")
}
