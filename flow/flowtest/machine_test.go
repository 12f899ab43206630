package flowtest_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/srp"
	"github.com/authflow/authflow/totp"
)

// machineWorld is what the machine model keeps between calls: the facts
// a driver would look up, and the sign-in in progress.
type machineWorld struct {
	pool   *flow.Pool
	client *flow.AppClient
	users  map[string]*flow.User
	facts  flow.Event // CanSend, CanPasskey, CanCustomAuth, Limits, DecoyKey
	now    time.Time
	random io.Reader
	srpc   *srp.Client
	// the pending sign-in: its state, the user's password as the client
	// believes it, the last code sent, the device secret
	pending  *flow.State
	password string
	code     string
	device   machineDevice
	rounds   int // custom rounds the define script asks for
	steps    int
	// the last challenge's parameters and SELECT_CHALLENGE offer
	lastParams    map[string]string
	lastAvailable []challenge.Name
}

type machineDevice struct{ key, group, password string }

var machineVerifiers = map[string][2][]byte{}

func machineVerifier(t *rapid.T, poolID, username, password string) ([]byte, []byte) {
	k := poolID + "\x00" + username + "\x00" + password
	if v, ok := machineVerifiers[k]; ok {
		return v[0], v[1]
	}
	salt, verifier, err := srp.NewPasswordVerifier(flowtest.Rand(uint64(len(machineVerifiers))+1), srp.PoolName(poolID), username, password)
	if err != nil {
		t.Fatal(err)
	}
	machineVerifiers[k] = [2][]byte{salt, verifier}
	return salt, verifier
}

const totpSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

func newMachineWorld(t *rapid.T) *machineWorld {
	pool := &flow.Pool{ID: "us-east-1_Machine", Name: "machine", PasswordPolicy: flow.DefaultPasswordPolicy(),
		WebAuthnRelyingPartyID: "auth.example.com"}
	pool.MFA = rapid.SampledFrom([]flow.MFAConfiguration{flow.MFAOff, flow.MFAOptional, flow.MFAOn}).Draw(t, "mfa")
	pool.TOTPMFAEnabled = pool.MFA != flow.MFAOff
	pool.EmailMFAEnabled = pool.MFA != flow.MFAOff && rapid.Bool().Draw(t, "emailMFA")
	if rapid.Bool().Draw(t, "devices") {
		pool.Devices = &flow.DeviceConfiguration{ChallengeRequiredOnNewDevice: rapid.Bool().Draw(t, "remembered")}
	}
	pool.AllowedFirstAuthFactors = []string{"PASSWORD"}
	for _, f := range []string{"EMAIL_OTP", "WEB_AUTHN"} {
		if rapid.Bool().Draw(t, "factor "+f) {
			pool.AllowedFirstAuthFactors = append(pool.AllowedFirstAuthFactors, f)
		}
	}
	if rapid.Bool().Draw(t, "schemaRequired") {
		pool.SchemaRequired = []string{"name"}
	}
	client := &flow.AppClient{ID: "machine-client", PoolID: pool.ID, PreventUserExistenceErrors: challenge.PreventUserExistenceErrorsOn}
	if rapid.Bool().Draw(t, "legacyExistence") {
		client.PreventUserExistenceErrors = challenge.PreventUserExistenceErrorsLegacy
	}
	w := &machineWorld{pool: pool, client: client, users: map[string]*flow.User{}, now: flowtest.Epoch,
		random: flowtest.Rand(rapid.Uint64().Draw(t, "seed"))}
	w.facts = flow.Event{CanSend: rapid.Bool().Draw(t, "canSend"), CanPasskey: rapid.Bool().Draw(t, "canPasskey"),
		CanCustomAuth: rapid.Bool().Draw(t, "canCustomAuth"), DecoyKey: []byte("machine-decoy-key-0123456789abcd")}
	if rapid.Bool().Draw(t, "limits") {
		w.facts.Limits = flow.Limits{MaxWrongAnswers: rapid.IntRange(1, 4).Draw(t, "maxWrong"), MaxSteps: rapid.IntRange(2, 8).Draw(t, "maxSteps")}
	}
	w.rounds = rapid.IntRange(1, 3).Draw(t, "customRounds")
	c, err := srp.NewClient(flowtest.Rand(77))
	if err != nil {
		t.Fatal(err)
	}
	w.srpc = c
	add := func(name string, status flow.UserStatus, enabled bool) *flow.User {
		salt, verifier := machineVerifier(t, pool.ID, name, "Correct-horse1")
		u := &flow.User{PoolID: pool.ID, Username: name, Sub: "sub-" + name, Status: status, Enabled: enabled,
			Salt: salt, Verifier: verifier, Attributes: map[string]string{"email": name + "@example.com", "email_verified": "true"}}
		w.users[name] = u
		return u
	}
	alice := add("alice", flow.StatusConfirmed, true)
	if rapid.Bool().Draw(t, "aliceTOTP") {
		alice.MFA.TOTPEnabled, alice.MFA.TOTPSecret = true, totpSecret
	}
	alice.MFA.EmailEnabled = rapid.Bool().Draw(t, "aliceEmailMFA")
	if rapid.Bool().Draw(t, "alicePasskey") {
		alice.Passkeys = []challenge.PasskeyCredential{{ID: []byte("cred-alice"), SignCount: 1}}
	}
	if pool.Devices != nil && rapid.Bool().Draw(t, "aliceDevice") {
		d := machineDevice{key: "us-east-1_dev-alice", group: "-group"}
		pw, salt, verifier, err := srp.NewDeviceSecret(flowtest.Rand(78), d.group, d.key)
		if err != nil {
			t.Fatal(err)
		}
		d.password = pw
		w.device = d
		alice.Devices = []flow.Device{{Key: d.key, GroupKey: d.group, Salt: salt, Verifier: verifier,
			Remembered: rapid.Bool().Draw(t, "deviceRemembered")}}
	}
	add("tess", flow.StatusForceChangePassword, true)
	add("dora", flow.StatusConfirmed, false)
	add("uma", flow.StatusUnconfirmed, true)
	return w
}

// event is a fresh Event with the world's facts.
func (w *machineWorld) event() flow.Event {
	ev := w.facts
	ev.Now, ev.Pool, ev.Client = w.now, w.pool, w.client
	return ev
}

// answer answers the machine's requests as a driver with these hooks and
// passkeys would: the define script asks for w.rounds custom challenges
// and fails after a wrong answer; the right answer is "4"; the passkey
// credential "good" signs.
func (w *machineWorld) answer(req flow.Request) flow.Reply {
	r := flow.Reply{Kind: req.Kind}
	switch req.Kind {
	case flow.NeedDefine:
		h := req.Define.Session
		switch {
		case len(h) > 0 && !h[len(h)-1].ChallengeResult:
			r.Define = &flow.DefineAuthChallengeOutput{FailAuthentication: true}
		case len(h) == 1 && h[0].ChallengeName == challenge.ValueChallengeNameSRPA:
			r.Define = &flow.DefineAuthChallengeOutput{ChallengeName: "PASSWORD_VERIFIER"}
		case len(h) >= w.rounds+1 || (len(h) >= w.rounds && (len(h) == 0 || h[0].ChallengeName != challenge.ValueChallengeNameSRPA)):
			r.Define = &flow.DefineAuthChallengeOutput{IssueTokens: true}
		default:
			r.Define = &flow.DefineAuthChallengeOutput{ChallengeName: "CUSTOM_CHALLENGE"}
		}
	case flow.NeedCreate:
		r.Create = &flow.CreateAuthChallengeOutput{PublicChallengeParameters: map[string]string{"q": "2+2"},
			PrivateChallengeParameters: map[string]string{"a": "4"}, ChallengeMetadata: "round"}
	case flow.NeedVerify:
		r.Verify = &flow.VerifyAuthChallengeOutput{AnswerCorrect: req.Verify.ChallengeAnswer == req.Verify.PrivateChallengeParameters["a"]}
	case flow.NeedPasskeyBegin:
		r.Options, r.Session = []byte(`{"challenge":"c"}`), []byte("webauthn-session")
	case flow.NeedPasskeyFinish:
		if string(req.Passkey.Credential) == "good" && len(req.Passkey.User.Credentials) > 0 {
			r.CredentialID, r.SignCount = req.Passkey.User.Credentials[0].ID, req.Passkey.User.Credentials[0].SignCount+1
		} else {
			r.Err = challenge.New(challenge.ErrWebAuthnChallengeNotFound, "the assertion does not verify")
		}
	}
	return r
}

// apply carries out what the driver applies to the user.
func (w *machineWorld) apply(u *flow.User, e flow.Effects) {
	if u == nil {
		return
	}
	if e.RecordFailure {
		u.FailedAttempts++
	}
	if e.ResetFailures {
		u.FailedAttempts = 0
	}
	if e.SetPassword != nil {
		u.Salt, u.Verifier = e.SetPassword.Salt, e.SetPassword.Verifier
	}
	if e.SetStatus != "" {
		u.Status = e.SetStatus
	}
	for k, v := range e.SetAttributes {
		u.Attributes[k] = v
	}
	if e.TOTPStep > u.MFA.TOTPLastStep {
		u.MFA.TOTPLastStep = e.TOTPStep
	}
}

// call drives one call and keeps the sign-in's state.
func (w *machineWorld) call(t *rapid.T, s *flow.State, ev flow.Event, username string) {
	w.steps++
	u := w.users[username]
	if s != nil && u == nil {
		u = w.users[s.Username]
	}
	if u != nil {
		ev.User = u.Clone()
	}
	o, _, err := flowtest.Drive(s, ev, w.random, w.answer)
	if err != nil {
		t.Fatalf("call %d (%s%s): %v", w.steps, ev.Flow, ev.Answer, err)
	}
	refresh := ev.Flow == challenge.FlowRefreshTokenAuth // proven by the issuer, before the machine
	if o.Grant && (o.Next.Decoy || ev.User == nil || !refresh && o.Next.Proven&(flow.FactorPassword|flow.FactorPasswordless|flow.FactorCustom) == 0) {
		t.Fatalf("call %d: tokens without a proven first factor of a real user: %+v", w.steps, o.Next)
	}
	for _, tr := range o.Transitions {
		machineEdges[tr.String()]++
	}
	w.apply(u, o.Effects)
	for _, m := range o.Effects.Messages {
		w.code = m.Code
	}
	if o.Err == nil && o.Next.Phase != flow.PhaseTokens && o.Next.Phase != flow.PhaseFailed || o.Retry {
		next := *o.Next
		w.pending = &next
		w.pendingParams(o)
	} else {
		w.pending = nil
	}
}

// pendingParams keeps what the client needs to answer the challenge.
func (w *machineWorld) pendingParams(o flow.Outcome) {
	if o.Retry {
		return
	}
	w.lastParams = o.Params
	w.lastAvailable = o.Available
}

// initiate starts a sign-in with a drawn flow and user.
func (w *machineWorld) initiate(t *rapid.T) {
	username := rapid.SampledFrom([]string{"alice", "alice", "alice", "alice", "tess", "tess", "dora", "uma", "ghost"}).Draw(t, "user")
	password := rapid.SampledFrom([]string{"Correct-horse1", "Correct-horse1", "Correct-horse1", "Wrong-horse1"}).Draw(t, "password")
	ev := w.event()
	ev.Admin = rapid.Bool().Draw(t, "admin")
	ev.Flow = rapid.SampledFrom([]challenge.AuthFlow{challenge.FlowUserSRPAuth, challenge.FlowUserPasswordAuth,
		challenge.FlowAdminUserPasswordAuth, challenge.FlowCustomAuth, challenge.FlowUserAuth, challenge.FlowUserAuth,
		challenge.FlowUserAuth, challenge.FlowRefreshTokenAuth}).Draw(t, "flow")
	ev.Params = map[string]string{"USERNAME": username}
	switch ev.Flow {
	case challenge.FlowUserSRPAuth:
		ev.Params["SRP_A"] = srp.HexInt(w.srpc.A())
	case challenge.FlowUserPasswordAuth, challenge.FlowAdminUserPasswordAuth:
		ev.Params["PASSWORD"] = password
	case challenge.FlowCustomAuth:
		if rapid.Bool().Draw(t, "srpA") {
			ev.Params["CHALLENGE_NAME"] = challenge.ValueChallengeNameSRPA
			ev.Params["SRP_A"] = srp.HexInt(w.srpc.A())
		}
	case challenge.FlowUserAuth:
		pref := rapid.SampledFrom([]string{"", "PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "WEB_AUTHN"}).Draw(t, "preferred")
		if pref != "" {
			ev.Params["PREFERRED_CHALLENGE"] = pref
		}
		if rapid.Bool().Draw(t, "withProof") {
			ev.Params["PASSWORD"] = password
			ev.Params["SRP_A"] = srp.HexInt(w.srpc.A())
		}
	}
	if w.device.key != "" && rapid.IntRange(0, 3).Draw(t, "deviceKey") > 0 {
		ev.Params["DEVICE_KEY"] = w.device.key
	}
	w.password = password
	w.call(t, nil, ev, username)
}

// respond answers the pending challenge, rightly or not.
func (w *machineWorld) respond(t *rapid.T) {
	s := w.pending
	ev := w.event()
	ev.Answer = s.Challenge
	ev.Admin = s.Admin
	ev.Params = map[string]string{"USERNAME": s.Username}
	right := rapid.IntRange(0, 3).Draw(t, "right") > 0
	p := w.lastParams
	switch s.Challenge {
	case challenge.PasswordVerifier, challenge.DevicePasswordVerifier:
		ev.Params = w.claim(t, s, p, right)
		if s.Challenge == challenge.PasswordVerifier && w.device.key != "" && rapid.Bool().Draw(t, "claimDeviceKey") {
			ev.Params["DEVICE_KEY"] = w.device.key
		}
	case challenge.DeviceSRPAuth:
		ev.Params["SRP_A"] = srp.HexInt(w.srpc.A())
		ev.Params["DEVICE_KEY"] = w.device.key
	case challenge.NewPasswordRequired:
		ev.Params["NEW_PASSWORD"] = "short"
		if right {
			ev.Params["NEW_PASSWORD"] = "New-password1"
			ev.Params["userAttributes.name"] = "Name"
		}
	case challenge.SoftwareTokenMFA:
		code, _ := totp.DefaultConfig().Code(totpSecret, w.now)
		if !right {
			code = "000000"
		}
		ev.Params["SOFTWARE_TOKEN_MFA_CODE"] = code
	case challenge.EmailOTP, challenge.SMSMFA, challenge.SMSOTP:
		code := w.code
		if !right {
			code = "999999x"
		}
		ev.Params["EMAIL_OTP_CODE"], ev.Params["SMS_MFA_CODE"], ev.Params["SMS_OTP_CODE"] = code, code, code
	case challenge.SelectMFAType:
		var choices []string
		_ = json.Unmarshal([]byte(p["MFAS_CAN_CHOOSE"]), &choices)
		if len(choices) > 0 {
			ev.Params["ANSWER"] = rapid.SampledFrom(choices).Draw(t, "mfaChoice")
		}
	case challenge.MFASetup:
		// Set up outside Step (AssociateSoftwareToken): answered as not verified.
	case challenge.SelectChallenge:
		if len(w.lastAvailable) > 0 {
			a := rapid.SampledFrom(w.lastAvailable).Draw(t, "choice")
			ev.Params["ANSWER"] = string(a)
			switch a {
			case challenge.Password:
				ev.Params["PASSWORD"] = w.password
			case challenge.WebAuthn:
				if rapid.Bool().Draw(t, "credentialNow") {
					ev.Params["CREDENTIAL"] = map[bool]string{true: "good", false: "bad"}[right]
				}
			}
		}
	case challenge.Password:
		ev.Params["PASSWORD"] = map[bool]string{true: "Correct-horse1", false: "Wrong-horse1"}[right]
	case challenge.PasswordSRP:
		ev.Params["SRP_A"] = srp.HexInt(w.srpc.A())
	case challenge.WebAuthn:
		ev.Params["CREDENTIAL"] = map[bool]string{true: "good", false: "bad"}[right]
	case challenge.CustomChallenge:
		ev.Params["ANSWER"] = map[bool]string{true: "4", false: "5"}[right]
	}
	if rapid.IntRange(0, 9).Draw(t, "garbage") == 0 {
		// Now and then a malformed answer: a parameter dropped or replaced.
		keys := slices.Sorted(mapKeys(ev.Params))
		k := rapid.SampledFrom(keys).Draw(t, "garbageKey")
		if rapid.Bool().Draw(t, "drop") {
			delete(ev.Params, k)
		} else {
			ev.Params[k] = rapid.StringN(0, 40, -1).Draw(t, "garbageValue")
		}
	}
	w.call(t, s, ev, s.Username)
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// claim computes a PASSWORD_VERIFIER (or device) claim with the srp client.
func (w *machineWorld) claim(t *rapid.T, s *flow.State, p map[string]string, right bool) map[string]string {
	salt, err1 := srp.ParseSalt(p["SALT"])
	B, err2 := srp.ParseB(p["SRP_B"])
	secret, err3 := base64.StdEncoding.DecodeString(p["SECRET_BLOCK"])
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatalf("challenge parameters: %v (%v)", err, p)
	}
	ts := srp.FormatTimestamp(w.now)
	out := map[string]string{"USERNAME": s.Username, "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "TIMESTAMP": ts}
	if s.Challenge == challenge.DevicePasswordVerifier {
		pw := w.device.password
		if !right {
			pw = "not-the-device"
		}
		key, err := w.srpc.DeviceSessionKey(w.device.group, w.device.key, pw, salt, B)
		if err != nil {
			t.Fatal(err)
		}
		out["PASSWORD_CLAIM_SIGNATURE"] = srp.Signature(key, w.device.group, w.device.key, secret, ts)
		out["DEVICE_KEY"] = w.device.key
		return out
	}
	pw := w.password
	if !right {
		pw = "Wrong-horse1"
	}
	userID := p["USER_ID_FOR_SRP"]
	key, err := w.srpc.SessionKey(srp.PoolName(w.pool.ID), userID, pw, salt, B)
	if err != nil {
		t.Fatal(err)
	}
	out["PASSWORD_CLAIM_SIGNATURE"] = srp.Signature(key, srp.PoolName(w.pool.ID), userID, secret, ts)
	return out
}

// TestMachine is the machine model: random sign-ins driven through
// flow.Step alone, with the test answering the machine's requests (random
// bytes, the custom-auth hooks, the passkey ceremonies) as the driver
// does, and carrying out the user's effects. Every step is checked for
// the InvStep invariants (flowtest.Drive): inputs never written, the same
// inputs the same outcome, transitions only along declared edges, a
// request decides nothing, a replay with the answers so far asks the
// same requests, every random byte drawn is used; and no tokens without
// a proven first factor of a real user.
//
// The run must take most declared edges (machineMinEdges), so that it
// cannot pass by doing nothing.
func TestMachine(t *testing.T) {
	clear(machineEdges)
	rounds := machineRounds
	if raceBuild || testing.Short() {
		rounds = 2
	}
	for i := range rounds {
		t.Run(fmt.Sprintf("round%d", i), func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				w := newMachineWorld(t)
				for range rapid.IntRange(1, 16).Draw(t, "calls") {
					if w.pending != nil && rapid.IntRange(0, 4).Draw(t, "respond") > 0 {
						w.respond(t)
					} else {
						w.initiate(t)
					}
					if rapid.IntRange(0, 5).Draw(t, "tick") == 0 {
						w.now = w.now.Add(40 * time.Second)
					}
				}
			})
		})
	}
	var missed []string
	for _, e := range flow.Edges() {
		if machineEdges[e.String()] == 0 {
			missed = append(missed, e.String())
		}
	}
	t.Logf("edges taken: %d of %d; not taken: %v", len(flow.Edges())-len(missed), len(flow.Edges()), missed)
	if taken := len(flow.Edges()) - len(missed); taken < machineMinEdges && !t.Failed() {
		t.Errorf("the machine model took only %d edges (want at least %d)", taken, machineMinEdges)
	}
}

// machineEdges counts the edges TestMachine's steps took.
var machineEdges = map[string]int{}

// machineMinEdges is the fewest declared edges a TestMachine run takes;
// the driver's own (sign-up sessions, MFA setup) are outside Step.
const machineMinEdges = 38

// machineRounds is how many rapid.Check runs (of -rapid.checks sequences
// each, 100 by default) TestMachine makes (2 under -race or -short).
const machineRounds = 4
