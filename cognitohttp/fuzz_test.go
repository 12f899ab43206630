package cognitohttp_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

// FuzzHandler sends arbitrary methods, paths, targets, content types,
// signatures and bodies to a handler over a live engine. It never panics
// (a recovered panic is logged, and fails the target), every answer but a
// preflight is JSON, and every error carries a __type that matches
// x-amzn-ErrorType. A memory-backed engine has no reason for an
// InternalErrorException, so a 500 fails too.
func FuzzHandler(f *testing.F) {
	env := flowtest.New(f, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, map[string]string{"email": "alice@example.com", "email_verified": "true"})
	env.AddUser("temp", "Temp0rary!", flow.StatusForceChangePassword, nil)
	logs := newLogBuffer()
	h := cognitohttp.NewHandler(env.Server, cognitohttp.Options{Logger: slog.New(slog.NewTextHandler(logs, nil))})

	pool, client := flowtest.PoolID, flowtest.ClientID
	seeds := []struct{ target, body string }{
		{"InitiateAuth", passwordAuth("alice", password)},
		{"InitiateAuth", passwordAuth("temp", "Temp0rary!")},
		{"InitiateAuth", `{"AuthFlow":"USER_SRP_AUTH","ClientId":"` + client + `","AuthParameters":{"USERNAME":"alice","SRP_A":"0"}}`},
		{"InitiateAuth", `{"AuthFlow":"REFRESH_TOKEN_AUTH","ClientId":"` + client + `","AuthParameters":{"REFRESH_TOKEN":"x"}}`},
		{"RespondToAuthChallenge", `{"ChallengeName":"PASSWORD_VERIFIER","ClientId":"` + client + `","Session":"abc","ChallengeResponses":{"USERNAME":"alice"}}`},
		{"AdminInitiateAuth", `{"AuthFlow":"ADMIN_USER_PASSWORD_AUTH","UserPoolId":"` + pool + `","ClientId":"` + client + `","AuthParameters":{"USERNAME":"alice","PASSWORD":"x"}}`},
		{"AdminCreateUser", `{"UserPoolId":"` + pool + `","Username":"bob","UserAttributes":[{"Name":"email","Value":"b@x"}]}`},
		{"CreateUserPool", `{"PoolName":"p","Policies":{"PasswordPolicy":{"MinimumLength":6}}}`},
		{"CreateUserPoolClient", `{"UserPoolId":"` + pool + `","ClientName":"c","GenerateSecret":true}`},
		{"ListUsers", `{"UserPoolId":"` + pool + `","Filter":"email ^= \"a\""}`},
		{"SignUp", `{"ClientId":"` + client + `","Username":"new","Password":"Passw0rd!","UserAttributes":null}`},
		{"GetUser", `{"AccessToken":"access-1.alice"}`},
		{"ConfirmDevice", `{"AccessToken":"x","DeviceKey":"k","DeviceSecretVerifierConfig":{"PasswordVerifier":"AA==","Salt":"AA=="}}`},
		{"CompleteWebAuthnRegistration", `{"AccessToken":"x","Credential":{"id":"a"}}`},
		{"AdminListUserAuthEvents", `{"UserPoolId":"` + pool + `","Username":"alice","MaxResults":2,"NextToken":"x"}`},
		{"UpdateAuthEventFeedback", `{"UserPoolId":"` + pool + `","Username":"alice","EventId":"e","FeedbackToken":"t","FeedbackValue":"Valid"}`},
		{"SetRiskConfiguration", `{"UserPoolId":"` + pool + `","RiskExceptionConfiguration":{"BlockedIPRangeList":["10.0.0.0/8"]},"AccountTakeoverRiskConfiguration":{"Actions":{"HighAction":{"EventAction":"BLOCK","Notify":true}}}}`},
		{"TagResource", `{"ResourceArn":"arn:aws:cognito-idp:us-east-1:000000000000:userpool/` + pool + `","Tags":{"k":"v"}}`},
		{"CreateIdentityProvider", `{}`},
		{"NoSuchOperation", `{}`},
		{"", `[]`},
		{"InitiateAuth", `{"AuthFlow":null,"ClientMetadata":{},"X":[1,{"y":null}]}`},
		{"InitiateAuth", "\x00\xff{"},
	}
	for _, s := range seeds {
		target := ""
		if s.target != "" {
			target = cognitohttp.TargetPrefix + s.target
		}
		f.Add(uint8(0), "/", target, cognitohttp.ContentType, true, []byte(s.body))
	}
	f.Add(uint8(1), "/"+pool+"/.well-known/jwks.json", "", "", false, []byte(nil))
	f.Add(uint8(1), "/"+pool+"/.well-known/openid-configuration", "", "", false, []byte(nil))
	f.Add(uint8(2), "/", "", "", false, []byte(nil))
	f.Add(uint8(3), "/x", "AWSCognitoIdentityProviderService.InitiateAuth", "text/plain", false, []byte("{}"))

	methods := []string{http.MethodPost, http.MethodGet, http.MethodOptions, http.MethodPut, http.MethodHead, "BREW"}
	f.Fuzz(func(t *testing.T, method uint8, path, target, contentType string, signed bool, body []byte) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?# \t\r\n") {
			path = "/"
		}
		if _, err := url.ParseRequestURI(path); err != nil {
			path = "/" // no HTTP server would hand such a target to a handler
		}
		req := httptest.NewRequest(methods[int(method)%len(methods)], "http://localhost"+path, bytes.NewReader(body))
		if target != "" {
			req.Header["X-Amz-Target"] = []string{target}
		}
		if contentType != "" {
			req.Header["Content-Type"] = []string{contentType}
		}
		if signed {
			req.Header.Set("Authorization", dummyAuth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		if strings.Contains(logs.String(), "panic:") {
			t.Fatalf("handler recovered a panic:\n%s", logs.String())
		}
		if rec.Header().Get("X-Amzn-Requestid") == "" {
			t.Fatal("no x-amzn-RequestId")
		}
		if rec.Code == http.StatusNoContent && req.Method == http.MethodOptions {
			return
		}
		if rec.Code == http.StatusInternalServerError {
			t.Fatalf("500 from a memory-backed engine: %s", rec.Body.Bytes())
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("status %d: body is not JSON: %q", rec.Code, rec.Body.Bytes())
		}
		if rec.Code >= 400 {
			var e struct {
				Type    *string `json:"__type"`
				Message *string `json:"message"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Type == nil || *e.Type == "" || e.Message == nil {
				t.Fatalf("status %d: error body without __type/message: %s", rec.Code, rec.Body.Bytes())
			}
			if got := rec.Header().Get("X-Amzn-Errortype"); got != *e.Type+":" {
				t.Fatalf("x-amzn-ErrorType %q for __type %q", got, *e.Type)
			}
		}
	})
}

// FuzzVerifySigV4 feeds the verifier (with credentials) arbitrary
// Authorization and X-Amz-Date headers, an arbitrary extra header and body.
// It never panics, and a request it accepts carries a signature that covers
// Host, Content-Type and every x-amz-* header.
func FuzzVerifySigV4(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20261103/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
		"20261103T090507Z", "X-Amz-Target", cognitohttp.TargetPrefix+"AdminGetUser", []byte(`{}`))
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/x/y/z/aws4_request, SignedHeaders=;;, Signature=zz", "", "X-Amz-Foo", "", []byte(nil))
	f.Add("", "garbage", "Content-Type", "text/plain", []byte("\x00"))
	creds := map[string]string{"AKID": "SECRET"}
	f.Fuzz(func(t *testing.T, auth, date, name, value string, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9229/", bytes.NewReader(body))
		req.Header.Set("Authorization", auth)
		req.Header.Set("X-Amz-Date", date)
		if validHeaderName(name) {
			req.Header.Set(name, strings.Map(func(r rune) rune {
				if r < 0x20 || r == 0x7f {
					return -1
				}
				return r
			}, value))
		}
		if err := cognitohttp.VerifySigV4(req, body, creds, sigNow); err == nil {
			for h := range req.Header {
				lower := strings.ToLower(h)
				if lower == "content-type" || strings.HasPrefix(lower, "x-amz-") {
					if !strings.Contains(auth, lower) {
						t.Fatalf("accepted with %s unsigned: %q", h, auth)
					}
				}
			}
		}
	})
}

// validHeaderName reports whether s is a token (RFC 9110) Go would send.
func validHeaderName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}
