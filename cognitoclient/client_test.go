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
