package flow_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/token"
)

// eventsEnv is an engine over a pool with threat protection in AUDIT mode
// (or mode), with the real token issuer so that event_id can be read.
func eventsEnv(t *testing.T, mode string, pool func(*flow.Pool)) *flowtest.Env {
	t.Helper()
	return flowtest.New(t, flowtest.Options{Seed: 90, Issuer: token.NewMemoryIssuer(), Pool: func(p *flow.Pool) {
		p.AdvancedSecurityMode = mode
		if pool != nil {
			pool(p)
		}
	}})
}

// claim reads a claim of a JWT without verifying it (the token package's
// own tests verify; here only the value matters).
func claim(t *testing.T, jwt, name string) any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	require.Len(t, parts, 3)
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var c map[string]any
	require.NoError(t, json.Unmarshal(raw, &c))
	return c[name]
}

func factor(name, result string) challenge.ChallengeResponseType {
	return challenge.ChallengeResponseType{ChallengeName: name, ChallengeResponse: result}
}

var (
	passwordOK  = factor(challenge.EventChallengePassword, challenge.EventChallengeSuccess)
	passwordBad = factor(challenge.EventChallengePassword, challenge.EventChallengeFailure)
	mfaOK       = factor(challenge.EventChallengeMfa, challenge.EventChallengeSuccess)
	mfaBad      = factor(challenge.EventChallengeMfa, challenge.EventChallengeFailure)
)

// TestEventsPasswordSignIn: a plain-password sign-in is one event, Pass,
// with its password factor, the caller's IP, and its id in both tokens.
func TestEventsPasswordSignIn(t *testing.T) {
	e := eventsEnv(t, "AUDIT", nil)
	e.AddUser("ana", "Correct-horse1", flow.StatusConfirmed, nil)
	out, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: e.Client.ID,
		AuthParameters:  map[string]string{"USERNAME": "ana", "PASSWORD": "Correct-horse1"},
		UserContextData: &challenge.UserContextData{IpAddress: "198.51.100.7", EncodedData: "opaque"}})
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)

	events := e.User("ana").AuthEvents
	require.Len(t, events, 1)
	ev := events[0]
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, ev.ID)
	assert.Equal(t, challenge.EventTypeSignIn, ev.Type)
	assert.Equal(t, challenge.EventResponsePass, ev.Response)
	assert.Equal(t, []challenge.ChallengeResponseType{passwordOK}, ev.Challenges)
	assert.Equal(t, "198.51.100.7", ev.Context.IpAddress)
	assert.Equal(t, e.Clock.Now(), ev.Created)
	assert.Equal(t, ev.ID, claim(t, out.AuthenticationResult.IdToken, "event_id"))
	assert.Equal(t, ev.ID, claim(t, out.AuthenticationResult.AccessToken, "event_id"))
}

// TestEventsWrongPassword: a refused password is a Fail event with a
// failed password factor, and no token.
func TestEventsWrongPassword(t *testing.T) {
	e := eventsEnv(t, "ENFORCED", nil)
	e.AddUser("ana", "Correct-horse1", flow.StatusConfirmed, nil)
	_, err := e.Server.AdminInitiateAuth(ctx, &challenge.AdminInitiateAuthInput{AuthFlow: challenge.FlowAdminUserPasswordAuth,
		ClientId: e.Client.ID, UserPoolId: e.Pool.ID, AuthParameters: map[string]string{"USERNAME": "ana", "PASSWORD": "wrong-Horse1"},
		ContextData: &challenge.ContextData{IpAddress: "2001:db8::1", ServerName: "app.example", ServerPath: "/login",
			HttpHeaders: []challenge.HTTPHeader{{HeaderName: "user-agent", HeaderValue: "Mozilla/5.0 (X11; Linux x86_64)"}}}})
	require.Equal(t, challenge.ErrNotAuthorized, challenge.CodeOf(err))
	events := e.User("ana").AuthEvents
	require.Len(t, events, 1)
	assert.Equal(t, challenge.EventResponseFail, events[0].Response)
	assert.Equal(t, []challenge.ChallengeResponseType{passwordBad}, events[0].Challenges)
	assert.Equal(t, challenge.EventContextDataType{IpAddress: "2001:db8::1", DeviceName: "Mozilla/5.0 (X11; Linux x86_64)"}, events[0].Context)
}

// TestEventsSRPAndMFA: one sign-in through SRP and a software token, with
// a wrong code retried, is one event updated at every step; the tokens
// carry its id; a second sign-in is a second event.
func TestEventsSRPAndMFA(t *testing.T) {
	e := eventsEnv(t, "AUDIT", mfaPool(flow.MFAOptional))
	e.AddUser("tina", "Correct-horse1", flow.StatusConfirmed, nil)
	secret := totpUser(t, e, "tina")

	c, start, err := e.SRPStart(ctx, "tina")
	require.NoError(t, err)
	events := e.User("tina").AuthEvents
	require.Len(t, events, 1)
	id := events[0].ID
	assert.Equal(t, challenge.EventResponseInProgress, events[0].Response)
	assert.Empty(t, events[0].Challenges, "no factor answered yet")

	resp, err := e.PasswordVerifierResponse(c, start.ChallengeParameters, "Correct-horse1")
	require.NoError(t, err)
	mfa, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.PasswordVerifier,
		ClientId: e.Client.ID, Session: start.Session, ChallengeResponses: resp})
	require.NoError(t, err)
	require.Equal(t, challenge.SoftwareTokenMFA, mfa.ChallengeName)
	ev := e.User("tina").Event(id)
	require.NotNil(t, ev)
	assert.Equal(t, challenge.EventResponseInProgress, ev.Response)
	assert.Equal(t, []challenge.ChallengeResponseType{passwordOK}, ev.Challenges)

	_, err = e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.SoftwareTokenMFA,
		ClientId: e.Client.ID, Session: mfa.Session, ChallengeResponses: map[string]string{"USERNAME": "tina", "SOFTWARE_TOKEN_MFA_CODE": "000000"}})
	require.Equal(t, challenge.ErrCodeMismatch, challenge.CodeOf(err))
	ev = e.User("tina").Event(id)
	assert.Equal(t, challenge.EventResponseInProgress, ev.Response, "the session stays open after a wrong code")
	assert.Equal(t, []challenge.ChallengeResponseType{passwordOK, mfaBad}, ev.Challenges)

	done, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.SoftwareTokenMFA,
		ClientId: e.Client.ID, Session: mfa.Session,
		ChallengeResponses: map[string]string{"USERNAME": "tina", "SOFTWARE_TOKEN_MFA_CODE": code(t, secret, e.Clock.Now())}})
	require.NoError(t, err)
	ev = e.User("tina").Event(id)
	assert.Equal(t, challenge.EventResponsePass, ev.Response)
	assert.Equal(t, []challenge.ChallengeResponseType{passwordOK, mfaBad, mfaOK}, ev.Challenges)
	assert.Equal(t, id, claim(t, done.AuthenticationResult.IdToken, "event_id"))
	assert.Equal(t, id, claim(t, done.AuthenticationResult.AccessToken, "event_id"))
	require.Len(t, e.User("tina").AuthEvents, 1, "one sign-in, one event")

	e.Clock.Advance(time.Minute)
	_, _, err = e.SRPStart(ctx, "tina")
	require.NoError(t, err)
	events = e.User("tina").AuthEvents
	require.Len(t, events, 2)
	assert.NotEqual(t, id, events[1].ID)
	assert.Equal(t, e.Clock.Now(), events[1].Created)
}

// TestEventsOnlyWithThreatProtection: a pool whose AdvancedSecurityMode is
// OFF records nothing, and its tokens' event_id is a fresh one.
func TestEventsOnlyWithThreatProtection(t *testing.T) {
	e := eventsEnv(t, "OFF", nil)
	e.AddUser("ana", "Correct-horse1", flow.StatusConfirmed, nil)
	out, err := e.PasswordSignIn(ctx, "ana", "Correct-horse1")
	require.NoError(t, err)
	_, err = e.PasswordSignIn(ctx, "ana", "wrong-Horse1")
	require.Error(t, err)
	assert.Empty(t, e.User("ana").AuthEvents)
	assert.Regexp(t, `^[0-9a-f-]{36}$`, claim(t, out.AuthenticationResult.IdToken, "event_id"))
}

// TestEventsBounded: a user keeps the newest MaxAuthEvents events.
func TestEventsBounded(t *testing.T) {
	var u flow.User
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range flow.MaxAuthEvents + 7 {
		u.ApplyEvent(flow.EventUpdate{ID: string(rune('A'+i%26)) + strings.Repeat("x", i/26), Type: challenge.EventTypeSignIn,
			Now: t0.Add(time.Duration(i) * time.Second), Response: challenge.EventResponseFail})
	}
	require.Len(t, u.AuthEvents, flow.MaxAuthEvents)
	assert.Equal(t, t0.Add(7*time.Second), u.AuthEvents[0].Created, "the oldest went first")
	assert.Equal(t, t0.Add(time.Duration(flow.MaxAuthEvents+6)*time.Second), u.AuthEvents[flow.MaxAuthEvents-1].Created)

	// A Pass is never undone by a later update of the same event.
	last := u.AuthEvents[len(u.AuthEvents)-1].ID
	u.ApplyEvent(flow.EventUpdate{ID: last, Response: challenge.EventResponsePass})
	u.ApplyEvent(flow.EventUpdate{ID: last, Response: challenge.EventResponseFail})
	assert.Equal(t, challenge.EventResponsePass, u.Event(last).Response)
}

// TestEventContextBounded: a caller's context data is cut to bounded,
// valid UTF-8.
func TestEventContextBounded(t *testing.T) {
	c := flow.EventContext(nil, &challenge.ContextData{IpAddress: strings.Repeat("9", 500),
		HttpHeaders: []challenge.HTTPHeader{{HeaderName: "User-Agent", HeaderValue: strings.Repeat("é", 400)}}})
	assert.Len(t, c.IpAddress, 64)
	assert.LessOrEqual(t, len(c.DeviceName), 256)
	assert.True(t, strings.HasPrefix(c.DeviceName, "éé"))
	assert.Equal(t, strings.ToValidUTF8(c.DeviceName, "?"), c.DeviceName)
	assert.Equal(t, challenge.EventContextDataType{}, flow.EventContext(nil, nil))
}

// BenchmarkSignInEvents measures a plain-password sign-in in a pool
// without threat protection and in one with it (one event read and write
// more per step); compare the two in one run.
func BenchmarkSignInEvents(b *testing.B) {
	for _, mode := range []string{"OFF", "AUDIT"} {
		b.Run(mode, func(b *testing.B) {
			e := flowtest.New(b, flowtest.Options{Seed: 91, Pool: func(p *flow.Pool) { p.AdvancedSecurityMode = mode }})
			e.AddUser("ana", "Correct-horse1", flow.StatusConfirmed, nil)
			for b.Loop() {
				if _, err := e.PasswordSignIn(ctx, "ana", "Correct-horse1"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
