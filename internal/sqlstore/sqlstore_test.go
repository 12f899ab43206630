package sqlstore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/authflow/authflow/internal/sqlstore"
)

func openSQLite(t *testing.T) *sqlstore.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "s.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	d, ok := sqlstore.New(db, sqlstore.SQLite)
	require.True(t, ok)
	return d
}

func TestNewKnowsTwoDialects(t *testing.T) {
	_, ok := sqlstore.New(&sql.DB{}, "mysql")
	assert.False(t, ok)
	pg, ok := sqlstore.New(&sql.DB{}, sqlstore.Postgres)
	require.True(t, ok)
	assert.True(t, pg.Postgres())
	lite, ok := sqlstore.New(&sql.DB{}, sqlstore.SQLite)
	require.True(t, ok)
	assert.False(t, lite.Postgres())
}

func TestRebind(t *testing.T) {
	pg, _ := sqlstore.New(&sql.DB{}, sqlstore.Postgres)
	lite, _ := sqlstore.New(&sql.DB{}, sqlstore.SQLite)
	q := `UPDATE t SET v = ? WHERE k = ? AND n = 'é'`
	assert.Equal(t, `UPDATE t SET v = $1 WHERE k = $2 AND n = 'é'`, pg.Rebind(q))
	assert.Equal(t, q, lite.Rebind(q))
}

var schema = sqlstore.Schema{
	Statements: []string{
		`CREATE TABLE IF NOT EXISTS t_schema (version INTEGER NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`,
	},
	VersionTable: "t_schema",
	Version:      2,
	LockKey:      1,
}

// TestCreateSchemaChecksVersion: the tables are created once, with the
// version recorded; a second creation finds them; a store of an older
// version refuses the database.
func TestCreateSchemaChecksVersion(t *testing.T) {
	ctx := context.Background()
	d := openSQLite(t)
	require.NoError(t, d.CreateSchema(ctx, schema))
	require.NoError(t, d.CreateSchema(ctx, schema))
	var n, v int
	require.NoError(t, d.SQL().QueryRow(`SELECT COUNT(*), MAX(version) FROM t_schema`).Scan(&n, &v))
	assert.Equal(t, [2]int{1, 2}, [2]int{n, v})

	older := schema
	older.Version = 1
	assert.ErrorContains(t, d.CreateSchema(ctx, older), "database schema version 2 is newer than this package's (1)")
}

// TestPreparedStatementsInWrites: prepared and unprepared statements run
// in a write transaction and on the database; a failing write rolls back
// its own rows only.
func TestPreparedStatementsInWrites(t *testing.T) {
	ctx := context.Background()
	d := openSQLite(t)
	require.NoError(t, d.CreateSchema(ctx, schema))
	insert := `INSERT INTO t (k, v) VALUES (?, ?)`
	get := `SELECT v FROM t WHERE k = ?`
	require.NoError(t, d.Prepare(ctx, insert, get, insert))
	t.Cleanup(func() { assert.NoError(t, d.ClosePrepared()) })

	require.NoError(t, d.Write(ctx, func(tx *sql.Tx) error {
		if _, err := d.Exec(ctx, tx, insert, 1, "one"); err != nil {
			return err
		}
		_, err := d.Exec(ctx, tx, `INSERT INTO t (k, v) VALUES (?, ?)`+" ", 2, "two") // not prepared
		return err
	}))
	err := d.Write(ctx, func(tx *sql.Tx) error {
		if _, err := d.Exec(ctx, tx, insert, 3, "three"); err != nil {
			return err
		}
		_, err := d.Exec(ctx, tx, insert, 1, "again") // primary key taken
		return err
	})
	require.Error(t, err)

	var v string
	require.NoError(t, d.QueryRow(ctx, nil, get, 1).Scan(&v))
	assert.Equal(t, "one", v)
	require.NoError(t, d.QueryRow(ctx, nil, get, 2).Scan(&v))
	assert.Equal(t, "two", v)
	assert.ErrorIs(t, d.QueryRow(ctx, nil, get, 3).Scan(&v), sql.ErrNoRows, "the failed write's row is rolled back")

	rows, err := d.Query(ctx, nil, `SELECT k FROM t ORDER BY k`)
	require.NoError(t, err)
	defer rows.Close()
	var ks []int
	for rows.Next() {
		var k int
		require.NoError(t, rows.Scan(&k))
		ks = append(ks, k)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []int{1, 2}, ks)
}

func TestInTxRollsBack(t *testing.T) {
	ctx := context.Background()
	d := openSQLite(t)
	require.NoError(t, d.CreateSchema(ctx, schema))
	err := d.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := d.Exec(ctx, tx, `INSERT INTO t (k, v) VALUES (1, 'x')`); err != nil {
			return err
		}
		return sql.ErrTxDone
	})
	require.ErrorIs(t, err, sql.ErrTxDone)
	var n int
	require.NoError(t, d.QueryRow(ctx, nil, `SELECT COUNT(*) FROM t`).Scan(&n))
	assert.Zero(t, n)
}
