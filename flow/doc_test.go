package flow_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDocShowsTheSmallestEmbed: the program in the package doc is
// Example_embed, line for line, so the documented program compiles and
// runs in every test run.
func TestDocShowsTheSmallestEmbed(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	ex, err := os.ReadFile("example_embed_test.go")
	require.NoError(t, err)

	// The doc's first code block (lines "//\t...").
	var shown []string
	for _, line := range strings.Split(string(doc), "\n") {
		if code, ok := strings.CutPrefix(line, "//\t"); ok {
			shown = append(shown, code)
		} else if len(shown) > 0 {
			break
		}
	}
	// The example's body up to its Output comment, one tab less.
	_, body, ok := strings.Cut(string(ex), "func Example_embed() {\n")
	require.True(t, ok, "no Example_embed")
	body, output, ok := strings.Cut(body, "\t// Output: ")
	require.True(t, ok, "Example_embed has no one-line Output")
	output, _, _ = strings.Cut(output, "\n")
	var want []string
	for _, line := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		want = append(want, strings.TrimPrefix(line, "\t"))
	}
	want[len(want)-1] += " // " + output
	require.Equal(t, want, shown)
	require.LessOrEqual(t, len(shown), 25, "the smallest embed should stay about 25 lines")
}
