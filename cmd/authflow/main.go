// Command authflow is authflow's command line: a local Amazon Cognito
// user-pool server and the tools around it.
//
// Usage:
//
//	authflow <command> [flags]
//
// The commands:
//
//	serve    run a local Cognito-compatible user-pool server (serve -dev: ready to use, in memory)
//	login    sign in to a user pool from the terminal (this server or Amazon Cognito)
//	version  print the version of authflow and of Go it was built with
//
// Run "authflow <command> -h" for a command's flags. Each command lives in
// its own file of this directory and is listed in commands below.
//
// authflow login walks every step of a Cognito sign-in: SRP or plain
// password, USER_AUTH's choice of first factor, custom challenges, a new
// password, SMS, email and authenticator codes, the choice of MFA, setting
// up an authenticator app (with a QR code in the terminal) and remembering
// the device. It prints a summary of the tokens, never the tokens
// themselves unless -print-tokens is given.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"golang.org/x/term"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	// run runs the command with its arguments (after the command name).
	// ctx is cancelled on the first SIGINT or SIGTERM; a second one exits.
	run func(ctx context.Context, st *stdio, args []string) error
	// interactive commands block on the terminal, where ctx cannot reach:
	// the first signal restores the terminal and exits at once.
	interactive bool
}

// commands lists the subcommands in the order help shows them. A new
// command is a file with its command value, added here.
var commands = []command{
	serveCommand,
	loginCommand,
	versionCommand,
}

// stdio is the terminal a command talks to.
type stdio struct {
	in       io.Reader
	out, err io.Writer
	// inFd is the file descriptor of in when it is a file (for reading
	// passwords without echo), else -1.
	inFd int
}

// errUsage reports a command line error already explained to the user.
var errUsage = errors.New("usage")

func main() {
	st := &stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr, inFd: int(os.Stdin.Fd())}
	ctx, cancel := context.WithCancel(context.Background())
	interactive := len(os.Args) > 1 && slices.ContainsFunc(commands, func(c command) bool { return c.name == os.Args[1] && c.interactive })
	restore := func() {}
	if term.IsTerminal(st.inFd) {
		if old, err := term.GetState(st.inFd); err == nil {
			restore = func() { _ = term.Restore(st.inFd, old) }
		}
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		cancel()
		if !interactive {
			s = <-sigs // a second signal does not wait for the command
		}
		restore()
		fmt.Fprintf(st.err, "\nauthflow: %v\n", s)
		os.Exit(130)
	}()
	code := run(ctx, st, os.Args[1:])
	cancel()
	os.Exit(code)
}

// run dispatches to a command and returns the exit status: 0, 1 for a
// failure, 2 for a usage error.
func run(ctx context.Context, st *stdio, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		usage(st.err)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, st, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		}
		fmt.Fprintf(st.err, "authflow %s: %v\n", c.name, err)
		return 1
	}
	fmt.Fprintf(st.err, "authflow: unknown command %q\n\n", args[0])
	usage(st.err)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: authflow <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "authflow <command> -h" for the flags of a command.`)
}

// newFlagSet returns a flag set for a command that reports errors on
// st.err and does not exit.
func newFlagSet(st *stdio, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("authflow "+name, flag.ContinueOnError)
	fs.SetOutput(st.err)
	fs.Usage = func() {
		fmt.Fprintf(st.err, "Usage: authflow %s %s\n\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning a flag error into errUsage (the flag
// package has printed it).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}
