package cognitoserver

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/internal/pgtest"
	"github.com/authflow/authflow/srp"
)

// twoPoolConfig declares two pools whose public clients hide user
// existence (decoys for unknown users).
const twoPoolConfig = `{
  "Pools": [{
    "Id": "us-east-1_PoolA", "PoolName": "a", "AutoVerifiedAttributes": ["email"],
    "Clients": [{"ClientId": "clienta000000000000000001", "ClientName": "web", "PreventUserExistenceErrors": "ENABLED",
      "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}],
    "Users": [{"Username": "alice", "Password": "Passw0rd!", "Attributes": {"email": "alice@example.com", "email_verified": "true"}}]
  }, {
    "Id": "us-east-1_PoolB", "PoolName": "b",
    "Clients": [{"ClientId": "clientb000000000000000001", "ClientName": "web",
      "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}],
    "Users": [{"Username": "bob", "Password": "Passw0rd!"}]
  }]
}`

func writeConfig(t *testing.T, cfg string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pools.json")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	return path
}

// getJSON fetches url and decodes its JSON body into v.
func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, url)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
}

// verifies reports whether tok verifies with the JWKS at url (go-jose, as
// a resource server would check it).
func verifies(t *testing.T, url, tok string) bool {
	t.Helper()
	var set jose.JSONWebKeySet
	getJSON(t, url, &set)
	sig, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS256})
	require.NoError(t, err)
	keys := set.Key(sig.Signatures[0].Header.KeyID)
	if len(keys) == 0 {
		return false
	}
	_, err = sig.Verify(keys[0])
	return err == nil
}

// TestAttackJWKSOfAnotherPool: a token of pool A must not verify against
// pool B's JWKS (issue 13, item 4), and the discovery document's issuer
// and jwks_uri match the tokens, with and without -local-issuer.
func TestAttackJWKSOfAnotherPool(t *testing.T) {
	cfg := writeConfig(t, twoPoolConfig)
	for _, local := range []bool{false, true} {
		args := []string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-config", cfg}
		if local {
			args = append(args, "-local-issuer")
		}
		endpoint, _, stop := startInProcess(t, args...)
		api := sdkFor(endpoint)
		res := srpSignIn(t, api, "us-east-1_PoolA", "clienta000000000000000001", "alice", "Passw0rd!")
		access, id := aws.ToString(res.AccessToken), aws.ToString(res.IdToken)

		assert.True(t, verifies(t, endpoint+"/us-east-1_PoolA/.well-known/jwks.json", access))
		assert.False(t, verifies(t, endpoint+"/us-east-1_PoolB/.well-known/jwks.json", access), "A's token with B's keys")
		assert.False(t, verifies(t, endpoint+"/us-east-1_PoolB/.well-known/jwks.json", id))

		_, claims := verifyJWT(t, endpoint, "us-east-1_PoolA", access)
		var doc map[string]any
		getJSON(t, endpoint+"/us-east-1_PoolA/.well-known/openid-configuration", &doc)
		assert.Equal(t, claims["iss"], doc["issuer"], "issuer is the tokens' iss (local issuer %v)", local)
		jwksURI, _ := doc["jwks_uri"].(string)
		require.NotEmpty(t, jwksURI)
		assert.True(t, verifies(t, jwksURI, access), "jwks_uri serves the keys of that issuer")
		for _, absent := range []string{"response_types_supported", "authorization_endpoint", "token_endpoint",
			"grant_types_supported", "token_endpoint_auth_methods_supported"} {
			assert.NotContains(t, doc, absent, "not served, so not advertised")
		}
		require.NoError(t, stop())
	}
}

// srpStart runs InitiateAuth USER_SRP_AUTH and returns its challenge
// parameters.
func srpStart(t *testing.T, api *cip.Client, client, username string) map[string]string {
	t.Helper()
	c, err := srp.NewClient(rand.Reader)
	require.NoError(t, err)
	out, err := api.InitiateAuth(context.Background(), &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth,
		ClientId: aws.String(client), AuthParameters: map[string]string{"USERNAME": username, "SRP_A": srp.HexInt(c.A())}})
	require.NoError(t, err)
	return out.ChallengeParameters
}

// TestAttackNodesWithoutSharedDecoyKey: two nodes on one PostgreSQL
// database but with their own data directories (issue 12, item 7). A reset
// code requested on one is accepted on the other, unknown users get the
// same decoy salt from both, and the tokens of one verify with the other's
// JWKS.
func TestAttackNodesWithoutSharedDecoyKey(t *testing.T) {
	dsn := pgtest.DSN(t)
	cfg := writeConfig(t, twoPoolConfig)
	a, _, _ := startInProcess(t, "-addr", "127.0.0.1:0", "-data", t.TempDir(), "-config", cfg, "-postgres", dsn, "-outbox")
	b, _, _ := startInProcess(t, "-addr", "127.0.0.1:0", "-data", t.TempDir(), "-config", cfg, "-postgres", dsn)
	apiA, apiB := sdkFor(a), sdkFor(b)
	ctx := context.Background()
	const client = "clienta000000000000000001"

	ghostA := srpStart(t, apiA, client, "ghost")
	ghostB := srpStart(t, apiB, client, "ghost")
	require.NotEmpty(t, ghostA["SALT"])
	assert.Equal(t, ghostA["SALT"], ghostB["SALT"], "an unknown user's decoy salt is the same on every node")

	_, err := apiA.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: aws.String(client), Username: aws.String("alice")})
	require.NoError(t, err)
	msgs := readOutbox(t, a, "us-east-1_PoolA", "alice")
	require.Len(t, msgs, 1)
	_, err = apiB.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: aws.String(client),
		Username: aws.String("alice"), ConfirmationCode: aws.String(msgs[0].Code), Password: aws.String("N3w-passw0rd!")})
	require.NoError(t, err, "node b accepts the code node a sent")

	res := srpSignIn(t, apiB, "us-east-1_PoolA", client, "alice", "N3w-passw0rd!")
	assert.True(t, verifies(t, a+"/us-east-1_PoolA/.well-known/jwks.json", aws.ToString(res.AccessToken)),
		"node b's token verifies with node a's JWKS")
	_, err = apiA.GetUser(ctx, &cip.GetUserInput{AccessToken: res.AccessToken})
	require.NoError(t, err)
}

// TestAttackRevokedTokenAfterRedisLoss: an access token revoked by
// GlobalSignOut stays refused after Redis restarts empty (issue 12, item 8).
func TestAttackRevokedTokenAfterRedisLoss(t *testing.T) {
	mr := miniredis.RunT(t)
	cfg := writeConfig(t, twoPoolConfig)
	endpoint, _, _ := startInProcess(t, "-addr", "127.0.0.1:0", "-data", t.TempDir(), "-config", cfg,
		"-redis", "redis://"+mr.Addr()+"/0")
	api := sdkFor(endpoint)
	ctx := context.Background()
	const client = "clienta000000000000000001"

	res := srpSignIn(t, api, "us-east-1_PoolA", client, "alice", "Passw0rd!")
	_, err := api.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: res.AccessToken})
	require.NoError(t, err)
	var na *types.NotAuthorizedException
	_, err = api.GetUser(ctx, &cip.GetUserInput{AccessToken: res.AccessToken})
	require.ErrorAs(t, err, &na)

	mr.FlushAll() // Redis restarted without persistence
	_, err = api.GetUser(ctx, &cip.GetUserInput{AccessToken: res.AccessToken})
	require.ErrorAs(t, err, &na, "the revoked token must stay refused")
	assert.Equal(t, "Access Token has been revoked", na.ErrorMessage())

	// Signing in again works.
	again := srpSignIn(t, api, "us-east-1_PoolA", client, "alice", "Passw0rd!")
	_, err = api.GetUser(ctx, &cip.GetUserInput{AccessToken: again.AccessToken})
	require.NoError(t, err)
}
