package flow_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/token"
)

// An engine with an EventRecorder records the sign-ins of a pool with
// threat protection; DirectoryEvents keeps them in the user record.
func ExampleDirectoryEvents() {
	ctx := context.Background()
	pool := flow.NewPool("us-east-1_Example")
	pool.AdvancedSecurityMode = "AUDIT"
	app := flow.NewAppClient(pool, "example-app")
	app.ExplicitAuthFlows = []string{challenge.ExplicitAllowUserPasswordAuth}
	alice, err := flow.NewUser(pool, "alice", "Correct-horse1")
	if err != nil {
		panic(err)
	}
	dir := directory.NewMemory()
	if err := errors.Join(dir.PutPool(ctx, pool), dir.PutClient(ctx, app),
		dir.Apply(ctx, flow.Change{Kind: flow.ChangeCreate, User: alice})); err != nil {
		panic(err)
	}
	engine, err := flow.New(flow.Config{Directory: dir, Catalog: dir, Sessions: session.NewMemory(),
		Issuer: token.NewMemoryIssuer(), Events: flow.DirectoryEvents{Directory: dir}})
	if err != nil {
		panic(err)
	}
	_, err = engine.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: app.ID,
		AuthParameters:  map[string]string{"USERNAME": "alice", "PASSWORD": "Correct-horse1"},
		UserContextData: &challenge.UserContextData{IpAddress: "192.0.2.1"}})
	if err != nil {
		panic(err)
	}
	u, _ := dir.User(ctx, pool.ID, "alice")
	e := u.AuthEvents[0]
	fmt.Println(len(u.AuthEvents), e.Type, e.Response, e.Challenges[0].ChallengeName, e.Context.IpAddress)
	// Output: 1 SignIn Pass Password 192.0.2.1
}
