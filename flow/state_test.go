package flow

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
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

// goldenState sets every field of State.
func goldenState() State {
	return State{Phase: PhaseMFA, Challenge: challenge.SelectMFAType, PoolID: "us-east-1_Golden", ClientID: "golden-client",
		Username: "golden", Admin: true, Flow: challenge.FlowUserSRPAuth,
		Created: time.Unix(1700000000, 123).UTC(), Expires: time.Unix(1700000180, 0).UTC(), AuthTime: time.Unix(1700000001, 0).UTC(),
		Steps: 3, Wrong: 1, Decoy: true, Proven: FactorPassword | FactorNewPassword,
		Key: []byte("0123456789abcdef"), Secret: []byte{0, 1, 2, 254, 255}, DeviceKey: "us-east-1_device",
		Proof: []byte{8, 7, 6, 5, 4, 3, 2, 1}, CodeHash: []byte{9, 9}, CodeExpires: time.Unix(1700000100, 0).UTC(),
		Extra: map[string]string{"mfas": `["SMS_MFA","SOFTWARE_TOKEN_MFA"]`, "z": ""}, EventID: "0f8fad5b-d9cb-469f-a165-70867728950e"}
}

// TestGoldenStateBlob guards the session codec: a State with every field
// set is encoded byte for byte as committed in testdata/state_v<N>.hex
// (N the codec version), and that file decodes to the same State. A change
// of the encoding without a version bump fails here; with a bump, commit
// the new file (AUTHFLOW_UPDATE_GOLDEN=1) and keep the old ones: the
// blobs of every earlier version still decode, to the same State.
func TestGoldenStateBlob(t *testing.T) {
	s := goldenState()
	v := reflect.ValueOf(s)
	for i := range v.NumField() {
		require.False(t, v.Field(i).IsZero(), "goldenState leaves State.%s unset: set it, and encode it", v.Type().Field(i).Name)
	}
	b, err := s.MarshalBinary()
	require.NoError(t, err)
	path := filepath.Join("testdata", fmt.Sprintf("state_v%d.hex", stateVersion))
	if os.Getenv("AUTHFLOW_UPDATE_GOLDEN") == "1" {
		require.NoError(t, os.WriteFile(path, []byte(hex.EncodeToString(b)+"\n"), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "no golden blob for codec version %d", stateVersion)
	golden, err := hex.DecodeString(strings.TrimSpace(string(want)))
	require.NoError(t, err)
	require.Equal(t, hex.EncodeToString(golden), hex.EncodeToString(b),
		"the session codec changed without a version bump (stateVersion %d)", stateVersion)
	var got State
	require.NoError(t, got.UnmarshalBinary(golden))
	require.Equal(t, s, got)
	again, err := got.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, golden, again, "decode and re-encode is byte-identical")
	// The blobs of earlier versions (a session saved before an upgrade)
	// decode to the same State, but for the fields their version did not
	// have (EventID came with version 2); none is missing.
	olds, err := filepath.Glob(filepath.Join("testdata", "state_v*.hex"))
	require.NoError(t, err)
	require.Len(t, olds, stateVersion, "one golden blob per codec version")
	for _, f := range olds {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		old, err := hex.DecodeString(strings.TrimSpace(string(raw)))
		require.NoError(t, err)
		var st State
		require.NoError(t, st.UnmarshalBinary(old), "%s no longer decodes", f)
		want := s
		if old[0] < 2 {
			want.EventID = ""
		}
		require.Equal(t, want, st, f)
	}
	// Version 1 kept a WebAuthn assertion's session data in base64.
	v1 := encodeV1(State{Phase: PhaseUserAuth, Challenge: challenge.WebAuthn, Flow: challenge.FlowUserAuth,
		Extra: map[string]string{extraWebAuthn: base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 255})}})
	var st State
	require.NoError(t, st.UnmarshalBinary(v1))
	require.Equal(t, string([]byte{0, 1, 2, 255}), st.Extra[extraWebAuthn])
	require.Equal(t, challenge.WebAuthn, st.Challenge)
	require.Equal(t, challenge.FlowUserAuth, st.Flow)
	// Another version is refused, never misread.
	require.Error(t, new(State).UnmarshalBinary(append([]byte{stateVersion + 1}, golden[1:]...)))
}

// encodeV1 is version 1 of the codec (names as strings), for the test of
// its decoding.
func encodeV1(s State) []byte {
	b := []byte{1, byte(s.Phase)}
	b = appendString(b, string(s.Challenge))
	b = appendString(b, s.PoolID)
	b = appendString(b, s.ClientID)
	b = appendString(b, s.Username)
	b = appendBool(b, s.Admin)
	b = appendString(b, string(s.Flow))
	b = appendTime(b, s.Created)
	b = appendTime(b, s.Expires)
	b = appendTime(b, s.AuthTime)
	b = append(b, s.Steps, s.Wrong)
	b = appendBool(b, s.Decoy)
	b = append(b, byte(s.Proven))
	b = appendBytes(b, s.Key)
	b = appendBytes(b, s.Secret)
	b = appendString(b, s.DeviceKey)
	b = appendBytes(b, s.Proof)
	b = appendBytes(b, s.CodeHash)
	b = appendTime(b, s.CodeExpires)
	b = append(b, byte(len(s.Extra)))
	for _, k := range slices.Sorted(maps.Keys(s.Extra)) {
		b = appendString(b, k)
		b = appendString(b, s.Extra[k])
	}
	return b
}
