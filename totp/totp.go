package totp

import (
	"crypto/subtle"
	"errors"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// Defaults used by [DefaultConfig] and by zero fields of a [Config]: those of
// RFC 6238 and the common authenticator apps. Cognito does not document its
// own TOTP parameters; clients scan its SecretCode into such apps.
const (
	// DefaultPeriod is the length of one time step.
	DefaultPeriod = 30 * time.Second
	// DefaultDigits is the number of digits in a code.
	DefaultDigits = 6
	// DefaultSkew is the number of steps accepted on either side of the
	// current one, to absorb clock drift and typing time.
	DefaultSkew = 1
)

// Limits on a [Config].
const (
	// MinDigits is the smallest Config.Digits accepted (RFC 4226 §5.3).
	MinDigits = 6
	// MaxDigits is the largest Config.Digits accepted.
	MaxDigits = 8
	// MaxSkew bounds Config.Skew, so that one validation never computes
	// more than 2*MaxSkew+1 codes.
	MaxSkew = 10
)

var (
	// ErrInvalidSecret reports a secret that is not base32 of the accepted
	// form and size (see [NormalizeSecret]). The secret itself is never part
	// of the message.
	ErrInvalidSecret = errors.New("totp: invalid secret")
	// ErrInvalidConfig reports a [Config] outside the supported range: a
	// negative period or one that is not a whole number of seconds, Digits
	// outside [MinDigits, MaxDigits], or Skew above [MaxSkew].
	ErrInvalidConfig = errors.New("totp: invalid configuration")
	// ErrInvalidTime reports a time before the Unix epoch, which has no time
	// step. It usually means an uninitialised (zero) time.Time.
	ErrInvalidTime = errors.New("totp: time before the Unix epoch")
)

// Config describes the TOTP parameters. The algorithm is always HMAC-SHA1,
// the one every authenticator app supports.
//
// A zero Period means [DefaultPeriod] and a zero Digits means
// [DefaultDigits]. Skew is taken as given: zero accepts the current step
// only. Use [DefaultConfig] for the usual window.
type Config struct {
	// Period is the length of one time step; a positive whole number of
	// seconds.
	Period time.Duration
	// Digits is the length of a code, from MinDigits to MaxDigits.
	Digits int
	// Skew is the number of steps accepted on either side of the current
	// one, at most MaxSkew.
	Skew uint
}

// DefaultConfig returns 30-second steps, 6-digit codes and a window of one
// step on either side (so a code from 30 seconds early or late passes and one
// from 60 seconds does not). This is the configuration the engine uses.
func DefaultConfig() Config {
	return Config{Period: DefaultPeriod, Digits: DefaultDigits, Skew: DefaultSkew}
}

// params is a checked Config with defaults applied.
type params struct {
	period int64 // seconds
	digits int
	skew   int64
}

func (c Config) params() (params, error) {
	p := params{period: int64(c.Period / time.Second), digits: c.Digits, skew: int64(c.Skew)}
	switch {
	case c.Period == 0:
		p.period = int64(DefaultPeriod / time.Second)
	case c.Period < time.Second || c.Period%time.Second != 0:
		return params{}, ErrInvalidConfig
	}
	if p.digits == 0 {
		p.digits = DefaultDigits
	}
	if p.digits < MinDigits || p.digits > MaxDigits || c.Skew > MaxSkew {
		return params{}, ErrInvalidConfig
	}
	return p, nil
}

func (p params) opts() hotp.ValidateOpts {
	return hotp.ValidateOpts{Digits: otp.Digits(p.digits), Algorithm: otp.AlgorithmSHA1}
}

// step returns the time step (the HOTP counter) that contains at.
func (p params) step(at time.Time) (int64, error) {
	unix := at.Unix() // rounds down, also for fractional seconds
	if unix < 0 {
		return 0, ErrInvalidTime
	}
	return unix / p.period, nil
}

// Step returns the time step (the HOTP counter) that contains at: the number
// of whole periods since the Unix epoch. It is the value [Config.Validate]
// reports for a code of the current step.
func (c Config) Step(at time.Time) (uint64, error) {
	p, err := c.params()
	if err != nil {
		return 0, err
	}
	s, err := p.step(at)
	return uint64(s), err
}

// Code returns the code for secret at time at, as an authenticator app would
// show it. It is meant for tests and clients; servers use [Config.Validate].
//
// Errors: [ErrInvalidConfig], [ErrInvalidSecret], [ErrInvalidTime].
func (c Config) Code(secret string, at time.Time) (string, error) {
	p, err := c.params()
	if err != nil {
		return "", err
	}
	key, err := NormalizeSecret(secret)
	if err != nil {
		return "", err
	}
	s, err := p.step(at)
	if err != nil {
		return "", err
	}
	code, err := hotp.GenerateCodeCustom(key, uint64(s), p.opts())
	if err != nil {
		return "", ErrInvalidSecret
	}
	return code, nil
}

// Validate reports whether code is the code for secret in the window around
// at: the current step, then one step later, one earlier, and so on up to
// Skew steps either side. On success it returns the matched step (the HOTP
// counter); the first match in that order wins.
//
// A wrong code, or one that is not exactly Digits ASCII digits (spaces,
// signs and over-long input included), gives ok == false and a nil error.
// The error is non-nil only for a bad secret ([ErrInvalidSecret]), a bad
// Config ([ErrInvalidConfig]) or a time before 1970 ([ErrInvalidTime]).
//
// Validate does not prevent replay: the same code validates again until it
// leaves the window. Use [Config.ValidateOnce] to refuse reused codes.
//
// Every well-formed code costs the same work: all steps of the window are
// computed and compared in constant time, whichever of them matches.
func (c Config) Validate(secret, code string, at time.Time) (step uint64, ok bool, err error) {
	return c.validate(secret, code, at, 0, false)
}

// ValidateOnce is [Config.Validate] with replay refusal: it accepts only a
// matching step strictly greater than lastStep, the step returned by the
// last successful validation for this secret (0 if there was none). A code
// that was already used, or one older than it, gives ok == false.
//
// On success the caller must store the returned step before it grants
// anything, and must serialise ValidateOnce calls for the same secret (for
// example with a compare-and-swap on the stored step); otherwise two
// concurrent requests carrying the same code could both succeed.
//
// When a code matches several steps of the window, the first eligible one in
// the order of [Config.Validate] is returned.
func (c Config) ValidateOnce(secret, code string, at time.Time, lastStep uint64) (step uint64, ok bool, err error) {
	return c.validate(secret, code, at, lastStep, true)
}

func (c Config) validate(secret, code string, at time.Time, lastStep uint64, once bool) (uint64, bool, error) {
	p, err := c.params()
	if err != nil {
		return 0, false, err
	}
	key, err := NormalizeSecret(secret)
	if err != nil {
		return 0, false, err
	}
	cur, err := p.step(at)
	if err != nil {
		return 0, false, err
	}
	if !wellFormedCode(code, p.digits) {
		return 0, false, nil
	}
	opts := p.opts()
	var found, step uint64
	// Walk current, +1, -1, +2, -2, ... without stopping at a match, so the
	// time taken does not depend on which step matched.
	for i := int64(0); i <= 2*p.skew; i++ {
		s := cur + (i+1)/2
		if i%2 == 0 {
			s = cur - i/2
		}
		if s < 0 {
			continue // before the epoch; depends on the time only
		}
		match, err := hotp.ValidateCustom(code, uint64(s), key, opts)
		if err != nil {
			// Cannot happen after NormalizeSecret and wellFormedCode.
			return 0, false, ErrInvalidSecret
		}
		eligible := !once || uint64(s) > lastStep
		take := b2u(match) & b2u(eligible) & (found ^ 1)
		mask := -take
		step = step&^mask | uint64(s)&mask
		found |= take
	}
	if found == 0 {
		return 0, false, nil
	}
	return step, true, nil
}

// wellFormedCode reports whether code is exactly n ASCII digits. Its timing
// depends only on the length of the code.
func wellFormedCode(code string, n int) bool {
	if len(code) != n {
		return false
	}
	bad := 0
	for i := 0; i < len(code); i++ {
		bad |= subtle.ConstantTimeLessOrEq(int(code[i]), '0'-1) |
			subtle.ConstantTimeLessOrEq('9'+1, int(code[i]))
	}
	return bad == 0
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
