// Command gendiagram renders the sign-in machine's transition table
// (flow.Transitions) as a Mermaid diagram into a Markdown file, between the
// lines "<!-- diagram:begin -->" and "<!-- diagram:end -->".
//
//	go run ./internal/gendiagram README.md
//
// It runs from `go generate ./flow`; flow's tests fail when the committed
// diagram is stale.
package main

import (
	"fmt"
	"os"

	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/internal/diagram"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gendiagram FILE.md")
		os.Exit(2)
	}
	path := os.Args[1]
	b, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := diagram.Replace(string(b), flow.Diagram())
	if err != nil {
		fmt.Fprintln(os.Stderr, path+":", err)
		os.Exit(1)
	}
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
