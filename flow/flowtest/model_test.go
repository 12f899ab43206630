package flowtest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

var ctx = context.Background()

// knownDeviations are the engine (and fake Issuer) behaviours the model
// holds to be wrong but which are not fixed yet; see the TestKnownIssue
// tests below. Once one is fixed, TestModel fails on the tolerated
// prediction: drop it from this list then.
var knownDeviations = []string{}

// TestModel checks the model's invariants over 10,000 random sequences of
// 5 to 30 actions, in parallel rounds of 100 (-rapid.checks=N checks N
// instead).
//
// Under the race detector it checks 2,000 (the CI runs the 10,000 in a
// step of its own without -race: go test -count=1 -run 'TestModel$'
// ./flow/flowtest/).
func TestModel(t *testing.T) {
	checks := 0 // flowtest.DefaultChecks
	if raceBuild {
		checks = 2000
	}
	flowtest.Run(t, flowtest.ModelOptions{Checks: checks, Tolerate: knownDeviations, TOTP: true, CustomAuth: true, Devices: true, UserAuth: true})
}

// TestModelWithRapidRepeat drives the model through rapid's own T.Repeat
// with Model.Actions (uniform choice, -rapid.steps actions), the way
// other projects may use it.
func TestModelWithRapidRepeat(t *testing.T) {
	if testing.Short() {
		t.Skip("TestModel covers the model in -short")
	}
	rapid.Check(t, func(rt *rapid.T) {
		m := flowtest.NewModel(rt, flowtest.ModelOptions{TB: t, Tolerate: knownDeviations, TOTP: true, CustomAuth: true, Devices: true, UserAuth: true})
		rt.Repeat(m.Actions())
	})
}

// transcript runs one sequence with a fixed rapid seed on a fresh Env with
// a fixed Env seed, and returns its transcript.
func transcript(t *testing.T, rapidSeed int, envSeed uint64) []byte {
	t.Helper()
	gen := rapid.Custom(func(rt *rapid.T) []byte {
		m := flowtest.NewModel(rt, flowtest.ModelOptions{TB: t, Env: flowtest.Options{Seed: envSeed},
			MinSteps: 25, MaxSteps: 40, Tolerate: knownDeviations, NoRaces: true, TOTP: true, CustomAuth: true, Devices: true, UserAuth: true})
		m.Repeat(rt)
		return m.Transcript.JSON()
	})
	return gen.Example(rapidSeed)
}

// firstDifference shows where two transcripts part.
func firstDifference(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, x, y)
		}
	}
	return ""
}

// TestModelSameSeedSameTranscript is the fifth invariant: the same rapid
// seed (the same actions and inputs) on fresh Envs with the same
// Options.Seed gives byte-identical transcripts, requests and answers
// alike (session handles, SRP values, tokens, error codes and messages).
func TestModelSameSeedSameTranscript(t *testing.T) {
	for _, seed := range []int{1, 2, 3, 42, 2026} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			a := transcript(t, seed, 77)
			b := transcript(t, seed, 77)
			require.Greater(t, bytes.Count(a, []byte(`"op":`)), 10, "a sequence makes calls")
			if !bytes.Equal(a, b) {
				t.Fatalf("invariant %q violated: two runs of rapid seed %d, Env seed 77 differ at %s",
					flowtest.InvSameSeedSameTranscript, seed, firstDifference(a, b))
			}
		})
	}
	// The transcript does depend on its seeds (it is not trivially equal).
	assert.NotEqual(t, transcript(t, 1, 77), transcript(t, 1, 78), "another Env seed, other SRP values and handles")
	assert.NotEqual(t, transcript(t, 1, 77), transcript(t, 2, 77), "another rapid seed, other actions")
}

// TestModelExtension shows how a later capability extends the model: an
// extra action and an extra invariant, both run.
func TestModelExtension(t *testing.T) {
	var ran, checked int
	gen := rapid.Custom(func(rt *rapid.T) int {
		m := flowtest.NewModel(rt, flowtest.ModelOptions{TB: t, Tolerate: knownDeviations, MinSteps: 30, MaxSteps: 30,
			Setup: func(m *flowtest.Model) {
				m.AddAction(flowtest.Action{Name: "AdminGetUser", Weight: 50, Run: func(rt *rapid.T) {
					ran++
					name := m.DrawName(rt)
					in := &challenge.AdminUserInput{UserPoolId: m.Env.Pool.ID, Username: name}
					out, err := m.Env.Server.AdminGetUser(ctx, in)
					c := m.NewCall("AdminGetUser", "AdminGetUser", in, name)
					c.Err, c.Proof = err, flowtest.Proof{Why: "AdminGetUser issues no tokens"}
					if err == nil {
						c.Response = out
						c.Params = map[string]string{"UserStatus": out.UserStatus}
					}
					if u := m.Lookup(name); u != nil {
						c.User = u.Name
						c.Expect = &flowtest.Expect{OK: true, Params: map[string]string{"UserStatus": string(u.Status)}, Why: "any user"}
					} else {
						c.Expect = &flowtest.Expect{Code: challenge.ErrUserNotFound, Why: "no such user"}
					}
					m.Record(c)
				}})
				m.AddInvariant(flowtest.Invariant{Name: "extensions are checked", State: func(*flowtest.Model) error {
					checked++
					return nil
				}})
			}})
		m.Repeat(rt)
		return len(m.History)
	})
	require.Positive(t, gen.Example(5))
	assert.Positive(t, ran, "the extension's action ran")
	assert.Equal(t, 31, checked, "the extension's invariant ran before the first action and after each")
}

// TestInvariantsReportViolations feeds each standard invariant a call
// that breaks it, and one that does not.
func TestInvariantsReportViolations(t *testing.T) {
	m := &flowtest.Model{Env: flowtest.New(t, flowtest.Options{Seed: 3}), SessionValidity: 3 * time.Minute}
	inv := map[string]flowtest.Invariant{}
	for _, i := range flowtest.StandardInvariants() {
		inv[i.Name] = i
	}
	tokens := &challenge.AuthenticationResult{AccessToken: "access-1.alice", IdToken: "id-1.alice", RefreshToken: "refresh-1.alice"}
	spent := &flowtest.Session{Handle: "h", Kind: challenge.PasswordVerifier, User: "alice", Spent: true, Issued: flowtest.Epoch}
	decoy := &flowtest.Session{Handle: "d", Kind: challenge.PasswordVerifier, User: "mallory", Decoy: true, Issued: flowtest.Epoch}
	notAuthorized := challenge.New(challenge.ErrNotAuthorized, challenge.MsgInvalidSession)
	cases := []struct {
		inv  string
		call flowtest.Call
		bad  bool
	}{
		{flowtest.InvNoTokensUnlessProven, flowtest.Call{Op: "InitiateAuth", User: "alice", Result: tokens, Proof: flowtest.Proof{Why: "wrong password"}}, true},
		{flowtest.InvNoTokensUnlessProven, flowtest.Call{Op: "InitiateAuth", User: "alice", Result: tokens, Proof: flowtest.Proof{Proven: true}}, false},
		{flowtest.InvNoTokensUnlessProven, flowtest.Call{Op: "InitiateAuth", User: "bob", Result: tokens, Proof: flowtest.Proof{Proven: true}}, true},
		{flowtest.InvNoTokensUnlessProven, flowtest.Call{Op: "RespondToAuthChallenge", Answered: decoy, Result: tokens, Proof: flowtest.Proof{Proven: true}}, true},
		{flowtest.InvSpentSession, flowtest.Call{Op: "RespondToAuthChallenge", Answered: spent, SessionSpent: true, Result: tokens}, true},
		{flowtest.InvSpentSession, flowtest.Call{Op: "RespondToAuthChallenge", Answered: spent, SessionSpent: true,
			Err: challenge.New(challenge.ErrInvalidParameter, "x")}, true},
		{flowtest.InvSpentSession, flowtest.Call{Op: "RespondToAuthChallenge", Answered: spent, SessionSpent: true, Err: notAuthorized}, false},
		{flowtest.InvExpiredSession, flowtest.Call{Op: "RespondToAuthChallenge", Answered: spent, SessionExpired: true, Challenge: challenge.NewPasswordRequired, Session: "n"}, true},
		{flowtest.InvExpiredSession, flowtest.Call{Op: "RespondToAuthChallenge", Answered: spent, SessionExpired: true, Err: notAuthorized}, false},
		{flowtest.InvRevokedToken, flowtest.Call{Op: "InitiateAuth", Presented: "refresh", TokenRevoked: true, Result: tokens}, true},
		{flowtest.InvRevokedToken, flowtest.Call{Op: "GetUser", Presented: "access", TokenRevoked: true}, true},
		{flowtest.InvRevokedToken, flowtest.Call{Op: "GetUser", Presented: "access", TokenRevoked: true, Err: challenge.New(challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)}, false},
		{flowtest.InvDocumentedErrors, flowtest.Call{Op: "GlobalSignOut", Err: challenge.New(challenge.ErrUserNotFound, "x")}, true},
		{flowtest.InvDocumentedErrors, flowtest.Call{Op: "AdminSetUserPassword", Err: challenge.New(challenge.ErrPasswordHistoryPolicyViolation, "x")}, false},
		{flowtest.InvDocumentedErrors, flowtest.Call{Op: "InitiateAuth", Err: errors.New("no code: InternalErrorException")}, false},
		{flowtest.InvDocumentedErrors, flowtest.Call{Op: "NoSuchOperation", Err: notAuthorized}, true},
		{flowtest.InvPredictedAnswer, flowtest.Call{Op: "InitiateAuth", Result: tokens, Expect: &flowtest.Expect{Code: challenge.ErrNotAuthorized}}, true},
		{flowtest.InvPredictedAnswer, flowtest.Call{Op: "InitiateAuth", Result: &challenge.AuthenticationResult{AccessToken: "a", IdToken: "i"},
			Expect: &flowtest.Expect{Tokens: true, NewRefresh: true}}, true},
		{flowtest.InvPredictedAnswer, flowtest.Call{Op: "InitiateAuth", Err: notAuthorized,
			Expect: &flowtest.Expect{Code: challenge.ErrNotAuthorized, Messages: []string{challenge.MsgIncorrectCredentials}}}, true},
		{flowtest.InvPredictedAnswer, flowtest.Call{Op: "InitiateAuth", Err: notAuthorized, Expect: &flowtest.Expect{Unsure: true}}, false},
		{flowtest.InvPredictedAnswer, flowtest.Call{Op: "InitiateAuth", Result: tokens, Expect: &flowtest.Expect{Tokens: true, NewRefresh: true}}, false},
	}
	for i, c := range cases {
		err := inv[c.inv].Call(m, &c.call)
		if c.bad {
			assert.Error(t, err, "case %d (%s) should be reported", i, c.inv)
		} else {
			assert.NoError(t, err, "case %d (%s)", i, c.inv)
		}
	}
}

// TestKnownIssueStaleProofNewPassword is the minimal reproduction of
// StaleProof through NEW_PASSWORD_REQUIRED: a sign-in that proved a
// temporary password completes after an administrator replaced that
// password, overwriting the administrator's password and getting tokens.
func TestKnownIssueStaleProofNewPassword(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 11})
	e.AddUser("carol", "Temp-pass3#", flow.StatusForceChangePassword, nil)
	out, err := e.PasswordSignIn(ctx, "carol", "Temp-pass3#")
	require.NoError(t, err)
	require.Equal(t, challenge.NewPasswordRequired, out.ChallengeName)
	_, err = e.Server.AdminSetUserPassword(ctx, &challenge.AdminSetUserPasswordInput{UserPoolId: e.Pool.ID, Username: "carol",
		Password: "Admin-set1!", Permanent: true})
	require.NoError(t, err)
	res, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.NewPasswordRequired,
		ClientId: e.Client.ID, Session: out.Session,
		ChallengeResponses: map[string]string{"USERNAME": "carol", "NEW_PASSWORD": "Other-pass1!"}})
	if err == nil && res.AuthenticationResult != nil {
		t.Skipf("known engine issue %s: NEW_PASSWORD_REQUIRED completed after the proven temporary password was replaced", flowtest.StaleProof)
	}
	require.ErrorIs(t, err, challenge.ErrNotAuthorized)
}

// TestKnownIssueStaleProofSRP is StaleProof through PASSWORD_VERIFIER: the
// SRP key is fixed at InitiateAuth, so a claim made with the old password
// after an administrator changed it still gets tokens.
func TestKnownIssueStaleProofSRP(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 12})
	e.AddUser("alice", "Alice-pass1!", flow.StatusConfirmed, nil)
	cl, out, err := e.SRPStart(ctx, "alice")
	require.NoError(t, err)
	_, err = e.Server.AdminSetUserPassword(ctx, &challenge.AdminSetUserPasswordInput{UserPoolId: e.Pool.ID, Username: "alice",
		Password: "Admin-set1!", Permanent: true})
	require.NoError(t, err)
	resp, err := e.PasswordVerifierResponse(cl, out.ChallengeParameters, "Alice-pass1!")
	require.NoError(t, err)
	res, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.PasswordVerifier,
		ClientId: e.Client.ID, Session: out.Session, ChallengeResponses: resp})
	if err == nil && res.AuthenticationResult != nil {
		t.Skipf("known engine issue %s: a PASSWORD_VERIFIER claim with the replaced password got tokens", flowtest.StaleProof)
	}
	require.ErrorIs(t, err, challenge.ErrNotAuthorized)
}

// TestKnownIssueSameInstantSignOut is SameInstantSignOut: with the fake
// Issuer, a sign-in at the same clock instant as an earlier GlobalSignOut
// gets an access token that is refused as revoked.
func TestKnownIssueSameInstantSignOut(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 13})
	e.AddUser("bob", "Bob-pass2?x", flow.StatusConfirmed, nil)
	first, err := e.PasswordSignIn(ctx, "bob", "Bob-pass2?x")
	require.NoError(t, err)
	_, err = e.Server.GlobalSignOut(ctx, &challenge.AccessTokenInput{AccessToken: first.AuthenticationResult.AccessToken})
	require.NoError(t, err)
	second, err := e.PasswordSignIn(ctx, "bob", "Bob-pass2?x")
	require.NoError(t, err)
	_, err = e.Server.GetUser(ctx, &challenge.AccessTokenInput{AccessToken: second.AuthenticationResult.AccessToken})
	if challenge.CodeOf(err) == challenge.ErrNotAuthorized {
		t.Skipf("known fake-Issuer issue %s: an access token from a sign-in after GlobalSignOut is refused (%v)", flowtest.SameInstantSignOut, err)
	}
	require.NoError(t, err)
}

// TestKnownIssueLostWrongAnswers is LostWrongAnswers: twelve wrong
// NEW_PASSWORD answers sent to one session at once; the session must take
// at most MaxWrongAnswers (3) of them as wrong answers and refuse the
// rest, and then (answered one at a time) exactly 3 in all. The race
// needs luck, so it tries a number of times.
func TestKnownIssueLostWrongAnswers(t *testing.T) {
	for attempt := 1; attempt <= 100; attempt++ {
		e := flowtest.New(t, flowtest.Options{Seed: uint64(attempt)})
		e.AddUser("carol", "Temp-pass3#", flow.StatusForceChangePassword, nil)
		out, err := e.PasswordSignIn(ctx, "carol", "Temp-pass3#")
		require.NoError(t, err)
		errs := make(chan error, 12)
		for range cap(errs) {
			go func() {
				_, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{
					ChallengeName: challenge.NewPasswordRequired, ClientId: e.Client.ID, Session: out.Session,
					ChallengeResponses: map[string]string{"USERNAME": "carol", "NEW_PASSWORD": "short"}})
				errs <- err
			}()
		}
		wrong := 0
		for range cap(errs) {
			if err := <-errs; errors.Is(err, challenge.ErrInvalidPassword) {
				wrong++
			} else {
				require.ErrorIs(t, err, challenge.ErrNotAuthorized)
			}
		}
		if wrong > 3 {
			t.Skipf("known engine issue %s: one session took %d wrong answers in parallel (attempt %d)", flowtest.LostWrongAnswers, wrong, attempt)
		}
		// Racers that lost the swap were refused without counting; the
		// session takes the rest of its 3 wrong answers one by one, then
		// dies.
		for i := 0; i < 5; i++ {
			_, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{
				ChallengeName: challenge.NewPasswordRequired, ClientId: e.Client.ID, Session: out.Session,
				ChallengeResponses: map[string]string{"USERNAME": "carol", "NEW_PASSWORD": "short"}})
			if !errors.Is(err, challenge.ErrInvalidPassword) {
				require.ErrorIs(t, err, challenge.ErrNotAuthorized)
				break
			}
			wrong++
		}
		require.Equal(t, 3, wrong, "the session takes exactly MaxWrongAnswers wrong answers")
	}
}

// TestGuessesBoundedInvariant: InvGuessesBounded reports a wrong code
// evaluated sooner than the lockout allows, counts only evaluated wrong
// guesses, and starts again after a completed sign-in; InvEntryPointBound
// reports an answer at the other entry point that was not refused.
func TestGuessesBoundedInvariant(t *testing.T) {
	m := &flowtest.Model{Env: flowtest.New(t, flowtest.Options{Seed: 4}), SessionValidity: 3 * time.Minute,
		Limits: flow.Limits{LockoutThreshold: 5, LockoutMax: 15 * time.Minute, MaxWrongAnswers: 3, MaxSteps: 16}}
	var inv, entry flowtest.Invariant
	for _, i := range flowtest.StandardInvariants() {
		switch i.Name {
		case flowtest.InvGuessesBounded:
			inv = i
		case flowtest.InvEntryPointBound:
			entry = i
		}
	}
	require.NotNil(t, inv.Call)
	require.NotNil(t, entry.Call)
	mismatch := challenge.New(challenge.ErrCodeMismatch, challenge.MsgInvalidCodeReceived)
	at := flowtest.Epoch
	wrong := func(d time.Duration) error {
		at = at.Add(d)
		return inv.Call(m, &flowtest.Call{Op: "RespondToAuthChallenge", User: "alice", At: at, Err: mismatch})
	}
	for i := range 5 {
		require.NoError(t, wrong(0), "guess %d", i+1)
	}
	assert.Error(t, wrong(999*time.Millisecond), "the sixth guess before the first lockout ended")
	// A fresh count: five at once, then one per lockout.
	require.NoError(t, inv.Call(m, &flowtest.Call{Op: "InitiateAuth", User: "alice", At: at,
		Result: &challenge.AuthenticationResult{AccessToken: "a", IdToken: "i"}}))
	for range 5 {
		require.NoError(t, wrong(0))
	}
	assert.NoError(t, wrong(time.Second))
	assert.NoError(t, wrong(2*time.Second))
	assert.Error(t, wrong(3*time.Second), "the lockout after the seventh failure is 4 s")
	// An answer that shows nothing was evaluated is not a guess.
	assert.NoError(t, inv.Call(m, &flowtest.Call{Op: "InitiateAuth", User: "alice", At: at,
		Err: challenge.New(challenge.ErrNotAuthorized, challenge.MsgPasswordAttempts)}))

	adminSession := &flowtest.Session{Handle: "a", Kind: challenge.SoftwareTokenMFA, User: "alice", Admin: true, Issued: flowtest.Epoch}
	assert.Error(t, entry.Call(m, &flowtest.Call{Op: "RespondToAuthChallenge", Answered: adminSession, Err: mismatch}))
	assert.NoError(t, entry.Call(m, &flowtest.Call{Op: "RespondToAuthChallenge", Answered: adminSession,
		Err: challenge.New(challenge.ErrNotAuthorized, challenge.MsgInvalidSession)}))
	assert.NoError(t, entry.Call(m, &flowtest.Call{Op: "AdminRespondToAuthChallenge", Answered: adminSession, Err: mismatch}))
}
