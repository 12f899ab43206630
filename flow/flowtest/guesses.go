package flowtest

import (
	"errors"
	"sync"

	"github.com/authflow/authflow/challenge"
)

// ParallelGuesses makes n wrong guesses at once, guess(i) for each i in
// [0, n), and sorts the answers, as the attack tests of the guess limits
// need: evaluated counts the errors with code checked (the guess was
// looked at, and was wrong); refused counts the refusals of the lockout
// (NotAuthorizedException with challenge.MsgPasswordAttempts, or
// TooManyRequestsException when the count could not be reserved); other
// holds every other answer, nil included.
func ParallelGuesses(n int, checked challenge.Code, guess func(i int) error) (evaluated, refused int, other []error) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := guess(i)
			var ce *challenge.Error
			ok := errors.As(err, &ce)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case ok && (ce.Code == challenge.ErrNotAuthorized && ce.Message == challenge.MsgPasswordAttempts ||
				ce.Code == challenge.ErrTooManyRequests):
				refused++
			case ok && ce.Code == checked:
				evaluated++
			default:
				other = append(other, err)
			}
		}()
	}
	wg.Wait()
	return evaluated, refused, other
}
