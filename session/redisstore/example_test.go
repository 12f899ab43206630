package redisstore_test

import (
	"context"
	"fmt"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/authflow/authflow/session/redisstore"
)

// A Redis store shared by several server processes. miniredis stands in for
// a real server here.
func ExampleNew() {
	ctx := context.Background()
	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		panic(err)
	}
	defer mr.Close()
	client := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer client.Close()

	nodeA := redisstore.New(client, "authflow:session:")
	nodeB := redisstore.New(client, "authflow:session:")

	h, err := nodeA.Save(ctx, []byte("state"), 3*time.Minute)
	if err != nil {
		panic(err)
	}
	blob, ok, _ := nodeB.Load(ctx, h)
	fmt.Printf("node B loads: %q %v\n", blob, ok)
	ok, _ = nodeB.Spend(ctx, h)
	fmt.Println("node B spends:", ok)
	ok, _ = nodeA.Spend(ctx, h)
	fmt.Println("node A spends:", ok)
	// Output:
	// node B loads: "state" true
	// node B spends: true
	// node A spends: false
}
