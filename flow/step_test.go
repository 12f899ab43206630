package flow_test

import (
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/srp"
)

// stepWorld is a pool, a client and a user for driving Step by hand.
func stepWorld(t *testing.T, status flow.UserStatus) (*flow.Pool, *flow.AppClient, *flow.User) {
	t.Helper()
	pool := &flow.Pool{ID: "us-east-1_Step", PasswordPolicy: flow.DefaultPasswordPolicy()}
	client := &flow.AppClient{ID: "client", PoolID: pool.ID}
	salt, verifier, err := srp.NewPasswordVerifier(flowtest.Rand(1), "Step", "tess", "Temp-pass1")
	require.NoError(t, err)
	user := &flow.User{PoolID: pool.ID, Username: "tess", Sub: "sub-tess", Status: status, Enabled: true,
		Salt: salt, Verifier: verifier, Attributes: map[string]string{}}
	return pool, client, user
}

// drive steps until a decision, answering random-byte requests from r
// and refusing any other request.
func drive(t *testing.T, s *flow.State, ev *flow.Event, r io.Reader) flow.Outcome {
	t.Helper()
	for range 8 {
		o, err := flowtest.CheckStep(s, ev)
		require.NoError(t, err)
		if o.Need == nil {
			return o
		}
		require.Equal(t, flow.NeedRandom, o.Need.Kind, "only random bytes are asked for here")
		b := make([]byte, o.Need.Random)
		_, err = io.ReadFull(r, b)
		require.NoError(t, err)
		ev.Random = append(ev.Random, b...)
	}
	t.Fatal("Step kept asking")
	return flow.Outcome{}
}

// TestStepZeroLimitsAreDefaults: an Event with zero Limits gets the
// defaults; the answer to a pending challenge is not refused as an
// invalid session (it was: MaxSteps 0 allowed no answer).
func TestStepZeroLimitsAreDefaults(t *testing.T) {
	pool, client, user := stepWorld(t, flow.StatusForceChangePassword)
	first := drive(t, nil, &flow.Event{Flow: challenge.FlowUserPasswordAuth, Now: flowtest.Epoch, Pool: pool, Client: client, User: user,
		Params: map[string]string{"USERNAME": "tess", "PASSWORD": "Temp-pass1"}}, flowtest.Rand(2))
	require.NoError(t, first.Err)
	require.Equal(t, challenge.NewPasswordRequired, first.Challenge)

	done := drive(t, first.Next, &flow.Event{Answer: challenge.NewPasswordRequired, Now: flowtest.Epoch, Pool: pool, Client: client, User: user,
		Params: map[string]string{"USERNAME": "tess", "NEW_PASSWORD": "New-password1"}}, flowtest.Rand(3))
	require.NoError(t, done.Err)
	require.True(t, done.Grant)
	require.NotNil(t, done.Effects.SetPassword)

	// Zero Limits still bound the wrong answers (the default 3).
	s := first.Next
	var o flow.Outcome
	for i := range 3 {
		o = drive(t, s, &flow.Event{Answer: challenge.NewPasswordRequired, Now: flowtest.Epoch, Pool: pool, Client: client, User: user,
			Params: map[string]string{"USERNAME": "tess", "NEW_PASSWORD": "short"}}, flowtest.Rand(4))
		require.Equal(t, challenge.ErrInvalidPassword, challenge.CodeOf(o.Err), "answer %d", i)
		require.Equal(t, i < 2, o.Retry, "answer %d", i)
		s = o.Next
	}
	require.Equal(t, flow.PhaseFailed, o.Next.Phase)
}

// TestStepWithoutPoolFails: a zero Event (or none) is an internal error,
// never a panic.
func TestStepWithoutPoolFails(t *testing.T) {
	for _, ev := range []*flow.Event{nil, {}, {Pool: &flow.Pool{}}} {
		o := flow.Step(nil, ev)
		require.Equal(t, challenge.ErrInternalError, challenge.CodeOf(o.Err))
		require.Equal(t, flow.PhaseFailed, o.Next.Phase)
		require.Nil(t, o.Need)
	}
}

// TestStepAsksForRandomBytes: without random bytes an SRP challenge asks
// for exactly the 80 it uses (exponent, then SECRET_BLOCK), and the same
// bytes give the same challenge.
func TestStepAsksForRandomBytes(t *testing.T) {
	pool, client, user := stepWorld(t, flow.StatusConfirmed)
	c, err := srp.NewClient(flowtest.Rand(5))
	require.NoError(t, err)
	ev := &flow.Event{Flow: challenge.FlowUserSRPAuth, Now: flowtest.Epoch, Pool: pool, Client: client, User: user,
		Params: map[string]string{"USERNAME": "tess", "SRP_A": srp.HexInt(c.A())}}
	o := flow.Step(nil, ev)
	require.Equal(t, &flow.Request{Kind: flow.NeedRandom, Random: flow.SRPHandshakeBytes + flow.SRPSecretBlockBytes}, o.Need)
	require.Nil(t, o.Next)

	rnd := make([]byte, 80)
	_, _ = io.ReadFull(flowtest.Rand(6), rnd)
	ev.Random = rnd[:79]
	require.Equal(t, &flow.Request{Kind: flow.NeedRandom, Random: 1}, flow.Step(nil, ev).Need)
	ev.Random = rnd
	a, b := flow.Step(nil, ev), flow.Step(nil, ev)
	require.Nil(t, a.Need)
	require.Equal(t, challenge.PasswordVerifier, a.Challenge)
	require.Equal(t, a.Params["SRP_B"], b.Params["SRP_B"])
	require.Equal(t, a.Next.Secret, rnd[32:], "the SECRET_BLOCK is the last 48 bytes")
}

// TestStepAsksForTheHooks: CUSTOM_AUTH asks for the define decision, then
// for the challenge, as data; a reply of the wrong kind is an internal
// error, and a hook's error is the call's answer.
func TestStepAsksForTheHooks(t *testing.T) {
	pool, client, user := stepWorld(t, flow.StatusConfirmed)
	ev := &flow.Event{Flow: challenge.FlowCustomAuth, Now: flowtest.Epoch, Pool: pool, Client: client, User: user, CanCustomAuth: true,
		Params: map[string]string{"USERNAME": "tess"}, Metadata: map[string]string{"k": "v"}}
	o := flow.Step(nil, ev)
	require.NotNil(t, o.Need)
	require.Equal(t, flow.NeedDefine, o.Need.Kind)
	require.Equal(t, "tess", o.Need.Define.Username)
	require.Equal(t, "sub-tess", o.Need.Define.Attributes["sub"])
	require.Nil(t, o.Need.Define.ClientMetadata, "InitiateAuth passes no ClientMetadata to define, as Cognito")

	ev.Replies = []flow.Reply{{Kind: flow.NeedDefine, Define: &flow.DefineAuthChallengeOutput{ChallengeName: "CUSTOM_CHALLENGE"}}}
	o = flow.Step(nil, ev)
	require.Equal(t, flow.NeedCreate, o.Need.Kind)
	require.Equal(t, "CUSTOM_CHALLENGE", o.Need.Create.ChallengeName)

	ev.Replies = append(ev.Replies, flow.Reply{Kind: flow.NeedCreate, Create: &flow.CreateAuthChallengeOutput{
		PublicChallengeParameters: map[string]string{"q": "2+2"}, PrivateChallengeParameters: map[string]string{"a": "4"}}})
	o = flow.Step(nil, ev)
	require.Nil(t, o.Need)
	require.Equal(t, challenge.CustomChallenge, o.Challenge)
	require.Equal(t, "2+2", o.Params["q"])

	// The answer: verify sees the private parameters and the metadata.
	answer := &flow.Event{Answer: challenge.CustomChallenge, Now: flowtest.Epoch, Pool: pool, Client: client, User: user, CanCustomAuth: true,
		Params: map[string]string{"USERNAME": "tess", "ANSWER": "4"}, Metadata: map[string]string{"k": "v"}}
	v := flow.Step(o.Next, answer)
	require.Equal(t, flow.NeedVerify, v.Need.Kind)
	require.Equal(t, map[string]string{"a": "4"}, v.Need.Verify.PrivateChallengeParameters)
	require.Equal(t, "4", v.Need.Verify.ChallengeAnswer)
	require.Equal(t, "v", v.Need.Verify.ClientMetadata["k"])

	wrong := *answer
	wrong.Replies = []flow.Reply{{Kind: flow.NeedDefine}}
	bad := flow.Step(o.Next, &wrong)
	require.Equal(t, challenge.ErrInternalError, challenge.CodeOf(bad.Err), "a define reply does not answer verify")

	refused := *answer
	refused.Replies = []flow.Reply{{Kind: flow.NeedVerify, Err: challenge.New(challenge.ErrUserLambdaValidation, "no")}}
	bad = flow.Step(o.Next, &refused)
	require.Equal(t, challenge.ErrUserLambdaValidation, challenge.CodeOf(bad.Err))
	require.Equal(t, flow.PhaseFailed, bad.Next.Phase)

	answer.Replies = []flow.Reply{{Kind: flow.NeedVerify, Verify: &flow.VerifyAuthChallengeOutput{AnswerCorrect: true}},
		{Kind: flow.NeedDefine, Define: &flow.DefineAuthChallengeOutput{IssueTokens: true}}}
	done := flow.Step(o.Next, answer)
	require.Nil(t, done.Need)
	require.NoError(t, done.Err)
	require.True(t, done.Grant)
}

// TestStepSignedUpIgnoresDeviceKey: the sign-in a confirmed sign-up's
// Session starts (USER_AUTH) does not ask a DEVICE_KEY to prove itself,
// even one of the user's confirmed devices: the user was just created,
// so the sign-in is on a new device and goes from START to tokens with
// new device metadata (the table has no START -> DEVICE_SRP edge).
func TestStepSignedUpIgnoresDeviceKey(t *testing.T) {
	pool, client, user := stepWorld(t, flow.StatusConfirmed)
	pool.Devices = &flow.DeviceConfiguration{}
	user.Devices = []flow.Device{{Key: "us-east-1_known", GroupKey: "-group", Salt: []byte{1}, Verifier: []byte{2}}}
	o := drive(t, nil, &flow.Event{Flow: challenge.FlowUserAuth, SignedUp: true, Now: flowtest.Epoch, Pool: pool, Client: client, User: user,
		Params: map[string]string{"USERNAME": "tess", "DEVICE_KEY": "us-east-1_known"}}, flowtest.Rand(8))
	require.NoError(t, o.Err)
	require.True(t, o.Grant)
	require.Equal(t, []flow.Transition{{Event: "tokens_issued", From: flow.PhaseStart, To: flow.PhaseTokens}}, o.Transitions)
	require.NotNil(t, o.NewDevice)
	require.NotEqual(t, "us-east-1_known", o.NewDevice.DeviceKey)
}
