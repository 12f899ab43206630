package sqlstate_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/internal/pgtest"
	"github.com/authflow/authflow/token"
	"github.com/authflow/authflow/token/sqlstate"
	"github.com/authflow/authflow/token/statetest"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // the "sqlite" database/sql driver
)

func TestSQLiteMemoryConformance(t *testing.T) {
	statetest.Run(t, newSQLiteMemoryStore)
}
func TestSQLiteFileConformance(t *testing.T) { statetest.Run(t, newSQLiteFileStore) }
func TestPostgresConformance(t *testing.T)   { statetest.Run(t, newPostgresStore) }

func newSQLiteMemoryStore(t *testing.T) statetest.Store {
	db, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	db.SetMaxOpenConns(1) // every connection to ":memory:" is another database
	t.Cleanup(func() { db.Close() })
	return func(now func() time.Time) token.RefreshState {
		s, err := sqlstate.New(db, "sqlite")
		require.NoError(t, err)
		return s.WithClock(now)
	}
}

// newSQLiteFileStore opens each state on its own pool of connections to
// one file, without _txlock=immediate: transactions start deferred.
func newSQLiteFileStore(t *testing.T) statetest.Store {
	path := filepath.Join(t.TempDir(), "tokens.db")
	return func(now func() time.Time) token.RefreshState {
		db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		s, err := sqlstate.New(db, "sqlite")
		require.NoError(t, err)
		return s.WithClock(now)
	}
}

// newPostgresStore uses a fresh schema of the database AUTHFLOW_POSTGRES_DSN
// names, dropped afterwards; each state has its own pool of connections.
func newPostgresStore(t *testing.T) statetest.Store {
	dsn := pgtest.DSN(t)
	return func(now func() time.Time) token.RefreshState {
		db, err := sql.Open("pgx", dsn)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		s, err := sqlstate.New(db, "postgres")
		require.NoError(t, err)
		return s.WithClock(now)
	}
}

func TestNewRefusesUnknownDialect(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	defer db.Close()
	_, err = sqlstate.New(db, "mysql")
	require.ErrorContains(t, err, "mysql")
	_, err = sqlstate.New(nil, "sqlite")
	require.Error(t, err)
}

func TestSQLiteDeletesExpiredRows(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	testDeletesExpiredRows(t, db, "sqlite")
}

func TestPostgresDeletesExpiredRows(t *testing.T) {
	db, err := sql.Open("pgx", pgtest.DSN(t))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	testDeletesExpiredRows(t, db, "postgres")
}

// testDeletesExpiredRows is TestMemoryStateReclaimsExpiredEntries
// for State: rows go once they expire, on Sweep or on a write a minute
// after the last sweep, and not before.
func testDeletesExpiredRows(t *testing.T, db *sql.DB, dialect string) {
	c := statetest.NewClock()
	ctx := context.Background()
	m, err := sqlstate.New(db, dialect)
	require.NoError(t, err)
	m.WithClock(c.Now)
	iss, err := token.New(token.Config{Keys: statetest.Keys(t), Now: c.Now, Rand: rand.Reader, State: m})
	require.NoError(t, err)
	rows := func() [3]int {
		var n [3]int
		for i, table := range []string{"authflow_token_sessions", "authflow_token_refresh", "authflow_token_users"} {
			require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM `+table).Scan(&n[i]))
		}
		return n
	}

	g := statetest.Grant("alice")
	g.RefreshValidity = 2 * time.Hour
	res, err := iss.Issue(ctx, g)
	require.NoError(t, err)
	require.NoError(t, iss.RevokeUser(ctx, statetest.Pool, "bob"))
	require.Equal(t, [3]int{1, 1, 1}, rows())

	c.Advance(2*time.Hour - time.Second)
	require.NoError(t, m.Sweep(ctx))
	require.Equal(t, [3]int{1, 1, 1}, rows())
	_, err = iss.Refresh(ctx, statetest.Client, res.RefreshToken)
	require.NoError(t, err)

	c.Advance(time.Second)
	_, err = iss.Refresh(ctx, statetest.Client, res.RefreshToken)
	statetest.RequireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken)
	c.Advance(time.Minute)
	require.NoError(t, iss.RevokeUser(ctx, statetest.Pool, "carol")) // a write a minute after the last sweep sweeps
	require.Equal(t, [3]int{0, 0, 2}, rows())

	c.Advance(token.MaxValidity + 25*time.Hour)
	require.NoError(t, m.Sweep(ctx))
	require.Equal(t, [3]int{0, 0, 0}, rows())

	// Another State on the database finds the tables in place.
	_, err = sqlstate.New(db, dialect)
	require.NoError(t, err)
}

func TestErrors(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	db.SetMaxOpenConns(1)
	s, err := sqlstate.New(db, "sqlite")
	require.NoError(t, err)
	require.NoError(t, db.Close())
	statetest.RunFailures(t, s)
}

// emptyTokenTables deletes every row of State's data tables.
func emptyTokenTables(t *testing.T, db *sql.DB) func() {
	return func() {
		for _, n := range []string{"authflow_token_sessions", "authflow_token_refresh", "authflow_token_users"} {
			_, err := db.Exec(`DELETE FROM ` + n)
			require.NoError(t, err)
		}
	}
}

func TestAttackRevocationSurvivesLossSQLite(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "tokens.db")+"?_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	statetest.RunLoss(t, func(now func() time.Time) token.RefreshState {
		s, err := sqlstate.New(db, "sqlite")
		require.NoError(t, err)
		return s.WithClock(now)
	}, emptyTokenTables(t, db))
}

func TestAttackRevocationSurvivesLossPostgres(t *testing.T) {
	db, err := sql.Open("pgx", pgtest.DSN(t))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	statetest.RunLoss(t, func(now func() time.Time) token.RefreshState {
		s, err := sqlstate.New(db, "postgres")
		require.NoError(t, err)
		return s.WithClock(now)
	}, emptyTokenTables(t, db))
}
