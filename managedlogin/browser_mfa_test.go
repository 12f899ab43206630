package managedlogin_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/client"
	"github.com/authflow/authflow/totp"
)

// TestBrowserTOTP: in a pool that requires MFA, Chromium sets up an
// authenticator through the page (MFA_SETUP with a QR code), is refused a
// wrong code and stays on the step, signs in, then signs in again with a
// code of the new authenticator (SOFTWARE_TOKEN_MFA); each callback's
// code exchanges for tokens go-oidc verifies.
func TestBrowserTOTP(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.svc.SetUserPoolMfaConfig(ctx, &challenge.UserPoolMfaConfig{UserPoolId: f.pool, MfaConfiguration: "ON",
		SoftwareTokenMfaConfiguration: &challenge.SoftwareTokenMfaConfigType{Enabled: true}})
	require.NoError(t, err)
	f.user("hana")
	bctx := chromium(t)
	provider, conf := f.oidcClient(t, oidc.ScopeOpenID)
	signIn := func(verifier string) {
		t.Helper()
		require.NoError(t, chromedp.Do(bctx,
			chromedp.Navigate(conf.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier))),
			chromedp.WaitVisible(chromedp.ID("username")),
			chromedp.SendKeys(chromedp.ID("username"), "hana"),
			chromedp.SendKeys(chromedp.ID("password"), testPassword),
			chromedp.Click(chromedp.CSS(`button[value="password"]`)),
		))
	}
	exchange := func(verifier string) {
		t.Helper()
		q, err := url.ParseQuery(f.cb.wait(t))
		require.NoError(t, err)
		tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
		require.NoError(t, err)
		_, err = provider.Verifier(&oidc.Config{ClientID: f.web.ClientId}).Verify(ctx, tok.Extra("id_token").(string))
		require.NoError(t, err)
	}

	// First sign-in: set up the authenticator.
	v1 := oauth2.GenerateVerifier()
	signIn(v1)
	require.NoError(t, chromedp.Do(bctx, chromedp.WaitVisible(chromedp.ID("secret"))))
	secret, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("secret")))
	require.NoError(t, err)
	svg, err := chromedp.Run(bctx, chromedp.OuterHTML(chromedp.CSS(".qr svg")))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(svg, "<svg"), "a QR code is drawn")
	ac, err := chromedp.Run(bctx, chromedp.AttributeValue(chromedp.ID("code"), "autocomplete"))
	require.NoError(t, err)
	assert.Equal(t, "one-time-code", ac.Value)

	require.NoError(t, chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.ID("code"), "000000"),
		chromedp.Submit(chromedp.ID("code")),
		chromedp.WaitVisible(chromedp.ID("error")),
	))
	again, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("secret")))
	require.NoError(t, err)
	assert.Equal(t, secret, again, "a wrong code keeps the step")
	code, err := totp.DefaultConfig().Code(strings.TrimSpace(secret), time.Now())
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Submit(chromedp.ID("code")),
	))
	exchange(v1)

	// Second sign-in: the authenticator's code (one step later: codes are
	// single use).
	v2 := oauth2.GenerateVerifier()
	signIn(v2)
	require.NoError(t, chromedp.Do(bctx, chromedp.WaitVisible(chromedp.ID("code"))))
	title, err := chromedp.Run(bctx, chromedp.Title())
	require.NoError(t, err)
	assert.Equal(t, "Authenticator code", title)
	code, err = totp.DefaultConfig().Code(strings.TrimSpace(secret), time.Now().Add(30*time.Second))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Submit(chromedp.ID("code")),
	))
	exchange(v2)
}

// TestSelectMFAType: a user with an authenticator and SMS MFA chooses on
// the page (SELECT_MFA_TYPE), then answers the SMS code.
func TestSelectMFAType(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.svc.SetUserPoolMfaConfig(ctx, &challenge.UserPoolMfaConfig{UserPoolId: f.pool, MfaConfiguration: "OPTIONAL",
		SoftwareTokenMfaConfiguration: &challenge.SoftwareTokenMfaConfigType{Enabled: true},
		SmsMfaConfiguration:           &challenge.SmsMfaConfigType{SmsConfiguration: &challenge.SmsConfigurationType{SnsCallerArn: "arn:aws:iam::123456789012:role/sns"}}})
	require.NoError(t, err)
	f.user("pia")
	_, err = f.svc.AdminUpdateUserAttributes(ctx, &challenge.AdminUpdateUserAttributesInput{UserPoolId: f.pool, Username: "pia",
		UserAttributes: []challenge.AttributeType{{Name: "phone_number", Value: "+15555550100"}, {Name: "phone_number_verified", Value: "true"}}})
	require.NoError(t, err)
	res, err := client.Run(ctx, f.svc, client.NewSRPLogin(client.Config{ClientID: f.web.ClientId, PoolID: f.pool}, "pia", testPassword),
		func(p client.Prompt) (client.Input, error) {
			return client.Input{}, errors.New("unexpected " + p.String())
		})
	require.NoError(t, err)
	assoc, err := f.svc.AssociateSoftwareToken(ctx, &challenge.AssociateSoftwareTokenInput{AccessToken: res.AccessToken})
	require.NoError(t, err)
	code, err := totp.DefaultConfig().Code(assoc.SecretCode, time.Now())
	require.NoError(t, err)
	_, err = f.svc.VerifySoftwareToken(ctx, &challenge.VerifySoftwareTokenInput{AccessToken: res.AccessToken, UserCode: code})
	require.NoError(t, err)
	_, err = f.svc.AdminSetUserMFAPreference(ctx, &challenge.SetUserMFAPreferenceInput{UserPoolId: f.pool, Username: "pia",
		SMSMfaSettings: &challenge.MFAOptionSettings{Enabled: true}, SoftwareTokenMfaSettings: &challenge.MFAOptionSettings{Enabled: true}})
	require.NoError(t, err)

	b := f.browser(t)
	b.get(f.authorizeURL(nil))
	_, body := b.post("/"+testDomain+"/login", url.Values{"username": {"pia"}, "password": {testPassword}, "step": {"password"}})
	require.Contains(t, body, `value="SMS_MFA"`)
	require.Contains(t, body, `value="SOFTWARE_TOKEN_MFA"`)
	_, body = b.post("/"+testDomain+"/login", url.Values{"step": {"choose"}, "choice": {"EMAIL_OTP"}})
	assert.Contains(t, body, "Choose one of the options.")
	_, body = b.post("/"+testDomain+"/login", url.Values{"step": {"choose"}, "choice": {"SMS_MFA"}})
	require.Contains(t, body, "Text message code")
	sms := f.out.last()
	assert.Equal(t, "+15555550100", sms.Destination)
	resp, _ := b.post("/"+testDomain+"/login", url.Values{"step": {"code"}, "code": {sms.Code}})
	loc, err := resp.Location()
	require.NoError(t, err)
	assert.NotEmpty(t, loc.Query().Get("code"))
}
