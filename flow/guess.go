package flow

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/internal/windowcount"
)

// Guess reservation: every guessable secret (a password, an SRP proof, a
// one-time code, a device proof) is checked only after one guess has been
// counted for its user, atomically, so parallel guesses cannot all pass a
// read-check-write of the failure counter.

// guessRetries bounds the compare-and-set retries of one reservation.
const guessRetries = 32

// unknownGuessWindow is how long the failure count of a name that does not
// exist is remembered after its first failure.
const unknownGuessWindow = 24 * time.Hour

// errGuessBusy refuses a guess whose reservation could not be recorded
// (too much contention on the user record): failing closed.
func errGuessBusy() error {
	return challenge.New(challenge.ErrTooManyRequests, "Too many concurrent attempts for the user, please try after some time.")
}

// errLockedOut is Cognito's answer to a user in a lockout.
func errLockedOut() error { return errNotAuthorized(challenge.MsgPasswordAttempts) }

// lockedAt reports whether a user is in a lockout at now.
func lockedAt(u *User, now time.Time) bool {
	return !u.LockedUntil.IsZero() && now.Before(u.LockedUntil)
}

// lockoutFor is the lockout after the n-th consecutive failure (0 below the
// threshold): 1 s at the threshold, doubling up to LockoutMax.
func (l Limits) lockoutFor(n int) time.Duration {
	over := n - l.LockoutThreshold
	if over < 0 {
		return 0
	}
	if over >= 20 {
		return l.LockoutMax
	}
	return min(time.Second<<over, l.LockoutMax)
}

// countFailure counts one failure on u at now and starts the lockout it
// earns.
func (s *Server) countFailure(u *User, now time.Time) {
	u.FailedAttempts++
	if d := s.limits.lockoutFor(u.FailedAttempts); d > 0 {
		u.LockedUntil = now.Add(d)
	}
}

// reserveGuess reserves one guess of a secret for username (canonical) in
// pool p, BEFORE the secret is evaluated. Use it as:
//
//	settle, err := s.reserveGuess(ctx, p, u.Username, now)
//	if err != nil {
//		return err // locked out (NotAuthorizedException "Password attempts exceeded"), or failing closed
//	}
//	ok := check(secret)
//	if err := settle(ok); err != nil { ... }
//
// The reservation counts the guess as a failure at once, in the user's
// record, with the Directory's version compare-and-set (retried), and
// starts the lockout that failure earns; a user already locked out is
// refused. Of any number of parallel guesses at most as many as the
// lockout allows are reserved. settle(true) clears the counter and the
// lockout (the secret was right); settle(false) keeps the failure. settle
// must be called at most once.
//
// For a name that does not exist, the failures are counted by the Limiter
// under a key of the pool and the name, with the same threshold and
// lockouts, so "Password attempts exceeded" comes after the same number of
// failures for unknown names as for users; settle does nothing then.
//
// An error reading or writing the counter refuses the guess: a guess is
// never evaluated uncounted.
func (s *Server) reserveGuess(ctx context.Context, p *Pool, username string, now time.Time) (settle func(ok bool) error, err error) {
	g, err := s.reserve(ctx, p, username, now)
	if err != nil {
		return nil, err
	}
	return func(ok bool) error {
		if !ok {
			return nil
		}
		return g.reset(ctx)
	}, nil
}

// guess is one reserved guess: counted as a failure until settled.
type guess struct {
	s        *Server
	p        *Pool
	username string
	now      time.Time
	known    bool      // a user's record holds the count (else the Limiter)
	before   time.Time // the user's LockedUntil before the reservation
	locked   time.Time // the LockedUntil the reservation wrote
}

// reserve counts one guess for username before its secret is evaluated
// (see reserveGuess).
func (s *Server) reserve(ctx context.Context, p *Pool, username string, now time.Time) (*guess, error) {
	for range guessRetries {
		u, err := s.dir.User(ctx, p.ID, username)
		if err != nil {
			return nil, errInternal(err)
		}
		if u == nil {
			if err := s.reserveUnknownGuess(ctx, p, username, now); err != nil {
				return nil, err
			}
			return &guess{s: s, p: p, username: username, now: now}, nil
		}
		if lockedAt(u, now) {
			return nil, errLockedOut()
		}
		old, before := u.Version, u.LockedUntil
		s.countFailure(u, now)
		u.LastModified = now
		err = s.dir.Apply(ctx, Change{Kind: ChangeUpdate, User: u, Version: old})
		if err == nil {
			return &guess{s: s, p: p, username: username, now: now, known: true, before: before, locked: u.LockedUntil}, nil
		}
		if !errors.Is(err, ErrConflict) {
			return nil, errInternal(err)
		}
		runtime.Gosched()
	}
	return nil, errGuessBusy()
}

// reset settles a right guess that completed the sign-in: the counter
// and the lockout are cleared.
func (g *guess) reset(ctx context.Context) error {
	if !g.known {
		return nil
	}
	return g.s.clearFailures(ctx, g.p, g.username, g.now)
}

// refund settles a guess that was not a failure (the secret was right but
// the sign-in goes on, or nothing was evaluated): the failure it counted
// and the lockout it started are taken back, so the counter is as if the
// guess had not been made.
func (g *guess) refund(ctx context.Context) error {
	if !g.known {
		return nil
	}
	for range guessRetries {
		u, err := g.s.dir.User(ctx, g.p.ID, g.username)
		if err != nil {
			return errInternal(err)
		}
		if u == nil || u.FailedAttempts == 0 {
			return nil
		}
		old := u.Version
		u.FailedAttempts--
		if u.LockedUntil.Equal(g.locked) {
			u.LockedUntil = g.before
		}
		err = g.s.dir.Apply(ctx, Change{Kind: ChangeUpdate, User: u, Version: old})
		if !errors.Is(err, ErrConflict) {
			if err != nil {
				return errInternal(err)
			}
			return nil
		}
		runtime.Gosched()
	}
	return errGuessBusy()
}

// clearFailures resets a user's failure counter and lockout after a
// proven secret, retrying when a concurrent write moved the version.
func (s *Server) clearFailures(ctx context.Context, p *Pool, username string, now time.Time) error {
	for range guessRetries {
		u, err := s.dir.User(ctx, p.ID, username)
		if err != nil {
			return errInternal(err)
		}
		if u == nil || (u.FailedAttempts == 0 && u.LockedUntil.IsZero()) {
			return nil
		}
		old := u.Version
		u.FailedAttempts, u.LockedUntil = 0, time.Time{}
		u.LastModified = now
		err = s.dir.Apply(ctx, Change{Kind: ChangeUpdate, User: u, Version: old})
		if !errors.Is(err, ErrConflict) {
			if err != nil {
				return errInternal(err)
			}
			return nil
		}
		runtime.Gosched()
	}
	return errGuessBusy()
}

// guessKey is the Limiter key of the failures of a name in a pool.
func guessKey(p *Pool, username string) string {
	return "guess\x00" + p.ID + "\x00" + username
}

// reserveUnknownGuess counts a guess for a name that does not exist. Every
// such guess fails, so the count is the failure count; the lockout each
// failure earns is a Limiter window of its own, keyed by the failure
// number, so a guess is refused while the lockout of the last failure
// runs, as for a user.
func (s *Server) reserveUnknownGuess(ctx context.Context, p *Pool, username string, now time.Time) error {
	key := guessKey(p, username)
	lockKey := func(n int) string { return key + "\x00lock\x00" + strconv.Itoa(n) }
	failures, err := s.limiter.Take(ctx, key, 0)
	if err != nil {
		return errInternal(err)
	}
	if s.limits.lockoutFor(failures) > 0 {
		live, err := s.limiter.Take(ctx, lockKey(failures), 0)
		if err != nil {
			return errInternal(err)
		}
		if live > 0 {
			return errLockedOut()
		}
	}
	n, err := s.limiter.Take(ctx, key, unknownGuessWindow)
	if err != nil {
		return errInternal(err)
	}
	if n != failures+1 && s.limits.lockoutFor(n-1) > 0 {
		// A parallel guess counted a failure in between: its lockout rules.
		if live, err := s.limiter.Take(ctx, lockKey(n-1), 0); err != nil {
			return errInternal(err)
		} else if live > 0 {
			return errLockedOut()
		}
	}
	if d := s.limits.lockoutFor(n); d > 0 {
		if _, err := s.limiter.Take(ctx, lockKey(n), d); err != nil {
			return errInternal(err)
		}
	}
	return nil
}

// unknownLocked reports whether an unknown name (a decoy's user ID) is in
// a lockout earned by its failures.
func (s *Server) unknownLocked(ctx context.Context, p *Pool, username string) (bool, error) {
	key := guessKey(p, username)
	failures, err := s.limiter.Take(ctx, key, 0)
	if err != nil {
		return false, errInternal(err)
	}
	if s.limits.lockoutFor(failures) == 0 {
		return false, nil
	}
	live, err := s.limiter.Take(ctx, key+"\x00lock\x00"+strconv.Itoa(failures), 0)
	if err != nil {
		return false, errInternal(err)
	}
	return live > 0, nil
}

// errTooManyCodes refuses a code over the user's budget. The sign-in
// operations list TooManyRequestsException (not LimitExceededException).
func errTooManyCodes() error {
	return challenge.New(challenge.ErrTooManyRequests, "Attempt limit exceeded, please try after some time.")
}

// memLimiter is the in-process Limiter used when the Config names none and
// the session store is not one: windows on the Server's clock, at most
// windowcount.DefaultMaxKeys keys (when full, the windows that end soonest
// are dropped first).
type memLimiter struct {
	now func() time.Time
	c   windowcount.Counter
}

// Take implements Limiter.
func (l *memLimiter) Take(_ context.Context, key string, window time.Duration) (int, error) {
	return l.c.Take(l.now(), key, window), nil
}

// padder makes a failed guess for an unknown name take as long as one for
// a user: it keeps the durations of recent failed guesses for users (their
// cost includes a directory write an unknown name does not make), and
// holds every failed guess, for a user or not, until the 90th percentile
// of them has passed since the call began. Both kinds then end at the
// same instant in all but the slowest tenth of calls, whatever the
// directory costs, and a timer firing late on a busy host delays both
// alike. The zero value is ready to use.
type padder struct {
	mu      sync.Mutex
	samples [64]time.Duration
	n       int
	next    int
}

func (p *padder) record(d time.Duration) {
	p.mu.Lock()
	p.samples[p.next] = d
	p.next = (p.next + 1) % len(p.samples)
	p.n = min(p.n+1, len(p.samples))
	p.mu.Unlock()
}

// wait holds the call until the 90th percentile of the recorded
// durations has passed since start (not at all before there is one, and
// no longer once ctx ends). It ends on time even when that is under a
// millisecond away: the runtime's timers can fire about a millisecond
// late, and that lateness, added to whatever the call had already spent,
// would give the caller's own cost back to a stopwatch (a known user's
// failed guess costs a directory write more than an unknown name's). So
// it sleeps until a millisecond before the end and yields the processor
// for the rest.
func (p *padder) wait(ctx context.Context, start time.Time) {
	p.mu.Lock()
	recent := slices.Clone(p.samples[:p.n])
	p.mu.Unlock()
	if len(recent) == 0 {
		return
	}
	slices.Sort(recent)
	end := start.Add(recent[len(recent)*9/10])
	if rest := time.Until(end) - time.Millisecond; rest > 0 {
		t := time.NewTimer(rest)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
	}
	for time.Now().Before(end) && ctx.Err() == nil {
		runtime.Gosched()
	}
}

// Padder makes an answer about a name that does not exist take as long as
// one about a user, for a service layered on the engine (see Kit): Record
// the duration of each answer about a user, then Wait on every answer,
// for a user or not, so both end when the 90th percentile of the recent
// users' durations has passed since the call began, on time to well
// under a millisecond (as the sign-in padding does). The zero value is
// ready to use; use one Padder per operation.
type Padder struct{ p padder }

// Record notes how long an answer about a user took.
func (x *Padder) Record(d time.Duration) { x.p.record(d) }

// Wait holds the call until the 90th percentile of the recorded durations
// has passed since start (or ctx ends).
func (x *Padder) Wait(ctx context.Context, start time.Time) { x.p.wait(ctx, start) }
