package managedlogin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
)

// codeOf returns the callback's code of a response that ended the sign-in.
func codeOf(t testing.TB, resp *http.Response, f *fixture) string {
	t.Helper()
	loc, err := resp.Location()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(loc.String(), f.callback), loc.String())
	return loc.Query().Get("code")
}

// TestNewPasswordRequired: a user with a temporary password sets a new
// one (and a required attribute) on the page.
func TestNewPasswordRequired(t *testing.T) {
	f := newFixture(t, func(in *challenge.CreateUserPoolInput) {
		req := true
		in.Schema = []challenge.SchemaAttributeType{{Name: "name", AttributeDataType: "String", Required: &req}}
	})
	ctx := context.Background()
	_, err := f.svc.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: f.pool, Username: "jay", TemporaryPassword: testPassword,
		MessageAction: "SUPPRESS", UserAttributes: []challenge.AttributeType{{Name: "email", Value: "jay@example.com"}}})
	require.NoError(t, err)
	b := f.browser(t)
	b.get(f.authorizeURL(nil))
	_, body := b.post("/"+testDomain+"/login", url.Values{"username": {"jay"}, "password": {testPassword}, "step": {"password"}})
	require.Contains(t, body, `autocomplete="new-password"`)
	require.Contains(t, body, `name="attr.name"`)
	_, body = b.post("/"+testDomain+"/login", url.Values{"step": {"newpassword"}, "new_password": {"N3w-Password!x"}, "confirm_password": {"other"}})
	assert.Contains(t, body, "The passwords do not match.")
	_, body = b.post("/"+testDomain+"/login", url.Values{"step": {"newpassword"}, "new_password": {"short"}, "confirm_password": {"short"}, "attr.name": {"Jay"}})
	assert.Contains(t, body, `role="alert"`, "the engine's password policy refuses it")
	assert.Contains(t, body, `autocomplete="new-password"`, "and the step stays")
	resp, _ := b.post("/"+testDomain+"/login", url.Values{"step": {"newpassword"}, "new_password": {"N3w-Password!x"},
		"confirm_password": {"N3w-Password!x"}, "attr.name": {"Jay"}})
	assert.NotEmpty(t, codeOf(t, resp, f))
	u, err := f.svc.AdminGetUser(ctx, &challenge.AdminUserInput{UserPoolId: f.pool, Username: "jay"})
	require.NoError(t, err)
	assert.Equal(t, "CONFIRMED", u.UserStatus)
}

// TestEmailOTPFirstFactor: "Other ways to sign in" lists the pool's first
// factors; an emailed code signs the user in.
func TestEmailOTPFirstFactor(t *testing.T) {
	f := newFixture(t, func(in *challenge.CreateUserPoolInput) {
		in.Policies = &challenge.UserPoolPolicyType{SignInPolicy: &challenge.SignInPolicyType{
			AllowedFirstAuthFactors: []string{"PASSWORD", "EMAIL_OTP"}}}
		in.UserPoolTier = "ESSENTIALS"
	})
	f.user("kim")
	b := f.browser(t)
	_, body := b.get(f.authorizeURL(nil))
	require.Contains(t, body, `value="options"`)
	_, body = b.post("/"+testDomain+"/login", url.Values{"username": {"kim"}, "step": {"options"}})
	require.Contains(t, body, `value="EMAIL_OTP"`)
	require.Contains(t, body, `value="PASSWORD`)
	_, body = b.post("/"+testDomain+"/login", url.Values{"step": {"choose"}, "choice": {"EMAIL_OTP"}})
	require.Contains(t, body, `autocomplete="one-time-code"`)
	require.Contains(t, body, "We sent a code to")
	code := f.out.last().Code
	require.NotEmpty(t, code)
	_, body = b.post("/"+testDomain+"/login", url.Values{"step": {"code"}, "code": {"00000000"}})
	assert.Contains(t, body, `role="alert"`)
	resp, _ := b.post("/"+testDomain+"/login", url.Values{"step": {"code"}, "code": {code}})
	assert.NotEmpty(t, codeOf(t, resp, f))
}

// TestPasswordChosenAtSelectChallenge: choosing the password at
// SELECT_CHALLENGE sends it with the choice.
func TestPasswordChosenAtSelectChallenge(t *testing.T) {
	f := newFixture(t, func(in *challenge.CreateUserPoolInput) {
		in.Policies = &challenge.UserPoolPolicyType{SignInPolicy: &challenge.SignInPolicyType{
			AllowedFirstAuthFactors: []string{"PASSWORD", "EMAIL_OTP"}}}
		in.UserPoolTier = "ESSENTIALS"
	})
	f.user("lee")
	b := f.browser(t)
	b.get(f.authorizeURL(nil))
	_, body := b.post("/"+testDomain+"/login", url.Values{"username": {"lee"}, "step": {"options"}})
	choice := "PASSWORD_SRP"
	if !strings.Contains(body, `value="PASSWORD_SRP"`) {
		choice = "PASSWORD"
	}
	resp, _ := b.post("/"+testDomain+"/login", url.Values{"step": {"choose"}, "choice": {choice}, "password": {testPassword}})
	assert.NotEmpty(t, codeOf(t, resp, f))
}

// TestSignUpAndForgotPassword: an account made on the page is confirmed
// with the emailed code and signs in; a forgotten password is reset with
// another code.
func TestSignUpAndForgotPassword(t *testing.T) {
	f := newFixture(t, func(in *challenge.CreateUserPoolInput) { in.AutoVerifiedAttributes = []string{"email"} })
	b := f.browser(t)
	b.get(f.authorizeURL(nil))
	_, body := b.get(f.srv.URL + "/" + testDomain + "/signup")
	require.Contains(t, body, `autocomplete="new-password"`)
	_, body = b.post("/"+testDomain+"/signup", url.Values{"step": {"signup"}, "username": {"mia"}, "email": {"mia@example.com"},
		"new_password": {testPassword}})
	require.Contains(t, body, "Confirmation code", body)
	_, body = b.post("/"+testDomain+"/signup", url.Values{"step": {"confirm"}, "code": {f.out.last().Code}})
	require.Contains(t, body, "Your account is confirmed.")
	assert.NotEmpty(t, b.signInAgain("mia").Get("code"))

	b = f.browser(t)
	b.get(f.authorizeURL(nil))
	_, body = b.get(f.srv.URL + "/" + testDomain + "/forgotPassword")
	require.Contains(t, body, "Send a code")
	_, body = b.post("/"+testDomain+"/forgotPassword", url.Values{"step": {"forgot"}, "username": {"mia"}})
	require.Contains(t, body, "Reset the password")
	const newPW = "An0ther-Secret!pw"
	_, body = b.post("/"+testDomain+"/forgotPassword", url.Values{"step": {"reset"}, "code": {f.out.last().Code}, "new_password": {newPW}})
	require.Contains(t, body, "Your password was reset.")
	assert.NotContains(t, body, newPW)
	resp, _ := b.post("/"+testDomain+"/login", url.Values{"username": {"mia"}, "password": {newPW}, "step": {"password"}})
	assert.NotEmpty(t, codeOf(t, resp, f))
	assert.NotContains(t, f.logText(), newPW)
}

// TestPasskeyOfferDeclined: in a pool with passkeys, a password sign-in
// that grants aws.cognito.signin.user.admin is offered a passkey; "Not
// now" ends the sign-in at the callback, and a bad credential keeps the
// offer with an error.
func TestPasskeyOfferDeclined(t *testing.T) {
	f := newFixture(t, func(in *challenge.CreateUserPoolInput) {
		in.Policies = &challenge.UserPoolPolicyType{SignInPolicy: &challenge.SignInPolicyType{
			AllowedFirstAuthFactors: []string{"PASSWORD", "WEB_AUTHN"}}}
		in.UserPoolTier = "ESSENTIALS"
	})
	_, err := f.svc.SetUserPoolMfaConfig(context.Background(), &challenge.UserPoolMfaConfig{UserPoolId: f.pool, MfaConfiguration: "OFF",
		WebAuthnConfiguration: &challenge.WebAuthnConfigurationType{RelyingPartyId: "localhost"}})
	require.NoError(t, err)
	f.user("noa")
	b := f.browser(t)
	_, body := b.get(f.authorizeURL(url.Values{"scope": {"openid aws.cognito.signin.user.admin"}}))
	require.Contains(t, body, `value="passkey"`, "the sign-in page offers passkeys")
	resp, body := b.post("/"+testDomain+"/login", url.Values{"username": {"noa"}, "password": {testPassword}, "step": {"password"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, "register-button")
	resp, body = b.post("/"+testDomain+"/login", url.Values{"step": {"register"}, "credential": {`{"id":"x"}`}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, `role="alert"`)
	resp, _ = b.post("/"+testDomain+"/login", url.Values{"step": {"skip"}})
	assert.NotEmpty(t, codeOf(t, resp, f))

	// Without the admin scope there is no offer.
	b = f.browser(t)
	b.get(f.authorizeURL(nil))
	resp, body = b.post("/"+testDomain+"/login", url.Values{"username": {"noa"}, "password": {testPassword}, "step": {"password"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	assert.NotEmpty(t, codeOf(t, resp, f))
}

// TestLoginURLWithParameters: /login?client_id=... (and /signup?...)
// starts a sign-in as /oauth2/authorize does, with the same checks.
func TestLoginURLWithParameters(t *testing.T) {
	f := newFixture(t)
	f.user("quin")
	q := url.Values{"client_id": {f.web.ClientId}, "response_type": {"code"}, "redirect_uri": {f.callback}, "scope": {"openid"}, "state": {"L"}}
	b := f.browser(t)
	_, body := b.get(f.srv.URL + "/" + testDomain + "/login?" + q.Encode())
	require.Contains(t, body, `autocomplete="current-password"`)
	resp, _ := b.post("/"+testDomain+"/login", url.Values{"username": {"quin"}, "password": {testPassword}})
	loc, err := resp.Location()
	require.NoError(t, err)
	assert.Equal(t, "L", loc.Query().Get("state"))
	assert.NotEmpty(t, loc.Query().Get("code"))

	_, body = f.browser(t).get(f.srv.URL + "/" + testDomain + "/signup?" + q.Encode())
	assert.Contains(t, body, "Create the account")
	q.Set("redirect_uri", "https://evil.example/cb")
	resp, err = noFollow.Get(f.srv.URL + "/" + testDomain + "/login?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

// TestLoginHint: login_hint fills in the username, escaped.
func TestLoginHint(t *testing.T) {
	f := newFixture(t)
	_, body := f.browser(t).get(f.authorizeURL(url.Values{"login_hint": {`zed"><script>`}}))
	assert.Contains(t, body, `value="zed&#34;&gt;&lt;script&gt;"`)
	assert.NotContains(t, body, `zed"><script>`)
}
