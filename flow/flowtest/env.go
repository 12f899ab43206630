package flowtest

import (
	"context"
	"encoding/base64"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/srp"
	"github.com/authflow/authflow/userpool"
)

// Default identifiers of an Env.
const (
	PoolID   = "us-east-1_TestPool1"
	ClientID = "client1234567890abcdefghij"
)

// Options tune an Env. The zero value is a pool with Cognito's defaults and
// a public client that allows every password flow.
type Options struct {
	Seed   uint64                // randomness seed (same seed, same run)
	Pool   func(*flow.Pool)      // adjusts the pool before it is stored
	Client func(*flow.AppClient) // adjusts the client before it is stored
	Limits flow.Limits
	Hooks  flow.Hooks
	// Issuer replaces the fake issuer (e.g. with token.Issuer).
	Issuer userpool.Issuer
	// PoolID replaces the default pool ID (its name part enters SRP).
	PoolID string
	// SRP replaces the server side of SRP (e.g. to replay vectors).
	SRP flow.SRP
	// Passkeys turns passkeys on (webauthn.Ceremonies); PasskeyOrigins are
	// extra allowed origins.
	Passkeys       flow.Passkeys
	PasskeyOrigins []string
}

// Env is a ready-wired engine on memory stores with a manual clock.
type Env struct {
	TB       testing.TB
	Clock    *Clock
	Rand     io.Reader
	Dir      *directory.Memory
	Sessions *session.Memory
	Issuer   *Issuer // the fake issuer (nil when Options.Issuer replaced it)
	Outbox   *Outbox
	// Server is the Cognito user-pool service over the engine: sign-in
	// and every management and self-service operation.
	Server *userpool.Service
	// Engine is the sign-in engine Server drives (Server.Engine()).
	Engine *flow.Server
	Pool   *flow.Pool
	Client *flow.AppClient
	// ClientRand drives the client side (SRP a values) separately from the
	// server, so client choices do not shift the server's random stream.
	ClientRand io.Reader

	mu      sync.Mutex
	pending []string       // transitions not yet taken by a transcript
	taken   map[string]int // every transition the Server took, by edge
}

// trace is the Server's Config.Trace.
func (e *Env) trace(ts []flow.Transition) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, t := range ts {
		e.pending = append(e.pending, t.String())
		e.taken[t.String()]++
	}
}

// TakeTransitions returns the transitions of flow.Transitions the Server
// took since the last call (as "FROM -event-> TO"), in order, and forgets
// them. A Transcript with the Env as its Source records them with each
// call.
func (e *Env) TakeTransitions() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.pending
	e.pending = nil
	return out
}

// Taken counts every transition the Server took over the Env's life, by
// edge ("FROM -event-> TO").
func (e *Env) Taken() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]int, len(e.taken))
	for k, v := range e.taken {
		out[k] = v
	}
	return out
}

// New returns a fresh Env.
func New(tb testing.TB, o Options) *Env {
	tb.Helper()
	clock := NewClock(time.Time{})
	e := &Env{TB: tb, Clock: clock, Rand: Rand(o.Seed), ClientRand: Rand(o.Seed ^ 0x5eed), Outbox: &Outbox{}, taken: map[string]int{}}
	e.Dir = directory.NewMemory()
	e.Sessions = session.NewMemory(session.WithClock(clock.Now), session.WithRand(Rand(o.Seed^0x5e55)))
	var issuer userpool.Issuer
	if o.Issuer != nil {
		issuer = o.Issuer
	} else {
		e.Issuer = NewIssuer(clock.Now)
		issuer = e.Issuer
	}
	poolID := PoolID
	if o.PoolID != "" {
		poolID = o.PoolID
	}
	p := &flow.Pool{ID: poolID, Name: "test", PasswordPolicy: flow.DefaultPasswordPolicy(), MFA: flow.MFAOff,
		Created: clock.Now(), LastModified: clock.Now()}
	if o.Pool != nil {
		o.Pool(p)
	}
	c := &flow.AppClient{ID: ClientID, PoolID: p.ID, Name: "test-client", EnableTokenRevocation: true,
		ExplicitAuthFlows: []string{challenge.ExplicitAllowUserSRPAuth, challenge.ExplicitAllowUserPasswordAuth,
			challenge.ExplicitAllowAdminUserPassword, challenge.ExplicitAllowRefreshTokenAuth, challenge.ExplicitAllowCustomAuth},
		Created: clock.Now(), LastModified: clock.Now()}
	if o.Client != nil {
		o.Client(c)
	}
	ctx := context.Background()
	if err := e.Dir.PutPool(ctx, p); err != nil {
		tb.Fatal(err)
	}
	if err := e.Dir.PutClient(ctx, c); err != nil {
		tb.Fatal(err)
	}
	e.Pool, e.Client = p, c
	s, err := userpool.New(userpool.Config{Directory: e.Dir, Catalog: e.Dir, Sessions: e.Sessions, Issuer: issuer,
		Sender: e.Outbox, Now: clock.Now, Rand: e.Rand, DecoyKey: []byte("flowtest decoy key"),
		Limits: o.Limits, Hooks: o.Hooks, SRP: o.SRP, Passkeys: o.Passkeys, PasskeyOrigins: o.PasskeyOrigins, Trace: e.trace})
	if err != nil {
		tb.Fatal(err)
	}
	e.Server, e.Engine = s, s.Engine()
	return e
}

// AddUser stores a user with a password and a status directly in the
// directory (no sign-up flow), and returns it.
func (e *Env) AddUser(username, password string, status flow.UserStatus, attrs map[string]string) *flow.User {
	e.TB.Helper()
	salt, verifier, err := srp.NewPasswordVerifier(e.Rand, srp.PoolName(e.Pool.ID), username, password)
	if err != nil {
		e.TB.Fatal(err)
	}
	now := e.Clock.Now()
	u := &flow.User{PoolID: e.Pool.ID, Username: username, Sub: "sub-" + username, Status: status, Enabled: true,
		Attributes: attrs, Salt: salt, Verifier: verifier, Created: now, LastModified: now}
	if status == flow.StatusForceChangePassword {
		u.TemporaryPasswordExpires = now.Add(7 * 24 * time.Hour)
	}
	if err := e.Dir.Apply(context.Background(), flow.Change{Kind: flow.ChangeCreate, User: u}); err != nil {
		e.TB.Fatal(err)
	}
	return u
}

// User reads a user back from the directory.
func (e *Env) User(username string) *flow.User {
	e.TB.Helper()
	u, err := e.Dir.User(context.Background(), e.Pool.ID, username)
	if err != nil {
		e.TB.Fatal(err)
	}
	return u
}

// SecretHash computes SECRET_HASH for the Env's client (empty for a public client).
func (e *Env) SecretHash(username string) string {
	if e.Client.Secret == "" {
		return ""
	}
	return srp.SecretHash(e.Client.Secret, username, e.Client.ID)
}

// SRPStart sends InitiateAuth USER_SRP_AUTH and returns the client side and
// the answer.
func (e *Env) SRPStart(ctx context.Context, username string) (*srp.Client, *challenge.InitiateAuthOutput, error) {
	c, err := srp.NewClient(e.ClientRand)
	if err != nil {
		return nil, nil, err
	}
	params := map[string]string{challenge.KeyUsername: username, challenge.KeySRPA: srp.HexInt(c.A())}
	if h := e.SecretHash(username); h != "" {
		params[challenge.KeySecretHash] = h
	}
	out, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserSRPAuth,
		ClientId: e.Client.ID, AuthParameters: params})
	return c, out, err
}

// PasswordVerifierResponse computes the PASSWORD_VERIFIER answer as
// amazon-cognito-identity-js does, at the clock's time.
func (e *Env) PasswordVerifierResponse(c *srp.Client, params map[string]string, password string) (map[string]string, error) {
	return e.PasswordVerifierResponseAt(c, params, password, srp.FormatTimestamp(e.Clock.Now()))
}

// PasswordVerifierResponseAt is PasswordVerifierResponse with a TIMESTAMP
// string of the caller's choice, signed as sent.
func (e *Env) PasswordVerifierResponseAt(c *srp.Client, params map[string]string, password, ts string) (map[string]string, error) {
	userID := params[challenge.KeyUserIDForSRP]
	salt, err := srp.ParseSalt(params[challenge.KeySalt])
	if err != nil {
		return nil, err
	}
	B, err := srp.ParseB(params[challenge.KeySRPB])
	if err != nil {
		return nil, err
	}
	key, err := c.SessionKey(srp.PoolName(e.Pool.ID), userID, password, salt, B)
	if err != nil {
		return nil, err
	}
	secret, err := base64.StdEncoding.DecodeString(params[challenge.KeySecretBlock])
	if err != nil {
		return nil, err
	}
	resp := map[string]string{
		challenge.KeyUsername:                 userID,
		challenge.KeyPasswordClaimSecretBlock: params[challenge.KeySecretBlock],
		challenge.KeyTimestamp:                ts,
		challenge.KeyPasswordClaimSignature:   srp.Signature(key, srp.PoolName(e.Pool.ID), userID, secret, ts),
	}
	if h := e.SecretHash(userID); h != "" {
		resp[challenge.KeySecretHash] = h
	}
	return resp, nil
}

// SRPSignIn runs USER_SRP_AUTH and PASSWORD_VERIFIER and returns the answer
// to the verifier (tokens or the next challenge).
func (e *Env) SRPSignIn(ctx context.Context, username, password string) (*challenge.RespondToAuthChallengeOutput, error) {
	c, out, err := e.SRPStart(ctx, username)
	if err != nil {
		return nil, err
	}
	resp, err := e.PasswordVerifierResponse(c, out.ChallengeParameters, password)
	if err != nil {
		return nil, err
	}
	return e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{
		ChallengeName: challenge.PasswordVerifier, ClientId: e.Client.ID, Session: out.Session, ChallengeResponses: resp})
}

// PasswordSignIn runs USER_PASSWORD_AUTH.
func (e *Env) PasswordSignIn(ctx context.Context, username, password string) (*challenge.InitiateAuthOutput, error) {
	params := map[string]string{challenge.KeyUsername: username, challenge.KeyPassword: password}
	if h := e.SecretHash(username); h != "" {
		params[challenge.KeySecretHash] = h
	}
	return e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth,
		ClientId: e.Client.ID, AuthParameters: params})
}
