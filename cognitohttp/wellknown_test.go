package cognitohttp_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/token"
)

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	return do(t, req)
}

func TestJWKS(t *testing.T) {
	keys, err := token.GenerateKeySet(nil)
	require.NoError(t, err)
	issuer, err := token.New(token.Config{Keys: keys})
	require.NoError(t, err)
	want, err := issuer.JWKS()
	require.NoError(t, err)
	var asked []string
	_, srv := setup(t, cognitohttp.Options{JWKS: func(_ context.Context, pool string) ([]byte, error) {
		asked = append(asked, pool)
		return issuer.JWKS()
	}}, flowtest.Options{})

	resp, body := get(t, srv.URL+"/"+flowtest.PoolID+"/.well-known/jwks.json")
	require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", body)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.NotEmpty(t, resp.Header.Get("x-amzn-RequestId"))
	assert.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))
	assert.JSONEq(t, string(want), string(body))
	var set struct {
		Keys []struct{ Kid, Kty, Alg, Use string }
	}
	require.NoError(t, json.Unmarshal(body, &set))
	require.Len(t, set.Keys, 1)
	assert.Equal(t, keys.Active(), set.Keys[0].Kid)
	assert.Equal(t, "RS256", set.Keys[0].Alg)
	assert.Equal(t, []string{flowtest.PoolID}, asked)

	for _, path := range []string{"/us-east-1_NoSuchPool/.well-known/jwks.json", "/not-a-pool/.well-known/jwks.json",
		"/us-east-1_x%22y/.well-known/jwks.json", "/" + flowtest.PoolID + "/.well-known/other.json",
		"/" + flowtest.PoolID + "/jwks.json", "/" + flowtest.PoolID + "/.well-known/jwks.json/extra"} {
		resp, body := get(t, srv.URL+path)
		requireError(t, resp, body, http.StatusNotFound, "ResourceNotFoundException")
	}
}

func TestJWKSErrors(t *testing.T) {
	_, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	resp, body := get(t, srv.URL+"/"+flowtest.PoolID+"/.well-known/jwks.json")
	requireError(t, resp, body, http.StatusNotFound, "ResourceNotFoundException")

	_, srv = setup(t, cognitohttp.Options{JWKS: func(context.Context, string) ([]byte, error) {
		return nil, errors.New("key store down")
	}}, flowtest.Options{})
	resp, body = get(t, srv.URL+"/"+flowtest.PoolID+"/.well-known/jwks.json")
	requireError(t, resp, body, http.StatusInternalServerError, "InternalErrorException")
	assert.NotContains(t, string(body), "key store down")
}

func TestOpenIDConfiguration(t *testing.T) {
	_, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	resp, body := get(t, srv.URL+"/"+flowtest.PoolID+"/.well-known/openid-configuration")
	require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", body)
	var doc cognitohttp.OpenIDConfiguration
	require.NoError(t, json.Unmarshal(body, &doc))
	iss := "https://cognito-idp.us-east-1.amazonaws.com/" + flowtest.PoolID
	assert.Equal(t, iss, doc.Issuer)
	// Cognito's URL does not serve this server's keys: jwks_uri points here.
	assert.Equal(t, srv.URL+"/"+flowtest.PoolID+"/.well-known/jwks.json", doc.JWKSURI)
	assert.Equal(t, []string{"RS256"}, doc.IDTokenSigningAlgValuesSupported)
	assert.Equal(t, []string{"public"}, doc.SubjectTypesSupported)
	var raw map[string]any
	require.NoError(t, json.Unmarshal(body, &raw))
	for _, absent := range []string{"response_types_supported", "token_endpoint_auth_methods_supported",
		"authorization_endpoint", "token_endpoint", "grant_types_supported", "scopes_supported"} {
		assert.NotContains(t, raw, absent, "no managed login: nothing to advertise")
	}

	resp, body = get(t, srv.URL+"/us-east-1_Missing/.well-known/openid-configuration")
	requireError(t, resp, body, http.StatusNotFound, "ResourceNotFoundException")

	// A local issuer and a public URL.
	env := flowtest.New(t, flowtest.Options{})
	h := cognitohttp.NewHandler(env.Server, cognitohttp.Options{PublicURL: "http://localhost:9229/",
		IssuerURL: func(pool string) string { return "http://localhost:9229/" + pool }})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/"+flowtest.PoolID+"/.well-known/openid-configuration", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &doc))
	assert.Equal(t, "http://localhost:9229/"+flowtest.PoolID, doc.Issuer)
	assert.Equal(t, "http://localhost:9229/"+flowtest.PoolID+"/.well-known/jwks.json", doc.JWKSURI)
}
