package cognitoserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzParseConfig: any input either parses or fails with a *ConfigError
// whose position lies inside the input; it never panics.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(testConfig))
	f.Add([]byte(`{"Pools": [{"Id": "us-east-1_A1",}]}`))
	f.Add([]byte("{\"Pools\": [{\"PoolNmae\": \"é\"}]}\n{}"))
	f.Add([]byte(`{"Pools": [{"Id": "us-east-1_A1", "AutoVerifiedAttributes": "email", "Users": [{"Username": ""}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err == nil {
			if c == nil {
				t.Fatal("nil config without an error")
			}
			return
		}
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Fatalf("not a ConfigError: %T %v", err, err)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		if ce.Line < 0 || ce.Line > lines || (ce.Line > 0 && ce.Col < 1) {
			t.Fatalf("position %d:%d outside %d lines", ce.Line, ce.Col, lines)
		}
	})
}

// FuzzRequestLog: the request logger reads any body without panicking,
// passes it on unchanged, and logs no member other than the named ones.
func FuzzRequestLog(f *testing.F) {
	f.Add([]byte(`{"ClientId":"c","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"u","PASSWORD":"secret-x"}}`))
	f.Add([]byte(`{"ChallengeResponses":{"USERNAME":7}}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var seen []byte
		next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var buf bytes.Buffer
			buf.ReadFrom(r.Body)
			seen = buf.Bytes()
			w.Write([]byte(`{"ChallengeName":"PASSWORD_VERIFIER","Session":"sess-secret"}`))
		})
		var logs bytes.Buffer
		h := logRequests(next, newTestLogger(&logs), 0, newSignInLog(4), nil)
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
		h.ServeHTTP(httptest.NewRecorder(), req)
		if !bytes.Equal(seen, body) {
			t.Fatal("the body was changed")
		}
		if bytes.Contains(logs.Bytes(), []byte("sess-secret")) {
			t.Fatal("the session was logged")
		}
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			if ap, ok := m["AuthParameters"].(map[string]any); ok {
				if p, ok := ap["PASSWORD"].(string); ok && len(p) > 3 && bytes.Contains(logs.Bytes(), []byte(p)) {
					t.Fatalf("the password was logged: %s", logs.String())
				}
			}
		}
	})
}
