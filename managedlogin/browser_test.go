package managedlogin_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// oidcClient is the relying party of the browser tests: go-oidc reads the
// pool's discovery document and golang.org/x/oauth2 runs the code flow.
func (f *fixture) oidcClient(t testing.TB, scopes ...string) (*oidc.Provider, *oauth2.Config) {
	t.Helper()
	provider, err := oidc.NewProvider(context.Background(), f.issuer())
	require.NoError(t, err, "discovery")
	return provider, &oauth2.Config{ClientID: f.web.ClientId, Endpoint: provider.Endpoint(), RedirectURL: f.callback, Scopes: scopes}
}

// TestBrowserPasswordSignIn: Chromium signs in with a password through
// the login page; the callback's code is exchanged with PKCE by
// golang.org/x/oauth2; go-oidc verifies the ID token (nonce, at_hash)
// against the discovery document; the access token carries the scopes
// granted; userInfo, refresh and a reused code behave as Cognito's.
func TestBrowserPasswordSignIn(t *testing.T) {
	f := newFixture(t)
	f.user("alice")
	bctx := chromium(t)
	ctx := context.Background()
	provider, conf := f.oidcClient(t, oidc.ScopeOpenID, "email", "orders/read")
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("state-42", oauth2.S256ChallengeOption(verifier), oidc.Nonce("nonce-7"))

	require.NoError(t, chromedp.Do(bctx,
		chromedp.Navigate(authURL),
		chromedp.WaitVisible(chromedp.ID("username")),
	))
	title, err := chromedp.Run(bctx, chromedp.Title())
	require.NoError(t, err)
	assert.Equal(t, "Sign in", title)
	require.NoError(t, chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.ID("username"), "alice"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`button[value="password"]`)),
	))
	q, err := url.ParseQuery(f.cb.wait(t))
	require.NoError(t, err)
	assert.Equal(t, "state-42", q.Get("state"))
	code := q.Get("code")
	require.NotEmpty(t, code)

	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	require.NoError(t, err)
	rawID, _ := tok.Extra("id_token").(string)
	require.NotEmpty(t, rawID)
	idt, err := provider.Verifier(&oidc.Config{ClientID: f.web.ClientId}).Verify(ctx, rawID)
	require.NoError(t, err)
	assert.Equal(t, "nonce-7", idt.Nonce)
	require.NoError(t, idt.VerifyAccessToken(tok.AccessToken), "at_hash")
	var claims struct {
		Email    string `json:"email"`
		Username string `json:"cognito:username"`
	}
	require.NoError(t, idt.Claims(&claims))
	assert.Equal(t, "alice@example.com", claims.Email)
	assert.Equal(t, "alice", claims.Username)
	ac, err := f.iss.VerifyAccess(ctx, tok.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, []string{"openid", "email", "orders/read"}, ac.Scopes)

	info, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	require.NoError(t, err)
	assert.Equal(t, idt.Subject, info.Subject)
	assert.Equal(t, "alice@example.com", info.Email)

	// The code is spent: a second exchange fails, and revokes the tokens.
	_, err = conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	var re *oauth2.RetrieveError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "invalid_grant", re.ErrorCode)
	_, err = f.iss.VerifyAccess(ctx, tok.AccessToken)
	assert.Error(t, err, "the tokens of a reused code are revoked")
}

// TestBrowserRefreshKeepsScopes: the refresh_token grant returns tokens
// with the scopes first granted.
func TestBrowserRefreshKeepsScopes(t *testing.T) {
	f := newFixture(t)
	f.user("bob")
	bctx := chromium(t)
	ctx := context.Background()
	_, conf := f.oidcClient(t, oidc.ScopeOpenID, "profile")
	verifier := oauth2.GenerateVerifier()
	require.NoError(t, chromedp.Do(bctx,
		chromedp.Navigate(conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier))),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "bob"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("password")),
	))
	q, err := url.ParseQuery(f.cb.wait(t))
	require.NoError(t, err)
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	require.NoError(t, err)
	require.NotEmpty(t, tok.RefreshToken)
	tok.Expiry = tok.Expiry.Add(-24 * 3600e9) // force a refresh
	fresh, err := conf.TokenSource(ctx, tok).Token()
	require.NoError(t, err)
	require.NotEqual(t, tok.AccessToken, fresh.AccessToken)
	ac, err := f.iss.VerifyAccess(ctx, fresh.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, []string{"openid", "profile"}, ac.Scopes)
	assert.True(t, strings.HasPrefix(fresh.Extra("id_token").(string), "ey"))
}
