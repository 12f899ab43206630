package flow_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

var ctx = context.Background()

// requireCode asserts err is a *challenge.Error with code and message.
func requireCode(t *testing.T, err error, code challenge.Code, msg string) {
	t.Helper()
	require.Error(t, err)
	var ce *challenge.Error
	require.True(t, errors.As(err, &ce), "not a *challenge.Error: %v", err)
	assert.Equal(t, code, ce.Code, "code of %v", err)
	if msg != "" {
		assert.Equal(t, msg, ce.Message)
	}
}

func TestSRPSignIn(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 1})
	e.AddUser("alice", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "alice@example.com"})
	out, err := e.SRPSignIn(ctx, "alice", "Correct-horse1")
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
	assert.Equal(t, "Bearer", out.AuthenticationResult.TokenType)
	assert.Equal(t, "alice", flowtest.Username(out.AuthenticationResult.AccessToken))
	assert.NotEmpty(t, out.AuthenticationResult.RefreshToken)

	_, err = e.SRPSignIn(ctx, "alice", "wrong-Password1")
	requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")
}

func TestPasswordSignIn(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 2})
	e.AddUser("bob", "Correct-horse1", flow.StatusConfirmed, nil)
	out, err := e.PasswordSignIn(ctx, "bob", "Correct-horse1")
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
	_, err = e.PasswordSignIn(ctx, "bob", "nope")
	requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")
	_, err = e.PasswordSignIn(ctx, "nobody", "nope")
	requireCode(t, err, challenge.ErrUserNotFound, "User does not exist.")
}
