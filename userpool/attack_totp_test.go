package userpool_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/totp"
)

// TestAttackVerifySoftwareTokenGuesses: VerifySoftwareToken with an
// AccessToken checked the TOTP code without counting a guess, so a
// stolen access token allowed unlimited parallel guesses of the code that
// would bind the attacker's authenticator... or, with a secret the
// attacker associated, unlimited probing. Each code is now reserved
// against the user's lockout first: of 50 parallel wrong codes at most
// LockoutThreshold are evaluated.
func TestAttackVerifySoftwareTokenGuesses(t *testing.T) {
	const threshold, attempts = 5, 50
	e := flowtest.New(t, flowtest.Options{Seed: 92, Limits: flow.Limits{LockoutThreshold: threshold},
		Pool: func(p *flow.Pool) { p.MFA, p.TOTPMFAEnabled = flow.MFAOptional, true }})
	e.AddUser("morph", "Correct-horse1", flow.StatusConfirmed, nil)
	out, err := e.PasswordSignIn(ctx, "morph", "Correct-horse1")
	require.NoError(t, err)
	access := out.AuthenticationResult.AccessToken
	assoc, err := e.Server.AssociateSoftwareToken(ctx, &challenge.AssociateSoftwareTokenInput{AccessToken: access})
	require.NoError(t, err)
	right, err := totp.DefaultConfig().Code(assoc.SecretCode, e.Clock.Now())
	require.NoError(t, err)
	evaluated, refused, other := flowtest.ParallelGuesses(attempts, challenge.ErrEnableSoftwareTokenMFA, func(int) error {
		_, err := e.Server.VerifySoftwareToken(ctx, &challenge.VerifySoftwareTokenInput{AccessToken: access, UserCode: wrongCode(right)})
		return err
	})
	assert.Empty(t, other, "answers other than a checked wrong code or the lockout")
	assert.LessOrEqual(t, evaluated, threshold, "wrong TOTP codes evaluated")
	assert.Equal(t, attempts, evaluated+refused)
	assert.GreaterOrEqual(t, e.User("morph").FailedAttempts, evaluated, "each evaluated guess counted for the user")
	// In the lockout even the right code is refused, unevaluated.
	_, err = e.Server.VerifySoftwareToken(ctx, &challenge.VerifySoftwareTokenInput{AccessToken: access, UserCode: right})
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgPasswordAttempts)
}
