package session_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/authflow/authflow/session"
)

// A session's life in a Memory store: saved after InitiateAuth, replaced
// after a wrong answer, spent by the successful one. The clock and the random
// source are fixed here so that the output is the same on every run; in
// production leave them out (time.Now and crypto/rand).
func ExampleMemory() {
	ctx := context.Background()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	store := session.NewMemory(
		session.WithClock(func() time.Time { return now }),
		session.WithRand(rand.NewChaCha8([32]byte{})), // tests only
	)

	h, err := store.Save(ctx, []byte("state after InitiateAuth"), 3*time.Minute)
	if err != nil {
		panic(err)
	}
	fmt.Println("handle:", h)

	blob, ok, _ := store.Load(ctx, h)
	fmt.Printf("load: %q %v\n", blob, ok)

	ok, _ = store.Replace(ctx, h, []byte("one wrong answer"))
	fmt.Println("replace:", ok)

	ok, _ = store.Spend(ctx, h)
	fmt.Println("first spend:", ok)
	ok, _ = store.Spend(ctx, h)
	fmt.Println("second spend:", ok)
	_, ok, _ = store.Load(ctx, h)
	fmt.Println("load after spend:", ok)
	// Output:
	// handle: 2Yd-zm02iqwab0GexifHaxv7H6N8QaEepGrdakjYlHQ
	// load: "state after InitiateAuth" true
	// replace: true
	// first spend: true
	// second spend: false
	// load after spend: false
}

// A session expires when its ttl has elapsed on the store's clock.
func ExampleWithClock() {
	ctx := context.Background()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	store := session.NewMemory(session.WithClock(func() time.Time { return now }))

	h, _ := store.Save(ctx, []byte("state"), 3*time.Minute)
	now = now.Add(3*time.Minute - time.Second)
	_, ok, _ := store.Load(ctx, h)
	fmt.Println("after 2m59s:", ok)
	now = now.Add(time.Second)
	_, ok, _ = store.Load(ctx, h)
	fmt.Println("after 3m:", ok)
	// Output:
	// after 2m59s: true
	// after 3m: false
}
