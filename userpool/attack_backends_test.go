package userpool_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
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
	"github.com/authflow/authflow/session/redisstore"
	"github.com/authflow/authflow/srp"
	"github.com/authflow/authflow/userpool"
)

// The self-service attacks of issue 12 (items 2, 4, 5) against every
// directory (memory, SQLite, PostgreSQL with AUTHFLOW_POSTGRES_DSN) and
// every session store and Limiter (memory, Redis with AUTHFLOW_REDIS_URL).
// They do not move the clock across a window (Redis windows run on real
// time); the manual-clock tests cover that.

type backendUserDir interface {
	userpool.Directory
	userpool.Catalog
}

type selfServiceBackend struct {
	server *userpool.Service
	dir    backendUserDir
	outbox *flowtest.Outbox
	pool   *flow.Pool
	client *flow.AppClient
}

func (b *selfServiceBackend) user(t *testing.T, name string) *flow.User {
	t.Helper()
	u, err := b.dir.User(context.Background(), b.pool.ID, name)
	require.NoError(t, err)
	return u
}

func (b *selfServiceBackend) addUser(t *testing.T, name string, status flow.UserStatus, attrs map[string]string) {
	t.Helper()
	u := &flow.User{PoolID: b.pool.ID, Username: name, Sub: "sub-" + name, Status: status, Enabled: true, Attributes: attrs,
		Created: flowtest.Epoch, LastModified: flowtest.Epoch}
	require.NoError(t, b.dir.Apply(context.Background(), flow.Change{Kind: flow.ChangeCreate, User: u}))
}

// addUserWithPassword stores a confirmed user with a password and returns
// an access token of a sign-in.
func (b *selfServiceBackend) addUserWithPassword(t *testing.T, name, password string) string {
	t.Helper()
	salt, verifier, err := srp.NewPasswordVerifier(rand.Reader, srp.PoolName(b.pool.ID), name, password)
	require.NoError(t, err)
	u := &flow.User{PoolID: b.pool.ID, Username: name, Sub: "sub-" + name, Status: flow.StatusConfirmed, Enabled: true,
		Salt: salt, Verifier: verifier, Created: flowtest.Epoch, LastModified: flowtest.Epoch}
	require.NoError(t, b.dir.Apply(context.Background(), flow.Change{Kind: flow.ChangeCreate, User: u}))
	out, err := b.server.InitiateAuth(context.Background(), &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth,
		ClientId: b.client.ID, AuthParameters: map[string]string{challenge.KeyUsername: name, challenge.KeyPassword: password}})
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
	return out.AuthenticationResult.AccessToken
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// openPostgres opens a directory in a fresh schema of AUTHFLOW_POSTGRES_DSN,
// dropped when the test ends.
func openPostgres(t *testing.T) backendUserDir {
	d, err := postgresdir.Open(pgtest.DSN(t))
	require.NoError(t, err)
	t.Cleanup(func() { d.Close() })
	return d
}

// openRedis returns a session store (and Limiter) under a fresh prefix of
// AUTHFLOW_REDIS_URL, its keys deleted when the test ends.
func openRedis(t *testing.T) *redisstore.Store {
	url := os.Getenv("AUTHFLOW_REDIS_URL")
	if url == "" {
		t.Skip("AUTHFLOW_REDIS_URL is not set")
	}
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	client := redis.NewClient(opt)
	prefix := "authflow-selfservice-test:" + randomHex(8) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
		_ = client.Close()
	})
	return redisstore.New(client, prefix)
}

// forEachBackend runs f against every combination of directory and store
// available.
func forEachBackend(t *testing.T, f func(t *testing.T, b *selfServiceBackend)) {
	dirs := map[string]func(t *testing.T) backendUserDir{
		"memory": func(*testing.T) backendUserDir { return directory.NewMemory() },
		"sqlite": func(t *testing.T) backendUserDir {
			d, err := sqlitedir.Open(":memory:")
			require.NoError(t, err)
			t.Cleanup(func() { d.Close() })
			return d
		},
		"postgres": openPostgres,
	}
	for _, dn := range []string{"memory", "sqlite", "postgres"} {
		for _, sn := range []string{"memory", "redis"} {
			t.Run(dn+"+"+sn, func(t *testing.T) {
				clock := flowtest.NewClock(time.Time{})
				var store flow.Store
				if sn == "redis" {
					store = openRedis(t)
				} else {
					store = session.NewMemory(session.WithClock(clock.Now))
				}
				d := dirs[dn](t)
				ctx := context.Background()
				p := &flow.Pool{ID: "us-east-1_SelfSvc" + randomHex(3), Name: "selfservice", PasswordPolicy: flow.DefaultPasswordPolicy(),
					MFA: flow.MFAOff, AutoVerifiedAttributes: []string{"email"}, AliasAttributes: []string{"email"}}
				c := &flow.AppClient{ID: "selfservice" + randomHex(8), PoolID: p.ID, Name: "c",
					PreventUserExistenceErrors: challenge.PreventUserExistenceErrorsOn,
					ExplicitAuthFlows:          []string{challenge.ExplicitAllowUserPasswordAuth, challenge.ExplicitAllowRefreshTokenAuth}}
				require.NoError(t, d.PutPool(ctx, p))
				require.NoError(t, d.PutClient(ctx, c))
				b := &selfServiceBackend{dir: d, outbox: &flowtest.Outbox{}, pool: p, client: c}
				s, err := userpool.New(userpool.Config{Directory: d, Catalog: d, Sessions: store, Issuer: flowtest.NewIssuer(clock.Now),
					Sender: b.outbox, Now: clock.Now, DecoyKey: []byte("backend decoy key")})
				require.NoError(t, err)
				b.server = s
				f(t, b)
			})
		}
	}
}

// TestAttackSelfServiceBackends: the request budget, the guess budget (50
// parallel wrong codes: at most 5 evaluated, each counted in the
// directory), and alias uniqueness with an atomic ForceAliasCreation, on
// every backend.
func TestAttackSelfServiceBackends(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *selfServiceBackend) {
		ctx := context.Background()
		b.addUser(t, "kim", flow.StatusConfirmed, map[string]string{"email": "kim@example.com", "email_verified": "true"})

		// Code requests: the same budget for a user and for a stranger.
		for _, name := range []string{"kim", "stranger"} {
			for i := 0; i < userpool.DefaultCodeRequests; i++ {
				_, err := b.server.ForgotPassword(ctx, &challenge.UsernameInput{ClientId: b.client.ID, Username: name})
				require.NoError(t, err, "%s request %d", name, i+1)
			}
			_, err := b.server.ForgotPassword(ctx, &challenge.UsernameInput{ClientId: b.client.ID, Username: name})
			requireCode(t, err, challenge.ErrLimitExceeded, "Attempt limit exceeded, please try after some time.")
		}
		msg, ok := b.outbox.Last("kim", "FORGOT_PASSWORD")
		require.True(t, ok)

		// 50 wrong codes in parallel: at most DefaultCodeGuesses are
		// evaluated, and each of those counted towards the lockout.
		var wg sync.WaitGroup
		var mu sync.Mutex
		answers := map[challenge.Code]int{}
		for range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := b.server.ConfirmForgotPassword(ctx, &challenge.ConfirmForgotPasswordInput{ClientId: b.client.ID,
					Username: "kim", ConfirmationCode: wrongCode(msg.Code), Password: "Attacker-pw1"})
				mu.Lock()
				answers[challenge.CodeOf(err)]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		t.Logf("50 parallel wrong codes: %v", answers)
		assert.LessOrEqual(t, answers[challenge.ErrCodeMismatch], userpool.DefaultCodeGuesses)
		assert.Equal(t, answers[challenge.ErrCodeMismatch], b.user(t, "kim").FailedAttempts, "every evaluated code is counted")
		_, err := b.server.ConfirmForgotPassword(ctx, &challenge.ConfirmForgotPasswordInput{ClientId: b.client.ID,
			Username: "kim", ConfirmationCode: msg.Code, Password: "Attacker-pw1"})
		require.Error(t, err, "the right code after the budget is spent")

		// A stranger's sign-up cannot confirm onto kim's verified alias
		// without ForceAliasCreation; with it, the move is one write.
		_, err = b.server.SignUp(ctx, &challenge.SignUpInput{ClientId: b.client.ID, Username: "lee", Password: "Correct-horse1",
			UserAttributes: []challenge.AttributeType{{Name: "email", Value: "KIM@example.com"}, {Name: "email_verified", Value: "true"}}})
		requireCode(t, err, challenge.ErrNotAuthorized, "A client attempted to write unauthorized attribute")
		_, err = b.server.SignUp(ctx, &challenge.SignUpInput{ClientId: b.client.ID, Username: "lee", Password: "Correct-horse1",
			UserAttributes: []challenge.AttributeType{{Name: "email", Value: "KIM@example.com"}}})
		require.NoError(t, err)
		code, ok := b.outbox.Last("lee", "SIGN_UP")
		require.True(t, ok)
		_, err = b.server.ConfirmSignUp(ctx, &challenge.ConfirmSignUpInput{ClientId: b.client.ID, Username: "lee", ConfirmationCode: code.Code})
		requireCode(t, err, challenge.ErrAliasExists, "An account with the given email already exists.")
		assert.Equal(t, "true", b.user(t, "kim").Attributes["email_verified"])
		_, err = b.server.ConfirmSignUp(ctx, &challenge.ConfirmSignUpInput{ClientId: b.client.ID, Username: "lee", ConfirmationCode: code.Code,
			ForceAliasCreation: true})
		require.NoError(t, err)
		assert.Equal(t, "false", b.user(t, "kim").Attributes["email_verified"])
		assert.Equal(t, "true", b.user(t, "lee").Attributes["email_verified"])
		assert.Equal(t, flow.StatusConfirmed, b.user(t, "lee").Status)
	})
}

// TestAttackChangePasswordParallelGuesses: with a stolen access token, 50
// parallel ChangePassword calls with wrong previous passwords are checked
// no further than the lockout allows (the read-check-write of the
// failure counter let them all through), on every backend.
func TestAttackChangePasswordParallelGuesses(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *selfServiceBackend) {
		access := b.addUserWithPassword(t, "pat", "Correct-horse1")
		var wg sync.WaitGroup
		var mu sync.Mutex
		answers := map[string]int{}
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := b.server.ChangePassword(context.Background(), &challenge.ChangePasswordInput{AccessToken: access,
					PreviousPassword: fmt.Sprintf("Guess-%02d-pw!", i), ProposedPassword: "Attacker-pw1"})
				mu.Lock()
				answers[string(challenge.CodeOf(err))+": "+challenge.MessageOf(err)]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		t.Logf("50 parallel wrong previous passwords: %v", answers)
		evaluated := answers["NotAuthorizedException: "+challenge.MsgIncorrectCredentials]
		assert.LessOrEqual(t, evaluated, 5, "previous passwords checked past the lockout")
		assert.Equal(t, evaluated, b.user(t, "pat").FailedAttempts, "every checked guess is counted")
		for a := range answers {
			assert.Contains(t, []string{"NotAuthorizedException: " + challenge.MsgIncorrectCredentials,
				"LimitExceededException: Attempt limit exceeded, please try after some time.",
				"TooManyRequestsException: Too many concurrent attempts for the user, please try after some time."}, a)
		}
	})
}
