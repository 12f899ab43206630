package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/client"
	"github.com/authflow/authflow/cognitoclient"
)

// password is every load user's password (the pool's default policy).
const password = "Load-test-passw0rd!"

// target is a pool, an app client and users on one or more nodes.
type target struct {
	poolID, clientID string
	users            []string
	clients          []*cognitoclient.Client // one per node
	nextUser         atomic.Uint64
}

// newHTTPClient keeps enough idle connections for every worker.
func newHTTPClient() *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}}
}

// newTarget returns a client of one more node's endpoint.
func newTarget(endpoint string) *cognitoclient.Client {
	return cognitoclient.New(endpoint, newHTTPClient())
}

// setup creates a pool, an app client allowing password, SRP and refresh
// sign-ins, and n confirmed users with a permanent password, through the
// admin operations of the first endpoint.
func setup(ctx context.Context, endpoints []string, n int) (*target, error) {
	hc := newHTTPClient()
	t := &target{}
	for _, e := range endpoints {
		t.clients = append(t.clients, cognitoclient.New(e, hc))
	}
	// The server runs without -credentials on loopback: any well-formed
	// signature is accepted.
	admin := t.clients[0].WithCredentials("us-east-1", "load", "load-secret", "")
	var pool struct{ UserPool struct{ Id string } }
	name := fmt.Sprintf("load-%d", time.Now().UnixNano())
	if err := admin.Call(ctx, "CreateUserPool", &challenge.CreateUserPoolInput{PoolName: name}, &pool); err != nil {
		return nil, fmt.Errorf("CreateUserPool: %w", err)
	}
	t.poolID = pool.UserPool.Id
	var cl struct{ UserPoolClient struct{ ClientId string } }
	if err := admin.Call(ctx, "CreateUserPoolClient", &challenge.UserPoolClientInput{UserPoolId: t.poolID, ClientName: "load",
		ExplicitAuthFlows:          []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
		PreventUserExistenceErrors: "ENABLED"}, &cl); err != nil {
		return nil, fmt.Errorf("CreateUserPoolClient: %w", err)
	}
	t.clientID = cl.UserPoolClient.ClientId
	for i := range n {
		u := fmt.Sprintf("user%03d", i)
		if err := admin.Call(ctx, "AdminCreateUser", &challenge.AdminCreateUserInput{UserPoolId: t.poolID, Username: u,
			TemporaryPassword: password, MessageAction: "SUPPRESS"}, nil); err != nil {
			return nil, fmt.Errorf("AdminCreateUser: %w", err)
		}
		if err := admin.Call(ctx, "AdminSetUserPassword", &challenge.AdminSetUserPasswordInput{UserPoolId: t.poolID, Username: u,
			Password: password, Permanent: true}, nil); err != nil {
			return nil, fmt.Errorf("AdminSetUserPassword: %w", err)
		}
		t.users = append(t.users, u)
	}
	return t, nil
}

// flowName is a sign-in flow the benchmark drives.
type flowName string

const (
	flowPassword flowName = "USER_PASSWORD_AUTH"
	flowSRP      flowName = "USER_SRP_AUTH"
)

// signIn does one whole sign-in of user on node c and returns its tokens.
func (t *target) signIn(ctx context.Context, c *cognitoclient.Client, f flowName, user string) (*challenge.AuthenticationResult, error) {
	cfg := client.Config{PoolID: t.poolID, ClientID: t.clientID}
	var l *client.Login
	switch f {
	case flowPassword:
		l = client.NewPasswordLogin(cfg, user, password)
	case flowSRP:
		l = client.NewSRPLogin(cfg, user, password)
	default:
		return nil, fmt.Errorf("unknown flow %q", f)
	}
	res, err := client.Run(ctx, c, l, func(p client.Prompt) (client.Input, error) {
		return client.Input{}, fmt.Errorf("unexpected prompt %v", p.Kind)
	})
	if err == nil && (res == nil || res.RefreshToken == "") {
		err = errors.New("no tokens")
	}
	return res, err
}

// cellResult is what one run of n sign-ins at concurrency c measured.
type cellResult struct {
	count         int
	elapsed       time.Duration
	p50, p90, p99 time.Duration
	serverCPU     time.Duration // summed over the nodes
	errors        int
	firstErr      error
}

func (r cellResult) rate() float64 { return float64(r.count) / r.elapsed.Seconds() }

// cpuPerSignIn is the server CPU time per successful sign-in.
func (r cellResult) cpuPerSignIn() time.Duration {
	if r.count == 0 {
		return 0
	}
	return r.serverCPU / time.Duration(r.count)
}

// runCell drives n sign-ins of flow f with c workers spread over nodes
// (worker w uses node w mod len(nodes)), stopping
// early after maxTime. Sign-in i uses user i mod len(users), so users
// rotate (a user may hold only a few pending sign-in sessions at a time:
// flow.Limits.PendingSessions). It measures each sign-in's latency and the nodes'
// CPU time over the whole cell.
func runCell(ctx context.Context, t *target, nodes []*node, f flowName, c, n int, maxTime time.Duration) (cellResult, error) {
	ctx, cancel := context.WithTimeout(ctx, maxTime)
	defer cancel()
	cpu0, err := sumCPU(nodes)
	if err != nil {
		return cellResult{}, err
	}
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var res cellResult
	var wg sync.WaitGroup
	start := time.Now()
	for w := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := t.clients[w%len(t.clients)]
			mine := make([]time.Duration, 0, n/c+1)
			for i := next.Add(1); i <= int64(n) && ctx.Err() == nil; i = next.Add(1) {
				user := t.users[t.nextUser.Add(1)%uint64(len(t.users))]
				t0 := time.Now()
				_, err := t.signIn(ctx, cl, f, user)
				d := time.Since(t0)
				if err != nil {
					if ctx.Err() != nil {
						break
					}
					mu.Lock()
					res.errors++
					if res.firstErr == nil {
						res.firstErr = err
					}
					mu.Unlock()
					continue
				}
				mine = append(mine, d)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	cpu1, err := sumCPU(nodes)
	if err != nil {
		return cellResult{}, err
	}
	res.serverCPU = cpu1 - cpu0
	res.count = len(lat)
	slices.Sort(lat)
	res.p50, res.p90, res.p99 = quantile(lat, 0.50), quantile(lat, 0.90), quantile(lat, 0.99)
	return res, nil
}

func sumCPU(nodes []*node) (time.Duration, error) {
	var sum time.Duration
	for _, n := range nodes {
		d, err := n.cpu()
		if err != nil {
			return 0, err
		}
		sum += d
	}
	return sum, nil
}

// quantile returns the q-quantile of sorted (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
