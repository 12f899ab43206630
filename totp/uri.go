package totp

import (
	"net/url"
	"strconv"
	"strings"
)

// URI returns the otpauth:// key URI that authenticator apps read (usually
// from a QR code) for secret with the default parameters:
//
//	otpauth://totp/Issuer:Account?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
//
// Cognito returns only the SecretCode; clients build this URI themselves.
// Label and parameters are percent-encoded; a space is written %20 and a
// '+' %2B, so no reader can confuse the two.
//
// The key URI format forbids a colon in the issuer. When issuer is empty or
// contains one, the label is the account name alone, so that readers do not
// split it at the wrong colon; a non-empty issuer is still sent as the issuer
// parameter. A well-formed secret is written in canonical form (see
// [NormalizeSecret]); a malformed one is written as given, escaped, so check
// secrets before building URIs from untrusted input.
func URI(secret, issuer, accountName string) string {
	if s, err := NormalizeSecret(secret); err == nil {
		secret = s
	}
	label := labelEscape(accountName)
	if issuer != "" && !strings.Contains(issuer, ":") {
		label = labelEscape(issuer) + ":" + label
	}
	var b strings.Builder
	b.WriteString("otpauth://totp/")
	b.WriteString(label)
	b.WriteString("?secret=")
	b.WriteString(queryEscape(secret))
	if issuer != "" {
		b.WriteString("&issuer=")
		b.WriteString(queryEscape(issuer))
	}
	b.WriteString("&algorithm=SHA1&digits=")
	b.WriteString(strconv.Itoa(DefaultDigits))
	b.WriteString("&period=")
	b.WriteString(strconv.Itoa(int(DefaultPeriod.Seconds())))
	return b.String()
}

// queryEscape escapes s for a query value, writing a space as %20: some
// authenticator apps show a '+' literally.
func queryEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// labelEscape escapes s for the label (a path segment), writing '+' as %2B
// so that no reader can take it for a space.
func labelEscape(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), "+", "%2B")
}
