package session

import (
	"context"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// benchBlob is about the size of the engine's state after InitiateAuth.
var benchBlob = make([]byte, 256)

// benchSaveLoadSpend measures one session's life: Save, Load, Spend.
func benchSaveLoadSpend(b *testing.B, s store) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		h, err := s.Save(ctx, benchBlob, 3*time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok, err := s.Load(ctx, h); !ok || err != nil {
			b.Fatal("Load", ok, err)
		}
		if ok, err := s.Spend(ctx, h); !ok || err != nil {
			b.Fatal("Spend", ok, err)
		}
	}
}

func BenchmarkMemorySaveLoadSpend(b *testing.B) {
	benchSaveLoadSpend(b, NewMemory())
}

// BenchmarkMemorySaveLoadSpendParallel runs the same cycle from
// GOMAXPROCS goroutines, to show the cost of the single mutex.
func BenchmarkMemorySaveLoadSpendParallel(b *testing.B) {
	ctx := context.Background()
	m := NewMemory()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h, err := m.Save(ctx, benchBlob, 3*time.Minute)
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
	m := NewMemory()
	for range 50_000 {
		if _, err := m.Save(ctx, benchBlob, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
	benchSaveLoadSpend(b, m)
}

func BenchmarkRedisMiniSaveLoadSpend(b *testing.B) {
	mr := miniredis.RunT(b)
	client := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	b.Cleanup(func() { _ = client.Close() })
	benchSaveLoadSpend(b, NewRedis(client, "bench:"))
}

func BenchmarkRedisRealSaveLoadSpend(b *testing.B) {
	client := realRedisClient(b)
	benchSaveLoadSpend(b, NewRedis(client, uniquePrefix(b, client)))
}
