package cognitoserver

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// TestManagedLoginMounted: the server serves a pool's domain under
// /<domain>/ (set up with the AWS SDK, kept in SQLite), and the code flow
// with PKCE ends in tokens go-oidc verifies against the server's
// discovery document.
func TestManagedLoginMounted(t *testing.T) {
	endpoint, _, _ := startInProcess(t, "-addr", "127.0.0.1:0", "-data", t.TempDir(), "-local-issuer")
	api := sdkFor(endpoint)
	ctx := context.Background()
	pool, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("shop")})
	require.NoError(t, err)
	poolID := pool.UserPool.Id
	_, err = api.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: poolID, Domain: aws.String("shop")})
	require.NoError(t, err)
	const callback = "http://localhost:1/cb"
	c, err := api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: poolID, ClientName: aws.String("web"),
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{callback}, SupportedIdentityProviders: []string{"COGNITO"}})
	require.NoError(t, err)
	_, err = api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: poolID, Username: aws.String("zoe"), MessageAction: types.MessageActionTypeSuppress})
	require.NoError(t, err)
	_, err = api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: poolID, Username: aws.String("zoe"),
		Password: aws.String("Passw0rd!zoe"), Permanent: true})
	require.NoError(t, err)

	provider, err := oidc.NewProvider(ctx, endpoint+"/"+aws.ToString(poolID))
	require.NoError(t, err)
	assert.Equal(t, endpoint+"/shop/oauth2/authorize", provider.Endpoint().AuthURL)
	conf := &oauth2.Config{ClientID: aws.ToString(c.UserPoolClient.ClientId), Endpoint: provider.Endpoint(), RedirectURL: callback,
		Scopes: []string{oidc.ScopeOpenID, "email"}}
	verifier := oauth2.GenerateVerifier()

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	hc := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Host == "localhost:1" {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := hc.Get(conf.AuthCodeURL("s1", oauth2.S256ChallengeOption(verifier)))
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	require.NotNil(t, m, string(page))
	resp, err = hc.PostForm(endpoint+"/shop/login", url.Values{"csrf": {string(m[1])}, "username": {"zoe"}, "password": {"Passw0rd!zoe"}})
	require.NoError(t, err)
	resp.Body.Close()
	loc, err := resp.Location()
	require.NoError(t, err)
	assert.Equal(t, "s1", loc.Query().Get("state"))
	tok, err := conf.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	require.NoError(t, err)
	idt, err := provider.Verifier(&oidc.Config{ClientID: conf.ClientID}).Verify(ctx, tok.Extra("id_token").(string))
	require.NoError(t, err)
	assert.NoError(t, idt.VerifyAccessToken(tok.AccessToken))
}
