package directorytest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/directory"
)

// SecretStore is the shared secrets a store offers beside users
// (token.SecretStore).
type SecretStore interface {
	Secret(ctx context.Context, name string, create func() ([]byte, error)) ([]byte, error)
	PutSecret(ctx context.Context, name string, value []byte) error
}

// RunSecrets checks get-or-create, put and the refusals on a and b, two
// handles on the same store (two processes on one database; the same value
// twice for a store that lives in one process). It uses the secret names
// "decoy", "race", "bin", "empty", "failing" and "x", and needs them unset.
func RunSecrets(t *testing.T, a, b SecretStore) {
	ctx := context.Background()
	v, err := a.Secret(ctx, "decoy", nil)
	require.NoError(t, err)
	assert.Nil(t, v, "no secret, no create: nil")

	v, err = a.Secret(ctx, "decoy", func() ([]byte, error) { return []byte("first"), nil })
	require.NoError(t, err)
	assert.Equal(t, []byte("first"), v)
	v, err = b.Secret(ctx, "decoy", func() ([]byte, error) { return []byte("second"), nil })
	require.NoError(t, err)
	assert.Equal(t, []byte("first"), v, "the first stored value wins, on every handle")

	// Concurrent creators all end up with one value.
	var wg sync.WaitGroup
	got := make([][]byte, 16)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := a
			if i%2 == 1 {
				s = b
			}
			v, err := s.Secret(ctx, "race", func() ([]byte, error) { return []byte(fmt.Sprint("value-", i)), nil })
			assert.NoError(t, err)
			got[i] = v
		}()
	}
	wg.Wait()
	for _, v := range got {
		assert.Equal(t, got[0], v)
	}

	require.NoError(t, a.PutSecret(ctx, "decoy", []byte("rotated")))
	v, err = b.Secret(ctx, "decoy", nil)
	require.NoError(t, err)
	assert.Equal(t, []byte("rotated"), v)

	// Binary values survive.
	bin := []byte{0, 1, 2, 0xff, 0xfe}
	v, err = a.Secret(ctx, "bin", func() ([]byte, error) { return bin, nil })
	require.NoError(t, err)
	assert.Equal(t, bin, v)

	// Refusals change nothing.
	_, err = a.Secret(ctx, "", nil)
	assert.ErrorIs(t, err, directory.ErrInvalid)
	_, err = a.Secret(ctx, "empty", func() ([]byte, error) { return []byte{}, nil })
	assert.ErrorIs(t, err, directory.ErrInvalid)
	boom := errors.New("boom")
	_, err = a.Secret(ctx, "failing", func() ([]byte, error) { return nil, boom })
	assert.ErrorIs(t, err, boom)
	v, err = a.Secret(ctx, "failing", nil)
	require.NoError(t, err)
	assert.Nil(t, v)
	assert.ErrorIs(t, a.PutSecret(ctx, "x", nil), directory.ErrInvalid)
}
