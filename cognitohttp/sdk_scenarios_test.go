package cognitohttp_test

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/srp"
	"github.com/authflow/authflow/totp"
)

// mfaFixture is a pool created over the wire with MFA ON (TOTP) and,
// when devices is set, remembered devices that replace MFA.
func mfaFixture(t *testing.T, devices bool) (*sdkFixture, string) {
	f := newSDKFixture(t)
	ctx := f.ctx()
	in := &cip.CreateUserPoolInput{PoolName: aws.String("mfa"), MfaConfiguration: types.UserPoolMfaTypeOn}
	if devices {
		in.DeviceConfiguration = &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true}
	}
	pool, err := f.api.CreateUserPool(ctx, in)
	require.NoError(t, err)
	f.pool = aws.ToString(pool.UserPool.Id)
	_, err = f.api.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(f.pool),
		MfaConfiguration: types.UserPoolMfaTypeOn, SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}})
	require.NoError(t, err)
	c, err := f.api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(f.pool), ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	require.NoError(t, err)
	f.public = aws.ToString(c.UserPoolClient.ClientId)
	f.createUser("mia", "Correct-horse1", true, "")
	return f, f.public
}

func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.DefaultConfig().Code(secret, at)
	require.NoError(t, err)
	return c
}

// setUpTOTP runs the three-session MFA_SETUP chain and returns the secret
// and the tokens of the sign-in it completes.
func setUpTOTP(t *testing.T, f *sdkFixture, client string) (string, *types.AuthenticationResultType) {
	ctx := f.ctx()
	first, err := f.passwordSignIn(client, "mia", "Correct-horse1")
	require.NoError(t, err)
	require.Equal(t, types.ChallengeNameTypeMfaSetup, first.ChallengeName)
	assert.JSONEq(t, `["SOFTWARE_TOKEN_MFA"]`, first.ChallengeParameters["MFAS_CAN_SETUP"])
	assoc, err := f.api.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: first.Session})
	require.NoError(t, err)
	secret := aws.ToString(assoc.SecretCode)
	require.Regexp(t, `^[A-Z2-7]+$`, secret)
	_, err = f.api.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session, UserCode: aws.String("000000")})
	requireAPIError[*types.EnableSoftwareTokenMFAException](t, err)
	verified, err := f.api.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session,
		UserCode: aws.String(totpCode(t, secret, f.env.Clock.Now())), FriendlyDeviceName: aws.String("phone")})
	require.NoError(t, err)
	assert.Equal(t, types.VerifySoftwareTokenResponseTypeSuccess, verified.Status)
	done, err := f.api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeMfaSetup,
		ClientId: aws.String(client), Session: verified.Session, ChallengeResponses: map[string]string{"USERNAME": "mia"}})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)
	return secret, done.AuthenticationResult
}

// TestSDKMFASetupAndTOTP: the MFA_SETUP chain over the wire, then
// SOFTWARE_TOKEN_MFA with a code computed by pquerna/otp from SecretCode,
// and the same code replayed refused as the SDK's typed exception.
func TestSDKMFASetupAndTOTP(t *testing.T) {
	f, client := mfaFixture(t, false)
	ctx := f.ctx()
	secret, tokens := setUpTOTP(t, f, client)
	user, err := f.api.GetUser(ctx, &cip.GetUserInput{AccessToken: tokens.AccessToken})
	require.NoError(t, err)
	assert.Equal(t, []string{"SOFTWARE_TOKEN_MFA"}, user.UserMFASettingList)

	f.env.Clock.Advance(30 * time.Second)
	code := totpCode(t, secret, f.env.Clock.Now())
	mfa, err := f.passwordSignIn(client, "mia", "Correct-horse1")
	require.NoError(t, err)
	require.Equal(t, types.ChallengeNameTypeSoftwareTokenMfa, mfa.ChallengeName)
	assert.Equal(t, "phone", mfa.ChallengeParameters["FRIENDLY_DEVICE_NAME"])
	done, err := f.api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
		ClientId: aws.String(client), Session: mfa.Session, ChallengeResponses: map[string]string{"USERNAME": "mia", "SOFTWARE_TOKEN_MFA_CODE": code}})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	replay, err := f.passwordSignIn(client, "mia", "Correct-horse1")
	require.NoError(t, err)
	_, err = f.api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
		ClientId: aws.String(client), Session: replay.Session, ChallengeResponses: map[string]string{"USERNAME": "mia", "SOFTWARE_TOKEN_MFA_CODE": code}})
	e := requireAPIError[*types.CodeMismatchException](t, err)
	assert.Equal(t, "Invalid code received for user", aws.ToString(e.Message))
}

// TestSDKRememberedDevice: sign in with MFA, confirm and remember the
// device, sign in again through DEVICE_SRP_AUTH + DEVICE_PASSWORD_VERIFIER
// without an MFA code, forget the device, and be asked for MFA again.
func TestSDKRememberedDevice(t *testing.T) {
	f, client := mfaFixture(t, true)
	ctx := f.ctx()
	_, tokens := setUpTOTP(t, f, client)
	md := tokens.NewDeviceMetadata
	require.NotNil(t, md, "a sign-in in a device-tracking pool offers a new device")
	key, group := aws.ToString(md.DeviceKey), aws.ToString(md.DeviceGroupKey)
	pw, salt, verifier, err := srp.NewDeviceSecret(f.env.ClientRand, group, key)
	require.NoError(t, err)
	conf, err := f.api.ConfirmDevice(ctx, &cip.ConfirmDeviceInput{AccessToken: tokens.AccessToken, DeviceKey: md.DeviceKey,
		DeviceName: aws.String("laptop"), DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{
			PasswordVerifier: aws.String(base64.StdEncoding.EncodeToString(verifier)), Salt: aws.String(base64.StdEncoding.EncodeToString(salt))}})
	require.NoError(t, err)
	assert.False(t, conf.UserConfirmationNecessary)
	_, err = f.api.UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{AccessToken: tokens.AccessToken, DeviceKey: md.DeviceKey,
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered})
	require.NoError(t, err)

	// USER_SRP_AUTH with DEVICE_KEY, then device SRP: no MFA code.
	deviceSignIn := func() (*cip.RespondToAuthChallengeOutput, error) {
		c, err := srp.NewClient(f.env.ClientRand)
		require.NoError(t, err)
		init, err := f.api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: aws.String(client),
			AuthParameters: map[string]string{"USERNAME": "mia", "SRP_A": srp.HexInt(c.A()), "DEVICE_KEY": key}})
		if err != nil {
			return nil, err
		}
		cp := init.ChallengeParameters
		s, _ := srp.ParseSalt(cp["SALT"])
		B, _ := srp.ParseB(cp["SRP_B"])
		k, err := c.SessionKey(srp.PoolName(f.pool), cp["USER_ID_FOR_SRP"], "Correct-horse1", s, B)
		require.NoError(t, err)
		block, _ := base64.StdEncoding.DecodeString(cp["SECRET_BLOCK"])
		ts := srp.FormatTimestamp(f.env.Clock.Now())
		pv, err := f.api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier,
			ClientId: aws.String(client), Session: init.Session, ChallengeResponses: map[string]string{"USERNAME": cp["USER_ID_FOR_SRP"],
				"PASSWORD_CLAIM_SECRET_BLOCK": cp["SECRET_BLOCK"], "TIMESTAMP": ts, "DEVICE_KEY": key,
				"PASSWORD_CLAIM_SIGNATURE": srp.Signature(k, srp.PoolName(f.pool), cp["USER_ID_FOR_SRP"], block, ts)}})
		if err != nil {
			return nil, err
		}
		require.Equal(t, types.ChallengeNameTypeDeviceSrpAuth, pv.ChallengeName)
		dc, err := srp.NewClient(f.env.ClientRand)
		require.NoError(t, err)
		dv, err := f.api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeDeviceSrpAuth,
			ClientId: aws.String(client), Session: pv.Session, ChallengeResponses: map[string]string{"USERNAME": "mia", "DEVICE_KEY": key, "SRP_A": srp.HexInt(dc.A())}})
		require.NoError(t, err)
		require.Equal(t, types.ChallengeNameTypeDevicePasswordVerifier, dv.ChallengeName)
		dp := dv.ChallengeParameters
		ds, _ := srp.ParseSalt(dp["SALT"])
		dB, _ := srp.ParseB(dp["SRP_B"])
		dk, err := dc.DeviceSessionKey(group, key, pw, ds, dB)
		require.NoError(t, err)
		dblock, _ := base64.StdEncoding.DecodeString(dp["SECRET_BLOCK"])
		return f.api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeDevicePasswordVerifier,
			ClientId: aws.String(client), Session: dv.Session, ChallengeResponses: map[string]string{"USERNAME": "mia", "DEVICE_KEY": key,
				"PASSWORD_CLAIM_SECRET_BLOCK": dp["SECRET_BLOCK"], "TIMESTAMP": ts,
				"PASSWORD_CLAIM_SIGNATURE": srp.Signature(dk, group, key, dblock, ts)}})
	}
	signed, err := deviceSignIn()
	require.NoError(t, err)
	require.NotNil(t, signed.AuthenticationResult, "a remembered device replaces the MFA code")

	_, err = f.api.ForgetDevice(ctx, &cip.ForgetDeviceInput{AccessToken: signed.AuthenticationResult.AccessToken, DeviceKey: md.DeviceKey})
	require.NoError(t, err)
	_, err = deviceSignIn()
	e := requireAPIError[*types.ResourceNotFoundException](t, err)
	assert.Contains(t, aws.ToString(e.Message), "Device", "the JS clients drop their device on this message")
	again, err := f.passwordSignIn(client, "mia", "Correct-horse1")
	require.NoError(t, err)
	assert.Equal(t, types.ChallengeNameTypeSoftwareTokenMfa, again.ChallengeName, "MFA is back")
}

// TestSDKSMSAndEmailMFA: SELECT_MFA_TYPE, SMS_MFA and EMAIL_OTP (MFA)
// over the wire, with the codes read from the outbox.
func TestSDKSMSAndEmailMFA(t *testing.T) {
	f := newSDKFixture(t)
	ctx := f.ctx()
	_, err := f.api.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(f.pool),
		MfaConfiguration: types.UserPoolMfaTypeOptional, SmsMfaConfiguration: &types.SmsMfaConfigType{},
		EmailMfaConfiguration: &types.EmailMfaConfigType{}})
	require.NoError(t, err)
	f.createUser("ella", "Correct-horse1", true, "ella@example.com")
	_, err = f.api.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(f.pool), Username: aws.String("ella"),
		UserAttributes: []types.AttributeType{{Name: aws.String("phone_number"), Value: aws.String("+15555550142")}}})
	require.NoError(t, err)
	_, err = f.api.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(f.pool), Username: aws.String("ella"),
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}, EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true}})
	require.NoError(t, err)
	respond := func(name types.ChallengeNameType, session *string, resp map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
		return f.api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: name, ClientId: aws.String(f.public),
			Session: session, ChallengeResponses: resp})
	}

	// Two factors, none preferred: SELECT_MFA_TYPE, then SMS_MFA.
	out, err := f.passwordSignIn(f.public, "ella", "Correct-horse1")
	require.NoError(t, err)
	require.Equal(t, types.ChallengeNameTypeSelectMfaType, out.ChallengeName)
	assert.JSONEq(t, `["SMS_MFA","EMAIL_OTP"]`, out.ChallengeParameters["MFAS_CAN_CHOOSE"])
	sms, err := respond(types.ChallengeNameTypeSelectMfaType, out.Session, map[string]string{"USERNAME": "ella", "ANSWER": "SMS_MFA"})
	require.NoError(t, err)
	require.Equal(t, types.ChallengeNameTypeSmsMfa, sms.ChallengeName)
	assert.Equal(t, "SMS", sms.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"])
	assert.Equal(t, "+*******0142", sms.ChallengeParameters["CODE_DELIVERY_DESTINATION"])
	_, err = respond(types.ChallengeNameTypeSmsMfa, sms.Session, map[string]string{"USERNAME": "ella", "SMS_MFA_CODE": "000000"})
	requireAPIError[*types.CodeMismatchException](t, err)
	msg, ok := f.env.Outbox.Last("ella", "MFA")
	require.True(t, ok)
	done, err := respond(types.ChallengeNameTypeSmsMfa, sms.Session, map[string]string{"USERNAME": "ella", "SMS_MFA_CODE": msg.Code})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	// EMAIL_OTP preferred: asked directly.
	_, err = f.api.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(f.pool), Username: aws.String("ella"),
		EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true}})
	require.NoError(t, err)
	out, err = f.passwordSignIn(f.public, "ella", "Correct-horse1")
	require.NoError(t, err)
	require.Equal(t, types.ChallengeNameTypeEmailOtp, out.ChallengeName)
	assert.Equal(t, "e***@e***", out.ChallengeParameters["CODE_DELIVERY_DESTINATION"])
	msg, _ = f.env.Outbox.Last("ella", "MFA")
	assert.Equal(t, "EMAIL", msg.Medium)
	done, err = respond(types.ChallengeNameTypeEmailOtp, out.Session, map[string]string{"USERNAME": "ella", "EMAIL_OTP_CODE": msg.Code})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)
	user, err := f.api.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(f.pool), Username: aws.String("ella")})
	require.NoError(t, err)
	assert.Equal(t, "EMAIL_OTP", aws.ToString(user.PreferredMfaSetting))
	assert.ElementsMatch(t, []string{"SMS_MFA", "EMAIL_OTP"}, user.UserMFASettingList)
}
