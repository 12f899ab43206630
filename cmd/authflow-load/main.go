// Command authflow-load is authflow's load benchmark: it starts the
// Cognito-compatible server (package cognitoserver, the program behind
// examples/server and "authflow serve") as separate processes on loopback,
// creates its own pool, app client and users over the wire, drives
// USER_PASSWORD_AUTH and USER_SRP_AUTH sign-ins at several concurrencies,
// and prints for each cell the sign-ins per second, the p50/p90/p99
// latency, and the server's CPU time per sign-in beside the cryptography a
// sign-in cannot avoid (the "floor", measured in the same run, see
// floor.go), with their ratio.
//
//	go run ./cmd/authflow-load                          # SQLite + memory sessions (the defaults)
//	go run ./cmd/authflow-load -stores postgres         # PostgreSQL + Redis from AUTHFLOW_POSTGRES_DSN / AUTHFLOW_REDIS_URL
//	go run ./cmd/authflow-load -stores postgres -nodes 2  # one node on CPU 0, then two on CPUs 0 and 1
//
// The run is bounded: -n sign-ins per cell, and at most -max-time per cell.
// The server's CPU time is read from /proc/<pid>/stat (Linux), so the load
// generator's own work (including the client's SRP math) is not counted.
// The server nodes are this binary re-executed with AUTHFLOW_LOAD_CHILD=1;
// -profile DIR writes each node's CPU profile there.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/authflow/authflow/directory/postgresdir"
)

func main() {
	if isChild() {
		os.Exit(runChild(os.Args[1:]))
	}
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "authflow-load:", err)
		os.Exit(1)
	}
}

// config is the parsed command line.
type config struct {
	stores     string
	flows      []flowName
	conc       []int
	n, users   int
	warmup     int
	maxTime    time.Duration
	nodes      int
	cpus       string
	profile    string
	serverArgs []string
	floorIters int
	pending    int
	serverLog  string
}

func parseArgs(args []string) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("authflow-load", flag.ContinueOnError)
	fs.StringVar(&c.stores, "stores", "sqlite", "`stores`: sqlite (SQLite + memory sessions, the server's defaults) or postgres (PostgreSQL + Redis from $AUTHFLOW_POSTGRES_DSN and $AUTHFLOW_REDIS_URL)")
	flows := fs.String("flows", "password,srp", "comma-separated `flows`: password (USER_PASSWORD_AUTH), srp (USER_SRP_AUTH)")
	conc := fs.String("c", "1,16,64", "comma-separated `concurrencies`")
	fs.IntVar(&c.n, "n", 1500, "sign-ins per cell (at most 100000)")
	fs.IntVar(&c.users, "users", 16, "users in the pool at least (sign-ins rotate over them; more are made when SRP sign-ins need them)")
	fs.IntVar(&c.warmup, "warmup", 50, "sign-ins before each flow's first cell, not counted")
	fs.DurationVar(&c.maxTime, "max-time", 60*time.Second, "stop a cell after this long (at most 10m)")
	fs.IntVar(&c.nodes, "nodes", 1, "1, or 2: run each cell on one node pinned to CPU 0 (GOMAXPROCS=1), then on two nodes pinned to CPUs 0 and 1 sharing PostgreSQL + Redis, and report the throughput ratio")
	fs.StringVar(&c.cpus, "cpus", "", "with -nodes 1: taskset `CPU list` for the server (default: unpinned)")
	fs.StringVar(&c.profile, "profile", "", "write each server node's CPU profile into `dir`")
	extra := fs.String("server-args", "", "extra `flags` for the server, space-separated")
	fs.IntVar(&c.pending, "pending", 0, "after the cells, open this many pending SRP sign-ins (InitiateAuth only, over the pool's users) on the first node and report their memory cost (at most 200000)")
	fs.IntVar(&c.floorIters, "floor-iterations", 60, "iterations of the in-process crypto floor measurement")
	fs.StringVar(&c.serverLog, "server-log", "", "append the servers' logs to `file` (default: discarded)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	for _, f := range strings.Split(*flows, ",") {
		switch strings.TrimSpace(f) {
		case "password":
			c.flows = append(c.flows, flowPassword)
		case "srp":
			c.flows = append(c.flows, flowSRP)
		default:
			return nil, fmt.Errorf("-flows: unknown flow %q", f)
		}
	}
	for _, s := range strings.Split(*conc, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v < 1 || v > 256 {
			return nil, fmt.Errorf("-c: want concurrencies from 1 to 256, have %q", s)
		}
		c.conc = append(c.conc, v)
	}
	switch {
	case c.stores != "sqlite" && c.stores != "postgres":
		return nil, fmt.Errorf("-stores: want sqlite or postgres")
	case c.n < 1 || c.n > 100000:
		return nil, fmt.Errorf("-n: want 1 to 100000")
	case c.users < 1 || c.users > 10000:
		return nil, fmt.Errorf("-users: want 1 to 10000")
	case c.maxTime <= 0 || c.maxTime > 10*time.Minute:
		return nil, fmt.Errorf("-max-time: want up to 10m")
	case c.nodes != 1 && c.nodes != 2:
		return nil, fmt.Errorf("-nodes: want 1 or 2")
	case c.nodes == 2 && c.stores != "postgres":
		return nil, fmt.Errorf("-nodes 2 needs -stores postgres (the nodes share PostgreSQL + Redis)")
	case c.pending < 0 || c.pending > 200000:
		return nil, fmt.Errorf("-pending: want 0 to 200000")
	case c.floorIters < 1:
		return nil, fmt.Errorf("-floor-iterations: want at least 1")
	}
	if *extra != "" {
		c.serverArgs = strings.Fields(*extra)
	}
	return c, nil
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	c, err := parseArgs(args)
	if err != nil {
		return err
	}
	var logw io.Writer = io.Discard
	if c.serverLog != "" {
		f, err := os.OpenFile(c.serverLog, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		logw = f
	}
	if c.profile != "" {
		if err := os.MkdirAll(c.profile, 0o755); err != nil {
			return err
		}
	}
	serverArgs, cleanup, err := storeArgs(c)
	if err != nil {
		return err
	}
	defer cleanup()
	serverArgs = append(serverArgs, c.serverArgs...)

	fmt.Fprintf(stdout, "# authflow-load: stores=%s nodes=%d n=%d users=%d GOMAXPROCS(host)=%s\n", c.stores, c.nodes, c.n, c.users, os.Getenv("GOMAXPROCS"))
	fmt.Fprintln(stdout, "# floor: the sign-in's unavoidable crypto in this process on one thread, before and after each cell (mean);")
	fmt.Fprintln(stdout, "#        USER_PASSWORD_AUTH: verifier check + 2 RS256 signatures; USER_SRP_AUTH: server SRP + 2 RS256 signatures")

	layouts := [][]nodeOptions{{{cpus: c.cpus}}}
	if c.nodes == 2 {
		layouts = [][]nodeOptions{{{cpus: "0", gomaxprocs: 1}}, {{cpus: "0", gomaxprocs: 1}, {cpus: "1", gomaxprocs: 1}}}
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "flow\tstores\tnodes\tc\tsign-ins\tsign-ins/s\tp50 ms\tp90 ms\tp99 ms\tp99/p50\tserver CPU ms/sign-in\tfloor ms\tCPU/floor\terrors\t")
	rates := map[string]float64{}
	cpus := map[string]time.Duration{}
	var errs []string
	pendingLine := ""
	for li, layout := range layouts {
		var nodes []*node
		var endpoints []string
		for i, o := range layout {
			o.args = serverArgs
			o.stderr = logw
			if c.profile != "" {
				o.profile = filepath.Join(c.profile, fmt.Sprintf("%s-layout%d-node%d.pprof", c.stores, li+1, i+1))
			}
			n, err := startNode(ctx, o)
			if err != nil {
				stopAll(nodes)
				return err
			}
			nodes = append(nodes, n)
			endpoints = append(endpoints, n.endpoint)
		}
		t, err := setup(ctx, endpoints, usersNeeded(c))
		if err != nil {
			stopAll(nodes)
			return err
		}
		for _, f := range c.flows {
			if c.warmup > 0 {
				if _, err := runCell(ctx, t, nodes, f, min(4, c.warmup), c.warmup, c.maxTime); err != nil {
					stopAll(nodes)
					return err
				}
			}
			for _, cc := range c.conc {
				// The floor is measured right before and right after the
				// cell, and averaged: on a shared machine the cost of the
				// same work drifts with the other load.
				before, err := measureFloors(c.floorIters)
				if err != nil {
					stopAll(nodes)
					return fmt.Errorf("crypto floor: %w", err)
				}
				r, err := runCell(ctx, t, nodes, f, cc, c.n, c.maxTime)
				if err != nil {
					stopAll(nodes)
					return err
				}
				after, err := measureFloors(c.floorIters)
				if err != nil {
					stopAll(nodes)
					return fmt.Errorf("crypto floor: %w", err)
				}
				fl := floors{f: (before[f] + after[f]) / 2}
				ratio := 0.0
				if r.p50 > 0 {
					ratio = float64(r.p99) / float64(r.p50)
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%.0f\t%.1f\t%.1f\t%.1f\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t\n",
					f, c.stores, len(nodes), cc, r.count, r.rate(), ms(r.p50), ms(r.p90), ms(r.p99), ratio,
					ms(r.cpuPerSignIn()), ms(fl[f]), float64(r.cpuPerSignIn())/float64(fl[f]), r.errors)
				if r.firstErr != nil {
					errs = append(errs, fmt.Sprintf("# %s c=%d nodes=%d: %d errors, the first: %v", f, cc, len(nodes), r.errors, r.firstErr))
				}
				rates[fmt.Sprintf("%s/%d/%d", f, cc, len(nodes))] = r.rate()
				cpus[fmt.Sprintf("%s/%d/%d", f, cc, len(nodes))] = r.cpuPerSignIn()
			}
		}
		if c.pending > 0 && li == len(layouts)-1 {
			redisURL := ""
			if c.stores == "postgres" {
				redisURL = os.Getenv("AUTHFLOW_REDIS_URL")
			}
			p, err := probePending(ctx, t, nodes[0], c.pending, redisURL)
			if err != nil {
				stopAll(nodes)
				return fmt.Errorf("-pending: %w", err)
			}
			if redisURL == "" {
				pendingLine = fmt.Sprintf("# pending sign-ins: %d open; server RSS grew %.0f bytes per pending sign-in (memory sessions; includes garbage not yet collected)",
					p.count, p.rssPerSession)
			} else {
				pendingLine = fmt.Sprintf("# pending sign-ins: %d open; a Redis session key uses %.0f bytes (MEMORY USAGE, mean of %d keys), its value %.0f bytes",
					p.count, p.redisKeyBytes, p.redisKeysSampled, p.redisValueBytes)
			}
		}
		if err := stopAll(nodes); err != nil {
			return err
		}
	}
	tw.Flush()
	for _, e := range errs {
		fmt.Fprintln(stdout, e)
	}
	if pendingLine != "" {
		fmt.Fprintln(stdout, pendingLine)
	}
	if c.nodes == 2 {
		fmt.Fprintln(stdout, "# scale-out: throughput of two nodes (CPUs 0 and 1) over one node (CPU 0), GOMAXPROCS=1 each; the CPU-bound ratio is")
		fmt.Fprintln(stdout, "# what two nodes give when each has a core of its own (not shared with the load generator and the databases): 2 × CPU(1 node) ÷ CPU(2 nodes)")
		for _, f := range c.flows {
			for _, cc := range c.conc {
				one, two := rates[fmt.Sprintf("%s/%d/1", f, cc)], rates[fmt.Sprintf("%s/%d/2", f, cc)]
				c1, c2 := cpus[fmt.Sprintf("%s/%d/1", f, cc)], cpus[fmt.Sprintf("%s/%d/2", f, cc)]
				if one > 0 && c2 > 0 {
					fmt.Fprintf(stdout, "# %s c=%d: %.0f -> %.0f sign-ins/s, ratio %.2f; server CPU per sign-in %.2f -> %.2f ms, CPU-bound ratio 2×%.2f/%.2f = %.2f\n",
						f, cc, one, two, two/one, ms(c1), ms(c2), ms(c1), ms(c2), 2*float64(c1)/float64(c2))
				}
			}
		}
	}
	return nil
}

// usersNeeded is -users, or more when the SRP sign-ins of one layout would
// otherwise exceed a user's pending-session limit (20 in flow.Limits'
// default window of 3 minutes; 15 each leaves a margin).
func usersNeeded(c *config) int {
	srp := 0
	for _, f := range c.flows {
		if f == flowSRP {
			srp = c.warmup + c.n*len(c.conc)
		}
	}
	return max(c.users, (srp+14)/15+(c.pending+14)/15)
}

func stopAll(nodes []*node) error {
	var first error
	for _, n := range nodes {
		if err := n.stop(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// storeArgs returns the server flags for c.stores and a cleanup: a fresh
// temporary data directory for SQLite; for PostgreSQL a fresh schema
// (dropped afterwards) and the Redis URL.
func storeArgs(c *config) ([]string, func(), error) {
	switch c.stores {
	case "sqlite":
		dir, err := os.MkdirTemp("", "authflow-load-")
		if err != nil {
			return nil, nil, err
		}
		return []string{"-data", dir}, func() { os.RemoveAll(dir) }, nil
	default:
		dsn, rurl := os.Getenv("AUTHFLOW_POSTGRES_DSN"), os.Getenv("AUTHFLOW_REDIS_URL")
		if dsn == "" || rurl == "" {
			return nil, nil, errors.New("-stores postgres needs AUTHFLOW_POSTGRES_DSN and AUTHFLOW_REDIS_URL")
		}
		db, err := postgresdir.OpenDB(dsn)
		if err != nil {
			return nil, nil, err
		}
		b := make([]byte, 6)
		if _, err := rand.Read(b); err != nil {
			db.Close()
			return nil, nil, err
		}
		schema := "authflow_load_" + hex.EncodeToString(b)
		if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
			db.Close()
			return nil, nil, fmt.Errorf("create schema: %w", err)
		}
		cleanup := func() {
			_, _ = db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			db.Close()
		}
		return []string{"-postgres", withSearchPath(dsn, schema), "-redis", rurl}, cleanup, nil
	}
}

// withSearchPath adds search_path=schema to a PostgreSQL DSN (URL or
// keyword/value form).
func withSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if strings.Contains(dsn, "?") {
			return dsn + "&search_path=" + schema
		}
		return dsn + "?search_path=" + schema
	}
	return dsn + " search_path=" + schema
}
