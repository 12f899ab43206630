// Package diagram keeps the sign-in machine's transition diagram in a
// Markdown file current: it replaces the fenced Mermaid block between two
// marker lines. go generate ./flow runs it (internal/gendiagram), and
// flow's tests use it to fail when the README's diagram is stale.
package diagram

import (
	"fmt"
	"strings"
)

// Markers around the diagram in a Markdown file.
const (
	Begin = "<!-- diagram:begin -->"
	End   = "<!-- diagram:end -->"
)

// Replace returns doc with the text between Begin and End replaced by a
// fenced Mermaid block of mermaid.
func Replace(doc, mermaid string) (string, error) {
	i := strings.Index(doc, Begin)
	j := strings.Index(doc, End)
	if i < 0 || j < i {
		return "", fmt.Errorf("no %s ... %s section", Begin, End)
	}
	block := Begin + "\n```mermaid\n" + mermaid + "```\n"
	return doc[:i] + block + doc[j:], nil
}
