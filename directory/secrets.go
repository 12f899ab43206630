package directory

import (
	"context"
	"fmt"

	"github.com/authflow/authflow/directory/internal/contract"
)

// Secrets: a few named secrets (the decoy and code-hash key, token signing
// keys) that every server process on the same store must share. Memory and
// sqldir.SQL satisfy token.SecretStore.

// Secret returns the secret called name. When there is none and create is
// not nil, it stores the value create returns, atomically: concurrent
// callers all get the value of the first that stored one. When there is
// none and create is nil, it returns (nil, nil). The secret is shared by
// the users of this Memory only (sqldir.SQL shares it through the
// database). Errors never contain the secret.
func (m *Memory) Secret(_ context.Context, name string, create func() ([]byte, error)) ([]byte, error) {
	if err := contract.CheckSecret(name, nil); err != nil {
		return nil, err
	}
	m.secretsMu.Lock()
	defer m.secretsMu.Unlock()
	if v, ok := m.secrets[name]; ok {
		return append([]byte(nil), v...), nil
	}
	if create == nil {
		return nil, nil
	}
	v, err := create()
	if err != nil {
		return nil, fmt.Errorf("directory: creating secret: %w", err)
	}
	if err := contract.CheckSecret(name, v); err != nil {
		return nil, err
	}
	if m.secrets == nil {
		m.secrets = map[string][]byte{}
	}
	m.secrets[name] = append([]byte(nil), v...)
	return append([]byte(nil), v...), nil
}

// PutSecret stores value under name, replacing any value (to persist a
// key rotation).
func (m *Memory) PutSecret(_ context.Context, name string, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	if err := contract.CheckSecret(name, value); err != nil {
		return err
	}
	m.secretsMu.Lock()
	defer m.secretsMu.Unlock()
	if m.secrets == nil {
		m.secrets = map[string][]byte{}
	}
	m.secrets[name] = append([]byte(nil), value...)
	return nil
}
