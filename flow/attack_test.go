package flow_test

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/srp"
)

// The attacks of issue 12 on the sign-in engine, each a test that failed
// before its fix.

// TestAttackSRPAUnit: SRP_A ≡ 1 or -1 (mod N) is refused like 0, for a
// known and an unknown user, so the server's S cannot be forced.
func TestAttackSRPAUnit(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 1200, Client: func(c *flow.AppClient) {
		c.PreventUserExistenceErrors = challenge.PreventUserExistenceErrorsOn
	}})
	e.AddUser("alice", "Correct-horse1", flow.StatusConfirmed, nil)
	n := srp.N()
	one := big.NewInt(1)
	for _, A := range []*big.Int{one, new(big.Int).Sub(n, one), new(big.Int).Add(n, one), new(big.Int).Sub(new(big.Int).Lsh(n, 1), one)} {
		for _, user := range []string{"alice", "nobody"} {
			_, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserSRPAuth, ClientId: e.Client.ID,
				AuthParameters: map[string]string{"USERNAME": user, "SRP_A": srp.HexInt(A)}})
			requireCode(t, err, challenge.ErrInvalidParameter, "SRP_A is not valid.")
		}
	}
	_, out, err := e.SRPStart(ctx, "alice")
	require.NoError(t, err)
	require.Equal(t, challenge.PasswordVerifier, out.ChallengeName)
}

// TestAttackAdminSessionThroughPublicRespond: a Session opened by
// AdminInitiateAuth is answered only by AdminRespondToAuthChallenge, and a
// public one only by RespondToAuthChallenge; the refused answer does not
// spend the session of its rightful entry point.
func TestAttackAdminSessionThroughPublicRespond(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 1210})
	e.AddUser("tina", "Temporary-pass1", flow.StatusForceChangePassword, nil)
	newPassword := map[string]string{"USERNAME": "tina", "NEW_PASSWORD": "Brand-new-pass1"}

	adm, err := e.Server.AdminInitiateAuth(ctx, &challenge.AdminInitiateAuthInput{AuthFlow: challenge.FlowAdminUserPasswordAuth,
		ClientId: e.Client.ID, UserPoolId: e.Pool.ID, AuthParameters: map[string]string{"USERNAME": "tina", "PASSWORD": "Temporary-pass1"}})
	require.NoError(t, err)
	require.Equal(t, challenge.NewPasswordRequired, adm.ChallengeName)
	_, err = e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.NewPasswordRequired,
		ClientId: e.Client.ID, Session: adm.Session, ChallengeResponses: newPassword})
	requireCode(t, err, challenge.ErrNotAuthorized, "Invalid session for the user.")
	require.Equal(t, flow.StatusForceChangePassword, e.User("tina").Status, "nothing applied")

	pub, err := e.PasswordSignIn(ctx, "tina", "Temporary-pass1")
	require.NoError(t, err)
	require.Equal(t, challenge.NewPasswordRequired, pub.ChallengeName)
	_, err = e.Server.AdminRespondToAuthChallenge(ctx, &challenge.AdminRespondToAuthChallengeInput{ChallengeName: challenge.NewPasswordRequired,
		ClientId: e.Client.ID, UserPoolId: e.Pool.ID, Session: pub.Session, ChallengeResponses: newPassword})
	requireCode(t, err, challenge.ErrNotAuthorized, "Invalid session for the user.")

	done, err := e.Server.AdminRespondToAuthChallenge(ctx, &challenge.AdminRespondToAuthChallengeInput{ChallengeName: challenge.NewPasswordRequired,
		ClientId: e.Client.ID, UserPoolId: e.Pool.ID, Session: adm.Session, ChallengeResponses: newPassword})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)
}
