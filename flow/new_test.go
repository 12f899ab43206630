package flow_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/client"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/srp"
)

func TestNewPoolAndAppClient(t *testing.T) {
	p := flow.NewPool("eu-west-1_Shop42")
	assert.Equal(t, "eu-west-1_Shop42", p.ID)
	assert.Equal(t, "Shop42", p.Name)
	assert.Equal(t, "eu-west-1", p.Region())
	assert.Equal(t, "arn:aws:cognito-idp:eu-west-1:000000000000:userpool/eu-west-1_Shop42", p.Arn)
	assert.Equal(t, flow.DefaultPasswordPolicy(), p.PasswordPolicy)
	assert.Equal(t, flow.MFAOff, p.MFA)
	assert.False(t, p.CaseSensitive)
	assert.Nil(t, p.Devices)
	assert.Equal(t, []string{"PASSWORD"}, p.AllowedFirstAuthFactors)
	assert.Equal(t, 3*time.Minute, p.CodeValidity)

	c := flow.NewAppClient(p, "app1")
	assert.Equal(t, "app1", c.ID)
	assert.Equal(t, p.ID, c.PoolID)
	assert.Empty(t, c.Secret)
	assert.Equal(t, challenge.PreventUserExistenceErrorsOn, c.PreventUserExistenceErrors)
	assert.True(t, c.EnableTokenRevocation)
	assert.True(t, c.Allows(challenge.FlowUserSRPAuth))
	assert.True(t, c.Allows(challenge.FlowRefreshTokenAuth))
	assert.False(t, c.Allows(challenge.FlowUserPasswordAuth))
	assert.Equal(t, time.Hour, c.AccessTokenValidity)
	assert.Equal(t, 30*24*time.Hour, c.RefreshTokenValidity)
}

func TestNewUser(t *testing.T) {
	p := flow.NewPool("us-east-1_Example")
	at := flowtest.Epoch
	u, err := flow.NewUser(p, "Alice", "Correct-horse1", flow.WithRand(flowtest.Rand(1)), flow.WithTime(at),
		flow.WithAttributes(map[string]string{"email": "Alice@Example.COM", "given_name": "Alice"}))
	require.NoError(t, err)
	assert.Equal(t, "alice", u.Username, "canonical in a case-insensitive pool")
	assert.Equal(t, p.ID, u.PoolID)
	assert.Equal(t, flow.StatusConfirmed, u.Status)
	assert.True(t, u.Enabled)
	assert.Equal(t, map[string]string{"email": "alice@example.com", "given_name": "Alice"}, u.Attributes)
	assert.Equal(t, at, u.Created)
	_, err = uuid.Parse(u.Sub)
	require.NoError(t, err)
	assert.True(t, srp.CheckPassword(u.Salt, u.Verifier, "Example", "alice", "Correct-horse1"))
	assert.False(t, srp.CheckPassword(u.Salt, u.Verifier, "Example", "alice", "Correct-horse2"))

	again, err := flow.NewUser(p, "Alice", "Correct-horse1", flow.WithRand(flowtest.Rand(1)), flow.WithTime(at),
		flow.WithAttributes(map[string]string{"email": "Alice@Example.COM", "given_name": "Alice"}))
	require.NoError(t, err)
	assert.Equal(t, u, again, "the same seed gives the same user")

	temp, err := flow.NewUser(p, "tess", "Temp-pass1", flow.WithTemporaryPassword(), flow.WithTime(at))
	require.NoError(t, err)
	assert.Equal(t, flow.StatusForceChangePassword, temp.Status)
	assert.Equal(t, at.Add(7*24*time.Hour), temp.TemporaryPasswordExpires)

	none, err := flow.NewUser(p, "pat", "")
	require.NoError(t, err)
	assert.False(t, none.HasPassword())
	assert.Nil(t, none.Attributes)

	sensitive := flow.NewPool("us-east-1_Sensitive")
	sensitive.CaseSensitive = true
	s, err := flow.NewUser(sensitive, "Alice", "Correct-horse1",
		flow.WithAttributes(map[string]string{"preferred_username": "Ally"}))
	require.NoError(t, err)
	assert.Equal(t, "Alice", s.Username)
	assert.Equal(t, "Ally", s.Attributes["preferred_username"])
}

func TestNewUserWithUsernameAttributes(t *testing.T) {
	p := flow.NewPool("us-east-1_Emails")
	p.UsernameAttributes = []string{"email"}
	u, err := flow.NewUser(p, "Bob@Example.com", "Correct-horse1")
	require.NoError(t, err)
	assert.Equal(t, u.Sub, u.Username, "the username is the sub")
	assert.Equal(t, "bob@example.com", u.Attributes["email"])
	assert.True(t, srp.CheckPassword(u.Salt, u.Verifier, "Emails", u.Sub, "Correct-horse1"))

	_, err = flow.NewUser(p, "bob", "Correct-horse1")
	wantError(t, err, challenge.ErrInvalidParameter, "Username should be an email or a phone number.")
	_, err = flow.NewUser(p, "+15555550100", "Correct-horse1")
	wantError(t, err, challenge.ErrInvalidParameter, "Username should be an email or a phone number.")
}

func TestNewUserRefuses(t *testing.T) {
	p := flow.NewPool("us-east-1_Example")
	for _, tc := range []struct {
		name     string
		pool     *flow.Pool
		username string
		password string
		opts     []flow.UserOption
		code     challenge.Code
		msg      string
	}{
		{"nil pool", nil, "alice", "Correct-horse1", nil, challenge.ErrInvalidParameter, "Missing user pool."},
		{"empty username", p, "", "Correct-horse1", nil, challenge.ErrInvalidParameter, "Username is not valid."},
		{"space", p, "al ice", "Correct-horse1", nil, challenge.ErrInvalidParameter, "Username is not valid."},
		{"not UTF-8", p, "al\xffice", "Correct-horse1", nil, challenge.ErrInvalidParameter, "Username is not valid."},
		{"long username", p, string(make([]byte, 129)), "Correct-horse1", nil, challenge.ErrInvalidParameter, "Username is not valid."},
		{"weak password", p, "alice", "password", nil, challenge.ErrInvalidPassword,
			"Password did not conform with policy: Password must have uppercase characters"},
		{"sub", p, "alice", "Correct-horse1", []flow.UserOption{flow.WithAttributes(map[string]string{"sub": "x"})},
			challenge.ErrInvalidParameter, "Cannot modify the non-mutable attribute sub"},
		{"empty attribute name", p, "alice", "Correct-horse1", []flow.UserOption{flow.WithAttributes(map[string]string{"": "x"})},
			challenge.ErrInvalidParameter, "Invalid attribute name."},
		{"temporary without password", p, "alice", "", []flow.UserOption{flow.WithTemporaryPassword()},
			challenge.ErrInvalidParameter, "A temporary password is required."},
		{"rand fails", p, "alice", "Correct-horse1", []flow.UserOption{flow.WithRand(failingReader{})},
			challenge.ErrInternalError, "An internal error occurred."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := flow.NewUser(tc.pool, tc.username, tc.password, tc.opts...)
			assert.Nil(t, u)
			wantError(t, err, tc.code, tc.msg)
		})
	}
}

// wantError asserts that err carries code and message.
func wantError(t *testing.T, err error, code challenge.Code, msg string) {
	t.Helper()
	require.Error(t, err)
	assert.Equal(t, code, challenge.CodeOf(err), "code of %v", err)
	assert.Equal(t, msg, challenge.MessageOf(err))
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, assert.AnError }

// TestNewUserSignsInByAlias: the constructors' users are found the way the
// engine looks them up: a verified email alias typed in another case.
func TestNewUserSignsInByAlias(t *testing.T) {
	ctx := context.Background()
	pool := flow.NewPool("us-east-1_Alias")
	pool.AliasAttributes = []string{"email"}
	app := flow.NewAppClient(pool, "aliasapp")
	u, err := flow.NewUser(pool, "carol", "Correct-horse1",
		flow.WithAttributes(map[string]string{"email": "Carol@Example.com", "email_verified": "true"}))
	require.NoError(t, err)
	dir := directory.NewMemory()
	require.NoError(t, dir.PutPool(ctx, pool))
	require.NoError(t, dir.PutClient(ctx, app))
	require.NoError(t, dir.Apply(ctx, flow.Change{Kind: flow.ChangeCreate, User: u}))
	engine, err := flow.New(flow.Config{Directory: dir, Catalog: dir, Sessions: session.NewMemory(),
		Issuer: flowtest.NewIssuer(time.Now)})
	require.NoError(t, err)

	cfg := client.Config{PoolID: pool.ID, ClientID: app.ID}
	res, err := client.Run(ctx, engine, client.NewSRPLogin(cfg, "CAROL@example.COM", "Correct-horse1"), nil)
	require.NoError(t, err)
	assert.NotEmpty(t, res.AccessToken)

	_, err = client.Run(ctx, engine, client.NewSRPLogin(cfg, "carol", "Correct-horse2"), nil)
	wantError(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")
}
