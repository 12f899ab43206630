package userpool_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/userpool"
)

// textOutbox is a userpool.TextSender that keeps what it gets.
type textOutbox struct {
	mu    sync.Mutex
	msgs  []flow.Message
	texts []*userpool.MessageText
}

func (o *textOutbox) Send(_ context.Context, m flow.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs, o.texts = append(o.msgs, m), append(o.texts, nil)
	return nil
}

func (o *textOutbox) SendText(_ context.Context, m flow.Message, t userpool.MessageText) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs, o.texts = append(o.msgs, m), append(o.texts, &t)
	return nil
}

type hookedService struct {
	svc    *userpool.Service
	dir    *directory.Memory
	out    *textOutbox
	poolID string
	client string
}

func newHooked(t *testing.T, hooks userpool.Hooks) *hookedService {
	t.Helper()
	clock := flowtest.NewClock(flowtest.Epoch)
	h := &hookedService{dir: directory.NewMemory(), out: &textOutbox{}}
	var err error
	h.svc, err = userpool.New(userpool.Config{Directory: h.dir, Catalog: h.dir, Sessions: session.NewMemory(session.WithClock(clock.Now)),
		Issuer: flowtest.NewIssuer(clock.Now), Now: clock.Now, Sender: h.out, UserHooks: hooks})
	require.NoError(t, err)
	pool, err := h.svc.CreateUserPool(ctx, &challenge.CreateUserPoolInput{PoolName: "hooks", AutoVerifiedAttributes: []string{"email"},
		Policies: &challenge.UserPoolPolicyType{SignInPolicy: &challenge.SignInPolicyType{AllowedFirstAuthFactors: []string{"PASSWORD", "EMAIL_OTP"}}}})
	require.NoError(t, err)
	h.poolID = pool.UserPool.Id
	c, err := h.svc.CreateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: h.poolID, ClientName: "app",
		ExplicitAuthFlows: []string{"ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	require.NoError(t, err)
	h.client = c.UserPoolClient.ClientId
	return h
}

func (h *hookedService) signUp(name string) (*challenge.SignUpOutput, error) {
	return h.svc.SignUp(ctx, &challenge.SignUpInput{ClientId: h.client, Username: name, Password: "Passw0rd!",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: name + "@example.com"}}})
}

func TestPreSignUpHook(t *testing.T) {
	var seen []userpool.PreSignUpInput
	h := newHooked(t, userpool.Hooks{PreSignUp: func(_ context.Context, in userpool.PreSignUpInput) (*userpool.PreSignUpOutput, error) {
		seen = append(seen, in)
		switch in.Username {
		case "banned":
			return nil, errors.New("not welcome")
		case "crash":
			panic("bug in the hook")
		}
		return &userpool.PreSignUpOutput{AutoConfirmUser: in.Username == "vip", AutoVerifyEmail: true}, nil
	}})
	out, err := h.signUp("vip")
	require.NoError(t, err)
	assert.True(t, out.UserConfirmed)
	assert.Nil(t, out.CodeDeliveryDetails)
	assert.Empty(t, h.out.msgs, "no code for an auto-confirmed user")
	require.Len(t, seen, 1)
	assert.Equal(t, "PreSignUp_SignUp", seen[0].TriggerSource)
	assert.Equal(t, h.client, seen[0].ClientID)
	assert.NotContains(t, seen[0].Attributes, "sub", "the user does not exist yet")

	out, err = h.signUp("plain")
	require.NoError(t, err)
	assert.False(t, out.UserConfirmed)
	assert.NotNil(t, out.CodeDeliveryDetails)

	_, err = h.signUp("banned")
	requireCode(t, err, challenge.ErrUserLambdaValidation, "PreSignUp failed with error not welcome.")
	_, err = h.signUp("crash")
	requireCode(t, err, challenge.ErrUnexpectedLambda, "PreSignUp failed unexpectedly.")
	u, err := h.dir.User(ctx, h.poolID, "crash")
	require.NoError(t, err)
	assert.Nil(t, u, "nothing half-applied")
}

func TestPostConfirmationHookRunsOncePerConfirmation(t *testing.T) {
	var seen []userpool.PostConfirmationInput
	h := newHooked(t, userpool.Hooks{PostConfirmation: func(_ context.Context, in userpool.PostConfirmationInput) error {
		seen = append(seen, in)
		return nil
	}})
	_, err := h.signUp("zed")
	require.NoError(t, err)
	_, err = h.svc.ConfirmSignUp(ctx, &challenge.ConfirmSignUpInput{ClientId: h.client, Username: "zed", ConfirmationCode: "000000"})
	requireCode(t, err, challenge.ErrCodeMismatch, "")
	assert.Empty(t, seen, "a wrong code confirms nothing")
	_, err = h.svc.ConfirmSignUp(ctx, &challenge.ConfirmSignUpInput{ClientId: h.client, Username: "zed", ConfirmationCode: h.out.msgs[0].Code})
	require.NoError(t, err)
	require.Len(t, seen, 1)
	assert.Equal(t, "PostConfirmation_ConfirmSignUp", seen[0].TriggerSource)
	assert.Equal(t, "CONFIRMED", seen[0].Attributes["cognito:user_status"])
	assert.NotEmpty(t, seen[0].Attributes["sub"])

	_, err = h.signUp("amy")
	require.NoError(t, err)
	_, err = h.svc.AdminConfirmSignUp(ctx, &challenge.AdminConfirmSignUpInput{UserPoolId: h.poolID, Username: "amy"})
	require.NoError(t, err)
	_, err = h.svc.AdminConfirmSignUp(ctx, &challenge.AdminConfirmSignUpInput{UserPoolId: h.poolID, Username: "amy"})
	requireCode(t, err, challenge.ErrNotAuthorized, "User cannot be confirmed. Current status is CONFIRMED")
	require.Len(t, seen, 2)
	assert.Equal(t, "CLIENT_ID_NOT_APPLICABLE", seen[1].ClientID)
}

func TestCustomMessageHookComposesEveryCode(t *testing.T) {
	var sources []string
	h := newHooked(t, userpool.Hooks{CustomMessage: func(_ context.Context, in userpool.CustomMessageInput) (*userpool.CustomMessageOutput, error) {
		sources = append(sources, in.TriggerSource)
		return &userpool.CustomMessageOutput{EmailSubject: "Hi " + in.Username, EmailMessage: "Code: " + in.CodeParameter}, nil
	}})
	_, err := h.signUp("bea")
	require.NoError(t, err)
	require.Len(t, h.out.texts, 1)
	require.NotNil(t, h.out.texts[0])
	assert.Equal(t, "Code: "+h.out.msgs[0].Code, h.out.texts[0].EmailMessage)
	assert.Equal(t, "Hi bea", h.out.texts[0].EmailSubject)
	_, err = h.svc.ConfirmSignUp(ctx, &challenge.ConfirmSignUpInput{ClientId: h.client, Username: "bea", ConfirmationCode: h.out.msgs[0].Code})
	require.NoError(t, err)

	// The engine's codes (EMAIL_OTP) go through the hook too.
	start, err := h.svc.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserAuth, ClientId: h.client,
		AuthParameters: map[string]string{"USERNAME": "bea", "PREFERRED_CHALLENGE": "EMAIL_OTP"}})
	require.NoError(t, err)
	require.Equal(t, challenge.Name("EMAIL_OTP"), start.ChallengeName)
	require.Len(t, h.out.texts, 2)
	require.NotNil(t, h.out.texts[1])
	assert.Equal(t, "Code: "+h.out.msgs[1].Code, h.out.texts[1].EmailMessage)
	assert.Equal(t, []string{"CustomMessage_SignUp", "CustomMessage_Authentication"}, sources)
	assert.NotContains(t, h.out.texts[1].String(), h.out.msgs[1].Code, "String never shows the text")
}
