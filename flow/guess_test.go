package flow

import (
	"context"
	"crypto/rand"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
)

// casDirectory is the smallest Directory with the version compare-and-set
// of the real ones, for the internal tests of the guess reservation.
type casDirectory struct {
	mu    sync.Mutex
	users map[string]*User
}

func (d *casDirectory) User(_ context.Context, _, username string) (*User, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.users[username].Clone(), nil
}

func (d *casDirectory) UserByAttribute(context.Context, string, string, string) (*User, error) {
	return nil, nil
}

func (d *casDirectory) Users(context.Context, string, string, int) ([]*User, error) { return nil, nil }

func (d *casDirectory) Apply(_ context.Context, changes ...Change) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range changes {
		old := d.users[c.User.Username]
		if old == nil || (c.Version != 0 && c.Version != old.Version) {
			return ErrConflict
		}
		u := c.User.Clone()
		u.Version = old.Version + 1
		d.users[u.Username] = u
	}
	return nil
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

func guessServer(t *testing.T) (*Server, *casDirectory, *clock) {
	dir := &casDirectory{users: map[string]*User{"alice": {PoolID: "us-east-1_p", Username: "alice", Version: 1, Enabled: true}}}
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s := &Server{dir: dir, now: c.now, limits: Limits{}.withDefaults()}
	s.limiter = &memLimiter{now: c.now}
	return s, dir, c
}

func isLockedOut(err error) bool {
	return challenge.CodeOf(err) == challenge.ErrNotAuthorized && challenge.MessageOf(err) == challenge.MsgPasswordAttempts
}

func TestReserveGuessParallel(t *testing.T) {
	s, dir, _ := guessServer(t)
	p := &Pool{ID: "us-east-1_p"}
	for _, name := range []string{"alice", "nobody"} {
		var reserved, locked atomic.Int32
		var wg sync.WaitGroup
		for range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				settle, err := s.reserveGuess(context.Background(), p, name, s.now())
				switch {
				case err == nil:
					reserved.Add(1)
					assert.NoError(t, settle(false))
				case isLockedOut(err):
					locked.Add(1)
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}()
		}
		wg.Wait()
		assert.EqualValues(t, s.limits.LockoutThreshold, reserved.Load(), name)
		assert.EqualValues(t, 50-s.limits.LockoutThreshold, locked.Load(), name)
	}
	assert.Equal(t, 5, dir.users["alice"].FailedAttempts)
}

// TestReserveGuessLockouts checks that a user and an unknown name see the
// same answers over the same sequence of guesses: lockout after the
// threshold, then 1 s doubling.
func TestReserveGuessLockouts(t *testing.T) {
	s, _, c := guessServer(t)
	p := &Pool{ID: "us-east-1_p"}
	trace := func(name string) []string {
		var out []string
		for _, step := range []time.Duration{0, 0, 0, 0, 0, 0, 999 * time.Millisecond, time.Millisecond, 0, 1999 * time.Millisecond, time.Millisecond, 0, 4 * time.Second, 10 * time.Minute} {
			c.add(step)
			_, err := s.reserveGuess(context.Background(), p, name, s.now())
			if err == nil {
				out = append(out, "guess")
			} else {
				out = append(out, challenge.MessageOf(err))
			}
		}
		return out
	}
	known := trace("alice")
	assert.Equal(t, []string{"guess", "guess", "guess", "guess", "guess", challenge.MsgPasswordAttempts,
		challenge.MsgPasswordAttempts, "guess", challenge.MsgPasswordAttempts, challenge.MsgPasswordAttempts,
		"guess", challenge.MsgPasswordAttempts, "guess", "guess"}, known)
	assert.Equal(t, known, trace("nobody"))
}

func TestReserveGuessSettle(t *testing.T) {
	s, dir, _ := guessServer(t)
	p := &Pool{ID: "us-east-1_p"}
	for range 4 {
		settle, err := s.reserveGuess(context.Background(), p, "alice", s.now())
		require.NoError(t, err)
		require.NoError(t, settle(false))
	}
	settle, err := s.reserveGuess(context.Background(), p, "alice", s.now())
	require.NoError(t, err)
	assert.Equal(t, 5, dir.users["alice"].FailedAttempts)
	assert.False(t, dir.users["alice"].LockedUntil.IsZero(), "the fifth reservation starts the lockout")
	require.NoError(t, settle(true))
	assert.Equal(t, 0, dir.users["alice"].FailedAttempts)
	assert.True(t, dir.users["alice"].LockedUntil.IsZero())
}

func decoyServer() (*Server, *Pool, *AppClient) {
	s := &Server{decoyKey: []byte("fuzz decoy key"), rand: rand.Reader, limits: Limits{}.withDefaults()}
	return s, &Pool{ID: "us-east-1_p", AllowedFirstAuthFactors: []string{"PASSWORD", "EMAIL_OTP"}}, &AppClient{ID: "c", PoolID: "us-east-1_p"}
}

func TestDecoyHandleRoundTrip(t *testing.T) {
	s, p, cl := decoyServer()
	now := time.Date(2026, 1, 1, 0, 0, 0, 123, time.UTC)
	for kind := 1; kind < len(decoyKinds); kind++ {
		st := &State{Phase: decoyKinds[kind].phase, Challenge: decoyKinds[kind].name, PoolID: p.ID, ClientID: cl.ID,
			Username: "mallory", Admin: kind%2 == 0, Flow: challenge.FlowUserAuth, Expires: now, Steps: 3, Decoy: true}
		require.True(t, sealable(st))
		h, err := s.sealDecoy(st)
		require.NoError(t, err)
		assert.Len(t, h, 43)
		got, ok := s.openDecoy(h, cl, p, "Mallory") // the typed name stands for the decoy's ID
		require.True(t, ok)
		assert.Equal(t, st.Challenge, got.Challenge)
		assert.Equal(t, st.Phase, got.Phase)
		assert.Equal(t, "mallory", got.Username)
		assert.Equal(t, st.Admin, got.Admin)
		assert.True(t, got.Expires.Equal(now))
		assert.EqualValues(t, 3, got.Steps)
		got, ok = s.openDecoy(h, cl, p, "someone-else")
		require.True(t, ok)
		assert.NotEqual(t, "someone-else", got.Username, "another name is not the decoy's")
		_, ok = s.openDecoy(h, &AppClient{ID: "other"}, p, "mallory")
		assert.False(t, ok, "bound to its client")
	}
}

// FuzzDecoyHandle: any Session string is either refused or a decoy state
// the engine sealed; it never panics.
func FuzzDecoyHandle(f *testing.F) {
	s, p, cl := decoyServer()
	s.rand = zeros{} // the same handle in every fuzzing process
	h, _ := s.sealDecoy(&State{Phase: PhaseSRP, Challenge: challenge.PasswordVerifier, PoolID: p.ID, ClientID: cl.ID,
		Username: "mallory", Flow: challenge.FlowUserSRPAuth, Expires: time.Unix(1e9, 0), Decoy: true})
	f.Add(h, "mallory")
	f.Add("", "")
	f.Add("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "x")
	f.Fuzz(func(t *testing.T, handle, username string) {
		st, ok := s.openDecoy(handle, cl, p, username)
		if ok && (handle != h || !st.Decoy || st.Challenge != challenge.PasswordVerifier) {
			t.Fatalf("a handle the engine did not seal was accepted: %q", handle)
		}
	})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
