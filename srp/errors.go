package srp

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Functions wrap them with a short reason; match them with
// errors.Is. No error returned by this package ever contains a key, a
// password, a private exponent or the input that was rejected.
var (
	// ErrInvalidA reports an unacceptable SRP_A: malformed, too long, or
	// congruent to 0 modulo N.
	ErrInvalidA = errors.New("srp: invalid SRP_A")

	// ErrInvalidB reports an unacceptable SRP_B: malformed, too long,
	// congruent to 0 modulo N, or (on the server) a random b that produced
	// such a B.
	ErrInvalidB = errors.New("srp: invalid SRP_B")

	// ErrZeroU reports that the scrambling parameter u = H(A||B) is zero.
	ErrZeroU = errors.New("srp: scrambling parameter u is zero")

	// ErrTimestampFormat reports a TIMESTAMP that does not parse as
	// "EEE MMM d HH:mm:ss UTC yyyy". Cognito answers such input with
	// InvalidParameterException.
	ErrTimestampFormat = errors.New("srp: TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english")

	// ErrSignatureMismatch reports a PASSWORD_CLAIM_SIGNATURE that does not
	// match (wrong password, non-canonical TIMESTAMP, bad base64, ...).
	// Cognito answers it with NotAuthorizedException.
	ErrSignatureMismatch = errors.New("srp: password claim signature mismatch")

	// ErrMalformedHex reports a hexadecimal string that is empty or contains
	// a character outside [0-9a-fA-F].
	ErrMalformedHex = errors.New("srp: malformed hex")

	// ErrTooLarge reports an input longer than the limit for its field.
	ErrTooLarge = errors.New("srp: value too large")

	// ErrInvalidVerifier reports a stored verifier v that is not in 1..N-1.
	ErrInvalidVerifier = errors.New("srp: invalid verifier")

	// ErrInvalidArgument reports a programming error by the caller (a nil
	// or negative number where a value is required, a non-positive secret
	// exponent, an empty session key, a zero Client, a nil io.Reader) or a
	// random source that returned only zero bytes for a.
	ErrInvalidArgument = errors.New("srp: invalid argument")
)

// detailError is a sentinel (or two) plus a reason. Its message never holds
// secret material: callers pass only fixed text and sizes.
type detailError struct {
	msg  string
	errs []error
}

func (e *detailError) Error() string   { return e.msg }
func (e *detailError) Unwrap() []error { return e.errs }

// errorf returns an error that matches kind, with message "<kind>: <reason>".
func errorf(kind error, format string, args ...any) error {
	return &detailError{msg: kind.Error() + ": " + fmt.Sprintf(format, args...), errs: []error{kind}}
}

// within returns err additionally marked as kind, with message
// "<kind>: <err without its srp: prefix>".
func within(kind, err error) error {
	return &detailError{msg: kind.Error() + ": " + strings.TrimPrefix(err.Error(), "srp: "), errs: []error{kind, err}}
}
