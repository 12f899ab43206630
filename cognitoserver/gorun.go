package cognitoserver

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
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

// underGoRun reports whether this executable was built by "go run" (it
// lives in the go command's temporary go-build*/.../exe directory).
func underGoRun() bool {
	exe, err := os.Executable()
	if err != nil {
		return false
	}
	return strings.Contains(exe, string(filepath.Separator)+"go-build") && filepath.Base(filepath.Dir(exe)) == "exe"
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
