package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// Limits of the self-service code operations (ForgotPassword,
// ResendConfirmationCode, ConfirmForgotPassword, ConfirmSignUp).
//
// Requests: at most DefaultCodeRequests codes are sent to one user per
// DefaultCodeRequestWindow, counting ForgotPassword and
// ResendConfirmationCode together; beyond that they answer
// LimitExceededException. Names that do not exist are counted alike, so
// the limit tells nothing about who exists.
//
// Guesses: each code a caller submits is counted before it is checked,
// twice: (1) against DefaultCodeGuesses per DefaultCodeGuessWindow for the
// user and purpose (TooManyFailedAttemptsException beyond), a budget that a
// new code does not reset; (2) as a failure towards the user's sign-in
// lockout (reserveGuess), the same counter wrong passwords feed, cleared
// by a right code. A user in a lockout gets LimitExceededException.
const (
	DefaultCodeRequests      = 5
	DefaultCodeRequestWindow = time.Hour
	DefaultCodeGuesses       = 5
	DefaultCodeGuessWindow   = time.Hour
)

// The self-service code purposes (keys of User.Codes).
const (
	purposeSignUp = "signup"
	purposeReset  = "reset"
)

func errCodeRequestLimit() error {
	return challenge.New(challenge.ErrLimitExceeded, "Attempt limit exceeded, please try after some time.")
}

func errCodeMismatch() error {
	return challenge.New(challenge.ErrCodeMismatch, "Invalid verification code provided, please try again.")
}

func errCodeGuessLimit() error {
	return challenge.New(challenge.ErrTooManyFailedAttempts, "Attempt limit exceeded, please try after some time.")
}

// hidesExistence reports whether the client asks for uniform answers for
// names that do not exist (PreventUserExistenceErrors=ENABLED).
func hidesExistence(c *flow.AppClient) bool {
	return c.PreventUserExistenceErrors == challenge.PreventUserExistenceErrorsOn
}

// selfServiceName is the name whose budgets a call spends: the user's
// username when the user exists, else the canonical form of the name given.
func selfServiceName(p *flow.Pool, u *flow.User, given string) string {
	if u != nil {
		return u.Username
	}
	return flow.CanonicalUsername(p, given)
}

// takeCodeRequest counts one code request for name (see the limits
// above). An error of the Limiter refuses the request.
func (s *Service) takeCodeRequest(ctx context.Context, p *flow.Pool, name string) error {
	n, err := s.limiter.Take(ctx, "coderequest\x00"+p.ID+"\x00"+name, DefaultCodeRequestWindow)
	if err != nil {
		return errInternal(err)
	}
	if n > DefaultCodeRequests {
		return errCodeRequestLimit()
	}
	return nil
}

// reserveCodeGuess counts one submitted code for name and purpose before
// it is checked: against the code-guess budget, then as a failure towards
// the lockout. settle(true) after a right code clears the lockout counter.
// For a name that does not exist the same counts are kept by the Limiter,
// so the answers are the same as for a user.
func (s *Service) reserveCodeGuess(ctx context.Context, p *flow.Pool, name, purpose string) (settle func(ok bool) error, err error) {
	n, err := s.limiter.Take(ctx, "codeguess\x00"+p.ID+"\x00"+purpose+"\x00"+name, DefaultCodeGuessWindow)
	if err != nil {
		return nil, errInternal(err)
	}
	if n > DefaultCodeGuesses {
		return nil, errCodeGuessLimit()
	}
	settle, err = s.kit.ReserveGuess(ctx, p, name, s.now())
	if err != nil {
		if challenge.CodeOf(err) == challenge.ErrNotAuthorized {
			// In a lockout: the code operations say so as Cognito does.
			return nil, errCodeRequestLimit()
		}
		return nil, err
	}
	return settle, nil
}

// decoyDelivery is the CodeDeliveryDetails shown for a name that cannot
// receive a code (it does not exist, or has nowhere to send one) when the
// client hides existence. It has the form of a real one and is derived
// from the name with the decoy key, so repeated calls agree: an email- or
// phone-shaped name masks as itself (as a real alias would), any other
// name gets letters (or digits, in a pool that verifies phones only) of
// its own.
func (s *Service) decoyDelivery(p *flow.Pool, name string) *challenge.CodeDeliveryDetailsType {
	email := func(dest string) *challenge.CodeDeliveryDetailsType {
		return &challenge.CodeDeliveryDetailsType{AttributeName: "email", DeliveryMedium: challenge.DeliveryMediumEmail,
			Destination: flow.MaskDestination(challenge.DeliveryMediumEmail, dest)}
	}
	sms := func(dest string) *challenge.CodeDeliveryDetailsType {
		return &challenge.CodeDeliveryDetailsType{AttributeName: "phone_number", DeliveryMedium: challenge.DeliveryMediumSMS,
			Destination: flow.MaskDestination(challenge.DeliveryMediumSMS, dest)}
	}
	if local, domain, ok := strings.Cut(name, "@"); ok && local != "" && domain != "" {
		return email(strings.ToLower(name))
	}
	if len(name) > 5 && name[0] == '+' && strings.Trim(name[1:], "0123456789") == "" {
		return sms(name)
	}
	mac := hmac.New(sha256.New, s.decoyKey)
	mac.Write([]byte("decoy destination\x00" + p.ID + "\x00" + name))
	sum := mac.Sum(nil)
	if len(p.AutoVerifiedAttributes) == 1 && p.AutoVerifiedAttributes[0] == "phone_number" {
		digits := []byte("+1555555")
		for _, b := range sum[:4] {
			digits = append(digits, '0'+b%10)
		}
		return sms(string(digits))
	}
	const letters = "abcdefghijklmnopqrstuvwxyz"
	return email(string(letters[sum[0]%26]) + "@" + string(letters[sum[1]%26]) + ".example")
}

// guessCode checks a submitted code for purpose against u's pending code,
// u having been read after the guess was reserved. A missing, expired or
// wrong code answers CodeMismatchException; an expired one says
// ExpiredCodeException instead unless the client hides existence (a name
// that does not exist cannot have an expired code). On success the code
// is removed from u (the caller saves u).
//
// u may be nil (a name that does not exist): the same work is done, so
// the answer takes as long.
func (s *Service) guessCode(c *flow.AppClient, u *flow.User, purpose, code string, now time.Time) error {
	if len(code) > 16 {
		return errCodeMismatch()
	}
	sum := s.kit.CodeHash(purpose, code)
	var pc flow.PendingCode
	ok := false
	if u != nil {
		pc, ok = u.Codes[purpose]
	}
	right := hmac.Equal(pc.Hash, sum)
	if !ok {
		return errCodeMismatch()
	}
	if !now.Before(pc.Expires) {
		if hidesExistence(c) {
			return errCodeMismatch()
		}
		return challenge.New(challenge.ErrExpiredCode, challenge.MsgExpiredCode)
	}
	if !right {
		return errCodeMismatch()
	}
	delete(u.Codes, purpose)
	return nil
}

// selfServicePads holds the padding of each self-service operation (see
// padAnswer): the durations of one operation say nothing of another's.
type selfServicePads struct {
	forgot, confirmForgot, confirmSignUp, resend flow.Padder
}

// padAnswer makes an answer about a name that does not exist take as long
// as one about a user when the client hides existence (issue 12, item 5):
// an answer about a user records its duration since start, and every
// answer, success or failure, user or not, waits until the 90th
// percentile of the recent users' durations of the operation has passed
// (see flow.Padder). Durations are wall-clock time, not the Service's
// clock. Call it deferred, once the client and the user are known.
func padAnswer(ctx context.Context, pad *flow.Padder, hide, known bool, start time.Time) {
	if !hide {
		return
	}
	if known {
		pad.Record(time.Since(start))
	}
	pad.Wait(ctx, start)
}
