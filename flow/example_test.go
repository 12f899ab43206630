package flow_test

import (
	"fmt"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/srp"
)

// Step is the pure machine: with the facts looked up, one call gives an
// outcome, and no store is touched.
func ExampleStep() {
	pool := &flow.Pool{ID: "us-east-1_Example", PasswordPolicy: flow.DefaultPasswordPolicy()}
	client := &flow.AppClient{ID: "client", PoolID: pool.ID}
	salt, verifier, _ := srp.NewPasswordVerifier(flowtest.Rand(1), "Example", "tess", "Temp-pass1")
	user := &flow.User{PoolID: pool.ID, Username: "tess", Status: flow.StatusForceChangePassword, Enabled: true,
		Salt: salt, Verifier: verifier}
	o := flow.Step(nil, &flow.Event{Flow: challenge.FlowUserPasswordAuth, Now: flowtest.Epoch,
		Pool: pool, Client: client, User: user,
		Params: map[string]string{"USERNAME": "tess", "PASSWORD": "Temp-pass1"}})
	fmt.Println(o.Event, o.Next.Phase, o.Challenge, o.Err == nil)
	// Output: new_password_required NEW_PASSWORD_REQUIRED NEW_PASSWORD_REQUIRED true
}

// A step that needs a hook's decision asks for it as data (Outcome.Need)
// and decides nothing; the caller, here standing in for the driver,
// answers and steps again with the answer in Event.Replies.
func ExampleStep_requests() {
	pool := &flow.Pool{ID: "us-east-1_Example"}
	client := &flow.AppClient{ID: "client", PoolID: pool.ID}
	user := &flow.User{PoolID: pool.ID, Username: "alice", Sub: "sub-alice", Status: flow.StatusConfirmed, Enabled: true}
	ev := &flow.Event{Flow: challenge.FlowCustomAuth, Now: flowtest.Epoch, Pool: pool, Client: client, User: user,
		CanCustomAuth: true, Params: map[string]string{"USERNAME": "alice"}}
	for {
		o := flow.Step(nil, ev)
		if o.Need == nil {
			fmt.Println(o.Next.Phase, o.Challenge, o.Params["question"])
			return
		}
		fmt.Println("asks for:", o.Need.Kind)
		switch o.Need.Kind {
		case flow.NeedDefine:
			ev.Replies = append(ev.Replies, flow.Reply{Kind: flow.NeedDefine,
				Define: &flow.DefineAuthChallengeOutput{ChallengeName: "CUSTOM_CHALLENGE"}})
		case flow.NeedCreate:
			ev.Replies = append(ev.Replies, flow.Reply{Kind: flow.NeedCreate, Create: &flow.CreateAuthChallengeOutput{
				PublicChallengeParameters:  map[string]string{"question": "2+2?"},
				PrivateChallengeParameters: map[string]string{"answer": "4"}}})
		}
	}
	// Output:
	// asks for: define
	// asks for: create
	// CUSTOM CUSTOM_CHALLENGE 2+2?
}
