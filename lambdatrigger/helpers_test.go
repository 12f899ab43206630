package lambdatrigger_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/lambdatrigger"
	"github.com/authflow/authflow/lambdatrigger/lambdatest"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/token"
	"github.com/authflow/authflow/userpool"
)

var ctx = context.Background()

// sent is one message the test sender got.
type sent struct {
	m    flow.Message
	text *userpool.MessageText
}

// sender records messages; it is a userpool.TextSender.
type sender struct {
	mu   sync.Mutex
	msgs []sent
}

func (s *sender) Send(_ context.Context, m flow.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, sent{m: m})
	return nil
}

func (s *sender) SendText(_ context.Context, m flow.Message, t userpool.MessageText) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, sent{m: m, text: &t})
	return nil
}

func (s *sender) last(t *testing.T) sent {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	require.NotEmpty(t, s.msgs, "no message sent")
	return s.msgs[len(s.msgs)-1]
}

// env is a user-pool service whose pool's triggers run at a test endpoint.
type env struct {
	fns    *lambdatest.Server
	dir    *directory.Memory
	svc    *userpool.Service
	out    *sender
	poolID string
	client string
}

type envOptions struct {
	lambda    *challenge.LambdaConfigType
	hooks     flow.Hooks
	userHooks userpool.Hooks
	timeout   time.Duration
	endpoint  string // replaces the test endpoint
	autoEmail bool
}

func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	e := &env{fns: lambdatest.NewServer(), dir: directory.NewMemory(), out: &sender{}}
	t.Cleanup(e.fns.Close)
	endpoint := e.fns.URL
	if o.endpoint != "" {
		endpoint = o.endpoint
	}
	trig, err := lambdatrigger.New(lambdatrigger.Config{Catalog: e.dir, Directory: e.dir,
		Invoker: lambdatrigger.NewClient(endpoint, lambdatrigger.ClientOptions{}), Timeout: o.timeout,
		Hooks: o.hooks, UserHooks: o.userHooks})
	require.NoError(t, err)
	e.svc, err = userpool.New(userpool.Config{Directory: e.dir, Catalog: e.dir, Sessions: session.NewMemory(),
		Issuer: token.NewMemoryIssuer(), Sender: e.out, Hooks: trig.FlowHooks(), UserHooks: trig.UserHooks()})
	require.NoError(t, err)
	in := &challenge.CreateUserPoolInput{PoolName: "triggers", LambdaConfig: o.lambda,
		Policies: &challenge.UserPoolPolicyType{PasswordPolicy: &challenge.PasswordPolicyType{MinimumLength: 8}}}
	if o.autoEmail {
		in.AutoVerifiedAttributes = []string{"email"}
	}
	pool, err := e.svc.CreateUserPool(ctx, in)
	require.NoError(t, err)
	e.poolID = pool.UserPool.Id
	c, err := e.svc.CreateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: e.poolID, ClientName: "app",
		ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"}})
	require.NoError(t, err)
	e.client = c.UserPoolClient.ClientId
	return e
}

// confirmedUser creates a confirmed user with a permanent password.
func (e *env) confirmedUser(t *testing.T, name, password string, attrs ...challenge.AttributeType) {
	t.Helper()
	_, err := e.svc.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: e.poolID, Username: name,
		UserAttributes: attrs, MessageAction: "SUPPRESS"})
	require.NoError(t, err)
	_, err = e.svc.AdminSetUserPassword(ctx, &challenge.AdminSetUserPasswordInput{UserPoolId: e.poolID, Username: name,
		Password: password, Permanent: true})
	require.NoError(t, err)
}

func (e *env) passwordSignIn(name, password string, metadata map[string]string) (*challenge.InitiateAuthOutput, error) {
	return e.svc.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: e.client,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}, ClientMetadata: metadata})
}

func (e *env) user(t *testing.T, name string) *flow.User {
	t.Helper()
	u, err := e.dir.User(ctx, e.poolID, name)
	require.NoError(t, err)
	return u
}

// requireCode asserts err is a *challenge.Error with code and message.
func requireCode(t *testing.T, err error, code challenge.Code, msg string) {
	t.Helper()
	require.Error(t, err)
	var ce *challenge.Error
	require.True(t, errors.As(err, &ce), "not a *challenge.Error: %v", err)
	assert.Equal(t, code, ce.Code, "code of %v", err)
	if msg != "" {
		assert.Equal(t, msg, ce.Message)
	}
}

// claims decodes a JWT's payload (the signature is the issuer's business).
func claims(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	require.Len(t, parts, 3)
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var c map[string]any
	require.NoError(t, json.Unmarshal(b, &c))
	return c
}

// requireCommon asserts the common members of an event.
func requireCommon(t *testing.T, ev map[string]any, poolID, userName, clientID, source string) {
	t.Helper()
	assert.Equal(t, "1", ev["version"])
	assert.Equal(t, "us-east-1", ev["region"])
	assert.Equal(t, poolID, ev["userPoolId"])
	assert.Equal(t, userName, ev["userName"])
	assert.Equal(t, source, ev["triggerSource"])
	cc, _ := ev["callerContext"].(map[string]any)
	assert.Equal(t, clientID, cc["clientId"])
	assert.Equal(t, "aws-sdk-unknown-unknown", cc["awsSdkVersion"])
	assert.Contains(t, ev, "request")
	assert.Contains(t, ev, "response")
}

// echo is a function that answers the event it got, its response filled by fill.
func echo(fill func(req, resp map[string]any)) lambdatest.Func {
	return func(ev map[string]any) (any, error) {
		if fill != nil {
			fill(lambdatest.Request(ev), lambdatest.Response(ev))
		}
		return ev, nil
	}
}

// fail is a function that throws msg.
func fail(msg string) lambdatest.Func {
	return func(map[string]any) (any, error) { return nil, errors.New(msg) }
}
