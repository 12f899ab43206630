package userpool_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
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
