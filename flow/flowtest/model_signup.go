package flowtest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"pgregory.net/rapid"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/userpool"
)

// The sign-up extension of the model (InstallSignUp, for
// ModelOptions.Setup, on a pool configured with SignUpPool): strangers
// sign up under names of their own, claiming or not that their email or
// phone is verified (in UserAttributes or in ValidationData), with their
// own address or with one another user holds verified (alice's, or a
// shared one); they confirm with the code that was sent (with or without
// ForceAliasCreation), guess codes, and ask for new ones. The extension
// keeps its own users (not in Model.Names), so the standard invariants
// are unaffected.
//
// Its invariants: a *_verified attribute that is "true" in the directory
// was set by an administrator (the seeded users) or proven by the code
// sent to that very value, never written by an unauthenticated client;
// and, in a pool where email is a sign-in alias, no two users hold the
// same email verified.

// The sign-up extension's invariants.
const (
	// InvVerifiedNotFromClient: email_verified or phone_number_verified is
	// true only after the user proved a code sent there (or an
	// administrator set it), never because a client said so at sign-up.
	InvVerifiedNotFromClient = "a verified attribute never comes from an unauthenticated client"
	// InvVerifiedAliasUnique: in a pool where email is a sign-in alias, no
	// two users hold the same email verified.
	InvVerifiedAliasUnique = "no two users hold the same verified alias"
	// InvCodeGuessesBounded: at most 9 wrong confirmation codes of one
	// user are evaluated in any hour; more are refused unevaluated.
	InvCodeGuessesBounded = "no more than 9 wrong sign-up codes of a user are evaluated in any hour"
)

// maxCodeGuessesPerHour is the most wrong codes of one user and purpose the
// engine evaluates in any sliding hour: userpool.DefaultCodeGuesses per fixed
// window, so twice that less one across a window boundary.
const maxCodeGuessesPerHour = 2*userpool.DefaultCodeGuesses - 1

// SharedEmail is an address several sign-ups of the extension use.
const SharedEmail = "shared@example.com"

// aliceEmail is the verified address InstallSignUp gives alice.
const aliceEmail = "alice@example.com"

// SignUpPool configures the pool for the extension: emails are sign-in
// aliases and are verified by a code at sign-up.
func SignUpPool(p *flow.Pool) {
	p.AutoVerifiedAttributes = []string{"email"}
	if !slices.Contains(p.AliasAttributes, "email") {
		p.AliasAttributes = append(p.AliasAttributes, "email")
	}
}

// signUpModel is the model's account of the extension.
type signUpModel struct {
	names []string
	users map[string]*signUpUser
	// proven holds "<user>\x00<attribute>\x00<value>" for every value a
	// right code (or an administrator) proved.
	proven map[string]bool
}

type signUpUser struct {
	name      string
	email     string
	confirmed bool
	wrong     int         // wrong codes sent
	evaluated []time.Time // when a wrong code was evaluated (CodeMismatchException)
	codeAt    time.Time   // when the latest code was sent
}

func provenKey(user, attr, value string) string { return user + "\x00" + attr + "\x00" + value }

// InstallSignUp adds the extension's users, actions and invariants.
func InstallSignUp(m *Model) {
	su := &signUpModel{names: []string{"su-eve", "su-fay", "su-gus"}, users: map[string]*signUpUser{}, proven: map[string]bool{}}
	// An administrator verified alice's address.
	u, err := m.Env.Dir.User(m.ctx, m.Env.Pool.ID, "alice")
	if err != nil || u == nil {
		m.Env.TB.Fatalf("alice: %v", err)
	}
	old := u.Version
	if u.Attributes == nil {
		u.Attributes = map[string]string{}
	}
	u.Attributes["email"], u.Attributes["email_verified"] = aliceEmail, "true"
	if err := m.Env.Dir.Apply(m.ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: old}); err != nil {
		m.Env.TB.Fatal(err)
	}
	su.proven[provenKey("alice", "email", aliceEmail)] = true

	m.AddAction(Action{Name: "SignUp", Weight: 3, Run: func(t *rapid.T) { m.actSignUp(t, su) }})
	m.AddAction(Action{Name: "ConfirmSignUpRight", Weight: 2, Enabled: su.hasUnconfirmed,
		Run: func(t *rapid.T) { m.actConfirmSignUp(t, su, true) }})
	m.AddAction(Action{Name: "ConfirmSignUpWrong", Weight: 1, Enabled: su.hasUnconfirmed,
		Run: func(t *rapid.T) { m.actConfirmSignUp(t, su, false) }})
	m.AddAction(Action{Name: "ResendConfirmationCode", Weight: 1, Run: func(t *rapid.T) { m.actResend(t, su) }})
	// First, so that a failure names the narrowest property.
	m.Invariants = append([]Invariant{
		{Name: InvVerifiedNotFromClient, Call: checkSignUpClaim, State: func(m *Model) error { return su.checkVerifiedProven(m) }},
		{Name: InvVerifiedAliasUnique, State: checkVerifiedAliasUnique},
		{Name: InvCodeGuessesBounded, State: func(*Model) error { return su.checkGuessesBounded() }},
	}, m.Invariants...)
}

func (su *signUpModel) hasUnconfirmed() bool {
	for _, u := range su.users {
		if !u.confirmed {
			return true
		}
	}
	return false
}

func (su *signUpModel) drawUnconfirmed(t *rapid.T) *signUpUser {
	var out []*signUpUser
	for _, n := range su.names {
		if u := su.users[n]; u != nil && !u.confirmed {
			out = append(out, u)
		}
	}
	return rapid.SampledFrom(out).Draw(t, "signUpUser")
}

// claimsVerified reports whether attributes name a *_verified attribute.
func claimsVerified(attrs []challenge.AttributeType) bool {
	return slices.ContainsFunc(attrs, func(a challenge.AttributeType) bool {
		return a.Name == "email_verified" || a.Name == "phone_number_verified"
	})
}

func (m *Model) actSignUp(t *rapid.T, su *signUpModel) {
	name := rapid.SampledFrom(su.names).Draw(t, "signUpName")
	email := rapid.SampledFrom([]string{name + "@example.com", SharedEmail, aliceEmail}).Draw(t, "signUpEmail")
	claim := rapid.SampledFrom([]string{"none", "email_verified", "phone_number_verified", "validation"}).Draw(t, "signUpClaim")
	in := &challenge.SignUpInput{ClientId: m.Env.Client.ID, Username: name, Password: alicePassword,
		SecretHash: m.Env.SecretHash(name), UserAttributes: []challenge.AttributeType{{Name: "email", Value: email}}}
	switch claim {
	case "email_verified", "phone_number_verified":
		in.UserAttributes = append(in.UserAttributes, challenge.AttributeType{Name: claim, Value: "true"})
		if claim == "phone_number_verified" {
			in.UserAttributes = append(in.UserAttributes, challenge.AttributeType{Name: "phone_number", Value: "+15555550100"})
		}
	case "validation":
		in.ValidationData = []challenge.AttributeType{{Name: "email_verified", Value: "true"}}
	}
	c := m.NewCall("SignUp", "SignUp", in, fmt.Sprintf("%s, email %s, claim %s", name, email, claim))
	out, err := m.Env.Server.SignUp(context.Background(), in)
	c.Err = err
	if out != nil {
		c.Response = out
	}
	switch {
	case claimsVerified(in.UserAttributes):
		c.Expect = &Expect{Code: challenge.ErrNotAuthorized, Messages: []string{"A client attempted to write unauthorized attribute"},
			Why: "a client without *_verified in WriteAttributes cannot write them"}
	case su.users[name] != nil:
		c.Expect = &Expect{Code: challenge.ErrUsernameExists, Why: "the name is taken"}
	default:
		c.Expect = &Expect{OK: true, Why: "a new name signs up"}
		su.users[name] = &signUpUser{name: name, email: email, codeAt: m.Now()}
	}
	m.Record(c)
}

func (m *Model) actConfirmSignUp(t *rapid.T, su *signUpModel, right bool) {
	u := su.drawUnconfirmed(t)
	msg, ok := m.Env.Outbox.Last(u.name, "SIGN_UP")
	if !ok {
		t.Fatalf("no sign-up code was sent to %s", u.name)
	}
	code := msg.Code
	if !right {
		code = wrongOTP(code)
	}
	force := rapid.Bool().Draw(t, "forceAliasCreation")
	in := &challenge.ConfirmSignUpInput{ClientId: m.Env.Client.ID, Username: u.name, ConfirmationCode: code,
		SecretHash: m.Env.SecretHash(u.name), ForceAliasCreation: force}
	action := "ConfirmSignUpRight"
	if !right {
		action = "ConfirmSignUpWrong"
	}
	c := m.NewCall(action, "ConfirmSignUp", in, fmt.Sprintf("%s, code %s, force %v", u.name, code, force))
	out, err := m.Env.Server.ConfirmSignUp(context.Background(), in)
	c.Err = err
	if out != nil {
		c.Response = out
	}
	holder := su.verifiedHolder(m, u)
	switch {
	case !right:
		u.wrong++
		if c.Code() == challenge.ErrCodeMismatch {
			u.evaluated = append(u.evaluated, c.At)
		}
		c.Expect = &Expect{Unsure: true, Why: "a wrong code: CodeMismatch, or a budget or lockout answer"}
	case u.wrong > 0 || !m.Now().Before(u.codeAt.Add(24*time.Hour)):
		c.Expect = &Expect{Unsure: true, Why: "earlier wrong codes or an old code"}
	case holder != "" && !force:
		c.Expect = &Expect{Code: challenge.ErrAliasExists, Why: holder + " holds " + u.email + " verified"}
	default:
		c.Expect = &Expect{OK: true, Why: "the right code"}
	}
	if right && err == nil {
		u.confirmed = true
		su.proven[provenKey(u.name, "email", u.email)] = true
		if holder != "" {
			delete(su.proven, provenKey(holder, "email", u.email))
		}
	}
	m.Record(c)
}

// verifiedHolder names the user other than u that holds u's email
// verified, as the directory says ("" for none).
func (su *signUpModel) verifiedHolder(m *Model, u *signUpUser) string {
	other, err := m.Env.Dir.UserByAttribute(m.ctx, m.Env.Pool.ID, "email", u.email)
	if err != nil || other == nil || other.Username == u.name || other.Attributes["email_verified"] != "true" {
		return ""
	}
	return other.Username
}

// wrongOTP returns a six-digit code other than code.
func wrongOTP(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

func (m *Model) actResend(t *rapid.T, su *signUpModel) {
	name := rapid.SampledFrom(append(slices.Clone(su.names), "alice", "su-nobody")).Draw(t, "resendName")
	in := &challenge.UsernameInput{ClientId: m.Env.Client.ID, Username: name, SecretHash: m.Env.SecretHash(name)}
	c := m.NewCall("ResendConfirmationCode", "ResendConfirmationCode", in, name)
	out, err := m.Env.Server.ResendConfirmationCode(context.Background(), in)
	c.Err = err
	if out != nil {
		c.Response = out
	}
	c.Expect = &Expect{Unsure: true, Why: "depends on the request budget and existence errors"}
	if u := su.users[name]; u != nil && err == nil && !u.confirmed {
		u.codeAt = m.Now()
	}
	m.Record(c)
}

// checkSignUpClaim: a SignUp that claims a *_verified attribute never
// succeeds.
func checkSignUpClaim(_ *Model, c *Call) error {
	in, ok := c.Request.(*challenge.SignUpInput)
	if !ok || c.Err != nil || !claimsVerified(in.UserAttributes) {
		return nil
	}
	return fmt.Errorf("SignUp of %q wrote a *_verified attribute", in.Username)
}

// checkVerifiedProven: every "true" *_verified attribute of the
// extension's users and of alice was proven for its current value.
func (su *signUpModel) checkVerifiedProven(m *Model) error {
	for _, name := range append(slices.Clone(su.names), "alice") {
		u, err := m.Env.Dir.User(m.ctx, m.Env.Pool.ID, name)
		if err != nil {
			return err
		}
		if u == nil {
			continue
		}
		for attr, flag := range map[string]string{"email": "email_verified", "phone_number": "phone_number_verified"} {
			if u.Attributes[flag] == "true" && !su.proven[provenKey(name, attr, u.Attributes[attr])] {
				return fmt.Errorf("user %s has %s=true for %s %q, which no code or administrator proved", name, flag, attr, u.Attributes[attr])
			}
		}
	}
	return nil
}

// checkVerifiedAliasUnique: in a pool where email or phone_number is a
// sign-in alias, no two users hold the same value verified.
func checkVerifiedAliasUnique(m *Model) error {
	users, err := m.Env.Dir.Users(m.ctx, m.Env.Pool.ID, "", 0)
	if err != nil {
		return err
	}
	for _, attr := range []string{"email", "phone_number"} {
		if !slices.Contains(m.Env.Pool.AliasAttributes, attr) {
			continue
		}
		holders := map[string]string{}
		for _, u := range users {
			v := u.Attributes[attr]
			if v == "" || u.Attributes[attr+"_verified"] != "true" {
				continue
			}
			if other, ok := holders[v]; ok {
				return fmt.Errorf("%s %q is verified for both %s and %s", attr, v, other, u.Username)
			}
			holders[v] = u.Username
		}
	}
	return nil
}

func init() {
	OperationErrors["SignUp"] = errorsOf("ResourceNotFoundException", "InvalidParameterException",
		"UnexpectedLambdaException", "UserLambdaValidationException", "NotAuthorizedException", "InvalidPasswordException",
		"InvalidLambdaResponseException", "UsernameExistsException", "TooManyRequestsException", "InternalErrorException",
		"LimitExceededException", "InvalidSmsRoleAccessPolicyException", "InvalidSmsRoleTrustRelationshipException",
		"InvalidEmailRoleAccessPolicyException", "CodeDeliveryFailureException", "ForbiddenException")
	OperationErrors["ConfirmSignUp"] = errorsOf("ResourceNotFoundException", "InvalidParameterException",
		"UnexpectedLambdaException", "UserLambdaValidationException", "NotAuthorizedException",
		"TooManyFailedAttemptsException", "CodeMismatchException", "ExpiredCodeException", "InvalidLambdaResponseException",
		"AliasExistsException", "TooManyRequestsException", "LimitExceededException", "UserNotFoundException",
		"InternalErrorException", "ForbiddenException")
	OperationErrors["ResendConfirmationCode"] = errorsOf("ResourceNotFoundException", "InvalidParameterException",
		"UnexpectedLambdaException", "UserLambdaValidationException", "NotAuthorizedException",
		"InvalidLambdaResponseException", "TooManyRequestsException", "LimitExceededException",
		"InvalidSmsRoleAccessPolicyException", "InvalidSmsRoleTrustRelationshipException",
		"InvalidEmailRoleAccessPolicyException", "CodeDeliveryFailureException", "UserNotFoundException",
		"InternalErrorException", "ForbiddenException")
}

// checkGuessesBounded: no user had more than maxCodeGuessesPerHour wrong
// codes evaluated within an hour.
func (su *signUpModel) checkGuessesBounded() error {
	for _, u := range su.users {
		for i, start := range u.evaluated {
			n := 0
			for _, at := range u.evaluated[i:] {
				if at.Sub(start) < time.Hour {
					n++
				}
			}
			if n > maxCodeGuessesPerHour {
				return fmt.Errorf("%d wrong codes of %s evaluated in the hour from +%s", n, u.name, start.Sub(Epoch))
			}
		}
	}
	return nil
}
