package schema_test

import (
	"testing"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/schema"
)

// FuzzCheck feeds arbitrary names and values to the validator (and to
// declarations): it never panics, and what it accepts is well formed.
func FuzzCheck(f *testing.F) {
	f.Add("custom:age", "42", "age", "Number", "1", "99")
	f.Add("email", "a@example.com", "code", "String", "2", "5")
	f.Add("phone_number", "+15555550100", "when", "DateTime", "", "")
	f.Add("custom:code", "\xff", "x", "Boolean", "-1", "1e9")
	f.Fuzz(func(t *testing.T, name, value, declName, typ, lo, hi string) {
		s, err := schema.New([]challenge.SchemaAttributeType{{Name: declName, AttributeDataType: typ,
			StringAttributeConstraints: &challenge.StringAttributeConstraintsType{MinLength: lo, MaxLength: hi},
			NumberAttributeConstraints: &challenge.NumberAttributeConstraintsType{MinValue: lo, MaxValue: hi}}})
		if err != nil {
			if challenge.CodeOf(err) != challenge.ErrInvalidParameter {
				t.Fatalf("New: %v", err)
			}
			s = schema.Standard()
		}
		for _, w := range []schema.Write{schema.SignUp, schema.AdminCreate, schema.Update, schema.Complete} {
			err := schema.Check(s, w, map[string]string{name: "old"}, map[string]string{name: value})
			if err != nil {
				if challenge.CodeOf(err) != challenge.ErrInvalidParameter {
					t.Fatalf("Check: %v", err)
				}
				continue
			}
			if schema.Find(s, name) == nil {
				t.Fatalf("accepted %q, which the schema does not have", name)
			}
			if name == "email" && value != "" && !schema.ValidEmail(value) {
				t.Fatalf("accepted email %q", value)
			}
		}
	})
}
