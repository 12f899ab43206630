package cognitoclient_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/cognitoclient"
)

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
			_, err := cognitoclient.New(srv.URL, nil).InitiateAuth(context.Background(), &challenge.InitiateAuthInput{})
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
	_, err := cognitoclient.New(url, nil).InitiateAuth(context.Background(), &challenge.InitiateAuthInput{})
	var ce *challenge.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, challenge.ErrInternalError, ce.Code)
	assert.NotNil(t, ce.Err, "the cause is kept")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = cognitoclient.New(url, nil).InitiateAuth(ctx, &challenge.InitiateAuthInput{})
	assert.True(t, errors.Is(err, context.Canceled))
	assert.Equal(t, challenge.ErrInternalError, challenge.CodeOf(err))

	assert.Equal(t, "https://cognito-idp.eu-west-1.amazonaws.com/", cognitoclient.RegionEndpoint("eu-west-1"))
}

// TestOperationTargets: each typed method names its operation in
// X-Amz-Target, sends JSON 1.1, and only the IAM-authorized ones are
// signed, with the region and service in the credential scope.
func TestOperationTargets(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.Header.Get("X-Amz-Target")
		got = append(got, target)
		assert.Equal(t, cognitoclient.ContentType, r.Header.Get("Content-Type"))
		auth := r.Header.Get("Authorization")
		if cognitoclient.RequiresSignature(target[len(cognitoclient.TargetPrefix):]) {
			assert.Contains(t, auth, "AWS4-HMAC-SHA256 Credential=AKID/")
			assert.Contains(t, auth, "/eu-central-1/cognito-idp/aws4_request")
			assert.Equal(t, "TOKEN", r.Header.Get("X-Amz-Security-Token"))
		} else {
			assert.Empty(t, auth, target)
		}
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c := cognitoclient.New(srv.URL, nil).WithCredentials("eu-central-1", "AKID", "SECRET", "TOKEN")
	ctx := context.Background()
	calls := []struct {
		op   string
		call func() error
	}{
		{"InitiateAuth", func() error { _, err := c.InitiateAuth(ctx, &challenge.InitiateAuthInput{}); return err }},
		{"AdminInitiateAuth", func() error { _, err := c.AdminInitiateAuth(ctx, &challenge.AdminInitiateAuthInput{}); return err }},
		{"RespondToAuthChallenge", func() error {
			_, err := c.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{})
			return err
		}},
		{"AdminRespondToAuthChallenge", func() error {
			_, err := c.AdminRespondToAuthChallenge(ctx, &challenge.AdminRespondToAuthChallengeInput{})
			return err
		}},
		{"AssociateSoftwareToken", func() error {
			_, err := c.AssociateSoftwareToken(ctx, &challenge.AssociateSoftwareTokenInput{})
			return err
		}},
		{"VerifySoftwareToken", func() error { _, err := c.VerifySoftwareToken(ctx, &challenge.VerifySoftwareTokenInput{}); return err }},
		{"GetTokensFromRefreshToken", func() error {
			_, err := c.GetTokensFromRefreshToken(ctx, &challenge.GetTokensFromRefreshTokenInput{})
			return err
		}},
		{"RevokeToken", func() error { _, err := c.RevokeToken(ctx, &challenge.RevokeTokenInput{}); return err }},
		{"GlobalSignOut", func() error { _, err := c.GlobalSignOut(ctx, &challenge.AccessTokenInput{}); return err }},
		{"GetUser", func() error { _, err := c.GetUser(ctx, &challenge.AccessTokenInput{}); return err }},
		{"ConfirmDevice", func() error { _, err := c.ConfirmDevice(ctx, &challenge.ConfirmDeviceInput{}); return err }},
		{"UpdateDeviceStatus", func() error { _, err := c.UpdateDeviceStatus(ctx, &challenge.DeviceInput{}); return err }},
		{"ForgetDevice", func() error { _, err := c.ForgetDevice(ctx, &challenge.DeviceInput{}); return err }},
		{"ListDevices", func() error { _, err := c.ListDevices(ctx, &challenge.ListDevicesInput{}); return err }},
	}
	var want []string
	for _, call := range calls {
		require.NoError(t, call.call(), call.op)
		want = append(want, cognitoclient.TargetPrefix+call.op)
	}
	assert.Equal(t, want, got)
	assert.True(t, cognitoclient.RequiresSignature("AdminInitiateAuth"))
	assert.False(t, cognitoclient.RequiresSignature("InitiateAuth"))
}
