package lambdatrigger

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
)

type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

// TestAttackOversizedFunctionOutput: an endpoint that answers without end
// is cut at MaxResponseBytes and answered InvalidLambdaResponseException;
// an answer of exactly MaxResponseBytes is whole.
func TestAttackOversizedFunctionOutput(t *testing.T) {
	exact := &closeCounter{Reader: bytes.NewReader(make([]byte, MaxResponseBytes))}
	b, err := io.ReadAll(&limitedBody{ReadCloser: exact, left: MaxResponseBytes})
	require.NoError(t, err)
	assert.Len(t, b, MaxResponseBytes)
	assert.Zero(t, exact.closed)

	over := &closeCounter{Reader: io.MultiReader(bytes.NewReader(make([]byte, MaxResponseBytes)), endless{})}
	body := &limitedBody{ReadCloser: over, left: MaxResponseBytes}
	_, err = io.ReadAll(body)
	require.ErrorIs(t, err, errTooLarge)
	assert.Equal(t, 1, over.closed, "the connection is closed, never reused half-read")
	_, err = body.Read(make([]byte, 8))
	require.ErrorIs(t, err, errTooLarge)

	// The SDK wraps the read error; the trigger answers as for invalid output.
	err = invocationFailure("PreAuthentication", fmt.Errorf("operation error Lambda: Invoke, deserialization failed, %w", errTooLarge))
	var ce *challenge.Error
	require.True(t, errors.As(err, &ce))
	assert.Equal(t, challenge.ErrInvalidLambdaResponse, ce.Code)
	assert.Equal(t, "Invalid lambda function output : Invalid JSON", ce.Message)
}

// endless is an answer that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}
