package srp

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"
	"time"
)

// timestampLayout is Cognito's TIMESTAMP, Java's "EEE MMM d HH:mm:ss 'UTC'
// yyyy": English names, day of month not zero-padded, 24-hour clock.
const timestampLayout = "Mon Jan 2 15:04:05 UTC 2006"

// maxSignatureLen bounds the PASSWORD_CLAIM_SIGNATURE we decode; a valid
// one is 44 characters.
const maxSignatureLen = 128

// claimMessage returns poolName || userID || secretBlock || timestamp, the
// message that PASSWORD_CLAIM_SIGNATURE authenticates.
func claimMessage(poolName, userID string, secretBlock []byte, timestamp string) []byte {
	m := make([]byte, 0, len(poolName)+len(userID)+len(secretBlock)+len(timestamp))
	m = append(m, poolName...)
	m = append(m, userID...)
	m = append(m, secretBlock...)
	return append(m, timestamp...)
}

func claimMAC(key []byte, poolName, userID string, secretBlock []byte, timestamp string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write(claimMessage(poolName, userID, secretBlock, timestamp))
	return mac.Sum(nil)
}

// Signature returns PASSWORD_CLAIM_SIGNATURE:
// base64(HMAC-SHA256(key, poolName || userID || secretBlock || timestamp)),
// where secretBlock is the base64-decoded SECRET_BLOCK and timestamp the
// TIMESTAMP sent alongside (use FormatTimestamp). For device SRP pass the
// DeviceGroupKey and DeviceKey as poolName and userID.
func Signature(key []byte, poolName, userID string, secretBlock []byte, timestamp string) string {
	return base64.StdEncoding.EncodeToString(claimMAC(key, poolName, userID, secretBlock, timestamp))
}

// VerifySignature checks a PASSWORD_CLAIM_SIGNATURE the way Cognito does. It
// parses timestamp with ParseTimestamp (failure: ErrTimestampFormat), formats
// the instant again with FormatTimestamp, and compares, in constant time, the
// base64-decoded signature with the HMAC over the canonical string. So a
// TIMESTAMP that parses but is not canonical (zero-padded day, wrong weekday,
// unpadded hour, lower-case names, extra spaces) fails unless the client
// signed the canonical form. A mismatch, or a signature that is not
// canonical standard base64 (padded, no line breaks), gives
// ErrSignatureMismatch; an empty key gives ErrInvalidArgument.
// The clock is not checked: compare the parsed instant yourself if you want
// a skew limit.
func VerifySignature(key []byte, poolName, userID string, secretBlock []byte, timestamp, signature string) error {
	if len(key) == 0 {
		return errorf(ErrInvalidArgument, "empty session key")
	}
	t, err := ParseTimestamp(timestamp)
	if err != nil {
		return err
	}
	if len(signature) > maxSignatureLen {
		return errorf(ErrSignatureMismatch, "signature longer than %d bytes", maxSignatureLen)
	}
	// Strict: no line breaks (which the decoder would skip) and no non-zero
	// padding bits, so only the one canonical encoding is accepted.
	got, err := base64.StdEncoding.Strict().DecodeString(signature)
	if err != nil || strings.ContainsAny(signature, "\r\n") {
		return errorf(ErrSignatureMismatch, "signature is not valid base64")
	}
	want := claimMAC(key, poolName, userID, secretBlock, FormatTimestamp(t))
	if !hmac.Equal(got, want) {
		return errorf(ErrSignatureMismatch, "signature does not match")
	}
	return nil
}

// FormatTimestamp formats t in UTC as Cognito's TIMESTAMP,
// "EEE MMM d HH:mm:ss UTC yyyy" (Go layout "Mon Jan 2 15:04:05 UTC 2006"),
// for example "Tue Nov 3 09:05:07 UTC 2026". Fractions of a second are
// dropped. Years outside 0000..9999 give strings ParseTimestamp refuses.
func FormatTimestamp(t time.Time) string {
	return t.UTC().Format(timestampLayout)
}

// ParseTimestamp parses a TIMESTAMP with the layout of FormatTimestamp and
// returns the instant in UTC. Like Cognito (and Go's time.Parse) it is
// lenient about the form: a zero-padded day or unpadded hour, any case of
// the English names, repeated spaces and a weekday that does not match the
// date are all accepted here, and only VerifySignature's comparison with the
// canonical string rejects them. It refuses, with ErrTimestampFormat,
// strings longer than MaxTimestampLen, anything else that does not parse,
// and fractional seconds.
func ParseTimestamp(s string) (time.Time, error) {
	if len(s) > MaxTimestampLen {
		return time.Time{}, errorf(ErrTimestampFormat, "longer than %d bytes", MaxTimestampLen)
	}
	t, err := time.Parse(timestampLayout, s)
	if err != nil {
		return time.Time{}, errorf(ErrTimestampFormat, "unparseable")
	}
	if t.Nanosecond() != 0 {
		return time.Time{}, errorf(ErrTimestampFormat, "fractional seconds")
	}
	return t, nil
}

// SecretHash returns SECRET_HASH for an app client with a secret:
// base64(HMAC-SHA256(key = clientSecret, message = username || clientID)).
func SecretHash(clientSecret, username, clientID string) string {
	mac := hmac.New(sha256.New, []byte(clientSecret))
	mac.Write([]byte(username))
	mac.Write([]byte(clientID))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// VerifySecretHash reports whether got equals SecretHash(clientSecret,
// username, clientID) exactly (standard padded base64), comparing in constant
// time. It fails closed: an empty clientSecret never verifies, since an app
// client without a secret must not be sent a SECRET_HASH check at all.
func VerifySecretHash(clientSecret, username, clientID, got string) bool {
	if clientSecret == "" {
		return false
	}
	want := SecretHash(clientSecret, username, clientID)
	return subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}
