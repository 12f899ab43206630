package directory

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/flow"
)

// benchUser reads a user and writes it back with a version check, as the
// engine does for every sign-in step that changes a user.
func benchUser(b *testing.B, d store) {
	ctx := context.Background()
	const pool = "us-bench-1_pool"
	u := fullUser(pool, "bench")
	require.NoError(b, d.Apply(ctx, flow.Change{Kind: flow.ChangeCreate, User: u}))
	b.ReportAllocs()
	for b.Loop() {
		u, err := d.User(ctx, pool, "bench")
		if err != nil || u == nil {
			b.Fatal(u, err)
		}
		u.FailedAttempts++
		if err := d.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: u.Version}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMemoryUser(b *testing.B) {
	benchUser(b, NewMemory())
}

func BenchmarkSQLiteUser(b *testing.B) {
	b.Run("memory", func(b *testing.B) {
		s, err := OpenSQLite(":memory:")
		require.NoError(b, err)
		defer s.Close()
		benchUser(b, s)
	})
	b.Run("file", func(b *testing.B) {
		s, err := OpenSQLite(filepath.Join(b.TempDir(), "bench.db"))
		require.NoError(b, err)
		defer s.Close()
		benchUser(b, s)
	})
}

func BenchmarkPostgresUser(b *testing.B) {
	benchUser(b, openTestPostgres(b).SQL)
}
