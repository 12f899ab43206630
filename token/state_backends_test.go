package token_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
)

func TestRedisStateMiniConformance(t *testing.T) { testState(t, newMiniRedisStore) }
func TestRedisStateRealConformance(t *testing.T) { testState(t, newRealRedisStore) }
func TestSQLStateSQLiteMemoryConformance(t *testing.T) {
	testState(t, newSQLiteMemoryStore)
}
func TestSQLStateSQLiteFileConformance(t *testing.T) { testState(t, newSQLiteFileStore) }
func TestSQLStatePostgresConformance(t *testing.T)   { testState(t, newPostgresStore) }

func newMiniRedisStore(t *testing.T) stateStore {
	mr := miniredis.RunT(t)
	return redisStore(t, func() *redis.Client { return redis.NewClient(&redis.Options{Addr: mr.Addr()}) }, "authflow:token:")
}

func newRealRedisStore(t *testing.T) stateStore {
	url := os.Getenv("AUTHFLOW_REDIS_URL")
	if url == "" {
		t.Skip("AUTHFLOW_REDIS_URL is not set")
	}
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	admin := redis.NewClient(opt)
	t.Cleanup(func() { _ = admin.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, admin.Ping(ctx).Err(), "AUTHFLOW_REDIS_URL is set but the server does not answer")
	prefix := "authflow-test:" + randomHex(8) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := admin.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			admin.Del(ctx, iter.Val())
		}
	})
	return redisStore(t, func() *redis.Client { return redis.NewClient(opt) }, prefix)
}

// redisStore opens each state on its own client (as another process would).
func redisStore(t *testing.T, dial func() *redis.Client, prefix string) stateStore {
	return func(now func() time.Time) token.RefreshState {
		client := dial()
		t.Cleanup(func() { _ = client.Close() })
		return token.NewRedisState(client, prefix).WithClock(now)
	}
}

func newSQLiteMemoryStore(t *testing.T) stateStore {
	db, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	db.SetMaxOpenConns(1) // every connection to ":memory:" is another database
	t.Cleanup(func() { db.Close() })
	return func(now func() time.Time) token.RefreshState {
		s, err := token.NewSQLState(db, "sqlite")
		require.NoError(t, err)
		return s.WithClock(now)
	}
}

// newSQLiteFileStore opens each state on its own pool of connections to
// one file, without _txlock=immediate: transactions start deferred.
func newSQLiteFileStore(t *testing.T) stateStore {
	path := filepath.Join(t.TempDir(), "tokens.db")
	return func(now func() time.Time) token.RefreshState {
		db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		s, err := token.NewSQLState(db, "sqlite")
		require.NoError(t, err)
		return s.WithClock(now)
	}
}

// newPostgresStore uses a fresh schema of the database AUTHFLOW_POSTGRES_DSN
// names, dropped afterwards; each state has its own pool of connections.
func newPostgresStore(t *testing.T) stateStore {
	dsn := postgresDSN(t)
	return func(now func() time.Time) token.RefreshState {
		db, err := sql.Open("pgx", dsn)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		s, err := token.NewSQLState(db, "postgres")
		require.NoError(t, err)
		return s.WithClock(now)
	}
}

// postgresDSN returns AUTHFLOW_POSTGRES_DSN with the search_path of a new
// schema that is dropped when the test ends, or skips the test.
func postgresDSN(t *testing.T) string {
	dsn := os.Getenv("AUTHFLOW_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("AUTHFLOW_POSTGRES_DSN is not set")
	}
	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { admin.Close() })
	schema := "authflow_token_test_" + randomHex(6)
	_, err = admin.Exec(`CREATE SCHEMA ` + schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	switch {
	case !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://"):
		return dsn + " search_path=" + schema
	case strings.Contains(dsn, "?"):
		return dsn + "&search_path=" + schema
	default:
		return dsn + "?search_path=" + schema
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func TestNewRedisStateNilClientPanics(t *testing.T) {
	require.Panics(t, func() { token.NewRedisState(nil, "p:") })
}

// TestRedisStateKeysExpire checks the key layout and that every key expires
// when the state may forget it, counted on the state's clock.
func TestRedisStateKeysExpire(t *testing.T) {
	mr := miniredis.RunT(t)
	client := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = client.Close() })
	c := newClock()
	s := token.NewRedisState(client, "p:").WithClock(c.Now)
	ctx := context.Background()

	require.NoError(t, s.PutSession(ctx, token.Session{
		RefreshSession: challenge.RefreshSession{PoolID: testPool, ClientID: testClient, Username: "alice", Origin: "o1"},
		Created:        t0, Expires: t0.Add(time.Hour),
	}))
	h := token.TokenHash{0xab}
	require.NoError(t, s.PutRefresh(ctx, h, token.RefreshRecord{Origin: "o1", Expires: t0.Add(time.Minute), Keep: t0.Add(2 * time.Minute)}))
	require.NoError(t, s.RevokeUser(ctx, testPool, "alice", t0, t0.Add(3*time.Hour)))
	rk := "p:r:" + h.String()
	uk := "p:u:" + "19:" + testPool + ":alice"
	require.ElementsMatch(t, []string{"p:s:o1", rk, uk}, mr.Keys())
	ms := time.Millisecond
	require.Equal(t, time.Hour+ms, mr.TTL("p:s:o1"))
	require.Equal(t, 2*time.Minute+ms, mr.TTL(rk))
	require.Equal(t, 3*time.Hour+ms, mr.TTL(uk))

	// TTLs follow the state's clock and the latest Keep/Expires; a TTL is
	// the time left cut to whole milliseconds, plus one.
	c.Advance(time.Minute)
	_, err := s.TouchRefresh(ctx, h, t0, t0.Add(10*time.Minute+time.Microsecond))
	require.NoError(t, err)
	require.Equal(t, 9*time.Minute+ms, mr.TTL(rk))
	_, err = s.TouchRefresh(ctx, h, time.Time{}, t0.Add(5*time.Minute)) // earlier Keep: TTL unchanged
	require.NoError(t, err)
	require.Equal(t, 9*time.Minute+ms, mr.TTL(rk))
	require.NoError(t, s.PutSession(ctx, token.Session{RefreshSession: challenge.RefreshSession{Origin: "o1"}, Expires: t0.Add(2 * time.Hour)}))
	require.Equal(t, 2*time.Hour-time.Minute+ms, mr.TTL("p:s:o1"))
	require.NoError(t, s.RevokeSession(ctx, "o1"))
	require.Equal(t, 2*time.Hour-time.Minute+ms, mr.TTL("p:s:o1"), "revoking keeps the TTL")
	require.NoError(t, s.RevokeSession(ctx, "gone"))
	require.False(t, mr.Exists("p:s:gone"))

	mr.FastForward(9*time.Minute + ms)
	require.False(t, mr.Exists(rk))
	mr.FastForward(2 * time.Hour)
	require.Equal(t, []string{uk}, mr.Keys())
	mr.FastForward(time.Hour)
	require.Empty(t, mr.Keys())

	// A record written already past its Keep is not stored.
	require.NoError(t, s.PutRefresh(ctx, h, token.RefreshRecord{Origin: "o1", Expires: t0, Keep: t0.Add(time.Minute)}))
	require.Empty(t, mr.Keys())
}

// TestRedisStateErrors checks that Redis failures come back as errors,
// never as unknown entries.
func TestRedisStateErrors(t *testing.T) {
	mr := miniredis.RunT(t)
	client := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1})
	t.Cleanup(func() { _ = client.Close() })
	s := token.NewRedisState(client, "p:")
	ctx := context.Background()
	mr.SetError("ERR injected failure")
	requireStateFails(t, s)

	// The Issuer turns them into InternalErrorException.
	iss, err := token.New(token.Config{Keys: loadKeys(t), State: s})
	require.NoError(t, err)
	_, err = iss.Issue(ctx, grant("alice"))
	requireCode(t, err, challenge.ErrInternalError, "An internal error occurred.")
}

// TestRedisStateMalformedEntry checks that a key that is not what the state
// wrote is an error.
func TestRedisStateMalformedEntry(t *testing.T) {
	mr := miniredis.RunT(t)
	client := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = client.Close() })
	s := token.NewRedisState(client, "p:")
	mr.HSet("p:s:o1", "exp", "soon")
	_, err := s.GetSession(context.Background(), "o1")
	require.Error(t, err)
	mr.Set("p:r:"+(token.TokenHash{}).String(), "a string")
	_, err = s.GetRefresh(context.Background(), token.TokenHash{})
	require.Error(t, err)
}

func requireStateFails(t *testing.T, s token.RefreshState) {
	t.Helper()
	ctx := context.Background()
	_, err := s.GetSession(ctx, "o1")
	require.Error(t, err)
	require.Error(t, s.PutSession(ctx, token.Session{Expires: t0.Add(time.Hour)}))
	require.Error(t, s.RevokeSession(ctx, "o1"))
	require.Error(t, s.PutRefresh(ctx, token.TokenHash{}, token.RefreshRecord{Expires: t0.Add(time.Hour)}))
	_, err = s.GetRefresh(ctx, token.TokenHash{})
	require.Error(t, err)
	_, err = s.TouchRefresh(ctx, token.TokenHash{}, t0, t0)
	require.Error(t, err)
	require.Error(t, s.RevokeUser(ctx, testPool, "alice", t0, t0))
	_, err = s.GetUserRevocation(ctx, testPool, "alice")
	require.Error(t, err)
}

func TestNewSQLStateRefusesUnknownDialect(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	defer db.Close()
	_, err = token.NewSQLState(db, "mysql")
	require.ErrorContains(t, err, "mysql")
	_, err = token.NewSQLState(nil, "sqlite")
	require.Error(t, err)
}

func TestSQLStateSQLiteDeletesExpiredRows(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	testSQLStateDeletesExpiredRows(t, db, "sqlite")
}

func TestSQLStatePostgresDeletesExpiredRows(t *testing.T) {
	db, err := sql.Open("pgx", postgresDSN(t))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	testSQLStateDeletesExpiredRows(t, db, "postgres")
}

// testSQLStateDeletesExpiredRows is TestMemoryStateReclaimsExpiredEntries
// for SQLState: rows go once they expire, on Sweep or on a write a minute
// after the last sweep, and not before.
func testSQLStateDeletesExpiredRows(t *testing.T, db *sql.DB, dialect string) {
	c := newClock()
	ctx := context.Background()
	m, err := token.NewSQLState(db, dialect)
	require.NoError(t, err)
	m.WithClock(c.Now)
	iss, err := token.New(token.Config{Keys: loadKeys(t), Now: c.Now, Rand: seeded(9), State: m})
	require.NoError(t, err)
	rows := func() [3]int {
		var n [3]int
		for i, table := range []string{"authflow_token_sessions", "authflow_token_refresh", "authflow_token_users"} {
			require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM `+table).Scan(&n[i]))
		}
		return n
	}

	g := grant("alice")
	g.RefreshValidity = 2 * time.Hour
	res, err := iss.Issue(ctx, g)
	require.NoError(t, err)
	require.NoError(t, iss.RevokeUser(ctx, testPool, "bob"))
	require.Equal(t, [3]int{1, 1, 1}, rows())

	c.Advance(2*time.Hour - time.Second)
	require.NoError(t, m.Sweep(ctx))
	require.Equal(t, [3]int{1, 1, 1}, rows())
	_, err = iss.Refresh(ctx, testClient, res.RefreshToken)
	require.NoError(t, err)

	c.Advance(time.Second)
	_, err = iss.Refresh(ctx, testClient, res.RefreshToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken)
	c.Advance(time.Minute)
	require.NoError(t, iss.RevokeUser(ctx, testPool, "carol")) // a write a minute after the last sweep sweeps
	require.Equal(t, [3]int{0, 0, 2}, rows())

	c.Advance(token.MaxValidity + 25*time.Hour)
	require.NoError(t, m.Sweep(ctx))
	require.Equal(t, [3]int{0, 0, 0}, rows())

	// Another SQLState on the database finds the tables in place.
	_, err = token.NewSQLState(db, dialect)
	require.NoError(t, err)
}

func TestSQLStateErrors(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	db.SetMaxOpenConns(1)
	s, err := token.NewSQLState(db, "sqlite")
	require.NoError(t, err)
	require.NoError(t, db.Close())
	requireStateFails(t, s)
}
