package flow

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/authflow/authflow/challenge"
)

// passwordSymbols are the special characters Cognito's policy counts.
const passwordSymbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "

// maxPasswordBytes bounds a password (Cognito allows 256 characters).
const maxPasswordBytes = 256 * 4

// Check returns an InvalidPasswordException naming the first rule the
// password breaks, worded as Cognito words it, or nil.
func (p PasswordPolicy) Check(pw string) error {
	bad := func(why string) error {
		return challenge.New(challenge.ErrInvalidPassword, "Password did not conform with policy: "+why)
	}
	min := p.MinimumLength
	if min < 6 {
		min = 6
	}
	if !utf8.ValidString(pw) || len(pw) > maxPasswordBytes {
		return bad("Password is not valid")
	}
	if utf8.RuneCountInString(pw) < min {
		return bad("Password not long enough")
	}
	var upper, lower, digit, symbol bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(passwordSymbols, r):
			symbol = true
		}
	}
	switch {
	case p.RequireUppercase && !upper:
		return bad("Password must have uppercase characters")
	case p.RequireLowercase && !lower:
		return bad("Password must have lowercase characters")
	case p.RequireNumbers && !digit:
		return bad("Password must have numeric characters")
	case p.RequireSymbols && !symbol:
		return bad("Password must have symbol characters")
	}
	return nil
}
