package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/term"
)

// maxLine bounds a line read from the terminal (a pasted passkey
// credential is a few KiB).
const maxLine = 64 << 10

// errInputClosed reports the end of the input before an answer.
var errInputClosed = errors.New("input closed")

// console asks questions on a terminal (or on plain pipes).
type console struct {
	st *stdio
}

// say writes a line.
func (c *console) say(format string, a ...any) {
	fmt.Fprintf(c.st.out, format+"\n", a...)
}

// line shows prompt and reads one line, without the line ending. It reads
// byte by byte so that nothing is buffered away from a later password read.
func (c *console) line(prompt string) (string, error) {
	fmt.Fprint(c.st.out, prompt)
	var b strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := c.st.in.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				return strings.TrimRight(b.String(), "\r"), nil
			}
			if b.Len() >= maxLine {
				return "", fmt.Errorf("line longer than %d bytes", maxLine)
			}
			b.WriteByte(buf[0])
		}
		if err == io.EOF {
			if b.Len() > 0 {
				return strings.TrimRight(b.String(), "\r"), nil
			}
			return "", errInputClosed
		}
		if err != nil {
			return "", err
		}
	}
}

// secret shows prompt and reads a line without echo when the input is a
// terminal.
func (c *console) secret(prompt string) (string, error) {
	if c.st.inFd < 0 || !term.IsTerminal(c.st.inFd) {
		return c.line(prompt)
	}
	b, err := readSecret(c.st.inFd, func() { fmt.Fprint(c.st.out, prompt) })
	fmt.Fprintln(c.st.out)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// nonEmpty asks with ask until the answer is not empty.
func (c *console) nonEmpty(ask func(string) (string, error), prompt string) (string, error) {
	for {
		v, err := ask(prompt)
		if err != nil || strings.TrimSpace(v) != "" {
			return v, err
		}
	}
}

// choose shows numbered options and returns the one picked, by number or
// by name.
func (c *console) choose(title string, options []string) (string, error) {
	c.say("%s", title)
	for i, o := range options {
		c.say("  %d) %s", i+1, o)
	}
	for {
		v, err := c.line(fmt.Sprintf("Choice [1-%d]: ", len(options)))
		if err != nil {
			return "", err
		}
		v = strings.TrimSpace(v)
		for i, o := range options {
			if v == fmt.Sprint(i+1) || strings.EqualFold(v, o) {
				return o, nil
			}
		}
		c.say("Please answer with a number from 1 to %d.", len(options))
	}
}

// yes asks a yes/no question; an empty answer is def.
func (c *console) yes(prompt string, def bool) (bool, error) {
	hint := " [y/N] "
	if def {
		hint = " [Y/n] "
	}
	for {
		v, err := c.line(prompt + hint)
		if err != nil {
			return false, err
		}
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "":
			return def, nil
		case "y", "yes":
			return true, nil
		case "n", "no":
			return false, nil
		}
	}
}
