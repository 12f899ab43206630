package cognitohttp_test

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/descope/virtualwebauthn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/internal/passkeytest"
	"github.com/authflow/authflow/webauthn"
)

// TestSDKUserAuthAndPasskeys drives choice-based sign-in (USER_AUTH) and
// passkey registration with the AWS SDK. The passkey operations carry JSON
// documents (CredentialCreationOptions, Credential), which the SDK
// (de)serializes as document types.
func TestSDKUserAuthAndPasskeys(t *testing.T) {
	clock := flowtest.NewClock(flowtest.Epoch)
	env, srv := setup(t, cognitohttp.Options{}, flowtest.Options{Passkeys: webauthn.New(webauthn.Options{Now: clock.Now})})
	api := newSDK(srv.URL, "AKID", "SECRET")
	ctx := t.Context()
	const pw = "Passw0rd!"

	pool, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("choices"),
		Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
			AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeWebAuthn, types.AuthFactorTypeEmailOtp}}}})
	require.NoError(t, err)
	poolID := aws.ToString(pool.UserPool.Id)
	_, err = api.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID), MfaConfiguration: types.UserPoolMfaTypeOff,
		WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("auth.example.com"),
			UserVerification: types.UserVerificationTypePreferred}})
	require.NoError(t, err)
	client, err := api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("spa"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	require.NoError(t, err)
	clientID := aws.ToString(client.UserPoolClient.ClientId)
	_, err = api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("pat"),
		TemporaryPassword: aws.String(pw), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("pat@example.com")},
			{Name: aws.String("email_verified"), Value: aws.String("true")}}})
	require.NoError(t, err)
	_, err = api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String("pat"),
		Password: aws.String(pw), Permanent: true})
	require.NoError(t, err)

	userAuth := func(params map[string]string) (*cip.InitiateAuthOutput, error) {
		return api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserAuth, ClientId: aws.String(clientID), AuthParameters: params})
	}

	// PASSWORD as the preferred first factor.
	out, err := userAuth(map[string]string{"USERNAME": "pat", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": pw})
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
	access := aws.ToString(out.AuthenticationResult.AccessToken)

	// No preference: SELECT_CHALLENGE with the choices.
	sel, err := userAuth(map[string]string{"USERNAME": "pat"})
	require.NoError(t, err)
	assert.Equal(t, types.ChallengeNameTypeSelectChallenge, sel.ChallengeName)
	assert.Contains(t, sel.AvailableChallenges, types.ChallengeNameTypePassword)
	assert.Contains(t, sel.AvailableChallenges, types.ChallengeNameTypeEmailOtp)

	// EMAIL_OTP with the code from the outbox.
	otp, err := userAuth(map[string]string{"USERNAME": "pat", "PREFERRED_CHALLENGE": "EMAIL_OTP"})
	require.NoError(t, err)
	require.Equal(t, types.ChallengeNameTypeEmailOtp, otp.ChallengeName)
	msg, ok := env.Outbox.Last("pat", "OTP")
	require.True(t, ok)
	done, err := api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeEmailOtp,
		ClientId: aws.String(clientID), Session: otp.Session, ChallengeResponses: map[string]string{"USERNAME": "pat", "EMAIL_OTP_CODE": msg.Code}})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	// Passkey registration: options and credential travel as JSON documents.
	rp := virtualwebauthn.RelyingParty{ID: "auth.example.com", Name: "test", Origin: "https://auth.example.com"}
	auth := virtualwebauthn.NewAuthenticator()
	cred := passkeytest.NewCredential()
	start, err := api.StartWebAuthnRegistration(ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: aws.String(access)})
	require.NoError(t, err)
	optsJSON, err := start.CredentialCreationOptions.MarshalSmithyDocument()
	require.NoError(t, err)
	opts, err := virtualwebauthn.ParseAttestationOptions(string(optsJSON))
	require.NoError(t, err)
	var attestation map[string]any
	require.NoError(t, json.Unmarshal([]byte(virtualwebauthn.CreateAttestationResponse(rp, auth, cred, *opts)), &attestation))
	_, err = api.CompleteWebAuthnRegistration(ctx, &cip.CompleteWebAuthnRegistrationInput{AccessToken: aws.String(access),
		Credential: document.NewLazyDocument(attestation)})
	require.NoError(t, err)
	auth.AddCredential(cred)

	list, err := api.ListWebAuthnCredentials(ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: aws.String(access)})
	require.NoError(t, err)
	require.Len(t, list.Credentials, 1)
	assert.Equal(t, "auth.example.com", aws.ToString(list.Credentials[0].RelyingPartyId))
	require.NotNil(t, list.Credentials[0].CreatedAt)
	factors, err := api.GetUserAuthFactors(ctx, &cip.GetUserAuthFactorsInput{AccessToken: aws.String(access)})
	require.NoError(t, err)
	assert.Contains(t, factors.ConfiguredUserAuthFactors, types.AuthFactorTypeWebAuthn)

	// Sign in with the passkey.
	wa, err := userAuth(map[string]string{"USERNAME": "pat", "PREFERRED_CHALLENGE": "WEB_AUTHN"})
	require.NoError(t, err)
	require.Equal(t, types.ChallengeNameTypeWebAuthn, wa.ChallengeName)
	req, err := virtualwebauthn.ParseAssertionOptions(wa.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"])
	require.NoError(t, err)
	cred.Counter++
	done, err = api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeWebAuthn,
		ClientId: aws.String(clientID), Session: wa.Session, ChallengeResponses: map[string]string{"USERNAME": "pat",
			"CREDENTIAL": virtualwebauthn.CreateAssertionResponse(rp, auth, cred, *req)}})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	// A wrong relying party arrives as the SDK's typed exception.
	wa, err = userAuth(map[string]string{"USERNAME": "pat", "PREFERRED_CHALLENGE": "WEB_AUTHN"})
	require.NoError(t, err)
	req, err = virtualwebauthn.ParseAssertionOptions(wa.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"])
	require.NoError(t, err)
	evil := rp
	evil.ID = "evil.example.com"
	cred.Counter++
	_, err = api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeWebAuthn,
		ClientId: aws.String(clientID), Session: wa.Session, ChallengeResponses: map[string]string{"USERNAME": "pat",
			"CREDENTIAL": virtualwebauthn.CreateAssertionResponse(evil, auth, cred, *req)}})
	// RespondToAuthChallenge models none of the WebAuthn* exceptions
	// (shared/spec/errors.md lists them for CompleteWebAuthnRegistration
	// only), so the SDK can surface the engine's current
	// WebAuthnRelyingPartyMismatchException only as a generic API error;
	// NotAuthorizedException would be typed. Either is refused with a 400.
	var apiErr smithy.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, []string{"NotAuthorizedException", "WebAuthnRelyingPartyMismatchException"}, apiErr.ErrorCode())
	var status interface{ HTTPStatusCode() int }
	require.ErrorAs(t, err, &status)
	assert.Equal(t, 400, status.HTTPStatusCode())

	_, err = api.DeleteWebAuthnCredential(ctx, &cip.DeleteWebAuthnCredentialInput{AccessToken: aws.String(access),
		CredentialId: list.Credentials[0].CredentialId})
	require.NoError(t, err)
	list, err = api.ListWebAuthnCredentials(ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: aws.String(access)})
	require.NoError(t, err)
	assert.Empty(t, list.Credentials)
}
