package cognitohttp_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSDKAdminConfirmSignUp: an administrator confirms a signed-up user,
// and a second confirmation is refused as Cognito refuses it.
func TestSDKAdminConfirmSignUp(t *testing.T) {
	f := newSDKFixture(t)
	ctx := f.ctx()
	const pw = "Passw0rd!"
	_, err := f.api.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(f.public), Username: aws.String("amy"), Password: aws.String(pw),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("amy@example.com")}}})
	require.NoError(t, err)
	_, err = f.api.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(f.pool), Username: aws.String("amy")})
	require.NoError(t, err)
	got, err := f.api.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(f.pool), Username: aws.String("amy")})
	require.NoError(t, err)
	assert.Equal(t, types.UserStatusTypeConfirmed, got.UserStatus)
	_, err = f.passwordSignIn(f.public, "amy", pw)
	require.NoError(t, err)

	_, err = f.api.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(f.pool), Username: aws.String("amy")})
	e := requireAPIError[*types.NotAuthorizedException](t, err)
	assert.Equal(t, "User cannot be confirmed. Current status is CONFIRMED", e.ErrorMessage())
	_, err = f.api.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(f.pool), Username: aws.String("nobody")})
	requireAPIError[*types.UserNotFoundException](t, err)
}

// TestSDKUserAttributesAndDeleteUser: the Amplify calls updateUserAttributes,
// sendUserAttributeVerificationCode, confirmUserAttribute,
// deleteUserAttributes and deleteUser, over the SDK.
func TestSDKUserAttributesAndDeleteUser(t *testing.T) {
	f := newSDKFixture(t)
	ctx := f.ctx()
	const pw = "Passw0rd!"
	f.createUser("bea", pw, true, "bea@example.com")
	in, err := f.passwordSignIn(f.public, "bea", pw)
	require.NoError(t, err)
	tok := in.AuthenticationResult.AccessToken

	up, err := f.api.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok, UserAttributes: []types.AttributeType{
		{Name: aws.String("email"), Value: aws.String("bea@example.org")}, {Name: aws.String("nickname"), Value: aws.String("B")}}})
	require.NoError(t, err)
	require.Len(t, up.CodeDeliveryDetailsList, 1)
	assert.Equal(t, "email", aws.ToString(up.CodeDeliveryDetailsList[0].AttributeName))
	assert.Equal(t, types.DeliveryMediumTypeEmail, up.CodeDeliveryDetailsList[0].DeliveryMedium)
	assert.Equal(t, "b***@e***", aws.ToString(up.CodeDeliveryDetailsList[0].Destination))
	attrs := func() map[string]string {
		u, err := f.api.GetUser(ctx, &cip.GetUserInput{AccessToken: tok})
		require.NoError(t, err)
		m := map[string]string{}
		for _, a := range u.UserAttributes {
			m[aws.ToString(a.Name)] = aws.ToString(a.Value)
		}
		return m
	}
	assert.Equal(t, "bea@example.org", attrs()["email"])
	assert.Equal(t, "false", attrs()["email_verified"])

	_, err = f.api.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok, UserAttributes: []types.AttributeType{
		{Name: aws.String("email_verified"), Value: aws.String("true")}}})
	requireAPIError[*types.NotAuthorizedException](t, err)

	_, err = f.api.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: tok, AttributeName: aws.String("email")})
	require.NoError(t, err)
	msg, ok := f.env.Outbox.Last("bea", "VERIFY_ATTRIBUTE")
	require.True(t, ok)
	_, err = f.api.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok, AttributeName: aws.String("email"), Code: aws.String("x")})
	requireAPIError[*types.CodeMismatchException](t, err)
	_, err = f.api.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok, AttributeName: aws.String("email"), Code: aws.String(msg.Code)})
	require.NoError(t, err)
	assert.Equal(t, "true", attrs()["email_verified"])

	_, err = f.api.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: tok, UserAttributeNames: []string{"nickname"}})
	require.NoError(t, err)
	assert.NotContains(t, attrs(), "nickname")
	_, err = f.api.AdminDeleteUserAttributes(ctx, &cip.AdminDeleteUserAttributesInput{UserPoolId: aws.String(f.pool), Username: aws.String("bea"),
		UserAttributeNames: []string{"sub"}})
	requireAPIError[*types.InvalidParameterException](t, err)

	_, err = f.api.DeleteUser(ctx, &cip.DeleteUserInput{AccessToken: tok})
	require.NoError(t, err)
	_, err = f.api.GetUser(ctx, &cip.GetUserInput{AccessToken: tok})
	requireAPIError[*types.NotAuthorizedException](t, err)
	_, err = f.api.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(f.pool), Username: aws.String("bea")})
	requireAPIError[*types.UserNotFoundException](t, err)
	_, err = f.passwordSignIn(f.public, "bea", pw)
	require.Error(t, err)
}

// TestSDKSetUserSettings: the deprecated MFAOptions turn SMS MFA on and off.
func TestSDKSetUserSettings(t *testing.T) {
	f := newSDKFixture(t)
	ctx := f.ctx()
	const pw = "Passw0rd!"
	f.createUser("cy", pw, true, "")
	_, err := f.api.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(f.pool), Username: aws.String("cy"),
		UserAttributes: []types.AttributeType{{Name: aws.String("phone_number"), Value: aws.String("+15555550101")}}})
	require.NoError(t, err)
	sms := []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeSms, AttributeName: aws.String("phone_number")}}
	in, err := f.passwordSignIn(f.public, "cy", pw)
	require.NoError(t, err)
	tok := in.AuthenticationResult.AccessToken

	_, err = f.api.SetUserSettings(ctx, &cip.SetUserSettingsInput{AccessToken: tok, MFAOptions: sms})
	require.NoError(t, err)
	got, err := f.api.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(f.pool), Username: aws.String("cy")})
	require.NoError(t, err)
	assert.Equal(t, []string{"SMS_MFA"}, got.UserMFASettingList)

	_, err = f.api.AdminSetUserSettings(ctx, &cip.AdminSetUserSettingsInput{UserPoolId: aws.String(f.pool), Username: aws.String("cy"), MFAOptions: []types.MFAOptionType{}})
	require.NoError(t, err)
	got, err = f.api.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(f.pool), Username: aws.String("cy")})
	require.NoError(t, err)
	assert.Empty(t, got.UserMFASettingList)

	_, err = f.api.AdminSetUserSettings(ctx, &cip.AdminSetUserSettingsInput{UserPoolId: aws.String(f.pool), Username: aws.String("cy"),
		MFAOptions: []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeEmail, AttributeName: aws.String("email")}}})
	requireAPIError[*types.InvalidParameterException](t, err)
}
