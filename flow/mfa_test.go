package flow_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/totp"
)

func mfaPool(mode flow.MFAConfiguration) func(*flow.Pool) {
	return func(p *flow.Pool) {
		p.MFA = mode
		p.SMSMFAEnabled, p.TOTPMFAEnabled, p.EmailMFAEnabled = true, true, true
	}
}

func (r *recorder) answer(name challenge.Name, session string, resp map[string]string) (*challenge.RespondToAuthChallengeOutput, error) {
	return r.respond(&challenge.RespondToAuthChallengeInput{ChallengeName: name, ClientId: r.e.Client.ID, Session: session, ChallengeResponses: resp})
}

func (r *recorder) password(username, password string) (*challenge.InitiateAuthOutput, error) {
	return r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password}})
}

// totpUser gives a user a verified software token and returns its secret.
func totpUser(t *testing.T, e *flowtest.Env, username string) string {
	t.Helper()
	secret, err := totp.NewSecret(e.Rand)
	require.NoError(t, err)
	u := e.User(username)
	old := u.Version
	u.MFA.TOTPSecret, u.MFA.TOTPEnabled = secret, true
	require.NoError(t, e.Dir.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: old}))
	return secret
}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.DefaultConfig().Code(secret, at)
	require.NoError(t, err)
	return c
}

// TestTranscriptTOTP: SOFTWARE_TOKEN_MFA after a password, a wrong code
// retried in the same session, and a replayed code refused.
func TestTranscriptTOTP(t *testing.T) {
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 70, Pool: mfaPool(flow.MFAOptional)})}
	r.e.AddUser("tina", "Correct-horse1", flow.StatusConfirmed, nil)
	secret := totpUser(t, r.e, "tina")

	out, err := r.password("tina", "Correct-horse1")
	require.NoError(t, err)
	require.Equal(t, challenge.SoftwareTokenMFA, out.ChallengeName)
	assert.Equal(t, "tina", out.ChallengeParameters["USER_ID_FOR_SRP"])
	_, err = r.answer(challenge.SoftwareTokenMFA, out.Session, map[string]string{"USERNAME": "tina", "SOFTWARE_TOKEN_MFA_CODE": "000000"})
	requireCode(t, err, challenge.ErrCodeMismatch, "Invalid code received for user")
	good := code(t, secret, r.e.Clock.Now())
	done, err := r.answer(challenge.SoftwareTokenMFA, out.Session, map[string]string{"USERNAME": "tina", "SOFTWARE_TOKEN_MFA_CODE": good})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	// The same code, in a new sign-in within its window, is refused.
	again, err := r.password("tina", "Correct-horse1")
	require.NoError(t, err)
	_, err = r.answer(challenge.SoftwareTokenMFA, again.Session, map[string]string{"USERNAME": "tina", "SOFTWARE_TOKEN_MFA_CODE": good})
	requireCode(t, err, challenge.ErrCodeMismatch, "Invalid code received for user")
	r.e.Clock.Advance(30 * time.Second)
	next, err := r.answer(challenge.SoftwareTokenMFA, again.Session, map[string]string{"USERNAME": "tina", "SOFTWARE_TOKEN_MFA_CODE": code(t, secret, r.e.Clock.Now())})
	require.NoError(t, err)
	require.NotNil(t, next.AuthenticationResult)
	r.tr.Golden(t, "mfa_totp")
}

// TestTranscriptSMSAndEmail: SMS_MFA and EMAIL_OTP codes from the outbox,
// masked destinations, and an expired code.
func TestTranscriptSMSAndEmail(t *testing.T) {
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 71, Pool: func(p *flow.Pool) {
		mfaPool(flow.MFAOptional)(p)
		p.CodeValidity = time.Minute
	}})}
	r.e.AddUser("sue", "Correct-horse1", flow.StatusConfirmed, map[string]string{"phone_number": "+15555550100"})
	u := r.e.User("sue")
	old := u.Version
	u.MFA.SMSEnabled = true
	require.NoError(t, r.e.Dir.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: old}))

	out, err := r.password("sue", "Correct-horse1")
	require.NoError(t, err)
	require.Equal(t, challenge.SMSMFA, out.ChallengeName)
	assert.Equal(t, "SMS", out.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"])
	assert.Equal(t, "+*******0100", out.ChallengeParameters["CODE_DELIVERY_DESTINATION"])
	msg, ok := r.e.Outbox.Last("sue", "MFA")
	require.True(t, ok)
	assert.Equal(t, "+15555550100", msg.Destination)
	done, err := r.answer(challenge.SMSMFA, out.Session, map[string]string{"USERNAME": "sue", "SMS_MFA_CODE": msg.Code})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	// An expired code.
	out, err = r.password("sue", "Correct-horse1")
	require.NoError(t, err)
	msg, _ = r.e.Outbox.Last("sue", "MFA")
	r.e.Clock.Advance(time.Minute + time.Second)
	_, err = r.answer(challenge.SMSMFA, out.Session, map[string]string{"USERNAME": "sue", "SMS_MFA_CODE": msg.Code})
	requireCode(t, err, challenge.ErrExpiredCode, "Invalid code provided, please request a code again.")

	// Email MFA.
	r.e.AddUser("eve", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "eve@example.com"})
	_, err = r.e.Server.AdminSetUserMFAPreference(ctx, &challenge.SetUserMFAPreferenceInput{UserPoolId: r.e.Pool.ID, Username: "eve",
		EmailMfaSettings: &challenge.MFAOptionSettings{Enabled: true, PreferredMfa: true}})
	require.NoError(t, err)
	out, err = r.password("eve", "Correct-horse1")
	require.NoError(t, err)
	require.Equal(t, challenge.EmailOTP, out.ChallengeName)
	assert.Equal(t, "e***@e***", out.ChallengeParameters["CODE_DELIVERY_DESTINATION"])
	msg, _ = r.e.Outbox.Last("eve", "MFA")
	done, err = r.answer(challenge.EmailOTP, out.Session, map[string]string{"USERNAME": "eve", "EMAIL_OTP_CODE": msg.Code})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)
	r.tr.Golden(t, "mfa_sms_email")
}

// TestTranscriptSelectMFAType: several factors and none preferred.
func TestTranscriptSelectMFAType(t *testing.T) {
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 72, Pool: mfaPool(flow.MFAOptional)})}
	r.e.AddUser("sid", "Correct-horse1", flow.StatusConfirmed, map[string]string{"phone_number": "+15555550111"})
	secret := totpUser(t, r.e, "sid")
	_, err := r.e.Server.AdminSetUserMFAPreference(ctx, &challenge.SetUserMFAPreferenceInput{UserPoolId: r.e.Pool.ID, Username: "sid",
		SMSMfaSettings: &challenge.MFAOptionSettings{Enabled: true}})
	require.NoError(t, err)
	out, err := r.password("sid", "Correct-horse1")
	require.NoError(t, err)
	require.Equal(t, challenge.SelectMFAType, out.ChallengeName)
	assert.JSONEq(t, `["SMS_MFA","SOFTWARE_TOKEN_MFA"]`, out.ChallengeParameters["MFAS_CAN_CHOOSE"])
	_, err = r.answer(challenge.SelectMFAType, out.Session, map[string]string{"USERNAME": "sid", "ANSWER": "EMAIL_OTP"})
	requireCode(t, err, challenge.ErrMFAMethodNotFound, "The MFA method EMAIL_OTP is not available for the user.")

	out, err = r.password("sid", "Correct-horse1")
	require.NoError(t, err)
	chosen, err := r.answer(challenge.SelectMFAType, out.Session, map[string]string{"USERNAME": "sid", "ANSWER": "SOFTWARE_TOKEN_MFA"})
	require.NoError(t, err)
	require.Equal(t, challenge.SoftwareTokenMFA, chosen.ChallengeName)
	done, err := r.answer(challenge.SoftwareTokenMFA, chosen.Session, map[string]string{"USERNAME": "sid", "SOFTWARE_TOKEN_MFA_CODE": code(t, secret, r.e.Clock.Now())})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	// A preferred factor skips the choice.
	_, err = r.e.Server.AdminSetUserMFAPreference(ctx, &challenge.SetUserMFAPreferenceInput{UserPoolId: r.e.Pool.ID, Username: "sid",
		SMSMfaSettings: &challenge.MFAOptionSettings{Enabled: true, PreferredMfa: true}})
	require.NoError(t, err)
	out, err = r.password("sid", "Correct-horse1")
	require.NoError(t, err)
	assert.Equal(t, challenge.SMSMFA, out.ChallengeName)
	r.tr.Golden(t, "mfa_select")
}

// TestTranscriptMFASetup: MFA ON and no factor: the three-session
// MFA_SETUP chain (AssociateSoftwareToken, VerifySoftwareToken, respond).
func TestTranscriptMFASetup(t *testing.T) {
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 73, Pool: mfaPool(flow.MFAOn)})}
	r.e.AddUser("neo", "Correct-horse1", flow.StatusConfirmed, nil)
	out, err := r.password("neo", "Correct-horse1")
	require.NoError(t, err)
	require.Equal(t, challenge.MFASetup, out.ChallengeName)
	assert.JSONEq(t, `["SOFTWARE_TOKEN_MFA"]`, out.ChallengeParameters["MFAS_CAN_SETUP"])

	// Answering before the token is verified fails.
	_, err = r.answer(challenge.MFASetup, out.Session, map[string]string{"USERNAME": "neo"})
	requireCode(t, err, challenge.ErrNotAuthorized, "The software token has not been verified for this session.")

	out, err = r.password("neo", "Correct-horse1")
	require.NoError(t, err)
	assoc, err := r.e.Server.AssociateSoftwareToken(ctx, &challenge.AssociateSoftwareTokenInput{Session: out.Session})
	r.record("AssociateSoftwareToken", map[string]string{"Session": out.Session}, assoc, err)
	require.NoError(t, err)
	assert.Regexp(t, `^[A-Z2-7]{52}$`, assoc.SecretCode)
	require.NotEqual(t, out.Session, assoc.Session)

	_, err = r.e.Server.VerifySoftwareToken(ctx, &challenge.VerifySoftwareTokenInput{Session: assoc.Session, UserCode: "000000"})
	requireCode(t, err, challenge.ErrEnableSoftwareTokenMFA, "Code mismatch and fail enable Software Token MFA mfa")
	verified, err := r.e.Server.VerifySoftwareToken(ctx, &challenge.VerifySoftwareTokenInput{Session: assoc.Session,
		UserCode: code(t, assoc.SecretCode, r.e.Clock.Now()), FriendlyDeviceName: "phone"})
	r.record("VerifySoftwareToken", map[string]string{"Session": assoc.Session}, verified, err)
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", verified.Status)

	done, err := r.answer(challenge.MFASetup, verified.Session, map[string]string{"USERNAME": "neo"})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)
	u := r.e.User("neo")
	assert.True(t, u.MFA.TOTPEnabled)
	assert.Equal(t, assoc.SecretCode, u.MFA.TOTPSecret)

	// The next sign-in asks for the new factor, with its friendly name.
	r.e.Clock.Advance(30 * time.Second)
	out, err = r.password("neo", "Correct-horse1")
	require.NoError(t, err)
	assert.Equal(t, challenge.SoftwareTokenMFA, out.ChallengeName)
	assert.Equal(t, "phone", out.ChallengeParameters["FRIENDLY_DEVICE_NAME"])
	r.tr.Golden(t, "mfa_setup")
}

func TestMFAWithAccessToken(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 74, Pool: mfaPool(flow.MFAOptional)})
	e.AddUser("ada", "Correct-horse1", flow.StatusConfirmed, nil)
	out, err := e.PasswordSignIn(ctx, "ada", "Correct-horse1")
	require.NoError(t, err)
	access := out.AuthenticationResult.AccessToken

	_, err = e.Server.SetUserMFAPreference(ctx, &challenge.SetUserMFAPreferenceInput{AccessToken: access,
		SoftwareTokenMfaSettings: &challenge.MFAOptionSettings{Enabled: true}})
	requireCode(t, err, challenge.ErrInvalidParameter, "User has not verified software token mfa")

	assoc, err := e.Server.AssociateSoftwareToken(ctx, &challenge.AssociateSoftwareTokenInput{AccessToken: access})
	require.NoError(t, err)
	v, err := e.Server.VerifySoftwareToken(ctx, &challenge.VerifySoftwareTokenInput{AccessToken: access, UserCode: code(t, assoc.SecretCode, e.Clock.Now())})
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", v.Status)
	_, err = e.Server.SetUserMFAPreference(ctx, &challenge.SetUserMFAPreferenceInput{AccessToken: access,
		SoftwareTokenMfaSettings: &challenge.MFAOptionSettings{Enabled: true, PreferredMfa: true}})
	require.NoError(t, err)
	got, err := e.Server.GetUser(ctx, &challenge.AccessTokenInput{AccessToken: access})
	require.NoError(t, err)
	assert.Equal(t, "SOFTWARE_TOKEN_MFA", got.PreferredMfaSetting)
	assert.Equal(t, []string{"SOFTWARE_TOKEN_MFA"}, got.UserMFASettingList)
	admin, err := e.Server.AdminGetUser(ctx, &challenge.AdminUserInput{UserPoolId: e.Pool.ID, Username: "ada"})
	require.NoError(t, err)
	assert.Equal(t, "SOFTWARE_TOKEN_MFA", admin.PreferredMfaSetting)

	// MFA OFF in the pool: no second factor even with one set up.
	e.Pool.MFA = flow.MFAOff
	require.NoError(t, e.Dir.PutPool(ctx, e.Pool))
	plain, err := e.PasswordSignIn(ctx, "ada", "Correct-horse1")
	require.NoError(t, err)
	assert.NotNil(t, plain.AuthenticationResult)
}

// TestNewPasswordThenMFASetup: MFA follows a forced password change.
func TestNewPasswordThenMFASetup(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 76, Pool: mfaPool(flow.MFAOn)})
	e.AddUser("kai", "Temp-pass1", flow.StatusForceChangePassword, nil)
	out, err := e.PasswordSignIn(ctx, "kai", "Temp-pass1")
	require.NoError(t, err)
	require.Equal(t, challenge.NewPasswordRequired, out.ChallengeName)
	next, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.NewPasswordRequired,
		ClientId: e.Client.ID, Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "kai", "NEW_PASSWORD": "Strong-pass1"}})
	require.NoError(t, err)
	assert.Equal(t, challenge.MFASetup, next.ChallengeName)
	assert.Equal(t, flow.StatusConfirmed, e.User("kai").Status, "the new password is kept even though MFA is still due")
}

// TestMFAIsNeverSkipped: after the password, an MFA user gets no tokens
// without the second factor, through SRP too, and wrong codes are bounded.
func TestMFAIsNeverSkipped(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 75, Pool: mfaPool(flow.MFAOn)})
	e.AddUser("zed", "Correct-horse1", flow.StatusConfirmed, nil)
	totpUser(t, e, "zed")
	out, err := e.SRPSignIn(ctx, "zed", "Correct-horse1")
	require.NoError(t, err)
	require.Nil(t, out.AuthenticationResult)
	require.Equal(t, challenge.SoftwareTokenMFA, out.ChallengeName)
	for i := 0; i < 2; i++ {
		_, err = e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.SoftwareTokenMFA,
			ClientId: e.Client.ID, Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "zed", "SOFTWARE_TOKEN_MFA_CODE": "123456"}})
		requireCode(t, err, challenge.ErrCodeMismatch, "Invalid code received for user")
	}
	_, err = e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.SoftwareTokenMFA,
		ClientId: e.Client.ID, Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "zed", "SOFTWARE_TOKEN_MFA_CODE": "123456"}})
	requireCode(t, err, challenge.ErrCodeMismatch, "Invalid code received for user")
	_, err = e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.SoftwareTokenMFA,
		ClientId: e.Client.ID, Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "zed", "SOFTWARE_TOKEN_MFA_CODE": "123456"}})
	requireCode(t, err, challenge.ErrNotAuthorized, "Invalid session for the user.")
	assert.Empty(t, e.Issuer.Grants)
}
