package flow

import (
	"testing"
	"time"

	"github.com/authflow/authflow/challenge"
)

// FuzzStateUnmarshal: any bytes decode without panicking, and whatever
// decodes re-encodes to the same bytes.
func FuzzStateUnmarshal(f *testing.F) {
	good, _ := (&State{Phase: PhaseSRP, Challenge: challenge.PasswordVerifier, PoolID: "us-east-1_X", ClientID: "c",
		Username: "u", Created: time.Unix(1, 0), Expires: time.Unix(200, 0), Key: []byte("0123456789abcdef"),
		Extra: map[string]string{"k": "v"}}).MarshalBinary()
	f.Add(good)
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Add([]byte{2, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var s State
		if err := s.UnmarshalBinary(data); err != nil {
			return
		}
		again, err := s.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var s2 State
		if err := s2.UnmarshalBinary(again); err != nil {
			t.Fatalf("re-encoded state does not decode: %v", err)
		}
	})
}
