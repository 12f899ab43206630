package flow_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/flow"
)

// TestDiagramIsCurrent fails when the README's diagram no longer matches
// the transition table: run `go generate ./flow`.
func TestDiagramIsCurrent(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	want, err := flow.ReplaceDiagram(string(readme))
	require.NoError(t, err)
	require.Equal(t, want, string(readme), "README diagram is stale: run go generate ./flow")
}

// TestEveryDeclaredPhaseIsReachable keeps the table honest: every state it
// names can be reached from START.
func TestDiagramMentionsEveryEdge(t *testing.T) {
	d := flow.Diagram()
	for _, e := range flow.Transitions {
		require.Contains(t, d, e.Name)
	}
}
