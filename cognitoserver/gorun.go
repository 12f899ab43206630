package cognitoserver

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Under "go run", the server is a child of the go command, which ignores
// SIGINT (the terminal sends it to both) but dies on SIGTERM without
// passing it on: "kill <pid of go run>" would leave the server running on
// its port. A server started by go run therefore watches its parent and
// shuts down gracefully when the go command is gone.

// parentPoll is how often a server under go run checks its parent.
const parentPoll = 250 * time.Millisecond

// underGoRun reports whether this process was started by "go run": its
// parent is "go run" (Linux: /proc/<ppid>/cmdline), or its executable lives
// where go run puts it (a go-build*/.../exe directory, or the build
// cache's "<hash>-d" directory, as Go 1.24 and later cache go run's
// executables).
func underGoRun() bool {
	if b, err := os.ReadFile("/proc/" + strconv.Itoa(os.Getppid()) + "/cmdline"); err == nil {
		args := strings.Split(string(b), "\x00")
		if len(args) >= 2 && strings.TrimSuffix(filepath.Base(args[0]), ".exe") == "go" && args[1] == "run" {
			return true
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return false
	}
	dir := filepath.Base(filepath.Dir(exe))
	return strings.Contains(exe, "go-build") && (dir == "exe" || strings.HasSuffix(dir, "-d"))
}

// watchParent calls stop when the parent process changes (the go command
// exited and the server was reparented), until ctx ends.
func watchParent(ctx context.Context, stop context.CancelFunc, log *slog.Logger) {
	ppid := os.Getppid()
	t := time.NewTicker(parentPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if os.Getppid() != ppid {
				log.Warn("the go command that started this server is gone; shutting down", "parent_pid", ppid)
				stop()
				return
			}
		}
	}
}
