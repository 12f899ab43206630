package cognitohttp_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func apiCode(t *testing.T, err error) string {
	t.Helper()
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "want an API error, got %v", err)
	return ae.ErrorCode()
}

// TestSDKDomainsAndResourceServers: the domain and resource server
// operations through the AWS SDK, and the OAuth settings of app clients
// validated as Cognito does.
func TestSDKDomainsAndResourceServers(t *testing.T) {
	f := newSDKFixture(t)
	ctx := f.ctx()
	pool := aws.String(f.pool)

	// Domains.
	_, err := f.api.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: pool, Domain: aws.String("Bad_Domain")})
	assert.Equal(t, "InvalidParameterException", apiCode(t, err))
	_, err = f.api.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: pool, Domain: aws.String("mycognitoapp")})
	assert.Equal(t, "InvalidParameterException", apiCode(t, err), "reserved word")
	_, err = f.api.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String("us-east-1_nope"), Domain: aws.String("myapp")})
	assert.Equal(t, "ResourceNotFoundException", apiCode(t, err))
	cd, err := f.api.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: pool, Domain: aws.String("myapp"), ManagedLoginVersion: aws.Int32(2)})
	require.NoError(t, err)
	assert.Equal(t, int32(2), aws.ToInt32(cd.ManagedLoginVersion))
	_, err = f.api.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: pool, Domain: aws.String("other")})
	assert.Equal(t, "InvalidParameterException", apiCode(t, err), "one domain per pool")
	d, err := f.api.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("myapp")})
	require.NoError(t, err)
	assert.Equal(t, f.pool, aws.ToString(d.DomainDescription.UserPoolId))
	assert.Equal(t, types.DomainStatusTypeActive, d.DomainDescription.Status)
	none, err := f.api.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("unknown")})
	require.NoError(t, err)
	assert.Empty(t, aws.ToString(none.DomainDescription.UserPoolId))
	up, err := f.api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: pool})
	require.NoError(t, err)
	assert.Equal(t, "myapp", aws.ToString(up.UserPool.Domain))
	u, err := f.api.UpdateUserPoolDomain(ctx, &cip.UpdateUserPoolDomainInput{UserPoolId: pool, Domain: aws.String("myapp"), ManagedLoginVersion: aws.Int32(1)})
	require.NoError(t, err)
	assert.Equal(t, int32(1), aws.ToInt32(u.ManagedLoginVersion))
	_, err = f.api.DeleteUserPoolDomain(ctx, &cip.DeleteUserPoolDomainInput{UserPoolId: pool, Domain: aws.String("other")})
	assert.Equal(t, "InvalidParameterException", apiCode(t, err))
	_, err = f.api.DeleteUserPoolDomain(ctx, &cip.DeleteUserPoolDomainInput{UserPoolId: pool, Domain: aws.String("myapp")})
	require.NoError(t, err)
	gone, err := f.api.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("myapp")})
	require.NoError(t, err)
	assert.Empty(t, aws.ToString(gone.DomainDescription.UserPoolId))

	// Resource servers.
	rs, err := f.api.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: pool, Identifier: aws.String("orders"),
		Name: aws.String("Orders API"), Scopes: []types.ResourceServerScopeType{
			{ScopeName: aws.String("read"), ScopeDescription: aws.String("Read orders")},
			{ScopeName: aws.String("write"), ScopeDescription: aws.String("Write orders")}}})
	require.NoError(t, err)
	assert.Len(t, rs.ResourceServer.Scopes, 2)
	_, err = f.api.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: pool, Identifier: aws.String("orders"), Name: aws.String("again")})
	assert.Equal(t, "InvalidParameterException", apiCode(t, err), "duplicate identifier")
	_, err = f.api.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: pool, Identifier: aws.String("x"), Name: aws.String("x"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("a/b"), ScopeDescription: aws.String("slash")}}})
	assert.Equal(t, "InvalidParameterException", apiCode(t, err), "scope names have no slash")
	_, err = f.api.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: pool, Identifier: aws.String("audit"), Name: aws.String("Audit")})
	require.NoError(t, err)
	l, err := f.api.ListResourceServers(ctx, &cip.ListResourceServersInput{UserPoolId: pool, MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	require.Len(t, l.ResourceServers, 1)
	assert.Equal(t, "audit", aws.ToString(l.ResourceServers[0].Identifier))
	l2, err := f.api.ListResourceServers(ctx, &cip.ListResourceServersInput{UserPoolId: pool, MaxResults: aws.Int32(1), NextToken: l.NextToken})
	require.NoError(t, err)
	require.Len(t, l2.ResourceServers, 1)
	assert.Equal(t, "orders", aws.ToString(l2.ResourceServers[0].Identifier))
	assert.Nil(t, l2.NextToken)
	upd, err := f.api.UpdateResourceServer(ctx, &cip.UpdateResourceServerInput{UserPoolId: pool, Identifier: aws.String("orders"), Name: aws.String("Orders"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("Read orders")}}})
	require.NoError(t, err)
	assert.Len(t, upd.ResourceServer.Scopes, 1)
	desc, err := f.api.DescribeResourceServer(ctx, &cip.DescribeResourceServerInput{UserPoolId: pool, Identifier: aws.String("orders")})
	require.NoError(t, err)
	assert.Equal(t, "Orders", aws.ToString(desc.ResourceServer.Name))
	_, err = f.api.DeleteResourceServer(ctx, &cip.DeleteResourceServerInput{UserPoolId: pool, Identifier: aws.String("audit")})
	require.NoError(t, err)
	_, err = f.api.DescribeResourceServer(ctx, &cip.DescribeResourceServerInput{UserPoolId: pool, Identifier: aws.String("audit")})
	assert.Equal(t, "ResourceNotFoundException", apiCode(t, err))

	// App client OAuth settings.
	client := func(secret bool, flows []types.OAuthFlowType, scopes, callbacks []string) error {
		_, err := f.api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pool, ClientName: aws.String("c"),
			GenerateSecret: secret, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: flows, AllowedOAuthScopes: scopes,
			CallbackURLs: callbacks, SupportedIdentityProviders: []string{"COGNITO"}})
		return err
	}
	code := []types.OAuthFlowType{types.OAuthFlowTypeCode}
	cc := []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials}
	require.NoError(t, client(false, code, []string{"openid", "email", "orders/read"}, []string{"https://app.example.com/cb", "http://localhost:3000/cb"}))
	require.NoError(t, client(true, cc, []string{"orders/read"}, nil))
	assert.Equal(t, "ScopeDoesNotExistException", apiCode(t, client(false, code, []string{"orders/write"}, []string{"https://a.example/cb"})))
	assert.Equal(t, "InvalidParameterException", apiCode(t, client(false, code, []string{"openid"}, []string{"http://app.example.com/cb"})), "http beyond localhost")
	assert.Equal(t, "InvalidParameterException", apiCode(t, client(false, code, []string{"openid"}, []string{"https://a.example/cb#frag"})))
	assert.Equal(t, "InvalidOAuthFlowException", apiCode(t, client(false, cc, []string{"orders/read"}, nil)), "client_credentials needs a secret")
	assert.Equal(t, "InvalidOAuthFlowException", apiCode(t, client(true, append(cc, types.OAuthFlowTypeCode), []string{"orders/read"}, []string{"https://a.example/cb"})))
	assert.Equal(t, "InvalidOAuthFlowException", apiCode(t, client(true, cc, []string{"openid"}, nil)), "client_credentials takes custom scopes only")
	assert.Equal(t, "InvalidOAuthFlowException", apiCode(t, client(false, code, nil, []string{"https://a.example/cb"})), "scopes required")
	assert.Equal(t, "InvalidOAuthFlowException", apiCode(t, client(false, code, []string{"openid"}, nil)), "callbacks required")
	_, err = f.api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pool, ClientName: aws.String("c"),
		CallbackURLs: []string{"https://a.example/cb"}, DefaultRedirectURI: aws.String("https://b.example/cb")})
	assert.Equal(t, "InvalidParameterException", apiCode(t, err), "DefaultRedirectURI outside CallbackURLs")
	_, err = f.api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pool, ClientName: aws.String("c"),
		SupportedIdentityProviders: []string{"Google"}})
	assert.Equal(t, "InvalidParameterException", apiCode(t, err))

	ok, err := f.api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pool, ClientName: aws.String("web"),
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: code, AllowedOAuthScopes: []string{"openid"},
		CallbackURLs: []string{"https://app.example.com/cb"}, LogoutURLs: []string{"https://app.example.com/bye"},
		DefaultRedirectURI: aws.String("https://app.example.com/cb"), SupportedIdentityProviders: []string{"COGNITO"}})
	require.NoError(t, err)
	got, err := f.api.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: pool, ClientId: ok.UserPoolClient.ClientId})
	require.NoError(t, err)
	c := got.UserPoolClient
	assert.True(t, aws.ToBool(c.AllowedOAuthFlowsUserPoolClient))
	assert.Equal(t, code, c.AllowedOAuthFlows)
	assert.Equal(t, []string{"openid"}, c.AllowedOAuthScopes)
	assert.Equal(t, []string{"https://app.example.com/cb"}, c.CallbackURLs)
	assert.Equal(t, []string{"https://app.example.com/bye"}, c.LogoutURLs)
	assert.Equal(t, "https://app.example.com/cb", aws.ToString(c.DefaultRedirectURI))
	assert.Equal(t, []string{"COGNITO"}, c.SupportedIdentityProviders)
}
