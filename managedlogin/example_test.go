package managedlogin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/managedlogin"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/token"
	"github.com/authflow/authflow/userpool"
)

func ExampleEndpointsOf() {
	e := managedlogin.EndpointsOf("http://localhost:9229", "myapp")
	fmt.Println(e.Authorize)
	fmt.Println(e.Token)
	fmt.Println(e.Logout)
	// Output:
	// http://localhost:9229/myapp/oauth2/authorize
	// http://localhost:9229/myapp/oauth2/token
	// http://localhost:9229/myapp/logout
}

// ExampleNew mounts managed login beside a user pool service: a pool with
// a domain and an OAuth app client, and an authorization request that the
// handler sends to its login page.
func ExampleNew() {
	ctx := context.Background()
	keys, _ := token.LoadKeySet("../token/testdata/keyset.json")
	iss, _ := token.New(token.Config{Keys: keys})
	dir := directory.NewMemory()
	svc, _ := userpool.New(userpool.Config{Directory: dir, Catalog: dir, Sessions: session.NewMemory(), Issuer: iss})
	ml, err := managedlogin.New(managedlogin.Config{Service: svc, Tokens: iss})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	for _, p := range ml.Patterns() {
		mux.Handle(p, ml)
	}

	pool, _ := svc.CreateUserPool(ctx, &challenge.CreateUserPoolInput{PoolName: "shop"})
	_, _ = svc.CreateUserPoolDomain(ctx, &challenge.UserPoolDomainInput{UserPoolId: pool.UserPool.Id, Domain: "myapp"})
	c, _ := svc.CreateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: "web",
		OAuthClientSettings: challenge.OAuthClientSettings{AllowedOAuthFlowsUserPoolClient: true,
			AllowedOAuthFlows: []string{"code"}, AllowedOAuthScopes: []string{"openid"},
			CallbackURLs: []string{"https://app.example.com/cb"}, SupportedIdentityProviders: []string{"COGNITO"}}})

	q := url.Values{"client_id": {c.UserPoolClient.ClientId}, "response_type": {"code"},
		"redirect_uri": {"https://app.example.com/cb"}, "scope": {"openid"}}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/myapp/oauth2/authorize?"+q.Encode(), nil))
	fmt.Println(w.Code, w.Header().Get("Location"))

	q.Set("redirect_uri", "https://evil.example/cb")
	w = httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/myapp/oauth2/authorize?"+q.Encode(), nil))
	fmt.Println(w.Code, w.Header().Get("Location") == "")
	// Output:
	// 302 /myapp/login
	// 400 true
}
