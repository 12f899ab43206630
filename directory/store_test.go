package directory

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/flow"
)

func TestMemory(t *testing.T) {
	testDirectory(t, NewMemory())
}

func TestSQLiteMemory(t *testing.T) {
	s, err := OpenSQLite(":memory:")
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	testDirectory(t, s)
}

func TestSQLiteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dir #1?.db") // characters that need a URI
	s, err := OpenSQLite(path)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	testDirectory(t, s)

	// The data outlives the handle, and opening again keeps it.
	ctx := context.Background()
	require.NoError(t, s.PutPool(ctx, &flow.Pool{ID: "us-test-1_persist"}))
	create(t, s, newUser("us-test-1_persist", "kept"))
	require.NoError(t, s.Close())
	_, err = os.Stat(path)
	require.NoError(t, err)
	s2, err := OpenSQLite(path)
	require.NoError(t, err)
	t.Cleanup(func() { s2.Close() })
	assert.NotNil(t, get(t, s2, "us-test-1_persist", "kept"))
	p, err := s2.Pool(ctx, "us-test-1_persist")
	require.NoError(t, err)
	assert.NotNil(t, p)

	var mode string
	require.NoError(t, s2.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	assert.Equal(t, "wal", strings.ToLower(mode))
}

func TestSQLiteErrors(t *testing.T) {
	_, err := OpenSQLite("")
	assert.ErrorIs(t, err, ErrInvalid)
	_, err = OpenSQLite(filepath.Join(t.TempDir(), "missing-dir", "x.db"))
	assert.Error(t, err)

	s, err := OpenSQLite(":memory:")
	require.NoError(t, err)
	ctx := context.Background()
	create(t, s, newUser("us-test-1_bad", "ok"))
	_, err = s.db.Exec(`UPDATE authflow_users SET data = 'not json'`)
	require.NoError(t, err)
	_, err = s.User(ctx, "us-test-1_bad", "ok")
	assert.ErrorContains(t, err, "directory: decode user")

	// A newer schema is refused.
	path := filepath.Join(t.TempDir(), "v2.db")
	s2, err := OpenSQLite(path)
	require.NoError(t, err)
	_, err = s2.db.Exec(`UPDATE authflow_schema SET version = 2`)
	require.NoError(t, err)
	require.NoError(t, s2.Close())
	_, err = OpenSQLite(path)
	assert.ErrorContains(t, err, "schema version 2")

	require.NoError(t, s.Close())
	_, err = s.User(ctx, "us-test-1_bad", "ok")
	assert.ErrorContains(t, err, "directory: get user")
	err = s.Apply(ctx, flow.Change{Kind: flow.ChangeCreate, User: newUser("p", "u")})
	assert.Error(t, err)
	assert.NotErrorIs(t, err, flow.ErrConflict)
}

// TestPostgres runs the suite against the PostgreSQL database that
// AUTHFLOW_POSTGRES_DSN names, in a fresh schema dropped afterwards.
func TestPostgres(t *testing.T) {
	s := openTestPostgres(t)
	testDirectory(t, s)

	// Opening again (another process, say) finds the schema in place.
	s2, err := OpenPostgres(s.dsn)
	require.NoError(t, err)
	defer s2.Close()
	assert.NotNil(t, get(t, s2, "us-test-1_roundtrip", "ana"))
}

type testPostgres struct {
	*SQL
	dsn string
}

func openTestPostgres(t testing.TB) testPostgres {
	dsn := os.Getenv("AUTHFLOW_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("AUTHFLOW_POSTGRES_DSN is not set")
	}
	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { admin.Close() })
	schema := "authflow_test_" + hex.EncodeToString(randomBytes(6))
	_, err = admin.Exec(`CREATE SCHEMA ` + schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if strings.Contains(dsn, "?") {
			dsn += "&search_path=" + schema
		} else {
			dsn += "?search_path=" + schema
		}
	} else {
		dsn += " search_path=" + schema
	}
	s, err := OpenPostgres(dsn)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return testPostgres{s, dsn}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}
