package cognitohttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/userpool"
)

// dummyAuth is a well-formed SigV4 Authorization header (not a valid
// signature), enough when the handler does not verify signatures.
const dummyAuth = "AWS4-HMAC-SHA256 Credential=AKID/20261103/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=00"

// setup wires a flowtest engine behind a handler on an httptest server.
func setup(t testing.TB, opts cognitohttp.Options, eo flowtest.Options) (*flowtest.Env, *httptest.Server) {
	t.Helper()
	env := flowtest.New(t, eo)
	srv := httptest.NewServer(cognitohttp.NewHandler(env.Server, opts))
	t.Cleanup(srv.Close)
	return env, srv
}

// request builds a POST of an operation with the JSON 1.1 headers.
func request(t testing.TB, url, op, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", cognitohttp.ContentType)
	if op != "" {
		req.Header.Set("X-Amz-Target", cognitohttp.TargetPrefix+op)
	}
	return req
}

// do sends req and returns the response with its body read.
func do(t testing.TB, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

// call posts an operation and returns the response and body.
func call(t testing.TB, url, op, body string) (*http.Response, []byte) {
	t.Helper()
	return do(t, request(t, url, op, body))
}

// wireError is the error body.
type wireError struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

// requireError checks Cognito's error shape and returns the message.
func requireError(t testing.TB, resp *http.Response, body []byte, status int, code string) string {
	t.Helper()
	require.Equal(t, status, resp.StatusCode, "body: %s", body)
	require.Equal(t, cognitohttp.ContentType, resp.Header.Get("Content-Type"))
	require.Equal(t, code+":", resp.Header.Get("x-amzn-ErrorType"))
	require.NotEmpty(t, resp.Header.Get("x-amzn-RequestId"))
	var e wireError
	require.NoError(t, json.Unmarshal(body, &e), "body: %s", body)
	require.Equal(t, code, e.Type)
	// Exactly the two members.
	var raw map[string]any
	require.NoError(t, json.Unmarshal(body, &raw))
	require.Len(t, raw, 2)
	return e.Message
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// failingDirectory fails every read, to provoke InternalErrorException.
type failingDirectory struct{ userpool.Directory }

func (failingDirectory) User(context.Context, string, string) (*flow.User, error) {
	return nil, io.ErrUnexpectedEOF
}

// logBuffer is a concurrency-safe buffer for slog output.
type logBuffer struct {
	mu  chan struct{}
	buf bytes.Buffer
}

func newLogBuffer() *logBuffer { return &logBuffer{mu: make(chan struct{}, 1)} }

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.String()
}
