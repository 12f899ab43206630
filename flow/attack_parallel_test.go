package flow_test

import (
	"crypto/rand"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/directory/postgresdir"
	"github.com/authflow/authflow/directory/sqlitedir"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/internal/pgtest"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/srp"
	"github.com/authflow/authflow/userpool"
)

// userStore is a Directory and Catalog, as the directory package's are.
type userStore interface {
	userpool.Directory
	userpool.Catalog
}

// serverOn wires a Server on dir with a public client that allows
// USER_PASSWORD_AUTH and a user "victim".
func serverOn(t *testing.T, dir userStore, clientOpts func(*flow.AppClient)) *flow.Server {
	t.Helper()
	clock := flowtest.NewClock(time.Time{})
	p := &flow.Pool{ID: "us-east-1_Attack", Name: "attack", PasswordPolicy: flow.DefaultPasswordPolicy(), MFA: flow.MFAOff}
	c := &flow.AppClient{ID: "attackclient", PoolID: p.ID, Name: "attack",
		ExplicitAuthFlows: []string{challenge.ExplicitAllowUserPasswordAuth, challenge.ExplicitAllowUserSRPAuth}}
	if clientOpts != nil {
		clientOpts(c)
	}
	require.NoError(t, dir.PutPool(ctx, p))
	require.NoError(t, dir.PutClient(ctx, c))
	salt, verifier, err := srp.NewPasswordVerifier(rand.Reader, srp.PoolName(p.ID), "victim", "Correct-horse1")
	require.NoError(t, err)
	require.NoError(t, dir.Apply(ctx, flow.Change{Kind: flow.ChangeCreate, User: &flow.User{PoolID: p.ID, Username: "victim",
		Sub: "sub-victim", Status: flow.StatusConfirmed, Enabled: true, Salt: salt, Verifier: verifier}}))
	s, err := flow.New(flow.Config{Directory: dir, Catalog: dir, Sessions: session.NewMemory(session.WithClock(clock.Now)),
		Issuer: flowtest.NewIssuer(clock.Now), Now: clock.Now})
	require.NoError(t, err)
	return s
}

func directories() map[string]func(t *testing.T) userStore {
	return map[string]func(t *testing.T) userStore{
		"memory": func(t *testing.T) userStore { return directory.NewMemory() },
		"sqlite": func(t *testing.T) userStore {
			d, err := sqlitedir.Open(filepath.Join(t.TempDir(), "users.db"))
			require.NoError(t, err)
			t.Cleanup(func() { d.Close() })
			return d
		},
		"postgres": func(t *testing.T) userStore {
			d, err := postgresdir.Open(pgtest.DSN(t))
			require.NoError(t, err)
			t.Cleanup(func() { d.Close() })
			return d
		},
	}
}

// TestAttackParallelWrongPasswords: 50 wrong passwords sent at once are
// not all evaluated before the lockout; at most LockoutThreshold are (the
// others answer "Password attempts exceeded", or TooManyRequestsException
// when the counter could not be reserved), on every directory. Before the
// fix the read-check-write of the counter let all 50 through on SQLite.
func TestAttackParallelWrongPasswords(t *testing.T) {
	for name, open := range directories() {
		t.Run(name, func(t *testing.T) {
			s := serverOn(t, open(t), nil)
			const n = 50
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = s.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: "attackclient",
						AuthParameters: map[string]string{"USERNAME": "victim", "PASSWORD": "Wrong-guess" + string(rune('A'+i%26))}})
				}()
			}
			close(start)
			wg.Wait()
			evaluated, locked, busy := 0, 0, 0
			for _, err := range errs {
				switch {
				case challenge.MessageOf(err) == challenge.MsgIncorrectCredentials:
					evaluated++
				case challenge.MessageOf(err) == challenge.MsgPasswordAttempts:
					locked++
				case challenge.CodeOf(err) == challenge.ErrTooManyRequests:
					busy++
				default:
					t.Errorf("unexpected answer: %v", err)
				}
			}
			t.Logf("%s: %d of %d parallel wrong passwords evaluated, %d locked out, %d refused as busy", name, evaluated, n, locked, busy)
			assert.LessOrEqual(t, evaluated, 5)
			assert.GreaterOrEqual(t, evaluated, 1)
		})
	}
}
