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

// FuzzUserFilter: ListUsers filters never panic, and a parsed filter names
// a searchable attribute.
func FuzzUserFilter(f *testing.F) {
	for _, s := range []string{`email = "a@b.c"`, `username ^= "al"`, `name="x\"y"`, `status = "Enabled"`, `x`, `email = "`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := parseUserFilter(s)
		if err != nil {
			if challenge.CodeOf(err) != challenge.ErrInvalidParameter {
				t.Fatalf("wrong code %v", err)
			}
			return
		}
		if flt != nil && !contains(filterable, flt.attr) {
			t.Fatalf("unsearchable attribute %q accepted", flt.attr)
		}
	})
}
