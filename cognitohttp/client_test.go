package cognitohttp_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/srp"
)

func TestClientSignIn(t *testing.T) {
	env, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	env.AddUser("alice", password, flow.StatusConfirmed, nil)
	var svc challenge.Service = cognitohttp.NewClient(srv.URL, nil)
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

	_, err := cognitohttp.NewClient(srv.URL, nil).AdminInitiateAuth(ctx, in)
	assert.ErrorIs(t, err, challenge.ErrNotAuthorized)
	assert.Equal(t, "Missing Authentication Token", challenge.MessageOf(err))

	_, err = cognitohttp.NewClient(srv.URL, nil).WithCredentials("eu-central-1", "AKID", "WRONG", "").AdminInitiateAuth(ctx, in)
	assert.ErrorIs(t, err, challenge.ErrNotAuthorized)

	signed := cognitohttp.NewClient(srv.URL, srv.Client()).WithCredentials("eu-central-1", "AKID", "SECRET", "")
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

func TestClientDecodesErrorShapes(t *testing.T) {
	cases := []struct {
		name        string
		header      string
		status      int
		body        string
		code, msg   string
		internalMsg bool
	}{
		{"body type", "", 400, `{"__type":"NotAuthorizedException","message":"m1"}`, "NotAuthorizedException", "m1", false},
		{"qualified type", "", 400, `{"__type":"com.amazonaws.cognito.identity.idp.model#UserNotFoundException","message":"m2"}`, "UserNotFoundException", "m2", false},
		{"header first", "CodeMismatchException:http://internal.amazon.com/coral/com.amazonaws.cognito.identity.idp.model/", 400, `{"__type":"Other","message":"m3"}`, "CodeMismatchException", "m3", false},
		{"code member", "", 400, `{"code":"ExpiredCodeException","Message":"m4"}`, "ExpiredCodeException", "m4", false},
		{"500", "", 500, `{"__type":"InternalErrorException","message":"m5"}`, "InternalErrorException", "m5", false},
		{"empty body", "", 502, ``, "InternalErrorException", "", true},
		{"html", "", 404, `<html>not found</html>`, "InternalErrorException", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if c.header != "" {
					w.Header().Set("X-Amzn-ErrorType", c.header)
				}
				w.WriteHeader(c.status)
				w.Write([]byte(c.body))
			}))
			defer srv.Close()
			_, err := cognitohttp.NewClient(srv.URL, nil).InitiateAuth(context.Background(), &challenge.InitiateAuthInput{})
			var ce *challenge.Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, challenge.Code(c.code), ce.Code)
			if c.internalMsg {
				assert.Contains(t, ce.Message, "Unexpected HTTP status")
			} else {
				assert.Equal(t, c.msg, ce.Message)
			}
		})
	}
}

func TestClientTransportErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := cognitohttp.NewClient(url, nil).InitiateAuth(context.Background(), &challenge.InitiateAuthInput{})
	var ce *challenge.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, challenge.ErrInternalError, ce.Code)
	assert.NotNil(t, ce.Err, "the cause is kept")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = cognitohttp.NewClient(url, nil).InitiateAuth(ctx, &challenge.InitiateAuthInput{})
	assert.True(t, errors.Is(err, context.Canceled))
	assert.Equal(t, challenge.ErrInternalError, challenge.CodeOf(err))

	assert.Equal(t, "https://cognito-idp.eu-west-1.amazonaws.com/", cognitohttp.RegionEndpoint("eu-west-1"))
}
