package flow_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/session"
)

// TestAttackSessionFlood: a flood of cheap unauthenticated sign-ins for
// made-up names does not fill the session store (decoy sessions live in
// their handles) and a flood for one known name is capped per name, so a
// real SRP sign-in still works afterwards. Before the fix the flood filled
// session.Memory and every sign-in that needs a session failed with
// InternalErrorException ("session: store full").
func TestAttackSessionFlood(t *testing.T) {
	clock := flowtest.NewClock(flowtest.Epoch)
	dir := directory.NewMemory()
	const capacity = 100
	store := session.NewMemory(session.WithClock(clock.Now), session.WithMaxEntries(capacity))
	e := &flowtest.Env{TB: t, Clock: clock, Rand: flowtest.Rand(1500), ClientRand: flowtest.Rand(1501), Dir: dir, Sessions: store,
		Issuer: flowtest.NewIssuer(clock.Now), Outbox: &flowtest.Outbox{}}
	e.Pool = &flow.Pool{ID: flowtest.PoolID, Name: "test", PasswordPolicy: flow.DefaultPasswordPolicy(), MFA: flow.MFAOff,
		AllowedFirstAuthFactors: []string{"PASSWORD", "EMAIL_OTP"}}
	e.Client = &flow.AppClient{ID: flowtest.ClientID, PoolID: e.Pool.ID, Name: "c", PreventUserExistenceErrors: challenge.PreventUserExistenceErrorsOn,
		ExplicitAuthFlows: []string{challenge.ExplicitAllowUserAuth, challenge.ExplicitAllowUserSRPAuth, challenge.ExplicitAllowUserPasswordAuth}}
	require.NoError(t, dir.PutPool(ctx, e.Pool))
	require.NoError(t, dir.PutClient(ctx, e.Client))
	s, err := flow.New(flow.Config{Directory: dir, Catalog: dir, Sessions: store, Issuer: e.Issuer, Sender: e.Outbox,
		Now: clock.Now, Rand: e.Rand})
	require.NoError(t, err)
	e.Server = s
	e.AddUser("alice", "Correct-horse1", flow.StatusConfirmed, nil)
	e.AddUser("victim", "Correct-horse1", flow.StatusConfirmed, nil)

	// Made-up names: USER_AUTH, its EMAIL_OTP decoy and SRP.
	for i := range 4 * capacity {
		name := fmt.Sprintf("made-up-%d", i)
		_, err := s.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserAuth, ClientId: e.Client.ID,
			AuthParameters: map[string]string{"USERNAME": name}})
		require.NoError(t, err)
		if i%16 == 0 {
			_, _, err = e.SRPStart(ctx, name)
			require.NoError(t, err)
		}
	}
	assert.Zero(t, store.Len(), "decoy sign-ins keep nothing in the store")

	// One known name: capped per name.
	refused := 0
	for range 2 * capacity {
		_, err := s.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserAuth, ClientId: e.Client.ID,
			AuthParameters: map[string]string{"USERNAME": "victim"}})
		if challenge.CodeOf(err) == challenge.ErrTooManyRequests {
			refused++
		} else {
			require.NoError(t, err)
		}
	}
	assert.Equal(t, 2*capacity-20, refused, "at most 20 pending sign-ins per name")
	assert.LessOrEqual(t, store.Len(), 20)

	out, err := e.SRPSignIn(ctx, "alice", "Correct-horse1")
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult, "a real sign-in still works")
}
