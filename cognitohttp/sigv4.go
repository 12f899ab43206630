package cognitohttp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authflow/authflow/challenge"
)

// AWS Signature Version 4, as the AWS SDKs sign Cognito's IAM-authorized
// operations (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).

const (
	sigAlgorithm   = "AWS4-HMAC-SHA256"
	sigService     = "cognito-idp"
	sigTerminator  = "aws4_request"
	amzDateFormat  = "20060102T150405Z"
	scopeDate      = "20060102"
	maxClockSkew   = 15 * time.Minute
	headerAmzDate  = "X-Amz-Date"
	headerAmzHash  = "X-Amz-Content-Sha256"
	headerAmzToken = "X-Amz-Security-Token"
)

// Client-safe messages of signature failures, worded as AWS words them.
const (
	msgMissingToken     = "Missing Authentication Token"
	msgBadSignature     = "The request signature we calculated does not match the signature you provided."
	msgUnknownKey       = "The security token included in the request is invalid."
	msgSignatureExpired = "Signature expired: the request time is more than 15 minutes away from the server time."
)

func errSig(msg string) error { return challenge.New(challenge.ErrNotAuthorized, msg) }

// authorization is a parsed SigV4 Authorization header.
type authorization struct {
	accessKey, date, region, service string
	signedHeaders                    []string
	signature                        string
}

// scope returns "<date>/<region>/<service>/aws4_request".
func (a *authorization) scope() string {
	return a.date + "/" + a.region + "/" + a.service + "/" + sigTerminator
}

// parseAuthorization parses
//
//	AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders=<h1;h2>, Signature=<hex>
//
// checking its structure only.
func parseAuthorization(h string) (*authorization, error) {
	if h == "" {
		return nil, errSig(msgMissingToken)
	}
	rest, ok := strings.CutPrefix(h, sigAlgorithm+" ")
	if !ok || len(h) > 4096 {
		return nil, errSig("Authorization header is not a valid " + sigAlgorithm + " signature.")
	}
	a := &authorization{}
	var cred, signed string
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			a.signature = v
		}
	}
	fields := strings.Split(cred, "/")
	if len(fields) != 5 || fields[0] == "" || fields[4] != sigTerminator || signed == "" || a.signature == "" {
		return nil, errSig("Authorization header requires Credential, SignedHeaders and Signature.")
	}
	if _, err := time.Parse(scopeDate, fields[1]); err != nil || fields[2] == "" {
		return nil, errSig("Authorization header has an invalid credential scope.")
	}
	a.accessKey, a.date, a.region, a.service = fields[0], fields[1], fields[2], fields[3]
	a.signedHeaders = strings.Split(signed, ";")
	return a, nil
}

// verifySigV4 checks the SigV4 signature of r, whose body has already been
// read into body, against credentials (access key id -> secret) at now.
// Any region in the scope is accepted; the service must be cognito-idp.
func verifySigV4(r *http.Request, body []byte, credentials map[string]string, now time.Time) error {
	a, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	secret, ok := credentials[a.accessKey]
	if !ok {
		return errSig(msgUnknownKey)
	}
	if a.service != sigService {
		return errSig("Credential should be scoped to correct service: '" + sigService + "'.")
	}
	if err := requireSigned(r, a.signedHeaders); err != nil {
		return err
	}
	amzDate := r.Header.Get(headerAmzDate)
	when, err := time.Parse(amzDateFormat, amzDate)
	if err != nil || !slices.Contains(a.signedHeaders, "x-amz-date") {
		return errSig("Authorization header requires a signed 'X-Amz-Date' header.")
	}
	if !strings.HasPrefix(amzDate, a.date) {
		return errSig("Credential should be scoped to a valid date: '" + amzDate[:8] + "'.")
	}
	if d := now.Sub(when); d > maxClockSkew || d < -maxClockSkew {
		return errSig(msgSignatureExpired)
	}
	sum := sha256.Sum256(body)
	payload := hex.EncodeToString(sum[:])
	if h := r.Header.Get(headerAmzHash); h != "" && h != payload {
		// The hash is part of the signature, so a mismatch means a body
		// other than the one that was signed.
		return errSig(msgBadSignature)
	}
	canonical := canonicalRequest(r, a.signedHeaders, payload)
	want := signature(secret, a, amzDate, canonical)
	got, err := hex.DecodeString(a.signature)
	if err != nil || !hmac.Equal(got, want) {
		return errSig(msgBadSignature)
	}
	return nil
}

// requireSigned refuses a signature that leaves out Host, Content-Type or
// any x-amz-* header the request carries, as AWS does: otherwise a
// captured request could be replayed with another X-Amz-Target (another
// operation) or another content type, its signature still valid.
func requireSigned(r *http.Request, signed []string) error {
	if !slices.Contains(signed, "host") {
		return errSig("'Host' must be a signed header.")
	}
	names := make([]string, 0, len(r.Header))
	for name := range r.Header {
		names = append(names, name)
	}
	// The same answer every time, X-Amz-Target (the operation) first.
	slices.SortFunc(names, func(a, b string) int {
		at, bt := strings.EqualFold(a, "X-Amz-Target"), strings.EqualFold(b, "X-Amz-Target")
		switch {
		case at && !bt:
			return -1
		case bt && !at:
			return 1
		}
		return strings.Compare(a, b)
	})
	for _, name := range names {
		lower := strings.ToLower(name)
		if (lower == "content-type" || strings.HasPrefix(lower, "x-amz-")) && !slices.Contains(signed, lower) {
			return errSig("'" + http.CanonicalHeaderKey(name) + "' must be a signed header.")
		}
	}
	return nil
}

// signature returns the SigV4 signature of a canonical request.
func signature(secret string, a *authorization, amzDate, canonical string) []byte {
	hashed := sha256.Sum256([]byte(canonical))
	toSign := sigAlgorithm + "\n" + amzDate + "\n" + a.scope() + "\n" + hex.EncodeToString(hashed[:])
	key := hmacSHA256([]byte("AWS4"+secret), a.date)
	key = hmacSHA256(key, a.region)
	key = hmacSHA256(key, a.service)
	key = hmacSHA256(key, sigTerminator)
	return hmacSHA256(key, toSign)
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// canonicalRequest builds the SigV4 canonical request of r over the named
// (lower-case, sorted) headers.
func canonicalRequest(r *http.Request, signedHeaders []string, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(r.URL))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.Query()))
	b.WriteByte('\n')
	for _, name := range signedHeaders {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(headerValue(r, name))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// headerValue returns a header's canonical value: its values trimmed, inner
// runs of spaces collapsed, joined with commas. Host and Content-Length
// live outside r.Header on a server.
func headerValue(r *http.Request, name string) string {
	var values []string
	switch name {
	case "host":
		values = []string{r.Host}
	case "content-length":
		values = r.Header.Values("Content-Length")
		if len(values) == 0 && r.ContentLength >= 0 {
			values = []string{strconv.FormatInt(r.ContentLength, 10)}
		}
	default:
		values = r.Header.Values(name)
	}
	clean := make([]string, len(values))
	for i, v := range values {
		clean[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(clean, ",")
}

// canonicalURI is the escaped path, escaped once more (the SDKs do so for
// every service but S3); "/" when empty.
func canonicalURI(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	return uriEncode(p, false)
}

// canonicalQuery encodes every name and value, then sorts the pairs.
func canonicalQuery(q url.Values) string {
	var pairs []string
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, uriEncode(k, true)+"="+uriEncode(v, true))
		}
	}
	slices.Sort(pairs)
	return strings.Join(pairs, "&")
}

// uriEncode percent-encodes every byte outside RFC 3986's unreserved set,
// with upper-case hex; '/' is kept unless encodeSlash.
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~',
			c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

// signRequest signs r (whose body is body) for cognito-idp in region at
// now, setting X-Amz-Date and Authorization. It signs Host, Content-Type,
// X-Amz-Date, X-Amz-Target and, when set, X-Amz-Security-Token.
func signRequest(r *http.Request, body []byte, region, accessKey, secret, sessionToken string, now time.Time) {
	amzDate := now.UTC().Format(amzDateFormat)
	r.Header.Set(headerAmzDate, amzDate)
	if sessionToken != "" {
		r.Header.Set(headerAmzToken, sessionToken)
	}
	signed := []string{"content-type", "host", "x-amz-date", "x-amz-target"}
	if sessionToken != "" {
		signed = append(signed, "x-amz-security-token")
	}
	signRequestOver(r, body, region, accessKey, secret, sessionToken, now, signed)
}

// signRequestOver is signRequest over the given headers (lower case,
// sorted); X-Amz-Date and the session token are set as signRequest does.
func signRequestOver(r *http.Request, body []byte, region, accessKey, secret, sessionToken string, now time.Time, signed []string) {
	amzDate := now.UTC().Format(amzDateFormat)
	r.Header.Set(headerAmzDate, amzDate)
	if sessionToken != "" {
		r.Header.Set(headerAmzToken, sessionToken)
	}
	if r.Host == "" {
		r.Host = r.URL.Host
	}
	a := &authorization{accessKey: accessKey, date: amzDate[:8], region: region, service: sigService, signedHeaders: signed}
	sum := sha256.Sum256(body)
	canonical := canonicalRequest(r, signed, hex.EncodeToString(sum[:]))
	sig := hex.EncodeToString(signature(secret, a, amzDate, canonical))
	r.Header.Set("Authorization", sigAlgorithm+" Credential="+accessKey+"/"+a.scope()+
		", SignedHeaders="+strings.Join(signed, ";")+", Signature="+sig)
}
