package flow_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/srp"
)

// quizHooks asks `rounds` questions, each answered by "answer-<n>"; a wrong
// answer fails the sign-in. It records what each hook saw.
type quizHooks struct {
	rounds    int
	defines   []flow.DefineAuthChallengeInput
	verifies  []flow.VerifyAuthChallengeInput
	failWith  error
	badDefine bool
}

func (q *quizHooks) hooks() flow.Hooks {
	return flow.Hooks{
		DefineAuthChallenge: func(_ context.Context, in flow.DefineAuthChallengeInput) (*flow.DefineAuthChallengeOutput, error) {
			q.defines = append(q.defines, in)
			if q.failWith != nil {
				return nil, q.failWith
			}
			if q.badDefine {
				return &flow.DefineAuthChallengeOutput{IssueTokens: true, FailAuthentication: true}, nil
			}
			h := in.Session
			switch {
			case len(h) > 0 && !h[len(h)-1].ChallengeResult:
				return &flow.DefineAuthChallengeOutput{FailAuthentication: true}, nil
			case len(h) == 1 && h[0].ChallengeName == "SRP_A":
				return &flow.DefineAuthChallengeOutput{ChallengeName: "PASSWORD_VERIFIER"}, nil
			}
			custom := 0
			for _, r := range h {
				if r.ChallengeName == "CUSTOM_CHALLENGE" {
					custom++
				}
			}
			if custom == q.rounds {
				return &flow.DefineAuthChallengeOutput{IssueTokens: true}, nil
			}
			return &flow.DefineAuthChallengeOutput{ChallengeName: "CUSTOM_CHALLENGE"}, nil
		},
		CreateAuthChallenge: func(_ context.Context, in flow.CreateAuthChallengeInput) (*flow.CreateAuthChallengeOutput, error) {
			n := strconv.Itoa(len(in.Session))
			return &flow.CreateAuthChallengeOutput{PublicChallengeParameters: map[string]string{"question": "round " + n},
				PrivateChallengeParameters: map[string]string{"answer": "answer-" + n}, ChallengeMetadata: "ROUND-" + n}, nil
		},
		VerifyAuthChallenge: func(_ context.Context, in flow.VerifyAuthChallengeInput) (*flow.VerifyAuthChallengeOutput, error) {
			q.verifies = append(q.verifies, in)
			return &flow.VerifyAuthChallengeOutput{AnswerCorrect: in.ChallengeAnswer == in.PrivateChallengeParameters["answer"]}, nil
		},
	}
}

func (r *recorder) custom(params map[string]string) (*challenge.InitiateAuthOutput, error) {
	return r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowCustomAuth, ClientId: r.e.Client.ID, AuthParameters: params,
		ClientMetadata: map[string]string{"at": "initiate"}})
}

// TestTranscriptCustomAuth: two CUSTOM_CHALLENGE rounds, then tokens; a
// wrong answer fails the sign-in.
func TestTranscriptCustomAuth(t *testing.T) {
	q := &quizHooks{rounds: 2}
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 130, Hooks: q.hooks()})}
	r.e.AddUser("cara", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "cara@example.com"})
	out, err := r.custom(map[string]string{"USERNAME": "cara"})
	require.NoError(t, err)
	require.Equal(t, challenge.CustomChallenge, out.ChallengeName)
	assert.Equal(t, map[string]string{"question": "round 0", "USERNAME": "cara"}, out.ChallengeParameters)
	assert.Nil(t, q.defines[0].ClientMetadata, "InitiateAuth does not pass ClientMetadata to define")
	assert.Equal(t, "cara@example.com", q.defines[0].Attributes["email"])

	answer := func(session, a string) (*challenge.RespondToAuthChallengeOutput, error) {
		return r.respond(&challenge.RespondToAuthChallengeInput{ChallengeName: challenge.CustomChallenge, ClientId: r.e.Client.ID,
			Session: session, ChallengeResponses: map[string]string{"USERNAME": "cara", "ANSWER": a}, ClientMetadata: map[string]string{"at": "respond"}})
	}
	second, err := answer(out.Session, "answer-0")
	require.NoError(t, err)
	require.Equal(t, challenge.CustomChallenge, second.ChallengeName)
	assert.Equal(t, "round 1", second.ChallengeParameters["question"])
	assert.Equal(t, map[string]string{"at": "respond"}, q.verifies[0].ClientMetadata)
	assert.Equal(t, []flow.CustomChallengeResult{{ChallengeName: "CUSTOM_CHALLENGE", ChallengeResult: true, ChallengeMetadata: "ROUND-0"}}, q.defines[1].Session)
	done, err := answer(second.Session, "answer-1")
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	again, err := r.custom(map[string]string{"USERNAME": "cara"})
	require.NoError(t, err)
	_, err = answer(again.Session, "wrong")
	requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")
	r.tr.Golden(t, "custom_auth")
}

// TestTranscriptCustomAuthSRP: the SRP_A variant runs PASSWORD_VERIFIER
// inside the custom flow, then a custom challenge.
func TestTranscriptCustomAuthSRP(t *testing.T) {
	q := &quizHooks{rounds: 1}
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 131, Hooks: q.hooks()})}
	r.e.AddUser("sol", "Correct-horse1", flow.StatusConfirmed, nil)
	c, err := newSRPClient(r.e)
	require.NoError(t, err)
	out, err := r.custom(map[string]string{"USERNAME": "sol", "CHALLENGE_NAME": "SRP_A", "SRP_A": c.aHex()})
	require.NoError(t, err)
	require.Equal(t, challenge.PasswordVerifier, out.ChallengeName)
	assert.Equal(t, []flow.CustomChallengeResult{{ChallengeName: "SRP_A", ChallengeResult: true}}, q.defines[0].Session)
	resp, err := r.e.PasswordVerifierResponse(c.c, out.ChallengeParameters, "Correct-horse1")
	require.NoError(t, err)
	next, err := r.answer(challenge.PasswordVerifier, out.Session, resp)
	require.NoError(t, err)
	require.Equal(t, challenge.CustomChallenge, next.ChallengeName)
	assert.Equal(t, "PASSWORD_VERIFIER", q.defines[1].Session[1].ChallengeName)
	done, err := r.answer(challenge.CustomChallenge, next.Session, map[string]string{"USERNAME": "sol", "ANSWER": "answer-2"})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	// A wrong password in the SRP step fails before any custom challenge.
	c2, _ := newSRPClient(r.e)
	out, err = r.custom(map[string]string{"USERNAME": "sol", "CHALLENGE_NAME": "SRP_A", "SRP_A": c2.aHex()})
	require.NoError(t, err)
	resp, err = r.e.PasswordVerifierResponse(c2.c, out.ChallengeParameters, "Wrong-horse1")
	require.NoError(t, err)
	_, err = r.answer(challenge.PasswordVerifier, out.Session, resp)
	requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")
	r.tr.Golden(t, "custom_auth_srp")
}

func TestCustomAuthHookFailures(t *testing.T) {
	cases := []struct {
		name string
		q    *quizHooks
		code challenge.Code
		msg  string
	}{
		{"plain error", &quizHooks{failWith: errors.New("database down")}, challenge.ErrUserLambdaValidation, "DefineAuthChallenge failed with error database down."},
		{"typed error", &quizHooks{failWith: challenge.New(challenge.ErrNotAuthorized, "Go away.")}, challenge.ErrNotAuthorized, "Go away."},
		{"invalid response", &quizHooks{badDefine: true}, challenge.ErrInvalidLambdaResponse, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := flowtest.New(t, flowtest.Options{Seed: 132, Hooks: c.q.hooks()})
			e.AddUser("hal", "Correct-horse1", flow.StatusConfirmed, nil)
			_, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowCustomAuth, ClientId: e.Client.ID,
				AuthParameters: map[string]string{"USERNAME": "hal"}})
			requireCode(t, err, c.code, c.msg)
		})
	}
	t.Run("panic", func(t *testing.T) {
		h := (&quizHooks{rounds: 1}).hooks()
		h.CreateAuthChallenge = func(context.Context, flow.CreateAuthChallengeInput) (*flow.CreateAuthChallengeOutput, error) {
			panic("boom")
		}
		e := flowtest.New(t, flowtest.Options{Seed: 133, Hooks: h})
		e.AddUser("hal", "Correct-horse1", flow.StatusConfirmed, nil)
		_, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowCustomAuth, ClientId: e.Client.ID,
			AuthParameters: map[string]string{"USERNAME": "hal"}})
		requireCode(t, err, challenge.ErrUnexpectedLambda, "CreateAuthChallenge failed unexpectedly.")
	})
	t.Run("not configured", func(t *testing.T) {
		e := flowtest.New(t, flowtest.Options{Seed: 134})
		e.AddUser("hal", "Correct-horse1", flow.StatusConfirmed, nil)
		_, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowCustomAuth, ClientId: e.Client.ID,
			AuthParameters: map[string]string{"USERNAME": "hal"}})
		requireCode(t, err, challenge.ErrInvalidParameter, "Custom auth lambda trigger is not configured for the user pool.")
	})
	t.Run("rounds are bounded", func(t *testing.T) {
		q := &quizHooks{rounds: 100}
		e := flowtest.New(t, flowtest.Options{Seed: 135, Hooks: q.hooks()})
		e.AddUser("hal", "Correct-horse1", flow.StatusConfirmed, nil)
		out, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowCustomAuth, ClientId: e.Client.ID,
			AuthParameters: map[string]string{"USERNAME": "hal"}})
		require.NoError(t, err)
		session := out.Session
		var last error
		for i := 0; i < 20 && last == nil; i++ {
			next, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.CustomChallenge,
				ClientId: e.Client.ID, Session: session, ChallengeResponses: map[string]string{"USERNAME": "hal", "ANSWER": "answer-" + strconv.Itoa(i)}})
			last = err
			if err == nil {
				require.Nil(t, next.AuthenticationResult)
				session = next.Session
			}
		}
		requireCode(t, last, challenge.ErrNotAuthorized, "Too many custom challenge rounds.")
	})
}

func TestPreAndPostAuthenticationHooks(t *testing.T) {
	var pre []flow.PreAuthenticationInput
	var post []flow.PostAuthenticationInput
	h := flow.Hooks{
		PreAuthentication: func(_ context.Context, in flow.PreAuthenticationInput) error {
			pre = append(pre, in)
			if in.Username == "blocked" {
				return errors.New("not today")
			}
			return nil
		},
		PostAuthentication: func(_ context.Context, in flow.PostAuthenticationInput) error {
			post = append(post, in)
			return nil
		},
	}
	e := flowtest.New(t, flowtest.Options{Seed: 136, Hooks: h})
	e.AddUser("ok", "Correct-horse1", flow.StatusConfirmed, nil)
	e.AddUser("blocked", "Correct-horse1", flow.StatusConfirmed, nil)
	_, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "ok", "PASSWORD": "Correct-horse1"}, ClientMetadata: map[string]string{"app": "web"}})
	require.NoError(t, err)
	require.Len(t, pre, 1)
	assert.Equal(t, map[string]string{"app": "web"}, pre[0].ValidationData)
	assert.Equal(t, "sub-ok", pre[0].Attributes["sub"])
	require.Len(t, post, 1)
	assert.Equal(t, "ok", post[0].Username)

	_, err = e.PasswordSignIn(ctx, "blocked", "Correct-horse1")
	requireCode(t, err, challenge.ErrUserLambdaValidation, "PreAuthentication failed with error not today.")
	_, _, err = e.SRPStart(ctx, "blocked")
	requireCode(t, err, challenge.ErrUserLambdaValidation, "PreAuthentication failed with error not today.")
	assert.Len(t, post, 1, "no post authentication for a refused sign-in")
}

func TestUserMigration(t *testing.T) {
	var seen []flow.UserMigrationInput
	h := flow.Hooks{UserMigration: func(_ context.Context, in flow.UserMigrationInput) (*flow.UserMigrationOutput, error) {
		seen = append(seen, in)
		if in.Username != "legacy" || (in.Password != "" && in.Password != "Old-system1") {
			return nil, nil
		}
		return &flow.UserMigrationOutput{Attributes: map[string]string{"email": "legacy@example.com", "email_verified": "true"}}, nil
	}}
	e := flowtest.New(t, flowtest.Options{Seed: 137, Hooks: h})
	_, err := e.PasswordSignIn(ctx, "legacy", "Wrong-system1")
	requireCode(t, err, challenge.ErrUserNotFound, "User does not exist.")
	out, err := e.PasswordSignIn(ctx, "legacy", "Old-system1")
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult, "imported and signed in at once")
	assert.Equal(t, "UserMigration_Authentication", seen[1].TriggerSource)
	u := e.User("legacy")
	require.NotNil(t, u)
	assert.Equal(t, flow.StatusConfirmed, u.Status)
	// The password now lives here: SRP works and the hook is not asked again.
	srpOut, err := e.SRPSignIn(ctx, "legacy", "Old-system1")
	require.NoError(t, err)
	require.NotNil(t, srpOut.AuthenticationResult)
	assert.Len(t, seen, 2)

	// A password reset imports the user as RESET_REQUIRED and sends a code.
	e2 := flowtest.New(t, flowtest.Options{Seed: 138, Hooks: h})
	fp, err := e2.Server.ForgotPassword(ctx, &challenge.UsernameInput{ClientId: e2.Client.ID, Username: "legacy"})
	require.NoError(t, err)
	assert.Equal(t, "EMAIL", fp.CodeDeliveryDetails.DeliveryMedium)
	assert.Equal(t, flow.StatusResetRequired, e2.User("legacy").Status)
	assert.Equal(t, "UserMigration_ForgotPassword", seen[len(seen)-1].TriggerSource)
}

// srpClient is a small client-side SRP helper for tests that start SRP
// themselves.
type srpClient struct{ c *srp.Client }

func newSRPClient(e *flowtest.Env) (*srpClient, error) {
	c, err := srp.NewClient(e.ClientRand)
	return &srpClient{c}, err
}

func (s *srpClient) aHex() string { return srp.HexInt(s.c.A()) }
