package flowtest

import (
	"context"
	"flag"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/flow"
)

// TestCheckHooks: the model refuses embedder hooks it cannot predict, and
// never replaces custom-auth hooks it was given.
func TestCheckHooks(t *testing.T) {
	pre := func(context.Context, flow.PreAuthenticationInput) error { return nil }
	define := func(context.Context, flow.DefineAuthChallengeInput) (*flow.DefineAuthChallengeOutput, error) {
		return nil, nil
	}
	require.ErrorContains(t, checkHooks(flow.Hooks{PreAuthentication: pre}, ModelOptions{}), "Decide.PreAuthentication")
	require.NoError(t, checkHooks(flow.Hooks{PreAuthentication: pre},
		ModelOptions{Decide: HookDecisions{PreAuthentication: func(*flow.User) error { return nil }}}))
	require.ErrorContains(t, checkHooks(flow.Hooks{PostAuthentication: func(context.Context, flow.PostAuthenticationInput) error { return nil }}, ModelOptions{}), "PostAuthentication")
	require.ErrorContains(t, checkHooks(flow.Hooks{DefineAuthChallenge: define}, ModelOptions{CustomAuth: true}), "leave CustomAuth false")
	require.NoError(t, checkHooks(flow.Hooks{DefineAuthChallenge: define}, ModelOptions{}))

	merged := mergeHooks(flow.Hooks{DefineAuthChallenge: define}, flow.Hooks{PreAuthentication: pre})
	require.NotNil(t, merged.DefineAuthChallenge, "hooks of Env.Hooks stay")
	require.NotNil(t, merged.PreAuthentication, "hooks of ModelOptions.Hooks are added")
}

// TestNoGlobalFlags: importing flowtest registers no command-line flag
// (a test package that declares its own -update must not panic).
func TestNoGlobalFlags(t *testing.T) {
	require.Nil(t, flag.Lookup("update"), "flowtest must not register -update")
}
