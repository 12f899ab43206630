package userpool_test

import (
	"context"
	"fmt"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/userpool"
)

// A pool with threat protection (AdvancedSecurityMode AUDIT) records each
// sign-in as an auth event: AdminListUserAuthEvents lists them newest
// first, and a user's feedback needs the event's feedback token.
func ExampleService_AdminListUserAuthEvents() {
	ctx := context.Background()
	clock := flowtest.NewClock(time.Time{})
	dir := directory.NewMemory()
	srv, err := userpool.New(userpool.Config{Directory: dir, Catalog: dir,
		Sessions: session.NewMemory(session.WithClock(clock.Now)), Issuer: flowtest.NewIssuer(clock.Now), Now: clock.Now})
	if err != nil {
		panic(err)
	}
	pool, _ := srv.CreateUserPool(ctx, &challenge.CreateUserPoolInput{PoolName: "shop",
		UserPoolAddOns: &challenge.UserPoolAddOnsType{AdvancedSecurityMode: "AUDIT"}})
	poolID := pool.UserPool.Id
	app, _ := srv.CreateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: poolID, ClientName: "web",
		ExplicitAuthFlows: []string{challenge.ExplicitAllowUserPasswordAuth}})
	srv.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: poolID, Username: "alice", MessageAction: "SUPPRESS"})
	srv.AdminSetUserPassword(ctx, &challenge.AdminSetUserPasswordInput{UserPoolId: poolID, Username: "alice",
		Password: "Correct-horse1", Permanent: true})
	for _, password := range []string{"Wrong-horse1", "Correct-horse1"} {
		clock.Advance(time.Second)
		srv.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: app.UserPoolClient.ClientId,
			AuthParameters:  map[string]string{"USERNAME": "alice", "PASSWORD": password},
			UserContextData: &challenge.UserContextData{IpAddress: "192.0.2.1"}})
	}

	out, err := srv.AdminListUserAuthEvents(ctx, &challenge.AdminListUserAuthEventsInput{UserPoolId: poolID, Username: "alice"})
	if err != nil {
		panic(err)
	}
	for _, e := range out.AuthEvents {
		fmt.Println(e.EventType, e.EventResponse, e.ChallengeResponses[0].ChallengeResponse, e.EventContextData.IpAddress, e.EventRisk.RiskDecision)
	}

	latest := out.AuthEvents[0].EventId
	_, err = srv.UpdateAuthEventFeedback(ctx, &challenge.UpdateAuthEventFeedbackInput{UserPoolId: poolID, Username: "alice",
		EventId: latest, FeedbackToken: srv.FeedbackToken(poolID, latest), FeedbackValue: challenge.FeedbackValid})
	fmt.Println("feedback:", err)
	// Output:
	// SignIn Pass Success 192.0.2.1 NoRisk
	// SignIn Fail Failure 192.0.2.1 NoRisk
	// feedback: <nil>
}
