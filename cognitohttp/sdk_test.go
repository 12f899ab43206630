package cognitohttp_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/srp"
	"github.com/authflow/authflow/totp"
)

// newSDK returns the real AWS SDK client for an endpoint, with static
// credentials and no retries (so a 5xx shows at once).
func newSDK(endpoint, key, secret string) *cip.Client {
	return cip.New(cip.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, ""),
		Retryer:      retryClosedConnection(),
	})
}

// sdkFixture is a server whose pool and clients were created over the wire.
type sdkFixture struct {
	t       *testing.T
	env     *flowtest.Env
	api     *cip.Client
	pool    string
	public  string // app client without a secret
	secret  string // app client with a secret
	secretS string // its secret
}

func (f *sdkFixture) ctx() context.Context { return context.Background() }

// secretHash computes SECRET_HASH for the secret client.
func (f *sdkFixture) secretHash(username string) string {
	return srp.SecretHash(f.secretS, username, f.secret)
}

// srpSignIn runs USER_SRP_AUTH and PASSWORD_VERIFIER over the SDK, as
// amazon-cognito-identity-js computes it, and returns the verifier's answer.
func (f *sdkFixture) srpSignIn(clientID, username, password string, withHash bool) (*cip.RespondToAuthChallengeOutput, error) {
	t := f.t
	c, err := srp.NewClient(f.env.ClientRand)
	require.NoError(t, err)
	params := map[string]string{"USERNAME": username, "SRP_A": srp.HexInt(c.A())}
	if withHash {
		params["SECRET_HASH"] = f.secretHash(username)
	}
	init, err := f.api.InitiateAuth(f.ctx(), &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth,
		ClientId: aws.String(clientID), AuthParameters: params})
	if err != nil {
		return nil, err
	}
	require.Equal(t, types.ChallengeNameTypePasswordVerifier, init.ChallengeName)
	cp := init.ChallengeParameters
	for _, k := range []string{"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"} {
		require.NotEmpty(t, cp[k], k)
	}
	userID := cp["USER_ID_FOR_SRP"]
	salt, err := srp.ParseSalt(cp["SALT"])
	require.NoError(t, err)
	B, err := srp.ParseB(cp["SRP_B"])
	require.NoError(t, err)
	key, err := c.SessionKey(srp.PoolName(f.pool), userID, password, salt, B)
	require.NoError(t, err)
	block, err := base64.StdEncoding.DecodeString(cp["SECRET_BLOCK"])
	require.NoError(t, err)
	ts := srp.FormatTimestamp(f.env.Clock.Now())
	resp := map[string]string{"USERNAME": userID, "PASSWORD_CLAIM_SECRET_BLOCK": cp["SECRET_BLOCK"], "TIMESTAMP": ts,
		"PASSWORD_CLAIM_SIGNATURE": srp.Signature(key, srp.PoolName(f.pool), userID, block, ts)}
	if withHash {
		resp["SECRET_HASH"] = f.secretHash(userID)
	}
	return f.api.RespondToAuthChallenge(f.ctx(), &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier,
		ClientId: aws.String(clientID), Session: init.Session, ChallengeResponses: resp})
}

func (f *sdkFixture) passwordSignIn(clientID, username, password string) (*cip.InitiateAuthOutput, error) {
	return f.api.InitiateAuth(f.ctx(), &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		ClientId: aws.String(clientID), AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password}})
}

// requireAPIError asserts the SDK's typed exception and returns it.
func requireAPIError[E smithy.APIError](t *testing.T, err error) E {
	t.Helper()
	var typed E
	require.ErrorAs(t, err, &typed, "got %T: %v", err, err)
	return typed
}

// newSDKFixture starts a handler that verifies SigV4 with AKID/SECRET and
// creates, over the wire, a pool and two app clients.
func newSDKFixture(t *testing.T) *sdkFixture { return newSDKFixtureWith(t, flowtest.Options{}) }

// newSDKFixtureWith is newSDKFixture with engine options (e.g. a real token issuer).
func newSDKFixtureWith(t *testing.T, fo flowtest.Options) *sdkFixture {
	env, srv := setup(t, cognitohttp.Options{Credentials: map[string]string{"AKID": "SECRET"}}, fo)
	f := &sdkFixture{t: t, env: env, api: newSDK(srv.URL, "AKID", "SECRET")}
	ctx := f.ctx()

	pool, err := f.api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("conformance"),
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(8),
			RequireLowercase: true, RequireNumbers: true, RequireUppercase: true, RequireSymbols: true}},
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}})
	require.NoError(t, err)
	f.pool = aws.ToString(pool.UserPool.Id)
	require.Regexp(t, `^us-east-1_[0-9A-Za-z]+$`, f.pool)
	require.NotNil(t, pool.UserPool.CreationDate)
	assert.WithinDuration(t, env.Clock.Now(), *pool.UserPool.CreationDate, time.Second)

	flows := []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
		types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
	pub, err := f.api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(f.pool),
		ClientName: aws.String("web"), ExplicitAuthFlows: flows, EnableTokenRevocation: aws.Bool(true)})
	require.NoError(t, err)
	f.public = aws.ToString(pub.UserPoolClient.ClientId)
	assert.Nil(t, pub.UserPoolClient.ClientSecret)

	sec, err := f.api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(f.pool),
		ClientName: aws.String("backend"), GenerateSecret: true, ExplicitAuthFlows: flows})
	require.NoError(t, err)
	f.secret, f.secretS = aws.ToString(sec.UserPoolClient.ClientId), aws.ToString(sec.UserPoolClient.ClientSecret)
	require.NotEmpty(t, f.secretS)
	return f
}

func (f *sdkFixture) createUser(username, password string, permanent bool, email string) {
	t := f.t
	attrs := []types.AttributeType{}
	if email != "" {
		attrs = append(attrs, types.AttributeType{Name: aws.String("email"), Value: aws.String(email)},
			types.AttributeType{Name: aws.String("email_verified"), Value: aws.String("true")})
	}
	out, err := f.api.AdminCreateUser(f.ctx(), &cip.AdminCreateUserInput{UserPoolId: aws.String(f.pool), Username: aws.String(username),
		TemporaryPassword: aws.String(password), MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs})
	require.NoError(t, err)
	require.Equal(t, types.UserStatusTypeForceChangePassword, out.User.UserStatus)
	if permanent {
		_, err := f.api.AdminSetUserPassword(f.ctx(), &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(f.pool),
			Username: aws.String(username), Password: aws.String(password), Permanent: true})
		require.NoError(t, err)
	}
}

func TestSDKPoolAndClientManagement(t *testing.T) {
	f := newSDKFixture(t)
	ctx := f.ctx()

	d, err := f.api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(f.pool)})
	require.NoError(t, err)
	assert.Equal(t, "conformance", aws.ToString(d.UserPool.Name))
	assert.EqualValues(t, 8, aws.ToInt32(d.UserPool.Policies.PasswordPolicy.MinimumLength))

	list, err := f.api.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
	require.NoError(t, err)
	var ids []string
	for _, p := range list.UserPools {
		ids = append(ids, aws.ToString(p.Id))
	}
	assert.Contains(t, ids, f.pool)

	_, err = f.api.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(f.pool),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}, DeletionProtection: types.DeletionProtectionTypeActive})
	require.NoError(t, err)

	mfa, err := f.api.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(f.pool),
		MfaConfiguration: types.UserPoolMfaTypeOptional, SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}})
	require.NoError(t, err)
	assert.Equal(t, types.UserPoolMfaTypeOptional, mfa.MfaConfiguration)
	got, err := f.api.GetUserPoolMfaConfig(ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(f.pool)})
	require.NoError(t, err)
	assert.True(t, got.SoftwareTokenMfaConfiguration.Enabled)

	dc, err := f.api.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(f.pool), ClientId: aws.String(f.secret)})
	require.NoError(t, err)
	assert.Equal(t, f.secretS, aws.ToString(dc.UserPoolClient.ClientSecret))
	assert.Equal(t, "backend", aws.ToString(dc.UserPoolClient.ClientName))

	clients, err := f.api.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: aws.String(f.pool)})
	require.NoError(t, err)
	assert.Len(t, clients.UserPoolClients, 2)

	upd, err := f.api.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: aws.String(f.pool), ClientId: aws.String(f.public),
		ClientName: aws.String("web2"), ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth},
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})
	require.NoError(t, err)
	assert.Equal(t, "web2", aws.ToString(upd.UserPoolClient.ClientName))

	// Now USER_PASSWORD_AUTH is off for that client, and unknown users are hidden.
	_, err = f.passwordSignIn(f.public, "ghost", "Passw0rd!")
	requireAPIError[*types.InvalidParameterException](t, err)
	_, err = f.srpSignIn(f.public, "ghost", "Passw0rd!", false)
	requireAPIError[*types.NotAuthorizedException](t, err)

	_, err = f.api.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: aws.String(f.pool), ClientId: aws.String(f.public)})
	require.NoError(t, err)
	_, err = f.api.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(f.pool), ClientId: aws.String(f.public)})
	requireAPIError[*types.ResourceNotFoundException](t, err)

	// Deletion protection, then deletion.
	_, err = f.api.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: aws.String(f.pool)})
	requireAPIError[*types.InvalidParameterException](t, err)
	_, err = f.api.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(f.pool), DeletionProtection: types.DeletionProtectionTypeInactive})
	require.NoError(t, err)
	_, err = f.api.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: aws.String(f.pool)})
	require.NoError(t, err)
	_, err = f.api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(f.pool)})
	requireAPIError[*types.ResourceNotFoundException](t, err)
}

func TestSDKSignInFlows(t *testing.T) {
	f := newSDKFixture(t)
	ctx := f.ctx()
	const pw = "Passw0rd!"
	f.createUser("bob", pw, true, "bob@example.com")

	t.Run("ADMIN_USER_PASSWORD_AUTH", func(t *testing.T) {
		out, err := f.api.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
			UserPoolId: aws.String(f.pool), ClientId: aws.String(f.public), AuthParameters: map[string]string{"USERNAME": "bob", "PASSWORD": pw}})
		require.NoError(t, err)
		r := out.AuthenticationResult
		require.NotNil(t, r)
		assert.Equal(t, "Bearer", aws.ToString(r.TokenType))
		assert.EqualValues(t, 3600, r.ExpiresIn)
		assert.NotEmpty(t, aws.ToString(r.AccessToken))
		assert.NotEmpty(t, aws.ToString(r.IdToken))
		assert.NotEmpty(t, aws.ToString(r.RefreshToken))
	})

	t.Run("USER_PASSWORD_AUTH", func(t *testing.T) {
		out, err := f.passwordSignIn(f.public, "bob", pw)
		require.NoError(t, err)
		require.NotNil(t, out.AuthenticationResult)

		_, err = f.passwordSignIn(f.public, "bob", "Wr0ngpass!")
		e := requireAPIError[*types.NotAuthorizedException](t, err)
		assert.Equal(t, "Incorrect username or password.", e.ErrorMessage())
		assert.Equal(t, "NotAuthorizedException", e.ErrorCode())

		_, err = f.passwordSignIn(f.public, "nobody", pw)
		requireAPIError[*types.UserNotFoundException](t, err)

		_, err = f.passwordSignIn("nosuchclient", "bob", pw)
		requireAPIError[*types.ResourceNotFoundException](t, err)

		_, err = f.api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: "NOT_A_FLOW", ClientId: aws.String(f.public)})
		requireAPIError[*types.InvalidParameterException](t, err)

		_, err = f.api.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
			UserPoolId: aws.String("us-east-1_Missing"), ClientId: aws.String(f.public), AuthParameters: map[string]string{"USERNAME": "bob", "PASSWORD": pw}})
		requireAPIError[*types.ResourceNotFoundException](t, err)
	})

	t.Run("USER_SRP_AUTH", func(t *testing.T) {
		out, err := f.srpSignIn(f.public, "bob", pw, false)
		require.NoError(t, err)
		require.NotNil(t, out.AuthenticationResult)
		assert.NotEmpty(t, aws.ToString(out.AuthenticationResult.RefreshToken))

		_, err = f.srpSignIn(f.public, "bob", "Wr0ngpass!", false)
		requireAPIError[*types.NotAuthorizedException](t, err)
	})

	t.Run("SECRET_HASH", func(t *testing.T) {
		in := func(hash string) *cip.InitiateAuthInput {
			p := map[string]string{"USERNAME": "bob", "PASSWORD": pw}
			if hash != "" {
				p["SECRET_HASH"] = hash
			}
			return &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(f.secret), AuthParameters: p}
		}
		out, err := f.api.InitiateAuth(ctx, in(f.secretHash("bob")))
		require.NoError(t, err)
		require.NotNil(t, out.AuthenticationResult)

		_, err = f.api.InitiateAuth(ctx, in(srp.SecretHash("wrong-secret", "bob", f.secret)))
		e := requireAPIError[*types.NotAuthorizedException](t, err)
		assert.Contains(t, e.ErrorMessage(), "Unable to verify secret hash")
		_, err = f.api.InitiateAuth(ctx, in(""))
		requireAPIError[*types.NotAuthorizedException](t, err)

		srpOut, err := f.srpSignIn(f.secret, "bob", pw, true)
		require.NoError(t, err)
		require.NotNil(t, srpOut.AuthenticationResult)

		// REFRESH_TOKEN_AUTH with the secret client needs the hash too.
		refresh := aws.ToString(out.AuthenticationResult.RefreshToken)
		r, err := f.api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(f.secret),
			AuthParameters: map[string]string{"REFRESH_TOKEN": refresh, "SECRET_HASH": f.secretHash("bob")}})
		require.NoError(t, err)
		assert.NotEmpty(t, aws.ToString(r.AuthenticationResult.AccessToken))

		tok, err := f.api.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: aws.String(f.secret),
			ClientSecret: aws.String(f.secretS), RefreshToken: aws.String(refresh)})
		require.NoError(t, err)
		assert.NotEmpty(t, aws.ToString(tok.AuthenticationResult.AccessToken))
		_, err = f.api.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: aws.String(f.secret),
			ClientSecret: aws.String("nope"), RefreshToken: aws.String(refresh)})
		requireAPIError[*types.NotAuthorizedException](t, err)
	})

	t.Run("REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken, RevokeToken", func(t *testing.T) {
		out, err := f.passwordSignIn(f.public, "bob", pw)
		require.NoError(t, err)
		refresh := aws.ToString(out.AuthenticationResult.RefreshToken)

		r, err := f.api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(f.public),
			AuthParameters: map[string]string{"REFRESH_TOKEN": refresh}})
		require.NoError(t, err)
		assert.NotEmpty(t, aws.ToString(r.AuthenticationResult.AccessToken))
		assert.Nil(t, r.AuthenticationResult.RefreshToken, "no new refresh token without rotation")

		tok, err := f.api.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: aws.String(f.public),
			RefreshToken: aws.String(refresh)})
		require.NoError(t, err)
		access := aws.ToString(tok.AuthenticationResult.AccessToken)
		_, err = f.api.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(access)})
		require.NoError(t, err)

		_, err = f.api.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: aws.String(f.public), Token: aws.String(refresh)})
		require.NoError(t, err)
		_, err = f.api.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: aws.String(f.public),
			RefreshToken: aws.String(refresh)})
		requireAPIError[*types.NotAuthorizedException](t, err)
		_, err = f.api.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(access)})
		requireAPIError[*types.NotAuthorizedException](t, err)
	})

	t.Run("NEW_PASSWORD_REQUIRED", func(t *testing.T) {
		f.createUser("alice", "Temp0rary!", false, "alice@example.com")
		out, err := f.passwordSignIn(f.public, "alice", "Temp0rary!")
		require.NoError(t, err)
		require.Equal(t, types.ChallengeNameTypeNewPasswordRequired, out.ChallengeName)
		require.NotEmpty(t, aws.ToString(out.Session))
		var attrs map[string]string
		require.NoError(t, json.Unmarshal([]byte(out.ChallengeParameters["userAttributes"]), &attrs), "userAttributes is a JSON string")
		assert.Equal(t, "alice@example.com", attrs["email"])
		var required []string
		require.NoError(t, json.Unmarshal([]byte(out.ChallengeParameters["requiredAttributes"]), &required), "requiredAttributes is a JSON string")

		_, err = f.api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
			ClientId: aws.String(f.public), Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "alice", "NEW_PASSWORD": "short"}})
		requireAPIError[*types.InvalidPasswordException](t, err)

		done, err := f.api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
			ClientId: aws.String(f.public), Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "alice", "NEW_PASSWORD": "N3w-passw0rd"}})
		require.NoError(t, err)
		require.NotNil(t, done.AuthenticationResult)

		// The session was spent.
		_, err = f.api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
			ClientId: aws.String(f.public), Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "alice", "NEW_PASSWORD": "N3w-passw0rd2"}})
		requireAPIError[*types.NotAuthorizedException](t, err)

		u, err := f.api.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(f.pool), Username: aws.String("alice")})
		require.NoError(t, err)
		assert.Equal(t, types.UserStatusTypeConfirmed, u.UserStatus)
	})

	t.Run("AdminRespondToAuthChallenge", func(t *testing.T) {
		f.createUser("dora", "Temp0rary!", false, "")
		out, err := f.api.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
			UserPoolId: aws.String(f.pool), ClientId: aws.String(f.public), AuthParameters: map[string]string{"USERNAME": "dora", "PASSWORD": "Temp0rary!"}})
		require.NoError(t, err)
		require.Equal(t, types.ChallengeNameTypeNewPasswordRequired, out.ChallengeName)
		done, err := f.api.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
			UserPoolId: aws.String(f.pool), ClientId: aws.String(f.public), Session: out.Session,
			ChallengeResponses: map[string]string{"USERNAME": "dora", "NEW_PASSWORD": "D0ra-passw0rd"}})
		require.NoError(t, err)
		require.NotNil(t, done.AuthenticationResult)
	})
}

func TestSDKUserOperations(t *testing.T) {
	f := newSDKFixture(t)
	ctx := f.ctx()
	const pw = "Passw0rd!"

	// Sign-up and confirmation, with the code from the outbox.
	up, err := f.api.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(f.public), Username: aws.String("carol"), Password: aws.String(pw),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("carol@example.com")}}})
	require.NoError(t, err)
	assert.False(t, up.UserConfirmed)
	assert.NotEmpty(t, aws.ToString(up.UserSub))
	require.NotNil(t, up.CodeDeliveryDetails)
	assert.Equal(t, types.DeliveryMediumTypeEmail, up.CodeDeliveryDetails.DeliveryMedium)

	_, err = f.api.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(f.public), Username: aws.String("carol"), Password: aws.String(pw)})
	requireAPIError[*types.UsernameExistsException](t, err)
	_, err = f.api.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(f.public), Username: aws.String("weak"), Password: aws.String("weak")})
	requireAPIError[*types.InvalidPasswordException](t, err)

	_, err = f.passwordSignIn(f.public, "carol", pw)
	requireAPIError[*types.UserNotConfirmedException](t, err)

	_, err = f.api.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: aws.String(f.public), Username: aws.String("carol")})
	require.NoError(t, err)
	msg, ok := f.env.Outbox.Last("carol", "SIGN_UP")
	require.True(t, ok)
	_, err = f.api.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(f.public), Username: aws.String("carol"), ConfirmationCode: aws.String("000000x")})
	requireAPIError[*types.CodeMismatchException](t, err)
	_, err = f.api.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(f.public), Username: aws.String("carol"), ConfirmationCode: aws.String(msg.Code)})
	require.NoError(t, err)

	out, err := f.passwordSignIn(f.public, "carol", pw)
	require.NoError(t, err)
	access := aws.ToString(out.AuthenticationResult.AccessToken)

	// The user's own operations.
	u, err := f.api.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(access)})
	require.NoError(t, err)
	assert.Equal(t, "carol", aws.ToString(u.Username))
	_, err = f.api.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: aws.String(access), PreviousPassword: aws.String("Wr0ng-pass"),
		ProposedPassword: aws.String("Ch4nged-pass")})
	requireAPIError[*types.NotAuthorizedException](t, err)
	_, err = f.api.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: aws.String(access), PreviousPassword: aws.String(pw),
		ProposedPassword: aws.String("Ch4nged-pass")})
	require.NoError(t, err)
	_, err = f.passwordSignIn(f.public, "carol", "Ch4nged-pass")
	require.NoError(t, err)

	// Forgotten password.
	fp, err := f.api.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: aws.String(f.public), Username: aws.String("carol")})
	require.NoError(t, err)
	assert.Equal(t, "email", aws.ToString(fp.CodeDeliveryDetails.AttributeName))
	reset, ok := f.env.Outbox.Last("carol", "FORGOT_PASSWORD")
	require.True(t, ok)
	_, err = f.api.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: aws.String(f.public), Username: aws.String("carol"),
		ConfirmationCode: aws.String(reset.Code), Password: aws.String("R3set-passw0rd")})
	require.NoError(t, err)
	out, err = f.passwordSignIn(f.public, "carol", "R3set-passw0rd")
	require.NoError(t, err)
	access = aws.ToString(out.AuthenticationResult.AccessToken)

	// TOTP: associate, verify, prefer, then sign in with it.
	_, err = f.api.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(f.pool),
		MfaConfiguration: types.UserPoolMfaTypeOptional, SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}})
	require.NoError(t, err)
	assoc, err := f.api.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: aws.String(access)})
	require.NoError(t, err)
	secret := aws.ToString(assoc.SecretCode)
	code, err := totp.DefaultConfig().Code(secret, f.env.Clock.Now())
	require.NoError(t, err)
	ver, err := f.api.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: aws.String(access), UserCode: aws.String(code)})
	require.NoError(t, err)
	assert.Equal(t, types.VerifySoftwareTokenResponseTypeSuccess, ver.Status)
	_, err = f.api.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: aws.String(access),
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})
	require.NoError(t, err)
	f.env.Clock.Advance(30 * time.Second)
	mfa, err := f.passwordSignIn(f.public, "carol", "R3set-passw0rd")
	require.NoError(t, err)
	require.Equal(t, types.ChallengeNameTypeSoftwareTokenMfa, mfa.ChallengeName)
	_, err = f.api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
		ClientId: aws.String(f.public), Session: mfa.Session, ChallengeResponses: map[string]string{"USERNAME": "carol", "SOFTWARE_TOKEN_MFA_CODE": "000000"}})
	requireAPIError[*types.CodeMismatchException](t, err)
	code, err = totp.DefaultConfig().Code(secret, f.env.Clock.Now())
	require.NoError(t, err)
	done, err := f.api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
		ClientId: aws.String(f.public), Session: mfa.Session, ChallengeResponses: map[string]string{"USERNAME": "carol", "SOFTWARE_TOKEN_MFA_CODE": code}})
	require.NoError(t, err)
	access = aws.ToString(done.AuthenticationResult.AccessToken)
	_, err = f.api.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(f.pool), Username: aws.String("carol"),
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: false}})
	require.NoError(t, err)
	plain, err := f.passwordSignIn(f.public, "carol", "R3set-passw0rd")
	require.NoError(t, err)
	require.NotNil(t, plain.AuthenticationResult, "TOTP no longer asked")

	// Global sign-out ends every token.
	_, err = f.api.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: aws.String(access)})
	require.NoError(t, err)
	_, err = f.api.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(access)})
	requireAPIError[*types.NotAuthorizedException](t, err)
	_, err = f.api.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: aws.String("garbage")})
	requireAPIError[*types.NotAuthorizedException](t, err)
}

func TestSDKAdminUserOperations(t *testing.T) {
	f := newSDKFixture(t)
	ctx := f.ctx()
	const pw = "Passw0rd!"
	f.createUser("erin", pw, true, "erin@example.com")
	in := &cip.AdminGetUserInput{UserPoolId: aws.String(f.pool), Username: aws.String("erin")}

	_, err := f.api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(f.pool), Username: aws.String("erin"),
		MessageAction: types.MessageActionTypeSuppress})
	requireAPIError[*types.UsernameExistsException](t, err)

	g, err := f.api.AdminGetUser(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, types.UserStatusTypeConfirmed, g.UserStatus)
	assert.True(t, g.Enabled)
	require.NotNil(t, g.UserCreateDate)
	assert.WithinDuration(t, f.env.Clock.Now(), *g.UserCreateDate, time.Second)

	_, err = f.api.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(f.pool), Username: aws.String("erin"),
		UserAttributes: []types.AttributeType{{Name: aws.String("name"), Value: aws.String("Erin E.")}}})
	require.NoError(t, err)
	g, err = f.api.AdminGetUser(ctx, in)
	require.NoError(t, err)
	assert.True(t, slices.ContainsFunc(g.UserAttributes, func(a types.AttributeType) bool {
		return aws.ToString(a.Name) == "name" && aws.ToString(a.Value) == "Erin E."
	}))

	users, err := f.api.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String(f.pool)})
	require.NoError(t, err)
	require.Len(t, users.Users, 1)
	assert.Equal(t, "erin", aws.ToString(users.Users[0].Username))

	_, err = f.api.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(f.pool), Username: aws.String("erin")})
	require.NoError(t, err)
	_, err = f.passwordSignIn(f.public, "erin", pw)
	e := requireAPIError[*types.NotAuthorizedException](t, err)
	assert.Equal(t, "User is disabled.", e.ErrorMessage())
	_, err = f.api.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: aws.String(f.pool), Username: aws.String("erin")})
	require.NoError(t, err)
	out, err := f.passwordSignIn(f.public, "erin", pw)
	require.NoError(t, err)
	access := aws.ToString(out.AuthenticationResult.AccessToken)

	_, err = f.api.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: aws.String(f.pool), Username: aws.String("erin")})
	require.NoError(t, err)
	_, err = f.api.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(access)})
	requireAPIError[*types.NotAuthorizedException](t, err)

	_, err = f.api.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(f.pool), Username: aws.String("erin")})
	require.NoError(t, err)
	_, err = f.passwordSignIn(f.public, "erin", pw)
	requireAPIError[*types.PasswordResetRequiredException](t, err)
	code, ok := f.env.Outbox.Last("erin", "FORGOT_PASSWORD")
	require.True(t, ok)
	_, err = f.api.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: aws.String(f.public), Username: aws.String("erin"),
		ConfirmationCode: aws.String(code.Code), Password: aws.String("Af7er-reset")})
	require.NoError(t, err)
	_, err = f.passwordSignIn(f.public, "erin", "Af7er-reset")
	require.NoError(t, err)

	_, err = f.api.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(f.pool), Username: aws.String("erin")})
	require.NoError(t, err)
	_, err = f.api.AdminGetUser(ctx, in)
	requireAPIError[*types.UserNotFoundException](t, err)
}

func TestSDKDevices(t *testing.T) {
	f := newSDKFixture(t)
	ctx := f.ctx()
	const pw = "Passw0rd!"
	_, err := f.api.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(f.pool),
		DeviceConfiguration: &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true}})
	require.NoError(t, err)
	f.createUser("finn", pw, true, "")

	out, err := f.passwordSignIn(f.public, "finn", pw)
	require.NoError(t, err)
	meta := out.AuthenticationResult.NewDeviceMetadata
	require.NotNil(t, meta, "device tracking returns NewDeviceMetadata")
	key, group := aws.ToString(meta.DeviceKey), aws.ToString(meta.DeviceGroupKey)
	access := aws.ToString(out.AuthenticationResult.AccessToken)

	_, salt, verifier, err := srp.NewDeviceSecret(f.env.ClientRand, group, key)
	require.NoError(t, err)
	conf, err := f.api.ConfirmDevice(ctx, &cip.ConfirmDeviceInput{AccessToken: aws.String(access), DeviceKey: aws.String(key),
		DeviceName: aws.String("laptop"), DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{
			PasswordVerifier: aws.String(base64.StdEncoding.EncodeToString(verifier)), Salt: aws.String(base64.StdEncoding.EncodeToString(salt))}})
	require.NoError(t, err)
	assert.False(t, conf.UserConfirmationNecessary)

	list, err := f.api.ListDevices(ctx, &cip.ListDevicesInput{AccessToken: aws.String(access)})
	require.NoError(t, err)
	require.Len(t, list.Devices, 1)
	assert.Equal(t, key, aws.ToString(list.Devices[0].DeviceKey))
	_, err = f.api.GetDevice(ctx, &cip.GetDeviceInput{AccessToken: aws.String(access), DeviceKey: aws.String(key)})
	require.NoError(t, err)
	_, err = f.api.UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{AccessToken: aws.String(access), DeviceKey: aws.String(key),
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeNotRemembered})
	require.NoError(t, err)

	admin, err := f.api.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: aws.String(f.pool), Username: aws.String("finn")})
	require.NoError(t, err)
	require.Len(t, admin.Devices, 1)
	_, err = f.api.AdminGetDevice(ctx, &cip.AdminGetDeviceInput{UserPoolId: aws.String(f.pool), Username: aws.String("finn"), DeviceKey: aws.String(key)})
	require.NoError(t, err)
	_, err = f.api.AdminUpdateDeviceStatus(ctx, &cip.AdminUpdateDeviceStatusInput{UserPoolId: aws.String(f.pool), Username: aws.String("finn"),
		DeviceKey: aws.String(key), DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered})
	require.NoError(t, err)
	_, err = f.api.ForgetDevice(ctx, &cip.ForgetDeviceInput{AccessToken: aws.String(access), DeviceKey: aws.String(key)})
	require.NoError(t, err)
	_, err = f.api.AdminGetDevice(ctx, &cip.AdminGetDeviceInput{UserPoolId: aws.String(f.pool), Username: aws.String("finn"), DeviceKey: aws.String(key)})
	requireAPIError[*types.ResourceNotFoundException](t, err)
	_, err = f.api.AdminForgetDevice(ctx, &cip.AdminForgetDeviceInput{UserPoolId: aws.String(f.pool), Username: aws.String("finn"), DeviceKey: aws.String(key)})
	requireAPIError[*types.ResourceNotFoundException](t, err)
}

// TestSDKSignatureRefused checks that a client with the wrong secret gets
// the typed exception on IAM-authorized operations only.
func TestSDKSignatureRefused(t *testing.T) {
	f := newSDKFixture(t)
	ctx := f.ctx()
	bad := newSDK(endpointOf(t, f.api), "AKID", "WRONG")
	_, err := bad.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})
	e := requireAPIError[*types.NotAuthorizedException](t, err)
	assert.Equal(t, "The request signature we calculated does not match the signature you provided.", e.ErrorMessage())
	_, err = newSDK(endpointOf(t, f.api), "SOMEONE", "SECRET").AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(f.pool), Username: aws.String("x")})
	requireAPIError[*types.NotAuthorizedException](t, err)

	// Unsigned operations do not care.
	_, err = bad.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(f.public),
		AuthParameters: map[string]string{"USERNAME": "nobody", "PASSWORD": "Passw0rd!"}})
	requireAPIError[*types.UserNotFoundException](t, err)

	// An unknown operation reaches the SDK as a generic API error with our code.
	var api smithy.APIError
	_, err = bad.StartUserImportJob(ctx, &cip.StartUserImportJobInput{UserPoolId: aws.String(f.pool), JobId: aws.String("import-x")})
	require.True(t, errors.As(err, &api))
	assert.Equal(t, "UnknownOperationException", api.ErrorCode())

	var re interface{ HTTPStatusCode() int }
	require.True(t, errors.As(err, &re))
	assert.Equal(t, http.StatusBadRequest, re.HTTPStatusCode())
}

// endpointOf recovers the BaseEndpoint of an SDK client.
func endpointOf(t *testing.T, c *cip.Client) string {
	t.Helper()
	return aws.ToString(c.Options().BaseEndpoint)
}

// retryClosedConnection is the SDK retryer of these tests: it retries once,
// and only a response the client's own transport closed while the body was
// being read ("use of closed network connection", aws-sdk-go-v2 issues #1825
// and #2737), which appeared on loopback under -race once responses grew
// past 4 KiB (DescribeUserPool with its schema). Every other error is
// answered at once, as with RetryMaxAttempts 1, so tests still see each
// refusal and count each attempt.
func retryClosedConnection() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 2
		o.Retryables = []retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
			if strings.Contains(err.Error(), "use of closed network connection") {
				return aws.TrueTernary
			}
			return aws.FalseTernary
		})}
	})
}
