package managedlogin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/managedlogin"
)

// TestAttackPasswordNeverEchoedOrLogged: a wrong and a right password go
// through the page; neither appears in any page or log line, and the
// page's form never carries it back.
func TestAttackPasswordNeverEchoedOrLogged(t *testing.T) {
	f := newFixture(t)
	f.user("erin")
	b := f.browser(t)
	b.get(f.authorizeURL(nil))
	const wrong = "Wr0ng-Pa55word!unique"
	resp, body := b.post("/"+testDomain+"/login", url.Values{"username": {"erin"}, "password": {wrong}, "step": {"password"}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "Incorrect username or password.")
	assert.Contains(t, body, `value="erin"`, "the username is kept")
	assert.NotContains(t, body, wrong)
	q := b.signInAgain("erin")
	assert.NotEmpty(t, q.Get("code"))
	logs := f.logText()
	assert.NotContains(t, logs, wrong)
	assert.NotContains(t, logs, testPassword)
	assert.NotContains(t, logs, q.Get("code"))
}

// signInAgain posts the right password on the current login session.
func (b *browser) signInAgain(user string) url.Values {
	b.t.Helper()
	resp, body := b.post("/"+testDomain+"/login", url.Values{"username": {user}, "password": {testPassword}, "step": {"password"}})
	assert.NotContains(b.t, body, testPassword)
	loc, err := resp.Location()
	require.NoError(b.t, err)
	return loc.Query()
}

// TestAttackCSRF: a POST without the session's CSRF token, or from another
// session, is refused without reaching the engine.
func TestAttackCSRF(t *testing.T) {
	f := newFixture(t)
	f.user("frank")
	victim := f.browser(t)
	victim.get(f.authorizeURL(nil))
	attacker := f.browser(t)
	attacker.get(f.authorizeURL(nil))
	// The attacker's token in the victim's session.
	resp, body := victim.post("/"+testDomain+"/login", url.Values{"csrf": {attacker.csr}, "username": {"frank"}, "password": {testPassword}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.NotContains(t, body, "code=")
	resp, _ = victim.post("/"+testDomain+"/login", url.Values{"csrf": {"x"}, "username": {"frank"}, "password": {testPassword}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	// No session at all.
	resp, err := http.PostForm(f.srv.URL+"/"+testDomain+"/login", url.Values{"username": {"frank"}, "password": {testPassword}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	// The victim's own token still works.
	assert.NotEmpty(t, victim.signInAgain("frank").Get("code"))
}

// TestAttackFramingAndCookie: every page forbids framing, and the login
// cookie is HttpOnly, SameSite=Lax and scoped to the domain's path.
func TestAttackFramingAndCookie(t *testing.T) {
	f := newFixture(t)
	resp, err := noFollow.Get(f.authorizeURL(nil))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "authflow_login" {
			cookie = c
		}
	}
	require.NotNil(t, cookie)
	assert.True(t, cookie.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, cookie.SameSite)
	assert.Equal(t, "/"+testDomain+"/", cookie.Path)
	assert.False(t, cookie.Secure, "plain HTTP test server")

	b := f.browser(t)
	for _, u := range []string{f.authorizeURL(nil), f.srv.URL + "/" + testDomain + "/login", f.srv.URL + "/" + testDomain + "/signup"} {
		resp, _ := b.get(u)
		assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"), u)
		csp := resp.Header.Get("Content-Security-Policy")
		assert.Contains(t, csp, "frame-ancestors 'none'", u)
		assert.NotContains(t, csp, "unsafe-inline", u)
		assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	}
	_, body := b.get(f.srv.URL + "/" + testDomain + "/login")
	for _, ac := range []string{`autocomplete="username webauthn"`, `autocomplete="current-password"`, `<label for="username">`, `<label for="password">`} {
		assert.True(t, strings.Contains(body, ac), ac)
	}
}

// TestAttackLoginSessionFlood: past Config.MaxPending login sessions, a
// new authorization request still opens one (the oldest makes room).
func TestAttackLoginSessionFlood(t *testing.T) {
	f := newFixtureWith(t, managedlogin.Config{MaxPending: 2})
	f.user("olga")
	first := f.browser(t)
	first.get(f.authorizeURL(nil))
	for range 3 {
		f.browser(t).get(f.authorizeURL(nil))
	}
	resp, _ := first.post("/"+testDomain+"/login", url.Values{"username": {"olga"}, "password": {testPassword}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "the oldest session made room")
	last := f.browser(t)
	assert.NotEmpty(t, last.signIn(nil, "olga").Get("code"))
}
