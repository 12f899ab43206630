package schema_test

import (
	"strings"
	"testing"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/schema"
)

func b(v bool) *bool { return &v }

// pool is a schema with a required email, an immutable custom String
// of 2 to 5 characters, a Number of 1 to 99, a Boolean, a DateTime and a
// developer-only attribute.
func pool(t *testing.T) []challenge.SchemaAttributeType {
	t.Helper()
	s, err := schema.New([]challenge.SchemaAttributeType{
		{Name: "email", Required: b(true)},
		{Name: "code", AttributeDataType: "String", Mutable: b(false),
			StringAttributeConstraints: &challenge.StringAttributeConstraintsType{MinLength: "2", MaxLength: "5"}},
		{Name: "age", AttributeDataType: "Number",
			NumberAttributeConstraints: &challenge.NumberAttributeConstraintsType{MinValue: "1", MaxValue: "99"}},
		{Name: "vip", AttributeDataType: "Boolean"},
		{Name: "since", AttributeDataType: "DateTime"},
		{Name: "secret", AttributeDataType: "String", DeveloperOnlyAttribute: b(true)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStandardMatchesCognito(t *testing.T) {
	s := schema.Standard()
	if len(s) != 20 {
		t.Fatalf("%d standard attributes, Cognito has 20", len(s))
	}
	sub := schema.Find(s, "sub")
	if sub == nil || *sub.Mutable || !*sub.Required || sub.StringAttributeConstraints.MinLength != "1" || sub.StringAttributeConstraints.MaxLength != "2048" {
		t.Errorf("sub = %+v", sub)
	}
	bd := schema.Find(s, "birthdate")
	if bd.StringAttributeConstraints.MinLength != "10" || bd.StringAttributeConstraints.MaxLength != "10" {
		t.Errorf("birthdate = %+v", bd.StringAttributeConstraints)
	}
	ua := schema.Find(s, "updated_at")
	if ua.AttributeDataType != "Number" || ua.NumberAttributeConstraints.MinValue != "0" || ua.StringAttributeConstraints != nil {
		t.Errorf("updated_at = %+v", ua)
	}
	for _, name := range []string{"email_verified", "phone_number_verified"} {
		if a := schema.Find(s, name); a.AttributeDataType != "Boolean" || a.StringAttributeConstraints != nil {
			t.Errorf("%s = %+v", name, a)
		}
	}
	for _, a := range s {
		if a.DeveloperOnlyAttribute == nil || *a.DeveloperOnlyAttribute || a.Mutable == nil || a.Required == nil {
			t.Errorf("%s: every member must be set: %+v", a.Name, a)
		}
	}
	if schema.Required(s) != nil {
		t.Errorf("a new pool requires %v besides sub", schema.Required(s))
	}
}

func TestNew(t *testing.T) {
	s := pool(t)
	if got := schema.Required(s); len(got) != 1 || got[0] != "email" {
		t.Errorf("Required = %v", got)
	}
	if a := schema.Find(s, "custom:code"); a == nil || *a.Mutable || a.StringAttributeConstraints.MaxLength != "5" {
		t.Errorf("custom:code = %+v", a)
	}
	if a := schema.Find(s, "dev:custom:secret"); a == nil || !*a.DeveloperOnlyAttribute {
		t.Errorf("dev:custom:secret = %+v", a)
	}
	if a := schema.Find(s, "custom:vip"); a == nil || a.StringAttributeConstraints != nil || !*a.Mutable {
		t.Errorf("custom:vip = %+v", a)
	}
	if a := schema.Find(s, "custom:age"); a.NumberAttributeConstraints.MinValue != "1" {
		t.Errorf("custom:age = %+v", a)
	}
	if len(s) != 25 {
		t.Errorf("%d attributes, want 20 standard + 5 custom", len(s))
	}
}

func TestDeclarationsRefused(t *testing.T) {
	cases := []struct {
		name string
		decl challenge.SchemaAttributeType
		msg  string
	}{
		{"no name", challenge.SchemaAttributeType{AttributeDataType: "String"}, "Member must not be null"},
		{"name too long", challenge.SchemaAttributeType{Name: strings.Repeat("n", 21), AttributeDataType: "String"}, "less than or equal to 20"},
		{"bad type", challenge.SchemaAttributeType{Name: "x", AttributeDataType: "Float"}, "enum value set"},
		{"custom without type", challenge.SchemaAttributeType{Name: "x"}, "Invalid AttributeDataType input"},
		{"required custom", challenge.SchemaAttributeType{Name: "x", AttributeDataType: "String", Required: b(true)}, "Required custom attributes are not supported currently."},
		{"standard retyped", challenge.SchemaAttributeType{Name: "email", AttributeDataType: "Number"}, "You can not change AttributeDataType"},
		{"standard developer-only", challenge.SchemaAttributeType{Name: "email", DeveloperOnlyAttribute: b(true)}, "You can not change AttributeDataType"},
		{"sub mutable", challenge.SchemaAttributeType{Name: "sub", Mutable: b(true)}, "standard schema attribute sub"},
		{"max over 2048", challenge.SchemaAttributeType{Name: "x", AttributeDataType: "String",
			StringAttributeConstraints: &challenge.StringAttributeConstraintsType{MaxLength: "2049"}}, "cannot have a length of more than 2048"},
		{"min over max", challenge.SchemaAttributeType{Name: "x", AttributeDataType: "String",
			StringAttributeConstraints: &challenge.StringAttributeConstraintsType{MinLength: "5", MaxLength: "4"}}, "Max length cannot be less than min length."},
		{"length not a number", challenge.SchemaAttributeType{Name: "x", AttributeDataType: "String",
			StringAttributeConstraints: &challenge.StringAttributeConstraintsType{MaxLength: "ten"}}, "Invalid StringAttributeConstraints"},
		{"number bounds crossed", challenge.SchemaAttributeType{Name: "x", AttributeDataType: "Number",
			NumberAttributeConstraints: &challenge.NumberAttributeConstraintsType{MinValue: "10", MaxValue: "9"}}, "Max value cannot be less than min value."},
		{"number bound not integer", challenge.SchemaAttributeType{Name: "x", AttributeDataType: "Number",
			NumberAttributeConstraints: &challenge.NumberAttributeConstraintsType{MinValue: "1.5"}}, "Invalid NumberAttributeConstraints"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := schema.New([]challenge.SchemaAttributeType{tc.decl})
			if challenge.CodeOf(err) != challenge.ErrInvalidParameter || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("New: %v, want InvalidParameterException with %q", err, tc.msg)
			}
		})
	}
}

func TestAddCustom(t *testing.T) {
	s := pool(t)
	before := len(s)
	out, err := schema.AddCustom(s, []challenge.SchemaAttributeType{{Name: "tier", AttributeDataType: "String"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != before || schema.Find(out, "custom:tier") == nil {
		t.Fatalf("AddCustom changed its input or lost the attribute: %d %d", len(s), len(out))
	}
	_, err = schema.AddCustom(out, []challenge.SchemaAttributeType{{Name: "tier", AttributeDataType: "Number"}})
	if err == nil || err.Error() != "InvalidParameterException: custom:tier: Existing attribute already has name custom:tier." {
		t.Errorf("redeclared: %v", err)
	}
	_, err = schema.AddCustom(out, []challenge.SchemaAttributeType{{Name: "secret", AttributeDataType: "String"}})
	if err == nil || !strings.Contains(err.Error(), "Existing attribute already has name custom:secret.") {
		t.Errorf("redeclared developer-only as plain: %v", err)
	}
	if _, err := schema.AddCustom(out, nil); challenge.CodeOf(err) != challenge.ErrInvalidParameter {
		t.Errorf("nothing to add: %v", err)
	}
	// 50 custom attributes and no more.
	full := schema.Standard()
	for i := 0; i < schema.MaxCustomAttributes; i++ {
		if full, err = schema.AddCustom(full, []challenge.SchemaAttributeType{{Name: "a" + string(rune('A'+i%26)) + string(rune('a'+i/26)), AttributeDataType: "String"}}); err != nil {
			t.Fatalf("attribute %d: %v", i+1, err)
		}
	}
	if _, err := schema.AddCustom(full, []challenge.SchemaAttributeType{{Name: "one_more", AttributeDataType: "String"}}); err == nil || !strings.Contains(err.Error(), "at most 50") {
		t.Errorf("51st custom attribute: %v", err)
	}
}

func TestCheck(t *testing.T) {
	s := pool(t)
	old := map[string]string{"email": "a@example.com", "custom:code": "ab"}
	cases := []struct {
		name string
		w    schema.Write
		old  map[string]string
		set  map[string]string
		msg  string // "" when accepted
	}{
		{"sign-up ok", schema.SignUp, nil, map[string]string{"email": "a@example.com", "custom:code": "abc", "custom:age": "42"}, ""},
		{"required missing", schema.SignUp, nil, map[string]string{"name": "Ana"}, "Attributes did not conform to the schema: email: The attribute is required"},
		{"required empty", schema.SignUp, nil, map[string]string{"email": ""}, "email: The attribute is required"},
		{"admin may omit required", schema.AdminCreate, nil, map[string]string{"name": "Ana"}, ""},
		{"unknown standard-looking", schema.SignUp, nil, map[string]string{"email": "a@example.com", "shoe_size": "9"}, "Attributes did not conform to the schema: shoe_size: Attribute does not exist in the schema."},
		{"undeclared custom", schema.Update, old, map[string]string{"custom:nope": "1"}, "custom:nope: Attribute does not exist in the schema."},
		{"too short", schema.Update, old, map[string]string{"custom:code": "a"}, "custom:code: "},
		{"too long", schema.AdminCreate, nil, map[string]string{"custom:code": "abcdef"}, "custom:code: String must be no longer than 5 characters"},
		{"runes, not bytes", schema.AdminCreate, nil, map[string]string{"custom:code": "ñññññ"}, ""},
		{"standard max 2048", schema.AdminCreate, nil, map[string]string{"name": strings.Repeat("x", 2049)}, "name: String must be no longer than 2048 characters"},
		{"birthdate length", schema.AdminCreate, nil, map[string]string{"birthdate": "1990-1-1"}, "birthdate: String must be at least 10 characters long"},
		{"number not a number", schema.AdminCreate, nil, map[string]string{"custom:age": "forty"}, "custom:age: Number is not valid"},
		{"number decimal ok", schema.AdminCreate, nil, map[string]string{"custom:age": "41.5"}, ""},
		{"number below min", schema.AdminCreate, nil, map[string]string{"custom:age": "0"}, "custom:age: Number must be greater than or equal to 1"},
		{"number above max", schema.AdminCreate, nil, map[string]string{"custom:age": "100"}, "custom:age: Number must be less than or equal to 99"},
		{"updated_at negative", schema.AdminCreate, nil, map[string]string{"updated_at": "-1"}, "updated_at: Number must be greater than or equal to 0"},
		{"boolean", schema.AdminCreate, nil, map[string]string{"custom:vip": "yes"}, "custom:vip: Boolean must be true or false"},
		{"verified flag boolean", schema.AdminCreate, nil, map[string]string{"email_verified": "1"}, "email_verified: Boolean must be true or false"},
		{"boolean in lower case", schema.AdminCreate, nil, map[string]string{"email_verified": "True"}, "email_verified: Boolean must be true or false"},
		{"boolean ok", schema.AdminCreate, nil, map[string]string{"email_verified": "false", "custom:vip": "true"}, ""},
		{"datetime", schema.AdminCreate, nil, map[string]string{"custom:since": "yesterday"}, "custom:since: DateTime must be"},
		{"datetime ok", schema.AdminCreate, nil, map[string]string{"custom:since": "2024-05-01T10:00:00Z"}, ""},
		{"immutable set at creation", schema.AdminCreate, nil, map[string]string{"custom:code": "xyz"}, ""},
		{"immutable changed", schema.Update, old, map[string]string{"custom:code": "xyz"}, "custom:code: Attribute cannot be updated. (changing an immutable attribute)"},
		{"immutable same value", schema.Update, old, map[string]string{"custom:code": "ab"}, ""},
		{"immutable deleted", schema.Update, old, map[string]string{"custom:code": ""}, "changing an immutable attribute"},
		{"immutable first value on update", schema.Update, map[string]string{}, map[string]string{"custom:code": "xyz"}, "changing an immutable attribute"},
		{"immutable first value on NEW_PASSWORD_REQUIRED", schema.Complete, map[string]string{}, map[string]string{"custom:code": "xyz"}, ""},
		{"immutable changed on NEW_PASSWORD_REQUIRED", schema.Complete, old, map[string]string{"custom:code": "xyz"}, "changing an immutable attribute"},
		{"required deleted", schema.Update, old, map[string]string{"email": ""}, "Attributes did not conform to the schema: email: The attribute is required"},
		{"optional deleted", schema.Update, old, map[string]string{"name": ""}, ""},
		{"bad email", schema.Update, old, map[string]string{"email": "not-an-email"}, "Invalid email address format."},
		{"bad phone", schema.Update, old, map[string]string{"phone_number": "555-0100"}, "Invalid phone number format."},
		{"phone ok", schema.Update, old, map[string]string{"phone_number": "+15555550100"}, ""},
		{"several, in name order", schema.Update, old, map[string]string{"zz": "1", "custom:age": "x"},
			"Attributes did not conform to the schema: custom:age: Number is not valid\nzz: Attribute does not exist in the schema."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := schema.Check(s, tc.w, tc.old, tc.set)
			if tc.msg == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if challenge.CodeOf(err) != challenge.ErrInvalidParameter || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("got %v, want InvalidParameterException with %q", err, tc.msg)
			}
		})
	}
}

func TestDeveloperOnlyIsAdministrators(t *testing.T) {
	s := pool(t)
	set := map[string]string{"email": "a@example.com", "dev:custom:secret": "x"}
	for _, w := range []schema.Write{schema.SignUp, schema.Complete} {
		err := schema.Check(s, w, map[string]string{}, set)
		if challenge.CodeOf(err) != challenge.ErrNotAuthorized || challenge.MessageOf(err) != "A client attempted to write unauthorized attribute" {
			t.Errorf("write %d: %v", w, err)
		}
	}
	for _, w := range []schema.Write{schema.AdminCreate, schema.Update} {
		if err := schema.Check(s, w, map[string]string{}, set); err != nil {
			t.Errorf("write %d: %v", w, err)
		}
	}
}

func TestEmptySchemaChecksNothing(t *testing.T) {
	if err := schema.Check(nil, schema.SignUp, nil, map[string]string{"anything": "goes", "email": "x"}); err != nil {
		t.Fatal(err)
	}
}

func TestFormats(t *testing.T) {
	for v, want := range map[string]bool{
		"a@example.com": true, "A.B+c@sub.example.co": true, "ñ@ejemplo.es": true, "a@localhost": true,
		"": false, "a": false, "@example.com": false, "a@": false, "a b@example.com": false, "a@exa mple.com": false,
		"a@example..com": false, "a@.example.com": false, "a@b@example.com": false, "a@example.com\n": false,
	} {
		if got := schema.ValidEmail(v); got != want {
			t.Errorf("ValidEmail(%q) = %v", v, got)
		}
	}
	for v, want := range map[string]bool{
		"+15555550100": true, "+447700900123": true, "+12": true, "+123456789012345": true,
		"15555550100": false, "+1555555010a": false, "+": false, "+1234567890123456": false, "+0123": false, "+1 555": false,
	} {
		if got := schema.ValidPhoneNumber(v); got != want {
			t.Errorf("ValidPhoneNumber(%q) = %v", v, got)
		}
	}
}

func TestCloneIsDeep(t *testing.T) {
	s := pool(t)
	c := schema.Clone(s)
	*c[0].Mutable = true
	c[1].StringAttributeConstraints.MaxLength = "1"
	if *s[0].Mutable || s[1].StringAttributeConstraints.MaxLength != "2048" {
		t.Fatal("Clone shares memory with its input")
	}
}
