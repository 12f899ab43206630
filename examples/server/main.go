// Command server is the annotated example of running authflow's
// Cognito-compatible server: the whole program is package cognitoserver,
// which "authflow serve" runs too. It takes the same flags:
//
//	go run ./examples/server              # http://127.0.0.1:9229, data in ./authflow-data
//	go run ./examples/server -dev         # memory only, a ready pool, client and user
//	go run ./examples/server -h           # every flag and its environment variable
//
// Prefer the command: go install github.com/authflow/authflow/cmd/authflow@latest
// and then "authflow serve". To embed the server in your own program with
// other ports (your own user directory, session store or code sender), wire
// flow.New and cognitohttp.NewHandler as cognitoserver.Run does.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/authflow/authflow/cognitoserver"
)

func main() {
	// Run handles SIGINT and SIGTERM itself: it stops accepting requests,
	// finishes the ones in flight and returns nil.
	err := cognitoserver.Run(context.Background(), "server", os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "authflow:", err)
		os.Exit(1)
	}
}
