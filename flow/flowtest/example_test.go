package flowtest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"pgregory.net/rapid"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

// An embedder property-tests its own PreAuthentication hook, which refuses
// users whose email ends in @blocked.example: the model gets the hook
// (ModelOptions.Hooks) and, separately, what it decides
// (ModelOptions.Decide), adds a blocked and an allowed user, and checks
// its invariants over a few hundred random sequences of sign-ins,
// password changes, sign-outs and the rest. Every sign-in of the blocked
// user must then be refused by the hook, before its password is looked
// at, and every other answer must be the one the pool's rules give.
func Example_preAuthenticationHook() {
	hook := func(_ context.Context, in flow.PreAuthenticationInput) error {
		if strings.HasSuffix(in.Attributes["email"], "@blocked.example") {
			return errors.New("sign-in from a blocked domain")
		}
		return nil
	}
	opts := flowtest.ModelOptions{
		Hooks: flow.Hooks{PreAuthentication: hook},
		Decide: flowtest.HookDecisions{PreAuthentication: func(u *flow.User) error {
			if strings.HasSuffix(u.Attributes["email"], "@blocked.example") {
				return errors.New("sign-in from a blocked domain")
			}
			return nil
		}},
		NoRaces: true,
		Setup: func(m *flowtest.Model) {
			m.AddUserWithAttributes("eve", "Eve-pass1!", flow.StatusConfirmed, map[string]string{"email": "eve@blocked.example"})
			m.AddUserWithAttributes("erin", "Erin-pass1!", flow.StatusConfirmed, map[string]string{"email": "erin@example.com"})
		},
	}
	refused := 0
	run := rapid.Custom(func(t *rapid.T) int {
		m := flowtest.NewModel(t, opts) // fails the sequence on any broken invariant
		m.Repeat(t)
		n := 0
		for _, c := range m.History {
			if c.User == "eve" && errors.Is(c.Err, challenge.ErrUserLambdaValidation) {
				n++
			}
		}
		return n
	})
	for seed := range 300 {
		refused += run.Example(seed)
	}
	fmt.Println("300 sequences checked; the hook refused eve:", refused > 0)
	// Output: 300 sequences checked; the hook refused eve: true
}
