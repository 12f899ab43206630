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

// OpenDB opens the database/sql handle that [Open] uses, for a store that
// takes a *sql.DB (token/sqlstate, say) when no directory shares it. The
// caller closes it.
func OpenDB(dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("directory: open PostgreSQL: %w", err)
	}
	return db, nil
}
