package directory

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// secretStore is what both implementations offer (token.SecretStore).
type secretStore interface {
	Secret(ctx context.Context, name string, create func() ([]byte, error)) ([]byte, error)
	PutSecret(ctx context.Context, name string, value []byte) error
}

// testSecrets checks get-or-create, put and the refusals on a and b, two
// handles on the same store (two processes on one database).
func testSecrets(t *testing.T, a, b secretStore) {
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
	assert.ErrorIs(t, err, ErrInvalid)
	_, err = a.Secret(ctx, "empty", func() ([]byte, error) { return []byte{}, nil })
	assert.ErrorIs(t, err, ErrInvalid)
	boom := errors.New("boom")
	_, err = a.Secret(ctx, "failing", func() ([]byte, error) { return nil, boom })
	assert.ErrorIs(t, err, boom)
	v, err = a.Secret(ctx, "failing", nil)
	require.NoError(t, err)
	assert.Nil(t, v)
	assert.ErrorIs(t, a.PutSecret(ctx, "x", nil), ErrInvalid)
}

func TestSecretsMemory(t *testing.T) {
	m := NewMemory()
	testSecrets(t, m, m)
}

func TestSecretsSQLiteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.db")
	a, err := OpenSQLite(path)
	require.NoError(t, err)
	t.Cleanup(func() { a.Close() })
	b, err := OpenSQLite(path)
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	testSecrets(t, a, b)
}

func TestSecretsPostgres(t *testing.T) {
	a := openTestPostgres(t)
	b, err := OpenPostgres(a.dsn)
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	testSecrets(t, a.SQL, b)
}
