package sqldir

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/authflow/authflow/directory/internal/contract"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/internal/sqlstore"
)

// SQL keeps users, user pools and app clients in a SQLite or PostgreSQL
// database. It implements [flow.Directory] and [flow.Catalog]; see the
// package documentation of directory for the contract. Open one with
// sqlitedir.Open or postgresdir.Open (or [New] on a database you opened)
// and Close it when done.
//
// A SQL is safe for concurrent use, and several SQL values, in one process
// or in several, may share one database: Apply runs in one transaction and
// checks versions in its UPDATE and DELETE statements, so concurrent writers
// never lose an update. Methods honour their context. Errors other than the
// ones of the contract ([flow.ErrConflict], [directory.ErrInvalid], [directory.ErrPoolNotFound])
// come from the database or from a stored record that does not decode; they
// start with "directory: " and wrap the cause.
//
// # Schema
//
// [New] creates the tables, if they do not exist:
//
//	authflow_schema     (version)                         -- schema version, 1
//	authflow_pools      (id, data)                        -- one row per pool
//	authflow_clients    (id, pool_id, data)               -- one row per app client
//	authflow_users      (pool_id, username, version, data) -- one row per user
//	authflow_user_attrs (pool_id, username, name, value_hash, value)
//	authflow_secrets    (name, value)                     -- shared secrets (Secret)
//
// data is the JSON encoding of [flow.Pool], [flow.AppClient] or [flow.User]
// (the user's Version lives in its own column). authflow_user_attrs indexes
// every non-empty attribute of every user, and its sub, for
// UserByAttribute; it is looked up by a hash of the value so that long
// values fit a B-tree index. Keys compare byte by byte (SQLite's BINARY
// collation, PostgreSQL's "C" collation), so listings are in the same order
// as [directory.Memory]'s.
type SQL struct {
	db    *sql.DB
	store *sqlstore.DB // db in its dialect, with the hot statements prepared once
	q     queries
	// The last decoding of each pool and client row (see decodeCache).
	pools   decodeCache[flow.Pool]
	clients decodeCache[flow.AppClient]
	users   decodeCache[flow.User]
}

// queries holds the statements in the placeholder syntax of the database.
type queries struct {
	user, userByAttr, users, usersLimit                        string
	createUser, updateUser, updateUserIf, deleteUser, deleteIf string
	deleteAttrs, deleteAttr, attrs                             string
	pool, pools, putPool, client, clients, putClient           string
	deletePoolAttrs, deletePoolUsers, deletePoolClients        string
	deletePool, deleteClient                                   string
}

// schemaVersion is the version of the tables this package creates and reads.
const schemaVersion = 1

// pgLockKey is the PostgreSQL advisory lock that serialises schema creation.
const pgLockKey = 0x61757468666c6f77 // "authflow"

// Dialects that [New] accepts.
const (
	SQLite   = sqlstore.SQLite   // modernc.org/sqlite, or another SQLite driver
	Postgres = sqlstore.Postgres // for example github.com/jackc/pgx/v5/stdlib
)

// New returns a SQL on db, whose dialect is [SQLite] or [Postgres], and
// creates the tables when they are missing. It registers no database driver
// and opens no connection of its own: the caller opens db with the driver
// it links (packages sqlitedir and postgresdir do that for you). The SQL
// takes ownership of db, which its Close closes; when New fails, db is left
// open.
//
// On SQLite, give db a busy timeout and IMMEDIATE write transactions
// (sqlitedir's settings) when several connections or processes write to the
// file; an in-memory database needs db.SetMaxOpenConns(1).
func New(db *sql.DB, dialect string) (*SQL, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil database", contract.ErrInvalid)
	}
	store, ok := sqlstore.New(db, dialect)
	if !ok {
		return nil, fmt.Errorf("%w: unknown SQL dialect %q", contract.ErrInvalid, dialect)
	}
	s := &SQL{db: db, store: store}
	s.q = queries{
		user: s.rebind(`SELECT version, data FROM authflow_users WHERE pool_id = ? AND username = ?`),
		userByAttr: s.rebind(`SELECT u.username, u.version, u.data
			FROM authflow_user_attrs a
			JOIN authflow_users u ON u.pool_id = a.pool_id AND u.username = a.username
			LEFT JOIN authflow_user_attrs v ON v.pool_id = a.pool_id AND v.username = a.username AND v.name = ? AND v.value = 'true'
			WHERE a.pool_id = ? AND a.name = ? AND a.value_hash = ? AND a.value = ?
			ORDER BY CASE WHEN v.name IS NULL THEN 1 ELSE 0 END, a.username
			LIMIT 1`),
		users:        s.rebind(`SELECT username, version, data FROM authflow_users WHERE pool_id = ? AND username > ? ORDER BY username`),
		usersLimit:   s.rebind(`SELECT username, version, data FROM authflow_users WHERE pool_id = ? AND username > ? ORDER BY username LIMIT ?`),
		createUser:   s.rebind(`INSERT INTO authflow_users (pool_id, username, version, data) VALUES (?, ?, 1, ?) ON CONFLICT (pool_id, username) DO NOTHING`),
		updateUser:   s.rebind(`UPDATE authflow_users SET version = version + 1, data = ? WHERE pool_id = ? AND username = ?`),
		updateUserIf: s.rebind(`UPDATE authflow_users SET version = version + 1, data = ? WHERE pool_id = ? AND username = ? AND version = ?`),
		deleteUser:   s.rebind(`DELETE FROM authflow_users WHERE pool_id = ? AND username = ?`),
		deleteIf:     s.rebind(`DELETE FROM authflow_users WHERE pool_id = ? AND username = ? AND version = ?`),
		deleteAttrs:  s.rebind(`DELETE FROM authflow_user_attrs WHERE pool_id = ? AND username = ?`),
		deleteAttr:   s.rebind(`DELETE FROM authflow_user_attrs WHERE pool_id = ? AND username = ? AND name = ?`),
		attrs:        s.rebind(`SELECT name, value FROM authflow_user_attrs WHERE pool_id = ? AND username = ?`),

		pool:    s.rebind(`SELECT data FROM authflow_pools WHERE id = ?`),
		pools:   s.rebind(`SELECT data FROM authflow_pools ORDER BY id`),
		putPool: s.rebind(`INSERT INTO authflow_pools (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data`),
		client:  s.rebind(`SELECT data FROM authflow_clients WHERE id = ?`),
		clients: s.rebind(`SELECT data FROM authflow_clients WHERE pool_id = ? ORDER BY id`),
		// The WHERE clause also keeps SQLite from reading ON CONFLICT as a join.
		putClient: s.rebind(`INSERT INTO authflow_clients (id, pool_id, data) SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT) WHERE EXISTS (SELECT 1 FROM authflow_pools WHERE id = ?) ON CONFLICT (id) DO UPDATE SET pool_id = excluded.pool_id, data = excluded.data`),

		deletePoolAttrs:   s.rebind(`DELETE FROM authflow_user_attrs WHERE pool_id = ?`),
		deletePoolUsers:   s.rebind(`DELETE FROM authflow_users WHERE pool_id = ?`),
		deletePoolClients: s.rebind(`DELETE FROM authflow_clients WHERE pool_id = ?`),
		deletePool:        s.rebind(`DELETE FROM authflow_pools WHERE id = ?`),
		deleteClient:      s.rebind(`DELETE FROM authflow_clients WHERE id = ?`),
	}
	if err := s.createSchema(context.Background()); err != nil {
		return nil, err
	}
	// The statements of every sign-in, prepared once.
	err := store.Prepare(context.Background(), s.q.user, s.q.pool, s.q.client,
		s.q.createUser, s.q.updateUser, s.q.updateUserIf, s.q.attrs, s.q.deleteAttr)
	if err != nil {
		return nil, wrap("prepare", err)
	}
	return s, nil
}

// createSchema creates the tables that do not exist and checks the schema
// version.
func (s *SQL) createSchema(ctx context.Context) error {
	key := "TEXT"
	if s.store.Postgres() {
		key = `TEXT COLLATE "C"`
	}
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS authflow_schema (version INTEGER NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS authflow_pools (
			id ` + key + ` PRIMARY KEY,
			data TEXT NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS authflow_clients (
			id ` + key + ` PRIMARY KEY,
			pool_id ` + key + ` NOT NULL REFERENCES authflow_pools (id) ON DELETE CASCADE,
			data TEXT NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS authflow_clients_pool ON authflow_clients (pool_id, id)`,
		`CREATE TABLE IF NOT EXISTS authflow_users (
			pool_id ` + key + ` NOT NULL,
			username ` + key + ` NOT NULL,
			version BIGINT NOT NULL,
			data TEXT NOT NULL,
			PRIMARY KEY (pool_id, username))`,
		`CREATE TABLE IF NOT EXISTS authflow_user_attrs (
			pool_id ` + key + ` NOT NULL,
			username ` + key + ` NOT NULL,
			name ` + key + ` NOT NULL,
			value_hash ` + key + ` NOT NULL,
			value TEXT NOT NULL,
			PRIMARY KEY (pool_id, username, name))`,
		`CREATE INDEX IF NOT EXISTS authflow_user_attrs_value ON authflow_user_attrs (pool_id, name, value_hash, username)`,
		secretsTable,
	}
	return wrap("create schema", s.store.CreateSchema(ctx, sqlstore.Schema{
		Statements: stmts, VersionTable: "authflow_schema", Version: schemaVersion, LockKey: pgLockKey,
	}))
}

// rebind turns ? placeholders into the dialect's (see sqlstore.DB.Rebind).
func (s *SQL) rebind(q string) string { return s.store.Rebind(q) }

// Close closes the database. Calls made after Close fail.
func (s *SQL) Close() error {
	_ = s.store.ClosePrepared()
	return s.db.Close()
}

// DB returns the connection pool, to tune it (SetMaxOpenConns, ...) or to
// monitor it (Stats). Writing to the authflow_ tables through it bypasses
// the version checks and the attribute index.
func (s *SQL) DB() *sql.DB { return s.db }

// inTx runs fn in a transaction and commits it, or rolls it back when fn
// fails. Errors other than the documented refusals are wrapped with op.
func (s *SQL) inTx(ctx context.Context, op string, fn func(*sql.Tx) error) error {
	return wrap(op, s.store.InTx(ctx, fn))
}

func wrap(op string, err error) error {
	if err == nil || errors.Is(err, flow.ErrConflict) || errors.Is(err, contract.ErrPoolNotFound) || errors.Is(err, contract.ErrInvalid) {
		return err
	}
	return fmt.Errorf("directory: %s: %w", op, err)
}

// User returns the user, or (nil, nil) when there is none.
func (s *SQL) User(ctx context.Context, poolID, username string) (*flow.User, error) {
	var version int64
	var data []byte
	err := s.store.QueryRow(ctx, nil, s.q.user, poolID, username).Scan(&version, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("get user", err)
	}
	key := poolID + "\x00" + username
	if u := s.users.get(key, data); u != nil {
		c := u.Clone()
		c.Version = uint64(version)
		return c, nil
	}
	u, err := decodeUser(poolID, username, version, data)
	if err != nil {
		return nil, err
	}
	s.users.put(key, data, u.Clone())
	return u, nil
}

// UserByAttribute returns the user of the pool whose attribute name is
// exactly value ("sub" matches User.Sub), or (nil, nil). When several users
// match, it prefers one whose attribute name+"_verified" is "true", then the
// smallest username.
func (s *SQL) UserByAttribute(ctx context.Context, poolID, name, value string) (*flow.User, error) {
	if value == "" {
		return nil, nil
	}
	var username string
	var version int64
	var data []byte
	err := s.db.QueryRowContext(ctx, s.q.userByAttr, name+"_verified", poolID, name, valueHash(value), value).Scan(&username, &version, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("get user by attribute", err)
	}
	return decodeUser(poolID, username, version, data)
}

// Users returns up to limit users of the pool (all of them when limit <= 0)
// whose usernames sort after after, in username order.
func (s *SQL) Users(ctx context.Context, poolID, after string, limit int) ([]*flow.User, error) {
	var rows *sql.Rows
	var err error
	if limit > 0 {
		rows, err = s.db.QueryContext(ctx, s.q.usersLimit, poolID, after, int64(limit))
	} else {
		rows, err = s.db.QueryContext(ctx, s.q.users, poolID, after)
	}
	if err != nil {
		return nil, wrap("list users", err)
	}
	defer rows.Close()
	var out []*flow.User
	for rows.Next() {
		var username string
		var version int64
		var data []byte
		if err := rows.Scan(&username, &version, &data); err != nil {
			return nil, wrap("list users", err)
		}
		u, err := decodeUser(poolID, username, version, data)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("list users", err)
	}
	return out, nil
}

// Apply applies all the changes or none of them, in one transaction; see
// the package documentation. It returns an error wrapping [flow.ErrConflict]
// for a change that does not apply and [directory.ErrInvalid] for a malformed one.
func (s *SQL) Apply(ctx context.Context, changes ...flow.Change) error {
	if err := contract.CheckChanges(changes); err != nil {
		return err
	}
	if len(changes) == 0 {
		return nil
	}
	data := make([]string, len(changes))
	for i, ch := range changes {
		if ch.Kind == flow.ChangeDelete {
			continue
		}
		b, err := encodeUser(ch.User)
		if err != nil {
			return err
		}
		data[i] = b
	}
	err := s.write(ctx, "apply", func(tx *sql.Tx) error {
		for i, ch := range changes {
			u := ch.User
			var res sql.Result
			var err error
			switch {
			case ch.Kind == flow.ChangeCreate:
				res, err = s.store.Exec(ctx, tx, s.q.createUser, u.PoolID, u.Username, data[i])
			case ch.Kind == flow.ChangeUpdate && ch.Version == 0:
				res, err = s.store.Exec(ctx, tx, s.q.updateUser, data[i], u.PoolID, u.Username)
			case ch.Kind == flow.ChangeUpdate:
				res, err = s.store.Exec(ctx, tx, s.q.updateUserIf, data[i], u.PoolID, u.Username, int64(ch.Version))
			case ch.Version == 0:
				res, err = tx.ExecContext(ctx, s.q.deleteUser, u.PoolID, u.Username)
			default:
				res, err = tx.ExecContext(ctx, s.q.deleteIf, u.PoolID, u.Username, int64(ch.Version))
			}
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if n != 1 {
				switch {
				case ch.Kind == flow.ChangeCreate:
					return contract.Conflict(i, ch, "user exists")
				case ch.Version == 0:
					return contract.Conflict(i, ch, "no such user")
				default:
					return contract.Conflict(i, ch, fmt.Sprintf("no such user at version %d", ch.Version))
				}
			}
			switch ch.Kind {
			case flow.ChangeCreate:
				err = s.insertAttrs(ctx, tx, u)
			case flow.ChangeUpdate:
				err = s.updateAttrs(ctx, tx, u)
			default:
				_, err = tx.ExecContext(ctx, s.q.deleteAttrs, u.PoolID, u.Username)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	return err
}

// write runs fn in a write transaction: on SQLite through the database's
// group committer (see sqlstore.DB.Write), on PostgreSQL in a transaction
// of its own. Errors are wrapped as inTx's.
func (s *SQL) write(ctx context.Context, op string, fn func(*sql.Tx) error) error {
	return wrap(op, s.store.Write(ctx, fn))
}

// updateAttrs brings the indexed attributes of u up to date, writing only
// the rows that changed: a sign-in that changes no attribute (the common
// case) reads them and writes nothing.
func (s *SQL) updateAttrs(ctx context.Context, tx *sql.Tx, u *flow.User) error {
	rows, err := s.store.Query(ctx, tx, s.q.attrs, u.PoolID, u.Username)
	if err != nil {
		return err
	}
	old := map[string]string{}
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			rows.Close()
			return err
		}
		old[name] = value
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var changed []string // names whose row goes (changed or removed)
	var add [][2]string
	contract.IndexedAttrs(u, func(name, value string) {
		prev, ok := old[name]
		delete(old, name)
		if ok && prev == value {
			return
		}
		if ok {
			changed = append(changed, name)
		}
		add = append(add, [2]string{name, value})
	})
	for name := range old {
		changed = append(changed, name)
	}
	for _, name := range changed {
		if _, err := s.store.Exec(ctx, tx, s.q.deleteAttr, u.PoolID, u.Username, name); err != nil {
			return err
		}
	}
	if len(add) == 0 {
		return nil
	}
	var q strings.Builder
	args := make([]any, 0, 5*len(add))
	q.WriteString(`INSERT INTO authflow_user_attrs (pool_id, username, name, value_hash, value) VALUES `)
	for i, a := range add {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?)")
		args = append(args, u.PoolID, u.Username, a[0], valueHash(a[1]), a[1])
	}
	_, err = tx.ExecContext(ctx, s.rebind(q.String()), args...)
	return err
}

// insertAttrs indexes the attributes of u in one statement.
func (s *SQL) insertAttrs(ctx context.Context, tx *sql.Tx, u *flow.User) error {
	var q strings.Builder
	var args []any
	q.WriteString(`INSERT INTO authflow_user_attrs (pool_id, username, name, value_hash, value) VALUES `)
	contract.IndexedAttrs(u, func(name, value string) {
		if len(args) > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?)")
		args = append(args, u.PoolID, u.Username, name, valueHash(value), value)
	})
	if len(args) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, s.rebind(q.String()), args...)
	return err
}

// valueHash is the key under which authflow_user_attrs indexes a value.
func valueHash(value string) string {
	h := sha256.Sum256([]byte(value))
	return hex.EncodeToString(h[:16])
}

// encodeUser returns the JSON of u for the data column, without its
// version (which has its own column).
func encodeUser(u *flow.User) (string, error) {
	c := *u
	c.Version = 0
	b, err := json.Marshal(&c)
	if err != nil {
		return "", fmt.Errorf("directory: encode user: %w", err)
	}
	return string(b), nil
}

// decodeUser rebuilds a user from its row.
func decodeUser(poolID, username string, version int64, data []byte) (*flow.User, error) {
	var u flow.User
	if err := json.Unmarshal(data, &u); err != nil {
		return nil, fmt.Errorf("directory: decode user: %w", err)
	}
	u.PoolID, u.Username, u.Version = poolID, username, uint64(version)
	return u.Clone(), nil // Clone turns empty slices into nil, as Memory returns them
}

// Pool returns the pool, or (nil, nil) when there is none.
func (s *SQL) Pool(ctx context.Context, poolID string) (*flow.Pool, error) {
	var data []byte
	err := s.store.QueryRow(ctx, nil, s.q.pool, poolID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("get pool", err)
	}
	if p := s.pools.get(poolID, data); p != nil {
		return contract.ClonePool(p), nil
	}
	var p flow.Pool
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("directory: decode pool: %w", err)
	}
	s.pools.put(poolID, data, &p)
	return contract.ClonePool(&p), nil
}

// Pools returns all pools in pool ID order.
func (s *SQL) Pools(ctx context.Context) ([]*flow.Pool, error) {
	rows, err := s.db.QueryContext(ctx, s.q.pools)
	if err != nil {
		return nil, wrap("list pools", err)
	}
	defer rows.Close()
	var out []*flow.Pool
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, wrap("list pools", err)
		}
		var p flow.Pool
		if err := json.Unmarshal(data, &p); err != nil {
			return nil, fmt.Errorf("directory: decode pool: %w", err)
		}
		out = append(out, contract.ClonePool(&p))
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("list pools", err)
	}
	return out, nil
}

// PutPool creates or replaces the pool p.ID. It returns [directory.ErrInvalid] for a
// nil pool or an empty ID.
func (s *SQL) PutPool(ctx context.Context, p *flow.Pool) error {
	if err := contract.CheckPool(p); err != nil {
		return err
	}
	data, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("directory: encode pool: %w", err)
	}
	_, err = s.db.ExecContext(ctx, s.q.putPool, p.ID, string(data))
	return wrap("put pool", err)
}

// DeletePool deletes the pool, its app clients and its users, in one
// transaction. Deleting a pool that does not exist still deletes users left
// under its ID.
func (s *SQL) DeletePool(ctx context.Context, poolID string) error {
	return s.inTx(ctx, "delete pool", func(tx *sql.Tx) error {
		for _, q := range []string{s.q.deletePoolAttrs, s.q.deletePoolUsers, s.q.deletePoolClients, s.q.deletePool} {
			if _, err := tx.ExecContext(ctx, q, poolID); err != nil {
				return err
			}
		}
		return nil
	})
}

// Client returns the app client, or (nil, nil) when there is none.
func (s *SQL) Client(ctx context.Context, clientID string) (*flow.AppClient, error) {
	var data []byte
	err := s.store.QueryRow(ctx, nil, s.q.client, clientID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("get client", err)
	}
	if c := s.clients.get(clientID, data); c != nil {
		return contract.CloneClient(c), nil
	}
	var c flow.AppClient
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("directory: decode client: %w", err)
	}
	s.clients.put(clientID, data, &c)
	return contract.CloneClient(&c), nil
}

// Clients returns the app clients of the pool in client ID order.
func (s *SQL) Clients(ctx context.Context, poolID string) ([]*flow.AppClient, error) {
	rows, err := s.db.QueryContext(ctx, s.q.clients, poolID)
	if err != nil {
		return nil, wrap("list clients", err)
	}
	defer rows.Close()
	var out []*flow.AppClient
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, wrap("list clients", err)
		}
		var c flow.AppClient
		if err := json.Unmarshal(data, &c); err != nil {
			return nil, fmt.Errorf("directory: decode client: %w", err)
		}
		out = append(out, contract.CloneClient(&c))
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("list clients", err)
	}
	return out, nil
}

// PutClient creates or replaces the app client c.ID. It returns
// [directory.ErrPoolNotFound] when the pool c.PoolID does not exist and [directory.ErrInvalid]
// for a nil client or an empty ID.
func (s *SQL) PutClient(ctx context.Context, c *flow.AppClient) error {
	if err := contract.CheckClient(c); err != nil {
		return err
	}
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("directory: encode client: %w", err)
	}
	res, err := s.db.ExecContext(ctx, s.q.putClient, c.ID, c.PoolID, string(data), c.PoolID)
	if err != nil {
		return wrap("put client", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap("put client", err)
	}
	if n == 0 {
		return contract.ErrPoolNotFound
	}
	return nil
}

// DeleteClient deletes the app client, if it exists.
func (s *SQL) DeleteClient(ctx context.Context, clientID string) error {
	_, err := s.db.ExecContext(ctx, s.q.deleteClient, clientID)
	return wrap("delete client", err)
}

var (
	_ flow.Directory = (*SQL)(nil)
	_ flow.Catalog   = (*SQL)(nil)
)
