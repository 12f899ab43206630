package flow_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"

	"github.com/authflow/authflow/client"
	"github.com/authflow/authflow/cognitoclient"
	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/token"
	"github.com/authflow/authflow/userpool"
)

// The smallest embed: a pool, an app client and a user on memory stores,
// and an SRP sign-in run in process by package client, which computes
// what amazon-cognito-identity-js computes.
func Example_embed() {
	ctx := context.Background()
	pool := flow.NewPool("us-east-1_Example")
	app := flow.NewAppClient(pool, "example-app")
	alice, err := flow.NewUser(pool, "alice", "Correct-horse1")
	if err != nil {
		panic(err)
	}
	dir := directory.NewMemory() // users, pools and app clients
	if err := errors.Join(dir.PutPool(ctx, pool), dir.PutClient(ctx, app),
		dir.Apply(ctx, flow.Change{Kind: flow.ChangeCreate, User: alice})); err != nil {
		panic(err)
	}
	engine, err := flow.New(flow.Config{Directory: dir, Catalog: dir,
		Sessions: session.NewMemory(), Issuer: token.NewMemoryIssuer()})
	if err != nil {
		panic(err)
	}
	login := client.NewSRPLogin(client.Config{PoolID: pool.ID, ClientID: app.ID}, "alice", "Correct-horse1")
	res, err := client.Run(ctx, engine, login, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.TokenType, res.ExpiresIn)
	// Output: Bearer 3600
}

// An identity server: the engine, inside the user-pool service (package
// userpool), with an issuer that keeps each pool's signing keys in the
// directory's secret store (where sqldir.SQL would share them between
// processes), served over HTTP by package cognitohttp with its JWKS. The
// client signs in over HTTP with cognitoclient, as any
// Cognito SDK would, and the access token verifies.
func Example_http() {
	ctx := context.Background()
	dir := directory.NewMemory()
	issuer, err := token.New(token.Config{PoolKeys: token.NewPoolKeys(dir, nil)})
	if err != nil {
		panic(err)
	}
	// The Cognito user-pool service over the engine: what cognitohttp serves.
	service, err := userpool.New(userpool.Config{Directory: dir, Catalog: dir, Sessions: session.NewMemory(), Issuer: issuer})
	if err != nil {
		panic(err)
	}

	pool := flow.NewPool("eu-west-1_Shop")
	pool.AliasAttributes = []string{"email"} // sign in with a verified email too
	app := flow.NewAppClient(pool, "shop-web")
	app.ExplicitAuthFlows = []string{"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
	bob, err := flow.NewUser(pool, "bob", "Correct-horse1",
		flow.WithAttributes(map[string]string{"email": "bob@example.com", "email_verified": "true"}))
	if err != nil {
		panic(err)
	}
	if err := errors.Join(dir.PutPool(ctx, pool), dir.PutClient(ctx, app),
		dir.Apply(ctx, flow.Change{Kind: flow.ChangeCreate, User: bob})); err != nil {
		panic(err)
	}

	srv := httptest.NewServer(cognitohttp.NewHandler(service, cognitohttp.Options{JWKS: issuer.PoolJWKS}))
	defer srv.Close()

	svc := cognitoclient.New(srv.URL, srv.Client())
	cfg := client.Config{PoolID: pool.ID, ClientID: app.ID}
	res, err := client.Run(ctx, svc, client.NewSRPLogin(cfg, "bob@example.com", "Correct-horse1"), nil)
	if err != nil {
		panic(err)
	}
	claims, err := issuer.VerifyAccess(ctx, res.AccessToken)
	if err != nil {
		panic(err)
	}
	fmt.Println("signed in:", claims.Username == bob.Username, claims.ClientID, claims.Scopes)

	// A wrong password is Cognito's error, whichever flow asks.
	_, err = client.Run(ctx, svc, client.NewPasswordLogin(cfg, "bob", "Wrong-horse1"), nil)
	fmt.Println(err)

	// Resource servers verify tokens with the pool's published keys.
	resp, err := srv.Client().Get(srv.URL + "/" + pool.ID + "/.well-known/jwks.json")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var jwks struct {
		Keys []struct{ Kty, Alg, Use string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&jwks); err != nil {
		panic(err)
	}
	fmt.Println(resp.Status, len(jwks.Keys), jwks.Keys[0].Kty, jwks.Keys[0].Alg, jwks.Keys[0].Use)
	// Output:
	// signed in: true shop-web [aws.cognito.signin.user.admin]
	// NotAuthorizedException: Incorrect username or password.
	// 200 OK 1 RSA RS256 sig
}

// A user whose sign-in name is their email, created with a temporary
// password as an administrator would: the first sign-in must choose a new
// one (NEW_PASSWORD_REQUIRED), which the UI function of client.Run gives.
func ExampleNewUser() {
	ctx := context.Background()
	pool := flow.NewPool("us-east-1_Example")
	pool.UsernameAttributes = []string{"email"}
	app := flow.NewAppClient(pool, "example-app")
	dana, err := flow.NewUser(pool, "Dana@Example.com", "Temp-pass1", flow.WithTemporaryPassword(),
		flow.WithAttributes(map[string]string{"name": "Dana"}))
	if err != nil {
		panic(err)
	}
	fmt.Println(dana.Username == dana.Sub, dana.Attributes["email"], dana.Status)

	_, err = flow.NewUser(pool, "dana", "Temp-pass1")
	fmt.Println(err)

	dir := directory.NewMemory()
	if err := errors.Join(dir.PutPool(ctx, pool), dir.PutClient(ctx, app),
		dir.Apply(ctx, flow.Change{Kind: flow.ChangeCreate, User: dana})); err != nil {
		panic(err)
	}
	engine, err := flow.New(flow.Config{Directory: dir, Catalog: dir,
		Sessions: session.NewMemory(), Issuer: token.NewMemoryIssuer()})
	if err != nil {
		panic(err)
	}
	login := client.NewSRPLogin(client.Config{PoolID: pool.ID, ClientID: app.ID}, "dana@example.com", "Temp-pass1")
	res, err := client.Run(ctx, engine, login, func(p client.Prompt) (client.Input, error) {
		fmt.Println("prompt:", p.Kind)
		return client.Input{Value: "Chosen-pass2"}, nil
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.TokenType)
	// Output:
	// true dana@example.com FORCE_CHANGE_PASSWORD
	// InvalidParameterException: Username should be an email or a phone number.
	// prompt: NewPassword
	// Bearer
}
