package cognitohttp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/cognitoclient"
	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/session"
)

// exampleEngine wires an engine on memory stores with one pool and one
// public app client allowing USER_PASSWORD_AUTH.
func exampleEngine() *flow.Server {
	ctx := context.Background()
	dir := directory.NewMemory()
	now := time.Now()
	if err := dir.PutPool(ctx, &flow.Pool{ID: "us-east-1_Example1", Name: "example", PasswordPolicy: flow.DefaultPasswordPolicy(),
		MFA: flow.MFAOff, Created: now, LastModified: now}); err != nil {
		panic(err)
	}
	if err := dir.PutClient(ctx, &flow.AppClient{ID: "exampleclient", PoolID: "us-east-1_Example1", Name: "web",
		ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}, Created: now, LastModified: now}); err != nil {
		panic(err)
	}
	s, err := flow.New(flow.Config{Directory: dir, Catalog: dir, Sessions: session.NewMemory(), Issuer: flowtest.NewIssuer(time.Now)})
	if err != nil {
		panic(err)
	}
	return s
}

// NewHandler serves the engine over HTTP; an error comes back in the one
// shape every AWS SDK maps to a typed exception.
func ExampleNewHandler() {
	srv := httptest.NewServer(cognitohttp.NewHandler(exampleEngine(), cognitohttp.Options{}))
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(
		`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"exampleclient","AuthParameters":{"USERNAME":"nobody","PASSWORD":"x"}}`))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Status)
	fmt.Println("x-amzn-ErrorType:", resp.Header.Get("x-amzn-ErrorType"))
	fmt.Println(string(body))
	// Output:
	// 400 Bad Request
	// x-amzn-ErrorType: UserNotFoundException:
	// {"__type":"UserNotFoundException","message":"User does not exist."}
}

// The client transport (package cognitoclient) signs in over HTTP; the
// server's exceptions come back as *challenge.Error values.
func Example_client() {
	engine := exampleEngine()
	ctx := context.Background()
	_, err := engine.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: "us-east-1_Example1", Username: "alice",
		TemporaryPassword: "Passw0rd!", MessageAction: "SUPPRESS"})
	if err != nil {
		panic(err)
	}
	_, err = engine.AdminSetUserPassword(ctx, &challenge.AdminSetUserPasswordInput{UserPoolId: "us-east-1_Example1",
		Username: "alice", Password: "Passw0rd!", Permanent: true})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(cognitohttp.NewHandler(engine, cognitohttp.Options{}))
	defer srv.Close()

	var svc challenge.Service = cognitoclient.New(srv.URL, nil)
	signIn := func(password string) (*challenge.InitiateAuthOutput, error) {
		return svc.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: "exampleclient",
			AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": password}})
	}
	out, err := signIn("Passw0rd!")
	if err != nil {
		panic(err)
	}
	fmt.Println(out.AuthenticationResult.TokenType, out.AuthenticationResult.ExpiresIn)

	_, err = signIn("wrong")
	var ce *challenge.Error
	if errors.As(err, &ce) {
		fmt.Println(ce.Code, "-", ce.Message)
	}
	fmt.Println(errors.Is(err, challenge.ErrNotAuthorized))
	// Output:
	// Bearer 3600
	// NotAuthorizedException - Incorrect username or password.
	// true
}
