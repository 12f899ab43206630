package pgtest_test

import (
	"database/sql"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/internal/pgtest"
)

func TestWithSearchPath(t *testing.T) {
	for dsn, want := range map[string]string{
		"postgres://u@h:5432/db":                  "postgres://u@h:5432/db?search_path=s",
		"postgresql://u@h/db?sslmode=disable":     "postgresql://u@h/db?sslmode=disable&search_path=s",
		"host=h user=u dbname=db sslmode=disable": "host=h user=u dbname=db sslmode=disable search_path=s",
	} {
		assert.Equal(t, want, pgtest.WithSearchPath(dsn, "s"), dsn)
	}
}

// TestDSNSchemasApart: two DSNs of one test see different schemas, each
// empty, and a table made through one is not seen through the other.
func TestDSNSchemasApart(t *testing.T) {
	open := func() *sql.DB {
		db, err := sql.Open("pgx", pgtest.DSN(t))
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	var sa, sb string
	require.NoError(t, a.QueryRow(`SELECT current_schema()`).Scan(&sa))
	require.NoError(t, b.QueryRow(`SELECT current_schema()`).Scan(&sb))
	assert.NotEqual(t, sa, sb)
	assert.Regexp(t, `^authflow_test_[0-9a-f]{12}$`, sa)
	_, err := a.Exec(`CREATE TABLE t (k INTEGER)`)
	require.NoError(t, err)
	_, err = b.Exec(`SELECT * FROM t`)
	assert.Error(t, err, "the table is in a's schema only")
}
