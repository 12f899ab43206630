// Package postgresdir opens a [sqldir.SQL] on PostgreSQL through
// github.com/jackc/pgx/v5. It is the only package of authflow that links
// the PostgreSQL driver: a program that does not import it (or another
// package that does) carries no pgx.
package postgresdir

import (
	"database/sql"
	"fmt"

	"github.com/authflow/authflow/directory/sqldir"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// Open connects to the PostgreSQL database named by dsn (a URL such as
// "postgres://user@host:5432/db?sslmode=verify-full" or a keyword/value
// string, as github.com/jackc/pgx/v5 accepts; search_path selects the
// schema) and creates the tables of [sqldir.SQL]. Schema creation is
// serialised with an advisory lock, so several processes may open the same
// database at once.
func Open(dsn string) (*sqldir.SQL, error) {
	db, err := OpenDB(dsn)
	if err != nil {
		return nil, err
	}
	s, err := sqldir.New(db, sqldir.Postgres)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// MaxConns is the most connections the handle opens to the server (and
// keeps open when idle); with several nodes on one server, keep their sum
// under its max_connections (100 by default).
const MaxConns = 24

// OpenDB opens the database/sql handle that [Open] uses, for a store that
// takes a *sql.DB (token/sqlstate, say) when no directory shares it. The
// caller closes it.
func OpenDB(dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("directory: open PostgreSQL: %w", err)
	}
	// database/sql keeps 2 idle connections by default: under concurrent
	// sign-ins every other statement would open (and authenticate) a new
	// connection and close it again. Keep a bounded pool open instead;
	// pgx prepares and caches each statement once per connection.
	db.SetMaxOpenConns(MaxConns)
	db.SetMaxIdleConns(MaxConns)
	return db, nil
}
