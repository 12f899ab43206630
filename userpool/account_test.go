package userpool_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

func signedIn(t *testing.T, e *flowtest.Env, username, password string) string {
	t.Helper()
	out, err := e.PasswordSignIn(ctx, username, password)
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
	return out.AuthenticationResult.AccessToken
}

func TestAdminConfirmSignUp(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 150})
	e.AddUser("una", "Correct-horse1", flow.StatusUnconfirmed, map[string]string{"email": "una@example.com"})
	_, err := e.PasswordSignIn(ctx, "una", "Correct-horse1")
	requireCode(t, err, challenge.ErrUserNotConfirmed, "")

	_, err = e.Server.AdminConfirmSignUp(ctx, &challenge.AdminConfirmSignUpInput{UserPoolId: e.Pool.ID, Username: "una"})
	require.NoError(t, err)
	assert.Equal(t, flow.StatusConfirmed, e.User("una").Status)
	assert.Empty(t, e.User("una").Attributes["email_verified"], "an administrator's confirmation verifies nothing")
	signedIn(t, e, "una", "Correct-horse1")

	_, err = e.Server.AdminConfirmSignUp(ctx, &challenge.AdminConfirmSignUpInput{UserPoolId: e.Pool.ID, Username: "una"})
	requireCode(t, err, challenge.ErrNotAuthorized, "User cannot be confirmed. Current status is CONFIRMED")
	_, err = e.Server.AdminConfirmSignUp(ctx, &challenge.AdminConfirmSignUpInput{UserPoolId: e.Pool.ID, Username: "nobody"})
	requireCode(t, err, challenge.ErrUserNotFound, "User does not exist.")
	_, err = e.Server.AdminConfirmSignUp(ctx, &challenge.AdminConfirmSignUpInput{UserPoolId: "us-east-1_Nope", Username: "una"})
	requireCode(t, err, challenge.ErrResourceNotFound, "User pool us-east-1_Nope does not exist.")
}

func TestDeleteUser(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 151})
	e.AddUser("dora", "Correct-horse1", flow.StatusConfirmed, nil)
	tok := signedIn(t, e, "dora", "Correct-horse1")
	_, err := e.Server.DeleteUser(ctx, &challenge.AccessTokenInput{AccessToken: tok})
	require.NoError(t, err)
	assert.Nil(t, e.User("dora"))
	_, err = e.Server.GetUser(ctx, &challenge.AccessTokenInput{AccessToken: tok})
	requireCode(t, err, challenge.ErrNotAuthorized, "")
	_, err = e.Server.DeleteUser(ctx, &challenge.AccessTokenInput{AccessToken: tok})
	requireCode(t, err, challenge.ErrNotAuthorized, "")
	_, err = e.Server.DeleteUser(ctx, &challenge.AccessTokenInput{})
	requireCode(t, err, challenge.ErrInvalidParameter, "")
}

func TestUpdateUserAttributesVerifiesChangedEmail(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 152, Pool: func(p *flow.Pool) { p.AutoVerifiedAttributes = []string{"email"} }})
	e.AddUser("vic", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "vic@example.com", "email_verified": "true"})
	tok := signedIn(t, e, "vic", "Correct-horse1")

	out, err := e.Server.UpdateUserAttributes(ctx, &challenge.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: "new@example.com"}, {Name: "name", Value: "Vic"}}})
	require.NoError(t, err)
	require.Len(t, out.CodeDeliveryDetailsList, 1)
	assert.Equal(t, challenge.CodeDeliveryDetailsType{AttributeName: "email", DeliveryMedium: "EMAIL", Destination: "n***@e***"}, out.CodeDeliveryDetailsList[0])
	u := e.User("vic")
	assert.Equal(t, "new@example.com", u.Attributes["email"])
	assert.Equal(t, "false", u.Attributes["email_verified"])
	assert.Equal(t, "Vic", u.Attributes["name"])
	msg, ok := e.Outbox.Last("vic", "VERIFY_ATTRIBUTE")
	require.True(t, ok)
	assert.Equal(t, "new@example.com", msg.Destination)

	verify := func(code string) error {
		_, err := e.Server.VerifyUserAttribute(ctx, &challenge.VerifyUserAttributeInput{AccessToken: tok, AttributeName: "email", Code: code})
		return err
	}
	wrong := "000000"
	if msg.Code == wrong {
		wrong = "111111"
	}
	requireCode(t, verify(wrong), challenge.ErrCodeMismatch, "Invalid verification code provided, please try again.")
	require.NoError(t, verify(msg.Code))
	assert.Equal(t, "true", e.User("vic").Attributes["email_verified"])
	requireCode(t, verify(msg.Code), challenge.ErrCodeMismatch, "")

	// A new code on request; the client may not write *_verified.
	d, err := e.Server.GetUserAttributeVerificationCode(ctx, &challenge.GetUserAttributeVerificationCodeInput{AccessToken: tok, AttributeName: "email"})
	require.NoError(t, err)
	assert.Equal(t, "email", d.CodeDeliveryDetails.AttributeName)
	_, err = e.Server.UpdateUserAttributes(ctx, &challenge.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: []challenge.AttributeType{{Name: "email_verified", Value: "true"}}})
	requireCode(t, err, challenge.ErrNotAuthorized, "A client attempted to write unauthorized attribute")
	_, err = e.Server.GetUserAttributeVerificationCode(ctx, &challenge.GetUserAttributeVerificationCodeInput{AccessToken: tok, AttributeName: "phone_number"})
	requireCode(t, err, challenge.ErrInvalidParameter, "")
	_, err = e.Server.GetUserAttributeVerificationCode(ctx, &challenge.GetUserAttributeVerificationCodeInput{AccessToken: tok, AttributeName: "name"})
	requireCode(t, err, challenge.ErrInvalidParameter, "")
}

func TestAttackVerifyUserAttributeGuessesAreCounted(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 153, Pool: func(p *flow.Pool) { p.AutoVerifiedAttributes = []string{"email"} }})
	e.AddUser("gus", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "gus@example.com"})
	tok := signedIn(t, e, "gus", "Correct-horse1")
	_, err := e.Server.GetUserAttributeVerificationCode(ctx, &challenge.GetUserAttributeVerificationCodeInput{AccessToken: tok, AttributeName: "email"})
	require.NoError(t, err)
	msg, ok := e.Outbox.Last("gus", "VERIFY_ATTRIBUTE")
	require.True(t, ok)
	var last error
	for i := 0; i < 10; i++ {
		code := "00000" + string(rune('0'+i))
		if code == msg.Code {
			continue
		}
		if last = func() error {
			_, err := e.Server.VerifyUserAttribute(ctx, &challenge.VerifyUserAttributeInput{AccessToken: tok, AttributeName: "email", Code: code})
			return err
		}(); challenge.CodeOf(last) != challenge.ErrCodeMismatch {
			break
		}
	}
	require.Error(t, last)
	assert.NotEqual(t, challenge.ErrCodeMismatch, challenge.CodeOf(last), "guesses beyond the budget must be refused")
	// Even the right code is refused once the budget is spent.
	_, err = e.Server.VerifyUserAttribute(ctx, &challenge.VerifyUserAttributeInput{AccessToken: tok, AttributeName: "email", Code: msg.Code})
	require.Error(t, err)
	assert.NotEqual(t, "true", e.User("gus").Attributes["email_verified"])
}

func TestDeleteUserAttributes(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 154})
	e.AddUser("ida", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "ida@example.com", "email_verified": "true", "name": "Ida", "nickname": "I"})
	tok := signedIn(t, e, "ida", "Correct-horse1")
	_, err := e.Server.DeleteUserAttributes(ctx, &challenge.DeleteUserAttributesInput{AccessToken: tok, UserAttributeNames: []string{"name"}})
	require.NoError(t, err)
	_, has := e.User("ida").Attributes["name"]
	assert.False(t, has)
	_, err = e.Server.DeleteUserAttributes(ctx, &challenge.DeleteUserAttributesInput{AccessToken: tok, UserAttributeNames: []string{"email_verified"}})
	requireCode(t, err, challenge.ErrNotAuthorized, "A client attempted to write unauthorized attribute")
	_, err = e.Server.AdminDeleteUserAttributes(ctx, &challenge.AdminDeleteUserAttributesInput{UserPoolId: e.Pool.ID, Username: "ida", UserAttributeNames: []string{"email", "nickname"}})
	require.NoError(t, err)
	u := e.User("ida")
	assert.Equal(t, map[string]string{}, withoutSub(u.Attributes))
	_, err = e.Server.AdminDeleteUserAttributes(ctx, &challenge.AdminDeleteUserAttributesInput{UserPoolId: e.Pool.ID, Username: "ida", UserAttributeNames: []string{"sub"}})
	requireCode(t, err, challenge.ErrInvalidParameter, "Cannot modify the non-mutable attribute sub")
	_, err = e.Server.AdminDeleteUserAttributes(ctx, &challenge.AdminDeleteUserAttributesInput{UserPoolId: e.Pool.ID, Username: "ida"})
	requireCode(t, err, challenge.ErrInvalidParameter, "")
}

func withoutSub(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if k != "sub" {
			out[k] = v
		}
	}
	return out
}

// TestAttackVerifyCodeDoesNotOutliveItsValue: a code sent to one email must
// not verify another one an administrator wrote since.
func TestAttackVerifyCodeDoesNotOutliveItsValue(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 156, Pool: func(p *flow.Pool) { p.AutoVerifiedAttributes = []string{"email"} }})
	e.AddUser("hal", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "hal@example.com"})
	tok := signedIn(t, e, "hal", "Correct-horse1")
	_, err := e.Server.GetUserAttributeVerificationCode(ctx, &challenge.GetUserAttributeVerificationCodeInput{AccessToken: tok, AttributeName: "email"})
	require.NoError(t, err)
	msg, ok := e.Outbox.Last("hal", "VERIFY_ATTRIBUTE")
	require.True(t, ok)
	_, err = e.Server.AdminUpdateUserAttributes(ctx, &challenge.AdminUpdateUserAttributesInput{UserPoolId: e.Pool.ID, Username: "hal",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: "victim@example.com"}}})
	require.NoError(t, err)
	_, err = e.Server.VerifyUserAttribute(ctx, &challenge.VerifyUserAttributeInput{AccessToken: tok, AttributeName: "email", Code: msg.Code})
	requireCode(t, err, challenge.ErrCodeMismatch, "")
	assert.NotEqual(t, "true", e.User("hal").Attributes["email_verified"])
}
