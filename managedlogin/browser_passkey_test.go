package managedlogin_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/client"
)

// TestBrowserPasskey: a passkey registered in Chromium's virtual
// authenticator (WebAuthn.addVirtualAuthenticator) signs the user in
// through the login page: username, "Sign in with a passkey", the small
// script calls navigator.credentials.get, the engine checks the
// assertion, and the callback's code exchanges for tokens that go-oidc
// verifies.
func TestBrowserPasskey(t *testing.T) {
	f := newFixture(t, func(in *challenge.CreateUserPoolInput) {
		in.Policies = &challenge.UserPoolPolicyType{SignInPolicy: &challenge.SignInPolicyType{
			AllowedFirstAuthFactors: []string{"PASSWORD", "WEB_AUTHN"}}}
		in.UserPoolTier = "ESSENTIALS"
	})
	ctx := context.Background()
	_, err := f.svc.SetUserPoolMfaConfig(ctx, &challenge.UserPoolMfaConfig{UserPoolId: f.pool, MfaConfiguration: "OFF",
		WebAuthnConfiguration: &challenge.WebAuthnConfigurationType{RelyingPartyId: "localhost", UserVerification: "preferred"}})
	require.NoError(t, err)
	f.user("ivy")
	bctx := chromium(t)

	_, err = chromedp.Call(bctx, webauthn.Enable, webauthn.EnableParams{})
	require.NoError(t, err)
	_, err = chromedp.Call(bctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
		Options: &webauthn.VirtualAuthenticatorOptions{Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21,
			Transport: webauthn.AuthenticatorTransportInternal, HasResidentKey: true, HasUserVerification: true,
			IsUserVerified: true, AutomaticPresenceSimulation: true}})
	require.NoError(t, err)

	// Register a passkey: the engine's creation options, the browser's
	// authenticator, the engine's check.
	res, err := client.Run(ctx, f.svc, client.NewSRPLogin(client.Config{ClientID: f.web.ClientId, PoolID: f.pool}, "ivy", testPassword),
		func(p client.Prompt) (client.Input, error) {
			return client.Input{}, errors.New("unexpected " + p.String())
		})
	require.NoError(t, err)
	start, err := f.svc.StartWebAuthnRegistration(ctx, &challenge.StartWebAuthnRegistrationInput{AccessToken: res.AccessToken})
	require.NoError(t, err)
	local := localURL(f.srv.URL)
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(local+"/"+testDomain+"/login")))
	cred, err := chromedp.Run(bctx, chromedp.Evaluate[string](fmt.Sprintf(`(async () => {
		const o = PublicKeyCredential.parseCreationOptionsFromJSON(JSON.parse(%s));
		const c = await navigator.credentials.create({publicKey: o});
		return JSON.stringify(c.toJSON());
	})()`, strconv.Quote(string(start.CredentialCreationOptions))), chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	_, err = f.svc.CompleteWebAuthnRegistration(ctx, &challenge.CompleteWebAuthnRegistrationInput{AccessToken: res.AccessToken,
		Credential: challenge.RawJSON(cred)})
	require.NoError(t, err)

	// Sign in with it through the page.
	provider, conf := f.oidcClient(t, oidc.ScopeOpenID, "email")
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("pk", oauth2.S256ChallengeOption(verifier), oidc.Nonce("pk-nonce"))
	authURL = strings.Replace(authURL, f.srv.URL, local, 1)
	require.NoError(t, chromedp.Do(bctx,
		chromedp.Navigate(authURL),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "ivy"),
		chromedp.Click(chromedp.CSS(`button[value="passkey"]`)),
		chromedp.WaitVisible(chromedp.ID("passkey-button")),
	))
	title, err := chromedp.Run(bctx, chromedp.Title())
	require.NoError(t, err)
	assert.Equal(t, "Use a passkey", title)
	require.NoError(t, chromedp.Do(bctx, chromedp.Click(chromedp.ID("passkey-button"))))
	q, err := url.ParseQuery(f.cb.wait(t))
	require.NoError(t, err)
	assert.Equal(t, "pk", q.Get("state"))
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	require.NoError(t, err)
	idt, err := provider.Verifier(&oidc.Config{ClientID: f.web.ClientId}).Verify(ctx, tok.Extra("id_token").(string))
	require.NoError(t, err)
	assert.Equal(t, "pk-nonce", idt.Nonce)
}
