package sqldir

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/authflow/authflow/directory/internal/contract"
)

// Secrets: a few named secrets (the decoy and code-hash key, token signing
// keys) that every server process on the same database must share. SQL
// satisfies token.SecretStore.

// secretsTable is created with the other tables (see [SQL]); values are
// base64 text, the same in SQLite and PostgreSQL.
const secretsTable = `CREATE TABLE IF NOT EXISTS authflow_secrets (
			name TEXT PRIMARY KEY,
			value TEXT NOT NULL)`

// Secret returns the secret called name. When there is none and create is
// not nil, it stores the value create returns, atomically: of concurrent
// callers, in any process on the same database, all get the value of the
// first that stored one (create may run in several of them; the other
// values are dropped). When there is none and create is nil, it returns
// (nil, nil). Errors never contain the secret.
func (s *SQL) Secret(ctx context.Context, name string, create func() ([]byte, error)) ([]byte, error) {
	if err := contract.CheckSecret(name, nil); err != nil {
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
	if err := contract.CheckSecret(name, nv); err != nil {
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
	if err := contract.CheckSecret(name, value); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO authflow_secrets (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`), name, base64.StdEncoding.EncodeToString(value))
	return wrap("store secret", err)
}
