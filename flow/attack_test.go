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
