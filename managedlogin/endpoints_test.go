package managedlogin_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/authflow/authflow/challenge"
)

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// browser is a cookie-keeping HTTP client that stops at the callback.
type browser struct {
	t   testing.TB
	f   *fixture
	c   *http.Client
	csr string
}

var errCallback = errors.New("reached the callback")

func (f *fixture) browser(t testing.TB) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	b := &browser{t: t, f: f}
	b.c = &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), f.callback) {
			return errCallback
		}
		return nil
	}}
	return b
}

// page fetches a page and remembers its CSRF token.
func (b *browser) get(u string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Get(u)
	if errors.Is(err, errCallback) {
		return resp, ""
	}
	require.NoError(b.t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := csrfRE.FindStringSubmatch(string(body)); m != nil {
		b.csr = m[1]
	}
	return resp, string(body)
}

// post submits a form of the login page (CSRF token added).
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	if form.Get("csrf") == "" {
		form.Set("csrf", b.csr)
	}
	resp, err := b.c.PostForm(b.f.srv.URL+path, form)
	if errors.Is(err, errCallback) {
		return resp, ""
	}
	require.NoError(b.t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := csrfRE.FindStringSubmatch(string(body)); m != nil {
		b.csr = m[1]
	}
	return resp, string(body)
}

// authorizeURL builds an authorization request of the web client.
func (f *fixture) authorizeURL(extra url.Values) string {
	q := url.Values{"client_id": {f.web.ClientId}, "response_type": {"code"}, "redirect_uri": {f.callback},
		"scope": {"openid email"}, "state": {"xyz"}}
	for k, v := range extra {
		q[k] = v
	}
	return f.endpoint.Authorize + "?" + q.Encode()
}

// signIn runs the code flow over HTTP and returns the callback's query.
func (b *browser) signIn(extra url.Values, user string) url.Values {
	b.t.Helper()
	_, body := b.get(b.f.authorizeURL(extra))
	require.Contains(b.t, body, `autocomplete="current-password"`)
	resp, _ := b.post("/"+testDomain+"/login", url.Values{"username": {user}, "password": {testPassword}, "step": {"password"}})
	require.NotNil(b.t, resp)
	loc, err := resp.Location()
	require.NoError(b.t, err)
	require.True(b.t, strings.HasPrefix(loc.String(), b.f.callback), loc.String())
	return loc.Query()
}

func s256(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// exchange posts a code exchange as the public web client.
func (f *fixture) exchange(t testing.TB, form url.Values) (int, map[string]any) {
	t.Helper()
	form.Set("grant_type", "authorization_code")
	if form.Get("client_id") == "" {
		form.Set("client_id", f.web.ClientId)
	}
	resp, err := http.PostForm(f.endpoint.Token, form)
	require.NoError(t, err)
	defer resp.Body.Close()
	var m map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	return resp.StatusCode, m
}

const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-and-more"

func TestCodeFlowRefusals(t *testing.T) {
	f := newFixture(t)
	f.user("carol")

	t.Run("wrong verifier", func(t *testing.T) {
		q := f.browser(t).signIn(url.Values{"code_challenge": {s256(verifier)}, "code_challenge_method": {"S256"}}, "carol")
		assert.Equal(t, "xyz", q.Get("state"))
		status, body := f.exchange(t, url.Values{"code": {q.Get("code")}, "redirect_uri": {f.callback}, "code_verifier": {verifier + "x"}})
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, "invalid_grant", body["error"])
		// The code was spent by the failed attempt.
		status, body = f.exchange(t, url.Values{"code": {q.Get("code")}, "redirect_uri": {f.callback}, "code_verifier": {verifier}})
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, "invalid_grant", body["error"])
	})
	t.Run("missing verifier", func(t *testing.T) {
		q := f.browser(t).signIn(url.Values{"code_challenge": {s256(verifier)}, "code_challenge_method": {"S256"}}, "carol")
		_, body := f.exchange(t, url.Values{"code": {q.Get("code")}, "redirect_uri": {f.callback}})
		assert.Equal(t, "invalid_grant", body["error"])
	})
	t.Run("plain PKCE", func(t *testing.T) {
		q := f.browser(t).signIn(url.Values{"code_challenge": {verifier}, "code_challenge_method": {"plain"}}, "carol")
		status, body := f.exchange(t, url.Values{"code": {q.Get("code")}, "redirect_uri": {f.callback}, "code_verifier": {verifier}})
		require.Equal(t, http.StatusOK, status, body)
		assert.NotEmpty(t, body["id_token"])
		assert.NotEmpty(t, body["refresh_token"])
		assert.Equal(t, "Bearer", body["token_type"])
	})
	t.Run("redirect_uri differs at the exchange", func(t *testing.T) {
		q := f.browser(t).signIn(nil, "carol")
		_, body := f.exchange(t, url.Values{"code": {q.Get("code")}, "redirect_uri": {f.callback + "/other"}})
		assert.Equal(t, "invalid_grant", body["error"])
	})
	t.Run("another client's code", func(t *testing.T) {
		q := f.browser(t).signIn(nil, "carol")
		resp, err := http.PostForm(f.endpoint.Token, url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")},
			"redirect_uri": {f.callback}, "client_id": {f.m2m.ClientId}, "client_secret": {f.m2m.ClientSecret}})
		require.NoError(t, err)
		defer resp.Body.Close()
		var m map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
		assert.Equal(t, "unauthorized_client", m["error"])
	})
	t.Run("unknown code and grant", func(t *testing.T) {
		_, body := f.exchange(t, url.Values{"code": {"nope"}, "redirect_uri": {f.callback}})
		assert.Equal(t, "invalid_grant", body["error"])
		resp, err := http.PostForm(f.endpoint.Token, url.Values{"grant_type": {"password"}, "client_id": {f.web.ClientId}})
		require.NoError(t, err)
		defer resp.Body.Close()
		var m map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
		assert.Equal(t, "unsupported_grant_type", m["error"])
	})
	t.Run("bad client secret", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, f.endpoint.Token, strings.NewReader("grant_type=client_credentials"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(f.m2m.ClientId, "wrong")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.NotEmpty(t, resp.Header.Get("WWW-Authenticate"))
		var m map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
		assert.Equal(t, "invalid_client", m["error"])
	})
}

// noFollow is an HTTP client that returns redirects instead of following them.
var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func TestAuthorizeRefusals(t *testing.T) {
	f := newFixture(t)
	get := func(extra url.Values) *http.Response {
		resp, err := noFollow.Get(f.authorizeURL(extra))
		require.NoError(t, err)
		resp.Body.Close()
		return resp
	}
	// Unknown client or redirect URI: an error page, never a redirect.
	for _, extra := range []url.Values{{"redirect_uri": {"https://evil.example/cb"}}, {"client_id": {"nosuchclient"}},
		{"redirect_uri": {f.callback + "x"}, "scope": {"nope"}}} {
		resp := get(extra)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, extra)
		assert.Empty(t, resp.Header.Get("Location"))
		assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
	}
	// Trusted redirect URI: the error goes back to the client with state.
	for extra, code := range map[string]string{
		"scope=orders/write":     "invalid_scope",
		"scope=phone":            "invalid_scope",
		"response_type=id_token": "unsupported_response_type",
		"code_challenge=short":   "invalid_request",
		"code_challenge_method=S512&code_challenge=" + verifier: "invalid_request",
		"prompt=none": "login_required",
	} {
		v, _ := url.ParseQuery(extra)
		resp := get(v)
		require.Equal(t, http.StatusFound, resp.StatusCode, extra)
		loc, err := resp.Location()
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(loc.String(), f.callback), loc.String())
		assert.Equal(t, code, loc.Query().Get("error"), extra)
		assert.Equal(t, "xyz", loc.Query().Get("state"), extra)
	}
	// A flow the client does not allow.
	ctx := context.Background()
	_, err := f.svc.UpdateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: f.pool, ClientId: f.web.ClientId, ClientName: "web",
		OAuthClientSettings: challenge.OAuthClientSettings{AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []string{challenge.OAuthFlowImplicit},
			AllowedOAuthScopes: []string{"openid"}, CallbackURLs: []string{f.callback}, SupportedIdentityProviders: []string{"COGNITO"}}})
	require.NoError(t, err)
	resp := get(url.Values{"scope": {"openid"}})
	loc, err := resp.Location()
	require.NoError(t, err)
	assert.Equal(t, "unauthorized_client", loc.Query().Get("error"))
}

func TestImplicitFlow(t *testing.T) {
	f := newFixture(t)
	f.user("dave")
	b := f.browser(t)
	_, body := b.get(f.authorizeURL(url.Values{"response_type": {"token"}, "nonce": {"abc"}}))
	require.Contains(t, body, "csrf")
	resp, _ := b.post("/"+testDomain+"/login", url.Values{"username": {"dave"}, "password": {testPassword}})
	loc, err := resp.Location()
	require.NoError(t, err)
	frag, err := url.ParseQuery(loc.Fragment)
	require.NoError(t, err)
	assert.Empty(t, loc.Query().Get("code"))
	assert.Equal(t, "xyz", frag.Get("state"))
	assert.Equal(t, "Bearer", frag.Get("token_type"))
	ac, err := f.iss.VerifyAccess(context.Background(), frag.Get("access_token"))
	require.NoError(t, err)
	assert.Equal(t, []string{"openid", "email"}, ac.Scopes)
	idc, err := f.iss.VerifyID(context.Background(), frag.Get("id_token"), f.web.ClientId)
	require.NoError(t, err)
	assert.Equal(t, "abc", idc.Claims["nonce"])
}

// TestClientCredentials: golang.org/x/oauth2/clientcredentials gets an
// access token with the resource server's scopes; scopes and flows the
// client does not have are refused.
func TestClientCredentials(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		cc := clientcredentials.Config{ClientID: f.m2m.ClientId, ClientSecret: f.m2m.ClientSecret, TokenURL: f.endpoint.Token,
			Scopes: []string{"orders/read"}, AuthStyle: style}
		tok, err := cc.Token(ctx)
		require.NoError(t, err)
		jwks, err := f.iss.PoolJWKS(ctx, f.pool)
		require.NoError(t, err)
		claims := jwt.MapClaims{}
		_, err = jwt.ParseWithClaims(tok.AccessToken, claims, keyFunc(t, jwks), jwt.WithValidMethods([]string{"RS256"}))
		require.NoError(t, err)
		assert.Equal(t, "orders/read", claims["scope"])
		assert.Equal(t, f.m2m.ClientId, claims["sub"])
		assert.Equal(t, f.issuer(), claims["iss"])
		assert.Equal(t, "access", claims["token_use"])
	}
	all, err := (&clientcredentials.Config{ClientID: f.m2m.ClientId, ClientSecret: f.m2m.ClientSecret, TokenURL: f.endpoint.Token}).Token(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, all.AccessToken)

	_, err = (&clientcredentials.Config{ClientID: f.m2m.ClientId, ClientSecret: f.m2m.ClientSecret, TokenURL: f.endpoint.Token,
		Scopes: []string{"openid"}}).Token(ctx)
	var re *oauth2.RetrieveError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "invalid_scope", re.ErrorCode)
	_, err = (&clientcredentials.Config{ClientID: f.web.ClientId, TokenURL: f.endpoint.Token, Scopes: []string{"orders/read"}}).Token(ctx)
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "unauthorized_client", re.ErrorCode, "a client without the flow")
}

func keyFunc(t testing.TB, jwks []byte) jwt.Keyfunc {
	var set jose.JSONWebKeySet
	require.NoError(t, json.Unmarshal(jwks, &set))
	return func(tok *jwt.Token) (any, error) {
		kid, _ := tok.Header["kid"].(string)
		if keys := set.Key(kid); len(keys) == 1 {
			return keys[0].Key, nil
		}
		return nil, errors.New("no key")
	}
}

// TestDiscoveryAdvertisesOnlyWhatIsServed: the pool's discovery document
// names the endpoints while the pool has a domain, and none without.
func TestDiscoveryAdvertisesOnlyWhatIsServed(t *testing.T) {
	f := newFixture(t)
	doc := func() map[string]any {
		resp, err := http.Get(f.issuer() + "/.well-known/openid-configuration")
		require.NoError(t, err)
		defer resp.Body.Close()
		var m map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
		return m
	}
	d := doc()
	assert.Equal(t, f.endpoint.Authorize, d["authorization_endpoint"])
	assert.Equal(t, f.endpoint.Token, d["token_endpoint"])
	assert.Equal(t, f.endpoint.UserInfo, d["userinfo_endpoint"])
	assert.Equal(t, f.endpoint.Revoke, d["revocation_endpoint"])
	assert.Equal(t, []any{"code", "token"}, d["response_types_supported"])
	assert.Equal(t, f.issuer(), d["issuer"])
	_, err := f.svc.DeleteUserPoolDomain(context.Background(), &challenge.DeleteUserPoolDomainInput{UserPoolId: f.pool, Domain: testDomain})
	require.NoError(t, err)
	d = doc()
	for _, k := range []string{"authorization_endpoint", "token_endpoint", "userinfo_endpoint", "response_types_supported", "scopes_supported"} {
		assert.NotContains(t, d, k)
	}
	resp, err := noFollow.Get(f.authorizeURL(nil))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "the domain is no longer served")
}

// TestRevokeAndLogout: /oauth2/revoke revokes a refresh token and the
// access tokens issued from it; /logout sends the browser to a listed
// logout URL only.
func TestRevokeAndLogout(t *testing.T) {
	f := newFixture(t)
	f.user("gus")
	ctx := context.Background()
	q := f.browser(t).signIn(nil, "gus")
	_, body := f.exchange(t, url.Values{"code": {q.Get("code")}, "redirect_uri": {f.callback}})
	access, refresh := body["access_token"].(string), body["refresh_token"].(string)
	_, err := f.iss.VerifyAccess(ctx, access)
	require.NoError(t, err)
	resp, err := http.PostForm(f.endpoint.Revoke, url.Values{"token": {refresh}, "client_id": {f.web.ClientId}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	_, err = f.iss.VerifyAccess(ctx, access)
	assert.ErrorIs(t, err, challenge.ErrNotAuthorized)
	status, m := f.refreshGrant(t, refresh)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_grant", m["error"])

	resp, err = noFollow.Get(f.endpoint.Logout + "?" + url.Values{"client_id": {f.web.ClientId}, "logout_uri": {f.logout}}.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, f.logout, resp.Header.Get("Location"))
	resp, err = noFollow.Get(f.endpoint.Logout + "?" + url.Values{"client_id": {f.web.ClientId}, "logout_uri": {"https://evil.example/"}}.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("Location"))
}

func (f *fixture) refreshGrant(t testing.TB, refresh string) (int, map[string]any) {
	resp, err := http.PostForm(f.endpoint.Token, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {f.web.ClientId}})
	require.NoError(t, err)
	defer resp.Body.Close()
	var m map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
	return resp.StatusCode, m
}

// TestCORS: browser apps may call the token, userInfo and revocation
// endpoints from any origin (no credentials); the login page is not
// offered to other origins.
func TestCORS(t *testing.T) {
	f := newFixture(t)
	req, _ := http.NewRequest(http.MethodOptions, f.endpoint.Token, nil)
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, resp.Header.Get("Access-Control-Allow-Headers"), "Content-Type")
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Credentials"))

	resp, err = http.PostForm(f.endpoint.Token, url.Values{"grant_type": {"authorization_code"}, "client_id": {f.web.ClientId}, "code": {"x"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))

	resp, err = http.Get(f.srv.URL + "/" + testDomain + "/login")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
}
