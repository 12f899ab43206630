package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/redis/go-redis/v9"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/srp"
)

// pendingResult is what -pending measured: the memory one pending SRP
// sign-in costs.
type pendingResult struct {
	count            int
	rssPerSession    float64 // bytes of server RSS (memory sessions), 0 with Redis
	redisKeyBytes    float64 // mean MEMORY USAGE of a session key, 0 without Redis
	redisValueBytes  float64 // mean length of a session value
	redisKeysSampled int
}

// probePending opens count pending USER_SRP_AUTH sign-ins (InitiateAuth
// only, as an unauthenticated flood would) of the pool's users on node n
// and measures what they cost: the growth of the server's resident memory,
// and with Redis the size of the session keys. (A flood of unknown
// usernames stores no session: the engine's decoy for an unknown user
// lives in the session string it hands out; it costs a limiter counter.)
func probePending(ctx context.Context, t *target, n *node, count int, redisURL string) (pendingResult, error) {
	res := pendingResult{count: count}
	c, err := srp.NewClient(rand.Reader)
	if err != nil {
		return res, err
	}
	aHex := srp.HexInt(c.A())
	rss0, err := rssBytes(n.pid())
	if err != nil {
		return res, err
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(count); i = next.Add(1) {
				out, err := t.clients[0].InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserSRPAuth,
					ClientId: t.clientID, AuthParameters: map[string]string{
						"USERNAME": t.users[t.nextUser.Add(1)%uint64(len(t.users))], "SRP_A": aHex}})
				if err == nil && out.Session == "" {
					err = fmt.Errorf("no session for a pending sign-in")
				}
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return res, err
	}
	rss1, err := rssBytes(n.pid())
	if err != nil {
		return res, err
	}
	if redisURL == "" {
		res.rssPerSession = float64(rss1-rss0) / float64(count)
		return res, nil
	}
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		return res, err
	}
	rc := redis.NewClient(opt)
	defer rc.Close()
	var keyBytes, valBytes int64
	iter := rc.Scan(ctx, 0, "authflow:session:*", 1000).Iterator()
	for iter.Next(ctx) && res.redisKeysSampled < 200 {
		k := iter.Val()
		if strings.HasPrefix(k, "authflow:session:limit:") {
			continue // the limiter's counters share the prefix
		}
		mu, err := rc.MemoryUsage(ctx, k).Result()
		if err != nil {
			continue // expired or not a string meanwhile
		}
		n, err := rc.StrLen(ctx, k).Result()
		if err != nil {
			continue
		}
		keyBytes += mu
		valBytes += n
		res.redisKeysSampled++
	}
	if err := iter.Err(); err != nil {
		return res, err
	}
	if res.redisKeysSampled > 0 {
		res.redisKeyBytes = float64(keyBytes) / float64(res.redisKeysSampled)
		res.redisValueBytes = float64(valBytes) / float64(res.redisKeysSampled)
	}
	return res, nil
}

// rssBytes reads VmRSS from /proc/<pid>/status.
func rssBytes(pid int) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0, err
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}
