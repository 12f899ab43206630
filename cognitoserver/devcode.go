package cognitoserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/userpool"
)

// devCodes lets end-to-end tests type one fixed code (-dev-code) wherever
// an emailed or SMS code is asked for. The engine draws every code at
// random and keeps only its hash, so the fixed code is translated on the
// way in: a request whose code member equals the fixed code gets the
// newest code the outbox holds for that user instead. Everything else,
// including a wrong code, passes unchanged, and the engine checks the
// code as usual. Dev mode only.
//
// Translated members: ConfirmationCode (ConfirmSignUp,
// ConfirmForgotPassword) and the SMS_MFA_CODE, EMAIL_OTP_CODE and
// SMS_OTP_CODE challenge responses (RespondToAuthChallenge and
// AdminRespondToAuthChallenge).
func devCodes(next http.Handler, code string, outbox *Outbox, cat userpool.Catalog) http.Handler {
	codeKeys := []string{"SMS_MFA_CODE", challenge.KeyEmailOTPCode, challenge.KeySMSOTPCode}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
		switch op {
		case "ConfirmSignUp", "ConfirmForgotPassword", "RespondToAuthChallenge", "AdminRespondToAuthChallenge":
		default:
			next.ServeHTTP(w, r)
			return
		}
		buf, err := io.ReadAll(io.LimitReader(r.Body, challenge.MaxRequestBytes+1))
		if err != nil || len(buf) > challenge.MaxRequestBytes {
			r.Body = readCloser{io.MultiReader(bytes.NewReader(buf), r.Body), r.Body}
			next.ServeHTTP(w, r)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(buf))
		dec := json.NewDecoder(bytes.NewReader(buf))
		dec.UseNumber()
		var body map[string]any
		if dec.Decode(&body) != nil {
			next.ServeHTTP(w, r)
			return
		}
		str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
		responses, _ := body["ChallengeResponses"].(map[string]any)
		username := firstOf(str(body, "Username"), str(responses, "USERNAME"))
		pool := str(body, "UserPoolId")
		if pool == "" {
			if c, err := cat.Client(r.Context(), str(body, "ClientId")); err == nil && c != nil {
				pool = c.PoolID
			}
		}
		real := ""
		if pool != "" && username != "" {
			for _, m := range outbox.Messages(pool, "") {
				if m.Username == username || strings.EqualFold(m.Destination, username) {
					real = m.Code
					break
				}
			}
		}
		changed := false
		if real != "" {
			if str(body, "ConfirmationCode") == code {
				body["ConfirmationCode"], changed = real, true
			}
			for _, k := range codeKeys {
				if responses != nil && str(responses, k) == code {
					responses[k], changed = real, true
				}
			}
		}
		if changed {
			if b, err := json.Marshal(body); err == nil {
				r.Body = io.NopCloser(bytes.NewReader(b))
				r.ContentLength = int64(len(b))
				r.Header.Set("Content-Length", strconv.Itoa(len(b)))
			}
		}
		next.ServeHTTP(w, r)
	})
}
