package flow_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

func choicePool(p *flow.Pool) {
	p.AllowedFirstAuthFactors = []string{"PASSWORD", "EMAIL_OTP", "SMS_OTP"}
	p.AutoVerifiedAttributes = []string{"email"}
}

func userAuthClient(c *flow.AppClient) {
	c.ExplicitAuthFlows = []string{challenge.ExplicitAllowUserAuth, challenge.ExplicitAllowRefreshTokenAuth}
}

func (r *recorder) userAuth(params map[string]string) (*challenge.InitiateAuthOutput, error) {
	return r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserAuth, ClientId: r.e.Client.ID, AuthParameters: params})
}

// TestTranscriptUserAuth: SELECT_CHALLENGE with the user's factors, then
// each way to answer it; PREFERRED_CHALLENGE straight to a factor.
func TestTranscriptUserAuth(t *testing.T) {
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 140, Pool: choicePool, Client: userAuthClient})}
	r.e.AddUser("uma", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "uma@example.com", "email_verified": "true"})

	out, err := r.userAuth(map[string]string{"USERNAME": "uma"})
	require.NoError(t, err)
	require.Equal(t, challenge.SelectChallenge, out.ChallengeName)
	assert.Equal(t, []challenge.Name{"PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"}, out.AvailableChallenges)

	// ANSWER=PASSWORD with the password completes in the same call.
	done, err := r.answer(challenge.SelectChallenge, out.Session, map[string]string{"USERNAME": "uma", "ANSWER": "PASSWORD", "PASSWORD": "Correct-horse1"})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	// ANSWER=PASSWORD_SRP with SRP_A leads to PASSWORD_VERIFIER.
	out, err = r.userAuth(map[string]string{"USERNAME": "uma"})
	require.NoError(t, err)
	c, err := newSRPClient(r.e)
	require.NoError(t, err)
	pv, err := r.answer(challenge.SelectChallenge, out.Session, map[string]string{"USERNAME": "uma", "ANSWER": "PASSWORD_SRP", "SRP_A": c.aHex()})
	require.NoError(t, err)
	require.Equal(t, challenge.PasswordVerifier, pv.ChallengeName)
	resp, err := r.e.PasswordVerifierResponse(c.c, pv.ChallengeParameters, "Correct-horse1")
	require.NoError(t, err)
	done, err = r.answer(challenge.PasswordVerifier, pv.Session, resp)
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	// ANSWER=EMAIL_OTP sends a code, answered with EMAIL_OTP_CODE.
	out, err = r.userAuth(map[string]string{"USERNAME": "uma"})
	require.NoError(t, err)
	otp, err := r.answer(challenge.SelectChallenge, out.Session, map[string]string{"USERNAME": "uma", "ANSWER": "EMAIL_OTP"})
	require.NoError(t, err)
	require.Equal(t, challenge.EmailOTP, otp.ChallengeName)
	assert.Equal(t, "u***@e***", otp.ChallengeParameters["CODE_DELIVERY_DESTINATION"])
	msg, ok := r.e.Outbox.Last("uma", "OTP")
	require.True(t, ok)
	_, err = r.answer(challenge.EmailOTP, otp.Session, map[string]string{"USERNAME": "uma", "EMAIL_OTP_CODE": "000000"})
	requireCode(t, err, challenge.ErrCodeMismatch, "Invalid code received for user")
	done, err = r.answer(challenge.EmailOTP, otp.Session, map[string]string{"USERNAME": "uma", "EMAIL_OTP_CODE": msg.Code})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	// An answer that was not offered.
	out, err = r.userAuth(map[string]string{"USERNAME": "uma"})
	require.NoError(t, err)
	_, err = r.answer(challenge.SelectChallenge, out.Session, map[string]string{"USERNAME": "uma", "ANSWER": "SMS_OTP"})
	requireCode(t, err, challenge.ErrInvalidParameter, "The challenge SMS_OTP is not available for the user.")

	// PREFERRED_CHALLENGE goes straight to the factor.
	pref, err := r.userAuth(map[string]string{"USERNAME": "uma", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Correct-horse1"})
	require.NoError(t, err)
	require.NotNil(t, pref.AuthenticationResult)
	prefOTP, err := r.userAuth(map[string]string{"USERNAME": "uma", "PREFERRED_CHALLENGE": "EMAIL_OTP"})
	require.NoError(t, err)
	assert.Equal(t, challenge.EmailOTP, prefOTP.ChallengeName)
	// A preference the user cannot use falls back to the choice.
	fallback, err := r.userAuth(map[string]string{"USERNAME": "uma", "PREFERRED_CHALLENGE": "SMS_OTP"})
	require.NoError(t, err)
	assert.Equal(t, challenge.SelectChallenge, fallback.ChallengeName)
	r.tr.Golden(t, "user_auth")
}

func TestUserAuthRules(t *testing.T) {
	t.Run("needs ALLOW_USER_AUTH", func(t *testing.T) {
		e := flowtest.New(t, flowtest.Options{Seed: 141})
		_, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserAuth, ClientId: e.Client.ID,
			AuthParameters: map[string]string{"USERNAME": "x"}})
		requireCode(t, err, challenge.ErrInvalidParameter, "USER_AUTH flow not enabled for this client")
	})
	t.Run("allows SRP without ALLOW_USER_SRP_AUTH", func(t *testing.T) {
		r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 142, Client: userAuthClient})}
		r.e.AddUser("vera", "Correct-horse1", flow.StatusConfirmed, nil)
		c, _ := newSRPClient(r.e)
		pv, err := r.userAuth(map[string]string{"USERNAME": "vera", "PREFERRED_CHALLENGE": "PASSWORD_SRP", "SRP_A": c.aHex()})
		require.NoError(t, err)
		require.Equal(t, challenge.PasswordVerifier, pv.ChallengeName)
		_, _, err = r.e.SRPStart(ctx, "vera")
		requireCode(t, err, challenge.ErrInvalidParameter, "USER_SRP_AUTH flow not enabled for this client")
	})
	t.Run("MFA follows a password but not a one-time code", func(t *testing.T) {
		r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 143, Client: userAuthClient, Pool: func(p *flow.Pool) {
			choicePool(p)
			mfaPool(flow.MFAOptional)(p)
		}})}
		r.e.AddUser("walt", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "walt@example.com", "email_verified": "true"})
		totpUser(t, r.e, "walt")
		out, err := r.userAuth(map[string]string{"USERNAME": "walt", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Correct-horse1"})
		require.NoError(t, err)
		assert.Equal(t, challenge.SoftwareTokenMFA, out.ChallengeName)
		otp, err := r.userAuth(map[string]string{"USERNAME": "walt", "PREFERRED_CHALLENGE": "EMAIL_OTP"})
		require.NoError(t, err)
		msg, _ := r.e.Outbox.Last("walt", "OTP")
		done, err := r.answer(challenge.EmailOTP, otp.Session, map[string]string{"USERNAME": "walt", "EMAIL_OTP_CODE": msg.Code})
		require.NoError(t, err)
		assert.NotNil(t, done.AuthenticationResult)
	})
	t.Run("unknown users", func(t *testing.T) {
		legacy := flowtest.New(t, flowtest.Options{Seed: 144, Client: userAuthClient})
		_, err := legacy.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserAuth, ClientId: legacy.Client.ID,
			AuthParameters: map[string]string{"USERNAME": "ghost"}})
		requireCode(t, err, challenge.ErrUserNotFound, "User does not exist.")
		hidden := flowtest.New(t, flowtest.Options{Seed: 145, Client: func(c *flow.AppClient) {
			userAuthClient(c)
			c.PreventUserExistenceErrors = "ENABLED"
		}})
		out, err := hidden.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserAuth, ClientId: hidden.Client.ID,
			AuthParameters: map[string]string{"USERNAME": "ghost"}})
		require.NoError(t, err)
		assert.Equal(t, []challenge.Name{"PASSWORD", "PASSWORD_SRP"}, out.AvailableChallenges)
		_, err = hidden.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.SelectChallenge,
			ClientId: hidden.Client.ID, Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "ghost", "ANSWER": "PASSWORD", "PASSWORD": "x"}})
		requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")
	})
}

// TestSignInAfterSignUp: the Session of SignUp goes to ConfirmSignUp, and
// the one ConfirmSignUp returns signs the user in without a password.
func TestSignInAfterSignUp(t *testing.T) {
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 146, Pool: choicePool, Client: userAuthClient})}
	upIn := &challenge.SignUpInput{ClientId: r.e.Client.ID, Username: "xena",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: "xena@example.com"}}}
	up, err := r.e.Server.SignUp(ctx, upIn)
	r.record("SignUp", upIn, up, err)
	require.NoError(t, err, "passwordless sign-up is allowed when the pool allows a passwordless factor")
	require.NotEmpty(t, up.Session)
	msg, _ := r.e.Outbox.Last("xena", "SIGN_UP")
	confIn := &challenge.ConfirmSignUpInput{ClientId: r.e.Client.ID, Username: "xena", ConfirmationCode: msg.Code, Session: up.Session}
	conf, err := r.e.Server.ConfirmSignUp(ctx, confIn)
	r.record("ConfirmSignUp", confIn, conf, err)
	require.NoError(t, err)
	require.NotEmpty(t, conf.Session)
	out, err := r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "xena"}, Session: conf.Session})
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
	// The session is spent.
	_, err = r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "xena"}, Session: conf.Session})
	requireCode(t, err, challenge.ErrNotAuthorized, "Invalid session for the user.")
	// The unconfirmed sign-up session does not sign anyone in.
	up2, err := r.e.Server.SignUp(ctx, &challenge.SignUpInput{ClientId: r.e.Client.ID, Username: "yoko", Password: "Correct-horse1",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: "yoko@example.com"}}})
	require.NoError(t, err)
	_, err = r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "yoko"}, Session: up2.Session})
	requireCode(t, err, challenge.ErrNotAuthorized, "Invalid session for the user.")
	r.tr.Golden(t, "sign_up")
}
