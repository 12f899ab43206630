package flowtest_test

import (
	"testing"

	"github.com/authflow/authflow/flow/flowtest"
)

// TestModelSignUp checks the sign-up extension's invariants (a verified
// attribute never comes from an unauthenticated client; a verified alias
// belongs to one user) with the standard ones, over random sequences.
func TestModelSignUp(t *testing.T) {
	checks := 500
	if testing.Short() {
		checks = 100
	}
	flowtest.Run(t, flowtest.ModelOptions{Tolerate: knownDeviations, Checks: checks,
		Env:   flowtest.Options{Pool: flowtest.SignUpPool},
		Setup: flowtest.InstallSignUp})
}
