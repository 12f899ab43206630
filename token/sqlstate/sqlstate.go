// Package sqlstate keeps an Issuer's refresh tokens and revocations in a SQL
// database ([State], a token.RefreshState), SQLite or PostgreSQL through
// database/sql. It registers no driver: open the *sql.DB with the driver
// you link (directory/sqlitedir.OpenDB, directory/postgresdir.OpenDB, or
// the directory's own sqldir.SQL.DB), so a program whose Issuer keeps its
// state in memory (token.MemoryState, the default) links no database.
package sqlstate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/authflow/authflow/internal/sqlstore"
	"github.com/authflow/authflow/token"
	"github.com/authflow/authflow/token/internal/statetime"
)

// State is a token.RefreshState in a SQL database (SQLite or PostgreSQL
// through database/sql), shared by every token.Issuer that uses the same
// database: refresh tokens and revocations survive a restart and are seen
// by every server process. It is safe for concurrent use.
//
// New creates, when missing, the tables
//
//	authflow_token_schema    (version)
//	authflow_token_sessions  (origin, pool_id, client_id, username, sub, auth_time,
//	                          device_key, created, user_generation, revoked, expires)
//	authflow_token_refresh   (hash, origin, expires, keep)
//	authflow_token_users     (pool_id, username, generation, revoked_at, keep)
//
// where times are Unix nanoseconds (BIGINT; the zero time is the smallest
// BIGINT) and hash is the hex SHA-256 of a refresh token. Each method is one
// statement or one transaction that locks the row it reads before it
// writes, so each is atomic on its own, also between processes.
//
// Reads drop entries past their time by the state's clock, as
// token.MemoryState does. Expired rows are deleted lazily: after a write, at
// most once a minute (by the state's clock) or every few thousand writes of
// this State, and on Sweep.
type State struct {
	db  *sqlstore.DB // in its dialect, with the hot statements prepared once
	now func() time.Time
	q   sqlStateQueries

	mu        sync.Mutex
	lastSweep time.Time
	writes    int
}

type sqlStateQueries struct {
	putSession, getSession, revokeSession              string
	putRefresh, getRefresh, lockRefresh, updateRefresh string
	revokeUser, getUser                                string
	sweepSessions, sweepRefresh, sweepUsers            string
}

// sweepEvery is how often (by the state's clock) a State deletes expired
// rows; it also does so every sweepWrites writes (as token.MemoryState).
const (
	sweepEvery  = time.Minute
	sweepWrites = 4096
)

// sqlStateVersion is the version of the tables State creates and reads.
const sqlStateVersion = 1

// sqlStateLockKey is the PostgreSQL advisory lock that serialises the
// creation of State's tables ("authftok").
const sqlStateLockKey = 0x61757468_66746f6b

// New returns a State on db, whose dialect is "sqlite" (modernc.org/sqlite,
// or another SQLite driver) or "postgres" (for example
// github.com/jackc/pgx/v5/stdlib), and creates its tables when they
// are missing. Its clock is time.Now; see WithClock. The caller keeps
// ownership of db.
//
// On SQLite, give db a busy timeout (the _pragma=busy_timeout(10000) DSN
// parameter of modernc.org/sqlite) when several connections or processes
// write to the file; an in-memory database needs db.SetMaxOpenConns(1).
func New(db *sql.DB, dialect string) (*State, error) {
	if db == nil {
		return nil, errors.New("token/sqlstate: New with a nil database")
	}
	store, ok := sqlstore.New(db, dialect)
	if !ok {
		return nil, fmt.Errorf("token/sqlstate: New: unknown dialect %q (want sqlite or postgres)", dialect)
	}
	s := &State{db: store, now: time.Now}
	s.q = sqlStateQueries{
		// An existing session only gets a later expires.
		putSession: s.rebind(`INSERT INTO authflow_token_sessions
			(origin, pool_id, client_id, username, sub, auth_time, device_key, created, user_generation, revoked, expires)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (origin) DO UPDATE SET expires = excluded.expires
			WHERE authflow_token_sessions.expires < excluded.expires`),
		getSession: s.rebind(`SELECT pool_id, client_id, username, sub, auth_time, device_key, created, user_generation, revoked, expires
			FROM authflow_token_sessions WHERE origin = ?`),
		revokeSession: s.rebind(`UPDATE authflow_token_sessions SET revoked = 1 WHERE origin = ?`),
		putRefresh: s.rebind(`INSERT INTO authflow_token_refresh (hash, origin, expires, keep) VALUES (?, ?, ?, ?)
			ON CONFLICT (hash) DO UPDATE SET origin = excluded.origin, expires = excluded.expires, keep = excluded.keep`),
		getRefresh: s.rebind(`SELECT origin, expires, keep FROM authflow_token_refresh WHERE hash = ?`),
		// lockRefresh takes the row's write lock before it is read (SQLite
		// locks the database for writing; PostgreSQL the row), so two
		// concurrent TouchRefresh calls on one token run one after the other.
		lockRefresh:   s.rebind(`UPDATE authflow_token_refresh SET keep = keep WHERE hash = ?`),
		updateRefresh: s.rebind(`UPDATE authflow_token_refresh SET expires = ?, keep = ? WHERE hash = ?`),
		revokeUser: s.rebind(`INSERT INTO authflow_token_users (pool_id, username, generation, revoked_at, keep) VALUES (?, ?, 1, ?, ?)
			ON CONFLICT (pool_id, username) DO UPDATE SET
			generation = authflow_token_users.generation + 1,
			revoked_at = CASE WHEN excluded.revoked_at > authflow_token_users.revoked_at THEN excluded.revoked_at ELSE authflow_token_users.revoked_at END,
			keep = CASE WHEN excluded.keep > authflow_token_users.keep THEN excluded.keep ELSE authflow_token_users.keep END`),
		getUser:       s.rebind(`SELECT generation, revoked_at, keep FROM authflow_token_users WHERE pool_id = ? AND username = ?`),
		sweepSessions: s.rebind(`DELETE FROM authflow_token_sessions WHERE expires <= ?`),
		sweepRefresh:  s.rebind(`DELETE FROM authflow_token_refresh WHERE keep <= ?`),
		sweepUsers:    s.rebind(`DELETE FROM authflow_token_users WHERE keep <= ?`),
	}
	if err := s.createSchema(context.Background()); err != nil {
		return nil, fmt.Errorf("token/sqlstate: schema: %w", err)
	}
	// The statements of every sign-in and refresh, prepared once.
	err := store.Prepare(context.Background(), s.q.putSession, s.q.getSession, s.q.putRefresh,
		s.q.getRefresh, s.q.lockRefresh, s.q.updateRefresh, s.q.getUser)
	if err != nil {
		return nil, fmt.Errorf("token/sqlstate: prepare: %w", err)
	}
	return s, nil
}

// WithClock makes the state decide expiry (reads and deletion of expired
// rows) on now instead of time.Now, and returns the state. Pass the
// Issuer's clock (token.Config.Now) when it is not time.Now. Call it
// before the state is used.
func (s *State) WithClock(now func() time.Time) *State {
	if now == nil {
		now = time.Now
	}
	s.now = now
	return s
}

// rebind turns ? placeholders into the dialect's (see sqlstore.DB.Rebind).
func (s *State) rebind(q string) string { return s.db.Rebind(q) }

func (s *State) createSchema(ctx context.Context) error {
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS authflow_token_schema (version INTEGER NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS authflow_token_sessions (
			origin TEXT PRIMARY KEY,
			pool_id TEXT NOT NULL,
			client_id TEXT NOT NULL,
			username TEXT NOT NULL,
			sub TEXT NOT NULL,
			auth_time BIGINT NOT NULL,
			device_key TEXT NOT NULL,
			created BIGINT NOT NULL,
			user_generation BIGINT NOT NULL,
			revoked INTEGER NOT NULL,
			expires BIGINT NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS authflow_token_sessions_expires ON authflow_token_sessions (expires)`,
		`CREATE TABLE IF NOT EXISTS authflow_token_refresh (
			hash TEXT PRIMARY KEY,
			origin TEXT NOT NULL,
			expires BIGINT NOT NULL,
			keep BIGINT NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS authflow_token_refresh_keep ON authflow_token_refresh (keep)`,
		`CREATE TABLE IF NOT EXISTS authflow_token_users (
			pool_id TEXT NOT NULL,
			username TEXT NOT NULL,
			generation BIGINT NOT NULL,
			revoked_at BIGINT NOT NULL,
			keep BIGINT NOT NULL,
			PRIMARY KEY (pool_id, username))`,
		`CREATE INDEX IF NOT EXISTS authflow_token_users_keep ON authflow_token_users (keep)`,
	}
	return s.db.CreateSchema(ctx, sqlstore.Schema{
		Statements: stmts, VersionTable: "authflow_token_schema", Version: sqlStateVersion, LockKey: sqlStateLockKey,
	})
}

// exec runs one write statement: on SQLite in a group-committed write
// transaction (sqlstore.DB.Write, shared with a sqldir directory on the
// same *sql.DB), on PostgreSQL on its own (it autocommits).
func (s *State) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if s.db.Postgres() {
		return s.db.Exec(ctx, nil, q, args...)
	}
	var res sql.Result
	err := s.db.Write(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = s.db.Exec(ctx, tx, q, args...)
		return err
	})
	return res, err
}

// FailsClosed implements token.FailClosedState: State keeps each session
// until its last token expires, so a missing session means deleted rows.
func (s *State) FailsClosed() bool { return true }

func sqlErr(op string, err error) error {
	return fmt.Errorf("token: sql %s: %w", op, err)
}

// PutSession implements token.RefreshState.
func (s *State) PutSession(ctx context.Context, ss token.Session) error {
	args, err := sessionArgs(ss)
	if err != nil {
		return sqlErr("put session", err)
	}
	if _, err := s.exec(ctx, s.q.putSession, args...); err != nil {
		return sqlErr("put session", err)
	}
	s.wrote(ctx)
	return nil
}

func sessionArgs(ss token.Session) ([]any, error) {
	if ss.UserGeneration > math.MaxInt64 {
		return nil, errors.New("user generation out of range")
	}
	revoked := 0
	if ss.Revoked {
		revoked = 1
	}
	return []any{ss.Origin, ss.PoolID, ss.ClientID, ss.Username, ss.Sub, statetime.Nanos(ss.AuthTime), ss.DeviceKey,
		statetime.Nanos(ss.Created), int64(ss.UserGeneration), revoked, statetime.Nanos(ss.Expires)}, nil
}

func refreshArgs(h token.TokenHash, r token.RefreshRecord) []any {
	if r.Keep.Before(r.Expires) {
		r.Keep = r.Expires
	}
	return []any{h.String(), r.Origin, statetime.Nanos(r.Expires), statetime.Nanos(r.Keep)}
}

// PutSessionRefresh stores a session and a new refresh token of it in one
// transaction, so a sign-in waits for one commit instead of two. It
// implements token.SessionRefreshPutter.
func (s *State) PutSessionRefresh(ctx context.Context, ss token.Session, h token.TokenHash, r token.RefreshRecord) error {
	args, err := sessionArgs(ss)
	if err != nil {
		return sqlErr("put session", err)
	}
	err = s.db.Write(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.Exec(ctx, tx, s.q.putSession, args...); err != nil {
			return err
		}
		_, err := s.db.Exec(ctx, tx, s.q.putRefresh, refreshArgs(h, r)...)
		return err
	})
	if err != nil {
		return sqlErr("put session and refresh token", err)
	}
	s.wrote(ctx)
	return nil
}

// GetSession implements token.RefreshState.
func (s *State) GetSession(ctx context.Context, origin string) (*token.Session, error) {
	ss := token.Session{}
	ss.Origin = origin
	var auth, created, gen, expires int64
	var revoked int
	err := s.db.QueryRow(ctx, nil, s.q.getSession, origin).Scan(&ss.PoolID, &ss.ClientID, &ss.Username, &ss.Sub,
		&auth, &ss.DeviceKey, &created, &gen, &revoked, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, sqlErr("get session", err)
	}
	ss.AuthTime, ss.Created, ss.Expires = statetime.FromNanos(auth), statetime.FromNanos(created), statetime.FromNanos(expires)
	ss.UserGeneration = uint64(gen)
	ss.Revoked = revoked != 0
	if !s.now().Before(ss.Expires) {
		return nil, nil
	}
	return &ss, nil
}

// RevokeSession implements token.RefreshState.
func (s *State) RevokeSession(ctx context.Context, origin string) error {
	if _, err := s.exec(ctx, s.q.revokeSession, origin); err != nil {
		return sqlErr("revoke session", err)
	}
	s.wrote(ctx)
	return nil
}

// PutRefresh implements token.RefreshState.
func (s *State) PutRefresh(ctx context.Context, h token.TokenHash, r token.RefreshRecord) error {
	if _, err := s.exec(ctx, s.q.putRefresh, refreshArgs(h, r)...); err != nil {
		return sqlErr("put refresh token", err)
	}
	s.wrote(ctx)
	return nil
}

// GetRefresh implements token.RefreshState.
func (s *State) GetRefresh(ctx context.Context, h token.TokenHash) (*token.RefreshRecord, error) {
	var r token.RefreshRecord
	var expires, keep int64
	err := s.db.QueryRow(ctx, nil, s.q.getRefresh, h.String()).Scan(&r.Origin, &expires, &keep)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, sqlErr("get refresh token", err)
	}
	r.Expires, r.Keep = statetime.FromNanos(expires), statetime.FromNanos(keep)
	if !s.now().Before(r.Keep) {
		return nil, nil
	}
	return &r, nil
}

// TouchRefresh implements token.RefreshState.
func (s *State) TouchRefresh(ctx context.Context, h token.TokenHash, expireBy, keepUntil time.Time) (time.Time, error) {
	var prev time.Time
	key := h.String()
	err := s.db.Write(ctx, func(tx *sql.Tx) error {
		res, err := s.db.Exec(ctx, tx, s.q.lockRefresh, key)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // unknown: prev stays zero
		}
		var expires, keep int64
		if err := s.db.QueryRow(ctx, tx, s.q.getRefresh, key).Scan(new(string), &expires, &keep); err != nil {
			return err
		}
		prev = statetime.FromNanos(expires)
		newExpires, newKeep := expires, keep
		if !expireBy.IsZero() && statetime.Nanos(expireBy) < expires {
			newExpires = statetime.Nanos(expireBy)
		}
		if k := statetime.Nanos(keepUntil); k > keep {
			newKeep = k
		}
		if newExpires == expires && newKeep == keep {
			return nil
		}
		_, err = s.db.Exec(ctx, tx, s.q.updateRefresh, newExpires, newKeep, key)
		return err
	})
	if err != nil {
		return time.Time{}, sqlErr("touch refresh token", err)
	}
	s.wrote(ctx)
	return prev, nil
}

// RevokeUser implements token.RefreshState.
func (s *State) RevokeUser(ctx context.Context, poolID, username string, at, keep time.Time) error {
	if _, err := s.exec(ctx, s.q.revokeUser, poolID, username, statetime.Nanos(at), statetime.Nanos(keep)); err != nil {
		return sqlErr("revoke user", err)
	}
	s.wrote(ctx)
	return nil
}

// GetUserRevocation implements token.RefreshState.
func (s *State) GetUserRevocation(ctx context.Context, poolID, username string) (token.UserRevocation, error) {
	var gen, at, keep int64
	err := s.db.QueryRow(ctx, nil, s.q.getUser, poolID, username).Scan(&gen, &at, &keep)
	if errors.Is(err, sql.ErrNoRows) {
		return token.UserRevocation{}, nil
	}
	if err != nil {
		return token.UserRevocation{}, sqlErr("get user revocation", err)
	}
	return token.UserRevocation{Generation: uint64(gen), At: statetime.FromNanos(at), Keep: statetime.FromNanos(keep)}, nil
}

// Sweep deletes every expired row now (by the state's clock). Writes do so
// on their own from time to time; calling it is only useful to reclaim
// space at a chosen moment.
func (s *State) Sweep(ctx context.Context) error {
	now := s.now()
	s.mu.Lock()
	s.writes = 0
	s.lastSweep = now
	s.mu.Unlock()
	return s.sweep(ctx, now)
}

func (s *State) sweep(ctx context.Context, now time.Time) error {
	n := statetime.Nanos(now)
	for _, q := range []string{s.q.sweepSessions, s.q.sweepRefresh, s.q.sweepUsers} {
		if _, err := s.exec(ctx, q, n); err != nil {
			return sqlErr("delete expired entries", err)
		}
	}
	return nil
}

// wrote counts a write and deletes expired rows when due. A failure to
// delete them is not the write's failure: it is left for the next sweep.
func (s *State) wrote(ctx context.Context) {
	now := s.now()
	s.mu.Lock()
	s.writes++
	due := s.writes >= sweepWrites || now.Sub(s.lastSweep) >= sweepEvery || now.Before(s.lastSweep)
	if due {
		s.writes = 0
		s.lastSweep = now
	}
	s.mu.Unlock()
	if due {
		_ = s.sweep(ctx, now)
	}
}

var (
	_ token.FailClosedState      = (*State)(nil)
	_ token.SessionRefreshPutter = (*State)(nil)
)
