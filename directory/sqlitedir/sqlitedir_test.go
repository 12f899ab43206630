package sqlitedir_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/directory/directorytest"
	"github.com/authflow/authflow/directory/sqlitedir"
	"github.com/authflow/authflow/flow"
)

func newUser(pool, username string) *flow.User {
	return &flow.User{PoolID: pool, Username: username, Status: flow.StatusConfirmed, Enabled: true}
}

func create(t *testing.T, d flow.Directory, u *flow.User) {
	t.Helper()
	require.NoError(t, d.Apply(context.Background(), flow.Change{Kind: flow.ChangeCreate, User: u}))
}

func TestSQLiteMemory(t *testing.T) {
	s, err := sqlitedir.Open(":memory:")
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	directorytest.Run(t, s)
}

func TestSQLiteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dir #1?.db") // characters that need a URI
	s, err := sqlitedir.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	directorytest.Run(t, s)

	// The data outlives the handle, and opening again keeps it.
	ctx := context.Background()
	require.NoError(t, s.PutPool(ctx, &flow.Pool{ID: "us-test-1_persist"}))
	create(t, s, newUser("us-test-1_persist", "kept"))
	require.NoError(t, s.Close())
	_, err = os.Stat(path)
	require.NoError(t, err)
	s2, err := sqlitedir.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { s2.Close() })
	u, err := s2.User(ctx, "us-test-1_persist", "kept")
	require.NoError(t, err)
	assert.NotNil(t, u)
	p, err := s2.Pool(ctx, "us-test-1_persist")
	require.NoError(t, err)
	assert.NotNil(t, p)

	var mode string
	require.NoError(t, s2.DB().QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	assert.Equal(t, "wal", strings.ToLower(mode))
}

func TestSQLiteErrors(t *testing.T) {
	_, err := sqlitedir.Open("")
	assert.ErrorIs(t, err, directory.ErrInvalid)
	_, err = sqlitedir.Open(filepath.Join(t.TempDir(), "missing-dir", "x.db"))
	assert.Error(t, err)

	s, err := sqlitedir.Open(":memory:")
	require.NoError(t, err)
	ctx := context.Background()
	create(t, s, newUser("us-test-1_bad", "ok"))
	_, err = s.DB().Exec(`UPDATE authflow_users SET data = 'not json'`)
	require.NoError(t, err)
	_, err = s.User(ctx, "us-test-1_bad", "ok")
	assert.ErrorContains(t, err, "directory: decode user")

	// A newer schema is refused.
	path := filepath.Join(t.TempDir(), "v2.db")
	s2, err := sqlitedir.Open(path)
	require.NoError(t, err)
	_, err = s2.DB().Exec(`UPDATE authflow_schema SET version = 2`)
	require.NoError(t, err)
	require.NoError(t, s2.Close())
	_, err = sqlitedir.Open(path)
	assert.ErrorContains(t, err, "schema version 2")

	require.NoError(t, s.Close())
	_, err = s.User(ctx, "us-test-1_bad", "ok")
	assert.ErrorContains(t, err, "directory: get user")
	err = s.Apply(ctx, flow.Change{Kind: flow.ChangeCreate, User: newUser("p", "u")})
	assert.Error(t, err)
	assert.NotErrorIs(t, err, flow.ErrConflict)
}

func TestSecretsSQLiteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.db")
	a, err := sqlitedir.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { a.Close() })
	b, err := sqlitedir.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	directorytest.RunSecrets(t, a, b)
}

func BenchmarkSQLiteUser(b *testing.B) {
	b.Run("memory", func(b *testing.B) {
		s, err := sqlitedir.Open(":memory:")
		require.NoError(b, err)
		defer s.Close()
		directorytest.BenchUser(b, s)
	})
	b.Run("file", func(b *testing.B) {
		s, err := sqlitedir.Open(filepath.Join(b.TempDir(), "bench.db"))
		require.NoError(b, err)
		defer s.Close()
		directorytest.BenchUser(b, s)
	})
}

// TestApplyWritesOnlyChangedAttributes: an update that changes no
// attribute (a sign-in resetting its failure counter) writes no attribute
// row; one that changes an attribute rewrites that row only, and a removed
// attribute loses its row. Triggers log every write to the index table.
func TestApplyWritesOnlyChangedAttributes(t *testing.T) {
	ctx := context.Background()
	s, err := sqlitedir.Open(filepath.Join(t.TempDir(), "a.db"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	db := s.DB()
	for _, q := range []string{
		`CREATE TABLE attr_log (op TEXT, name TEXT)`,
		`CREATE TRIGGER attr_ins AFTER INSERT ON authflow_user_attrs BEGIN INSERT INTO attr_log VALUES ('insert', NEW.name); END`,
		`CREATE TRIGGER attr_del AFTER DELETE ON authflow_user_attrs BEGIN INSERT INTO attr_log VALUES ('delete', OLD.name); END`,
		`CREATE TRIGGER attr_upd AFTER UPDATE ON authflow_user_attrs BEGIN INSERT INTO attr_log VALUES ('update', NEW.name); END`,
	} {
		_, err := db.Exec(q)
		require.NoError(t, err)
	}
	log := func() []string {
		rows, err := db.Query(`SELECT op || ' ' || name FROM attr_log ORDER BY rowid`)
		require.NoError(t, err)
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			out = append(out, s)
		}
		_, err = db.Exec(`DELETE FROM attr_log`)
		require.NoError(t, err)
		return out
	}
	u := newUser("us-east-1_attrs", "ana")
	u.Sub = "sub-ana"
	u.Attributes = map[string]string{"email": "ana@example.com", "name": "Ana"}
	create(t, s, u)
	assert.ElementsMatch(t, []string{"insert email", "insert name", "insert sub"}, log())

	update := func(f func(*flow.User)) {
		t.Helper()
		cur, err := s.User(ctx, "us-east-1_attrs", "ana")
		require.NoError(t, err)
		f(cur)
		require.NoError(t, s.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: cur, Version: cur.Version}))
	}
	update(func(u *flow.User) { u.FailedAttempts = 0; u.LockedUntil = u.LockedUntil.Add(0) })
	assert.Empty(t, log(), "an update without attribute changes writes no attribute row")

	update(func(u *flow.User) { u.Attributes["name"] = "Ana María" })
	assert.Equal(t, []string{"delete name", "insert name"}, log())
	found, err := s.UserByAttribute(ctx, "us-east-1_attrs", "name", "Ana María")
	require.NoError(t, err)
	require.NotNil(t, found)

	update(func(u *flow.User) { delete(u.Attributes, "email") })
	assert.Equal(t, []string{"delete email"}, log())
	found, err = s.UserByAttribute(ctx, "us-east-1_attrs", "email", "ana@example.com")
	require.NoError(t, err)
	assert.Nil(t, found)
}

// TestCatalogReadsAreFreshCopies: pool and client reads (whose decoding
// sqldir remembers per row) hand out copies and see every write.
func TestCatalogReadsAreFreshCopies(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := sqlitedir.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	p := &flow.Pool{ID: "us-east-1_cat", Name: "cat", AliasAttributes: []string{"email"}}
	require.NoError(t, s.PutPool(ctx, p))
	c := &flow.AppClient{ID: "client1", PoolID: p.ID, ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH"}}
	require.NoError(t, s.PutClient(ctx, c))
	for range 2 {
		got, err := s.Client(ctx, "client1")
		require.NoError(t, err)
		require.Equal(t, []string{"ALLOW_USER_SRP_AUTH"}, got.ExplicitAuthFlows)
		got.ExplicitAuthFlows[0] = "mutated"
		gp, err := s.Pool(ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, []string{"email"}, gp.AliasAttributes)
		gp.AliasAttributes[0] = "mutated"
	}
	c.ExplicitAuthFlows = []string{"ALLOW_USER_PASSWORD_AUTH"}
	require.NoError(t, s.PutClient(ctx, c))
	got, err := s.Client(ctx, "client1")
	require.NoError(t, err)
	require.Equal(t, []string{"ALLOW_USER_PASSWORD_AUTH"}, got.ExplicitAuthFlows)
	// A write through another handle on the file (another node) is seen too.
	other, err := sqlitedir.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { other.Close() })
	c.ExplicitAuthFlows = []string{"ALLOW_REFRESH_TOKEN_AUTH"}
	require.NoError(t, other.PutClient(ctx, c))
	got, err = s.Client(ctx, "client1")
	require.NoError(t, err)
	require.Equal(t, []string{"ALLOW_REFRESH_TOKEN_AUTH"}, got.ExplicitAuthFlows)
}
