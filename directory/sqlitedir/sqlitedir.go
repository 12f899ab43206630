// Package sqlitedir opens a [sqldir.SQL] on SQLite through modernc.org/sqlite
// (pure Go, no cgo). It is the only package of authflow that links the
// SQLite driver: a program that does not import it (or another package that
// does) carries no SQLite.
package sqlitedir

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/authflow/authflow/directory/internal/contract"
	"github.com/authflow/authflow/directory/sqldir"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// MaxConns is the most connections a file database's handle opens (and
// keeps open when idle).
const MaxConns = 16

// Open opens (creating it if needed) the SQLite database in the file at
// path, or a private in-memory database when path is ":memory:", and
// creates the tables of [sqldir.SQL]. An empty path fails with an error
// that wraps directory.ErrInvalid.
//
// A file database is put in WAL mode and waits up to 10 seconds for a lock
// held by another connection or process; writes run in IMMEDIATE
// transactions. An in-memory database lives in a single connection, so its
// calls are serialised, and disappears on Close. The file must be on a
// local disk (SQLite's locking does not work over most network file
// systems).
func Open(path string) (*sqldir.SQL, error) {
	db, err := OpenDB(path)
	if err != nil {
		return nil, err
	}
	s, err := sqldir.New(db, sqldir.SQLite)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// OpenDB opens the database/sql handle that [Open] uses, with the same
// settings, for a store that takes a *sql.DB (token/sqlstate, say) when no
// directory shares it. The caller closes it.
func OpenDB(path string) (*sql.DB, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: empty SQLite path", contract.ErrInvalid)
	}
	mem := path == ":memory:"
	params := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate"
	if !mem {
		params += "&_pragma=journal_mode(WAL)"
	}
	dsn := path
	if strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		// Only a URI can carry these characters past the driver's
		// parameter parsing.
		dsn = "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	}
	db, err := sql.Open("sqlite", dsn+"?"+params)
	if err != nil {
		return nil, fmt.Errorf("directory: open SQLite: %w", err)
	}
	if mem {
		// Every connection to ":memory:" is a new, empty database.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	} else {
		// Keep the connections readers open under load: database/sql keeps
		// only 2 idle by default, and a new SQLite connection opens the
		// file and parses the schema again. Writes go through one
		// transaction at a time (sqldir's group commit).
		db.SetMaxOpenConns(MaxConns)
		db.SetMaxIdleConns(MaxConns)
	}
	return db, nil
}
