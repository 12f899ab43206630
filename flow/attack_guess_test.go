package flow_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

// lockoutBound is how many guesses the lockout lets through in d: the
// threshold at once, then one after each lockout (1 s doubling up to
// LockoutMax).
func lockoutBound(l flow.Limits, d time.Duration) int {
	if l.LockoutThreshold == 0 {
		l.LockoutThreshold = 5
	}
	if l.LockoutMax == 0 {
		l.LockoutMax = 15 * time.Minute
	}
	n, at, lock := l.LockoutThreshold, time.Duration(0), time.Second
	for {
		at += min(lock, l.LockoutMax)
		if at > d {
			return n
		}
		n++
		lock *= 2
	}
}

// codeAttack opens a sign-in that asks for a code and names the response
// key that carries it.
type codeAttack struct {
	name  string
	opts  flowtest.Options
	setup func(t *testing.T, e *flowtest.Env)
	open  func(e *flowtest.Env) (*challenge.InitiateAuthOutput, error)
	key   string
	right func(t *testing.T, e *flowtest.Env) string // the code the user would type now
}

func userAuthOpen(pref string) func(e *flowtest.Env) (*challenge.InitiateAuthOutput, error) {
	return func(e *flowtest.Env) (*challenge.InitiateAuthOutput, error) {
		return e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserAuth, ClientId: e.Client.ID,
			AuthParameters: map[string]string{"USERNAME": "victim", "PREFERRED_CHALLENGE": pref}})
	}
}

// passwordOpen: the attacker knows the password and guesses the second factor.
func passwordOpen(e *flowtest.Env) (*challenge.InitiateAuthOutput, error) {
	return e.PasswordSignIn(ctx, "victim", "Correct-horse1")
}

func lastCode(purpose string) func(t *testing.T, e *flowtest.Env) string {
	return func(t *testing.T, e *flowtest.Env) string {
		m, _ := e.Outbox.Last("victim", purpose)
		return m.Code
	}
}

func codeAttacks() []codeAttack {
	otpPool := func(p *flow.Pool) { p.AllowedFirstAuthFactors = []string{"PASSWORD", "EMAIL_OTP", "SMS_OTP"} }
	otpClient := func(c *flow.AppClient) {
		c.ExplicitAuthFlows = []string{challenge.ExplicitAllowUserAuth, challenge.ExplicitAllowUserPasswordAuth}
	}
	verified := map[string]string{"email": "victim@example.com", "email_verified": "true",
		"phone_number": "+15555550100", "phone_number_verified": "true"}
	add := func(t *testing.T, e *flowtest.Env) {
		e.AddUser("victim", "Correct-horse1", flow.StatusConfirmed, verified)
	}
	var totpSecret string
	return []codeAttack{
		{name: "EMAIL_OTP first factor", opts: flowtest.Options{Pool: otpPool, Client: otpClient}, setup: add,
			open: userAuthOpen("EMAIL_OTP"), key: "EMAIL_OTP_CODE", right: lastCode("OTP")},
		{name: "SMS_OTP first factor", opts: flowtest.Options{Pool: otpPool, Client: otpClient}, setup: add,
			open: userAuthOpen("SMS_OTP"), key: "SMS_OTP_CODE", right: lastCode("OTP")},
		{name: "SMS_MFA", opts: flowtest.Options{Pool: mfaPool(flow.MFAOptional)}, setup: func(t *testing.T, e *flowtest.Env) {
			add(t, e)
			u := e.User("victim")
			old := u.Version
			u.MFA.SMSEnabled = true
			require.NoError(t, e.Dir.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: old}))
		}, open: passwordOpen, key: "SMS_MFA_CODE", right: lastCode("MFA")},
		{name: "EMAIL_OTP MFA", opts: flowtest.Options{Pool: mfaPool(flow.MFAOptional)}, setup: func(t *testing.T, e *flowtest.Env) {
			add(t, e)
			u := e.User("victim")
			old := u.Version
			u.MFA.EmailEnabled = true
			require.NoError(t, e.Dir.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: old}))
		}, open: passwordOpen, key: "EMAIL_OTP_CODE", right: lastCode("MFA")},
		{name: "SOFTWARE_TOKEN_MFA", opts: flowtest.Options{Pool: mfaPool(flow.MFAOptional)}, setup: func(t *testing.T, e *flowtest.Env) {
			add(t, e)
			totpSecret = totpUser(t, e, "victim")
		}, open: passwordOpen, key: "SOFTWARE_TOKEN_MFA_CODE", right: func(t *testing.T, e *flowtest.Env) string {
			return code(t, totpSecret, e.Clock.Now())
		}},
	}
}

// guessFor returns a six-digit code that is not right.
func guessFor(right string, i int) string {
	g := fmt.Sprintf("%06d", i%1000000)
	if g == right {
		g = fmt.Sprintf("%06d", (i+1)%1000000)
	}
	return g
}

// runCodeAttack guesses codes as fast as the engine answers for d, the
// clock moving tick per call, and returns how many guesses were evaluated
// (answered CodeMismatchException).
func runCodeAttack(t *testing.T, e *flowtest.Env, a codeAttack, d, tick time.Duration) (evaluated int) {
	end := e.Clock.Now().Add(d)
	session, name := "", challenge.Name("")
	for i := 0; e.Clock.Now().Before(end); i++ {
		e.Clock.Advance(tick)
		if session == "" {
			out, err := a.open(e)
			if err != nil {
				continue // locked out or out of budget: wait
			}
			require.NotEmpty(t, out.Session, "%s: a challenge", a.name)
			session, name = out.Session, out.ChallengeName
			continue
		}
		_, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: name, ClientId: e.Client.ID,
			Session: session, ChallengeResponses: map[string]string{"USERNAME": "victim", a.key: guessFor(a.right(t, e), i)}})
		require.Error(t, err, "%s: a wrong code was accepted", a.name)
		if challenge.CodeOf(err) == challenge.ErrCodeMismatch {
			evaluated++
		} else {
			session = ""
		}
	}
	return evaluated
}

// TestAttackCodeGuessesCountTowardsLockout: wrong one-time codes (first
// factor and MFA) count towards the user's lockout across sessions, so an
// attacker who opens session after session evaluates no more guesses in an
// hour than the lockout allows wrong passwords. Before the fix, each new
// session took three guesses: thousands an hour.
func TestAttackCodeGuessesCountTowardsLockout(t *testing.T) {
	for i, a := range codeAttacks() {
		t.Run(a.name, func(t *testing.T) {
			a.opts.Seed = uint64(1300 + i)
			e := flowtest.New(t, a.opts)
			a.setup(t, e)
			got := runCodeAttack(t, e, a, time.Hour, time.Second)
			bound := lockoutBound(flow.Limits{}, time.Hour)
			t.Logf("%s: %d wrong codes evaluated in one hour (lockout bound %d)", a.name, got, bound)
			assert.GreaterOrEqual(t, got, 5, "the attack runs")
			assert.LessOrEqual(t, got, bound)
			// The user, who has the code, still signs in once the lockout ends.
			e.Clock.Advance(15 * time.Minute)
			out, err := a.open(e)
			require.NoError(t, err)
			done, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: out.ChallengeName,
				ClientId: e.Client.ID, Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "victim", a.key: a.right(t, e)}})
			require.NoError(t, err)
			require.NotNil(t, done.AuthenticationResult)
			assert.Zero(t, e.User("victim").FailedAttempts, "a completed sign-in clears the counter")
		})
	}
}

// TestAttackMFACodesAfterRightPassword: a right password does not clear
// the failures of the second factor's wrong codes (else an attacker with
// the password could guess codes forever, one password per three codes).
func TestAttackMFACodesAfterRightPassword(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 1320, Pool: mfaPool(flow.MFAOptional)})
	e.AddUser("victim", "Correct-horse1", flow.StatusConfirmed, nil)
	secret := totpUser(t, e, "victim")
	for i := range 5 {
		out, err := passwordOpen(e)
		require.NoError(t, err, "guess %d", i)
		_, err = e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.SoftwareTokenMFA,
			ClientId: e.Client.ID, Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "victim",
				"SOFTWARE_TOKEN_MFA_CODE": guessFor(code(t, secret, e.Clock.Now()), i)}})
		requireCode(t, err, challenge.ErrCodeMismatch, "")
	}
	assert.Equal(t, 5, e.User("victim").FailedAttempts)
	_, err := passwordOpen(e)
	requireCode(t, err, challenge.ErrNotAuthorized, "Password attempts exceeded")
}

func TestLockoutBound(t *testing.T) {
	assert.Equal(t, 17, lockoutBound(flow.Limits{}, time.Hour))
	assert.Equal(t, 5+10+1, lockoutBound(flow.Limits{}, 1023*time.Second+900*time.Second))
	assert.Equal(t, 8, lockoutBound(flow.Limits{LockoutThreshold: 5}, 7*time.Second))
}

// TestAttackDeviceProofsCountTowardsLockout: an attacker with the password
// and a device key (it is in the tokens' metadata, not a secret) who
// guesses the device's secret has each wrong DEVICE_PASSWORD_VERIFIER
// counted towards the user's lockout. Before the fix they were not
// counted at all.
func TestAttackDeviceProofsCountTowardsLockout(t *testing.T) {
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 1330, Pool: func(p *flow.Pool) {
		p.Devices = &flow.DeviceConfiguration{ChallengeRequiredOnNewDevice: true}
	}})}
	r.e.AddUser("dana", "Correct-horse1", flow.StatusConfirmed, nil)
	done, err := r.password("dana", "Correct-horse1")
	require.NoError(t, err)
	d := confirmDevice(t, r, done.AuthenticationResult)
	wrong := d
	wrong.password = "not-the-device-secret"
	for i := range 5 {
		out, err := r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: r.e.Client.ID,
			AuthParameters: map[string]string{"USERNAME": "dana", "PASSWORD": "Correct-horse1", "DEVICE_KEY": d.key}})
		require.NoError(t, err, "attempt %d", i)
		require.Equal(t, challenge.DeviceSRPAuth, out.ChallengeName)
		_, err = deviceSignIn(t, r, "dana", out.Session, wrong)
		requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")
	}
	assert.Equal(t, 5, r.e.User("dana").FailedAttempts)
	_, err = r.password("dana", "Correct-horse1")
	requireCode(t, err, challenge.ErrNotAuthorized, "Password attempts exceeded")
}
