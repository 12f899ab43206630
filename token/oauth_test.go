package token_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIssueWithOAuthScopesNonceAndATHash(t *testing.T) {
	iss, _ := setup(t)
	jwks, err := iss.JWKS()
	require.NoError(t, err)
	ctx := token.WithOAuth(context.Background(), token.OAuth{Scopes: []string{"openid", "email", "orders/read", "openid"}, Nonce: "n-0S6_WzA2Mj"})
	g := grant("alice")
	g.Shape = &challenge.ClaimsShape{ScopesToAdd: []string{"extra"}, ScopesToSuppress: []string{"email"}}
	res, err := iss.Issue(ctx, g)
	require.NoError(t, err)
	_, ac := verifyWithJose(t, jwks, res.AccessToken)
	assert.Equal(t, "openid orders/read extra", ac["scope"])
	_, ic := verifyWithJose(t, jwks, res.IdToken)
	assert.Equal(t, "n-0S6_WzA2Mj", ic["nonce"])
	sum := sha256.Sum256([]byte(res.AccessToken))
	assert.Equal(t, base64.RawURLEncoding.EncodeToString(sum[:16]), ic["at_hash"])
	assert.Equal(t, ic["at_hash"], token.ATHash(res.AccessToken))
	claims, err := iss.VerifyAccess(context.Background(), res.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, []string{"openid", "orders/read", "extra"}, claims.Scopes)

	// Without OAuth: the API scope, no nonce, no at_hash.
	res, err = iss.Issue(context.Background(), grant("alice"))
	require.NoError(t, err)
	_, ac = verifyWithJose(t, jwks, res.AccessToken)
	assert.Equal(t, token.AdminScope, ac["scope"])
	_, ic = verifyWithJose(t, jwks, res.IdToken)
	assert.NotContains(t, ic, "nonce")
	assert.NotContains(t, ic, "at_hash")
}

func TestIssueClientCredentials(t *testing.T) {
	iss, _ := setup(t)
	jwks, err := iss.JWKS()
	require.NoError(t, err)
	tok, exp, err := iss.IssueClientCredentials(context.Background(), token.ClientGrant{PoolID: testPool, ClientID: testClient,
		Scopes: []string{"orders/read", "orders/write"}})
	require.NoError(t, err)
	assert.Equal(t, int32(3600), exp)
	_, c := verifyWithJose(t, jwks, tok)
	assert.Equal(t, testClient, c["sub"])
	assert.Equal(t, testClient, c["client_id"])
	assert.Equal(t, "access", c["token_use"])
	assert.Equal(t, "orders/read orders/write", c["scope"])
	assert.Equal(t, testIss, c["iss"])
	assert.NotContains(t, c, "username")
	assert.NotContains(t, c, "origin_jti")
	_, err = iss.VerifyAccess(context.Background(), tok)
	assert.ErrorIs(t, err, challenge.ErrNotAuthorized, "no Cognito operation takes a token without a user")

	for _, g := range []token.ClientGrant{{ClientID: testClient, Scopes: []string{"a/b"}}, {PoolID: testPool, Scopes: []string{"a/b"}},
		{PoolID: testPool, ClientID: testClient}, {PoolID: testPool, ClientID: testClient, Scopes: []string{"bad scope"}}} {
		_, _, err := iss.IssueClientCredentials(context.Background(), g)
		assert.ErrorIs(t, err, challenge.ErrInternalError)
	}
}

func ExampleIssuer_IssueClientCredentials() {
	keys, _ := token.LoadKeySet("testdata/keyset.json")
	iss, _ := token.New(token.Config{Keys: keys})
	tok, expiresIn, err := iss.IssueClientCredentials(context.Background(), token.ClientGrant{
		PoolID: "eu-west-1_AbCdEf123", ClientID: "3n4b5urk1ft4fl3mg5e62d9ado", Scopes: []string{"orders/read"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	parts := strings.Split(tok, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	_ = json.Unmarshal(payload, &claims)
	fmt.Println(expiresIn, claims["scope"], claims["token_use"], claims["sub"])
	// Output: 3600 orders/read access 3n4b5urk1ft4fl3mg5e62d9ado
}

func ExampleWithOAuth() {
	keys, _ := token.LoadKeySet("testdata/keyset.json")
	iss, _ := token.New(token.Config{Keys: keys})
	ctx := token.WithOAuth(context.Background(), token.OAuth{Scopes: []string{"openid", "email"}, Nonce: "n-1"})
	res, _ := iss.Issue(ctx, challenge.TokenGrant{PoolID: "eu-west-1_AbCdEf123", ClientID: "3n4b5urk1ft4fl3mg5e62d9ado",
		Username: "alice", Sub: "5f6e3c1a-0000-4000-8000-00000000a11c"})
	claims, _ := iss.VerifyID(context.Background(), res.IdToken, "")
	access, _ := iss.VerifyAccess(context.Background(), res.AccessToken)
	fmt.Println(access.Scopes, claims.Claims["nonce"], claims.Claims["at_hash"] == token.ATHash(res.AccessToken))
	// Output: [openid email] n-1 true
}
