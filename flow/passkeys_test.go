package flow_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/descope/virtualwebauthn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/internal/passkeytest"
	"github.com/authflow/authflow/webauthn"
)

// passkeyEnv is a pool with passkeys on, the real webauthn ceremonies and
// a virtual authenticator (github.com/descope/virtualwebauthn).
type passkeyEnv struct {
	r     *recorder
	rp    virtualwebauthn.RelyingParty
	auth  virtualwebauthn.Authenticator
	cred  virtualwebauthn.Credential
	token string // an access token of the user
}

func newPasskeyEnv(t *testing.T, seed uint64) *passkeyEnv {
	t.Helper()
	var e *flowtest.Env
	clock := flowtest.NewClock(flowtest.Epoch)
	e = flowtest.New(t, flowtest.Options{Seed: seed, Client: userAuthClient,
		Passkeys: webauthn.New(webauthn.Options{Now: clock.Now, Rand: flowtest.Rand(seed + 7)}),
		Pool: func(p *flow.Pool) {
			p.AllowedFirstAuthFactors = []string{"PASSWORD", "WEB_AUTHN"}
			p.WebAuthnRelyingPartyID, p.WebAuthnUserVerification = "auth.example.com", "preferred"
		}})
	e.AddUser("pat", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "pat@example.com"})
	pe := &passkeyEnv{r: &recorder{e: e},
		rp:   virtualwebauthn.RelyingParty{ID: "auth.example.com", Name: "test", Origin: "https://auth.example.com"},
		auth: virtualwebauthn.NewAuthenticatorWithOptions(virtualwebauthn.AuthenticatorOptions{UserHandle: []byte("sub-pat")}),
		cred: virtualwebauthn.NewCredential(virtualwebauthn.KeyTypeRSA)}
	out, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserAuth, ClientId: e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "pat", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Correct-horse1"}})
	require.NoError(t, err)
	pe.token = out.AuthenticationResult.AccessToken
	return pe
}

// register runs StartWebAuthnRegistration and CompleteWebAuthnRegistration
// with the authenticator answering for rp.
func (pe *passkeyEnv) register(t *testing.T, rp virtualwebauthn.RelyingParty) error {
	t.Helper()
	start, err := pe.r.e.Server.StartWebAuthnRegistration(ctx, &challenge.StartWebAuthnRegistrationInput{AccessToken: pe.token})
	require.NoError(t, err)
	opts, err := virtualwebauthn.ParseAttestationOptions(string(start.CredentialCreationOptions))
	require.NoError(t, err)
	resp := virtualwebauthn.CreateAttestationResponse(rp, pe.auth, pe.cred, *opts)
	_, err = pe.r.e.Server.CompleteWebAuthnRegistration(ctx, &challenge.CompleteWebAuthnRegistrationInput{AccessToken: pe.token, Credential: []byte(resp)})
	if err == nil {
		pe.auth.AddCredential(pe.cred)
	}
	return err
}

// assertion answers CREDENTIAL_REQUEST_OPTIONS as the authenticator would for rp.
func (pe *passkeyEnv) assertion(t *testing.T, rp virtualwebauthn.RelyingParty, options string) string {
	t.Helper()
	parsed, err := virtualwebauthn.ParseAssertionOptions(options)
	require.NoError(t, err)
	pe.cred.Counter++ // an authenticator counts its signatures
	return virtualwebauthn.CreateAssertionResponse(rp, pe.auth, pe.cred, *parsed)
}

func TestPasskeyRegistrationAndSignIn(t *testing.T) {
	pe := newPasskeyEnv(t, 150)
	e := pe.r.e
	require.NoError(t, pe.register(t, pe.rp))
	list, err := e.Server.ListWebAuthnCredentials(ctx, &challenge.ListWebAuthnCredentialsInput{AccessToken: pe.token})
	require.NoError(t, err)
	require.Len(t, list.Credentials, 1)
	assert.Equal(t, "auth.example.com", list.Credentials[0].RelyingPartyId)
	factors, err := e.Server.GetUserAuthFactors(ctx, &challenge.AccessTokenInput{AccessToken: pe.token})
	require.NoError(t, err)
	assert.Equal(t, []string{"PASSWORD", "WEB_AUTHN"}, factors.ConfiguredUserAuthFactors)

	// PREFERRED_CHALLENGE=WEB_AUTHN: the WEB_AUTHN challenge, then CREDENTIAL.
	out, err := pe.r.userAuth(map[string]string{"USERNAME": "pat", "PREFERRED_CHALLENGE": "WEB_AUTHN"})
	require.NoError(t, err)
	require.Equal(t, challenge.WebAuthn, out.ChallengeName)
	opts := out.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"]
	assert.Contains(t, opts, `"rpId":"auth.example.com"`)
	cred := pe.assertion(t, pe.rp, opts)
	done, err := pe.r.answer(challenge.WebAuthn, out.Session, map[string]string{"USERNAME": "pat", "CREDENTIAL": cred})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)
	assert.Equal(t, uint32(1), e.User("pat").Passkeys[0].SignCount, "the sign count is persisted")

	// The same assertion against a new challenge is refused.
	again, err := pe.r.userAuth(map[string]string{"USERNAME": "pat", "PREFERRED_CHALLENGE": "WEB_AUTHN"})
	require.NoError(t, err)
	_, err = pe.r.answer(challenge.WebAuthn, again.Session, map[string]string{"USERNAME": "pat", "CREDENTIAL": cred})
	requireCode(t, err, challenge.ErrNotAuthorized, "Invalid passkey.")

	// SELECT_CHALLENGE carries request options; ANSWER=WEB_AUTHN with
	// CREDENTIAL completes in the same call.
	sel, err := pe.r.userAuth(map[string]string{"USERNAME": "pat"})
	require.NoError(t, err)
	assert.Equal(t, []challenge.Name{"PASSWORD", "PASSWORD_SRP", "WEB_AUTHN"}, sel.AvailableChallenges)
	done, err = pe.r.answer(challenge.SelectChallenge, sel.Session, map[string]string{"USERNAME": "pat", "ANSWER": "WEB_AUTHN",
		"CREDENTIAL": pe.assertion(t, pe.rp, sel.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"])})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	// A wrong origin and a wrong relying party are refused with their exceptions.
	wrongOrigin := pe.rp
	wrongOrigin.Origin = "https://evil.example.com"
	out, err = pe.r.userAuth(map[string]string{"USERNAME": "pat", "PREFERRED_CHALLENGE": "WEB_AUTHN"})
	require.NoError(t, err)
	_, err = pe.r.answer(challenge.WebAuthn, out.Session, map[string]string{"USERNAME": "pat",
		"CREDENTIAL": pe.assertion(t, wrongOrigin, out.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"])})
	requireCode(t, err, challenge.ErrNotAuthorized, "")
	assert.Contains(t, challenge.MessageOf(err), "origin")
	wrongRP := pe.rp
	wrongRP.ID = "evil.example.com"
	out, err = pe.r.userAuth(map[string]string{"USERNAME": "pat", "PREFERRED_CHALLENGE": "WEB_AUTHN"})
	require.NoError(t, err)
	_, err = pe.r.answer(challenge.WebAuthn, out.Session, map[string]string{"USERNAME": "pat",
		"CREDENTIAL": pe.assertion(t, wrongRP, out.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"])})
	requireCode(t, err, challenge.ErrNotAuthorized, "")
	assert.Contains(t, strings.ToLower(challenge.MessageOf(err)), "relying party")

	// Deleted, the passkey is no longer offered.
	_, err = e.Server.DeleteWebAuthnCredential(ctx, &challenge.DeleteWebAuthnCredentialInput{AccessToken: pe.token, CredentialId: list.Credentials[0].CredentialId})
	require.NoError(t, err)
	sel, err = pe.r.userAuth(map[string]string{"USERNAME": "pat"})
	require.NoError(t, err)
	assert.NotContains(t, sel.AvailableChallenges, challenge.Name("WEB_AUTHN"))
}

func TestPasskeyRegistrationFailures(t *testing.T) {
	pe := newPasskeyEnv(t, 151)
	e := pe.r.e
	// Completing without a start.
	_, err := e.Server.CompleteWebAuthnRegistration(ctx, &challenge.CompleteWebAuthnRegistrationInput{AccessToken: pe.token, Credential: []byte(`{}`)})
	requireCode(t, err, challenge.ErrWebAuthnChallengeNotFound, "")
	// A registration answered for another relying party.
	wrongRP := pe.rp
	wrongRP.ID = "evil.example.com"
	requireCode(t, pe.register(t, wrongRP), challenge.ErrWebAuthnRelyingPartyMismatch, "")
	// The failed ceremony is spent: completing again finds no challenge.
	_, err = e.Server.CompleteWebAuthnRegistration(ctx, &challenge.CompleteWebAuthnRegistrationInput{AccessToken: pe.token, Credential: []byte(`{}`)})
	requireCode(t, err, challenge.ErrWebAuthnChallengeNotFound, "")
	// Passkeys off in the pool.
	off := flowtest.New(t, flowtest.Options{Seed: 152})
	off.AddUser("q", "Correct-horse1", flow.StatusConfirmed, nil)
	out, err := off.PasswordSignIn(ctx, "q", "Correct-horse1")
	require.NoError(t, err)
	_, err = off.Server.StartWebAuthnRegistration(ctx, &challenge.StartWebAuthnRegistrationInput{AccessToken: out.AuthenticationResult.AccessToken})
	requireCode(t, err, challenge.ErrWebAuthnNotEnabled, "Passkeys are not enabled for this user pool.")
}

// TestPasskeyListNamesAndAttachment: ListWebAuthnCredentials returns a
// FriendlyCredentialName (the API requires it) — the authenticator's name
// from credProps, else the relying party's (the pool's) name — and the
// AuthenticatorAttachment the client reported at registration.
func TestPasskeyListNamesAndAttachment(t *testing.T) {
	pe := newPasskeyEnv(t, 153)
	e := pe.r.e
	registerWith := func(cred virtualwebauthn.Credential, mutate func(m map[string]any)) {
		start, err := e.Server.StartWebAuthnRegistration(ctx, &challenge.StartWebAuthnRegistrationInput{AccessToken: pe.token})
		require.NoError(t, err)
		opts, err := virtualwebauthn.ParseAttestationOptions(string(start.CredentialCreationOptions))
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(virtualwebauthn.CreateAttestationResponse(pe.rp, pe.auth, cred, *opts)), &m))
		mutate(m)
		resp, err := json.Marshal(m)
		require.NoError(t, err)
		_, err = e.Server.CompleteWebAuthnRegistration(ctx, &challenge.CompleteWebAuthnRegistrationInput{AccessToken: pe.token, Credential: resp})
		require.NoError(t, err)
		pe.auth.AddCredential(cred)
	}
	registerWith(pe.cred, func(m map[string]any) {
		m["authenticatorAttachment"] = "cross-platform"
		m["clientExtensionResults"] = map[string]any{"credProps": map[string]any{"rk": true, "authenticatorDisplayName": "Security key"}}
	})
	registerWith(passkeytest.NewCredential(), func(m map[string]any) {
		m["authenticatorAttachment"] = "platform"
	})
	list, err := e.Server.ListWebAuthnCredentials(ctx, &challenge.ListWebAuthnCredentialsInput{AccessToken: pe.token})
	require.NoError(t, err)
	require.Len(t, list.Credentials, 2)
	byName := map[string]challenge.WebAuthnCredentialDescription{}
	for _, c := range list.Credentials {
		byName[c.FriendlyCredentialName] = c
	}
	require.Contains(t, byName, "Security key")
	assert.Equal(t, "cross-platform", byName["Security key"].AuthenticatorAttachment)
	require.Contains(t, byName, e.Pool.Name, "no name from the authenticator: the relying party's")
	assert.Equal(t, "platform", byName[e.Pool.Name].AuthenticatorAttachment)
	b, err := json.Marshal(list)
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(b), `"FriendlyCredentialName":`), "always on the wire")
}
