package cognitohttp_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

var sigNow = time.Date(2026, 11, 3, 9, 5, 7, 0, time.UTC)

// sdkSign signs req (with body) as aws-sdk-go-v2 does.
func sdkSign(t *testing.T, req *http.Request, body, key, secret, region string, at time.Time) {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: key, SecretAccessKey: secret},
		req, hex.EncodeToString(sum[:]), "cognito-idp", region, at)
	require.NoError(t, err)
}

func TestSigV4AgainstSDKSigner(t *testing.T) {
	env, srv := setup(t, cognitohttp.Options{Credentials: map[string]string{"AKID": "SECRET", "OTHER": "s3cr3t"},
		Now: func() time.Time { return sigNow }}, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, nil)
	body := `{"UserPoolId":"` + flowtest.PoolID + `","Username":"alice"}`

	send := func(t *testing.T, mutate func(*http.Request) string, key, secret, region string, at time.Time) (*http.Response, []byte) {
		req := request(t, srv.URL, "AdminGetUser", body)
		req.Header.Set("Amz-Sdk-Invocation-Id", "3c9e4a4e-0000-4000-8000-000000000000")
		req.Header.Set("Amz-Sdk-Request", "attempt=1; max=3")
		sent := body
		sdkSign(t, req, body, key, secret, region, at)
		if mutate != nil {
			if b := mutate(req); b != "" {
				sent = b
			}
		}
		req.ContentLength = int64(len(sent))
		req.Body = nopCloser{strings.NewReader(sent)}
		return do(t, req)
	}

	t.Run("good", func(t *testing.T) {
		resp, out := send(t, nil, "AKID", "SECRET", "us-east-1", sigNow)
		require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", out)
		assert.Contains(t, string(out), `"Username":"alice"`)
	})
	t.Run("second key and any region", func(t *testing.T) {
		resp, out := send(t, nil, "OTHER", "s3cr3t", "ap-southeast-2", sigNow.Add(-14*time.Minute))
		require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", out)
	})
	t.Run("payload hash header signed", func(t *testing.T) {
		// As the JS v3 SDK signs: X-Amz-Content-Sha256 among the signed headers.
		req := request(t, srv.URL, "AdminGetUser", body)
		sum := sha256.Sum256([]byte(body))
		req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
		sdkSign(t, req, body, "AKID", "SECRET", "us-east-1", sigNow)
		require.Contains(t, req.Header.Get("Authorization"), "x-amz-content-sha256")
		resp, out := do(t, req)
		require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", out)
	})

	refused := map[string]struct {
		mutate              func(*http.Request) string
		key, secret, region string
		at                  time.Time
		msg                 string
	}{
		"tampered body": {mutate: func(*http.Request) string { return strings.Replace(body, "alice", "alicf", 1) },
			key: "AKID", secret: "SECRET", msg: "The request signature we calculated does not match the signature you provided."},
		"tampered target": {mutate: func(r *http.Request) string {
			r.Header.Set("X-Amz-Target", cognitohttp.TargetPrefix+"AdminDeleteUser")
			return ""
		}, key: "AKID", secret: "SECRET", msg: "The request signature we calculated does not match the signature you provided."},
		"wrong secret": {key: "AKID", secret: "NOTSECRET", msg: "The request signature we calculated does not match the signature you provided."},
		"unknown key":  {key: "NOBODY", secret: "SECRET", msg: "The security token included in the request is invalid."},
		"too old": {key: "AKID", secret: "SECRET", at: sigNow.Add(-16 * time.Minute),
			msg: "Signature expired: the request time is more than 15 minutes away from the server time."},
		"too new": {key: "AKID", secret: "SECRET", at: sigNow.Add(16 * time.Minute),
			msg: "Signature expired: the request time is more than 15 minutes away from the server time."},
		"payload hash mismatch": {mutate: func(r *http.Request) string {
			r.Header.Set("X-Amz-Content-Sha256", strings.Repeat("0", 64))
			return ""
		}, key: "AKID", secret: "SECRET", msg: "'X-Amz-Content-Sha256' must be a signed header."},
		"signature not hex": {mutate: func(r *http.Request) string {
			a := r.Header.Get("Authorization")
			r.Header.Set("Authorization", a[:len(a)-2]+"zz")
			return ""
		}, key: "AKID", secret: "SECRET", msg: "The request signature we calculated does not match the signature you provided."},
	}
	for name, c := range refused {
		t.Run(name, func(t *testing.T) {
			at := c.at
			if at.IsZero() {
				at = sigNow
			}
			region := c.region
			if region == "" {
				region = "us-east-1"
			}
			resp, out := send(t, c.mutate, c.key, c.secret, region, at)
			msg := requireError(t, resp, out, http.StatusBadRequest, "NotAuthorizedException")
			assert.Equal(t, c.msg, msg)
		})
	}

	t.Run("missing", func(t *testing.T) {
		resp, out := call(t, srv.URL, "AdminGetUser", body)
		msg := requireError(t, resp, out, http.StatusBadRequest, "NotAuthorizedException")
		assert.Equal(t, "Missing Authentication Token", msg)
	})
	t.Run("dummy header is not enough", func(t *testing.T) {
		req := request(t, srv.URL, "AdminGetUser", body)
		req.Header.Set("Authorization", dummyAuth)
		resp, out := do(t, req)
		requireError(t, resp, out, http.StatusBadRequest, "NotAuthorizedException")
	})
	t.Run("public operations stay unsigned", func(t *testing.T) {
		resp, out := call(t, srv.URL, "InitiateAuth", passwordAuth("alice", password))
		require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", out)
	})
}

// TestSigV4SignerMatchesSDK checks the package's own signer (used by
// Client.WithCredentials) against the SDK on the same request and headers.
func TestSigV4SignerMatchesSDK(t *testing.T) {
	body := `{"UserPoolId":"us-east-1_Abc","Username":"bob"}`
	mk := func() *http.Request {
		req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:9229/", strings.NewReader(body))
		require.NoError(t, err)
		req.ContentLength = 0 // the SDK signs content-length when positive; ours does not
		req.Header.Set("Content-Type", cognitohttp.ContentType)
		req.Header.Set("X-Amz-Target", cognitohttp.TargetPrefix+"AdminGetUser")
		return req
	}
	ours := mk()
	cognitohttp.SignRequest(ours, []byte(body), "eu-west-1", "AKID", "SECRET", "", sigNow)
	theirs := mk()
	sdkSign(t, theirs, body, "AKID", "SECRET", "eu-west-1", sigNow)
	assert.Equal(t, theirs.Header.Get("Authorization"), ours.Header.Get("Authorization"))
	assert.Equal(t, theirs.Header.Get("X-Amz-Date"), ours.Header.Get("X-Amz-Date"))

	// And the verifier accepts it.
	ours.ContentLength = int64(len(body))
	ours.Host = "127.0.0.1:9229"
	err := cognitohttp.VerifySigV4(ours, []byte(body), map[string]string{"AKID": "SECRET"}, sigNow)
	assert.NoError(t, err)
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }
