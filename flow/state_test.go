package flow

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
)

func TestStateRoundTrip(t *testing.T) {
	s := State{Phase: PhaseNewPasswordRequired, Challenge: challenge.NewPasswordRequired, PoolID: "us-east-1_X",
		ClientID: "client", Username: "alice", Admin: true, Flow: challenge.FlowUserSRPAuth,
		Created: time.Unix(1700000000, 5).UTC(), Expires: time.Unix(1700000180, 0).UTC(), AuthTime: time.Unix(1700000001, 0).UTC(),
		Steps: 2, Wrong: 1, Decoy: false, Proven: FactorPassword, Key: []byte("0123456789abcdef"), Secret: []byte{1, 2, 3},
		DeviceKey: "us-east-1_dev", CodeHash: []byte{9}, CodeExpires: time.Unix(1700000100, 0).UTC(),
		Extra: map[string]string{"a": "1", "b": "2"}}
	b, err := s.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, byte(stateVersion), b[0], "the first byte is the version")
	var got State
	require.NoError(t, got.UnmarshalBinary(b))
	require.Equal(t, s, got)

	// Another version, a truncation, or trailing bytes are refused.
	other := append([]byte{stateVersion + 1}, b[1:]...)
	require.Error(t, got.UnmarshalBinary(other))
	require.Error(t, got.UnmarshalBinary(b[:len(b)-1]))
	require.Error(t, got.UnmarshalBinary(append(b, 0)))
}

// TestStateIsSmall: an SRP session keeps the 16-byte key and the secret
// block, not the 384-byte numbers.
func TestStateIsSmall(t *testing.T) {
	s := State{Phase: PhaseSRP, Challenge: challenge.PasswordVerifier, PoolID: "us-east-1_AbCdEfGhI",
		ClientID: "abcdefghijklmnopqrstuvwxyz", Username: "a-rather-long-username@example.com",
		Created: time.Now(), Expires: time.Now(), Key: make([]byte, 16), Secret: make([]byte, 48)}
	b, err := s.MarshalBinary()
	require.NoError(t, err)
	require.Less(t, len(b), 200)
}

func TestTransitionsAreChecked(t *testing.T) {
	require.NoError(t, checkTransition(evSRPChallenge, PhaseStart, PhaseSRP))
	require.Error(t, checkTransition(evSRPChallenge, PhaseSRP, PhaseSRP), "undeclared source")
	require.Error(t, checkTransition(evTokensIssued, PhaseStart, PhaseSRP), "wrong destination")
	require.Error(t, checkTransition("no_such_event", PhaseStart, PhaseTokens))
}

// TestStepRefusesUndeclaredTransitions: a step that would leave the table
// becomes an internal error rather than a silent transition.
func TestStepRefusesUndeclaredTransitions(t *testing.T) {
	m := &machine{ev: &Event{}}
	o := m.finish(PhaseNewPasswordRequired, Outcome{Event: evSRPChallenge, Next: &State{Phase: PhaseSRP}})
	require.Equal(t, challenge.ErrInternalError, challenge.CodeOf(o.Err))
	require.Equal(t, PhaseFailed, o.Next.Phase)
}
