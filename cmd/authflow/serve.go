package main

import (
	"context"
	"errors"
	"flag"

	"github.com/authflow/authflow/cognitoserver"
)

var serveCommand = command{
	name:    "serve",
	summary: "run a local Cognito-compatible user-pool server (-dev: a ready pool, client and user in memory)",
	run:     runServe,
}

// runServe runs the server (package cognitoserver) until ctx ends: the
// first SIGINT or SIGTERM shuts it down gracefully.
func runServe(ctx context.Context, st *stdio, args []string) error {
	err := cognitoserver.Run(ctx, "authflow serve", args, st.out, st.err)
	if err != nil && !errors.Is(err, flag.ErrHelp) && isFlagError(err) {
		return errUsage
	}
	return err
}

// isFlagError reports whether err is a command line error the flag
// package has already printed.
func isFlagError(err error) bool {
	var fe *cognitoserver.FlagError
	return errors.As(err, &fe)
}
