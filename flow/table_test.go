package flow_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/internal/diagram"
)

// TestDiagramIsCurrent fails when the README's diagram no longer matches
// the transition table: run `go generate ./flow`.
func TestDiagramIsCurrent(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	want, err := diagram.Replace(string(readme), flow.Diagram())
	require.NoError(t, err)
	require.Equal(t, want, string(readme), "README diagram is stale: run go generate ./flow")
}

// TestEveryPhaseIsReachable: every phase of the design, and both
// outcomes, can be reached from START by the declared edges.
func TestEveryPhaseIsReachable(t *testing.T) {
	seen := map[flow.Phase]bool{flow.PhaseStart: true}
	for grew := true; grew; {
		grew = false
		for _, e := range flow.Edges() {
			if seen[e.From] && !seen[e.To] {
				seen[e.To], grew = true, true
			}
		}
	}
	var missing []string
	for p := flow.PhaseStart; p.String() != "INVALID"; p++ {
		if !seen[p] {
			missing = append(missing, p.String())
		}
	}
	require.Empty(t, missing, "phases no declared edge reaches from START")
	require.Equal(t, 11, len(seen), "START, the eight states of the design, TOKENS and FAILED")
}

// TestEveryEdgeIsTaken: every declared edge is taken by some golden
// transcript (testdata/transcripts, which the transcript tests keep
// current), so the table declares nothing the engine does not do, and
// the transcripts take no edge the table does not declare.
func TestEveryEdgeIsTaken(t *testing.T) {
	taken := transcriptEdges(t)
	var never []string
	for _, e := range flow.Edges() {
		if taken[e.String()] == 0 {
			never = append(never, e.String())
		}
	}
	t.Logf("edges taken by the transcripts: %d of %d", len(flow.Edges())-len(never), len(flow.Edges()))
	require.Empty(t, never, "declared edges no transcript takes")
	declared := map[string]bool{}
	for _, e := range flow.Edges() {
		declared[e.String()] = true
	}
	for e := range taken {
		require.True(t, declared[e], "a transcript records an undeclared edge %s", e)
	}
}

// transcriptEdges counts the transitions recorded in the golden transcripts.
func transcriptEdges(t *testing.T) map[string]int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "transcripts", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	taken := map[string]int{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var tr struct {
			Steps []struct {
				Op          string   `json:"op"`
				Transitions []string `json:"transitions"`
			} `json:"steps"`
		}
		require.NoError(t, json.Unmarshal(b, &tr), f)
		for _, s := range tr.Steps {
			for _, e := range s.Transitions {
				taken[e]++
			}
		}
	}
	return taken
}

// TestTranscriptsRecordTransitions: every answered sign-in call of every
// golden transcript records the transitions it took, so a change of path
// shows in the diff. (A call the driver refuses before the machine runs,
// such as an invalid refresh token, takes none.)
func TestTranscriptsRecordTransitions(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "transcripts", "*.json"))
	require.NoError(t, err)
	signIn := []string{"InitiateAuth", "AdminInitiateAuth", "RespondToAuthChallenge", "AdminRespondToAuthChallenge"}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var tr struct {
			Steps []struct {
				Op          string          `json:"op"`
				Error       json.RawMessage `json:"error"`
				Transitions []string        `json:"transitions"`
			} `json:"steps"`
		}
		require.NoError(t, json.Unmarshal(b, &tr), f)
		for i, s := range tr.Steps {
			if slices.Contains(signIn, s.Op) && s.Error == nil {
				require.NotEmpty(t, s.Transitions, "%s step %d (%s) records no transition", f, i, s.Op)
			}
		}
	}
}

// TestPlainPasswordPassesThroughPasswordVerifier: a plain password enters
// PASSWORD_VERIFIER on its way, where the SRP flow enters SRP.
func TestPlainPasswordPassesThroughPasswordVerifier(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "transcripts", "admin_refresh.json"))
	require.NoError(t, err)
	require.Contains(t, string(b), `"START -password_received-> PASSWORD_VERIFIER"`)
	require.True(t, strings.Contains(string(b), `"PASSWORD_VERIFIER -tokens_issued-> TOKENS"`))
}
