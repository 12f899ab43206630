package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/authflow/authflow/cognitoserver"
)

// childEnv marks a process started by this command as a server node: it
// runs cognitoserver.Run with its arguments instead of the load generator.
const (
	childEnv   = "AUTHFLOW_LOAD_CHILD"
	profileEnv = "AUTHFLOW_LOAD_CPUPROFILE"
)

// isChild reports whether this process is a server node.
func isChild() bool { return os.Getenv(childEnv) == "1" }

// runChild is the server node: cognitoserver.Run (the program behind
// examples/server and "authflow serve"), with an optional CPU profile of
// the whole run written when it stops (SIGTERM).
func runChild(args []string) int {
	if path := os.Getenv(profileEnv); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "authflow-load:", err)
			return 1
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "authflow-load:", err)
			return 1
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	if err := cognitoserver.Run(context.Background(), "authflow-load server", args, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "authflow-load server:", err)
		return 1
	}
	return 0
}

// node is one server process started by the load generator.
type node struct {
	cmd      *exec.Cmd
	endpoint string
	done     chan error
}

// nodeOptions say how to start a node.
type nodeOptions struct {
	args       []string // cognitoserver flags
	cpus       string   // taskset CPU list ("" for none)
	gomaxprocs int      // 0 for the default
	profile    string   // CPU profile path ("" for none)
	stderr     io.Writer
}

// startNode re-executes this binary as a server node on a free loopback
// port and waits for its ready line.
func startNode(ctx context.Context, o nodeOptions) (*node, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := append([]string{"-addr", "127.0.0.1:0"}, o.args...)
	var cmd *exec.Cmd
	if o.cpus != "" {
		// taskset execs the program: the pid we read CPU time from is the server's.
		cmd = exec.Command("taskset", append([]string{"-c", o.cpus, self}, args...)...)
	} else {
		cmd = exec.Command(self, args...)
	}
	cmd.Env = append(os.Environ(), childEnv+"=1")
	if o.gomaxprocs > 0 {
		cmd.Env = append(cmd.Env, "GOMAXPROCS="+strconv.Itoa(o.gomaxprocs))
	}
	if o.profile != "" {
		cmd.Env = append(cmd.Env, profileEnv+"="+o.profile)
	}
	cmd.Stderr = o.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	n := &node{cmd: cmd, done: make(chan error, 1)}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "authflow: listening on "); ok {
				select {
				case ready <- addr:
				default:
				}
			}
		}
		n.done <- cmd.Wait()
	}()
	select {
	case n.endpoint = <-ready:
		return n, nil
	case err := <-n.done:
		return nil, fmt.Errorf("server exited before it was ready: %v", err)
	case <-time.After(60 * time.Second):
		n.kill()
		return nil, errors.New("server not ready after 60s")
	case <-ctx.Done():
		n.kill()
		return nil, ctx.Err()
	}
}

// pid is the server process's id.
func (n *node) pid() int { return n.cmd.Process.Pid }

// cpu returns the CPU time (user + system, every thread) the node has used
// so far, from /proc/<pid>/stat (clock ticks of 10 ms on Linux).
func (n *node) cpu() (time.Duration, error) {
	return procCPU(n.pid())
}

func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; fields resume after ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, errors.New("unexpected /proc stat format")
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, errors.New("unexpected /proc stat format")
	}
	// f[0] is field 3 (state): utime is field 14, stime field 15.
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("unexpected /proc stat format")
	}
	const ticksPerSecond = 100 // USER_HZ on every Linux architecture Go supports
	return time.Duration(ut+st) * time.Second / ticksPerSecond, nil
}

// stop ends the node with SIGTERM (it shuts down gracefully and writes its
// profile) and waits for it.
func (n *node) stop() error {
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-n.done:
		return err
	case <-time.After(30 * time.Second):
		n.kill()
		return errors.New("server did not stop after SIGTERM; killed")
	}
}

// kill ends the node with SIGKILL, as a crash would, and waits for it.
func (n *node) kill() {
	_ = n.cmd.Process.Kill()
	select {
	case <-n.done:
	case <-time.After(10 * time.Second):
	}
}
