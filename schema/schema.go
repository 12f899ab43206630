package schema

import (
	"maps"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/authflow/authflow/challenge"
)

// The attribute data types (AttributeDataType).
const (
	TypeString   = "String"
	TypeNumber   = "Number"
	TypeDateTime = "DateTime"
	TypeBoolean  = "Boolean"
)

// Cognito's limits on custom attributes.
const (
	// MaxCustomAttributes is how many custom attributes a pool may have.
	MaxCustomAttributes = 50
	// MaxNameLength is the longest name of a custom attribute, without
	// its "custom:" prefix.
	MaxNameLength = 20
	// MaxStringLength is the longest value of a String attribute, and
	// the highest MaxLength a declaration may give.
	MaxStringLength = 2048
)

// The prefixes of custom and developer-only attribute names.
const (
	CustomPrefix    = "custom:"
	DeveloperPrefix = "dev:"
)

func ptr[T any](v T) *T { return &v }

// standard lists the standard attributes in the order Cognito reports them.
type standardAttribute struct {
	name, typ string
	mutable   bool
	required  bool
	min, max  string // String lengths, or for Number the MinValue
}

var standard = []standardAttribute{
	{"sub", TypeString, false, true, "1", "2048"},
	{"name", TypeString, true, false, "0", "2048"},
	{"given_name", TypeString, true, false, "0", "2048"},
	{"family_name", TypeString, true, false, "0", "2048"},
	{"middle_name", TypeString, true, false, "0", "2048"},
	{"nickname", TypeString, true, false, "0", "2048"},
	{"preferred_username", TypeString, true, false, "0", "2048"},
	{"profile", TypeString, true, false, "0", "2048"},
	{"picture", TypeString, true, false, "0", "2048"},
	{"website", TypeString, true, false, "0", "2048"},
	{"email", TypeString, true, false, "0", "2048"},
	{"email_verified", TypeBoolean, true, false, "", ""},
	{"gender", TypeString, true, false, "0", "2048"},
	{"birthdate", TypeString, true, false, "10", "10"},
	{"zoneinfo", TypeString, true, false, "0", "2048"},
	{"locale", TypeString, true, false, "0", "2048"},
	{"phone_number", TypeString, true, false, "0", "2048"},
	{"phone_number_verified", TypeBoolean, true, false, "", ""},
	{"address", TypeString, true, false, "0", "2048"},
	{"updated_at", TypeNumber, true, false, "0", ""},
}

// Standard returns the standard attributes of a new pool, as
// DescribeUserPool returns them.
func Standard() []challenge.SchemaAttributeType {
	out := make([]challenge.SchemaAttributeType, 0, len(standard))
	for _, s := range standard {
		a := challenge.SchemaAttributeType{Name: s.name, AttributeDataType: s.typ, DeveloperOnlyAttribute: ptr(false),
			Mutable: ptr(s.mutable), Required: ptr(s.required)}
		switch s.typ {
		case TypeString:
			a.StringAttributeConstraints = &challenge.StringAttributeConstraintsType{MinLength: s.min, MaxLength: s.max}
		case TypeNumber:
			a.NumberAttributeConstraints = &challenge.NumberAttributeConstraintsType{MinValue: s.min}
		}
		out = append(out, a)
	}
	return out
}

// IsStandard reports whether name is a standard attribute.
func IsStandard(name string) bool {
	return slices.ContainsFunc(standard, func(s standardAttribute) bool { return s.name == name })
}

// Clone returns a deep copy of s.
func Clone(s []challenge.SchemaAttributeType) []challenge.SchemaAttributeType {
	if s == nil {
		return nil
	}
	out := make([]challenge.SchemaAttributeType, len(s))
	for i, a := range s {
		out[i] = cloneAttribute(a)
	}
	return out
}

func cloneAttribute(a challenge.SchemaAttributeType) challenge.SchemaAttributeType {
	c := a
	if a.DeveloperOnlyAttribute != nil {
		c.DeveloperOnlyAttribute = ptr(*a.DeveloperOnlyAttribute)
	}
	if a.Mutable != nil {
		c.Mutable = ptr(*a.Mutable)
	}
	if a.Required != nil {
		c.Required = ptr(*a.Required)
	}
	if a.NumberAttributeConstraints != nil {
		c.NumberAttributeConstraints = ptr(*a.NumberAttributeConstraints)
	}
	if a.StringAttributeConstraints != nil {
		c.StringAttributeConstraints = ptr(*a.StringAttributeConstraints)
	}
	return c
}

// Find returns the attribute of s called name, or nil.
func Find(s []challenge.SchemaAttributeType, name string) *challenge.SchemaAttributeType {
	for i := range s {
		if s[i].Name == name {
			return &s[i]
		}
	}
	return nil
}

// Required lists the names of the attributes of s a user must have, sub
// excepted (the pool gives every user one).
func Required(s []challenge.SchemaAttributeType) []string {
	var out []string
	for _, a := range s {
		if a.Name != "sub" && isTrue(a.Required) {
			out = append(out, a.Name)
		}
	}
	return out
}

// IsDeveloperOnly reports whether name is a developer-only attribute,
// which only an administrator may write (app clients only read it).
func IsDeveloperOnly(name string) bool { return strings.HasPrefix(name, DeveloperPrefix) }

// IsMutable reports whether the attribute of s called name may change
// once set (false for an attribute s does not have).
func IsMutable(s []challenge.SchemaAttributeType, name string) bool {
	a := Find(s, name)
	return a != nil && isTrue(a.Mutable)
}

func isTrue(b *bool) bool { return b != nil && *b }

func errParam(msg string) error { return challenge.New(challenge.ErrInvalidParameter, msg) }

// customNamePattern is Cognito's CustomAttributeNameType: letters, marks,
// symbols, numbers and punctuation.
var customNamePattern = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)

// New builds a pool's schema from CreateUserPool's Schema declarations:
// the standard attributes, with what the declarations of standard ones
// change (Required, Mutable, constraints), followed by the declared custom
// attributes in their order.
func New(decl []challenge.SchemaAttributeType) ([]challenge.SchemaAttributeType, error) {
	s := Standard()
	var custom []challenge.SchemaAttributeType
	for i, d := range decl {
		field := "schema." + strconv.Itoa(i+1) + ".member"
		if err := checkDeclaration(field, d); err != nil {
			return nil, err
		}
		if a := Find(s, d.Name); a != nil {
			if err := overrideStandard(a, d); err != nil {
				return nil, err
			}
			continue
		}
		a, err := customAttribute(d)
		if err != nil {
			return nil, err
		}
		if Find(custom, a.Name) != nil {
			return nil, errParam(CustomPrefix + d.Name + ": Existing attribute already has name " + a.Name + ".")
		}
		custom = append(custom, a)
	}
	if len(custom) > MaxCustomAttributes {
		return nil, errTooMany()
	}
	return append(s, custom...), nil
}

// AddCustom returns s with the custom attributes decl declares appended
// (AddCustomAttributes): each is new (an attribute of the same name is
// refused) and the pool keeps at most MaxCustomAttributes of them. s is
// not modified.
func AddCustom(s, decl []challenge.SchemaAttributeType) ([]challenge.SchemaAttributeType, error) {
	if len(decl) == 0 {
		return nil, errParam("1 validation error detected: Value null at 'customAttributes' failed to satisfy constraint: Member must not be null")
	}
	if len(decl) > 25 {
		return nil, errParam("1 validation error detected: Value at 'customAttributes' failed to satisfy constraint: Member must have length less than or equal to 25")
	}
	out := Clone(s)
	if len(out) == 0 {
		out = Standard()
	}
	for i, d := range decl {
		if err := checkDeclaration("customAttributes."+strconv.Itoa(i+1)+".member", d); err != nil {
			return nil, err
		}
		a, err := customAttribute(d)
		if err != nil {
			return nil, err
		}
		if Find(out, a.Name) != nil || Find(out, CustomPrefix+d.Name) != nil || Find(out, DeveloperPrefix+CustomPrefix+d.Name) != nil {
			return nil, errParam(CustomPrefix + d.Name + ": Existing attribute already has name " + a.Name + ".")
		}
		out = append(out, a)
	}
	n := 0
	for _, a := range out {
		if !IsStandard(a.Name) {
			n++
		}
	}
	if n > MaxCustomAttributes {
		return nil, errTooMany()
	}
	return out, nil
}

func errTooMany() error {
	return errParam("A user pool can have at most " + strconv.Itoa(MaxCustomAttributes) + " custom attributes.")
}

// checkDeclaration applies the request validation of one
// SchemaAttributeType (field names it in the message).
func checkDeclaration(field string, d challenge.SchemaAttributeType) error {
	if d.Name == "" {
		return errParam("1 validation error detected: Value null at '" + field + ".name' failed to satisfy constraint: Member must not be null")
	}
	if !utf8.ValidString(d.Name) || utf8.RuneCountInString(d.Name) > MaxNameLength {
		return errParam("1 validation error detected: Value at '" + field + ".name' failed to satisfy constraint: Member must have length less than or equal to " + strconv.Itoa(MaxNameLength))
	}
	if !customNamePattern.MatchString(d.Name) {
		return errParam("1 validation error detected: Value at '" + field + ".name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+")
	}
	switch d.AttributeDataType {
	case "", TypeString, TypeNumber, TypeDateTime, TypeBoolean:
	default:
		return errParam("1 validation error detected: Value at '" + field + ".attributeDataType' failed to satisfy constraint: Member must satisfy enum value set: [Boolean, Number, String, DateTime]")
	}
	return nil
}

// overrideStandard applies a declaration of a standard attribute.
func overrideStandard(a *challenge.SchemaAttributeType, d challenge.SchemaAttributeType) error {
	if (d.AttributeDataType != "" && d.AttributeDataType != a.AttributeDataType) || isTrue(d.DeveloperOnlyAttribute) {
		return errParam("You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute " + a.Name)
	}
	if a.Name == "sub" {
		if (d.Mutable != nil && *d.Mutable) || (d.Required != nil && !*d.Required) {
			return errParam("You can not change Mutable or Required for standard schema attribute sub")
		}
		return nil
	}
	if d.Mutable != nil {
		a.Mutable = ptr(*d.Mutable)
	}
	if d.Required != nil {
		a.Required = ptr(*d.Required)
	}
	return setConstraints(a, d)
}

// customAttribute turns a declaration into a custom attribute.
func customAttribute(d challenge.SchemaAttributeType) (challenge.SchemaAttributeType, error) {
	if d.AttributeDataType == "" {
		return challenge.SchemaAttributeType{}, errParam("Invalid AttributeDataType input, consider using the provided AttributeDataType enum.")
	}
	if isTrue(d.Required) {
		return challenge.SchemaAttributeType{}, errParam("Required custom attributes are not supported currently.")
	}
	name := CustomPrefix + d.Name
	if isTrue(d.DeveloperOnlyAttribute) {
		name = DeveloperPrefix + name
	}
	a := challenge.SchemaAttributeType{Name: name, AttributeDataType: d.AttributeDataType,
		DeveloperOnlyAttribute: ptr(isTrue(d.DeveloperOnlyAttribute)), Mutable: ptr(d.Mutable == nil || *d.Mutable), Required: ptr(false)}
	switch a.AttributeDataType {
	case TypeString:
		a.StringAttributeConstraints = &challenge.StringAttributeConstraintsType{}
	case TypeNumber:
		a.NumberAttributeConstraints = &challenge.NumberAttributeConstraintsType{}
	}
	return a, setConstraints(&a, d)
}

// setConstraints copies the constraints of d that fit a's type, checking
// them: String lengths are integers from 0 to MaxStringLength, Number
// bounds integers, and neither minimum exceeds its maximum.
func setConstraints(a *challenge.SchemaAttributeType, d challenge.SchemaAttributeType) error {
	switch a.AttributeDataType {
	case TypeString:
		c := d.StringAttributeConstraints
		if c == nil {
			return nil
		}
		lo, okLo := length(c.MinLength)
		hi, okHi := length(c.MaxLength)
		if !okLo || !okHi {
			return errParam("Invalid StringAttributeConstraints for schema attribute " + a.Name)
		}
		if lo > MaxStringLength || hi > MaxStringLength {
			return errParam(a.Name + ": String attributes cannot have a length of more than " + strconv.Itoa(MaxStringLength))
		}
		if c.MinLength != "" && c.MaxLength != "" && lo > hi {
			return errParam(a.Name + ": Max length cannot be less than min length.")
		}
		a.StringAttributeConstraints = &challenge.StringAttributeConstraintsType{MinLength: c.MinLength, MaxLength: c.MaxLength}
	case TypeNumber:
		c := d.NumberAttributeConstraints
		if c == nil {
			return nil
		}
		lo, okLo := integer(c.MinValue)
		hi, okHi := integer(c.MaxValue)
		if !okLo || !okHi {
			return errParam("Invalid NumberAttributeConstraints for schema attribute " + a.Name)
		}
		if lo != nil && hi != nil && lo.Cmp(hi) > 0 {
			return errParam(a.Name + ": Max value cannot be less than min value.")
		}
		a.NumberAttributeConstraints = &challenge.NumberAttributeConstraintsType{MinValue: c.MinValue, MaxValue: c.MaxValue}
	}
	return nil
}

// length parses a String constraint ("" is no constraint, 0).
func length(v string) (int, bool) {
	if v == "" {
		return 0, true
	}
	if len(v) > 6 {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= 0 && v[0] != '+'
}

var integerPattern = regexp.MustCompile(`^-?[0-9]{1,40}$`)

// integer parses a Number constraint ("" is no constraint, nil).
func integer(v string) (*big.Int, bool) {
	if v == "" {
		return nil, true
	}
	if !integerPattern.MatchString(v) {
		return nil, false
	}
	n, ok := new(big.Int).SetString(v, 10)
	return n, ok
}

// Write says which operation writes attributes; Check applies its rules.
type Write int

const (
	// SignUp creates a user through an app client: the required
	// attributes must be given; immutable ones may be set.
	SignUp Write = iota
	// AdminCreate creates a user as an administrator: immutable
	// attributes may be set; required ones may be missing (the user's
	// NEW_PASSWORD_REQUIRED challenge asks for them).
	AdminCreate
	// Update writes an existing user (UpdateUserAttributes,
	// AdminUpdateUserAttributes, the deletions): an empty value deletes,
	// which a required attribute refuses; an immutable attribute keeps
	// the value it has.
	Update
	// Complete is the NEW_PASSWORD_REQUIRED answer: as Update, except
	// that an immutable attribute without a value may be given one.
	Complete
)

const conformPrefix = "Attributes did not conform to the schema: "

// Check validates the attributes set writes to a user whose attributes
// are old (nil for a new user) against the schema s. Every attribute
// must be in s with a value of its type within its constraints; email
// and phone_number must be well formed. SignUp and Complete are an app
// client's writes: a developer-only attribute is refused with
// NotAuthorizedException, as Cognito refuses any attribute outside a
// client's write permissions. An empty s checks nothing.
// Problems of several attributes are reported together, one line per
// attribute in name order.
func Check(s []challenge.SchemaAttributeType, w Write, old, set map[string]string) error {
	if len(s) == 0 {
		return nil
	}
	if w == SignUp || w == Complete {
		// Written by an app client on the user's behalf.
		for name := range set {
			if IsDeveloperOnly(name) {
				return challenge.New(challenge.ErrNotAuthorized, "A client attempted to write unauthorized attribute")
			}
		}
	}
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(set)) {
		if p := checkOne(s, w, name, old[name], set[name]); p != "" {
			problems = append(problems, name+": "+p)
		}
	}
	if w == SignUp {
		for _, name := range Required(s) {
			if set[name] == "" {
				problems = append(problems, name+": The attribute is required")
			}
		}
		slices.Sort(problems)
	}
	if len(problems) > 0 {
		return errParam(conformPrefix + strings.Join(problems, "\n"))
	}
	if v := set["email"]; v != "" && !ValidEmail(v) {
		return errParam("Invalid email address format.")
	}
	if v := set["phone_number"]; v != "" && !ValidPhoneNumber(v) {
		return errParam("Invalid phone number format.")
	}
	return nil
}

// checkOne returns what is wrong with writing v to the attribute name
// (was before), or "".
func checkOne(s []challenge.SchemaAttributeType, w Write, name, was, v string) string {
	a := Find(s, name)
	if a == nil {
		return "Attribute does not exist in the schema."
	}
	if w == Update || w == Complete {
		if !isTrue(a.Mutable) && v != was && !(w == Complete && was == "") {
			return "Attribute cannot be updated. (changing an immutable attribute)"
		}
		if v == "" {
			if isTrue(a.Required) {
				return "The attribute is required"
			}
			return ""
		}
	}
	if v == "" {
		return ""
	}
	switch a.AttributeDataType {
	case TypeString:
		n := utf8.RuneCountInString(v)
		lo, hi := 0, MaxStringLength
		if c := a.StringAttributeConstraints; c != nil {
			if m, ok := length(c.MinLength); ok {
				lo = m
			}
			if m, ok := length(c.MaxLength); ok && c.MaxLength != "" {
				hi = m
			}
		}
		if n < lo {
			return "String must be at least " + strconv.Itoa(lo) + " characters long"
		}
		if n > hi {
			return "String must be no longer than " + strconv.Itoa(hi) + " characters"
		}
	case TypeNumber:
		x, ok := number(v)
		if !ok {
			return "Number is not valid"
		}
		if c := a.NumberAttributeConstraints; c != nil {
			if lo, ok := integer(c.MinValue); ok && lo != nil && x.Cmp(new(big.Rat).SetInt(lo)) < 0 {
				return "Number must be greater than or equal to " + c.MinValue
			}
			if hi, ok := integer(c.MaxValue); ok && hi != nil && x.Cmp(new(big.Rat).SetInt(hi)) > 0 {
				return "Number must be less than or equal to " + c.MaxValue
			}
		}
	case TypeBoolean:
		// Lower case only: the engine reads "true" as verified.
		if v != "true" && v != "false" {
			return "Boolean must be true or false"
		}
	case TypeDateTime:
		if !validDateTime(v) {
			return "DateTime must be an ISO 8601 date or date-time"
		}
	}
	return ""
}

var numberPattern = regexp.MustCompile(`^-?[0-9]{1,40}(\.[0-9]{1,40})?$`)

// number parses a Number value: a decimal number, optionally signed and
// with a fraction.
func number(v string) (*big.Rat, bool) {
	if !numberPattern.MatchString(v) {
		return nil, false
	}
	return new(big.Rat).SetString(v)
}

// validDateTime accepts an RFC 3339 date-time or a date (YYYY-MM-DD).
func validDateTime(v string) bool {
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if _, err := time.Parse(layout, v); err == nil {
			return true
		}
	}
	return false
}

// ValidEmail reports whether v is an email address as Cognito accepts
// one: a local part and a domain around the last "@", without spaces or
// control characters, the domain made of non-empty dot-separated labels.
func ValidEmail(v string) bool {
	if len(v) > 256 || !utf8.ValidString(v) {
		return false
	}
	for _, r := range v {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
	}
	i := strings.LastIndexByte(v, '@')
	if i <= 0 || i == len(v)-1 {
		return false
	}
	local, domain := v[:i], v[i+1:]
	if strings.Contains(local, "@") && !(strings.HasPrefix(local, `"`) && strings.HasSuffix(local, `"`)) {
		return false
	}
	for _, label := range strings.Split(domain, ".") {
		if label == "" || strings.ContainsAny(label, `"(),:;<>[\]`) {
			return false
		}
	}
	return true
}

// ValidPhoneNumber reports whether v is an E.164 phone number: "+" and
// then 2 to 15 digits, the first not 0.
func ValidPhoneNumber(v string) bool {
	if len(v) < 3 || len(v) > 16 || v[0] != '+' || v[1] == '0' {
		return false
	}
	for i := 1; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}
