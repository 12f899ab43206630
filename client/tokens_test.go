package client_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/client"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

// TestRefreshAndSignOut: both refresh helpers give new tokens, SignOut
// (RevokeToken) kills its refresh token, GlobalSignOut every other one;
// in process and over HTTP.
func TestRefreshAndSignOut(t *testing.T) {
	for tname, via := range map[string]transport{"engine": inProcess, "http": overHTTP} {
		t.Run(tname, func(t *testing.T) {
			e := flowtest.New(t, flowtest.Options{Seed: 120, Client: func(c *flow.AppClient) {
				c.Secret = "s3cr3t-client-secret"
				c.EnableTokenRevocation = true
			}})
			e.AddUser("ray", pw, flow.StatusConfirmed, nil)
			svc := via(t, e)
			tokens := svc.(client.TokenService)
			cfg := config(e)
			login := func() *challenge.AuthenticationResult {
				res, err := client.Run(ctx, svc, client.NewSRPLogin(cfg, "ray", pw), noUI)
				require.NoError(t, err)
				require.NotEmpty(t, res.RefreshToken)
				return res
			}
			first := login()

			e.Clock.Advance(61e9)
			res, err := client.Refresh(ctx, svc, cfg, "ray", first.RefreshToken)
			require.NoError(t, err)
			assert.NotEmpty(t, res.AccessToken)
			assert.NotEqual(t, first.AccessToken, res.AccessToken)
			res, err = client.RefreshRotating(ctx, tokens, cfg, first.RefreshToken)
			require.NoError(t, err)
			assert.NotEmpty(t, res.IdToken)

			// A wrong client secret is refused by both.
			bad := cfg
			bad.ClientSecret = "wrong"
			_, err = client.Refresh(ctx, svc, bad, "ray", first.RefreshToken)
			requireCode(t, err, challenge.ErrNotAuthorized)
			_, err = client.RefreshRotating(ctx, tokens, bad, first.RefreshToken)
			requireCode(t, err, challenge.ErrNotAuthorized)

			// SignOut revokes this sign-in's refresh token only.
			second := login()
			require.NoError(t, client.SignOut(ctx, tokens, cfg, first.RefreshToken))
			_, err = client.Refresh(ctx, svc, cfg, "ray", first.RefreshToken)
			requireCode(t, err, challenge.ErrNotAuthorized)
			_, err = client.Refresh(ctx, svc, cfg, "ray", second.RefreshToken)
			require.NoError(t, err, "another sign-in is untouched")

			// GlobalSignOut ends every sign-in of the user.
			require.NoError(t, client.GlobalSignOut(ctx, tokens, second.AccessToken))
			_, err = client.Refresh(ctx, svc, cfg, "ray", second.RefreshToken)
			requireCode(t, err, challenge.ErrNotAuthorized)

			for _, err := range []error{
				client.SignOut(ctx, tokens, cfg, ""), client.GlobalSignOut(ctx, tokens, ""),
				func() error { _, err := client.Refresh(ctx, svc, cfg, "ray", ""); return err }(),
			} {
				assert.ErrorIs(t, err, client.ErrInvalidInput)
			}
		})
	}
}

// TestPromptsOfNewChallenges drives a Login by hand through the prompts
// the engine does not produce: MFA_SETUP offering EMAIL_OTP only, and the
// passkey answer of WEB_AUTHN.
func TestPromptsOfNewChallenges(t *testing.T) {
	cfg := client.Config{ClientID: "c", ClientSecret: "s", PoolID: "us-east-1_X"}
	l := client.NewUserAuthLogin(cfg, "u", "", "")
	_, err := l.Start()
	require.NoError(t, err)

	p, req, err := l.Next(client.Reply{ChallengeName: challenge.MFASetup, Session: "s1",
		ChallengeParameters: map[string]string{"MFAS_CAN_SETUP": `["EMAIL_OTP"]`, "USER_ID_FOR_SRP": "u-id"}})
	require.NoError(t, err)
	require.Nil(t, req)
	assert.Equal(t, client.PromptEmailSetup, p.Kind)
	_, req, err = l.Answer(p, client.Input{Value: "u@example.com"})
	require.NoError(t, err)
	assert.Equal(t, challenge.MFASetup, req.ChallengeName)
	assert.Equal(t, map[string]string{"USERNAME": "u-id", "EMAIL": "u@example.com", "SECRET_HASH": req.ChallengeResponses["SECRET_HASH"]}, req.ChallengeResponses)
	assert.NotEmpty(t, req.ChallengeResponses["SECRET_HASH"])

	p, _, err = l.Next(client.Reply{ChallengeName: challenge.WebAuthn, Session: "s2",
		ChallengeParameters: map[string]string{"CREDENTIAL_REQUEST_OPTIONS": `{"challenge":"x"}`}})
	require.NoError(t, err)
	assert.Equal(t, client.PromptPasskey, p.Kind)
	assert.Equal(t, `{"challenge":"x"}`, p.Options)
	_, req, err = l.Answer(p, client.Input{Value: `{"id":"cred"}`})
	require.NoError(t, err)
	assert.Equal(t, challenge.WebAuthn, req.ChallengeName)
	assert.Equal(t, "s2", req.Session)
	assert.Equal(t, `{"id":"cred"}`, req.ChallengeResponses["CREDENTIAL"])
	assert.NotContains(t, req.ChallengeResponses, "ANSWER")

	// PASSWORD_SRP asked for: the Login sends SRP_A by itself.
	_, req, err = l.Next(client.Reply{ChallengeName: challenge.PasswordSRP, Session: "s3"})
	require.NoError(t, err)
	assert.Regexp(t, "^[0-9a-f]{700,768}$", req.ChallengeResponses["SRP_A"], "SRP_A: a 3072-bit number in hex")
}
