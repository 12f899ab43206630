//go:build !linux

package main

import "golang.org/x/term"

// readSecret shows the prompt and reads a line without echo (from the
// moment term.ReadPassword starts reading).
func readSecret(fd int, prompt func()) ([]byte, error) {
	prompt()
	return term.ReadPassword(fd)
}
