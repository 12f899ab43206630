package flowtest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/srp"
)

// The USER_AUTH extension of the model (ModelOptions.UserAuth): the app
// client also allows ALLOW_USER_AUTH, the pool's AllowedFirstAuthFactors
// are PASSWORD and EMAIL_OTP, and alice has a verified email address, so
// she alone can sign in with a one-time code. Sign-ins choose a factor
// with PREFERRED_CHALLENGE (PASSWORD with or without the password,
// PASSWORD_SRP with SRP_A, EMAIL_OTP) or answer SELECT_CHALLENGE (ANSWER=
// one of the offered factors, or one that was not offered). Unknown names
// get a decoy SELECT_CHALLENGE offering PASSWORD and PASSWORD_SRP under
// PreventUserExistenceErrors ENABLED, UserNotFoundException under LEGACY.
// A proven password follows the normal path (FirstFactor: forced password
// change, mike's TOTP); a proven one-time code skips MFA, as the engine
// does. The model reads each code from the Env's Outbox as it is sent.

// InvUserAuthProven is the USER_AUTH extension's invariant.
const InvUserAuthProven = "a USER_AUTH sign-in gets tokens only with a proven first factor"

// EmailUser is the user with a verified email address.
const EmailUser = "alice"

// userAuthModel is the model's account of the USER_AUTH extension.
type userAuthModel struct {
	// calls notes, per call of the extension that could return tokens,
	// whether it proved a first factor (the user's current password, or
	// the latest unexpired code sent in a live session).
	calls map[*Call]uaProof
	sent  int // Outbox messages before the call being stepped
}

type uaProof struct {
	factor string
	proven bool
	why    string
}

// Session.Extra keys of the extension.
const (
	uaOffered     = "ua.offered"     // []challenge.Name offered by SELECT_CHALLENGE
	uaCode        = "ua.code"        // the code sent for an EMAIL_OTP session
	uaCodeExpires = "ua.codeExpires" // when it expires
	uaSession     = "ua.userAuth"    // the session belongs to a USER_AUTH sign-in
)

// userAuthClient and userAuthPool configure the Env for the extension.
func userAuthClient(c *flow.AppClient, validity time.Duration) {
	if !slices.Contains(c.ExplicitAuthFlows, challenge.ExplicitAllowUserAuth) {
		c.ExplicitAuthFlows = append(slices.Clone(c.ExplicitAuthFlows), challenge.ExplicitAllowUserAuth)
	}
	c.AuthSessionValidity = validity
}

func userAuthPool(p *flow.Pool) {
	p.AllowedFirstAuthFactors = []string{"PASSWORD", "EMAIL_OTP"}
}

func (m *Model) installUserAuth() {
	u, err := m.Env.Dir.User(m.ctx, m.Env.Pool.ID, EmailUser)
	if err != nil || u == nil {
		m.Env.TB.Fatalf("reading %s back: %v", EmailUser, err)
	}
	old := u.Version
	u.Attributes = maps.Clone(u.Attributes)
	if u.Attributes == nil {
		u.Attributes = map[string]string{}
	}
	u.Attributes["email"], u.Attributes["email_verified"] = EmailUser+"@example.com", "true"
	if err := m.Env.Dir.Apply(m.ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: old}); err != nil {
		m.Env.TB.Fatal(err)
	}
	m.ua = &userAuthModel{calls: map[*Call]uaProof{}}
	has := func(kind challenge.Name) func() bool {
		return func() bool { return len(m.SessionsOf(kind)) > 0 }
	}
	m.AddAction(Action{Name: "UserAuthPassword", Weight: 4, Run: m.actUserAuthPassword})
	m.AddAction(Action{Name: "UserAuthSRP", Weight: 2, Run: m.actUserAuthSRP})
	m.AddAction(Action{Name: "UserAuthEmailOTP", Weight: 3, Run: m.actUserAuthEmailOTP})
	m.AddAction(Action{Name: "UserAuthSelect", Weight: 3, Run: m.actUserAuthSelect})
	m.AddAction(Action{Name: "AnswerSelectChallenge", Weight: 5, Enabled: has(challenge.SelectChallenge), Run: m.actAnswerSelect})
	m.AddAction(Action{Name: "AnswerEmailOTP", Weight: 5, Enabled: has(challenge.EmailOTP), Run: m.actAnswerEmailOTP})
	m.AddAction(Action{Name: "GuessCodes", Weight: 1, Run: m.actGuessCodes})
	m.AddAction(Action{Name: "AnswerEmailOTPLate", Weight: 1, Enabled: func() bool { return len(m.lateOTPSessions()) > 0 },
		Run: m.actAnswerEmailOTPLate})
	m.AddAction(Action{Name: "AnswerPasswordChallenge", Weight: 2, Enabled: has(challenge.Password), Run: m.actAnswerPassword})
	m.Invariants = append([]Invariant{{Name: InvUserAuthProven, Call: checkUserAuthProven}}, m.Invariants...)
}

// firstFactorsOf lists the first factors the model's pool offers u (nil:
// a decoy), in Cognito's order.
func (m *Model) firstFactorsOf(u *UserState) []challenge.Name {
	out := []challenge.Name{challenge.Password, challenge.PasswordSRP}
	if u == nil || u.Name == EmailUser {
		// A decoy offers every code factor the pool allows.
		out = append(out, challenge.EmailOTP)
	}
	return out
}

func (m *Model) codeValidity() time.Duration {
	if v := m.Env.Pool.CodeValidity; v > 0 {
		return v
	}
	return 3 * time.Minute
}

// drawUserAuthName draws a name, alice more often than the others.
func (m *Model) drawUserAuthName(t *rapid.T) string {
	if rapid.IntRange(0, 2).Draw(t, "emailUser") == 0 {
		return EmailUser
	}
	return m.DrawName(t)
}

// userAuthInitiate calls InitiateAuth (or AdminInitiateAuth) with
// USER_AUTH and steps the model.
func (m *Model) userAuthInitiate(t *rapid.T, action, name string, pref challenge.Name, pw string, withSRP bool) {
	params := map[string]string{challenge.KeyUsername: name}
	summary := "USER_AUTH as " + name
	if pref != "" {
		params[challenge.KeyPreferredChallenge] = string(pref)
		summary += " preferring " + string(pref)
	}
	if pw != "" {
		params[challenge.KeyPassword] = pw
		summary += fmt.Sprintf(" with password %q", pw)
	}
	var cl *srp.Client
	if withSRP {
		var err error
		if cl, err = modelClient(m.Env.ClientRand); err != nil {
			t.Fatal(err)
		}
		params[challenge.KeySRPA] = srp.HexInt(cl.A())
		summary += " with SRP_A"
	}
	admin := rapid.IntRange(0, 3).Draw(t, "admin") == 0
	m.ua.sent = len(m.Env.Outbox.Messages())
	c := m.Initiate(action, admin, challenge.FlowUserAuth, m.withSecretHash(params, name), summary)
	u := m.Lookup(name)
	if u != nil {
		c.User = u.Name
	}
	s := &Session{User: m.DecoyID(name), Decoy: true, Admin: admin}
	if u != nil {
		s.User, s.Decoy, s.Password, s.Epoch = u.Name, false, u.Password, u.Epoch
	}
	p := uaProof{factor: "PASSWORD"}
	if pw != "" && pref == challenge.Password {
		p = m.passwordFirstFactor(u, nil, pw)
	} else {
		p.why = "no password was sent"
	}
	m.ua.calls[c] = p
	c.Proof = m.PasswordProof(u, pw)
	if !p.proven && c.Proof.Proven {
		c.Proof = Proof{Why: p.why}
	}
	m.StepUserAuth(c, s, u, pref, pw, cl)
	m.Record(c)
}

// passwordFirstFactor says whether signing in as u (in session s, nil for
// InitiateAuth) with pw proves the first factor.
func (m *Model) passwordFirstFactor(u *UserState, s *Session, pw string) uaProof {
	p := uaProof{factor: "PASSWORD"}
	switch {
	case s != nil && (s.Spent || m.Expired(s)):
		p.why = "the session was spent or expired"
	case u == nil:
		p.why = "no such user (a decoy)"
	case pw != u.Password:
		p.why = "not the user's current password"
	case !u.Enabled || m.Locked(u):
		p.why = "the user is disabled or locked out"
	default:
		p.proven = true
	}
	return p
}

// StepUserAuth applies InitiateAuth with USER_AUTH: s is the sign-in as
// the model starts it (user or decoy, the epoch of the password then).
func (m *Model) StepUserAuth(c *Call, s *Session, u *UserState, pref challenge.Name, pw string, cl *srp.Client) {
	if u == nil && !m.Prevent {
		c.Expect = expectErr(challenge.ErrUserNotFound, "unknown user, PreventUserExistenceErrors LEGACY", challenge.MsgUserNotFound)
		return
	}
	if e := m.PreAuthRefusal(u); e != nil {
		c.Expect = e
		return
	}
	if g := m.gateOf(s, u); g != nil {
		c.Expect = g
		return
	}
	available := m.firstFactorsOf(u)
	if pref != "" && slices.Contains(available, pref) {
		m.startFirstFactor(c, s, u, pref, pw, cl)
		return
	}
	ns := *s
	ns.Kind = challenge.SelectChallenge
	ns.Extra = map[string]any{uaOffered: available, uaSession: true}
	want := joinNames(available)
	why := "USER_AUTH without a usable preference offers the user's first factors"
	if s.Decoy {
		why = "an unknown user under PreventUserExistenceErrors ENABLED gets a decoy choice"
	}
	c.Expect = expectChallenge(challenge.SelectChallenge, why,
		map[string]string{challenge.KeyUserIDForSRP: s.User, "AvailableChallenges": want})
	if c.Err == nil && c.Challenge == challenge.SelectChallenge {
		// The offered list is checked as a pseudo-parameter (on a copy,
		// so the transcript keeps the engine's answer).
		var got []challenge.Name
		switch out := c.Response.(type) {
		case *challenge.InitiateAuthOutput:
			got = out.AvailableChallenges
		case *challenge.AdminInitiateAuthOutput:
			got = out.AvailableChallenges
		}
		c.Params = maps.Clone(c.Params)
		if c.Params == nil {
			c.Params = map[string]string{}
		}
		c.Params["AvailableChallenges"] = joinNames(got)
	}
	m.addSession(c, &ns)
}

func joinNames(ns []challenge.Name) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = string(n)
	}
	return strings.Join(s, ",")
}

// startFirstFactor applies the choice of a first factor (by preference or
// by answering SELECT_CHALLENGE); the user passed the gate already.
func (m *Model) startFirstFactor(c *Call, s *Session, u *UserState, name challenge.Name, pw string, cl *srp.Client) {
	params := map[string]string{challenge.KeyUserIDForSRP: s.User}
	switch name {
	case challenge.Password:
		if pw == "" {
			c.Expect = expectChallenge(challenge.Password, "PASSWORD chosen without the password", params)
			m.addSession(c, &Session{Kind: challenge.Password, User: s.User, Decoy: s.Decoy, Admin: s.Admin, Password: s.Password,
				Epoch: s.Epoch, Steps: s.Steps, Extra: map[string]any{uaSession: true}})
			return
		}
		m.stepUserAuthPassword(c, s, u, pw)
	case challenge.PasswordSRP:
		ns := &Session{Kind: challenge.PasswordVerifier, User: s.User, Decoy: s.Decoy, Admin: s.Admin, Epoch: s.Epoch, Steps: s.Steps,
			client: cl, Extra: map[string]any{uaSession: true}}
		if u != nil {
			// The verifier is the password's now; the sign-in's proof
			// (the epoch) is the one taken when USER_AUTH started.
			ns.Password = u.Password
		}
		params[challenge.KeyUsername] = s.User
		c.Expect = expectChallenge(challenge.PasswordVerifier, "PASSWORD_SRP with SRP_A starts SRP", params)
		m.addSession(c, ns)
	case challenge.EmailOTP:
		params[challenge.KeyCodeDeliveryDeliveryMedium] = challenge.DeliveryMediumEmail
		c.Expect = expectChallenge(challenge.EmailOTP, "EMAIL_OTP sends a code to the verified address", params)
		ns := &Session{Kind: challenge.EmailOTP, User: s.User, Decoy: s.Decoy, Admin: s.Admin, Password: s.Password, Epoch: s.Epoch, Steps: s.Steps,
			Extra: map[string]any{uaSession: true, uaCodeExpires: c.At.Add(m.codeValidity())}}
		if c.Err == nil && c.Challenge == challenge.EmailOTP {
			if msgs := m.Env.Outbox.Messages(); len(msgs) > m.ua.sent {
				last := msgs[len(msgs)-1]
				if last.Username == s.User && last.Purpose == "OTP" {
					ns.Extra[uaCode] = last.Code
				}
			}
		}
		m.addSession(c, ns)
	default:
		c.Expect = expectErr(challenge.ErrInvalidParameter, "a factor the model does not offer")
	}
}

// stepUserAuthPassword applies a PASSWORD inside USER_AUTH.
func (m *Model) stepUserAuthPassword(c *Call, s *Session, u *UserState, pw string) {
	switch {
	case s.Decoy || u == nil:
		if c.Expect = m.DecoyGuess(s.User); c.Expect == nil {
			c.Expect = expectIncorrect("a password for an unknown user (a decoy)")
		}
	case pw != u.Password:
		m.RecordFailure(u)
		c.Expect = expectIncorrect("wrong password")
	default:
		c.Expect = m.FirstFactor(c, u, pw, s.Epoch, s.Steps)
	}
}

func (m *Model) actUserAuthPassword(t *rapid.T) {
	name := m.drawUserAuthName(t)
	pw := m.drawSignInPassword(t, m.Lookup(name))
	m.userAuthInitiate(t, "UserAuthPassword", name, challenge.Password, pw, false)
}

func (m *Model) actUserAuthSRP(t *rapid.T) {
	m.userAuthInitiate(t, "UserAuthSRP", m.drawUserAuthName(t), challenge.PasswordSRP, "", true)
}

func (m *Model) actUserAuthEmailOTP(t *rapid.T) {
	m.userAuthInitiate(t, "UserAuthEmailOTP", m.drawUserAuthName(t), challenge.EmailOTP, "", false)
}

// actUserAuthSelect starts USER_AUTH without a preference, or with one the
// pool never offers (which falls back to the choice).
func (m *Model) actUserAuthSelect(t *rapid.T) {
	var pref challenge.Name
	if rapid.IntRange(0, 4).Draw(t, "unusablePreference") == 0 {
		pref = rapid.SampledFrom([]challenge.Name{challenge.SMSOTP, challenge.WebAuthn}).Draw(t, "preference")
	}
	m.userAuthInitiate(t, "UserAuthSelect", m.drawUserAuthName(t), pref, "", false)
}

// actAnswerSelect answers SELECT_CHALLENGE with an offered factor (with
// the password or SRP_A it needs) or one that was not offered.
func (m *Model) actAnswerSelect(t *rapid.T) {
	s := m.drawSession(t, challenge.SelectChallenge)
	u := m.Users[s.User]
	if s.Decoy {
		u = nil
	}
	answer := rapid.SampledFrom([]challenge.Name{challenge.Password, challenge.Password, challenge.PasswordSRP,
		challenge.EmailOTP, challenge.EmailOTP, challenge.SMSOTP, challenge.WebAuthn}).Draw(t, "answer")
	resp := map[string]string{challenge.KeyUsername: s.User, challenge.KeyAnswer: string(answer)}
	summary := " with ANSWER=" + string(answer)
	var pw string
	var cl *srp.Client
	switch answer {
	case challenge.Password:
		if pw = m.drawSignInPassword(t, u); pw != "" {
			resp[challenge.KeyPassword] = pw
		}
		summary += fmt.Sprintf(" and password %q", pw)
	case challenge.PasswordSRP:
		var err error
		if cl, err = modelClient(m.Env.ClientRand); err != nil {
			t.Fatal(err)
		}
		resp[challenge.KeySRPA] = srp.HexInt(cl.A())
		summary += " and SRP_A"
	}
	m.ua.sent = len(m.Env.Outbox.Messages())
	c := m.Respond("AnswerSelectChallenge", s, challenge.SelectChallenge, m.withSecretHash(resp, s.User), s.Admin)
	c.Summary += summary
	p := uaProof{factor: string(answer), why: "no password was sent"}
	if answer == challenge.Password && pw != "" {
		p = m.passwordFirstFactor(u, s, pw)
	}
	m.ua.calls[c] = p
	c.Proof = Proof{Why: p.why}
	if p.proven {
		c.Proof = m.PasswordProof(u, pw)
	}
	m.StepSelect(c, s, u, answer, pw, cl)
	m.Record(c)
}

// StepSelect applies an answer to SELECT_CHALLENGE.
func (m *Model) StepSelect(c *Call, s *Session, u *UserState, answer challenge.Name, pw string, cl *srp.Client) {
	if m.SessionGate(c, s, challenge.SelectChallenge) {
		return
	}
	s.Spent = true // the choice ends this session whatever follows
	offered, _ := s.Extra[uaOffered].([]challenge.Name)
	if !slices.Contains(offered, answer) {
		c.Expect = expectErr(challenge.ErrInvalidParameter, "the factor was not offered",
			"The challenge "+string(answer)+" is not available for the user.")
		return
	}
	if g := m.gateOf(s, u); g != nil {
		c.Expect = g
		return
	}
	m.startFirstFactor(c, s, u, answer, pw, cl)
}

// actAnswerPassword answers a PASSWORD challenge.
func (m *Model) actAnswerPassword(t *rapid.T) {
	s := m.drawSession(t, challenge.Password)
	u := m.Users[s.User]
	if s.Decoy {
		u = nil
	}
	pw := m.drawSignInPassword(t, u)
	resp := map[string]string{challenge.KeyUsername: s.User}
	if pw != "" {
		resp[challenge.KeyPassword] = pw
	}
	c := m.Respond("AnswerPasswordChallenge", s, challenge.Password, m.withSecretHash(resp, s.User), s.Admin)
	c.Summary += fmt.Sprintf(" with password %q", pw)
	p := m.passwordFirstFactor(u, s, pw)
	m.ua.calls[c] = p
	c.Proof = Proof{Why: p.why}
	if p.proven {
		c.Proof = m.PasswordProof(u, pw)
	}
	if m.SessionGate(c, s, challenge.Password) {
		m.Record(c)
		return
	}
	s.Spent = true
	switch {
	case m.gateOf(s, u) != nil:
		c.Expect = m.gateOf(s, u)
	case pw == "":
		c.Expect = expectErr(challenge.ErrInvalidParameter, "PASSWORD is missing", "Missing required parameter PASSWORD")
	default:
		m.stepUserAuthPassword(c, s, u, pw)
	}
	m.Record(c)
}

// drawOTPCode draws the code to answer an EMAIL_OTP session with: the one
// sent for it, a wrong one, a code sent for another session (a replay),
// or none.
func (m *Model) drawOTPCode(t *rapid.T, s *Session) (code, kind string) {
	sent, _ := s.Extra[uaCode].(string)
	switch k := rapid.IntRange(0, 9).Draw(t, "otpCodeKind"); {
	case k < 6 && sent != "":
		return sent, "the code sent"
	case k < 8:
		return rapid.SampledFrom([]string{"000000", "123456", "999999"}).Draw(t, "wrongOTP"), "a wrong code"
	case k < 9:
		var others []string
		for _, o := range m.SessionsOf(challenge.EmailOTP) {
			if c, _ := o.Extra[uaCode].(string); o != s && c != "" {
				others = append(others, c)
			}
		}
		if len(others) > 0 {
			return rapid.SampledFrom(others).Draw(t, "replayedOTP"), "another session's code"
		}
		return "111111", "a wrong code"
	}
	return "", "no code"
}

// actAnswerEmailOTP answers an EMAIL_OTP session (mostly a live one).
func (m *Model) actAnswerEmailOTP(t *rapid.T) {
	s := m.drawSession(t, challenge.EmailOTP)
	code, kind := m.drawOTPCode(t, s)
	m.answerEmailOTP(t, "AnswerEmailOTP", s, code, kind)
}

func (m *Model) answerEmailOTP(t *rapid.T, action string, s *Session, code, kind string) {
	resp := map[string]string{challenge.KeyUsername: s.User}
	if code != "" {
		resp[challenge.KeyEmailOTPCode] = code
	}
	c := m.Respond(action, s, challenge.EmailOTP, m.withSecretHash(resp, s.User), s.Admin)
	c.Summary += fmt.Sprintf(" with %s %q", kind, code)
	p := m.otpFirstFactor(s, code)
	m.ua.calls[c] = p
	c.Proof = Proof{Proven: p.proven, Why: p.why}
	if u := m.Users[s.User]; p.proven && u.Status != flow.StatusConfirmed {
		c.Proof = Proof{Why: "the user's status is " + string(u.Status)}
	}
	m.StepEmailOTP(c, s, code)
	m.Record(c)
}

// lateOTPSessions lists the live EMAIL_OTP sessions whose code can expire
// before the session does.
func (m *Model) lateOTPSessions() []*Session {
	var out []*Session
	if m.SessionValidity <= m.codeValidity() {
		return nil
	}
	for _, s := range m.LiveSessions(challenge.EmailOTP) {
		if !m.Expired(s) {
			out = append(out, s)
		}
	}
	return out
}

// actAnswerEmailOTPLate moves the clock to between the code's expiry and
// the session's, and answers with the code sent (or a wrong one).
func (m *Model) actAnswerEmailOTPLate(t *rapid.T) {
	s := m.DrawSession(t, m.lateOTPSessions())
	expires, _ := s.Extra[uaCodeExpires].(time.Time)
	span := s.Issued.Add(m.SessionValidity).Sub(expires)
	at := expires.Add(time.Duration(rapid.IntRange(0, int(span/time.Second)-1).Draw(t, "lateOTPSeconds")) * time.Second)
	if d := at.Sub(m.Now()); d > 0 {
		m.Env.Clock.Advance(d)
	}
	code, _ := s.Extra[uaCode].(string)
	kind := "the code sent"
	if rapid.IntRange(0, 3).Draw(t, "lateWrongOTP") == 0 {
		code, kind = "000000", "a wrong code"
	}
	m.answerEmailOTP(t, "AnswerEmailOTPLate", s, code, kind)
}

// otpFirstFactor says whether answering s with code proves the first
// factor: the session is live, and code is the unexpired code sent for it.
func (m *Model) otpFirstFactor(s *Session, code string) uaProof {
	p := uaProof{factor: "EMAIL_OTP"}
	sent, _ := s.Extra[uaCode].(string)
	expires, _ := s.Extra[uaCodeExpires].(time.Time)
	u := m.Users[s.User]
	switch {
	case s.Spent || m.Expired(s):
		p.why = "the session was spent or expired"
	case sent == "" || code != sent:
		p.why = "not the code sent for the session"
	case !m.Now().Before(expires):
		p.why = "the code has expired"
	case u == nil || !u.Enabled || m.Locked(u):
		p.why = "the user is disabled or locked out"
	default:
		p.proven = true
	}
	return p
}

// StepEmailOTP applies an EMAIL_OTP answer (a first factor).
func (m *Model) StepEmailOTP(c *Call, s *Session, code string) {
	if m.SessionGate(c, s, challenge.EmailOTP) {
		return
	}
	if s.Decoy {
		m.stepDecoyEmailOTP(c, s, code)
		return
	}
	u := m.Users[s.User]
	if g := m.Gate(u); g != nil {
		s.Spent = true
		c.Expect = g
		return
	}
	sent, _ := s.Extra[uaCode].(string)
	expires, _ := s.Extra[uaCodeExpires].(time.Time)
	switch {
	case code == "":
		s.Spent = true
		c.Expect = expectErr(challenge.ErrInvalidParameter, "EMAIL_OTP_CODE is missing", "Missing required parameter EMAIL_OTP_CODE")
		return
	case !m.Now().Before(expires):
		s.Spent = true
		c.Expect = expectErr(challenge.ErrExpiredCode, "the code has expired", challenge.MsgExpiredCode)
		return
	case sent == "":
		c.Expect = &Expect{Unsure: true, Why: "the model did not see the code sent"}
		s.Spent = true
		return
	case code != sent:
		m.RecordFailure(u) // a wrong code counts towards the lockout
		e := expectErr(challenge.ErrCodeMismatch, "not the code sent for the session", challenge.MsgInvalidCodeReceived)
		if s.Wrong+1 >= m.Limits.MaxWrongAnswers {
			s.Spent = true
			e.Why += "; the session's last wrong answer"
		} else {
			s.Wrong++
			e.Why += "; the session stays usable"
		}
		c.Expect = e
		return
	}
	s.Spent = true
	switch {
	case u.Status == flow.StatusUnconfirmed:
		c.Expect = expectErr(challenge.ErrUserNotConfirmed, "the code is right but the user is not confirmed", challenge.MsgUserNotConfirmed)
		return
	case u.Status == flow.StatusForceChangePassword && !u.TempExpires.IsZero() && !m.Now().Before(u.TempExpires):
		c.Expect = expectErr(challenge.ErrNotAuthorized, "the code is right but the temporary password has expired", challenge.MsgTemporaryExpired)
		return
	}
	if u.Status == flow.StatusForceChangePassword {
		m.addSession(c, &Session{Kind: challenge.NewPasswordRequired, User: u.Name, Epoch: s.Epoch, Steps: s.Steps,
			Extra: map[string]any{uaSession: true}})
		c.Expect = expectChallenge(challenge.NewPasswordRequired, "a one-time code of a user with a temporary password",
			map[string]string{challenge.KeyUserIDForSRP: u.Name})
		return
	}
	// A one-time code is not followed by MFA.
	m.grantTo(c, u.Name)
	c.Expect = expectTokens("the code sent for a live session, unexpired (no MFA after a one-time code)")
}

// checkUserAuthProven: a call of a USER_AUTH sign-in that returns tokens
// proved a first factor: the user's current password, the right claim for
// a PASSWORD_VERIFIER of a USER_AUTH sign-in, or the latest unexpired
// code sent in that session.
func checkUserAuthProven(m *Model, c *Call) error {
	if m.ua == nil || c.Err != nil || c.Result == nil {
		return nil
	}
	if p, ok := m.ua.calls[c]; ok {
		if !p.proven {
			return fmt.Errorf("tokens for a %s first factor that was not proven: %s", p.factor, p.why)
		}
		return nil
	}
	if s := c.Answered; s != nil && s.Kind == challenge.PasswordVerifier && s.Extra[uaSession] == true && !c.Proof.Proven {
		return fmt.Errorf("tokens for a PASSWORD_VERIFIER answer of a USER_AUTH sign-in that did not prove the password: %s", c.Proof.Why)
	}
	return nil
}

// gateOf is Gate for a user's session and DecoyGate for a decoy's.
func (m *Model) gateOf(s *Session, u *UserState) *Expect {
	if s.Decoy || u == nil {
		return m.DecoyGate(s.User)
	}
	return m.Gate(u)
}

// stepDecoyEmailOTP applies an EMAIL_OTP answer to a decoy session, whose
// code nobody has: every code is a counted, wrong guess.
func (m *Model) stepDecoyEmailOTP(c *Call, s *Session, code string) {
	expires, _ := s.Extra[uaCodeExpires].(time.Time)
	if code == "" {
		s.Spent = true
		if c.Expect = m.DecoyGate(s.User); c.Expect == nil {
			c.Expect = expectErr(challenge.ErrInvalidParameter, "EMAIL_OTP_CODE is missing", "Missing required parameter EMAIL_OTP_CODE")
		}
		return
	}
	if c.Expect = m.DecoyGuess(s.User); c.Expect != nil {
		s.Spent = true
		return
	}
	if !m.Now().Before(expires) {
		s.Spent = true
		c.Expect = expectErr(challenge.ErrExpiredCode, "the code has expired", challenge.MsgExpiredCode)
		return
	}
	e := expectErr(challenge.ErrCodeMismatch, "a decoy session accepts no code", challenge.MsgInvalidCodeReceived)
	if s.Wrong+1 >= m.Limits.MaxWrongAnswers {
		s.Spent = true
		e.Why += "; the session's last wrong answer"
	} else {
		s.Wrong++
		e.Why += "; the session stays usable"
	}
	c.Expect = e
}

// actGuessCodes is an attacker guessing alice's one-time code: sign-in
// after sign-in with PREFERRED_CHALLENGE=EMAIL_OTP, each answered with
// wrong codes (InvGuessesBounded holds the engine to the lockout).
func (m *Model) actGuessCodes(t *rapid.T) {
	for range rapid.IntRange(1, 3).Draw(t, "codeSessions") {
		before := len(m.Sessions)
		m.userAuthInitiate(t, "GuessCodes", EmailUser, challenge.EmailOTP, "", false)
		if len(m.Sessions) == before {
			continue // refused (locked out)
		}
		s := m.Sessions[len(m.Sessions)-1]
		for range rapid.IntRange(1, m.Limits.MaxWrongAnswers).Draw(t, "wrongCodes") {
			sent, _ := s.Extra[uaCode].(string)
			code := "000000"
			if code == sent {
				code = "111111"
			}
			m.answerEmailOTP(t, "GuessCodes", s, code, "a wrong code")
		}
	}
}
