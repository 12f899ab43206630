package flow_test

import (
	"testing"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// TestPasswordPolicyMessages: InvalidPasswordException is worded as apps
// see it from Cognito, "Password did not conform with policy: ...", for
// each rule.
func TestPasswordPolicyMessages(t *testing.T) {
	p := flow.PasswordPolicy{MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true}
	for pw, want := range map[string]string{
		"Sh0rt!":        "Password did not conform with policy: Password not long enough",
		"lowercase1!":   "Password did not conform with policy: Password must have uppercase characters",
		"UPPERCASE1!":   "Password did not conform with policy: Password must have lowercase characters",
		"NoDigitsHere!": "Password did not conform with policy: Password must have numeric characters",
		"NoSymbols123":  "Password did not conform with policy: Password must have symbol characters",
	} {
		requireCode(t, p.Check(pw), challenge.ErrInvalidPassword, want)
	}
	if err := p.Check("Fine-pass1"); err != nil {
		t.Fatalf("a conforming password: %v", err)
	}
}
