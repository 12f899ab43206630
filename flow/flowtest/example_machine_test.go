package flowtest_test

import (
	"fmt"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

// Drive runs one call through flow.Step as a driver does, the caller
// answering the machine's requests (here, custom-auth hooks that ask one
// question), and checks the machine's invariants on every step of it.
func ExampleDrive() {
	pool := &flow.Pool{ID: "us-east-1_Example"}
	client := &flow.AppClient{ID: "client", PoolID: pool.ID}
	user := &flow.User{PoolID: pool.ID, Username: "alice", Sub: "sub-alice", Status: flow.StatusConfirmed, Enabled: true}
	hooks := func(req flow.Request) flow.Reply {
		switch req.Kind {
		case flow.NeedDefine:
			return flow.Reply{Kind: req.Kind, Define: &flow.DefineAuthChallengeOutput{ChallengeName: "CUSTOM_CHALLENGE"}}
		case flow.NeedCreate:
			return flow.Reply{Kind: req.Kind, Create: &flow.CreateAuthChallengeOutput{
				PublicChallengeParameters: map[string]string{"question": "2+2?"}}}
		}
		return flow.Reply{Kind: req.Kind, Err: challenge.New(challenge.ErrInternalError, "not configured")}
	}
	o, ev, err := flowtest.Drive(nil, flow.Event{Flow: challenge.FlowCustomAuth, Now: flowtest.Epoch, Pool: pool, Client: client,
		User: user, CanCustomAuth: true, Params: map[string]string{"USERNAME": "alice"}}, flowtest.Rand(1), hooks)
	fmt.Println(err, len(ev.Replies), o.Transitions, o.Params["question"])
	// Output: <nil> 2 [START -custom_challenge-> CUSTOM] 2+2?
}
