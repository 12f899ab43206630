package postgresdir_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/directory/directorytest"
	"github.com/authflow/authflow/directory/postgresdir"
	"github.com/authflow/authflow/directory/sqldir"
	"github.com/authflow/authflow/internal/pgtest"
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
	dsn := pgtest.DSN(t)
	s, err := postgresdir.Open(dsn)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return testPostgres{s, dsn}
}
