package managedlogin_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/authflow/authflow/challenge"
)

// TestBrowserPasskey: after a password sign-in the page offers a passkey,
// which Chromium's virtual authenticator (WebAuthn.addVirtualAuthenticator)
// creates; the passkey then signs the user in through the page: username,
// "Sign in with a passkey", the small script calls
// navigator.credentials.get, the engine checks the assertion, and the
// callback's code exchanges for tokens that go-oidc verifies.
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

	// A password sign-in through the page (at localhost: WebAuthn needs a
	// domain) ends with the offer to add a passkey, which the script
	// registers with the virtual authenticator.
	local := localURL(f.srv.URL)
	provider, conf := f.oidcClient(t, oidc.ScopeOpenID, "email", "aws.cognito.signin.user.admin")
	v0 := oauth2.GenerateVerifier()
	require.NoError(t, chromedp.Do(bctx,
		chromedp.Navigate(strings.Replace(conf.AuthCodeURL("pw", oauth2.S256ChallengeOption(v0)), f.srv.URL, local, 1)),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "ivy"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`button[value="password"]`)),
		chromedp.WaitVisible(chromedp.ID("register-button")),
	))
	title, err := chromedp.Run(bctx, chromedp.Title())
	require.NoError(t, err)
	assert.Equal(t, "Add a passkey", title)
	require.NoError(t, chromedp.Do(bctx, chromedp.Click(chromedp.ID("register-button"))))
	q, err := url.ParseQuery(f.cb.wait(t))
	require.NoError(t, err)
	assert.Equal(t, "pw", q.Get("state"))
	first, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(v0))
	require.NoError(t, err)
	list, err := f.svc.ListWebAuthnCredentials(ctx, &challenge.ListWebAuthnCredentialsInput{AccessToken: first.AccessToken})
	require.NoError(t, err)
	require.Len(t, list.Credentials, 1, "the offer registered a passkey")
	assert.Equal(t, "localhost", list.Credentials[0].RelyingPartyId)

	// Sign in with it through the page.
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("pk", oauth2.S256ChallengeOption(verifier), oidc.Nonce("pk-nonce"))
	authURL = strings.Replace(authURL, f.srv.URL, local, 1)
	require.NoError(t, chromedp.Do(bctx,
		navigate(authURL),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "ivy"),
		chromedp.Click(chromedp.CSS(`button[value="passkey"]`)),
		chromedp.WaitVisible(chromedp.ID("passkey-button")),
	))
	title, err = chromedp.Run(bctx, chromedp.Title())
	require.NoError(t, err)
	assert.Equal(t, "Use a passkey", title)
	require.NoError(t, chromedp.Do(bctx, chromedp.Click(chromedp.ID("passkey-button"))))
	q, err = url.ParseQuery(f.cb.wait(t))
	require.NoError(t, err)
	assert.Equal(t, "pk", q.Get("state"))
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	require.NoError(t, err)
	idt, err := provider.Verifier(&oidc.Config{ClientID: f.web.ClientId}).Verify(ctx, tok.Extra("id_token").(string))
	require.NoError(t, err)
	assert.Equal(t, "pk-nonce", idt.Nonce)
}
