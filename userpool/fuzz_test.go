package userpool

import (
	"slices"
	"testing"

	"github.com/authflow/authflow/challenge"
)

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
		if flt != nil && !slices.Contains(filterable, flt.attr) {
			t.Fatalf("unsearchable attribute %q accepted", flt.attr)
		}
	})
}
