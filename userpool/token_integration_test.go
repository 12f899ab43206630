package userpool_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/token"
	"github.com/authflow/authflow/userpool"
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

// accessTokenOperations calls every operation authorized by an access token.
func accessTokenOperations(s *userpool.Service) map[string]func(token string) error {
	return map[string]func(string) error{
		"GetUser": func(tk string) error {
			_, err := s.GetUser(ctx, &challenge.AccessTokenInput{AccessToken: tk})
			return err
		},
		"GlobalSignOut": func(tk string) error {
			_, err := s.GlobalSignOut(ctx, &challenge.AccessTokenInput{AccessToken: tk})
			return err
		},
		"ChangePassword": func(tk string) error {
			_, err := s.ChangePassword(ctx, &challenge.ChangePasswordInput{AccessToken: tk, PreviousPassword: "Correct-horse1", ProposedPassword: "Other-horse1"})
			return err
		},
		"AssociateSoftwareToken": func(tk string) error {
			_, err := s.AssociateSoftwareToken(ctx, &challenge.AssociateSoftwareTokenInput{AccessToken: tk})
			return err
		},
		"VerifySoftwareToken": func(tk string) error {
			_, err := s.VerifySoftwareToken(ctx, &challenge.VerifySoftwareTokenInput{AccessToken: tk, UserCode: "123456"})
			return err
		},
		"SetUserMFAPreference": func(tk string) error {
			_, err := s.SetUserMFAPreference(ctx, &challenge.SetUserMFAPreferenceInput{AccessToken: tk})
			return err
		},
		"ConfirmDevice": func(tk string) error {
			_, err := s.ConfirmDevice(ctx, &challenge.ConfirmDeviceInput{AccessToken: tk, DeviceKey: "k"})
			return err
		},
		"GetDevice": func(tk string) error {
			_, err := s.GetDevice(ctx, &challenge.DeviceInput{AccessToken: tk, DeviceKey: "k"})
			return err
		},
		"ListDevices": func(tk string) error {
			_, err := s.ListDevices(ctx, &challenge.ListDevicesInput{AccessToken: tk})
			return err
		},
		"ForgetDevice": func(tk string) error {
			_, err := s.ForgetDevice(ctx, &challenge.DeviceInput{AccessToken: tk, DeviceKey: "k"})
			return err
		},
		"UpdateDeviceStatus": func(tk string) error {
			_, err := s.UpdateDeviceStatus(ctx, &challenge.DeviceInput{AccessToken: tk, DeviceKey: "k", DeviceRememberedStatus: "remembered"})
			return err
		},
		"StartWebAuthnRegistration": func(tk string) error {
			_, err := s.StartWebAuthnRegistration(ctx, &challenge.StartWebAuthnRegistrationInput{AccessToken: tk})
			return err
		},
		"CompleteWebAuthnRegistration": func(tk string) error {
			_, err := s.CompleteWebAuthnRegistration(ctx, &challenge.CompleteWebAuthnRegistrationInput{AccessToken: tk, Credential: []byte(`{}`)})
			return err
		},
		"ListWebAuthnCredentials": func(tk string) error {
			_, err := s.ListWebAuthnCredentials(ctx, &challenge.ListWebAuthnCredentialsInput{AccessToken: tk})
			return err
		},
		"DeleteWebAuthnCredential": func(tk string) error {
			_, err := s.DeleteWebAuthnCredential(ctx, &challenge.DeleteWebAuthnCredentialInput{AccessToken: tk, CredentialId: "AQ"})
			return err
		},
		"GetUserAuthFactors": func(tk string) error {
			_, err := s.GetUserAuthFactors(ctx, &challenge.AccessTokenInput{AccessToken: tk})
			return err
		},
	}
}

// TestRevokedAndExpiredTokensAreRefusedEverywhere: every operation that
// takes an AccessToken refuses a revoked one and an expired one with the
// same exception and message, through the one validating function.
func TestRevokedAndExpiredTokensAreRefusedEverywhere(t *testing.T) {
	keys, err := token.LoadKeySet("../token/testdata/keyset.json")
	require.NoError(t, err)
	clock := flowtest.NewClock(time.Time{})
	iss, err := token.New(token.Config{Keys: keys, Now: clock.Now, Rand: flowtest.Rand(1002)})
	require.NoError(t, err)
	e := flowtest.New(t, flowtest.Options{Seed: 101, Issuer: iss})
	e.AddUser("rex", "Correct-horse1", flow.StatusConfirmed, nil)
	sign := func() string {
		out, err := e.PasswordSignIn(ctx, "rex", "Correct-horse1")
		require.NoError(t, err)
		return out.AuthenticationResult.AccessToken
	}
	revoked := sign()
	_, err = e.Server.AdminUserGlobalSignOut(ctx, &challenge.AdminUserInput{UserPoolId: e.Pool.ID, Username: "rex"})
	require.NoError(t, err)
	expired := sign()
	ops := accessTokenOperations(e.Server)
	require.Len(t, ops, 16)
	for name, op := range ops {
		t.Run("revoked/"+name, func(t *testing.T) {
			requireCode(t, op(revoked), challenge.ErrNotAuthorized, "Access Token has been revoked")
			requireCode(t, op("not-a-token"), challenge.ErrNotAuthorized, "Invalid Access Token")
		})
	}
	e.Clock.Advance(time.Hour + time.Second)
	clock.Advance(time.Hour + time.Second)
	for name, op := range ops {
		t.Run("expired/"+name, func(t *testing.T) {
			requireCode(t, op(expired), challenge.ErrNotAuthorized, "Access Token has expired")
		})
	}
}
