package directory

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
)

// Secrets: a few named secrets (the decoy and code-hash key, token signing
// keys) that every server process on the same store must share. Both
// implementations satisfy token.SecretStore.

// maxSecretBytes bounds one secret.
const maxSecretBytes = 1 << 20

// secretsTable is created with the other tables (see [SQL]); values are
// base64 text, the same in SQLite and PostgreSQL.
const secretsTable = `CREATE TABLE IF NOT EXISTS authflow_secrets (
			name TEXT PRIMARY KEY,
			value TEXT NOT NULL)`

func checkSecret(name string, value []byte) error {
	if name == "" || len(name) > 200 {
		return fmt.Errorf("%w: secret name must have 1 to 200 bytes", ErrInvalid)
	}
	if value != nil && (len(value) == 0 || len(value) > maxSecretBytes) {
		return fmt.Errorf("%w: secret must have 1 byte to 1 MiB", ErrInvalid)
	}
	return nil
}

// Secret returns the secret called name. When there is none and create is
// not nil, it stores the value create returns, atomically: of concurrent
// callers, in any process on the same database, all get the value of the
// first that stored one (create may run in several of them; the other
// values are dropped). When there is none and create is nil, it returns
// (nil, nil). Errors never contain the secret.
func (s *SQL) Secret(ctx context.Context, name string, create func() ([]byte, error)) ([]byte, error) {
	if err := checkSecret(name, nil); err != nil {
		return nil, err
	}
	v, err := s.readSecret(ctx, name)
	if err != nil || v != nil || create == nil {
		return v, err
	}
	nv, err := create()
	if err != nil {
		return nil, fmt.Errorf("directory: creating secret: %w", err)
	}
	if err := checkSecret(name, nv); err != nil {
		return nil, err
	}
	_, err = s.db.ExecContext(ctx, s.rebind(`INSERT INTO authflow_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`),
		name, base64.StdEncoding.EncodeToString(nv))
	if err != nil {
		return nil, wrap("store secret", err)
	}
	v, err = s.readSecret(ctx, name)
	if err == nil && v == nil {
		return nil, wrap("read secret", errors.New("secret vanished after it was stored"))
	}
	return v, err
}

func (s *SQL) readSecret(ctx context.Context, name string) ([]byte, error) {
	var enc string
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT value FROM authflow_secrets WHERE name = ?`), name).Scan(&enc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("read secret", err)
	}
	v, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, wrap("read secret", errors.New("stored secret is not base64"))
	}
	return v, nil
}

// PutSecret stores value under name, replacing any value (to persist a
// key rotation).
func (s *SQL) PutSecret(ctx context.Context, name string, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	if err := checkSecret(name, value); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO authflow_secrets (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`), name, base64.StdEncoding.EncodeToString(value))
	return wrap("store secret", err)
}

// Secret is [SQL.Secret] in memory: shared by the users of this Memory only.
func (m *Memory) Secret(_ context.Context, name string, create func() ([]byte, error)) ([]byte, error) {
	if err := checkSecret(name, nil); err != nil {
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
	if err := checkSecret(name, v); err != nil {
		return nil, err
	}
	if m.secrets == nil {
		m.secrets = map[string][]byte{}
	}
	m.secrets[name] = append([]byte(nil), v...)
	return append([]byte(nil), v...), nil
}

// PutSecret is [SQL.PutSecret] in memory.
func (m *Memory) PutSecret(_ context.Context, name string, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	if err := checkSecret(name, value); err != nil {
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
