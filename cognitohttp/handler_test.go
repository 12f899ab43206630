package cognitohttp_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/userpool"
)

const password = "Passw0rd!"

func passwordAuth(username, pw string) string {
	return `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"` + flowtest.ClientID +
		`","AuthParameters":{"USERNAME":"` + username + `","PASSWORD":"` + pw + `"}}`
}

func TestSuccessFraming(t *testing.T) {
	env, srv := setup(t, cognitohttp.Options{RequestID: func() string { return "req-1" }}, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, nil)

	resp, body := call(t, srv.URL, "InitiateAuth", passwordAuth("alice", password))
	require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", body)
	assert.Equal(t, cognitohttp.ContentType, resp.Header.Get("Content-Type"))
	assert.Equal(t, "req-1", resp.Header.Get("x-amzn-RequestId"))
	assert.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Empty(t, resp.Header.Get("x-amzn-ErrorType"))
	var out challenge.InitiateAuthOutput
	require.NoError(t, json.Unmarshal(body, &out))
	require.NotNil(t, out.AuthenticationResult)
	assert.Equal(t, "Bearer", out.AuthenticationResult.TokenType)
	assert.EqualValues(t, 3600, out.AuthenticationResult.ExpiresIn)
	assert.NotEmpty(t, out.AuthenticationResult.AccessToken)
}

func TestEmptyResultIsEmptyObject(t *testing.T) {
	env, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, nil)
	req := request(t, srv.URL, "AdminDisableUser", `{"UserPoolId":"`+flowtest.PoolID+`","Username":"alice"}`)
	req.Header.Set("Authorization", dummyAuth)
	resp, body := do(t, req)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", body)
	assert.Equal(t, "{}", string(body))
}

func TestErrorShape(t *testing.T) {
	env, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, nil)

	resp, body := call(t, srv.URL, "InitiateAuth", passwordAuth("alice", "Wrong0ne!"))
	msg := requireError(t, resp, body, http.StatusBadRequest, "NotAuthorizedException")
	assert.Equal(t, "Incorrect username or password.", msg)

	resp, body = call(t, srv.URL, "InitiateAuth", passwordAuth("nobody", password))
	msg = requireError(t, resp, body, http.StatusBadRequest, "UserNotFoundException")
	assert.Equal(t, "User does not exist.", msg)

	resp, body = call(t, srv.URL, "InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"nosuchclient"}`)
	requireError(t, resp, body, http.StatusBadRequest, "ResourceNotFoundException")
}

func TestInternalErrorIs500(t *testing.T) {
	env := flowtest.New(t, flowtest.Options{})
	s, err := userpool.New(userpool.Config{Directory: failingDirectory{env.Dir}, Catalog: env.Dir, Sessions: env.Sessions,
		Issuer: env.Issuer, Now: env.Clock.Now})
	require.NoError(t, err)
	logs := newLogBuffer()
	srv := httptest.NewServer(cognitohttp.NewHandler(s, cognitohttp.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))}))
	defer srv.Close()

	resp, body := call(t, srv.URL, "InitiateAuth", passwordAuth("alice", password))
	msg := requireError(t, resp, body, http.StatusInternalServerError, "InternalErrorException")
	assert.Equal(t, "An internal error occurred.", msg)
	assert.NotContains(t, string(body), "unexpected EOF", "the cause must not reach the client")
	assert.Contains(t, logs.String(), "unexpected EOF", "the cause is logged")
	assert.Contains(t, logs.String(), `"level":"ERROR"`)
}

func TestRequestID(t *testing.T) {
	_, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 5 {
		resp, _ := call(t, srv.URL, "NoSuchOperation", `{}`)
		id := resp.Header.Get("x-amzn-RequestId")
		require.Regexp(t, uuid, id)
		require.False(t, seen[id], "request ids repeat")
		seen[id] = true
	}

	var n atomic.Int64
	_, srv = setup(t, cognitohttp.Options{RequestID: func() string { return "id-" + string(rune('0'+n.Add(1))) }}, flowtest.Options{})
	for _, want := range []string{"id-1", "id-2"} {
		req, _ := http.NewRequest(http.MethodOptions, srv.URL, nil)
		resp, _ := do(t, req)
		assert.Equal(t, want, resp.Header.Get("x-amzn-RequestId"))
	}
}

func TestCORS(t *testing.T) {
	env, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, nil)

	req, err := http.NewRequest(http.MethodOptions, srv.URL+"/", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type,x-amz-target,x-amz-user-agent")
	resp, body := do(t, req)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Empty(t, body)
	assert.Equal(t, "http://localhost:3000", resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, resp.Header.Values("Vary"), "Origin")
	methods := resp.Header.Get("Access-Control-Allow-Methods")
	for _, m := range []string{"POST", "GET", "OPTIONS"} {
		assert.Contains(t, methods, m)
	}
	allowed := strings.Split(resp.Header.Get("Access-Control-Allow-Headers"), ", ")
	for _, h := range []string{"content-type", "x-amz-target", "x-amz-user-agent", "cache-control", "pragma",
		"amz-sdk-invocation-id", "amz-sdk-request"} {
		assert.Contains(t, allowed, h)
	}
	// Signing headers only for configured origins (TestAttackCrossOriginAdmin).
	assert.NotContains(t, allowed, "authorization")
	exposed := resp.Header.Get("Access-Control-Expose-Headers")
	assert.Contains(t, exposed, "x-amzn-RequestId")
	assert.Contains(t, exposed, "x-amzn-ErrorType")
	assert.NotEmpty(t, resp.Header.Get("x-amzn-RequestId"))

	// Every answer carries Allow-Origin: successes and errors.
	req = request(t, srv.URL, "InitiateAuth", passwordAuth("alice", password))
	req.Header.Set("Origin", "https://app.example")
	resp, _ = do(t, req)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "https://app.example", resp.Header.Get("Access-Control-Allow-Origin"))
	resp, _ = call(t, srv.URL, "InitiateAuth", passwordAuth("alice", "bad"))
	assert.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, resp.Header.Get("Access-Control-Expose-Headers"), "x-amzn-ErrorType")
}

func TestUnknownOperation(t *testing.T) {
	_, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	for name, target := range map[string]string{
		"missing":      "",
		"unknown":      cognitohttp.TargetPrefix + "DoSomethingElse",
		"wrong prefix": "AWSCognitoIdentityService.GetId",
		"bare name":    "InitiateAuth",
		"prefix only":  cognitohttp.TargetPrefix,
		"case":         cognitohttp.TargetPrefix + "initiateauth",
	} {
		t.Run(name, func(t *testing.T) {
			req := request(t, srv.URL, "", `{}`)
			if target != "" {
				req.Header.Set("X-Amz-Target", target)
			}
			resp, body := do(t, req)
			requireError(t, resp, body, http.StatusBadRequest, "UnknownOperationException")
		})
	}
}

func TestMethodsAndPaths(t *testing.T) {
	_, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		req, err := http.NewRequest(m, srv.URL+"/", nil)
		require.NoError(t, err)
		resp, body := do(t, req)
		requireError(t, resp, body, http.StatusMethodNotAllowed, "UnknownOperationException")
		assert.Contains(t, resp.Header.Get("Allow"), "POST")
	}
	resp, body := do(t, request(t, srv.URL+"/some/path", "InitiateAuth", `{}`))
	requireError(t, resp, body, http.StatusNotFound, "UnknownOperationException")
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/favicon.ico", nil)
	resp, body = do(t, req)
	requireError(t, resp, body, http.StatusNotFound, "ResourceNotFoundException")
}

func TestContentTypes(t *testing.T) {
	env, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, nil)
	for _, ct := range []string{"application/x-amz-json-1.1", "application/x-amz-json-1.0", "application/json",
		"application/x-amz-json-1.1; charset=utf-8", "Application/JSON", ""} {
		req := request(t, srv.URL, "InitiateAuth", passwordAuth("alice", password))
		req.Header.Set("Content-Type", ct)
		resp, body := do(t, req)
		assert.Equal(t, http.StatusOK, resp.StatusCode, "%q: %s", ct, body)
	}
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ";;"} {
		req := request(t, srv.URL, "InitiateAuth", passwordAuth("alice", password))
		req.Header.Set("Content-Type", ct)
		resp, body := do(t, req)
		requireError(t, resp, body, http.StatusBadRequest, "UnknownOperationException")
	}
}

func TestBodyLimit(t *testing.T) {
	env, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, nil)
	pad := strings.Repeat("x", challenge.MaxRequestBytes)
	resp, body := call(t, srv.URL, "InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientMetadata":{"k":"`+pad+`"}}`)
	msg := requireError(t, resp, body, http.StatusBadRequest, "InvalidParameterException")
	assert.Equal(t, "Request body is too large.", msg)

	// Just under the limit is read (and then judged by the engine).
	under := `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"` + flowtest.ClientID + `","AuthParameters":{"USERNAME":"alice","PASSWORD":"` + password + `"},"Pad":"`
	under += strings.Repeat("y", challenge.MaxRequestBytes-len(under)-2) + `"}`
	require.Len(t, under, challenge.MaxRequestBytes)
	resp, body = call(t, srv.URL, "InitiateAuth", under)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "body: %.200s", body)
}

func TestNullsAndUnknownKeys(t *testing.T) {
	env, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, nil)
	// As amazon-cognito-identity-js sends it: ClientMetadata {}, nulls, extra keys.
	body := `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"` + flowtest.ClientID + `",
		"AuthParameters":{"USERNAME":"alice","PASSWORD":"` + password + `"},
		"ClientMetadata":{},"Session":null,"UserContextData":null,"AnalyticsMetadata":null,
		"SomethingNew":{"nested":[1,2,3]},"another":true}`
	resp, out := call(t, srv.URL, "InitiateAuth", body)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", out)

	// Empty bodies are {}: the engine then reports what is missing.
	resp, out = call(t, srv.URL, "InitiateAuth", "")
	msg := requireError(t, resp, out, http.StatusBadRequest, "InvalidParameterException")
	assert.NotEmpty(t, msg)
}

func TestMalformedBodies(t *testing.T) {
	_, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	for _, body := range []string{`[]`, `"x"`, `{`, `{"AuthFlow":1}`, `{} {}`, `null`, `{"AuthParameters":{"USERNAME":5}}`} {
		resp, out := call(t, srv.URL, "InitiateAuth", body)
		msg := requireError(t, resp, out, http.StatusBadRequest, "InvalidParameterException")
		assert.NotContains(t, msg, "5", "values are never echoed")
	}
}

func TestSignatureRequired(t *testing.T) {
	env, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, nil)
	get := `{"UserPoolId":"` + flowtest.PoolID + `","Username":"alice"}`

	resp, body := call(t, srv.URL, "AdminGetUser", get)
	msg := requireError(t, resp, body, http.StatusBadRequest, "NotAuthorizedException")
	assert.Equal(t, "Missing Authentication Token", msg)

	for _, bad := range []string{"Bearer abc", "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 Credential=AKID/x/y/z, SignedHeaders=host, Signature=00",
		"AWS4-HMAC-SHA256 Credential=AKID/20261103/us-east-1/cognito-idp/aws4_request, Signature=00"} {
		req := request(t, srv.URL, "AdminGetUser", get)
		req.Header.Set("Authorization", bad)
		resp, body := do(t, req)
		requireError(t, resp, body, http.StatusBadRequest, "NotAuthorizedException")
	}

	// Without Options.Credentials a well-formed header is enough.
	req := request(t, srv.URL, "AdminGetUser", get)
	req.Header.Set("Authorization", dummyAuth)
	resp, body = do(t, req)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", body)

	// Public operations never need one.
	resp, body = call(t, srv.URL, "InitiateAuth", passwordAuth("alice", password))
	require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", body)
}

// TestEveryEngineOperationIsRegistered fails when the user-pool service
// gains an operation (a method of the shape func(ctx, *In) (*Out, error))
// that the handler does not dispatch, and when the Service interface and
// the dispatch table disagree.
func TestEveryEngineOperationIsRegistered(t *testing.T) {
	ctxType := reflect.TypeFor[context.Context]()
	errType := reflect.TypeFor[error]()
	registered := cognitohttp.Operations()
	var engine []string
	var _ cognitohttp.Service = (*userpool.Service)(nil)
	iface := reflect.TypeFor[cognitohttp.Service]()
	for i := range iface.NumMethod() {
		if !slices.Contains(registered, iface.Method(i).Name) {
			t.Errorf("cognitohttp.Service.%s is not in the operation table", iface.Method(i).Name)
		}
	}
	assert.Equal(t, len(registered), iface.NumMethod(), "the table and cognitohttp.Service list the same operations")
	st := reflect.TypeFor[*userpool.Service]()
	for i := range st.NumMethod() {
		m := st.Method(i)
		ft := m.Type // receiver first
		if ft.NumIn() != 3 || ft.NumOut() != 2 || ft.In(1) != ctxType || ft.In(2).Kind() != reflect.Pointer ||
			ft.Out(0).Kind() != reflect.Pointer || ft.Out(1) != errType {
			continue
		}
		if ft.In(2).Elem().PkgPath() != "github.com/authflow/authflow/challenge" {
			continue
		}
		engine = append(engine, m.Name)
		if !slices.Contains(registered, m.Name) {
			t.Errorf("userpool.Service.%s is not registered in cognitohttp's operation table", m.Name)
		}
	}
	for _, name := range registered {
		if !slices.Contains(engine, name) {
			t.Errorf("%s is registered but userpool.Service has no such operation", name)
		}
	}
	assert.GreaterOrEqual(t, len(engine), 40)
}

func TestSignedOperations(t *testing.T) {
	for _, name := range cognitohttp.Operations() {
		want := strings.HasPrefix(name, "Admin") || slices.Contains([]string{
			"CreateUserPool", "DescribeUserPool", "ListUserPools", "UpdateUserPool", "DeleteUserPool",
			"CreateUserPoolClient", "DescribeUserPoolClient", "ListUserPoolClients", "UpdateUserPoolClient",
			"DeleteUserPoolClient", "SetUserPoolMfaConfig", "GetUserPoolMfaConfig", "ListUsers",
			// Schema.
			"AddCustomAttributes",
			// Groups.
			"CreateGroup", "GetGroup", "UpdateGroup", "DeleteGroup", "ListGroups", "ListUsersInGroup",
			// Risk configuration and tags.
			"SetRiskConfiguration", "DescribeRiskConfiguration", "TagResource", "UntagResource", "ListTagsForResource",
			// Domains and resource servers.
			"CreateUserPoolDomain", "DescribeUserPoolDomain", "UpdateUserPoolDomain", "DeleteUserPoolDomain",
			"CreateResourceServer", "DescribeResourceServer", "UpdateResourceServer", "DeleteResourceServer",
			"ListResourceServers"}, name)
		assert.Equal(t, want, cognitohttp.RequiresSignature(name), name)
	}
	assert.False(t, cognitohttp.RequiresSignature("NoSuchOperation"))
}

func TestLogging(t *testing.T) {
	logs := newLogBuffer()
	env, srv := setup(t, cognitohttp.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil)),
		RequestID: func() string { return "rid-42" }}, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, nil)

	_, okBody := call(t, srv.URL, "InitiateAuth", passwordAuth("alice", password))
	call(t, srv.URL, "InitiateAuth", passwordAuth("alice", "Secr3t-Wrong!"))
	c, start, err := env.SRPStart(context.Background(), "alice")
	require.NoError(t, err)
	_ = c
	call(t, srv.URL, "RespondToAuthChallenge", mustJSON(t, challenge.RespondToAuthChallengeInput{
		ChallengeName: challenge.PasswordVerifier, ClientId: flowtest.ClientID, Session: start.Session,
		ChallengeResponses: map[string]string{"USERNAME": "alice", "PASSWORD_CLAIM_SIGNATURE": "c2ln", "TIMESTAMP": "x"}}))
	call(t, srv.URL, "Bogus", `{}`)

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, lines, 4, "one line per request")
	var first map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	assert.Equal(t, "request", first["msg"])
	assert.Equal(t, "InitiateAuth", first["op"])
	assert.Equal(t, "ok", first["outcome"])
	assert.EqualValues(t, 200, first["status"])
	assert.Equal(t, "rid-42", first["request_id"])
	assert.Contains(t, first, "latency")
	var second map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &second))
	assert.Equal(t, "NotAuthorizedException", second["outcome"])
	assert.EqualValues(t, 400, second["status"])

	var out challenge.InitiateAuthOutput
	require.NoError(t, json.Unmarshal(okBody, &out))
	all := logs.String()
	for _, secret := range []string{password, "Secr3t-Wrong!", out.AuthenticationResult.AccessToken,
		out.AuthenticationResult.RefreshToken, out.AuthenticationResult.IdToken, start.Session, "c2ln"} {
		require.NotEmpty(t, secret)
		assert.NotContains(t, all, secret)
	}
}
