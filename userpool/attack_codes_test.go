package userpool_test

import (
	"errors"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/userpool"
)

// Attacks of issue 12, items 2 and 5: guessing reset and sign-up codes
// without limit, and self-service operations that tell who exists under
// PreventUserExistenceErrors=ENABLED.

// Bounds the engine guarantees with its default limits (see SECURITY.md):
// evaluated wrong guesses of one user's codes in any hour.
const (
	maxResetGuessesPerHour  = 20
	maxSignUpGuessesPerHour = 20
)

func codeOf(err error) challenge.Code {
	var ce *challenge.Error
	if errors.As(err, &ce) {
		return ce.Code
	}
	return ""
}

// wrongCode returns a code that is not code.
func wrongCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

// guessForAnHour plays an attacker who, one request a second for an hour
// of the manual clock, guesses a code with guess and asks for a new one
// with request whenever a guess is refused. It returns how many guesses
// were evaluated (answered CodeMismatchException); every refusal is
// checked to be real: the right code is refused too at that moment.
func guessForAnHour(t *testing.T, e *flowtest.Env, user, purpose string, request func() error, guess func(code string) error) int {
	t.Helper()
	require.NoError(t, request())
	evaluated, refusals := 0, 0
	for end := e.Clock.Now().Add(time.Hour); e.Clock.Now().Before(end); e.Clock.Advance(time.Second) {
		msg, ok := e.Outbox.Last(user, purpose)
		require.True(t, ok)
		err := guess(wrongCode(msg.Code))
		switch codeOf(err) {
		case challenge.ErrCodeMismatch:
			evaluated++
			continue
		case challenge.ErrTooManyFailedAttempts, challenge.ErrLimitExceeded, challenge.ErrExpiredCode:
		default:
			t.Fatalf("unexpected answer to a wrong code: %v", err)
		}
		if refusals++; refusals <= 50 {
			// A refusal is real: the right code is refused as well.
			require.Error(t, guess(msg.Code), "a refused guess would have been evaluated")
		}
		e.Clock.Advance(time.Second)
		if err := request(); err != nil {
			require.Equal(t, challenge.ErrLimitExceeded, codeOf(err), "%v", err)
			requireCode(t, err, challenge.ErrLimitExceeded, "Attempt limit exceeded, please try after some time.")
		}
	}
	return evaluated
}

// TestAttackResetCodeGuessing: ForgotPassword gave a fresh code with a
// fresh attempt counter on every call, so a reset code could be guessed
// about 3,000 times an hour from one client (300/s unthrottled).
func TestAttackResetCodeGuessing(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 1221})
	e.AddUser("kim", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "kim@example.com", "email_verified": "true"})
	request := func() error {
		_, err := e.Server.ForgotPassword(ctx, &challenge.UsernameInput{ClientId: e.Client.ID, Username: "kim"})
		return err
	}
	guess := func(code string) error {
		_, err := e.Server.ConfirmForgotPassword(ctx, &challenge.ConfirmForgotPasswordInput{ClientId: e.Client.ID,
			Username: "kim", ConfirmationCode: code, Password: "Attacker-pw1"})
		return err
	}
	n := guessForAnHour(t, e, "kim", "FORGOT_PASSWORD", request, guess)
	t.Logf("reset-code guesses evaluated in one hour: %d", n)
	assert.LessOrEqual(t, n, maxResetGuessesPerHour)
	assert.Positive(t, n)
	// The victim's password still works.
	e.Clock.Advance(time.Hour)
	out, err := e.PasswordSignIn(ctx, "kim", "Correct-horse1")
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
}

// TestAttackSignUpCodeGuessing: the same with ResendConfirmationCode and
// ConfirmSignUp on an unconfirmed user.
func TestAttackSignUpCodeGuessing(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 1222, Pool: func(p *flow.Pool) { p.AutoVerifiedAttributes = []string{"email"} }})
	_, err := e.Server.SignUp(ctx, &challenge.SignUpInput{ClientId: e.Client.ID, Username: "una", Password: "Correct-horse1",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: "una@example.com"}}})
	require.NoError(t, err)
	request := func() error {
		_, err := e.Server.ResendConfirmationCode(ctx, &challenge.UsernameInput{ClientId: e.Client.ID, Username: "una"})
		return err
	}
	guess := func(code string) error {
		_, err := e.Server.ConfirmSignUp(ctx, &challenge.ConfirmSignUpInput{ClientId: e.Client.ID, Username: "una", ConfirmationCode: code})
		return err
	}
	n := guessForAnHour(t, e, "una", "SIGN_UP", request, guess)
	t.Logf("sign-up-code guesses evaluated in one hour: %d", n)
	assert.LessOrEqual(t, n, maxSignUpGuessesPerHour)
	assert.Positive(t, n)
	assert.Equal(t, flow.StatusUnconfirmed, e.User("una").Status)
}

// TestAttackCodeRequestFlood: code requests for one name are limited per
// window, for known and unknown names alike, and come back after it.
func TestAttackCodeRequestFlood(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 1223, Client: func(c *flow.AppClient) {
		c.PreventUserExistenceErrors = challenge.PreventUserExistenceErrorsOn
	}})
	e.AddUser("kim", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "kim@example.com", "email_verified": "true"})
	for _, name := range []string{"kim", "nobody"} {
		ok := 0
		for i := 0; i < 50; i++ {
			_, err := e.Server.ForgotPassword(ctx, &challenge.UsernameInput{ClientId: e.Client.ID, Username: name})
			if err == nil {
				ok++
				continue
			}
			requireCode(t, err, challenge.ErrLimitExceeded, "Attempt limit exceeded, please try after some time.")
		}
		assert.Equal(t, userpool.DefaultCodeRequests, ok, name)
	}
	sent := 0
	for _, m := range e.Outbox.Messages() {
		if m.Username == "kim" && m.Purpose == "FORGOT_PASSWORD" {
			sent++
		}
	}
	assert.Equal(t, userpool.DefaultCodeRequests, sent)
	e.Clock.Advance(userpool.DefaultCodeRequestWindow)
	_, err := e.Server.ForgotPassword(ctx, &challenge.UsernameInput{ClientId: e.Client.ID, Username: "kim"})
	require.NoError(t, err)
}

var maskedEmail = regexp.MustCompile(`^[a-z0-9]\*\*\*@[a-z0-9]\*\*\*$`)

// observe turns an answer into what a caller can see, with a delivery
// destination reduced to its shape.
func observe(out *challenge.CodeDeliveryDetailsType, err error) string {
	if err != nil {
		var ce *challenge.Error
		if !errors.As(err, &ce) {
			return "error " + err.Error()
		}
		return string(ce.Code) + ": " + ce.Message
	}
	if out == nil {
		return "ok"
	}
	shape := out.Destination
	if maskedEmail.MatchString(shape) {
		shape = "x***@x***"
	}
	return fmt.Sprintf("ok %s %s %s", out.AttributeName, out.DeliveryMedium, shape)
}

// TestAttackSelfServiceRevealsExistence: under ENABLED, each self-service
// operation answers a known name and an unknown one alike, call after
// call (codes, messages, the shape of the masked destination, when limits
// set in).
func TestAttackSelfServiceRevealsExistence(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 1224, Pool: func(p *flow.Pool) { p.AutoVerifiedAttributes = []string{"email"} },
		Client: func(c *flow.AppClient) { c.PreventUserExistenceErrors = challenge.PreventUserExistenceErrorsOn }})
	forgot := func(name string) string {
		out, err := e.Server.ForgotPassword(ctx, &challenge.UsernameInput{ClientId: e.Client.ID, Username: name})
		if out != nil {
			return observe(out.CodeDeliveryDetails, err)
		}
		return observe(nil, err)
	}
	resend := func(name string) string {
		out, err := e.Server.ResendConfirmationCode(ctx, &challenge.UsernameInput{ClientId: e.Client.ID, Username: name})
		if out != nil {
			return observe(out.CodeDeliveryDetails, err)
		}
		return observe(nil, err)
	}
	confirmForgot := func(name, pw string) string {
		_, err := e.Server.ConfirmForgotPassword(ctx, &challenge.ConfirmForgotPasswordInput{ClientId: e.Client.ID,
			Username: name, ConfirmationCode: "000000", Password: pw})
		return observe(nil, err)
	}
	confirmSignUp := func(name string) string {
		_, err := e.Server.ConfirmSignUp(ctx, &challenge.ConfirmSignUpInput{ClientId: e.Client.ID, Username: name, ConfirmationCode: "000000"})
		return observe(nil, err)
	}
	signUp := func(name string) {
		_, err := e.Server.SignUp(ctx, &challenge.SignUpInput{ClientId: e.Client.ID, Username: name, Password: "Correct-horse1",
			UserAttributes: []challenge.AttributeType{{Name: "email", Value: name + "@example.com"}}})
		require.NoError(t, err)
	}
	verified := func(name string) {
		e.AddUser(name, "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": name + "@example.com", "email_verified": "true"})
	}
	scenarios := []struct {
		name  string
		known func(name string) // makes name a known user
		run   func(name string) []string
	}{
		{"ForgotPassword until the budget runs out", verified, func(n string) (obs []string) {
			for i := 0; i < 8; i++ {
				obs = append(obs, forgot(n))
			}
			return obs
		}},
		{"ForgotPassword of a user with nowhere to send", func(n string) {
			e.AddUser(n, "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": n + "@example.com"})
		}, func(n string) []string { return []string{forgot(n)} }},
		{"ConfirmForgotPassword with wrong codes", verified, func(n string) (obs []string) {
			obs = append(obs, forgot(n), confirmForgot(n, "weak"))
			for i := 0; i < 8; i++ {
				obs = append(obs, confirmForgot(n, "New-horse1"))
			}
			return append(obs, forgot(n), confirmForgot(n, "New-horse1"))
		}},
		{"ConfirmForgotPassword without a code", verified, func(n string) []string {
			return []string{confirmForgot(n, "New-horse1"), confirmForgot(n, "weak")}
		}},
		{"ConfirmSignUp with wrong codes", signUp, func(n string) (obs []string) {
			for i := 0; i < 8; i++ {
				obs = append(obs, confirmSignUp(n))
			}
			return obs
		}},
		{"ConfirmSignUp of a confirmed user", verified, func(n string) []string { return []string{confirmSignUp(n)} }},
		{"ResendConfirmationCode until the budget runs out", signUp, func(n string) (obs []string) {
			for i := 0; i < 8; i++ {
				obs = append(obs, resend(n))
			}
			return append(obs, confirmSignUp(n))
		}},
		{"ResendConfirmationCode of a confirmed user", verified, func(n string) []string { return []string{resend(n)} }},
	}
	for i, sc := range scenarios {
		known, unknown := fmt.Sprintf("known%d", i), fmt.Sprintf("unknown%d", i)
		sc.known(known)
		k, u := sc.run(known), sc.run(unknown)
		assert.Equal(t, k, u, "%s: known and unknown answer differently", sc.name)
		for _, o := range k {
			assert.NotContains(t, o, "UserNotFoundException", sc.name)
		}
	}

	// The decoy destination of an unknown name is stable and depends on
	// the name, like a real one.
	e.Clock.Advance(24 * time.Hour)
	dest := func(name string) string {
		out, err := e.Server.ForgotPassword(ctx, &challenge.UsernameInput{ClientId: e.Client.ID, Username: name})
		require.NoError(t, err)
		return out.CodeDeliveryDetails.Destination
	}
	assert.Equal(t, dest("ghost"), dest("GHOST"))
	seen := map[string]bool{}
	for _, n := range []string{"ghost1", "ghost2", "ghost3", "ghost4", "ghost5", "ghost6"} {
		seen[dest(n)] = true
	}
	assert.Greater(t, len(seen), 1, "every unknown name shows the same destination")
	assert.Equal(t, "b***@c***", dest("bob@corp.example"), "an email-shaped name masks like a real email alias")
}

// TestCodeGuessesWorstHour proves the bound on the manual clock with the
// attacker's best schedule against the fixed windows: one guess opens a
// window, four more at its end, then five as soon as the next window opens,
// each after the lockout of the previous failure. Nine wrong codes fall in
// one sliding hour, and that is all: the next is refused. Over a day the
// lockout (15 minutes from the 15th failure on) leaves at most 4 an hour.
func TestCodeGuessesWorstHour(t *testing.T) {
	for _, purpose := range []string{"FORGOT_PASSWORD", "SIGN_UP"} {
		t.Run(purpose, func(t *testing.T) {
			e := flowtest.New(t, flowtest.Options{Seed: 1225, Pool: func(p *flow.Pool) { p.AutoVerifiedAttributes = []string{"email"} }})
			var request func() error
			var guess func(code string) error
			if purpose == "FORGOT_PASSWORD" {
				e.AddUser("kim", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "kim@example.com", "email_verified": "true"})
				request = func() error {
					_, err := e.Server.ForgotPassword(ctx, &challenge.UsernameInput{ClientId: e.Client.ID, Username: "kim"})
					return err
				}
				guess = func(code string) error {
					_, err := e.Server.ConfirmForgotPassword(ctx, &challenge.ConfirmForgotPasswordInput{ClientId: e.Client.ID,
						Username: "kim", ConfirmationCode: code, Password: "Attacker-pw1"})
					return err
				}
			} else {
				_, err := e.Server.SignUp(ctx, &challenge.SignUpInput{ClientId: e.Client.ID, Username: "kim", Password: "Correct-horse1",
					UserAttributes: []challenge.AttributeType{{Name: "email", Value: "kim@example.com"}}})
				require.NoError(t, err)
				request = func() error {
					_, err := e.Server.ResendConfirmationCode(ctx, &challenge.UsernameInput{ClientId: e.Client.ID, Username: "kim"})
					return err
				}
				guess = func(code string) error {
					_, err := e.Server.ConfirmSignUp(ctx, &challenge.ConfirmSignUpInput{ClientId: e.Client.ID, Username: "kim", ConfirmationCode: code})
					return err
				}
			}
			start := e.Clock.Now()
			wrong := func() error {
				msg, ok := e.Outbox.Last("kim", purpose)
				require.True(t, ok)
				return guess(wrongCode(msg.Code))
			}
			at := func(d time.Duration) { e.Clock.Advance(start.Add(d).Sub(e.Clock.Now())) }
			require.NoError(t, request())
			var times []time.Duration
			mismatch := func(d time.Duration) {
				at(d)
				requireCode(t, wrong(), challenge.ErrCodeMismatch, "")
				times = append(times, d)
			}
			mismatch(0)
			at(59 * time.Minute)
			require.NoError(t, request()) // a fresh code: the budget goes on
			for range 4 {
				mismatch(59*time.Minute + 50*time.Second)
			}
			// Window two: 1 s, 2 s, 4 s, 8 s of lockout between failures 5 to 9.
			next := time.Hour
			for _, lock := range []time.Duration{0, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second} {
				next += lock
				mismatch(next)
			}
			// The guess budget of the window is spent.
			at(next + time.Second)
			requireCode(t, wrong(), challenge.ErrTooManyFailedAttempts, "Attempt limit exceeded, please try after some time.")
			inHour := 0
			for _, d := range times {
				if d >= 31*time.Second && d < time.Hour+31*time.Second {
					inHour++
				}
			}
			assert.Equal(t, 9, inHour, "wrong codes evaluated in the sliding hour [0:00:31, 1:00:31)")

			// Steady state: from the 15th failure on, each one locks the
			// user out for 15 minutes, so at most 4 guesses an hour.
			for d := 2 * time.Hour; e.User("kim").FailedAttempts < 15; d += 16 * time.Minute {
				require.Less(t, d, 6*time.Hour, "wrong codes do not count towards the lockout")
				at(d)
				require.NoError(t, request())
				mismatch(d)
			}
			last := times[len(times)-1]
			require.NoError(t, request())
			at(last + 15*time.Minute - time.Second)
			requireCode(t, wrong(), challenge.ErrLimitExceeded, "Attempt limit exceeded, please try after some time.")
			mismatch(last + 15*time.Minute)
		})
	}
}

// TestMaskKeepsWholeCharacters: a masked destination never splits a
// character (it went out as invalid UTF-8).
func TestMaskKeepsWholeCharacters(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 1226, Client: func(c *flow.AppClient) {
		c.PreventUserExistenceErrors = challenge.PreventUserExistenceErrorsOn
	}})
	e.AddUser("eva", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "éva@ümlaut.example", "email_verified": "true"})
	out, err := e.Server.ForgotPassword(ctx, &challenge.UsernameInput{ClientId: e.Client.ID, Username: "eva"})
	require.NoError(t, err)
	assert.Equal(t, "é***@ü***", out.CodeDeliveryDetails.Destination)
	out, err = e.Server.ForgotPassword(ctx, &challenge.UsernameInput{ClientId: e.Client.ID, Username: "ölaf@ümlaut.example"})
	require.NoError(t, err)
	assert.Equal(t, "ö***@ü***", out.CodeDeliveryDetails.Destination)
}
