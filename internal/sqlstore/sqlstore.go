// Package sqlstore is the database/sql plumbing that the SQL stores
// (directory/sqldir and token/sqlstate) share: the two dialects and their
// placeholders, statements prepared once, transactions (writes on SQLite
// through internal/groupcommit), and the creation of a versioned schema.
// What the stores keep, and how they name their errors, stays theirs.
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/authflow/authflow/internal/groupcommit"
)

// Dialects that [New] accepts.
const (
	SQLite   = "sqlite"   // modernc.org/sqlite, or another SQLite driver
	Postgres = "postgres" // for example github.com/jackc/pgx/v5/stdlib
)

// DB is a *sql.DB with its dialect and, once Prepare ran, its prepared
// statements. It is safe for concurrent use after Prepare.
type DB struct {
	db *sql.DB
	pg bool
	// prepared holds, on SQLite, the hot statements prepared once (see
	// Prepare); it is read-only after Prepare.
	prepared map[string]*sql.Stmt
}

// New returns db in dialect ([SQLite] or [Postgres]); it reports false
// for another dialect. db must not be nil.
func New(db *sql.DB, dialect string) (*DB, bool) {
	switch dialect {
	case SQLite:
		return &DB{db: db}, true
	case Postgres:
		return &DB{db: db, pg: true}, true
	}
	return nil, false
}

// SQL returns the database.
func (d *DB) SQL() *sql.DB { return d.db }

// Postgres reports whether the dialect is PostgreSQL.
func (d *DB) Postgres() bool { return d.pg }

// Rebind turns ? placeholders into PostgreSQL's $1, $2, ... on PostgreSQL;
// q must have no ? elsewhere.
func (d *DB) Rebind(q string) string {
	if !d.pg {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Prepare prepares queries once on SQLite, so that hot statements are not
// parsed again on every call (database/sql then prepares each once per
// connection): modernc.org/sqlite prepares every unprepared statement
// anew, which the sign-in profile showed at about 6% of the server's CPU.
// On PostgreSQL it does nothing (pgx caches its statements itself). Call
// it once, before the DB is shared, and not inside a transaction of a
// database limited to one connection.
func (d *DB) Prepare(ctx context.Context, queries ...string) error {
	if d.pg {
		return nil
	}
	m := make(map[string]*sql.Stmt, len(queries))
	for _, q := range queries {
		if _, ok := m[q]; ok {
			continue
		}
		st, err := d.db.PrepareContext(ctx, q)
		if err != nil {
			_ = closeAll(m)
			return err
		}
		m[q] = st
	}
	d.prepared = m
	return nil
}

// ClosePrepared closes the statements Prepare prepared (not the database).
func (d *DB) ClosePrepared() error { return closeAll(d.prepared) }

func closeAll(m map[string]*sql.Stmt) error {
	var first error
	for _, st := range m {
		if err := st.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// stmt returns q's prepared statement, bound to tx when tx is not nil, or
// nil when q was not prepared.
func (d *DB) stmt(ctx context.Context, tx *sql.Tx, q string) *sql.Stmt {
	st, ok := d.prepared[q]
	switch {
	case !ok:
		return nil
	case tx != nil:
		return tx.StmtContext(ctx, st)
	}
	return st
}

// Exec, Query and QueryRow run q with args in tx (or on the database when
// tx is nil), prepared when Prepare was given q.
func (d *DB) Exec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	switch st := d.stmt(ctx, tx, q); {
	case st != nil:
		return st.ExecContext(ctx, args...)
	case tx != nil:
		return tx.ExecContext(ctx, q, args...)
	}
	return d.db.ExecContext(ctx, q, args...)
}

// Query: see Exec.
func (d *DB) Query(ctx context.Context, tx *sql.Tx, q string, args ...any) (*sql.Rows, error) {
	switch st := d.stmt(ctx, tx, q); {
	case st != nil:
		return st.QueryContext(ctx, args...)
	case tx != nil:
		return tx.QueryContext(ctx, q, args...)
	}
	return d.db.QueryContext(ctx, q, args...)
}

// QueryRow: see Exec.
func (d *DB) QueryRow(ctx context.Context, tx *sql.Tx, q string, args ...any) *sql.Row {
	switch st := d.stmt(ctx, tx, q); {
	case st != nil:
		return st.QueryRowContext(ctx, args...)
	case tx != nil:
		return tx.QueryRowContext(ctx, q, args...)
	}
	return d.db.QueryRowContext(ctx, q, args...)
}

// InTx runs fn in a transaction of its own and commits it, or rolls it
// back when fn fails.
func (d *DB) InTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Write runs fn in a write transaction: on SQLite through the database's
// group committer (one queue and one commit for the concurrent writers of
// this process, whichever store they write through; see
// internal/groupcommit), on PostgreSQL in a transaction of its own.
func (d *DB) Write(ctx context.Context, fn func(*sql.Tx) error) error {
	if d.pg {
		return d.InTx(ctx, fn)
	}
	return groupcommit.For(d.db).Do(ctx, func(_ context.Context, tx *sql.Tx) error { return fn(tx) })
}

// Schema is a store's tables and their version.
type Schema struct {
	// Statements create the tables and indexes when they are missing
	// (CREATE ... IF NOT EXISTS), the version table among them.
	Statements []string
	// VersionTable has one column, version; it holds Version once the
	// tables exist.
	VersionTable string
	// Version is the version of the tables the store creates and reads.
	Version int64
	// LockKey is the PostgreSQL advisory lock that serialises the
	// creation (concurrent CREATE TABLE IF NOT EXISTS can fail there).
	LockKey int64
}

// CreateSchema creates the tables of s that are missing, in one
// transaction, records s.Version in a new version table, and fails when
// the database holds a version newer than s.Version.
func (d *DB) CreateSchema(ctx context.Context, s Schema) error {
	return d.InTx(ctx, func(tx *sql.Tx) error {
		if d.pg {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, s.LockKey); err != nil {
				return err
			}
		}
		for _, st := range s.Statements {
			if _, err := tx.ExecContext(ctx, st); err != nil {
				return err
			}
		}
		var v int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM `+s.VersionTable).Scan(&v); err != nil {
			return err
		}
		switch {
		case v == 0:
			_, err := tx.ExecContext(ctx, d.Rebind(`INSERT INTO `+s.VersionTable+` (version) VALUES (?)`), s.Version)
			return err
		case v > s.Version:
			return fmt.Errorf("database schema version %d is newer than this package's (%d)", v, s.Version)
		}
		return nil
	})
}
