package cognitohttp_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

// signOver signs req as a SigV4 client that covers only the named headers
// (lower case, sorted), with the package's own canonicalization.
func signOver(t *testing.T, req *http.Request, body string, headers []string) {
	t.Helper()
	cognitohttp.SignRequestOver(req, []byte(body), "us-east-1", "AKID", "SECRET", sigNow, headers)
}

// TestAttackUnsignedTargetReplay: a request signed over host;x-amz-date for
// AdminGetUser must not be accepted with X-Amz-Target changed to
// AdminDeleteUser (issue 12, item 11).
func TestAttackUnsignedTargetReplay(t *testing.T) {
	env, srv := setup(t, cognitohttp.Options{Credentials: map[string]string{"AKID": "SECRET"},
		Now: func() time.Time { return sigNow }}, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, nil)
	body := `{"UserPoolId":"` + flowtest.PoolID + `","Username":"alice"}`

	req := request(t, srv.URL, "AdminGetUser", body)
	req.Host = strings.TrimPrefix(srv.URL, "http://")
	signOver(t, req, body, []string{"host", "x-amz-date"})
	// The attacker swaps the operation; the signature does not cover it.
	req.Header.Set("X-Amz-Target", cognitohttp.TargetPrefix+"AdminDeleteUser")
	resp, out := do(t, req)
	msg := requireError(t, resp, out, http.StatusBadRequest, "NotAuthorizedException")
	assert.Contains(t, msg, "X-Amz-Target")

	// alice still exists.
	req = request(t, srv.URL, "AdminGetUser", body)
	sdkSign(t, req, body, "AKID", "SECRET", "us-east-1", sigNow)
	resp, out = do(t, req)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", out)
	assert.Contains(t, string(out), `"Username":"alice"`)
}

// TestSignedHeadersRequired: every x-amz-* header and Content-Type the
// request carries, and Host, must be signed; the SDKs' own choices pass.
func TestSignedHeadersRequired(t *testing.T) {
	env, srv := setup(t, cognitohttp.Options{Credentials: map[string]string{"AKID": "SECRET"},
		Now: func() time.Time { return sigNow }}, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, nil)
	body := `{"UserPoolId":"` + flowtest.PoolID + `","Username":"alice"}`
	sum := sha256.Sum256([]byte(body))
	payload := hex.EncodeToString(sum[:])

	cases := map[string]struct {
		headers []string
		extra   map[string]string
		refused string // "" means accepted
	}{
		"boto3":                         {headers: []string{"content-type", "host", "x-amz-date", "x-amz-target"}},
		"go sdk":                        {headers: []string{"amz-sdk-invocation-id", "amz-sdk-request", "content-type", "host", "x-amz-date", "x-amz-target"}, extra: map[string]string{"Amz-Sdk-Invocation-Id": "x", "Amz-Sdk-Request": "attempt=1; max=3"}},
		"js v3":                         {headers: []string{"content-type", "host", "x-amz-content-sha256", "x-amz-date", "x-amz-target", "x-amz-user-agent"}, extra: map[string]string{"X-Amz-Content-Sha256": payload, "X-Amz-User-Agent": "aws-sdk-js/3"}},
		"unsigned sdk headers are fine": {headers: []string{"content-type", "host", "x-amz-date", "x-amz-target"}, extra: map[string]string{"Amz-Sdk-Invocation-Id": "x", "User-Agent": "boto3"}},
		"no target":                     {headers: []string{"content-type", "host", "x-amz-date"}, refused: "X-Amz-Target"},
		"no content-type":               {headers: []string{"host", "x-amz-date", "x-amz-target"}, refused: "Content-Type"},
		"no host":                       {headers: []string{"content-type", "x-amz-date", "x-amz-target"}, refused: "Host"},
		"unsigned x-amz-user-agent": {headers: []string{"content-type", "host", "x-amz-date", "x-amz-target"},
			extra: map[string]string{"X-Amz-User-Agent": "evil"}, refused: "X-Amz-User-Agent"},
		"unsigned payload hash": {headers: []string{"content-type", "host", "x-amz-date", "x-amz-target"},
			extra: map[string]string{"X-Amz-Content-Sha256": payload}, refused: "X-Amz-Content-Sha256"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			req := request(t, srv.URL, "AdminGetUser", body)
			req.Host = strings.TrimPrefix(srv.URL, "http://")
			for k, v := range c.extra {
				req.Header.Set(k, v)
			}
			signOver(t, req, body, c.headers)
			resp, out := do(t, req)
			if c.refused == "" {
				require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", out)
				return
			}
			msg := requireError(t, resp, out, http.StatusBadRequest, "NotAuthorizedException")
			assert.Contains(t, msg, c.refused)
		})
	}
}

// TestUnknownOperationNameNotCut: the whole operation name appears in the
// error (issue 13, item 6).
func TestUnknownOperationNameNotCut(t *testing.T) {
	_, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	target := cognitohttp.TargetPrefix + "GetUserAttributeVerificationCodeForAll"
	req := request(t, srv.URL, "", `{}`)
	req.Header.Set("X-Amz-Target", target)
	resp, out := do(t, req)
	msg := requireError(t, resp, out, http.StatusBadRequest, "UnknownOperationException")
	assert.Equal(t, "Unknown operation "+target+".", msg)

	// Absurdly long names are still bounded.
	req = request(t, srv.URL, "", `{}`)
	req.Header.Set("X-Amz-Target", cognitohttp.TargetPrefix+strings.Repeat("A", 5000))
	resp, out = do(t, req)
	msg = requireError(t, resp, out, http.StatusBadRequest, "UnknownOperationException")
	assert.Less(t, len(msg), 300)
}

// preflight sends a browser's CORS preflight for a POST with the given
// request headers and returns the allowed headers (lower case).
func preflight(t *testing.T, url, origin, headers string) []string {
	t.Helper()
	req, err := http.NewRequest(http.MethodOptions, url+"/", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", headers)
	resp, _ := do(t, req)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"))
	var allowed []string
	for _, h := range strings.Split(resp.Header.Get("Access-Control-Allow-Headers"), ",") {
		allowed = append(allowed, strings.ToLower(strings.TrimSpace(h)))
	}
	return allowed
}

// corsAllows reports whether a browser would pass a preflight that asked
// for every header of requested (comma-separated) given the allowed list.
func corsAllows(allowed []string, requested string) bool {
	for _, h := range strings.Split(requested, ",") {
		h = strings.ToLower(strings.TrimSpace(h))
		ok := false
		for _, a := range allowed {
			if a == h || a == "*" {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// The preflights real clients send.
const (
	adminPreflight   = "amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-target,x-amz-user-agent"
	amplifyPreflight = "amz-sdk-invocation-id,amz-sdk-request,cache-control,content-type,pragma,x-amz-target,x-amz-user-agent"
	identityJSFlight = "cache-control,content-type,x-amz-target,x-amz-user-agent"
)

// TestAttackCrossOriginAdmin: a page of another origin, open in the
// developer's browser, must not reach the IAM-authorized operations of a
// server without credentials (issue 12, item 3): its preflight is not
// offered Authorization, and a request that skips the preflight is refused.
// Public operations keep working from any origin.
func TestAttackCrossOriginAdmin(t *testing.T) {
	env, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, nil)
	const evil = "https://evil.example"
	get := `{"UserPoolId":"` + flowtest.PoolID + `","Username":"alice"}`

	assert.False(t, corsAllows(preflight(t, srv.URL, evil, adminPreflight), adminPreflight),
		"a foreign origin's preflight for a signed request must fail")

	req := request(t, srv.URL, "AdminGetUser", get)
	req.Header.Set("Authorization", dummyAuth)
	req.Header.Set("Origin", evil)
	resp, out := do(t, req)
	msg := requireError(t, resp, out, http.StatusBadRequest, "NotAuthorizedException")
	assert.NotContains(t, string(out), "alice")
	assert.Contains(t, msg, "Cross-origin")

	// The same with Origin: null (sandboxed frames, file: pages).
	req = request(t, srv.URL, "AdminSetUserPassword", `{"UserPoolId":"`+flowtest.PoolID+`","Username":"alice","Password":"Pwn3d-Passw0rd!","Permanent":true}`)
	req.Header.Set("Authorization", dummyAuth)
	req.Header.Set("Origin", "null")
	resp, out = do(t, req)
	requireError(t, resp, out, http.StatusBadRequest, "NotAuthorizedException")
	resp, out = call(t, srv.URL, "InitiateAuth", passwordAuth("alice", password))
	require.Equal(t, http.StatusOK, resp.StatusCode, "the password is unchanged: %s", out)

	// Public operations: any origin, with the preflights the JS clients send.
	for _, flight := range []string{amplifyPreflight, identityJSFlight} {
		assert.True(t, corsAllows(preflight(t, srv.URL, evil, flight), flight), flight)
	}
	req = request(t, srv.URL, "InitiateAuth", passwordAuth("alice", password))
	req.Header.Set("Origin", evil)
	resp, out = do(t, req)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", out)
	assert.Equal(t, evil, resp.Header.Get("Access-Control-Allow-Origin"))

	// Non-browser clients (no Origin) still reach the admin operations.
	req = request(t, srv.URL, "AdminGetUser", get)
	req.Header.Set("Authorization", dummyAuth)
	resp, out = do(t, req)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", out)
}

// TestCORSConfiguredOrigin: an origin the operator names may send signed
// requests; others still may not, also with credentials configured.
func TestCORSConfiguredOrigin(t *testing.T) {
	env, srv := setup(t, cognitohttp.Options{CORSOrigins: []string{"https://admin.example/"},
		Credentials: map[string]string{"AKID": "SECRET"}, Now: func() time.Time { return sigNow }}, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, nil)
	get := `{"UserPoolId":"` + flowtest.PoolID + `","Username":"alice"}`

	assert.True(t, corsAllows(preflight(t, srv.URL, "https://admin.example", adminPreflight), adminPreflight))
	assert.False(t, corsAllows(preflight(t, srv.URL, "https://admin.example.evil", adminPreflight), adminPreflight))

	for origin, ok := range map[string]bool{"https://admin.example": true, "https://other.example": false} {
		req := request(t, srv.URL, "AdminGetUser", get)
		req.Header.Set("Origin", origin)
		sdkSign(t, req, get, "AKID", "SECRET", "us-east-1", sigNow)
		resp, out := do(t, req)
		if ok {
			require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", out)
			assert.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"))
		} else {
			requireError(t, resp, out, http.StatusBadRequest, "NotAuthorizedException")
		}
	}
}
