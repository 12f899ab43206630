package groupcommit

import (
	"context"
	"database/sql"
)

// Stmts holds queries prepared once (database/sql then prepares each once
// per connection), so that hot statements are not parsed again on every
// call: modernc.org/sqlite prepares every unprepared statement anew, which
// the sign-in profile showed at about 6% of the server's CPU. A query it
// was not made with runs unprepared. It is read-only after NewStmts, so
// safe for concurrent use.
type Stmts struct {
	db *sql.DB
	m  map[string]*sql.Stmt
}

// NewStmts prepares queries on db. It must not be called inside a
// transaction of a database limited to one connection.
func NewStmts(ctx context.Context, db *sql.DB, queries ...string) (*Stmts, error) {
	s := &Stmts{db: db, m: make(map[string]*sql.Stmt, len(queries))}
	for _, q := range queries {
		if _, ok := s.m[q]; ok {
			continue
		}
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.m[q] = st
	}
	return s, nil
}

// stmt returns q's prepared statement, bound to tx when tx is not nil, or
// nil when q was not prepared.
func (s *Stmts) stmt(ctx context.Context, tx *sql.Tx, q string) *sql.Stmt {
	st, ok := s.m[q]
	if !ok {
		return nil
	}
	if tx != nil {
		return tx.StmtContext(ctx, st)
	}
	return st
}

// Exec runs q with args in tx (when tx is not nil) or on the database.
func (s *Stmts) Exec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	if st := s.stmt(ctx, tx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	if tx != nil {
		return tx.ExecContext(ctx, q, args...)
	}
	return s.db.ExecContext(ctx, q, args...)
}

// Query runs q with args in tx (when tx is not nil) or on the database.
func (s *Stmts) Query(ctx context.Context, tx *sql.Tx, q string, args ...any) (*sql.Rows, error) {
	if st := s.stmt(ctx, tx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	if tx != nil {
		return tx.QueryContext(ctx, q, args...)
	}
	return s.db.QueryContext(ctx, q, args...)
}

// QueryRow runs q with args in tx (when tx is not nil) or on the database.
func (s *Stmts) QueryRow(ctx context.Context, tx *sql.Tx, q string, args ...any) *sql.Row {
	if st := s.stmt(ctx, tx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	if tx != nil {
		return tx.QueryRowContext(ctx, q, args...)
	}
	return s.db.QueryRowContext(ctx, q, args...)
}

// Close closes the prepared statements.
func (s *Stmts) Close() error {
	var first error
	for _, st := range s.m {
		if err := st.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
