// Package totp implements the time-based one-time passwords (RFC 6238) behind
// Cognito's software-token MFA (AssociateSoftwareToken, VerifySoftwareToken and
// the SOFTWARE_TOKEN_MFA challenge), on top of github.com/pquerna/otp.
//
// Secrets travel in Cognito's SecretCode form: unpadded, upper-case base32
// ([A-Z2-7]). [NewSecret] draws a 32-byte secret from an injected reader (a
// 52-character SecretCode), [URI] builds the otpauth:// link an authenticator
// app scans, and [NormalizeSecret] turns a lower-case or padded secret into the
// canonical form.
//
// [Config.Validate] checks a code against a window of time steps and reports
// which step matched. The package keeps no state, so it cannot stop a code from
// being used twice on its own: callers that must refuse replays (the engine
// must, RFC 6238 §5.2) use [Config.ValidateOnce], store the step it returns
// with the user, and pass it back on the next attempt. Attempt counting and
// lock-outs are the caller's job as well.
//
// Time is always passed in; the package never reads the clock. Randomness
// comes from the reader given to [NewSecret]. Inputs are bounded before any
// work is done (a secret is at most [MaxSecretLen] bytes, a code must be
// exactly Digits long, a window at most [MaxSkew] steps either side), and
// neither secrets nor codes ever appear in error messages.
//
// All functions and methods are safe for concurrent use; [Config] is a plain
// value.
package totp
