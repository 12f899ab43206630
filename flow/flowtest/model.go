package flowtest

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/srp"
)

// Known deviations of the engine (or of the fake Issuer) from what the
// model holds to be right, which ModelOptions.Tolerate can name so that a
// run checks everything else. Each is reported to the engine's owner.
const (
	// StaleProof: a sign-in started before an administrator replaced the
	// user's password can still finish with the old password (the SRP key
	// is fixed at InitiateAuth, and NEW_PASSWORD_REQUIRED does not check
	// that the temporary password it proved is still the user's). Strictly
	// (not tolerated) the model wants NotAuthorizedException.
	StaleProof = "stale-proof"
	// SameInstantSignOut: the fake Issuer refuses access tokens issued at
	// the very instant of an earlier global sign-out of their user (it
	// compares issue time with sign-out time, inclusive), so a sign-in
	// right after a GlobalSignOut on a manual clock yields an access token
	// that is already "revoked". Tolerated, the model accepts either answer
	// for such a token.
	SameInstantSignOut = "same-instant-sign-out"
	// LostWrongAnswers: wrong answers sent to one session at the same time
	// each count from the same stored count (the session store's Replace
	// does not compare before it swaps), so a session takes more wrong
	// answers in parallel than MaxWrongAnswers allows in sequence. It
	// matters most for SMS, email and TOTP codes. Tolerated, the model
	// leaves out its RaceWrongAnswers action.
	LostWrongAnswers = "lost-wrong-answers"
)

// ModelOptions tune a Model. The zero value is a pool with Cognito's
// defaults, PreventUserExistenceErrors drawn per sequence, and 10,000
// sequences of 5 to 30 actions for Run.
type ModelOptions struct {
	// Env configures the engine under test, as for New. Env.Seed 0 means
	// the model draws a seed per sequence. Env.Pool and Env.Client run
	// after the model's own settings, so they can override them; the
	// model reads the resulting configuration back (existence errors,
	// session validity, password policy, token validities). The model
	// assumes the client allows USER_SRP_AUTH, USER_PASSWORD_AUTH,
	// ADMIN_USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH (and CUSTOM_AUTH
	// with CustomAuth), and that the pool has MFA off unless TOTP sets it
	// OPTIONAL (an MFA extension wraps FirstFactor through SecondFactor).
	Env Options
	// PreventUserExistenceErrors is "ENABLED" or "LEGACY"; "" draws one
	// per sequence.
	PreventUserExistenceErrors string
	// PasswordHistorySize is the pool's PasswordHistorySize: 0 draws 0 or
	// 2 per sequence, negative keeps no history, positive keeps that many.
	PasswordHistorySize int
	// MinSteps and MaxSteps bound the number of actions Model.Repeat runs
	// (defaults 5 and 30).
	MinSteps, MaxSteps int
	// Checks is the number of random sequences Run checks (default
	// DefaultChecks, 10,000).
	// An explicit -rapid.checks, -rapid.seed or -rapid.failfile (or
	// RAPID_CHECKS) takes precedence: Run then makes one rapid.Check.
	Checks int
	// Tolerate names known deviations (StaleProof, SameInstantSignOut,
	// LostWrongAnswers) the model accepts instead of failing.
	Tolerate []string
	// NoRaces leaves out the actions that answer one session from several
	// goroutines at once (RaceRightAnswers, RaceWrongAnswers): which racer
	// wins is the scheduler's choice, so a transcript that must be the same
	// for the same seed cannot contain them.
	NoRaces bool
	// TB is the enclosing test. The Env's testing.TB sends failures to the
	// rapid.T and the rest (TempDir, Setenv, ...) here; nil is fine for
	// models that need none of it.
	TB testing.TB
	// TOTP makes the pool's MFA OPTIONAL with TOTP enabled and adds a user
	// "mike" with a verified software token, the TOTP actions and the
	// invariants InvMFANeedsSecondFactor and InvTOTPDirectory.
	TOTP bool
	// CustomAuth installs Define/Create/VerifyAuthChallenge hooks whose
	// number of rounds (1 to 3) and handling of a wrong answer rapid draws
	// per model, the CUSTOM_AUTH actions and the invariant
	// InvCustomAllRounds. With custom-auth hooks of your own (in Hooks or
	// Env.Hooks) leave it false: the model never replaces them, and
	// NewModel fails when both are asked for.
	CustomAuth bool
	// Devices makes the pool track devices (ChallengeRequiredOnNewDevice,
	// remembered at once) and adds the device actions (alice and mike
	// confirm, use and forget devices; any confirmed user may send another
	// user's key) and the invariants InvDeviceSecret, InvDeviceForgotten
	// and InvDeviceDirectory. A proven remembered device
	// replaces mike's TOTP.
	Devices bool
	// UserAuth lets the client use USER_AUTH, sets the pool's
	// AllowedFirstAuthFactors to PASSWORD and EMAIL_OTP, gives alice a
	// verified email address, draws the client's AuthSessionValidity (3 or
	// 5 minutes, so that a one-time code can expire in a live session), and
	// adds the USER_AUTH actions (preferred PASSWORD, PASSWORD_SRP and
	// EMAIL_OTP, SELECT_CHALLENGE and its answers, one-time codes) and the
	// invariant InvUserAuthProven.
	UserAuth bool
	// Setup runs once the model has its Env, users and standard actions and
	// invariants, before the first action: extensions add users, actions
	// and invariants here.
	Setup func(m *Model)
	// Hooks are the embedder's own triggers, installed in the engine under
	// test as given (over Env.Hooks) and never replaced by the model's. The
	// model must know what they decide, so that InvPredictedAnswer and the
	// other invariants hold with them: PreAuthentication needs
	// Decide.PreAuthentication; PreTokenGeneration is installed as given
	// and must not fail (the model reads no claims); custom-auth hooks
	// are installed as given, with CustomAuth false, and the model runs no
	// CUSTOM_AUTH actions against them unless Setup adds some. NewModel
	// fails for a PostAuthentication or UserMigration hook, and for a
	// PreAuthentication hook without its decision.
	Hooks flow.Hooks
	// Decide tells the model what Hooks (and Env.Hooks) decide.
	Decide HookDecisions
}

// HookDecisions tell the model what the embedder's own hooks decide, one
// predicate per hook, so that it predicts the engine's answers with them.
type HookDecisions struct {
	// PreAuthentication returns the error the PreAuthentication hook
	// refuses u's sign-in with, or nil when it lets u through. u is the
	// user as the directory holds it when the sign-in starts. The model
	// then expects every InitiateAuth and AdminInitiateAuth of u (password,
	// SRP, USER_AUTH or custom) to fail with it before any other check, as
	// the engine runs the hook: a *challenge.Error as it is, any other
	// error as UserLambdaValidationException "PreAuthentication failed
	// with error <message>.". Unknown names never reach the hook.
	PreAuthentication func(u *flow.User) error
}

// PreAuthRefusal is the answer the embedder's PreAuthentication hook gives
// a sign-in of u, as Decide.PreAuthentication predicts it; nil when there
// is no such hook or it lets u through.
func (m *Model) PreAuthRefusal(u *UserState) *Expect {
	if u == nil || m.Opts.Decide.PreAuthentication == nil {
		return nil
	}
	err := m.Opts.Decide.PreAuthentication(m.Env.User(u.Name))
	if err == nil {
		return nil
	}
	var ce *challenge.Error
	if errors.As(err, &ce) {
		return expectErr(ce.Code, "the PreAuthentication hook refuses the user", ce.Message)
	}
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return expectErr(challenge.ErrUserLambdaValidation, "the PreAuthentication hook refuses the user",
		"PreAuthentication failed with error "+msg+".")
}

// Model is a pgregory.net/rapid state machine of one user pool: it drives
// random sequences of calls against a real flow.Server (an Env) and, after
// every action, checks named invariants over the calls just made and over
// the whole pool. Create one per rapid test case with NewModel (Run does);
// it is not safe for concurrent use.
//
// # How it works
//
// The Model keeps its own account of the pool: each user's password,
// status, enabled flag and lockout counter (UserState), every session
// handle the engine handed out (Session), every refresh and access token
// obtained (Grant, AccessToken), and the clock. Each action
//
//  1. draws its inputs with rapid (who, which password, which session),
//  2. calls the engine (Initiate, Respond, or the Env's Server directly),
//     noting what the model knew before the call: Call.Proof (did it prove
//     every factor tokens need?), whether the answered session was spent
//     or expired, whether the presented token was revoked,
//  3. steps the model (the Step* methods): Call.Expect is the answer the
//     pool's rules give, the model's state moves as they say, and what the
//     call created (session handles, tokens) is remembered,
//  4. records the call (Record: history, transcript, pending for Check).
//
// The engine never changes the model, so stepping after the call sees
// the state as it was before it. Check then runs every Invariant over the
// new calls (Invariant.Call) and over the model (Invariant.State), and
// fails the rapid test naming the invariant that broke; each call is
// logged, so rapid's failure output reads as a transcript.
//
// # Extending the model
//
// A later capability (MFA, devices, custom auth) adds users, actions and
// invariants in ModelOptions.Setup, without changing the model:
//
//	opts := flowtest.ModelOptions{Setup: func(m *flowtest.Model) {
//		m.AddAction(flowtest.Action{Name: "AnswerTOTP", Weight: 3,
//			Enabled: func() bool { return len(m.LiveSessions(challenge.SoftwareTokenMFA)) > 0 },
//			Run: func(t *rapid.T) {
//				s := m.DrawSession(t, m.LiveSessions(challenge.SoftwareTokenMFA))
//				resp := map[string]string{"USERNAME": s.User, "SOFTWARE_TOKEN_MFA_CODE": code}
//				c := m.Respond("AnswerTOTP", s, challenge.SoftwareTokenMFA, resp, false)
//				c.Proof = ...                  // did the answer prove every factor?
//				if !m.SessionGate(c, s, challenge.SoftwareTokenMFA) {
//					c.Expect = ...             // what the pool's rules say; move the model
//				}
//				m.Record(c)                    // queue it for Check
//			}})
//		m.AddInvariant(flowtest.Invariant{Name: "a TOTP code works once", Call: ...})
//	}}
//	flowtest.Run(t, opts)
//
// An answer made with Respond sets Call.Answered, so the session
// invariants (spent, expired) cover its challenge too; an action whose
// call can return tokens sets Call.Proof, which the first invariant holds
// it to; an action that presents a token sets Call.Presented and
// Call.TokenRevoked. Expect may be left nil when the model makes no
// prediction. The one place that decides what follows a proven password
// is FirstFactor: an MFA extension wraps it in its own step methods.
type Model struct {
	Env  *Env
	Opts ModelOptions
	// Users is the model's account of every user, by canonical username.
	// Names are the usernames actions pick from: the users and some names
	// nobody has (decoys).
	Users map[string]*UserState
	Names []string
	// Sessions are every session handle handed out, oldest first.
	Sessions []*Session
	// Grants are every sign-in that produced tokens, oldest first.
	Grants []*Grant
	// Calls counts the calls made; History keeps them all, oldest first.
	Calls   int
	History []*Call
	// Transcript records every call's request and answer.
	Transcript *Transcript
	// Invariants are checked by Check, in order.
	Invariants []Invariant

	// The configuration the model read back from the Env.
	Prevent         bool          // PreventUserExistenceErrors ENABLED
	SessionValidity time.Duration // AuthSessionValidity, clamped to 3..15 minutes
	AccessValidity  time.Duration
	RefreshValidity time.Duration
	// Decoys is the lockout counter of each unknown name that made a
	// guess under PreventUserExistenceErrors ENABLED (by decoy ID): the
	// engine counts their failures as a user's, so that "Password attempts
	// exceeded" does not tell who exists.
	Decoys     map[string]*UserState
	decoySince map[string]time.Time   // the first failure of each window
	guesses    map[string]*guessTrack // InvGuessesBounded's own count, per user
	Limits     flow.Limits            // with the engine's defaults filled in
	Policy     flow.PasswordPolicy

	// SecondFactorDue, when set, reports whether a second factor is due
	// after u proves a password: the password then proves no tokens.
	// SecondFactor, when set, is asked by FirstFactor and StepNewPassword
	// before they predict tokens; a non-nil Expect (a second factor's
	// challenge) replaces them.
	SecondFactorDue func(u *UserState) bool
	SecondFactor    func(c *Call, u *UserState, epoch, steps int) *Expect

	mfa    *mfaModel
	custom *customModel
	dev    *deviceModel
	ua     *userAuthModel

	ctx      context.Context
	t        *rapid.T
	actions  []Action
	pending  []*Call
	tolerate map[string]bool
}

// UserState is the model's account of one user.
type UserState struct {
	Name     string // canonical username
	Password string // the current password
	// Epoch counts password changes: a proof refers to the epoch of the
	// password it proved.
	Epoch int
	// History holds earlier passwords, newest first, as far as the pool's
	// PasswordHistorySize keeps them.
	History     []string
	Status      flow.UserStatus
	Enabled     bool
	Failed      int       // consecutive failed sign-ins
	LockedUntil time.Time // zero when not locked
	TempExpires time.Time // FORCE_CHANGE_PASSWORD: when the temporary password expires
	// SignedOut is the time of the latest global sign-out (GlobalSignOut,
	// AdminUserGlobalSignOut, AdminDisableUser); SignOuts counts them.
	SignedOut time.Time
	SignOuts  int
}

// Session is a session handle the engine handed out.
type Session struct {
	Handle string
	Kind   challenge.Name // the pending challenge
	// User is the USER_ID_FOR_SRP the engine named: the canonical
	// username, or for a decoy the name as sent.
	User   string
	Decoy  bool
	Admin  bool // started through AdminInitiateAuth
	Issued time.Time
	// Spent is set once the session produced a success or a terminal
	// failure (or was refused as expired): it must never work again.
	Spent bool
	Wrong int // wrong answers the session took and survived
	Steps int // answers given in this sign-in so far
	// Password is the password this session refers to: for
	// PASSWORD_VERIFIER the one whose verifier the challenge used, for
	// NEW_PASSWORD_REQUIRED the temporary password that was proven. Epoch
	// is its epoch.
	Password string
	Epoch    int
	// Params are the challenge parameters the engine sent.
	Params map[string]string
	// Extra is free for extensions.
	Extra map[string]any

	client  *srp.Client
	answers map[string]map[string]string // PASSWORD_VERIFIER responses computed, by password
}

// Grant is one sign-in that produced tokens: its refresh token and the
// access tokens issued from it (the fake Issuer's origin).
type Grant struct {
	User    string
	Refresh string
	Issued  time.Time
	Revoked bool // by GlobalSignOut, AdminUserGlobalSignOut, AdminDisableUser or RevokeToken
	Access  []*AccessToken
}

// AccessToken is one access token obtained.
type AccessToken struct {
	Token  string
	Grant  *Grant
	Issued time.Time
}

// Proof is what a call proved, as the model sees it: whether every factor
// the pool requires for tokens was proven, and if not, what was missing.
type Proof struct {
	Proven bool
	Why    string
}

// Call is one call the model made: what it sent, what the model knew
// before it, what it predicted, and what came back.
type Call struct {
	N       int    // 1-based sequence number
	Action  string // the model action that made it
	Op      string // the operation, as errors.md names it
	Request any
	Summary string // a short human summary of the request
	At      time.Time
	User    string // the user the call is about (canonical), "" if none

	// What the model knew before the call.
	Answered       *Session // the session answered, nil for none
	SessionSpent   bool     // it was already spent
	SessionExpired bool     // the clock had passed its validity
	Presented      string   // the token presented ("refresh" or "access"), "" for none
	TokenRevoked   bool     // the presented token was revoked
	Proof          Proof
	Expect         *Expect

	// What came back.
	Response  any
	Err       error
	Result    *challenge.AuthenticationResult
	Challenge challenge.Name
	Params    map[string]string
	Session   string
}

// Code returns the exception name of the call's error ("" on success).
func (c *Call) Code() challenge.Code { return challenge.CodeOf(c.Err) }

// Message returns the message of the call's error.
func (c *Call) Message() string { return challenge.MessageOf(c.Err) }

// Outcome describes what came back, for failure messages.
func (c *Call) Outcome() string {
	switch {
	case c.Err != nil:
		return fmt.Sprintf("%s %q", c.Code(), c.Message())
	case c.Result != nil:
		return fmt.Sprintf("tokens (access %q, refresh %q)", c.Result.AccessToken, c.Result.RefreshToken)
	case c.Challenge != "":
		return fmt.Sprintf("challenge %s (session %s)", c.Challenge, short(c.Session))
	}
	return "ok"
}

// String describes the call in one line: number, action, operation,
// request summary, clock and outcome. Summaries show passwords: the model
// is test code.
func (c *Call) String() string {
	return fmt.Sprintf("#%d %s: %s(%s) at +%s -> %s", c.N, c.Action, c.Op, c.Summary, c.At.Sub(Epoch), c.Outcome())
}

// short abbreviates a session handle.
func short(h string) string {
	if len(h) > 10 {
		return h[:10] + "…"
	}
	return h
}

// Expect is the answer the model predicts for a call: tokens, a
// challenge, a plain success, or an error code with the messages it may
// carry. Unsure means the model cannot tell (the call is not checked
// against it).
type Expect struct {
	Tokens bool
	// NewRefresh says the tokens include a new refresh token (a sign-in)
	// rather than none (a refresh).
	NewRefresh bool
	Challenge  challenge.Name
	// Params must appear with these values in the challenge parameters.
	Params   map[string]string
	OK       bool
	Code     challenge.Code
	Messages []string // accepted messages; empty accepts any
	Unsure   bool
	Why      string // the rule the prediction comes from
}

func (e *Expect) String() string {
	switch {
	case e.Unsure:
		return "anything (" + e.Why + ")"
	case e.Tokens && e.NewRefresh:
		return "tokens with a refresh token (" + e.Why + ")"
	case e.Tokens:
		return "tokens without a refresh token (" + e.Why + ")"
	case e.Challenge != "":
		return "challenge " + string(e.Challenge) + " (" + e.Why + ")"
	case e.OK:
		return "success (" + e.Why + ")"
	}
	return fmt.Sprintf("%s %q (%s)", e.Code, e.Messages, e.Why)
}

// Action is one kind of step of the state machine.
type Action struct {
	Name string
	// Weight is the relative frequency in Model.Repeat (0 counts as 1).
	Weight int
	// Enabled reports whether the action can run now (nil: always).
	Enabled func() bool
	Run     func(t *rapid.T)
}

// Invariant is a named property checked after every action. Call, when
// set, checks each call made since the last check; State, when set,
// checks the model as a whole. Either returns an error describing the
// violation.
type Invariant struct {
	Name  string
	Call  func(m *Model, c *Call) error
	State func(m *Model) error
}

// The passwords of the initial users.
const (
	alicePassword = "Alice-pass1!"
	bobPassword   = "Bob-pass2?x"
	carolPassword = "Temp-pass3#"
	davePassword  = "Dave-pass4%"
)

// Passwords the actions draw from.
var (
	// GoodPasswords satisfy Cognito's default policy.
	modelGoodPasswords = []string{"N3w-Passw0rd!", "Zebra#2026x", alicePassword, carolPassword}
	// BadPasswords each break one rule of the default policy.
	modelBadPasswords = []string{"", "Sh0rt!", "no-upper-1!", "NO-LOWER-1!", "No-Digits-!", "NoSymbols123"}
	// WrongPasswords are nobody's password.
	modelWrongPasswords = []string{"Wrong-pass9!", "alice-pass1!"}
)

// NewModel returns a model of a fresh pool with four users (alice and bob
// CONFIRMED, carol FORCE_CHANGE_PASSWORD, dave UNCONFIRMED) and two names
// nobody has, with the standard actions and invariants.
func NewModel(t *rapid.T, opts ModelOptions) *Model {
	t.Helper()
	if opts.MinSteps <= 0 {
		opts.MinSteps = 5
	}
	if opts.MaxSteps < opts.MinSteps {
		opts.MaxSteps = max(30, opts.MinSteps)
	}
	env := opts.Env
	if env.Seed == 0 {
		env.Seed = rapid.Uint64Range(1, 1<<40).Draw(t, "envSeed")
	}
	prevent := opts.PreventUserExistenceErrors
	if prevent == "" {
		prevent = rapid.SampledFrom([]string{challenge.PreventUserExistenceErrorsOn, "LEGACY"}).Draw(t, "preventUserExistenceErrors")
	}
	history := max(opts.PasswordHistorySize, 0)
	if opts.PasswordHistorySize == 0 {
		history = rapid.SampledFrom([]int{0, 2, 0}).Draw(t, "passwordHistorySize")
	}
	env.Hooks = mergeHooks(env.Hooks, opts.Hooks)
	opts.Env.Hooks = env.Hooks
	if err := checkHooks(env.Hooks, opts); err != nil {
		t.Fatalf("flowtest: %v", err)
	}
	var custom *customModel
	if opts.CustomAuth {
		custom = drawCustomModel(t)
		env.Hooks.DefineAuthChallenge, env.Hooks.CreateAuthChallenge, env.Hooks.VerifyAuthChallenge =
			custom.define, custom.create, custom.verify
	}
	if env.Limits.CodeSends == 0 {
		// The code budget has tests of its own; here it stays out of the way.
		env.Limits.CodeSends = 1 << 20
	}
	if env.Limits.PendingSessions == 0 {
		env.Limits.PendingSessions = 1 << 20 // likewise
	}
	var sessionValidity time.Duration
	if opts.UserAuth {
		sessionValidity = rapid.SampledFrom([]time.Duration{3 * time.Minute, 5 * time.Minute}).Draw(t, "authSessionValidity")
	}
	userClient, userPool := env.Client, env.Pool
	env.Client = func(c *flow.AppClient) {
		c.PreventUserExistenceErrors = prevent
		if opts.UserAuth {
			userAuthClient(c, sessionValidity)
		}
		if userClient != nil {
			userClient(c)
		}
	}
	env.Pool = func(p *flow.Pool) {
		p.PasswordPolicy.PasswordHistorySize = history
		if opts.TOTP {
			p.MFA, p.TOTPMFAEnabled = flow.MFAOptional, true
		}
		if opts.Devices {
			p.Devices = &flow.DeviceConfiguration{ChallengeRequiredOnNewDevice: true}
		}
		if opts.UserAuth {
			userAuthPool(p)
		}
		if userPool != nil {
			userPool(p)
		}
	}
	e := New(rapidTB{TB: opts.TB, t: t}, env)
	m := &Model{Env: e, Opts: opts, Users: map[string]*UserState{}, Decoys: map[string]*UserState{}, Transcript: &Transcript{Source: e},
		ctx: context.Background(), t: t, tolerate: map[string]bool{}}
	for _, k := range opts.Tolerate {
		m.tolerate[k] = true
	}
	m.Prevent = e.Client.PreventUserExistenceErrors == challenge.PreventUserExistenceErrorsOn
	m.SessionValidity = min(max(e.Client.AuthSessionValidity, 3*time.Minute), 15*time.Minute)
	m.AccessValidity = orDefault(e.Client.AccessTokenValidity, time.Hour)
	m.RefreshValidity = orDefault(e.Client.RefreshTokenValidity, 30*24*time.Hour)
	m.Limits = limitsWithDefaults(opts.Env.Limits)
	m.Policy = e.Pool.PasswordPolicy

	m.AddUser("alice", alicePassword, flow.StatusConfirmed)
	m.AddUser("bob", bobPassword, flow.StatusConfirmed)
	m.AddUser("carol", carolPassword, flow.StatusForceChangePassword)
	m.AddUser("dave", davePassword, flow.StatusUnconfirmed)
	m.Names = append(m.Names, "mallory", "nobody")

	m.actions = m.standardActions()
	m.Invariants = StandardInvariants()
	if opts.TOTP {
		m.installTOTP(env.Seed)
	}
	if custom != nil {
		m.installCustom(custom)
	}
	if opts.Devices {
		m.installDevices(env.Seed)
	}
	if opts.UserAuth {
		m.installUserAuth()
	}
	if opts.Setup != nil {
		opts.Setup(m)
	}
	return m
}

// mergeHooks returns base with every hook over sets replaced.
func mergeHooks(base, over flow.Hooks) flow.Hooks {
	if over.PreAuthentication != nil {
		base.PreAuthentication = over.PreAuthentication
	}
	if over.PostAuthentication != nil {
		base.PostAuthentication = over.PostAuthentication
	}
	if over.PreTokenGeneration != nil {
		base.PreTokenGeneration = over.PreTokenGeneration
	}
	if over.UserMigration != nil {
		base.UserMigration = over.UserMigration
	}
	if over.DefineAuthChallenge != nil {
		base.DefineAuthChallenge = over.DefineAuthChallenge
	}
	if over.CreateAuthChallenge != nil {
		base.CreateAuthChallenge = over.CreateAuthChallenge
	}
	if over.VerifyAuthChallenge != nil {
		base.VerifyAuthChallenge = over.VerifyAuthChallenge
	}
	return base
}

// checkHooks refuses embedder hooks the model cannot predict.
func checkHooks(h flow.Hooks, opts ModelOptions) error {
	switch {
	case h.PreAuthentication != nil && opts.Decide.PreAuthentication == nil:
		return errors.New("a PreAuthentication hook needs ModelOptions.Decide.PreAuthentication, what it decides")
	case h.PostAuthentication != nil:
		return errors.New("the model cannot predict a PostAuthentication hook")
	case h.UserMigration != nil:
		return errors.New("the model cannot predict a UserMigration hook")
	case opts.CustomAuth && (h.DefineAuthChallenge != nil || h.CreateAuthChallenge != nil || h.VerifyAuthChallenge != nil):
		return errors.New("CustomAuth installs the model's custom-auth hooks and would replace yours: leave CustomAuth false")
	}
	return nil
}

// limitsWithDefaults mirrors the engine's documented Limits defaults.
func limitsWithDefaults(l flow.Limits) flow.Limits {
	if l.MaxWrongAnswers <= 0 {
		l.MaxWrongAnswers = 3
	}
	if l.MaxSteps <= 0 {
		l.MaxSteps = 16
	}
	if l.LockoutThreshold <= 0 {
		l.LockoutThreshold = 5
	}
	if l.LockoutMax <= 0 {
		l.LockoutMax = 15 * time.Minute
	}
	return l
}

// Tolerates reports whether the model tolerates a known deviation.
func (m *Model) Tolerates(name string) bool { return m.tolerate[name] }

// AddUser stores a user in the Env's directory (no sign-up flow) and in
// the model. Password verifiers are cached across models, so building a
// fresh pool per rapid case stays cheap.
func (m *Model) AddUser(name, password string, status flow.UserStatus) *UserState {
	return m.AddUserWithAttributes(name, password, status, nil)
}

// AddUserWithAttributes is AddUser for a user with attributes (such as
// an email address an embedder's hook looks at).
func (m *Model) AddUserWithAttributes(name, password string, status flow.UserStatus, attrs map[string]string) *UserState {
	e := m.Env
	salt, verifier, err := cachedVerifier(e.Pool.ID, name, password)
	if err != nil {
		e.TB.Fatal(err)
	}
	now := e.Clock.Now()
	u := &flow.User{PoolID: e.Pool.ID, Username: name, Sub: "sub-" + name, Status: status, Enabled: true,
		Attributes: attrs, Salt: salt, Verifier: verifier, Created: now, LastModified: now}
	us := &UserState{Name: name, Password: password, Status: status, Enabled: true}
	if status == flow.StatusForceChangePassword {
		u.TemporaryPasswordExpires = now.Add(m.temporaryValidity())
		us.TempExpires = u.TemporaryPasswordExpires
	}
	if err := e.Dir.Apply(m.ctx, flow.Change{Kind: flow.ChangeCreate, User: u}); err != nil {
		e.TB.Fatal(err)
	}
	m.Users[name] = us
	m.Names = append(m.Names, name)
	return us
}

func (m *Model) temporaryValidity() time.Duration {
	days := m.Policy.TemporaryPasswordValidityDays
	if days <= 0 {
		days = 7
	}
	return time.Duration(days) * 24 * time.Hour
}

var verifierCache sync.Map // pool \x00 user \x00 password -> [2][]byte

func cachedVerifier(poolID, username, password string) (salt, verifier []byte, err error) {
	key := poolID + "\x00" + username + "\x00" + password
	if v, ok := verifierCache.Load(key); ok {
		p := v.([2][]byte)
		return p[0], p[1], nil
	}
	sum := sha256.Sum256([]byte(key))
	salt, verifier, err = srp.NewPasswordVerifier(Rand(binary.LittleEndian.Uint64(sum[:])), srp.PoolName(poolID), username, password)
	if err != nil {
		return nil, nil, err
	}
	verifierCache.Store(key, [2][]byte{salt, verifier})
	return salt, verifier, nil
}

// AddAction adds an action (or replaces the one of the same name).
func (m *Model) AddAction(a Action) {
	for i := range m.actions {
		if m.actions[i].Name == a.Name {
			m.actions[i] = a
			return
		}
	}
	m.actions = append(m.actions, a)
}

// AddInvariant adds an invariant, checked after the standard ones.
func (m *Model) AddInvariant(inv Invariant) { m.Invariants = append(m.Invariants, inv) }

// Actions returns the actions for rapid's T.Repeat, with Check under the
// key "": rt.Repeat(m.Actions()). Repeat picks actions uniformly and runs
// -rapid.steps of them; Model.Repeat weighs them and bounds the length.
func (m *Model) Actions() map[string]func(*rapid.T) {
	out := map[string]func(*rapid.T){"": m.Check}
	for _, a := range m.actions {
		out[a.Name] = func(t *rapid.T) {
			if a.Enabled != nil && !a.Enabled() {
				t.Skip("not applicable now")
			}
			a.Run(t)
		}
	}
	return out
}

// ActionNames lists the model's actions in order.
func (m *Model) ActionNames() []string {
	names := make([]string, len(m.actions))
	for i, a := range m.actions {
		names[i] = a.Name
	}
	return names
}

// Repeat runs between MinSteps and MaxSteps actions, each drawn among the
// enabled ones by weight, and checks the invariants before the first and
// after each.
func (m *Model) Repeat(t *rapid.T) {
	t.Helper()
	n := rapid.IntRange(m.Opts.MinSteps, m.Opts.MaxSteps).Draw(t, "steps")
	m.Check(t)
	for i := 0; i < n; i++ {
		m.Step(t)
		m.Check(t)
	}
}

// Step runs one action drawn among the enabled ones by weight, without
// checking the invariants.
func (m *Model) Step(t *rapid.T) {
	t.Helper()
	var enabled []Action
	total := 0
	for _, a := range m.actions {
		if a.Enabled == nil || a.Enabled() {
			enabled = append(enabled, a)
			total += max(a.Weight, 1)
		}
	}
	if total == 0 {
		t.Fatal("no action is enabled")
	}
	// rapid favours small numbers; spreading the draw over the table
	// keeps the weights close to what they say (0 still means the first
	// enabled action, where shrinking goes).
	k := rapid.IntRange(0, total-1).Draw(t, "action")
	if total%spreadPrime != 0 {
		k = k * spreadPrime % total
	}
	for _, a := range enabled {
		if k -= max(a.Weight, 1); k < 0 {
			a.Run(t)
			return
		}
	}
}

const spreadPrime = 7919

// Check runs every invariant over the calls made since the last check and
// over the model, and fails t naming the first invariant that breaks.
func (m *Model) Check(t *rapid.T) {
	t.Helper()
	calls := m.pending
	m.pending = nil
	for _, c := range calls {
		for _, inv := range m.Invariants {
			if inv.Call == nil {
				continue
			}
			if err := inv.Call(m, c); err != nil {
				t.Fatalf("invariant %q violated by call %s\n  %v", inv.Name, c, err)
			}
		}
	}
	for _, inv := range m.Invariants {
		if inv.State == nil {
			continue
		}
		if err := inv.State(m); err != nil {
			t.Fatalf("invariant %q violated after %d calls\n  %v", inv.Name, m.Calls, err)
		}
	}
}

// Run checks the model with rapid over Opts.Checks random sequences: it
// calls rapid.Check as often as needed with rapid's per-call count (100
// by default), so nothing global is changed. Each sequence builds a fresh
// model and runs Model.Repeat.
func Run(t *testing.T, opts ModelOptions) {
	t.Helper()
	if opts.TB == nil {
		opts.TB = t
	}
	total := opts.Checks
	if total <= 0 {
		total = DefaultChecks
	}
	rounds := 1
	if !rapidFlagsExplicit() {
		per := 100
		if f := flag.Lookup("rapid.checks"); f != nil {
			fmt.Sscan(f.Value.String(), &per)
		}
		if per > 0 {
			rounds = (total + per - 1) / per
		}
	}
	if rounds == 1 {
		rapid.Check(t, func(rt *rapid.T) {
			NewModel(rt, opts).Repeat(rt)
		})
		return
	}
	// The rounds are independent: they run as parallel subtests (as many
	// at once as -parallel allows, GOMAXPROCS by default).
	for i := range rounds {
		t.Run(fmt.Sprintf("round%03d", i), func(st *testing.T) {
			st.Parallel()
			o := opts
			if o.TB == t {
				o.TB = st
			}
			rapid.Check(st, func(rt *rapid.T) {
				NewModel(rt, o).Repeat(rt)
			})
		})
	}
}

// DefaultChecks is the number of random sequences Run checks unless
// ModelOptions.Checks says otherwise.
const DefaultChecks = 10_000

// rapidFlagsExplicit reports whether the user chose the number of checks
// or a seed or fail file to replay.
func rapidFlagsExplicit() bool {
	if _, ok := os.LookupEnv("RAPID_CHECKS"); ok {
		return true
	}
	explicit := false
	flag.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "rapid.checks", "rapid.seed", "rapid.failfile":
			explicit = true
		}
	})
	if f := flag.Lookup("rapid.seed"); f != nil && f.Value.String() != "0" {
		explicit = true
	}
	return explicit
}

// rapidTB adapts a rapid.T to testing.TB for New: failures and logs go to
// the rapid test case; what rapid.T lacks goes to the enclosing test.
type rapidTB struct {
	testing.TB // the enclosing test; may be nil
	t          *rapid.T
}

func (r rapidTB) Helper()                      { r.t.Helper() }
func (r rapidTB) Log(args ...any)              { r.t.Log(args...) }
func (r rapidTB) Logf(f string, args ...any)   { r.t.Logf(f, args...) }
func (r rapidTB) Error(args ...any)            { r.t.Error(args...) }
func (r rapidTB) Errorf(f string, args ...any) { r.t.Errorf(f, args...) }
func (r rapidTB) Fatal(args ...any)            { r.t.Fatal(args...) }
func (r rapidTB) Fatalf(f string, args ...any) { r.t.Fatalf(f, args...) }
func (r rapidTB) Fail()                        { r.t.Fail() }
func (r rapidTB) FailNow()                     { r.t.FailNow() }
func (r rapidTB) Failed() bool                 { return r.t.Failed() }
func (r rapidTB) Skip(args ...any)             { r.t.Skip(args...) }
func (r rapidTB) Skipf(f string, args ...any)  { r.t.Skipf(f, args...) }
func (r rapidTB) SkipNow()                     { r.t.SkipNow() }
func (r rapidTB) Cleanup(f func())             { r.t.Cleanup(f) }
func (r rapidTB) Context() context.Context     { return r.t.Context() }
func (r rapidTB) Name() string {
	if r.TB != nil {
		return r.TB.Name()
	}
	return "rapid"
}

// Record queues a call for the next Check and appends it to the
// transcript and the history.
func (m *Model) Record(c *Call) {
	m.t.Log(c.String())
	m.Transcript.Record(c.Op, c.Request, c.Response, c.Err)
	m.History = append(m.History, c)
	m.pending = append(m.pending, c)
}

// NewCall starts the record of a call an action is about to make: it
// numbers it and notes the time. Fill in the rest and Record it.
func (m *Model) NewCall(action, op string, req any, summary string) *Call {
	m.Calls++
	return &Call{N: m.Calls, Action: action, Op: op, Request: req, Summary: summary, At: m.Now()}
}

// Now is the Env's clock.
func (m *Model) Now() time.Time { return m.Env.Clock.Now() }

// Lookup returns the model's user a name signs in as (case-insensitively
// unless the pool is case sensitive), or nil.
func (m *Model) Lookup(name string) *UserState {
	if !m.Env.Pool.CaseSensitive {
		name = strings.ToLower(name)
	}
	return m.Users[name]
}

// LiveSessions returns the sessions of the given challenge ("" = any) the
// model has not seen spent, oldest first.
func (m *Model) LiveSessions(kind challenge.Name) []*Session {
	var out []*Session
	for _, s := range m.Sessions {
		if !s.Spent && (kind == "" || s.Kind == kind) {
			out = append(out, s)
		}
	}
	return out
}

// SessionsOf returns every session of the given challenge ("" = any).
func (m *Model) SessionsOf(kind challenge.Name) []*Session {
	var out []*Session
	for _, s := range m.Sessions {
		if kind == "" || s.Kind == kind {
			out = append(out, s)
		}
	}
	return out
}

// SpentSessions returns the sessions the model has seen spent.
func (m *Model) SpentSessions() []*Session {
	var out []*Session
	for _, s := range m.Sessions {
		if s.Spent {
			out = append(out, s)
		}
	}
	return out
}

// Expired reports whether the clock has passed a session's validity.
func (m *Model) Expired(s *Session) bool {
	return !m.Now().Before(s.Issued.Add(m.SessionValidity))
}

// DrawSession draws one of ss (which must not be empty).
func (m *Model) DrawSession(t *rapid.T, ss []*Session) *Session {
	if len(ss) == 1 {
		return ss[0]
	}
	return ss[rapid.IntRange(0, len(ss)-1).Draw(t, "session")]
}

// AccessTokens returns every access token obtained, oldest first.
func (m *Model) AccessTokens() []*AccessToken {
	var out []*AccessToken
	for _, g := range m.Grants {
		out = append(out, g.Access...)
	}
	return out
}
