//go:build linux

package main

import (
	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// readSecret shows the prompt and reads a line without echo. Echo goes off
// before the prompt is shown: a password typed as soon as the prompt
// appears (by a person or a program at the other end of a pseudo-terminal)
// is never echoed, which term.ReadPassword alone cannot promise, since it
// turns echo off only once it starts reading.
func readSecret(fd int, prompt func()) ([]byte, error) {
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		prompt()
		return term.ReadPassword(fd)
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &quiet); err != nil {
		prompt()
		return term.ReadPassword(fd)
	}
	defer unix.IoctlSetTermios(fd, unix.TCSETS, old)
	prompt()
	return term.ReadPassword(fd)
}
