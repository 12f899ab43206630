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
