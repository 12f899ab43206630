package flow_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

// TestAttackVerifySoftwareTokenGuesses: the TOTP code of an MFA_SETUP
// session was checked without counting a guess for the user, so anyone
// with the password could open many sessions and guess the code in
// parallel without limit. Each guess is now reserved against the user's
// lockout first: of 50 parallel wrong codes, each on a session of its
// own, at most LockoutThreshold are evaluated; the rest are refused
// before the code is looked at.
func TestAttackVerifySoftwareTokenGuesses(t *testing.T) {
	const threshold, attempts = 5, 50
	e := flowtest.New(t, flowtest.Options{Seed: 91, Pool: mfaPool(flow.MFAOn), Limits: flow.Limits{LockoutThreshold: threshold, PendingSessions: 2 * attempts}})
	e.AddUser("trin", "Correct-horse1", flow.StatusConfirmed, nil)
	sessions := make([]string, attempts)
	var wrong string
	for i := range sessions {
		out, err := e.PasswordSignIn(ctx, "trin", "Correct-horse1")
		require.NoError(t, err)
		require.Equal(t, challenge.MFASetup, out.ChallengeName)
		assoc, err := e.Server.AssociateSoftwareToken(ctx, &challenge.AssociateSoftwareTokenInput{Session: out.Session})
		require.NoError(t, err)
		sessions[i] = assoc.Session
		wrong = wrongCode(code(t, assoc.SecretCode, e.Clock.Now()))
	}
	evaluated, refused, other := flowtest.ParallelGuesses(attempts, challenge.ErrEnableSoftwareTokenMFA, func(i int) error {
		_, err := e.Server.VerifySoftwareToken(ctx, &challenge.VerifySoftwareTokenInput{Session: sessions[i], UserCode: wrong})
		return err
	})
	assert.Empty(t, other, "answers other than a checked wrong code or the lockout")
	assert.LessOrEqual(t, evaluated, threshold, "wrong TOTP codes evaluated")
	assert.Equal(t, attempts, evaluated+refused)
	assert.GreaterOrEqual(t, e.User("trin").FailedAttempts, evaluated, "each evaluated guess counted for the user")
}

// wrongCode returns a six-digit code that is not c.
func wrongCode(c string) string {
	if c == "000000" {
		return "111111"
	}
	return "000000"
}
