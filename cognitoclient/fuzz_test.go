package cognitoclient_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/cognitoclient"
)

// canned answers every request with one response, in memory.
type canned struct {
	status int
	header string
	body   []byte
}

func (c canned) RoundTrip(*http.Request) (*http.Response, error) {
	h := http.Header{}
	if c.header != "" {
		h.Set("X-Amzn-ErrorType", c.header)
	}
	return &http.Response{StatusCode: c.status, Status: http.StatusText(c.status), Header: h,
		Body: io.NopCloser(bytes.NewReader(c.body))}, nil
}

// FuzzResponse feeds arbitrary server answers (status, error-type header,
// body) to a Client: nothing panics, every error is a *challenge.Error
// with a code, and an error status always gives an error.
func FuzzResponse(f *testing.F) {
	f.Add(200, "", []byte(`{"ChallengeName":"PASSWORD_VERIFIER","ChallengeParameters":{"SALT":"ab"},"Session":"s"}`))
	f.Add(200, "", []byte(`{"AuthenticationResult":{"AccessToken":"a","ExpiresIn":3600}}`))
	f.Add(400, "", []byte(`{"__type":"com.amazonaws#NotAuthorizedException","message":"m"}`))
	f.Add(400, "CodeMismatchException:http://x/", []byte(`{"Message":"m"}`))
	f.Add(500, "", []byte(`<html>`))
	f.Add(200, "", []byte(`{"ChallengeName":7}`))
	f.Add(302, "", []byte{})
	f.Fuzz(func(t *testing.T, status int, header string, body []byte) {
		if status < 100 || status > 999 {
			status = 200 + (status%800+800)%800
		}
		c := cognitoclient.New("http://cognito.invalid/", &http.Client{Transport: canned{status: status, header: header, body: body}})
		out, err := c.InitiateAuth(context.Background(), &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserSRPAuth, ClientId: "c"})
		if err != nil {
			var ce *challenge.Error
			if !errors.As(err, &ce) || ce.Code == "" {
				t.Fatalf("error %v is not a *challenge.Error with a code", err)
			}
			if out != nil {
				t.Fatal("a result with an error")
			}
			return
		}
		if status/100 != 2 {
			t.Fatalf("status %d gave no error", status)
		}
		if out == nil {
			t.Fatal("no result and no error")
		}
	})
}
