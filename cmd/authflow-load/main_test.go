package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/authflow/authflow/client"
)

// TestMain lets the test binary serve as a server node (startNode
// re-executes it with AUTHFLOW_LOAD_CHILD=1).
func TestMain(m *testing.M) {
	if isChild() {
		os.Exit(runChild(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// TestKill9KeepsRefreshTokens: sixteen concurrent sign-ins on the default
// stores (SQLite, whose writes the group commit batches), then SIGKILL
// the server the moment the last answer arrived; a server restarted on the
// same data directory accepts every refresh token handed out.
func TestKill9KeepsRefreshTokens(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	ctx := context.Background()
	dir := t.TempDir()
	n, err := startNode(ctx, nodeOptions{args: []string{"-data", dir}, stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	tg, err := setup(ctx, []string{n.endpoint}, 16)
	if err != nil {
		n.kill()
		t.Fatal(err)
	}
	refresh := make([]string, len(tg.users))
	var wg sync.WaitGroup
	errs := make([]error, len(tg.users))
	for i, u := range tg.users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := flowPassword
			if i%2 == 1 {
				f = flowSRP
			}
			res, err := tg.signIn(ctx, tg.clients[0], f, u)
			if err == nil {
				refresh[i] = res.RefreshToken
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	n.kill()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("sign-in of %s: %v", tg.users[i], err)
		}
	}

	n2, err := startNode(ctx, nodeOptions{args: []string{"-data", dir}, stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer n2.stop()
	tg.clients[0] = newTarget(n2.endpoint)
	cfg := client.Config{PoolID: tg.poolID, ClientID: tg.clientID}
	for i, u := range tg.users {
		res, err := client.Refresh(ctx, tg.clients[0], cfg, u, refresh[i])
		if err != nil {
			t.Fatalf("refresh token of %s after kill -9: %v", u, err)
		}
		if res.AccessToken == "" || res.IdToken == "" {
			t.Fatalf("refresh of %s gave no tokens", u)
		}
	}
}

// TestLoadSmoke runs the benchmark tiny: every flow, two concurrencies.
func TestLoadSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	var out bytes.Buffer
	err := run(context.Background(), []string{"-n", "6", "-c", "1,3", "-warmup", "2", "-floor-iterations", "2"}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{"USER_PASSWORD_AUTH  sqlite", "USER_SRP_AUTH  sqlite", "CPU/floor"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "errors, the first") {
		t.Errorf("sign-ins failed:\n%s", s)
	}
}
