package cognitohttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/google/uuid"
)

// ContentType is the media type of every request and response body.
const ContentType = "application/x-amz-json-1.1"

// Options configure a handler. The zero value serves the engine with
// SigV4 signatures required but not verified, no JWKS, and no logging.
type Options struct {
	// Credentials, when not nil, turns on SigV4 verification of the
	// IAM-authorized operations: it maps an access key id to its secret.
	// When nil, those operations only need a well-formed Authorization
	// header (as for local use with dummy credentials, like cognito-local).
	Credentials map[string]string
	// JWKS returns the JWKS document of a pool's token signing keys, served
	// at GET /<poolId>/.well-known/jwks.json. nil means that path is not
	// served (404).
	JWKS func(ctx context.Context, poolID string) ([]byte, error)
	// IssuerURL returns the iss of a pool's tokens, for its
	// openid-configuration; nil means
	// https://cognito-idp.<region>.amazonaws.com/<poolId>. Give it the
	// same function as the token issuer.
	IssuerURL func(poolID string) string
	// PublicURL is this server's base URL as clients reach it (for
	// example "http://localhost:9229"). The openid-configuration points
	// jwks_uri here, or, when empty, at the scheme and Host of the request
	// (never at the issuer when that is Cognito's URL, which does not
	// serve this server's keys).
	PublicURL string
	// ManagedLogin, when true, says that the server serves each pool's
	// domain (CreateUserPoolDomain) under PublicURL/<domain>/ (package
	// managedlogin): the openid-configuration of a pool with a domain
	// then names its OAuth 2.0 endpoints. When false it names none.
	ManagedLogin bool
	// Logger receives one line per request (operation, outcome, HTTP
	// status, latency, request id) and the cause of every internal error.
	// Bodies, tokens, passwords, codes and sessions are never logged.
	// nil means no logging.
	Logger *slog.Logger
	// CORSOrigins are the web origins (scheme://host[:port], for example
	// "https://admin.example.com") whose pages may call the IAM-authorized
	// operations (Admin*, pool and client management) from a browser.
	// Pages of every other origin may call only the public operations that
	// amazon-cognito-identity-js and Amplify use: their preflights are not
	// offered the Authorization header, and a signed operation that arrives
	// with their Origin header is refused. "*" allows every origin (do not
	// use it on a server that other people's pages can reach). Empty means
	// no origin, whether or not Credentials is set: any page in a
	// developer's browser could otherwise drive a local server's admin
	// operations.
	CORSOrigins []string
	// Now is the clock for signature dates (default time.Now).
	Now func() time.Time
	// RequestID returns the x-amzn-RequestId of each answer (default a
	// random UUID). It must be safe for concurrent use.
	RequestID func() string
}

// handler is the http.Handler NewHandler returns.
type handler struct {
	ops  map[string]operation
	opts Options
	log  *slog.Logger
	s    Service
}

// NewHandler returns an http.Handler that speaks Cognito's JSON 1.1
// protocol for s: POST / with X-Amz-Target
// "AWSCognitoIdentityProviderService.<Operation>" runs that operation (see
// Operations), GET /<poolId>/.well-known/jwks.json and
// /<poolId>/.well-known/openid-configuration serve token verification
// metadata, and OPTIONS answers CORS preflights.
//
// Successes are 200 with the JSON result ({} for none). Errors are 400
// (500 for InternalErrorException, which SDKs retry) with the body
// {"__type":"<Exception>","message":"<text>"} and the header
// x-amzn-ErrorType "<Exception>:". An unknown or missing target is an
// UnknownOperationException, and so is one of Cognito's operations that
// the handler does not serve (CognitoOperation), whose message names it
// in full as not supported by authflow; a body over challenge.MaxRequestBytes, not
// JSON, or with a member of the wrong type is an InvalidParameterException;
// a missing, malformed or (with Options.Credentials) wrong signature on an
// IAM-authorized operation is a NotAuthorizedException, and so is such an
// operation sent with an Origin header that Options.CORSOrigins does not
// allow. Other methods are answered 405 and other paths 404, in the same
// JSON shape. Every answer has x-amzn-RequestId and
// Access-Control-Allow-Origin (the request's Origin, or *); preflights
// offer the Authorization and other signing headers only to the origins of
// Options.CORSOrigins.
//
// To serve the protocol below a path prefix, wrap the handler in
// http.StripPrefix. The handler is safe for concurrent use.
func NewHandler(s Service, opts Options) http.Handler {
	h := &handler{ops: map[string]operation{}, opts: opts, log: opts.Logger, s: s}
	for _, o := range operations() {
		h.ops[o.name] = o
	}
	if h.opts.Now == nil {
		h.opts.Now = time.Now
	}
	if h.opts.RequestID == nil {
		h.opts.RequestID = uuid.NewString
	}
	h.opts.PublicURL = strings.TrimSuffix(h.opts.PublicURL, "/")
	h.opts.CORSOrigins = make([]string, len(opts.CORSOrigins))
	for i, o := range opts.CORSOrigins {
		h.opts.CORSOrigins[i] = strings.TrimSuffix(o, "/")
	}
	return h
}

// CORS lists. Every origin may send the headers of the public operations
// (what amazon-cognito-identity-js and Amplify send); only the origins of
// Options.CORSOrigins may also send those of a SigV4 signature.
const (
	corsAllowMethods       = "POST, GET, OPTIONS"
	corsPublicHeaders      = "content-type, x-amz-target, x-amz-user-agent, cache-control, pragma, amz-sdk-invocation-id, amz-sdk-request"
	corsSignedExtraHeaders = "authorization, x-amz-date, x-amz-content-sha256, x-amz-security-token"
	corsExposeHeaders      = "x-amzn-RequestId, x-amzn-ErrorType"
)

// msgCrossOrigin is the refusal of a signed operation sent by a page of an
// origin the operator did not allow.
const msgCrossOrigin = "Cross-origin requests may not call IAM-authorized operations from this origin."

// signedOriginAllowed reports whether a request with the given Origin
// header ("" for none: not a browser's cross-origin request) may call the
// IAM-authorized operations.
func (h *handler) signedOriginAllowed(origin string) bool {
	if origin == "" {
		return true
	}
	for _, o := range h.opts.CORSOrigins {
		if o == "*" || o == origin {
			return true
		}
	}
	return false
}

// exchange is one request being answered.
type exchange struct {
	w       http.ResponseWriter
	r       *http.Request
	start   time.Time
	id      string
	op      string // operation (or route) name for the log
	status  int
	outcome string // "ok" or the exception name
	cause   error  // for the log of internal errors
	logged  bool
	h       *handler
}

// finish writes the request's log line, once. It runs before the body is
// written, so the line exists by the time the client has its answer.
func (x *exchange) finish() {
	if !x.logged {
		x.logged = true
		x.h.logExchange(x)
	}
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := &exchange{w: w, r: r, start: time.Now(), id: h.opts.RequestID(), h: h}
	hdr := w.Header()
	hdr.Set("X-Amzn-Requestid", x.id)
	if origin := r.Header.Get("Origin"); origin != "" {
		hdr.Set("Access-Control-Allow-Origin", origin)
		hdr.Add("Vary", "Origin")
	} else {
		hdr.Set("Access-Control-Allow-Origin", "*")
	}
	hdr.Set("Access-Control-Expose-Headers", corsExposeHeaders)
	defer x.finish()
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			x.cause = fmt.Errorf("panic: %v\n%s", v, debug.Stack())
			if x.status == 0 {
				x.fail(challenge.New(challenge.ErrInternalError, "An internal error occurred."))
			}
		}
	}()

	switch r.Method {
	case http.MethodOptions:
		x.op = "OPTIONS"
		hdr.Set("Access-Control-Allow-Methods", corsAllowMethods)
		allow := corsPublicHeaders
		if origin := r.Header.Get("Origin"); origin != "" && h.signedOriginAllowed(origin) {
			allow += ", " + corsSignedExtraHeaders
		}
		hdr.Set("Access-Control-Allow-Headers", allow)
		hdr.Set("Access-Control-Max-Age", "86400")
		x.status, x.outcome = http.StatusNoContent, "ok"
		x.finish()
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPost:
		h.post(x)
	case http.MethodGet:
		h.get(x)
	default:
		x.op = r.Method
		hdr.Set("Allow", corsAllowMethods)
		x.failStatus(http.StatusMethodNotAllowed, challenge.New(challenge.ErrUnknownOperation, "Method "+sanitize(r.Method)+" is not allowed."))
	}
}

// post dispatches one operation.
func (h *handler) post(x *exchange) {
	r := x.r
	if r.URL.Path != "/" && r.URL.Path != "" {
		x.op = "POST"
		x.failStatus(http.StatusNotFound, challenge.New(challenge.ErrUnknownOperation, "Operations are served at the path /."))
		return
	}
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, TargetPrefix)
	o, known := h.ops[name]
	if !ok || !known {
		x.op = sanitize(target)
		switch {
		case target == "":
			x.fail(challenge.New(challenge.ErrUnknownOperation, "Missing X-Amz-Target header."))
		case ok && CognitoOperation(name):
			x.fail(challenge.New(challenge.ErrUnknownOperation, "Operation "+target+" is not supported by authflow."))
		default:
			x.fail(challenge.New(challenge.ErrUnknownOperation, "Unknown operation "+sanitize(target)+"."))
		}
		return
	}
	x.op = name
	if !acceptedContentType(r.Header.Get("Content-Type")) {
		x.fail(challenge.New(challenge.ErrUnknownOperation, "Unsupported Content-Type; send "+ContentType+"."))
		return
	}
	if o.auth == sigV4 && !h.signedOriginAllowed(r.Header.Get("Origin")) {
		// Browsers preflight these requests (X-Amz-Target is not a simple
		// header) and the preflight did not offer Authorization; this
		// catches clients that skip the preflight.
		x.fail(challenge.New(challenge.ErrNotAuthorized, msgCrossOrigin))
		return
	}
	if o.auth == sigV4 && h.opts.Credentials == nil {
		// Presence and shape only; the body is not needed.
		if _, err := parseAuthorization(r.Header.Get("Authorization")); err != nil {
			x.fail(err)
			return
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(x.w, r.Body, challenge.MaxRequestBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			x.fail(challenge.New(challenge.ErrInvalidParameter, "Request body is too large."))
		} else {
			x.fail(challenge.New(challenge.ErrInvalidParameter, "Request body could not be read."))
		}
		return
	}
	if o.auth == sigV4 && h.opts.Credentials != nil {
		if err := verifySigV4(r, body, h.opts.Credentials, h.opts.Now()); err != nil {
			x.fail(err)
			return
		}
	}
	out, err := o.call(h.s, r.Context(), body)
	if err != nil {
		x.fail(err)
		return
	}
	x.reply(http.StatusOK, out)
}

// acceptedContentType accepts JSON 1.1 (what every SDK sends), JSON 1.0 and
// plain JSON, with any parameters, and a missing Content-Type.
func acceptedContentType(ct string) bool {
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch mt {
	case ContentType, "application/x-amz-json-1.0", "application/json":
		return true
	}
	return false
}

// reply writes a JSON answer.
func (x *exchange) reply(status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		x.fail(challenge.Wrap(challenge.ErrInternalError, "An internal error occurred.", err))
		return
	}
	x.write(status, "ok", body)
}

// fail answers err in Cognito's error shape: 400, or 500 for an
// InternalErrorException.
func (x *exchange) fail(err error) {
	status := http.StatusBadRequest
	if challenge.CodeOf(err) == challenge.ErrInternalError {
		status = http.StatusInternalServerError
	}
	x.failStatus(status, err)
}

func (x *exchange) failStatus(status int, err error) {
	code := challenge.CodeOf(err)
	if code == challenge.ErrInternalError && x.cause == nil {
		x.cause = err
	}
	body, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{string(code), challenge.MessageOf(err)})
	x.w.Header().Set("X-Amzn-Errortype", string(code)+":")
	x.write(status, string(code), body)
}

func (x *exchange) write(status int, outcome string, body []byte) {
	x.status, x.outcome = status, outcome
	h := x.w.Header()
	if status >= 400 || h.Get("Content-Type") == "" {
		h.Set("Content-Type", ContentType)
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	x.finish()
	x.w.WriteHeader(status)
	x.w.Write(body)
}

// logExchange writes the request's log line.
func (h *handler) logExchange(x *exchange) {
	if h.log == nil {
		return
	}
	ctx := x.r.Context()
	attrs := []slog.Attr{
		slog.String("op", x.op),
		slog.String("outcome", x.outcome),
		slog.Int("status", x.status),
		slog.Duration("latency", time.Since(x.start)),
		slog.String("request_id", x.id),
	}
	level := slog.LevelInfo
	if x.cause != nil {
		level = slog.LevelError
		attrs = append(attrs, slog.String("cause", causeOf(x.cause)))
	}
	h.log.LogAttrs(ctx, level, "request", attrs...)
}

// causeOf returns the text of an internal error's cause (the Err of a
// *challenge.Error), which is meant for logs.
func causeOf(err error) string {
	var e *challenge.Error
	if errors.As(err, &e) && e.Err != nil {
		return e.Err.Error()
	}
	return err.Error()
}

// sanitize shortens and cleans a client-supplied name for messages and logs.
// The bound leaves room for the longest X-Amz-Target of a real operation
// (the prefix is 34 characters, the longest names over 30).
func sanitize(s string) string {
	const max = 160
	if len(s) > max {
		s = s[:max]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' || r == '\\' || r == 0xfffd {
			return '?'
		}
		return r
	}, s)
}
