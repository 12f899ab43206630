package flowtest_test

import (
	"fmt"
	"sync/atomic"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow/flowtest"
)

// Ten wrong codes at once against a limit of three: three are checked
// (CodeMismatchException), the other seven meet the lockout.
func ExampleParallelGuesses() {
	var taken atomic.Int32
	evaluated, refused, other := flowtest.ParallelGuesses(10, challenge.ErrCodeMismatch, func(int) error {
		if taken.Add(1) <= 3 {
			return challenge.New(challenge.ErrCodeMismatch, "Invalid verification code provided, please try again.")
		}
		return challenge.New(challenge.ErrNotAuthorized, challenge.MsgPasswordAttempts)
	})
	fmt.Println(evaluated, refused, len(other))
	// Output: 3 7 0
}
