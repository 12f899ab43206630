package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

var versionCommand = command{
	name:    "version",
	summary: "print the version of authflow and of Go it was built with",
	run:     runVersion,
}

// readBuildInfo is debug.ReadBuildInfo, replaced in tests.
var readBuildInfo = debug.ReadBuildInfo

func runVersion(_ context.Context, st *stdio, args []string) error {
	fs := newFlagSet(st, "version", "")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(st.out, versionLine())
	return nil
}

// versionLine describes the build: the module version ("(devel)" for a
// build from a checkout), the VCS revision when recorded, and Go's version.
func versionLine() string {
	bi, ok := readBuildInfo()
	if !ok {
		return "authflow (unknown version: no build information)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	s := "authflow " + v
	var rev, modified string
	for _, kv := range bi.Settings {
		switch kv.Key {
		case "vcs.revision":
			rev = kv.Value
		case "vcs.modified":
			modified = kv.Value
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		s += " (" + rev
		if modified == "true" {
			s += ", modified"
		}
		s += ")"
	}
	return s + " " + bi.GoVersion
}
