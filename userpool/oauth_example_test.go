package userpool_test

import (
	"context"
	"fmt"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/userpool"
)

// A pool gets a domain for managed login and a resource server whose
// scopes an app client may then allow; a scope no resource server defines
// is refused.
func ExampleService_CreateResourceServer() {
	ctx := context.Background()
	dir := directory.NewMemory()
	srv, _ := userpool.New(userpool.Config{Directory: dir, Catalog: dir, Sessions: session.NewMemory(), Issuer: flowtest.NewIssuer(nil)})
	pool, _ := srv.CreateUserPool(ctx, &challenge.CreateUserPoolInput{PoolName: "shop"})
	id := pool.UserPool.Id
	_, _ = srv.CreateUserPoolDomain(ctx, &challenge.UserPoolDomainInput{UserPoolId: id, Domain: "shop-login"})
	_, _ = srv.CreateResourceServer(ctx, &challenge.ResourceServerInput{UserPoolId: id, Identifier: "orders", Name: "Orders",
		Scopes: []challenge.ResourceServerScopeType{{ScopeName: "read", ScopeDescription: "Read orders"}}})
	m2m := func(scope string) error {
		_, err := srv.CreateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: id, ClientName: "m2m", GenerateSecret: true,
			OAuthClientSettings: challenge.OAuthClientSettings{AllowedOAuthFlowsUserPoolClient: true,
				AllowedOAuthFlows: []string{challenge.OAuthFlowClientCredentials}, AllowedOAuthScopes: []string{scope}}})
		return err
	}
	d, _ := srv.DescribeUserPoolDomain(ctx, &challenge.DescribeUserPoolDomainInput{Domain: "shop-login"})
	fmt.Println(d.DomainDescription.UserPoolId == id, d.DomainDescription.Status)
	fmt.Println(m2m("orders/read"))
	fmt.Println(challenge.CodeOf(m2m("orders/write")))
	// Output:
	// true ACTIVE
	// <nil>
	// ScopeDoesNotExistException
}
