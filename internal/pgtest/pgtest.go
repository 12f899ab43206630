// Package pgtest gives a test that needs a real PostgreSQL its own empty
// schema of the database that AUTHFLOW_POSTGRES_DSN names, so that tests
// running in parallel (and in several packages at once) never see each
// other's tables. Only tests import it.
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// Env is the environment variable naming the test database: a DSN that
// github.com/jackc/pgx/v5 accepts, URL or keyword/value form.
const Env = "AUTHFLOW_POSTGRES_DSN"

// DSN returns the DSN of Env with the search_path of a new schema, which
// is dropped (with everything in it) when the test ends, or skips the
// test when Env is not set. Register the cleanup that closes the
// connections after calling DSN, so that they are closed first.
func DSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(Env)
	if dsn == "" {
		tb.Skip(Env + " is not set")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		tb.Fatalf("pgtest: open %s: %v", Env, err)
	}
	tb.Cleanup(func() { admin.Close() })
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "authflow_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("pgtest: create schema: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			tb.Errorf("pgtest: drop schema %s: %v", schema, err)
		}
	})
	return WithSearchPath(dsn, schema)
}

// WithSearchPath adds search_path=schema to dsn, a URL
// (postgres://...) or keyword/value DSN.
func WithSearchPath(dsn, schema string) string {
	switch {
	case !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://"):
		return dsn + " search_path=" + schema
	case strings.Contains(dsn, "?"):
		return dsn + "&search_path=" + schema
	default:
		return dsn + "?search_path=" + schema
	}
}
