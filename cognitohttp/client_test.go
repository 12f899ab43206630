package cognitohttp_test

// The HTTP client transport (package cognitoclient) against the handler.

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/cognitoclient"
	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/srp"
)

func TestClientSignIn(t *testing.T) {
	env, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, nil)
	var svc challenge.Service = cognitoclient.New(srv.URL, nil)
	ctx := context.Background()

	out, err := svc.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth,
		ClientId: flowtest.ClientID, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": password}})
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)

	_, err = svc.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth,
		ClientId: flowtest.ClientID, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "nope"}})
	var ce *challenge.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, challenge.ErrNotAuthorized, ce.Code)
	assert.Equal(t, "Incorrect username or password.", ce.Message)
	assert.ErrorIs(t, err, challenge.ErrNotAuthorized)

	// SRP through the client, computed by the flowtest helpers.
	srpc, err := srp.NewClient(env.ClientRand)
	require.NoError(t, err)
	init, err := svc.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserSRPAuth, ClientId: flowtest.ClientID,
		AuthParameters: map[string]string{"USERNAME": "alice", "SRP_A": srp.HexInt(srpc.A())}})
	require.NoError(t, err)
	require.Equal(t, challenge.PasswordVerifier, init.ChallengeName)
	resp, err := env.PasswordVerifierResponse(srpc, init.ChallengeParameters, password)
	require.NoError(t, err)
	done, err := svc.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.PasswordVerifier,
		ClientId: flowtest.ClientID, Session: init.Session, ChallengeResponses: resp})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)
	assert.NotEmpty(t, done.AuthenticationResult.RefreshToken)
}

func TestClientSigning(t *testing.T) {
	env, srv := setup(t, cognitohttp.Options{Credentials: map[string]string{"AKID": "SECRET"}}, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, nil)
	ctx := context.Background()
	in := &challenge.AdminInitiateAuthInput{AuthFlow: challenge.FlowAdminUserPasswordAuth, ClientId: flowtest.ClientID,
		UserPoolId: flowtest.PoolID, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": password}}

	_, err := cognitoclient.New(srv.URL, nil).AdminInitiateAuth(ctx, in)
	assert.ErrorIs(t, err, challenge.ErrNotAuthorized)
	assert.Equal(t, "Missing Authentication Token", challenge.MessageOf(err))

	_, err = cognitoclient.New(srv.URL, nil).WithCredentials("eu-central-1", "AKID", "WRONG", "").AdminInitiateAuth(ctx, in)
	assert.ErrorIs(t, err, challenge.ErrNotAuthorized)

	signed := cognitoclient.New(srv.URL, srv.Client()).WithCredentials("eu-central-1", "AKID", "SECRET", "")
	out, err := signed.AdminInitiateAuth(ctx, in)
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)

	// Call reaches the other operations; results decode into the caller's type.
	var user challenge.AdminGetUserOutput
	require.NoError(t, signed.Call(ctx, "AdminGetUser", challenge.AdminUserInput{UserPoolId: flowtest.PoolID, Username: "alice"}, &user))
	assert.Equal(t, "alice", user.Username)
	assert.Equal(t, "CONFIRMED", user.UserStatus)
	require.NoError(t, signed.Call(ctx, "AdminDisableUser", challenge.AdminUserInput{UserPoolId: flowtest.PoolID, Username: "alice"}, nil))
	_, err = signed.AdminInitiateAuth(ctx, in)
	assert.ErrorIs(t, err, challenge.ErrNotAuthorized)
	assert.Equal(t, "User is disabled.", challenge.MessageOf(err))

	err = signed.Call(ctx, "NoSuchOperation", struct{}{}, nil)
	assert.Equal(t, challenge.ErrUnknownOperation, challenge.CodeOf(err))
}

// TestSignedOperationsAgree: the client transport signs exactly the
// operations the handler checks signatures of (the transport keeps its own
// list, since it must not link the engine).
func TestSignedOperationsAgree(t *testing.T) {
	ops := cognitohttp.Operations()
	require.NotEmpty(t, ops)
	signed := 0
	for _, name := range ops {
		assert.Equal(t, cognitohttp.RequiresSignature(name), cognitoclient.RequiresSignature(name), name)
		if cognitoclient.RequiresSignature(name) {
			signed++
		}
	}
	assert.Greater(t, signed, 20)
	assert.Equal(t, cognitohttp.ContentType, cognitoclient.ContentType)
	assert.Equal(t, cognitohttp.TargetPrefix, cognitoclient.TargetPrefix)
}
