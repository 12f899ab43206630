package flow_test

import (
	"encoding/json"
	"testing"

	"github.com/descope/virtualwebauthn"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/webauthn"
)

// redacted is v as JSON with the passkey values, which the virtual
// authenticator makes from fresh keys each run, replaced by a mark.
func redacted(t *testing.T, v any) any {
	t.Helper()
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var m any
	require.NoError(t, json.Unmarshal(b, &m))
	var walk func(any)
	walk = func(x any) {
		if obj, ok := x.(map[string]any); ok {
			for k, v := range obj {
				if k == "CREDENTIAL" || k == "CREDENTIAL_REQUEST_OPTIONS" {
					obj[k] = "(passkey " + k + ")"
				} else {
					walk(v)
				}
			}
		}
	}
	walk(m)
	return m
}

// TestTranscriptPasskeySelect records a passkey chosen from
// SELECT_CHALLENGE with its CREDENTIAL in the same call, and what comes
// after it: tokens; a remembered device's proof (DEVICE_KEY sent with
// USER_AUTH); a forced password change (an administrator set a temporary
// password).
func TestTranscriptPasskeySelect(t *testing.T) {
	clock := flowtest.NewClock(flowtest.Epoch)
	e := flowtest.New(t, flowtest.Options{Seed: 160, Client: userAuthClient,
		Passkeys: webauthn.New(webauthn.Options{Now: clock.Now, Rand: flowtest.Rand(167)}),
		Pool: func(p *flow.Pool) {
			p.AllowedFirstAuthFactors = []string{"PASSWORD", "WEB_AUTHN"}
			p.WebAuthnRelyingPartyID, p.WebAuthnUserVerification = "auth.example.com", "preferred"
			p.Devices = &flow.DeviceConfiguration{}
		}})
	e.AddUser("pat", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "pat@example.com"})
	pe := &passkeyEnv{r: &recorder{e: e},
		rp:   virtualwebauthn.RelyingParty{ID: "auth.example.com", Name: "test", Origin: "https://auth.example.com"},
		auth: virtualwebauthn.NewAuthenticatorWithOptions(virtualwebauthn.AuthenticatorOptions{UserHandle: []byte("sub-pat")}),
		cred: virtualwebauthn.NewCredential(virtualwebauthn.KeyTypeRSA)}
	first, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserAuth, ClientId: e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "pat", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Correct-horse1"}})
	require.NoError(t, err)
	pe.token = first.AuthenticationResult.AccessToken
	require.NoError(t, pe.register(t, pe.rp))
	e.TakeTransitions() // the set-up is not part of the transcript
	r := pe.r

	signIn := func(params map[string]string) (*challenge.InitiateAuthOutput, *challenge.RespondToAuthChallengeOutput, error) {
		t.Helper()
		in := &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserAuth, ClientId: e.Client.ID, AuthParameters: params}
		sel, err := e.Server.InitiateAuth(ctx, in)
		r.record("InitiateAuth", in, redacted(t, sel), err)
		require.NoError(t, err)
		require.Equal(t, challenge.SelectChallenge, sel.ChallengeName)
		require.Contains(t, sel.AvailableChallenges, challenge.WebAuthn)
		answer := &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.SelectChallenge, ClientId: e.Client.ID, Session: sel.Session,
			ChallengeResponses: map[string]string{"USERNAME": "pat", "ANSWER": "WEB_AUTHN",
				"CREDENTIAL": pe.assertion(t, pe.rp, sel.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"])}}
		out, err := e.Server.RespondToAuthChallenge(ctx, answer)
		r.record("RespondToAuthChallenge", redacted(t, answer), out, err)
		return sel, out, err
	}

	// SELECT_CHALLENGE -> tokens, and a new device to confirm.
	_, done, err := signIn(map[string]string{"USERNAME": "pat"})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)
	d := confirmDevice(t, r, done.AuthenticationResult)

	// With DEVICE_KEY: SELECT_CHALLENGE -> DEVICE_SRP, then the device's proof.
	_, dev, err := signIn(map[string]string{"USERNAME": "pat", "DEVICE_KEY": d.key})
	require.NoError(t, err)
	require.Equal(t, challenge.DeviceSRPAuth, dev.ChallengeName)
	tokens, err := deviceSignIn(t, r, "pat", dev.Session, d)
	require.NoError(t, err)
	require.NotNil(t, tokens.AuthenticationResult)

	// A temporary password: SELECT_CHALLENGE -> NEW_PASSWORD_REQUIRED.
	_, err = e.Server.AdminSetUserPassword(ctx, &challenge.AdminSetUserPasswordInput{UserPoolId: e.Pool.ID, Username: "pat",
		Password: "Temp-pass1", Permanent: false})
	require.NoError(t, err)
	_, np, err := signIn(map[string]string{"USERNAME": "pat"})
	require.NoError(t, err)
	require.Equal(t, challenge.NewPasswordRequired, np.ChallengeName)
	after, err := r.answer(challenge.NewPasswordRequired, np.Session, map[string]string{"USERNAME": "pat", "NEW_PASSWORD": "New-password1"})
	require.NoError(t, err)
	require.NotNil(t, after.AuthenticationResult)
	r.tr.Golden(t, "passkey_select")
}
