package flowtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/authflow/authflow/challenge"
)

// The names of the standard invariants, as failures report them. Each is
// checked after every action of every sequence (StandardInvariants), except
// InvSameSeedSameTranscript, which compares two runs.
const (
	// InvNoTokensUnlessProven: a call gets an AuthenticationResult only if
	// it proved every factor the pool requires (Call.Proof): the current
	// password of an enabled, confirmed user, a valid new password after a
	// proven temporary one, the second factor MFA asks for, a first factor
	// of USER_AUTH, or a live refresh token of an enabled user.
	InvNoTokensUnlessProven = "no tokens unless every required factor was proven"
	// InvSpentSession: a session handle that answered once (or was ended
	// by a wrong answer, an expiry or a failure) is refused with
	// NotAuthorizedException ever after.
	InvSpentSession = "a spent session never works again"
	// InvExpiredSession: an answer sent after the session's validity
	// (AuthSessionValidity, 3 minutes by default) is refused.
	InvExpiredSession = "an expired session never works"
	// InvDocumentedErrors: every error's code is one that Cognito's API
	// reference lists for the operation called (challenge.ErrorsOf), so a
	// client written against Cognito handles it.
	InvDocumentedErrors = "every error code is one errors.md lists for that operation"
	// InvRevokedToken: a refresh token revoked (RevokeToken, global sign-out,
	// disabling the user) and the access tokens issued before it are
	// refused.
	InvRevokedToken = "a revoked token never works again"
	// InvPredictedAnswer: each answer (challenge, tokens or error code and
	// message) is the one the model's account of the pool predicts from
	// Cognito's rules, in Cognito's order of checks; the embedder's hooks
	// are predicted from what ModelOptions.Decide says they decide.
	InvPredictedAnswer = "every answer is the one the pool's rules give"
	// InvDirectoryAgrees: after each action the directory holds what the
	// model holds for every user: status, enabled flag, lockout counter,
	// and a password verifier for the current password.
	InvDirectoryAgrees = "the directory holds what the model holds"
	// InvSameSeedSameTranscript: two runs with the same seeds (and
	// NoRaces) give byte-identical transcripts; the engine draws all its
	// randomness from Config.Rand and its time from Config.Now.
	InvSameSeedSameTranscript = "the same seed gives the same transcript"
	// InvGuessesBounded: per user (and per unknown name) no more wrong
	// guesses of a password, SRP claim or one-time code are evaluated in
	// any window than the lockout allows (LockoutThreshold, then one per
	// lockout period), whatever the concurrency.
	InvGuessesBounded = "no more guesses of any code or password per user per window are evaluated than the lockout allows"
	// InvEntryPointBound: a session opened by InitiateAuth answers only at
	// RespondToAuthChallenge and one opened by AdminInitiateAuth only at
	// AdminRespondToAuthChallenge; the other entry point refuses it.
	InvEntryPointBound = "a session answers only at the entry point that opened it"
)

// StandardInvariants returns the model's invariants, in the order Check
// runs them: the narrow safety properties first (a replayed or late
// session, a revoked token), then the general one about tokens, then the
// error list and the model's full prediction, so that a failure names the
// most telling invariant.
func StandardInvariants() []Invariant {
	return []Invariant{
		{Name: InvSpentSession, Call: checkSpentSession},
		{Name: InvExpiredSession, Call: checkExpiredSession},
		{Name: InvRevokedToken, Call: checkRevokedToken},
		{Name: InvNoTokensUnlessProven, Call: checkTokensProven},
		{Name: InvEntryPointBound, Call: checkEntryPoint},
		{Name: InvGuessesBounded, Call: checkGuessesBounded},
		{Name: InvDocumentedErrors, Call: checkDocumentedError},
		{Name: InvPredictedAnswer, Call: checkPrediction},
		{Name: InvDirectoryAgrees, State: checkDirectory},
	}
}

// checkTokensProven: any AuthenticationResult comes from a call that
// proved every factor the pool requires (Call.Proof): the current
// password of an enabled, confirmed user (or a valid new password after a
// proven temporary one), or a live refresh token of an enabled user. A
// decoy never gets tokens.
func checkTokensProven(m *Model, c *Call) error {
	if c.Err != nil || c.Result == nil {
		return nil
	}
	if c.Answered != nil && c.Answered.Decoy {
		return fmt.Errorf("a decoy session (unknown user %q) got tokens", c.Answered.User)
	}
	if !c.Proof.Proven {
		return fmt.Errorf("tokens were issued but the call did not prove every factor: %s", c.Proof.Why)
	}
	if c.Result.AccessToken == "" || c.Result.IdToken == "" {
		return errors.New("an AuthenticationResult without an access or ID token")
	}
	if m.Env.Issuer != nil && c.User != "" && Username(c.Result.AccessToken) != c.User {
		return fmt.Errorf("tokens for %q, but the call proved %q", Username(c.Result.AccessToken), c.User)
	}
	return nil
}

// refused reports whether err is NotAuthorizedException with one of msgs
// (any message when msgs is empty).
func refused(c *Call, msgs ...string) error {
	if c.Err == nil {
		return fmt.Errorf("it succeeded (%s)", c.Outcome())
	}
	if c.Code() != challenge.ErrNotAuthorized {
		return fmt.Errorf("got %s %q, want NotAuthorizedException", c.Code(), c.Message())
	}
	if len(msgs) > 0 && !slices.Contains(msgs, c.Message()) {
		return fmt.Errorf("got NotAuthorizedException %q, want one of %q", c.Message(), msgs)
	}
	return nil
}

// checkSpentSession: a session that already produced a success or a
// terminal failure answers NotAuthorizedException "Invalid session for the
// user." (or the expired message) whatever is sent.
func checkSpentSession(_ *Model, c *Call) error {
	if c.Answered == nil || !c.SessionSpent {
		return nil
	}
	if err := refused(c, challenge.MsgInvalidSession, MsgExpiredSession); err != nil {
		return fmt.Errorf("session %s was already spent: %w", short(c.Answered.Handle), err)
	}
	return nil
}

// checkExpiredSession: an answer after the session's validity gets
// NotAuthorizedException.
func checkExpiredSession(m *Model, c *Call) error {
	if c.Answered == nil || !c.SessionExpired {
		return nil
	}
	if err := refused(c); err != nil {
		return fmt.Errorf("session %s issued at +%s expired at +%s, answered at +%s: %w", short(c.Answered.Handle),
			c.Answered.Issued.Sub(Epoch), c.Answered.Issued.Add(m.SessionValidity).Sub(Epoch), c.At.Sub(Epoch), err)
	}
	return nil
}

// checkRevokedToken: after GlobalSignOut, AdminUserGlobalSignOut,
// AdminDisableUser or RevokeToken, the refresh and access tokens obtained
// before never work again (even once the user is enabled again).
func checkRevokedToken(_ *Model, c *Call) error {
	if c.Presented == "" || !c.TokenRevoked {
		return nil
	}
	if err := refused(c); err != nil {
		return fmt.Errorf("the %s token presented was revoked: %w", c.Presented, err)
	}
	return nil
}

// checkDocumentedError: the error code is one OperationErrors lists for
// the operation.
func checkDocumentedError(_ *Model, c *Call) error {
	if c.Err == nil {
		return nil
	}
	codes, ok := OperationErrors[c.Op]
	if !ok {
		return fmt.Errorf("no documented error list for operation %s", c.Op)
	}
	if !slices.Contains(codes, c.Code()) {
		return fmt.Errorf("%s returned %s (%q), which errors.md does not list for it", c.Op, c.Code(), c.Message())
	}
	return nil
}

// checkPrediction: the call's answer is the one the model predicted.
func checkPrediction(_ *Model, c *Call) error {
	e := c.Expect
	if e == nil || e.Unsure {
		return nil
	}
	bad := func() error { return fmt.Errorf("want %s, got %s", e, c.Outcome()) }
	switch {
	case e.Code != "":
		if c.Err == nil || c.Code() != e.Code || (len(e.Messages) > 0 && !slices.Contains(e.Messages, c.Message())) {
			return bad()
		}
		return nil
	case c.Err != nil:
		return bad()
	case e.Tokens:
		if c.Result == nil || c.Challenge != "" || c.Session != "" || (c.Result.RefreshToken != "") != e.NewRefresh {
			return bad()
		}
	case e.Challenge != "":
		if c.Result != nil || c.Challenge != e.Challenge || c.Session == "" {
			return bad()
		}
	case e.OK:
		if c.Result != nil || c.Challenge != "" {
			return bad()
		}
	}
	for k, v := range e.Params {
		if c.Params[k] != v {
			return fmt.Errorf("want %s with %s=%q, got %q", e, k, v, c.Params[k])
		}
	}
	return nil
}

// checkDirectory: every user's status, enabled flag, lockout counter and
// temporary password expiry in the directory are the model's.
func checkDirectory(m *Model) error {
	for _, name := range m.Names {
		want := m.Users[name]
		got, err := m.Env.Dir.User(context.Background(), m.Env.Pool.ID, name)
		if err != nil {
			return err
		}
		switch {
		case want == nil && got == nil:
			continue
		case want == nil:
			return fmt.Errorf("the directory has a user %q the model does not know", name)
		case got == nil:
			return fmt.Errorf("user %q is missing from the directory", name)
		}
		var diffs []string
		if got.Status != want.Status {
			diffs = append(diffs, fmt.Sprintf("status %s, model %s", got.Status, want.Status))
		}
		if got.Enabled != want.Enabled {
			diffs = append(diffs, fmt.Sprintf("enabled %v, model %v", got.Enabled, want.Enabled))
		}
		if got.FailedAttempts != want.Failed {
			diffs = append(diffs, fmt.Sprintf("%d failed attempts, model %d", got.FailedAttempts, want.Failed))
		}
		if !got.LockedUntil.Equal(want.LockedUntil) {
			diffs = append(diffs, fmt.Sprintf("locked until %s, model %s", rel(got.LockedUntil), rel(want.LockedUntil)))
		}
		if !got.TemporaryPasswordExpires.Equal(want.TempExpires) {
			diffs = append(diffs, fmt.Sprintf("temporary password expires %s, model %s", rel(got.TemporaryPasswordExpires), rel(want.TempExpires)))
		}
		if len(diffs) > 0 {
			return fmt.Errorf("user %s: %s", name, strings.Join(diffs, "; "))
		}
	}
	return nil
}

// rel shows a time relative to Epoch.
func rel(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return "+" + t.Sub(Epoch).String()
}

// errorsOf builds a list of codes from exception names.
func errorsOf(names ...string) []challenge.Code {
	out := make([]challenge.Code, len(names))
	for i, n := range names {
		out[i] = challenge.Code(n)
	}
	return out
}

// OperationErrors lists, per operation, the exceptions the newest seed
// (001_fcc3bbdae3f234dc.txt, shared/spec/errors.md §3) documents for it, in
// the seed's order. The model's fourth invariant holds every error to it.
var OperationErrors = map[string][]challenge.Code{
	"InitiateAuth": errorsOf("ResourceNotFoundException", "InvalidParameterException", "NotAuthorizedException",
		"TooManyRequestsException", "UnexpectedLambdaException", "InvalidUserPoolConfigurationException",
		"UserLambdaValidationException", "InvalidLambdaResponseException", "PasswordResetRequiredException",
		"UserNotFoundException", "UserNotConfirmedException", "InternalErrorException", "InvalidSmsRoleAccessPolicyException",
		"InvalidEmailRoleAccessPolicyException", "InvalidSmsRoleTrustRelationshipException", "ForbiddenException"),
	"AdminInitiateAuth": errorsOf("ResourceNotFoundException", "InvalidParameterException", "NotAuthorizedException",
		"TooManyRequestsException", "InternalErrorException", "UnexpectedLambdaException",
		"InvalidUserPoolConfigurationException", "UserLambdaValidationException", "InvalidLambdaResponseException",
		"MFAMethodNotFoundException", "InvalidSmsRoleAccessPolicyException", "InvalidEmailRoleAccessPolicyException",
		"InvalidSmsRoleTrustRelationshipException", "PasswordResetRequiredException", "UserNotFoundException",
		"UserNotConfirmedException"),
	"RespondToAuthChallenge": errorsOf("ResourceNotFoundException", "InvalidParameterException", "NotAuthorizedException",
		"CodeMismatchException", "ExpiredCodeException", "UnexpectedLambdaException", "UserLambdaValidationException",
		"InvalidPasswordException", "PasswordHistoryPolicyViolationException", "InvalidLambdaResponseException",
		"TooManyRequestsException", "InvalidUserPoolConfigurationException", "MFAMethodNotFoundException",
		"PasswordResetRequiredException", "UserNotFoundException", "UserNotConfirmedException",
		"InvalidSmsRoleAccessPolicyException", "InvalidSmsRoleTrustRelationshipException",
		"InvalidEmailRoleAccessPolicyException", "AliasExistsException", "InternalErrorException",
		"SoftwareTokenMFANotFoundException", "ForbiddenException"),
	"AdminRespondToAuthChallenge": errorsOf("ResourceNotFoundException", "InvalidParameterException", "NotAuthorizedException",
		"CodeMismatchException", "ExpiredCodeException", "UnexpectedLambdaException", "InvalidPasswordException",
		"PasswordHistoryPolicyViolationException", "UserLambdaValidationException", "InvalidLambdaResponseException",
		"TooManyRequestsException", "InvalidUserPoolConfigurationException", "InternalErrorException",
		"MFAMethodNotFoundException", "InvalidEmailRoleAccessPolicyException", "InvalidSmsRoleAccessPolicyException",
		"InvalidSmsRoleTrustRelationshipException", "AliasExistsException", "PasswordResetRequiredException",
		"UserNotFoundException", "UserNotConfirmedException", "SoftwareTokenMFANotFoundException"),
	"GlobalSignOut": errorsOf("ResourceNotFoundException", "InvalidParameterException", "NotAuthorizedException",
		"TooManyRequestsException", "PasswordResetRequiredException", "UserNotConfirmedException",
		"InternalErrorException", "ForbiddenException"),
	"AdminUserGlobalSignOut": errorsOf("ResourceNotFoundException", "InvalidParameterException", "TooManyRequestsException",
		"NotAuthorizedException", "UserNotFoundException", "InternalErrorException"),
	"GetUser": errorsOf("ResourceNotFoundException", "InvalidParameterException", "NotAuthorizedException",
		"TooManyRequestsException", "PasswordResetRequiredException", "UserNotFoundException", "UserNotConfirmedException",
		"InternalErrorException", "ForbiddenException"),
	"AdminGetUser": errorsOf("ResourceNotFoundException", "InvalidParameterException", "TooManyRequestsException",
		"NotAuthorizedException", "UserNotFoundException", "InternalErrorException"),
	"AdminDisableUser": errorsOf("ResourceNotFoundException", "InvalidParameterException", "TooManyRequestsException",
		"NotAuthorizedException", "UserNotFoundException", "InternalErrorException"),
	"AdminEnableUser": errorsOf("ResourceNotFoundException", "InvalidParameterException", "TooManyRequestsException",
		"NotAuthorizedException", "UserNotFoundException", "InternalErrorException"),
	"AdminSetUserPassword": errorsOf("ResourceNotFoundException", "NotAuthorizedException", "UserNotFoundException",
		"InternalErrorException", "TooManyRequestsException", "InvalidParameterException", "InvalidPasswordException",
		"PasswordHistoryPolicyViolationException"),
	"RevokeToken": errorsOf("TooManyRequestsException", "InternalErrorException", "UnauthorizedException",
		"InvalidParameterException", "UnsupportedOperationException", "UnsupportedTokenTypeException", "ForbiddenException"),
	"ChangePassword": errorsOf("ResourceNotFoundException", "InvalidParameterException", "InvalidPasswordException",
		"PasswordHistoryPolicyViolationException", "NotAuthorizedException", "TooManyRequestsException",
		"LimitExceededException", "PasswordResetRequiredException", "UserNotFoundException", "UserNotConfirmedException",
		"InternalErrorException", "ForbiddenException"),
	"AdminResetUserPassword": errorsOf("ResourceNotFoundException", "InvalidParameterException", "UnexpectedLambdaException",
		"UserLambdaValidationException", "NotAuthorizedException", "InvalidLambdaResponseException",
		"TooManyRequestsException", "LimitExceededException", "UserNotFoundException",
		"InvalidSmsRoleAccessPolicyException", "InvalidEmailRoleAccessPolicyException",
		"InvalidSmsRoleTrustRelationshipException", "InternalErrorException"),
}

// guessTrack is what InvGuessesBounded remembers of a user: the wrong
// guesses evaluated since the counter was last cleared, and the last one.
type guessTrack struct {
	failures int
	last     time.Time
}

// evaluatedGuess reports whether a call's answer shows that a guessed
// secret was evaluated and was wrong: a wrong one-time code
// (CodeMismatchException), or "Incorrect username or password." for a
// password sent with USER_PASSWORD_AUTH or ADMIN_USER_PASSWORD_AUTH (where
// nothing but the password can make it so).
func evaluatedGuess(c *Call) bool {
	switch {
	case c.Code() == challenge.ErrCodeMismatch:
		return true
	case c.Code() != challenge.ErrNotAuthorized || c.Message() != challenge.MsgIncorrectCredentials:
		return false
	}
	switch req := c.Request.(type) {
	case *challenge.InitiateAuthInput:
		return req.AuthFlow == challenge.FlowUserPasswordAuth && req.AuthParameters[challenge.KeyPassword] != ""
	case *challenge.AdminInitiateAuthInput:
		return req.AuthFlow == challenge.FlowAdminUserPasswordAuth && req.AuthParameters[challenge.KeyPassword] != ""
	}
	return false
}

// checkGuessesBounded: wrong guesses of a user's codes and passwords are
// evaluated no faster than the lockout allows: LockoutThreshold at once,
// then each one only after the lockout the previous one earned (1 s
// doubling up to LockoutMax), until a sign-in completes or an
// administrator clears the counter. It reads the answers only (the count
// is the invariant's own), so it holds the engine to the lockout even
// where the model would share its mistakes: a code that did not count, or
// parallel guesses that all got through.
func checkGuessesBounded(m *Model, c *Call) error {
	if c.User == "" || (c.Answered != nil && c.Answered.Decoy) {
		return nil
	}
	if m.guesses == nil {
		m.guesses = map[string]*guessTrack{}
	}
	g := m.guesses[c.User]
	if g == nil {
		g = &guessTrack{}
		m.guesses[c.User] = g
	}
	defer func() {
		// A completed sign-in (or an administrator) clears the counter.
		if u := m.Users[c.User]; c.Result != nil || (u != nil && u.Failed == 0 && !evaluatedGuess(c)) {
			*g = guessTrack{}
		}
	}()
	if !evaluatedGuess(c) {
		return nil
	}
	l := m.Limits
	if over := g.failures - l.LockoutThreshold; over >= 0 {
		lock := l.LockoutMax
		if over < 20 {
			lock = min(time.Second<<over, l.LockoutMax)
		}
		if wait := c.At.Sub(g.last); wait < lock {
			return fmt.Errorf("wrong guess %d for %s evaluated %s after the previous one; the lockout allows one only after %s",
				g.failures+1, c.User, wait, lock)
		}
	}
	g.failures++
	g.last = c.At
	return nil
}

// checkEntryPoint: an answer through the entry point that did not open
// the session (RespondToAuthChallenge for an AdminInitiateAuth session, or
// the reverse) never succeeds.
func checkEntryPoint(_ *Model, c *Call) error {
	if c.Answered == nil || strings.HasPrefix(c.Op, "Admin") == c.Answered.Admin {
		return nil
	}
	if err := refused(c, challenge.MsgInvalidSession, MsgExpiredSession); err != nil {
		return fmt.Errorf("session %s was opened at the other entry point: %w", short(c.Answered.Handle), err)
	}
	return nil
}
