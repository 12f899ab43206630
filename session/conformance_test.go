package session_test

import (
	"context"
	"testing"
	"time"

	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/session/sessiontest"
)

func TestMemoryConformance(t *testing.T) {
	sessiontest.Run(t, func(t *testing.T) (sessiontest.Store, func(time.Duration)) {
		clock := sessiontest.NewClock()
		return session.NewMemory(session.WithClock(clock.Now)), clock.Advance
	})
}

func TestMemoryLimiterConformance(t *testing.T) {
	sessiontest.RunLimiter(t, func(t *testing.T) (sessiontest.Limiter, func(time.Duration)) {
		clock := sessiontest.NewClock()
		return session.NewMemory(session.WithClock(clock.Now)), clock.Advance
	})
}

// blob is about the size of the engine's state after InitiateAuth.
var blob = make([]byte, 256)

func BenchmarkMemorySaveLoadSpend(b *testing.B) {
	sessiontest.BenchSaveLoadSpend(b, session.NewMemory())
}

// BenchmarkMemorySaveLoadSpendParallel runs the same cycle from
// GOMAXPROCS goroutines, to show the cost of the single mutex.
func BenchmarkMemorySaveLoadSpendParallel(b *testing.B) {
	ctx := context.Background()
	m := session.NewMemory()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h, err := m.Save(ctx, blob, 3*time.Minute)
			if err != nil {
				b.Fatal(err)
			}
			if _, ok, _ := m.Load(ctx, h); !ok {
				b.Fatal("Load")
			}
			if ok, _ := m.Spend(ctx, h); !ok {
				b.Fatal("Spend")
			}
		}
	})
}

// BenchmarkMemorySaveWithLiveSessions measures Save into a store that already
// holds 50,000 live sessions (the heap is deep).
func BenchmarkMemorySaveWithLiveSessions(b *testing.B) {
	ctx := context.Background()
	m := session.NewMemory()
	for range 50_000 {
		if _, err := m.Save(ctx, blob, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
	sessiontest.BenchSaveLoadSpend(b, m)
}
