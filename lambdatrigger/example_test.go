package lambdatrigger_test

import (
	"errors"
	"fmt"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/lambdatrigger"
	"github.com/authflow/authflow/lambdatrigger/lambdatest"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/token"
	"github.com/authflow/authflow/userpool"
)

// A pool whose PreAuthentication function refuses a user: the service
// runs the function at a Lambda-compatible endpoint and answers with
// Cognito's exception.
func ExampleNew() {
	functions := lambdatest.NewServer() // stands for sam local start-lambda, LocalStack, ...
	defer functions.Close()
	functions.Handle("no-guests", func(ev map[string]any) (any, error) {
		if ev["userName"] == "guest" {
			return nil, errors.New("Guests may not sign in")
		}
		return ev, nil
	})

	db := directory.NewMemory()
	triggers, err := lambdatrigger.New(lambdatrigger.Config{Catalog: db, Directory: db,
		Invoker: lambdatrigger.NewClient(functions.URL, lambdatrigger.ClientOptions{})})
	if err != nil {
		panic(err)
	}
	svc, err := userpool.New(userpool.Config{Directory: db, Catalog: db, Sessions: session.NewMemory(),
		Issuer: token.NewMemoryIssuer(), Hooks: triggers.FlowHooks(), UserHooks: triggers.UserHooks()})
	if err != nil {
		panic(err)
	}
	pool, _ := svc.CreateUserPool(ctx, &challenge.CreateUserPoolInput{PoolName: "shop",
		LambdaConfig: &challenge.LambdaConfigType{PreAuthentication: lambdatest.ARN("no-guests")}})
	client, _ := svc.CreateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: pool.UserPool.Id, ClientName: "web",
		ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH"}})
	_, _ = svc.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: pool.UserPool.Id, Username: "guest", MessageAction: "SUPPRESS"})
	_, _ = svc.AdminSetUserPassword(ctx, &challenge.AdminSetUserPasswordInput{UserPoolId: pool.UserPool.Id, Username: "guest",
		Password: "Passw0rd!", Permanent: true})

	_, err = svc.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: client.UserPoolClient.ClientId,
		AuthParameters: map[string]string{"USERNAME": "guest", "PASSWORD": "Passw0rd!"}})
	var ce *challenge.Error
	errors.As(err, &ce)
	fmt.Printf("%s: %s\n", ce.Code, ce.Message)
	// Output: UserLambdaValidationException: PreAuthentication failed with error Guests may not sign in.
}
