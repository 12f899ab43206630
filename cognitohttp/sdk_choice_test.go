package cognitohttp_test

import (
	"encoding/base64"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/srp"
)

// TestSDKSelectChallengeAndSignUpSession: SELECT_CHALLENGE answered with
// PASSWORD, PASSWORD_SRP and SMS_OTP over the wire, and a user signed in
// with the Session that ConfirmSignUp returns, all with the AWS SDK for Go.
func TestSDKSelectChallengeAndSignUpSession(t *testing.T) {
	env, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	api := newSDK(srv.URL, "AKID", "SECRET")
	ctx := t.Context()
	pool, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("choice"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
			AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeSmsOtp, types.AuthFactorTypeEmailOtp}}}})
	require.NoError(t, err)
	poolID := aws.ToString(pool.UserPool.Id)
	client, err := api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth}})
	require.NoError(t, err)
	clientID := aws.ToString(client.UserPoolClient.ClientId)
	_, err = api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("sam"),
		TemporaryPassword: aws.String("Passw0rd!"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("phone_number"), Value: aws.String("+15555550199")},
			{Name: aws.String("phone_number_verified"), Value: aws.String("true")}}})
	require.NoError(t, err)
	_, err = api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String("sam"),
		Password: aws.String("Passw0rd!"), Permanent: true})
	require.NoError(t, err)

	choose := func() *cip.InitiateAuthOutput {
		out, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserAuth, ClientId: aws.String(clientID),
			AuthParameters: map[string]string{"USERNAME": "sam"}})
		require.NoError(t, err)
		require.Equal(t, types.ChallengeNameTypeSelectChallenge, out.ChallengeName)
		assert.Equal(t, []types.ChallengeNameType{types.ChallengeNameTypePassword, types.ChallengeNameTypePasswordSrp, types.ChallengeNameTypeSmsOtp},
			out.AvailableChallenges)
		return out
	}
	respond := func(name types.ChallengeNameType, session *string, resp map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
		return api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: name, ClientId: aws.String(clientID),
			Session: session, ChallengeResponses: resp})
	}

	// ANSWER=PASSWORD with the password.
	done, err := respond(types.ChallengeNameTypeSelectChallenge, choose().Session, map[string]string{"USERNAME": "sam", "ANSWER": "PASSWORD", "PASSWORD": "Passw0rd!"})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	// ANSWER=PASSWORD_SRP with SRP_A, then PASSWORD_VERIFIER.
	c, err := srp.NewClient(env.ClientRand)
	require.NoError(t, err)
	pv, err := respond(types.ChallengeNameTypeSelectChallenge, choose().Session, map[string]string{"USERNAME": "sam", "ANSWER": "PASSWORD_SRP", "SRP_A": srp.HexInt(c.A())})
	require.NoError(t, err)
	require.Equal(t, types.ChallengeNameTypePasswordVerifier, pv.ChallengeName)
	p := pv.ChallengeParameters
	salt, _ := srp.ParseSalt(p["SALT"])
	B, _ := srp.ParseB(p["SRP_B"])
	key, err := c.SessionKey(srp.PoolName(poolID), p["USER_ID_FOR_SRP"], "Passw0rd!", salt, B)
	require.NoError(t, err)
	block := mustDecodeB64(t, p["SECRET_BLOCK"])
	ts := srp.FormatTimestamp(env.Clock.Now())
	done, err = respond(types.ChallengeNameTypePasswordVerifier, pv.Session, map[string]string{"USERNAME": p["USER_ID_FOR_SRP"],
		"PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "TIMESTAMP": ts,
		"PASSWORD_CLAIM_SIGNATURE": srp.Signature(key, srp.PoolName(poolID), p["USER_ID_FOR_SRP"], block, ts)})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	// ANSWER=SMS_OTP sends a code; SMS_OTP_CODE answers it.
	otp, err := respond(types.ChallengeNameTypeSelectChallenge, choose().Session, map[string]string{"USERNAME": "sam", "ANSWER": "SMS_OTP"})
	require.NoError(t, err)
	require.Equal(t, types.ChallengeNameTypeSmsOtp, otp.ChallengeName)
	assert.Equal(t, "+*******0199", otp.ChallengeParameters["CODE_DELIVERY_DESTINATION"])
	msg, ok := env.Outbox.Last("sam", "OTP")
	require.True(t, ok)
	_, err = respond(types.ChallengeNameTypeSmsOtp, otp.Session, map[string]string{"USERNAME": "sam", "SMS_OTP_CODE": "000000"})
	requireAPIError[*types.CodeMismatchException](t, err)
	done, err = respond(types.ChallengeNameTypeSmsOtp, otp.Session, map[string]string{"USERNAME": "sam", "SMS_OTP_CODE": msg.Code})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	// Sign-up, confirmation with the SignUp session, then USER_AUTH with
	// ConfirmSignUp's session: no password asked.
	up, err := api.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("nina"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("nina@example.com")}}})
	require.NoError(t, err)
	require.NotEmpty(t, aws.ToString(up.Session))
	code, ok := env.Outbox.Last("nina", "SIGN_UP")
	require.True(t, ok)
	conf, err := api.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("nina"),
		ConfirmationCode: aws.String(code.Code), Session: up.Session})
	require.NoError(t, err)
	in, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserAuth, ClientId: aws.String(clientID),
		AuthParameters: map[string]string{"USERNAME": "nina"}, Session: conf.Session})
	require.NoError(t, err)
	require.NotNil(t, in.AuthenticationResult, "signed in straight after sign-up")
	_, err = api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserAuth, ClientId: aws.String(clientID),
		AuthParameters: map[string]string{"USERNAME": "nina"}, Session: conf.Session})
	requireAPIError[*types.NotAuthorizedException](t, err)
}

func mustDecodeB64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}
