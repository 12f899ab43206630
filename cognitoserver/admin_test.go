package cognitoserver

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// adminGet fetches the admin page with extra headers and returns the
// status, body and the token and cookie of the page.
func adminGet(t *testing.T, endpoint string, hdr map[string]string) (int, string, string, *http.Cookie) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, endpoint+"/", nil)
	require.NoError(t, err)
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	token := ""
	if m := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(string(body)); m != nil {
		token = m[1]
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == adminCookie {
			cookie = c
		}
	}
	return resp.StatusCode, string(body), token, cookie
}

// adminPost sends an action form.
func adminPost(t *testing.T, endpoint string, form url.Values, cookie *http.Cookie, hdr map[string]string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, endpoint+"/admin/action", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if cookie != nil {
		req.AddCookie(cookie)
	}
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func enabled(t *testing.T, endpoint string) bool {
	t.Helper()
	u, err := sdkFor(endpoint).AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: aws.String("us-east-1" + devPoolSuffix),
		Username: aws.String(devUser)})
	require.NoError(t, err)
	return u.Enabled
}

// TestAttackAdminCrossSite: the admin page refuses what a page of another
// site (or a DNS-rebinding name) could send, and an action needs the
// page's token, its cookie and this server's Origin.
func TestAttackAdminCrossSite(t *testing.T) {
	endpoint, _, _ := startInProcess(t, "-dev", "-addr", "127.0.0.1:0")
	self := endpoint // http://127.0.0.1:PORT is also the Origin of its pages
	status, body, token, cookie := adminGet(t, endpoint, nil)
	require.Equal(t, http.StatusOK, status)
	require.NotEmpty(t, token)
	require.NotNil(t, cookie)
	assert.Equal(t, http.SameSiteStrictMode, cookie.SameSite)
	assert.True(t, cookie.HttpOnly)
	assert.Contains(t, body, devUser)

	for name, hdr := range map[string]map[string]string{
		"foreign Origin":          {"Origin": "https://evil.example"},
		"null Origin":             {"Origin": "null"},
		"cross-site fetch":        {"Sec-Fetch-Site": "cross-site"},
		"same-site other port":    {"Sec-Fetch-Site": "same-site"},
		"DNS rebinding Host":      {"Host": "evil.example"},
		"rebinding Host, port":    {"Host": "evil.example:9229"},
		"private address as Host": {"Host": "192.168.1.5:9229"},
		"through a proxy":         {"X-Forwarded-For": "203.0.113.9"},
		"through a proxy (RFC)":   {"Forwarded": "for=203.0.113.9"},
	} {
		status, body, _, _ := adminGet(t, endpoint, hdr)
		assert.Equal(t, http.StatusForbidden, status, name)
		assert.NotContains(t, body, devUser, name)
	}

	disable := url.Values{"op": {"disable"}, "pool": {"us-east-1" + devPoolSuffix}, "username": {devUser}, "token": {token}}
	forged := url.Values{"op": {"disable"}, "pool": {"us-east-1" + devPoolSuffix}, "username": {devUser}, "token": {"x" + token[1:]}}
	for name, tc := range map[string]struct {
		form   url.Values
		cookie *http.Cookie
		hdr    map[string]string
	}{
		"no Origin":            {disable, cookie, nil},
		"foreign Origin":       {disable, cookie, map[string]string{"Origin": "https://evil.example"}},
		"no cookie":            {disable, nil, map[string]string{"Origin": self}},
		"forged token":         {forged, cookie, map[string]string{"Origin": self}},
		"no token":             {url.Values{"op": {"disable"}, "pool": {"us-east-1" + devPoolSuffix}, "username": {devUser}}, cookie, map[string]string{"Origin": self}},
		"cookie without token": {forged, &http.Cookie{Name: adminCookie, Value: "x" + token[1:]}, map[string]string{"Origin": self}},
	} {
		assert.Equal(t, http.StatusForbidden, adminPost(t, endpoint, tc.form, tc.cookie, tc.hdr), name)
		assert.True(t, enabled(t, endpoint), name)
	}

	// The page's own form works.
	assert.Equal(t, http.StatusSeeOther, adminPost(t, endpoint, disable, cookie, map[string]string{"Origin": self}))
	assert.False(t, enabled(t, endpoint))
}

// TestAttackAdminBeyondLoopback: beyond loopback the admin page exists
// only behind -credentials, as HTTP basic auth.
func TestAttackAdminBeyondLoopback(t *testing.T) {
	// On loopback with -credentials, basic auth is required too.
	endpoint, _, _ := startInProcess(t, "-dev", "-addr", "127.0.0.1:0", "-credentials", "AKID:SECRET")
	status, body, _, _ := adminGet(t, endpoint, nil)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.NotContains(t, body, devUser)
	req, _ := http.NewRequest(http.MethodGet, endpoint+"/", nil)
	req.SetBasicAuth("AKID", "WRONG")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	req.SetBasicAuth("AKID", "SECRET")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(b), devUser)

	// Beyond loopback without -credentials: no admin page at all.
	endpoint, stderr, _ := startInProcess(t, "-dev", "-addr", "0.0.0.0:0", "-insecure-no-credentials")
	u, err := url.Parse(endpoint)
	require.NoError(t, err)
	local := "http://127.0.0.1:" + u.Port()
	status, body, _, _ = adminGet(t, local, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, status, "GET / is the API's, which refuses it")
	assert.NotContains(t, body, devUser)
	// And the dev outbox stays off there; jwks_uri is not [::].
	resp, err = http.Get(local + "/local/outbox?pool=us-east-1" + devPoolSuffix + "&username=" + devUser)
	require.NoError(t, err)
	resp.Body.Close()
	assert.NotEqual(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, stderr.String(), "dev mode: the outbox stays off beyond loopback")
	assert.Contains(t, stderr.String(), "listening on every interface without -public-url")
	var doc struct {
		JWKSURI string `json:"jwks_uri"`
		Issuer  string `json:"issuer"`
	}
	getJSON(t, local+"/us-east-1"+devPoolSuffix+"/.well-known/openid-configuration", &doc)
	assert.Equal(t, "http://localhost:"+u.Port()+"/us-east-1"+devPoolSuffix+"/.well-known/jwks.json", doc.JWKSURI)
	assert.Equal(t, "http://localhost:"+u.Port()+"/us-east-1"+devPoolSuffix, doc.Issuer)
}

// TestAttackAdminPublicHostWithoutCredentials: on loopback without
// -credentials, the -public-url host does not reach the admin page (a
// reverse proxy forwarding that name would expose it to everyone).
func TestAttackAdminPublicHostWithoutCredentials(t *testing.T) {
	endpoint, _, _ := startInProcess(t, "-dev", "-addr", "127.0.0.1:0", "-public-url", "https://auth.example.com")
	status, body, _, _ := adminGet(t, endpoint, map[string]string{"Host": "auth.example.com"})
	assert.Equal(t, http.StatusForbidden, status)
	assert.NotContains(t, body, devUser)

	endpoint, _, _ = startInProcess(t, "-dev", "-addr", "127.0.0.1:0", "-public-url", "https://auth.example.com", "-credentials", "AKID:SECRET")
	req, _ := http.NewRequest(http.MethodGet, endpoint+"/", nil)
	req.Host = "auth.example.com"
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	req.SetBasicAuth("AKID", "SECRET")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "with credentials, the public name through a proxy works")
}
