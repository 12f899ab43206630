package flow_test

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

// stepChecks counts the steps whose invariants the tests checked, and
// keeps the first invariant broken.
var stepChecks struct {
	sync.Mutex
	n     int
	first error
}

// TestMain runs every test of the package with the driver's machine
// wrapped in flowtest's checks: every step any test takes, through the
// Server or the transcripts, is checked to leave its inputs alone, to
// record table edges only and to decide nothing when it makes a request;
// every fourth is also run twice and checked to be deterministic (the
// second run doubles the SRP arithmetic, which -race makes slow). A
// broken invariant fails the run.
//
// Benchmarks (-test.bench) run the plain Step, so that they measure the
// engine and not the checks.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		os.Exit(m.Run())
	}
	restore := flow.SetStepForTest(func(s *flow.State, ev *flow.Event) flow.Outcome {
		stepChecks.Lock()
		stepChecks.n++
		full := stepChecks.n%4 == 1
		stepChecks.Unlock()
		check := flowtest.CheckStepPure
		if full {
			check = flowtest.CheckStep
		}
		o, err := check(s, ev)
		stepChecks.Lock()
		if err != nil && stepChecks.first == nil {
			stepChecks.first = err
		}
		stepChecks.Unlock()
		return o
	})
	code := m.Run()
	restore()
	if stepChecks.first != nil {
		fmt.Fprintln(os.Stderr, "a step broke an invariant of the machine:", stepChecks.first)
		code = 1
	} else if code == 0 && testing.Verbose() {
		fmt.Fprintf(os.Stderr, "the invariants of flow.Step held on %d steps\n", stepChecks.n)
	}
	os.Exit(code)
}
