package flow_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

func TestAdminCreateUserAndFirstSignIn(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 40})
	out, err := e.Server.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: e.Pool.ID, Username: "quinn",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: "quinn@example.com"}}})
	require.NoError(t, err)
	assert.Equal(t, "FORCE_CHANGE_PASSWORD", out.User.UserStatus)
	assert.True(t, out.User.Enabled)
	assert.Equal(t, "sub", out.User.Attributes[0].Name)

	// The generated temporary password was delivered and satisfies the policy.
	msg, ok := e.Outbox.Last("quinn", "INVITATION")
	require.True(t, ok)
	require.NoError(t, e.Pool.PasswordPolicy.Check(msg.Code))
	first, err := e.PasswordSignIn(ctx, "quinn", msg.Code)
	require.NoError(t, err)
	assert.Equal(t, challenge.NewPasswordRequired, first.ChallengeName)

	_, err = e.Server.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: e.Pool.ID, Username: "quinn"})
	requireCode(t, err, challenge.ErrUsernameExists, "User account already exists")
	_, err = e.Server.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: e.Pool.ID, Username: "weak", TemporaryPassword: "abc"})
	requireCode(t, err, challenge.ErrInvalidPassword, "Password did not conform with policy: Password not long enough")
	_, err = e.Server.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: "us-east-1_Nope", Username: "x"})
	requireCode(t, err, challenge.ErrResourceNotFound, "User pool us-east-1_Nope does not exist.")

	// RESEND issues a new temporary password.
	_, err = e.Server.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: e.Pool.ID, Username: "quinn", MessageAction: "RESEND"})
	require.NoError(t, err)
	again, _ := e.Outbox.Last("quinn", "INVITATION")
	assert.NotEqual(t, msg.Code, again.Code)
	_, err = e.PasswordSignIn(ctx, "quinn", msg.Code)
	requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")
}

func TestAdminSetUserPassword(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 41})
	e.AddUser("ray", "Temp-pass1", flow.StatusForceChangePassword, nil)
	_, err := e.Server.AdminSetUserPassword(ctx, &challenge.AdminSetUserPasswordInput{UserPoolId: e.Pool.ID, Username: "ray", Password: "Perm-pass1", Permanent: true})
	require.NoError(t, err)
	assert.Equal(t, flow.StatusConfirmed, e.User("ray").Status)
	out, err := e.PasswordSignIn(ctx, "ray", "Perm-pass1")
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)

	_, err = e.Server.AdminSetUserPassword(ctx, &challenge.AdminSetUserPasswordInput{UserPoolId: e.Pool.ID, Username: "ray", Password: "Temp-pass2"})
	require.NoError(t, err)
	assert.Equal(t, flow.StatusForceChangePassword, e.User("ray").Status)
	out, err = e.PasswordSignIn(ctx, "ray", "Temp-pass2")
	require.NoError(t, err)
	assert.Equal(t, challenge.NewPasswordRequired, out.ChallengeName)

	_, err = e.Server.AdminSetUserPassword(ctx, &challenge.AdminSetUserPasswordInput{UserPoolId: e.Pool.ID, Username: "nobody", Password: "Perm-pass1"})
	requireCode(t, err, challenge.ErrUserNotFound, "User does not exist.")
}

func TestAdminResetUserPasswordAndConfirmForgotPassword(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 42})
	e.AddUser("sam", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "sam@example.com", "email_verified": "true"})
	_, err := e.Server.AdminResetUserPassword(ctx, &challenge.AdminResetUserPasswordInput{UserPoolId: e.Pool.ID, Username: "sam"})
	require.NoError(t, err)
	_, err = e.PasswordSignIn(ctx, "sam", "Correct-horse1")
	requireCode(t, err, challenge.ErrPasswordResetRequired, "Password reset required for the user")
	msg, ok := e.Outbox.Last("sam", "FORGOT_PASSWORD")
	require.True(t, ok)

	confirm := func(code, pw string) error {
		_, err := e.Server.ConfirmForgotPassword(ctx, &challenge.ConfirmForgotPasswordInput{ClientId: e.Client.ID, Username: "sam", ConfirmationCode: code, Password: pw})
		return err
	}
	requireCode(t, confirm("000000", "New-horse1"), challenge.ErrCodeMismatch, "Invalid verification code provided, please try again.")
	requireCode(t, confirm(msg.Code, "weak"), challenge.ErrInvalidPassword, "Password did not conform with policy: Password not long enough")
	require.NoError(t, confirm(msg.Code, "New-horse1"))
	requireCode(t, confirm(msg.Code, "New-horse2"), challenge.ErrCodeMismatch, "Invalid verification code provided, please try again.")
	out, err := e.PasswordSignIn(ctx, "sam", "New-horse1")
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
}

func TestAdminGetUpdateDeleteUser(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 43})
	e.AddUser("tom", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "tom@example.com"})
	_, err := e.Server.AdminUpdateUserAttributes(ctx, &challenge.AdminUpdateUserAttributesInput{UserPoolId: e.Pool.ID, Username: "tom",
		UserAttributes: []challenge.AttributeType{{Name: "name", Value: "Tom"}, {Name: "email", Value: ""}}})
	require.NoError(t, err)
	got, err := e.Server.AdminGetUser(ctx, &challenge.AdminUserInput{UserPoolId: e.Pool.ID, Username: "tom"})
	require.NoError(t, err)
	assert.Equal(t, []challenge.AttributeType{{Name: "sub", Value: "sub-tom"}, {Name: "name", Value: "Tom"}}, got.UserAttributes)
	assert.Equal(t, "CONFIRMED", got.UserStatus)
	_, err = e.Server.AdminUpdateUserAttributes(ctx, &challenge.AdminUpdateUserAttributesInput{UserPoolId: e.Pool.ID, Username: "tom",
		UserAttributes: []challenge.AttributeType{{Name: "sub", Value: "mine"}}})
	requireCode(t, err, challenge.ErrInvalidParameter, "Cannot modify the non-mutable attribute sub")
	_, err = e.Server.AdminDeleteUser(ctx, &challenge.AdminUserInput{UserPoolId: e.Pool.ID, Username: "tom"})
	require.NoError(t, err)
	_, err = e.Server.AdminGetUser(ctx, &challenge.AdminUserInput{UserPoolId: e.Pool.ID, Username: "tom"})
	requireCode(t, err, challenge.ErrUserNotFound, "User does not exist.")
}

func TestSignUpConfirmAndSignIn(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 44, Pool: func(p *flow.Pool) {
		p.AutoVerifiedAttributes = []string{"email"}
		p.AliasAttributes = []string{"email"}
	}})
	out, err := e.Server.SignUp(ctx, &challenge.SignUpInput{ClientId: e.Client.ID, Username: "uma", Password: "Correct-horse1",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: "uma@example.com"}}})
	require.NoError(t, err)
	assert.False(t, out.UserConfirmed)
	assert.Equal(t, &challenge.CodeDeliveryDetailsType{AttributeName: "email", DeliveryMedium: "EMAIL", Destination: "u***@e***"}, out.CodeDeliveryDetails)
	_, err = e.PasswordSignIn(ctx, "uma", "Correct-horse1")
	requireCode(t, err, challenge.ErrUserNotConfirmed, "User is not confirmed.")

	_, err = e.Server.SignUp(ctx, &challenge.SignUpInput{ClientId: e.Client.ID, Username: "uma", Password: "Correct-horse1"})
	requireCode(t, err, challenge.ErrUsernameExists, "User already exists")

	msg, ok := e.Outbox.Last("uma", "SIGN_UP")
	require.True(t, ok)
	_, err = e.Server.ConfirmSignUp(ctx, &challenge.ConfirmSignUpInput{ClientId: e.Client.ID, Username: "uma", ConfirmationCode: "999999"})
	requireCode(t, err, challenge.ErrCodeMismatch, "Invalid verification code provided, please try again.")
	e.Clock.Advance(25 * time.Hour)
	_, err = e.Server.ConfirmSignUp(ctx, &challenge.ConfirmSignUpInput{ClientId: e.Client.ID, Username: "uma", ConfirmationCode: msg.Code})
	requireCode(t, err, challenge.ErrExpiredCode, "Invalid code provided, please request a code again.")
	resent, err := e.Server.ResendConfirmationCode(ctx, &challenge.UsernameInput{ClientId: e.Client.ID, Username: "uma"})
	require.NoError(t, err)
	assert.Equal(t, "EMAIL", resent.CodeDeliveryDetails.DeliveryMedium)
	msg, _ = e.Outbox.Last("uma", "SIGN_UP")
	_, err = e.Server.ConfirmSignUp(ctx, &challenge.ConfirmSignUpInput{ClientId: e.Client.ID, Username: "uma", ConfirmationCode: msg.Code})
	require.NoError(t, err)
	u := e.User("uma")
	assert.Equal(t, flow.StatusConfirmed, u.Status)
	assert.Equal(t, "true", u.Attributes["email_verified"])
	// The verified email is now a sign-in alias.
	signed, err := e.PasswordSignIn(ctx, "uma@example.com", "Correct-horse1")
	require.NoError(t, err)
	require.NotNil(t, signed.AuthenticationResult)
	_, err = e.Server.ConfirmSignUp(ctx, &challenge.ConfirmSignUpInput{ClientId: e.Client.ID, Username: "uma", ConfirmationCode: msg.Code})
	requireCode(t, err, challenge.ErrNotAuthorized, "User cannot be confirmed. Current status is CONFIRMED")
}

func TestConfirmationCodeAttemptsAreBounded(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 45, Pool: func(p *flow.Pool) { p.AutoVerifiedAttributes = []string{"email"} }})
	_, err := e.Server.SignUp(ctx, &challenge.SignUpInput{ClientId: e.Client.ID, Username: "vic", Password: "Correct-horse1",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: "vic@example.com"}}})
	require.NoError(t, err)
	msg, _ := e.Outbox.Last("vic", "SIGN_UP")
	for i := 0; i < 5; i++ {
		_, err = e.Server.ConfirmSignUp(ctx, &challenge.ConfirmSignUpInput{ClientId: e.Client.ID, Username: "vic", ConfirmationCode: "000000"})
		requireCode(t, err, challenge.ErrCodeMismatch, "")
	}
	_, err = e.Server.ConfirmSignUp(ctx, &challenge.ConfirmSignUpInput{ClientId: e.Client.ID, Username: "vic", ConfirmationCode: msg.Code})
	requireCode(t, err, challenge.ErrTooManyFailedAttempts, "Attempt limit exceeded, please try after some time.")
}

func TestForgotPassword(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 46})
	e.AddUser("wes", "Correct-horse1", flow.StatusConfirmed, map[string]string{"phone_number": "+15555550123", "phone_number_verified": "true"})
	e.AddUser("xia", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "xia@example.com"})
	out, err := e.Server.ForgotPassword(ctx, &challenge.UsernameInput{ClientId: e.Client.ID, Username: "wes"})
	require.NoError(t, err)
	assert.Equal(t, &challenge.CodeDeliveryDetailsType{AttributeName: "phone_number", DeliveryMedium: "SMS", Destination: "+*******0123"}, out.CodeDeliveryDetails)
	_, err = e.Server.ForgotPassword(ctx, &challenge.UsernameInput{ClientId: e.Client.ID, Username: "xia"})
	requireCode(t, err, challenge.ErrInvalidParameter, "Cannot reset password for the user as there is no registered/verified email or phone_number")
	_, err = e.Server.ForgotPassword(ctx, &challenge.UsernameInput{ClientId: e.Client.ID, Username: "nobody"})
	requireCode(t, err, challenge.ErrUserNotFound, "User does not exist.")
}

func TestChangePasswordGetUserAndSignOut(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 47, Pool: func(p *flow.Pool) { p.PasswordPolicy.PasswordHistorySize = 2 }})
	e.AddUser("yan", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "yan@example.com"})
	out, err := e.PasswordSignIn(ctx, "yan", "Correct-horse1")
	require.NoError(t, err)
	access := out.AuthenticationResult.AccessToken

	got, err := e.Server.GetUser(ctx, &challenge.AccessTokenInput{AccessToken: access})
	require.NoError(t, err)
	assert.Equal(t, "yan", got.Username)
	assert.Contains(t, got.UserAttributes, challenge.AttributeType{Name: "email", Value: "yan@example.com"})

	change := func(prev, next string) error {
		_, err := e.Server.ChangePassword(ctx, &challenge.ChangePasswordInput{AccessToken: access, PreviousPassword: prev, ProposedPassword: next})
		return err
	}
	requireCode(t, change("Wrong-horse1", "Other-horse1"), challenge.ErrNotAuthorized, "Incorrect username or password.")
	requireCode(t, change("Correct-horse1", "Correct-horse1"), challenge.ErrPasswordHistoryPolicyViolation, "")
	require.NoError(t, change("Correct-horse1", "Other-horse1"))
	_, err = e.PasswordSignIn(ctx, "yan", "Other-horse1")
	require.NoError(t, err)

	_, err = e.Server.GlobalSignOut(ctx, &challenge.AccessTokenInput{AccessToken: access})
	require.NoError(t, err)
	_, err = e.Server.GetUser(ctx, &challenge.AccessTokenInput{AccessToken: access})
	requireCode(t, err, challenge.ErrNotAuthorized, "Access Token has been revoked")
	_, err = e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowRefreshTokenAuth, ClientId: e.Client.ID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": out.AuthenticationResult.RefreshToken}})
	requireCode(t, err, challenge.ErrNotAuthorized, "Invalid Refresh Token")
}

func TestGetTokensFromRefreshTokenAndRevokeToken(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 48, Client: func(c *flow.AppClient) { c.RefreshTokenRotation = true }})
	e.AddUser("zoe", "Correct-horse1", flow.StatusConfirmed, nil)
	out, err := e.PasswordSignIn(ctx, "zoe", "Correct-horse1")
	require.NoError(t, err)
	rt := out.AuthenticationResult.RefreshToken
	got, err := e.Server.GetTokensFromRefreshToken(ctx, &challenge.GetTokensFromRefreshTokenInput{ClientId: e.Client.ID, RefreshToken: rt})
	require.NoError(t, err)
	require.NotEmpty(t, got.AuthenticationResult.RefreshToken, "rotation returns a new refresh token")
	require.NotEqual(t, rt, got.AuthenticationResult.RefreshToken)
	last := e.Issuer.Grants[len(e.Issuer.Grants)-1]
	assert.True(t, last.RotateRefresh)
	assert.Equal(t, rt, last.Refresh)

	_, err = e.Server.RevokeToken(ctx, &challenge.RevokeTokenInput{ClientId: e.Client.ID, Token: got.AuthenticationResult.RefreshToken})
	require.NoError(t, err)
	_, err = e.Server.GetTokensFromRefreshToken(ctx, &challenge.GetTokensFromRefreshTokenInput{ClientId: e.Client.ID, RefreshToken: got.AuthenticationResult.RefreshToken})
	requireCode(t, err, challenge.ErrNotAuthorized, "Invalid Refresh Token")
	_, err = e.Server.GetUser(ctx, &challenge.AccessTokenInput{AccessToken: got.AuthenticationResult.AccessToken})
	requireCode(t, err, challenge.ErrNotAuthorized, "Access Token has been revoked")

	noRevocation := flowtest.New(t, flowtest.Options{Seed: 49, Client: func(c *flow.AppClient) { c.EnableTokenRevocation = false }})
	_, err = noRevocation.Server.RevokeToken(ctx, &challenge.RevokeTokenInput{ClientId: noRevocation.Client.ID, Token: "x"})
	requireCode(t, err, challenge.ErrUnsupportedOperation, "Token revocation is not enabled for this client")
}

func TestPoolAndClientManagement(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 50})
	created, err := e.Server.CreateUserPool(ctx, &challenge.CreateUserPoolInput{PoolName: "shop",
		Policies: &challenge.UserPoolPolicyType{PasswordPolicy: &challenge.PasswordPolicyType{MinimumLength: 10, RequireNumbers: true}}})
	require.NoError(t, err)
	p := created.UserPool
	assert.Regexp(t, `^us-east-1_[0-9A-Za-z]{9}$`, p.Id)
	assert.Equal(t, 10, p.Policies.PasswordPolicy.MinimumLength)
	assert.Equal(t, "OFF", p.MfaConfiguration)

	client, err := e.Server.CreateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: p.Id, ClientName: "web", GenerateSecret: true})
	require.NoError(t, err)
	c := client.UserPoolClient
	assert.Regexp(t, `^[a-z0-9]{26}$`, c.ClientId)
	assert.Len(t, c.ClientSecret, 51)
	assert.Equal(t, []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}, c.ExplicitAuthFlows)
	assert.Equal(t, "LEGACY", c.PreventUserExistenceErrors)
	assert.True(t, c.EnableTokenRevocation)
	assert.Equal(t, 3, c.AuthSessionValidity)
	assert.Equal(t, 30, c.RefreshTokenValidity)

	_, err = e.Server.CreateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: p.Id, ClientName: "bad",
		ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH", "USER_PASSWORD_AUTH"}})
	requireCode(t, err, challenge.ErrInvalidParameter, "ExplicitAuthFlows can not have both ALLOW_XXX and XXX values")
	_, err = e.Server.CreateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: p.Id, ClientName: "bad", AuthSessionValidity: 16})
	requireCode(t, err, challenge.ErrInvalidParameter, "")

	list, err := e.Server.ListUserPools(ctx, &challenge.ListUserPoolsInput{MaxResults: 60})
	require.NoError(t, err)
	assert.Len(t, list.UserPools, 2)
	clients, err := e.Server.ListUserPoolClients(ctx, &challenge.ListUserPoolClientsInput{UserPoolId: p.Id})
	require.NoError(t, err)
	assert.Len(t, clients.UserPoolClients, 1)

	updated, err := e.Server.UpdateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: p.Id, ClientId: c.ClientId,
		ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH"}, PreventUserExistenceErrors: "ENABLED"})
	require.NoError(t, err)
	assert.Equal(t, c.ClientSecret, updated.UserPoolClient.ClientSecret, "the secret survives an update")
	assert.Equal(t, "ENABLED", updated.UserPoolClient.PreventUserExistenceErrors)

	mfa, err := e.Server.SetUserPoolMfaConfig(ctx, &challenge.UserPoolMfaConfig{UserPoolId: p.Id, MfaConfiguration: "OPTIONAL",
		SoftwareTokenMfaConfiguration: &challenge.SoftwareTokenMfaConfigType{Enabled: true}})
	require.NoError(t, err)
	assert.Equal(t, "OPTIONAL", mfa.MfaConfiguration)
	got, err := e.Server.GetUserPoolMfaConfig(ctx, &challenge.UserPoolIdInput{UserPoolId: p.Id})
	require.NoError(t, err)
	assert.True(t, got.SoftwareTokenMfaConfiguration.Enabled)

	_, err = e.Server.DeleteUserPoolClient(ctx, &challenge.ClientIdInput{UserPoolId: p.Id, ClientId: c.ClientId})
	require.NoError(t, err)
	_, err = e.Server.DescribeUserPoolClient(ctx, &challenge.ClientIdInput{UserPoolId: p.Id, ClientId: c.ClientId})
	requireCode(t, err, challenge.ErrResourceNotFound, "User pool client "+c.ClientId+" does not exist.")
	_, err = e.Server.DeleteUserPool(ctx, &challenge.UserPoolIdInput{UserPoolId: p.Id})
	require.NoError(t, err)
	_, err = e.Server.DescribeUserPool(ctx, &challenge.UserPoolIdInput{UserPoolId: p.Id})
	requireCode(t, err, challenge.ErrResourceNotFound, "User pool "+p.Id+" does not exist.")
}

func TestListUsers(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 51})
	for _, n := range []string{"ann", "abe", "bob", "cat"} {
		e.AddUser(n, "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": n + "@example.com"})
	}
	all, err := e.Server.ListUsers(ctx, &challenge.ListUsersInput{UserPoolId: e.Pool.ID})
	require.NoError(t, err)
	require.Len(t, all.Users, 4)
	pre, err := e.Server.ListUsers(ctx, &challenge.ListUsersInput{UserPoolId: e.Pool.ID, Filter: `username ^= "a"`})
	require.NoError(t, err)
	require.Len(t, pre.Users, 2)
	eq, err := e.Server.ListUsers(ctx, &challenge.ListUsersInput{UserPoolId: e.Pool.ID, Filter: `email = "bob@example.com"`})
	require.NoError(t, err)
	require.Len(t, eq.Users, 1)
	assert.Equal(t, "bob", eq.Users[0].Username)
	page1, err := e.Server.ListUsers(ctx, &challenge.ListUsersInput{UserPoolId: e.Pool.ID, Limit: 3})
	require.NoError(t, err)
	require.Len(t, page1.Users, 3)
	require.NotEmpty(t, page1.PaginationToken)
	page2, err := e.Server.ListUsers(ctx, &challenge.ListUsersInput{UserPoolId: e.Pool.ID, Limit: 3, PaginationToken: page1.PaginationToken})
	require.NoError(t, err)
	require.Len(t, page2.Users, 1)
	_, err = e.Server.ListUsers(ctx, &challenge.ListUsersInput{UserPoolId: e.Pool.ID, Filter: `password = "x"`})
	requireCode(t, err, challenge.ErrInvalidParameter, "Invalid search filter: attribute password cannot be searched")
}
