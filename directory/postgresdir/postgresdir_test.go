package postgresdir_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/directory/directorytest"
	"github.com/authflow/authflow/directory/postgresdir"
	"github.com/authflow/authflow/directory/sqldir"
)

// TestPostgres runs the suite against the PostgreSQL database that
// AUTHFLOW_POSTGRES_DSN names, in a fresh schema dropped afterwards.
func TestPostgres(t *testing.T) {
	s := openTestPostgres(t)
	directorytest.Run(t, s)

	// Opening again (another process, say) finds the schema in place.
	s2, err := postgresdir.Open(s.dsn)
	require.NoError(t, err)
	defer s2.Close()
	u, err := s2.User(context.Background(), "us-test-1_roundtrip", "ana")
	require.NoError(t, err)
	assert.NotNil(t, u)
}

func TestSecretsPostgres(t *testing.T) {
	a := openTestPostgres(t)
	b, err := postgresdir.Open(a.dsn)
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	directorytest.RunSecrets(t, a.SQL, b)
}

func BenchmarkPostgresUser(b *testing.B) {
	directorytest.BenchUser(b, openTestPostgres(b).SQL)
}

type testPostgres struct {
	*sqldir.SQL
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
	s, err := postgresdir.Open(dsn)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return testPostgres{s, dsn}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}
