package flow_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

// recorder drives an Env and records every call with the transitions it
// took.
type recorder struct {
	e  *flowtest.Env
	tr flowtest.Transcript
}

// record records one call; the Env is the transcript's source of
// transitions.
func (r *recorder) record(op string, in, out any, err error) {
	r.tr.Source = r.e
	r.tr.Record(op, in, out, err)
}

func (r *recorder) initiate(in *challenge.InitiateAuthInput) (*challenge.InitiateAuthOutput, error) {
	out, err := r.e.Server.InitiateAuth(ctx, in)
	r.record("InitiateAuth", in, out, err)
	return out, err
}

func (r *recorder) adminInitiate(in *challenge.AdminInitiateAuthInput) (*challenge.AdminInitiateAuthOutput, error) {
	out, err := r.e.Server.AdminInitiateAuth(ctx, in)
	r.record("AdminInitiateAuth", in, out, err)
	return out, err
}

func (r *recorder) respond(in *challenge.RespondToAuthChallengeInput) (*challenge.RespondToAuthChallengeOutput, error) {
	out, err := r.e.Server.RespondToAuthChallenge(ctx, in)
	r.record("RespondToAuthChallenge", in, out, err)
	return out, err
}

// srp runs USER_SRP_AUTH + PASSWORD_VERIFIER, recording both calls.
func (r *recorder) srp(t *testing.T, username, password string) (*challenge.RespondToAuthChallengeOutput, error) {
	t.Helper()
	c, out, err := r.e.SRPStart(ctx, username)
	r.record("InitiateAuth", map[string]string{"AuthFlow": "USER_SRP_AUTH", "USERNAME": username}, out, err)
	if err != nil {
		return nil, err
	}
	resp, err := r.e.PasswordVerifierResponse(c, out.ChallengeParameters, password)
	require.NoError(t, err)
	return r.respond(&challenge.RespondToAuthChallengeInput{ChallengeName: challenge.PasswordVerifier,
		ClientId: r.e.Client.ID, Session: out.Session, ChallengeResponses: resp})
}

// TestTranscriptSRP records USER_SRP_AUTH: a successful sign-in, a wrong
// password, and a replay of the spent session.
func TestTranscriptSRP(t *testing.T) {
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 10})}
	r.e.AddUser("alice", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "alice@example.com"})
	out, err := r.srp(t, "alice", "Correct-horse1")
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
	_, err = r.srp(t, "alice", "Wrong-horse1")
	requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")
	r.tr.Golden(t, "srp")
}

// TestTranscriptNewPassword records an admin-created user's first sign-in:
// NEW_PASSWORD_REQUIRED, a password that breaks the policy, then success.
func TestTranscriptNewPassword(t *testing.T) {
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 11, Pool: func(p *flow.Pool) {
		p.SchemaRequired = []string{"email", "name"}
	}})}
	r.e.AddUser("carol", "Temp-pass1", flow.StatusForceChangePassword, map[string]string{"email": "carol@example.com"})
	out, err := r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "carol", "PASSWORD": "Temp-pass1"}})
	require.NoError(t, err)
	require.Equal(t, challenge.NewPasswordRequired, out.ChallengeName)
	require.JSONEq(t, `["userAttributes.name"]`, out.ChallengeParameters["requiredAttributes"])
	require.JSONEq(t, `{"email":"carol@example.com"}`, out.ChallengeParameters["userAttributes"])

	_, err = r.respond(&challenge.RespondToAuthChallengeInput{ChallengeName: challenge.NewPasswordRequired, ClientId: r.e.Client.ID,
		Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "carol", "NEW_PASSWORD": "short", "userAttributes.name": "Carol"}})
	requireCode(t, err, challenge.ErrInvalidPassword, "Password did not conform with policy: Password not long enough")

	_, err = r.respond(&challenge.RespondToAuthChallengeInput{ChallengeName: challenge.NewPasswordRequired, ClientId: r.e.Client.ID,
		Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "carol", "NEW_PASSWORD": "New-password1", "userAttributes.email": "other@example.com", "userAttributes.name": "Carol"}})
	requireCode(t, err, challenge.ErrInvalidParameter, "Cannot modify an already provided email")

	done, err := r.respond(&challenge.RespondToAuthChallengeInput{ChallengeName: challenge.NewPasswordRequired, ClientId: r.e.Client.ID,
		Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "carol", "NEW_PASSWORD": "New-password1", "userAttributes.name": "Carol"}})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)
	u := r.e.User("carol")
	require.Equal(t, flow.StatusConfirmed, u.Status)
	require.Equal(t, "Carol", u.Attributes["name"])
	// The new password works and the temporary one no longer does.
	_, err = r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "carol", "PASSWORD": "Temp-pass1"}})
	requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")
	ok, err := r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "carol", "PASSWORD": "New-password1"}})
	require.NoError(t, err)
	require.NotNil(t, ok.AuthenticationResult)
	r.tr.Golden(t, "new_password")
}

// TestTranscriptAdminAndRefresh records ADMIN_USER_PASSWORD_AUTH, the legacy
// ADMIN_NO_SRP_AUTH, and both spellings of the refresh flow.
func TestTranscriptAdminAndRefresh(t *testing.T) {
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 12})}
	r.e.AddUser("dave", "Correct-horse1", flow.StatusConfirmed, nil)
	out, err := r.adminInitiate(&challenge.AdminInitiateAuthInput{AuthFlow: challenge.FlowAdminUserPasswordAuth, ClientId: r.e.Client.ID,
		UserPoolId: r.e.Pool.ID, AuthParameters: map[string]string{"USERNAME": "dave", "PASSWORD": "Correct-horse1"}})
	require.NoError(t, err)
	refresh := out.AuthenticationResult.RefreshToken
	_, err = r.adminInitiate(&challenge.AdminInitiateAuthInput{AuthFlow: challenge.FlowAdminNoSRPAuth, ClientId: r.e.Client.ID,
		UserPoolId: r.e.Pool.ID, AuthParameters: map[string]string{"USERNAME": "dave", "PASSWORD": "Correct-horse1"}})
	require.NoError(t, err)
	for _, f := range []challenge.AuthFlow{challenge.FlowRefreshTokenAuth, challenge.FlowRefreshToken} {
		got, err := r.initiate(&challenge.InitiateAuthInput{AuthFlow: f, ClientId: r.e.Client.ID,
			AuthParameters: map[string]string{"REFRESH_TOKEN": refresh}})
		require.NoError(t, err)
		require.NotEmpty(t, got.AuthenticationResult.AccessToken)
		require.Empty(t, got.AuthenticationResult.RefreshToken, "refresh returns access and ID tokens only")
	}
	_, err = r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowRefreshTokenAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": "not-a-token"}})
	requireCode(t, err, challenge.ErrNotAuthorized, "Invalid Refresh Token")
	r.tr.Golden(t, "admin_refresh")
}

// TestTranscriptEdges records the paths the other transcripts leave out,
// so that every declared edge of the table is taken by some transcript
// (TestEveryEdgeIsTaken): an SRP sign-in of a user with a temporary
// password whose new passwords are refused until the session dies; a
// first factor chosen by preference and proven in the next call (a plain
// password, then SRP); wrong first-factor codes until the session dies;
// and an unknown name refused at once.
func TestTranscriptEdges(t *testing.T) {
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 13, Pool: choicePool, Client: func(c *flow.AppClient) {
		c.ExplicitAuthFlows = []string{challenge.ExplicitAllowUserAuth, challenge.ExplicitAllowUserSRPAuth, challenge.ExplicitAllowRefreshTokenAuth}
	}})}
	r.e.AddUser("tess", "Temp-pass1", flow.StatusForceChangePassword, nil)
	r.e.AddUser("uma", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "uma@example.com", "email_verified": "true"})

	// SRP -> NEW_PASSWORD_REQUIRED; three refused answers end the session.
	out, err := r.srp(t, "tess", "Temp-pass1")
	require.NoError(t, err)
	require.Equal(t, challenge.NewPasswordRequired, out.ChallengeName)
	for i := range 3 {
		_, err = r.respond(&challenge.RespondToAuthChallengeInput{ChallengeName: challenge.NewPasswordRequired, ClientId: r.e.Client.ID,
			Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "tess", "NEW_PASSWORD": "short"}})
		require.Error(t, err, "answer %d", i)
	}
	_, err = r.respond(&challenge.RespondToAuthChallengeInput{ChallengeName: challenge.NewPasswordRequired, ClientId: r.e.Client.ID,
		Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "tess", "NEW_PASSWORD": "New-password1"}})
	requireCode(t, err, challenge.ErrNotAuthorized, "Invalid session for the user.")

	// PREFERRED_CHALLENGE PASSWORD without the password: USER_AUTH, then
	// the password in the next call passes through PASSWORD_VERIFIER.
	pw, err := r.userAuth(map[string]string{"USERNAME": "uma", "PREFERRED_CHALLENGE": "PASSWORD"})
	require.NoError(t, err)
	require.Equal(t, challenge.Password, pw.ChallengeName)
	done, err := r.answer(challenge.Password, pw.Session, map[string]string{"USERNAME": "uma", "PASSWORD": "Correct-horse1"})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	// PREFERRED_CHALLENGE PASSWORD_SRP without SRP_A, then SRP_A.
	ps, err := r.userAuth(map[string]string{"USERNAME": "uma", "PREFERRED_CHALLENGE": "PASSWORD_SRP"})
	require.NoError(t, err)
	require.Equal(t, challenge.PasswordSRP, ps.ChallengeName)
	c, err := newSRPClient(r.e)
	require.NoError(t, err)
	pv, err := r.answer(challenge.PasswordSRP, ps.Session, map[string]string{"USERNAME": "uma", "SRP_A": c.aHex()})
	require.NoError(t, err)
	require.Equal(t, challenge.PasswordVerifier, pv.ChallengeName)

	// Three wrong EMAIL_OTP codes end the session.
	otp, err := r.userAuth(map[string]string{"USERNAME": "uma", "PREFERRED_CHALLENGE": "EMAIL_OTP"})
	require.NoError(t, err)
	for range 3 {
		_, err = r.answer(challenge.EmailOTP, otp.Session, map[string]string{"USERNAME": "uma", "EMAIL_OTP_CODE": "000000"})
		require.Error(t, err)
	}

	// An unknown name under legacy existence errors.
	_, err = r.userAuth(map[string]string{"USERNAME": "ghost"})
	requireCode(t, err, challenge.ErrUserNotFound, "User does not exist.")
	r.tr.Golden(t, "edges")
}

// TestTranscriptEdgesMFA records MFA after SRP, and MFA after a forced
// password change.
func TestTranscriptEdgesMFA(t *testing.T) {
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 14, Pool: mfaPool(flow.MFAOptional)})}
	r.e.AddUser("tina", "Correct-horse1", flow.StatusConfirmed, nil)
	totpUser(t, r.e, "tina")
	r.e.AddUser("tom", "Temp-pass1", flow.StatusForceChangePassword, nil)
	totpUser(t, r.e, "tom")

	out, err := r.srp(t, "tina", "Correct-horse1")
	require.NoError(t, err)
	require.Equal(t, challenge.SoftwareTokenMFA, out.ChallengeName)

	np, err := r.password("tom", "Temp-pass1")
	require.NoError(t, err)
	require.Equal(t, challenge.NewPasswordRequired, np.ChallengeName)
	mfa, err := r.answer(challenge.NewPasswordRequired, np.Session, map[string]string{"USERNAME": "tom", "NEW_PASSWORD": "New-password1"})
	require.NoError(t, err)
	require.Equal(t, challenge.SoftwareTokenMFA, mfa.ChallengeName)
	r.tr.Golden(t, "edges_mfa")
}

// TestTranscriptEdgesDevice records a remembered device asked to prove
// itself after each kind of first factor: SRP, an EMAIL_OTP code, and a
// forced password change; and a forced password change after a one-time
// code.
func TestTranscriptEdgesDevice(t *testing.T) {
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 15, Pool: func(p *flow.Pool) {
		choicePool(p)
		p.Devices = &flow.DeviceConfiguration{ChallengeRequiredOnNewDevice: true}
	}, Client: func(c *flow.AppClient) {
		c.ExplicitAuthFlows = []string{challenge.ExplicitAllowUserAuth, challenge.ExplicitAllowUserSRPAuth,
			challenge.ExplicitAllowUserPasswordAuth, challenge.ExplicitAllowRefreshTokenAuth}
	}})}
	r.e.AddUser("dev", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "dev@example.com", "email_verified": "true"})
	r.e.AddUser("fay", "Temp-pass1", flow.StatusForceChangePassword, map[string]string{"email": "fay@example.com", "email_verified": "true"})

	first, err := r.password("dev", "Correct-horse1")
	require.NoError(t, err)
	d := confirmDevice(t, r, first.AuthenticationResult)

	// SRP, with DEVICE_KEY in the PASSWORD_VERIFIER answer.
	c, out, err := r.e.SRPStart(ctx, "dev")
	r.record("InitiateAuth", map[string]string{"AuthFlow": "USER_SRP_AUTH", "USERNAME": "dev"}, out, err)
	require.NoError(t, err)
	resp, err := r.e.PasswordVerifierResponse(c, out.ChallengeParameters, "Correct-horse1")
	require.NoError(t, err)
	resp["DEVICE_KEY"] = d.key
	dev, err := r.answer(challenge.PasswordVerifier, out.Session, resp)
	require.NoError(t, err)
	require.Equal(t, challenge.DeviceSRPAuth, dev.ChallengeName)

	// An EMAIL_OTP first factor with DEVICE_KEY.
	otp, err := r.userAuth(map[string]string{"USERNAME": "dev", "PREFERRED_CHALLENGE": "EMAIL_OTP", "DEVICE_KEY": d.key})
	require.NoError(t, err)
	msg, ok := r.e.Outbox.Last("dev", "OTP")
	require.True(t, ok)
	dev, err = r.answer(challenge.EmailOTP, otp.Session, map[string]string{"USERNAME": "dev", "EMAIL_OTP_CODE": msg.Code})
	require.NoError(t, err)
	require.Equal(t, challenge.DeviceSRPAuth, dev.ChallengeName)

	// A temporary password again (an administrator set one): the new
	// password, then the device.
	_, err = r.e.Server.AdminSetUserPassword(ctx, &challenge.AdminSetUserPasswordInput{UserPoolId: r.e.Pool.ID, Username: "dev",
		Password: "Temp-pass2", Permanent: false})
	require.NoError(t, err)
	np, err := r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "dev", "PASSWORD": "Temp-pass2", "DEVICE_KEY": d.key}})
	require.NoError(t, err)
	require.Equal(t, challenge.NewPasswordRequired, np.ChallengeName)
	dev, err = r.answer(challenge.NewPasswordRequired, np.Session, map[string]string{"USERNAME": "dev", "NEW_PASSWORD": "New-password1"})
	require.NoError(t, err)
	require.Equal(t, challenge.DeviceSRPAuth, dev.ChallengeName)

	// A temporary password's user proves an EMAIL_OTP code: the new
	// password is still due.
	otp, err = r.userAuth(map[string]string{"USERNAME": "fay", "PREFERRED_CHALLENGE": "EMAIL_OTP"})
	require.NoError(t, err)
	msg, ok = r.e.Outbox.Last("fay", "OTP")
	require.True(t, ok)
	np2, err := r.answer(challenge.EmailOTP, otp.Session, map[string]string{"USERNAME": "fay", "EMAIL_OTP_CODE": msg.Code})
	require.NoError(t, err)
	require.Equal(t, challenge.NewPasswordRequired, np2.ChallengeName)
	r.tr.Golden(t, "edges_device")
}
