package flowtest

import (
	"crypto/sha256"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strings"
	"sync"
	"time"

	"pgregory.net/rapid"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/srp"
)

// The standard actions. Each draws its inputs, calls the engine through
// the Env, steps the model (model_rules.go) and records the call.

func (m *Model) standardActions() []Action {
	hasSessions := func(kind challenge.Name) func() bool {
		return func() bool { return len(m.SessionsOf(kind)) > 0 }
	}
	hasLive := func(kind challenge.Name) func() bool {
		return func() bool { return len(m.LiveSessions(kind)) > 0 }
	}
	hasGrants := func() bool { return len(m.Grants) > 0 }
	hasAccess := func() bool { return len(m.AccessTokens()) > 0 }
	// The first action is where shrinking goes: keep the simplest first.
	return []Action{
		{Name: "UserPasswordAuth", Weight: 8, Run: func(t *rapid.T) { m.actPasswordAuth(t, false) }},
		{Name: "AdvanceClock", Weight: 4, Run: m.actAdvanceClock},
		{Name: "AdminUserPasswordAuth", Weight: 3, Run: func(t *rapid.T) { m.actPasswordAuth(t, true) }},
		{Name: "GuessPasswords", Weight: 1, Run: m.actGuessPasswords},
		{Name: "AnswerNewPassword", Weight: 4, Enabled: hasLive(challenge.NewPasswordRequired), Run: m.actNewPassword},
		{Name: "RefreshTokenAuth", Weight: 3, Enabled: hasGrants, Run: m.actRefresh},
		{Name: "GetUser", Weight: 2, Enabled: hasAccess, Run: m.actGetUser},
		{Name: "GlobalSignOut", Weight: 2, Enabled: hasAccess, Run: m.actGlobalSignOut},
		{Name: "SignOutThenRefresh", Weight: 1, Enabled: hasAccess, Run: m.actSignOutThenRefresh},
		{Name: "AdminSetUserPassword", Weight: 2, Run: m.actAdminSetUserPassword},
		{Name: "AdminDisableUser", Weight: 1, Run: func(t *rapid.T) { m.actAdminUser(t, "AdminDisableUser") }},
		{Name: "AdminEnableUser", Weight: 1, Run: func(t *rapid.T) { m.actAdminUser(t, "AdminEnableUser") }},
		{Name: "AdminUserGlobalSignOut", Weight: 1, Run: func(t *rapid.T) { m.actAdminUser(t, "AdminUserGlobalSignOut") }},
		{Name: "RevokeToken", Weight: 1, Enabled: hasGrants, Run: m.actRevokeToken},
		{Name: "AnswerWrongChallenge", Weight: 1, Enabled: hasSessions(""), Run: m.actWrongChallenge},
		{Name: "AnswerAtOtherEntryPoint", Weight: 1, Enabled: hasSessions(""), Run: m.actOtherEntryPoint},
		{Name: "ReplaySpentSession", Weight: 2, Enabled: func() bool { return len(m.replayable(true)) > 0 }, Run: m.actReplay},
		{Name: "SRPStart", Weight: 3, Run: m.actSRPStart},
		{Name: "AnswerPasswordVerifier", Weight: 4, Enabled: hasLive(challenge.PasswordVerifier), Run: m.actAnswerVerifier},
		{Name: "AnswerAfterExpiry", Weight: 1, Enabled: func() bool { return len(m.replayable(false)) > 0 }, Run: m.actAnswerLate},
		{Name: "RaceRightAnswers", Weight: 1, Enabled: func() bool {
			return !m.Opts.NoRaces && len(m.raceable(challenge.PasswordVerifier)) > 0
		}, Run: m.actRaceRight},
		{Name: "RaceWrongAnswers", Weight: 1, Enabled: func() bool {
			return !m.Opts.NoRaces && !m.Tolerates(LostWrongAnswers) && len(m.raceable(challenge.NewPasswordRequired)) > 0
		}, Run: m.actRaceWrong},
	}
}

// DrawName draws a name to sign in as: a user's or a decoy's, sometimes
// capitalised (usernames are case-insensitive by default).
func (m *Model) DrawName(t *rapid.T) string {
	name := rapid.SampledFrom(m.Names).Draw(t, "name")
	if rapid.IntRange(0, 4).Draw(t, "capitalise") == 0 {
		name = strings.ToUpper(name[:1]) + name[1:]
	}
	return name
}

// drawSignInPassword draws a password to sign in as u with: mostly the
// right one, else a wrong one, another user's, or none.
func (m *Model) drawSignInPassword(t *rapid.T, u *UserState) string {
	k := rapid.IntRange(0, 19).Draw(t, "passwordKind")
	switch {
	case k < 12 && u != nil:
		return u.Password
	case k < 12:
		return alicePassword
	case k < 16:
		return rapid.SampledFrom(modelWrongPasswords).Draw(t, "wrongPassword")
	case k < 19:
		other := m.Users[rapid.SampledFrom(m.userNames()).Draw(t, "otherUser")]
		return other.Password
	}
	return ""
}

func (m *Model) userNames() []string {
	var out []string
	for _, n := range m.Names {
		if m.Users[n] != nil {
			out = append(out, n)
		}
	}
	return out
}

// drawNewPassword draws a password for NEW_PASSWORD_REQUIRED or
// AdminSetUserPassword: mostly one the default policy accepts.
func (m *Model) drawNewPassword(t *rapid.T) string {
	if rapid.IntRange(0, 9).Draw(t, "goodPassword") < 7 {
		return rapid.SampledFrom(modelGoodPasswords).Draw(t, "password")
	}
	return rapid.SampledFrom(modelBadPasswords).Draw(t, "badPassword")
}

func (m *Model) withSecretHash(params map[string]string, username string) map[string]string {
	if h := m.Env.SecretHash(username); h != "" {
		params[challenge.KeySecretHash] = h
	}
	return params
}

// Initiate calls InitiateAuth, or AdminInitiateAuth when admin, and
// returns the call, not yet recorded.
func (m *Model) Initiate(action string, admin bool, f challenge.AuthFlow, params map[string]string, summary string) *Call {
	e := m.Env
	if admin {
		in := &challenge.AdminInitiateAuthInput{AuthFlow: f, ClientId: e.Client.ID, UserPoolId: e.Pool.ID, AuthParameters: params}
		c := m.NewCall(action, "AdminInitiateAuth", in, summary)
		out, err := e.Server.AdminInitiateAuth(m.ctx, in)
		c.Err = err
		if err == nil && out != nil {
			c.Response = out
			c.Result, c.Challenge, c.Params, c.Session = out.AuthenticationResult, out.ChallengeName, out.ChallengeParameters, out.Session
		}
		return c
	}
	in := &challenge.InitiateAuthInput{AuthFlow: f, ClientId: e.Client.ID, AuthParameters: params}
	c := m.NewCall(action, "InitiateAuth", in, summary)
	out, err := e.Server.InitiateAuth(m.ctx, in)
	c.Err = err
	if err == nil && out != nil {
		c.Response = out
		c.Result, c.Challenge, c.Params, c.Session = out.AuthenticationResult, out.ChallengeName, out.ChallengeParameters, out.Session
	}
	return c
}

// Respond answers session s with challenge name and responses through
// RespondToAuthChallenge (AdminRespondToAuthChallenge when admin) and
// returns the call, not yet recorded, with what the model knew about the
// session before it (Answered, SessionSpent, SessionExpired).
func (m *Model) Respond(action string, s *Session, name challenge.Name, resp map[string]string, admin bool) *Call {
	c, run := m.prepareRespond(action, s, name, resp, admin)
	c.noteSession(m, s)
	run()
	return c
}

// prepareRespond builds the call record of an answer and returns it with
// the function that sends it and fills in the outcome.
func (m *Model) prepareRespond(action string, s *Session, name challenge.Name, resp map[string]string, admin bool) (*Call, func()) {
	e := m.Env
	summary := fmt.Sprintf("%s for session %s of %s (issued +%s)", name, short(s.Handle), s.User, s.Issued.Sub(Epoch))
	if admin {
		in := &challenge.AdminRespondToAuthChallengeInput{ChallengeName: name, ClientId: e.Client.ID, UserPoolId: e.Pool.ID,
			Session: s.Handle, ChallengeResponses: resp}
		c := m.NewCall(action, "AdminRespondToAuthChallenge", in, summary)
		return c, func() {
			out, err := e.Server.AdminRespondToAuthChallenge(m.ctx, in)
			c.Err = err
			if err == nil && out != nil {
				c.Response = out
				c.Result, c.Challenge, c.Params, c.Session = out.AuthenticationResult, out.ChallengeName, out.ChallengeParameters, out.Session
			}
		}
	}
	in := &challenge.RespondToAuthChallengeInput{ChallengeName: name, ClientId: e.Client.ID, Session: s.Handle, ChallengeResponses: resp}
	c := m.NewCall(action, "RespondToAuthChallenge", in, summary)
	return c, func() {
		out, err := e.Server.RespondToAuthChallenge(m.ctx, in)
		c.Err = err
		if err == nil && out != nil {
			c.Response = out
			c.Result, c.Challenge, c.Params, c.Session = out.AuthenticationResult, out.ChallengeName, out.ChallengeParameters, out.Session
		}
	}
}

func (c *Call) noteSession(m *Model, s *Session) {
	c.Answered, c.SessionSpent, c.SessionExpired = s, s.Spent, m.Expired(s)
	if !s.Decoy {
		c.User = s.User
	}
}

func (m *Model) actSRPStart(t *rapid.T) {
	name := m.DrawName(t)
	admin := rapid.Bool().Draw(t, "admin")
	cl, err := modelClient(m.Env.ClientRand)
	if err != nil {
		t.Fatal(err)
	}
	params := m.withSecretHash(map[string]string{challenge.KeyUsername: name, challenge.KeySRPA: srp.HexInt(cl.A())}, name)
	c := m.Initiate("SRPStart", admin, challenge.FlowUserSRPAuth, params, "USER_SRP_AUTH as "+name)
	if u := m.Lookup(name); u != nil {
		c.User = u.Name
	}
	c.Proof = Proof{Why: "USER_SRP_AUTH alone proves nothing"}
	m.StepSRPStart(c, name, &Session{Kind: challenge.PasswordVerifier, Admin: admin, client: cl})
	m.Record(c)
}

// verifierResponse computes (or reuses) the PASSWORD_VERIFIER answer of s
// for password. fresh computes it at the clock's time.
func (m *Model) verifierResponse(t *rapid.T, s *Session, password string, fresh bool) map[string]string {
	if r, ok := s.answers[password]; ok && !fresh {
		return r
	}
	r, err := m.Env.PasswordVerifierResponse(s.client, s.Params, password)
	if err != nil {
		t.Fatalf("computing the PASSWORD_VERIFIER answer: %v", err)
	}
	if s.answers == nil {
		s.answers = map[string]map[string]string{}
	}
	s.answers[password] = r
	return r
}

// drawVerifierPassword draws the password to answer a PASSWORD_VERIFIER
// session with: the user's current one, the one the challenge was made
// for (they differ after an administrator changed it), or a wrong one.
func (m *Model) drawVerifierPassword(t *rapid.T, s *Session) string {
	k := rapid.IntRange(0, 9).Draw(t, "verifierPasswordKind")
	switch u := m.Users[s.User]; {
	case s.Decoy:
		return rapid.SampledFrom([]string{alicePassword, modelWrongPasswords[0]}).Draw(t, "decoyPassword")
	case k < 5:
		return u.Password
	case k < 7:
		return s.Password
	}
	return rapid.SampledFrom(modelWrongPasswords).Draw(t, "wrongPassword")
}

// drawSession draws among the live sessions of a kind, or (one time in
// ten, or when none is live) among all of them.
func (m *Model) drawSession(t *rapid.T, kind challenge.Name) *Session {
	pool := m.LiveSessions(kind)
	if len(pool) == 0 || rapid.IntRange(0, 9).Draw(t, "anySession") == 0 {
		pool = m.SessionsOf(kind)
	}
	return m.DrawSession(t, pool)
}

func (m *Model) actAnswerVerifier(t *rapid.T) {
	s := m.drawSession(t, challenge.PasswordVerifier)
	password := m.drawVerifierPassword(t, s)
	resp := m.verifierResponse(t, s, password, true)
	c := m.Respond("AnswerPasswordVerifier", s, challenge.PasswordVerifier, resp, s.Admin)
	c.Summary += " with password " + password
	c.Proof = m.VerifierProof(s, password)
	m.StepVerifier(c, s, challenge.PasswordVerifier, password)
	m.Record(c)
}

func (m *Model) actNewPassword(t *rapid.T) {
	s := m.drawSession(t, challenge.NewPasswordRequired)
	pw := m.drawNewPassword(t)
	m.answerNewPassword(t, "AnswerNewPassword", s, pw)
}

func (m *Model) answerNewPassword(t *rapid.T, action string, s *Session, pw string) {
	resp := m.withSecretHash(map[string]string{challenge.KeyUsername: s.User, challenge.KeyNewPassword: pw}, s.User)
	c := m.Respond(action, s, challenge.NewPasswordRequired, resp, s.Admin)
	c.Summary += fmt.Sprintf(" with new password %q", pw)
	c.Proof = m.NewPasswordProof(s, pw)
	m.StepNewPassword(c, s, challenge.NewPasswordRequired, pw)
	m.Record(c)
}

// replayable lists the sessions of the standard challenges that are spent
// (spent true) or still live (spent false).
func (m *Model) replayable(spent bool) []*Session {
	var out []*Session
	for _, s := range m.Sessions {
		if s.Spent == spent && (s.Kind == challenge.PasswordVerifier || s.Kind == challenge.NewPasswordRequired) {
			out = append(out, s)
		}
	}
	return out
}

// answerRight sends the answer that would have been right for s: the
// challenge's password, or a new password the policy accepts.
func (m *Model) answerRight(t *rapid.T, action string, s *Session) {
	switch s.Kind {
	case challenge.PasswordVerifier:
		password := s.Password
		if s.Decoy {
			password = alicePassword
		}
		resp := m.verifierResponse(t, s, password, false)
		c := m.Respond(action, s, challenge.PasswordVerifier, resp, s.Admin)
		c.Summary += " with the challenge's password"
		c.Proof = m.VerifierProof(s, password)
		m.StepVerifier(c, s, challenge.PasswordVerifier, password)
		m.Record(c)
	case challenge.NewPasswordRequired:
		m.answerNewPassword(t, action, s, rapid.SampledFrom(modelGoodPasswords[:2]).Draw(t, "password"))
	}
}

// actReplay answers a spent session with the answer that would have been
// right: it must be refused.
func (m *Model) actReplay(t *rapid.T) {
	m.answerRight(t, "ReplaySpentSession", m.DrawSession(t, m.replayable(true)))
}

// actAnswerLate moves the clock past a live session's validity (up to two
// and a half minutes past) and then answers it rightly.
func (m *Model) actAnswerLate(t *rapid.T) {
	s := m.DrawSession(t, m.replayable(false))
	late := time.Duration(rapid.IntRange(0, 150).Draw(t, "lateBySeconds")) * time.Second
	if d := s.Issued.Add(m.SessionValidity + late).Sub(m.Now()); d > 0 {
		m.Env.Clock.Advance(d)
	}
	m.answerRight(t, "AnswerAfterExpiry", s)
}

// raceable lists the live, unexpired sessions of a kind ("" = the
// standard kinds).
func (m *Model) raceable(kind challenge.Name) []*Session {
	var out []*Session
	for _, s := range m.replayable(false) {
		if !m.Expired(s) && (kind == "" || s.Kind == kind) {
			out = append(out, s)
		}
	}
	return out
}

// race sends the same answer to s from k goroutines at once, then steps
// the model as if the engine had taken them one after the other, in the
// order that explains the answers: successes first, then other answers,
// then refusals. A refusal ("Invalid session for the user.") is always a
// possible answer for a racer that lost; anything else is held to what the
// serialised model predicts, so two racers never both get tokens and a
// session takes no more wrong answers in parallel than in sequence.
func (m *Model) race(t *rapid.T, action string, s *Session, name challenge.Name, resp map[string]string,
	step func(c *Call), proof func() Proof) {
	k := rapid.IntRange(2, 5).Draw(t, "racers")
	admin := s.Admin
	calls := make([]*Call, k)
	runs := make([]func(), k)
	for i := range calls {
		calls[i], runs[i] = m.prepareRespond(action, s, name, resp, admin)
	}
	var wg sync.WaitGroup
	for _, run := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run()
		}()
	}
	wg.Wait()
	lockedBefore := false
	if u := m.Users[s.User]; u != nil && !s.Decoy {
		lockedBefore = m.Locked(u)
	}
	rank := func(c *Call) int {
		switch {
		case c.Err == nil:
			return 0
		case c.Code() == challenge.ErrNotAuthorized && c.Message() == challenge.MsgInvalidSession:
			return 2
		case c.Code() == challenge.ErrNotAuthorized && c.Message() == challenge.MsgPasswordAttempts && !lockedBefore:
			// Each racer reserves a guess in the user's counter before
			// its proof is checked: near the threshold, a racer may find
			// the counter full of its rivals' reservations.
			return 2
		}
		return 1
	}
	slices.SortStableFunc(calls, func(a, b *Call) int { return rank(a) - rank(b) })
	first := calls[0].N
	wasSpent, lockedOut := s.Spent, false
	for i, c := range calls {
		c.N = first + i
		c.noteSession(m, s)
		if c.Code() == challenge.ErrNotAuthorized && c.Message() == challenge.MsgPasswordAttempts && !lockedBefore {
			// It was answered while the session was live, and it ended it.
			c.SessionSpent, lockedOut = wasSpent, true
		}
		c.Proof = proof()
		if rank(c) == 2 && !s.Spent {
			c.Expect = &Expect{Unsure: true, Why: "a racer that lost may be refused"}
		} else {
			step(c)
		}
		m.Record(c)
	}
	if lockedOut {
		s.Spent = true
	}
}

// actRaceRight sends the right answer to a live session from several
// goroutines at once: at most one may succeed.
func (m *Model) actRaceRight(t *rapid.T) {
	s := m.DrawSession(t, m.raceable(challenge.PasswordVerifier))
	if s.Decoy {
		// Each racer on a decoy session may count a failure for the
		// unknown name before it loses the session: the count the model
		// keeps would no longer be exact.
		t.Skip("a decoy session is not raced")
	}
	password := s.Password
	if s.Decoy {
		password = alicePassword
	}
	resp := m.verifierResponse(t, s, password, true)
	m.race(t, "RaceRightAnswers", s, challenge.PasswordVerifier, resp,
		func(c *Call) { m.StepVerifier(c, s, challenge.PasswordVerifier, password) },
		func() Proof { return m.VerifierProof(s, password) })
}

// actRaceWrong sends the same policy-breaking new password to a live
// NEW_PASSWORD_REQUIRED session from several goroutines at once: the
// session must take no more wrong answers than MaxWrongAnswers.
func (m *Model) actRaceWrong(t *rapid.T) {
	s := m.DrawSession(t, m.raceable(challenge.NewPasswordRequired))
	pw := rapid.SampledFrom(modelBadPasswords[1:]).Draw(t, "badPassword")
	resp := m.withSecretHash(map[string]string{challenge.KeyUsername: s.User, challenge.KeyNewPassword: pw}, s.User)
	m.race(t, "RaceWrongAnswers", s, challenge.NewPasswordRequired, resp,
		func(c *Call) { m.StepNewPassword(c, s, challenge.NewPasswordRequired, pw) },
		func() Proof { return m.NewPasswordProof(s, pw) })
}

// actWrongChallenge answers a session with a challenge name that is not
// the pending one.
func (m *Model) actWrongChallenge(t *rapid.T) {
	s := m.DrawSession(t, m.SessionsOf(""))
	var names []challenge.Name
	for _, n := range []challenge.Name{challenge.PasswordVerifier, challenge.NewPasswordRequired, challenge.SoftwareTokenMFA} {
		if n != s.Kind {
			names = append(names, n)
		}
	}
	name := rapid.SampledFrom(names).Draw(t, "wrongChallenge")
	resp := m.withSecretHash(map[string]string{challenge.KeyUsername: s.User, challenge.KeyNewPassword: modelGoodPasswords[0],
		challenge.KeySoftwareTokenMFACode: "123456"}, s.User)
	c := m.Respond("AnswerWrongChallenge", s, name, resp, s.Admin)
	c.Proof = Proof{Why: "an answer to another challenge"}
	if !m.SessionGate(c, s, name) {
		t.Fatalf("model: a wrong challenge name passed the session gate")
	}
	m.Record(c)
}

// actOtherEntryPoint answers a session through the entry point that did
// not open it (RespondToAuthChallenge for an AdminInitiateAuth session and
// the reverse), with the pending challenge and the right password: it is
// refused and the session is not spent.
func (m *Model) actOtherEntryPoint(t *rapid.T) {
	s := m.DrawSession(t, m.SessionsOf(""))
	resp := m.withSecretHash(map[string]string{challenge.KeyUsername: s.User, challenge.KeyNewPassword: modelGoodPasswords[0],
		challenge.KeyPassword: s.Password, challenge.KeySoftwareTokenMFACode: "123456", challenge.KeyAnswer: "a1"}, s.User)
	c := m.Respond("AnswerAtOtherEntryPoint", s, s.Kind, resp, !s.Admin)
	c.Proof = Proof{Why: "an answer at the other entry point"}
	if !m.SessionGate(c, s, s.Kind) {
		t.Fatalf("model: an answer at the other entry point passed the session gate")
	}
	m.Record(c)
}

func (m *Model) actPasswordAuth(t *rapid.T, admin bool) {
	name := m.DrawName(t)
	u := m.Lookup(name)
	pw := m.drawSignInPassword(t, u)
	f, action := challenge.FlowUserPasswordAuth, "UserPasswordAuth"
	if admin {
		f, action = challenge.FlowAdminUserPasswordAuth, "AdminUserPasswordAuth"
	}
	params := m.withSecretHash(map[string]string{challenge.KeyUsername: name, challenge.KeyPassword: pw}, name)
	c := m.Initiate(action, admin, f, params, fmt.Sprintf("%s as %s with password %q", f, name, pw))
	if u != nil {
		c.User = u.Name
	}
	c.Proof = m.PasswordProof(u, pw)
	m.StepPasswordAuth(c, name, pw)
	m.Record(c)
}

// actGuessPasswords tries two to seven wrong passwords in a row for one
// name, through either entry point: enough to lock a user out.
func (m *Model) actGuessPasswords(t *rapid.T) {
	name := m.DrawName(t)
	u := m.Lookup(name)
	n := rapid.IntRange(2, 7).Draw(t, "guesses")
	for i := 0; i < n; i++ {
		admin := rapid.Bool().Draw(t, "admin")
		pw := rapid.SampledFrom(modelWrongPasswords).Draw(t, "wrongPassword")
		f := challenge.FlowUserPasswordAuth
		if admin {
			f = challenge.FlowAdminUserPasswordAuth
		}
		params := m.withSecretHash(map[string]string{challenge.KeyUsername: name, challenge.KeyPassword: pw}, name)
		c := m.Initiate("GuessPasswords", admin, f, params, fmt.Sprintf("%s as %s with password %q", f, name, pw))
		if u != nil {
			c.User = u.Name
		}
		c.Proof = m.PasswordProof(u, pw)
		m.StepPasswordAuth(c, name, pw)
		m.Record(c)
	}
}

// drawGrant draws a grant, or nil (one time in ten) for a token the pool
// never issued.
func (m *Model) drawGrant(t *rapid.T) *Grant {
	if len(m.Grants) == 0 || rapid.IntRange(0, 9).Draw(t, "bogusToken") == 0 {
		return nil
	}
	return m.Grants[rapid.IntRange(0, len(m.Grants)-1).Draw(t, "grant")]
}

func (m *Model) actRefresh(t *rapid.T) {
	m.refresh(t, "RefreshTokenAuth", m.drawGrant(t))
}

func (m *Model) refresh(t *rapid.T, action string, g *Grant) {
	token, user := "refresh-0.nobody", ""
	if g != nil {
		token, user = g.Refresh, g.User
	}
	params := m.withSecretHash(map[string]string{challenge.KeyRefreshToken: token}, user)
	c := m.Initiate(action, rapid.Bool().Draw(t, "admin"), challenge.FlowRefreshTokenAuth, params, "REFRESH_TOKEN_AUTH with "+token)
	c.User, c.Presented, c.TokenRevoked = user, "refresh", g != nil && g.Revoked
	c.Proof = m.RefreshProof(g)
	m.StepRefresh(c, g)
	m.Record(c)
}

// drawAccess draws an access token, or nil (one time in ten) for one the
// pool never issued.
func (m *Model) drawAccess(t *rapid.T, bogus bool) *AccessToken {
	all := m.AccessTokens()
	if len(all) == 0 || (bogus && rapid.IntRange(0, 9).Draw(t, "bogusToken") == 0) {
		return nil
	}
	return all[rapid.IntRange(0, len(all)-1).Draw(t, "accessToken")]
}

// useAccess calls an operation authorized by an access token.
func (m *Model) useAccess(action, op string, a *AccessToken) *Call {
	token := "access-0.nobody"
	if a != nil {
		token = a.Token
	}
	in := &challenge.AccessTokenInput{AccessToken: token}
	c := m.NewCall(action, op, in, "with "+token)
	if a != nil {
		c.User, c.TokenRevoked = a.Grant.User, a.Grant.Revoked
	}
	c.Presented = "access"
	c.Proof = Proof{Why: op + " issues no tokens"}
	var err error
	switch op {
	case "GlobalSignOut":
		var out *challenge.Empty
		out, err = m.Env.Server.GlobalSignOut(m.ctx, in)
		if err == nil {
			c.Response = out
		}
	case "GetUser":
		var out *challenge.GetUserOutput
		out, err = m.Env.Server.GetUser(m.ctx, in)
		if err == nil && out != nil {
			c.Response = out
			c.Params = map[string]string{"Username": out.Username}
		}
	}
	c.Err = err
	return c
}

func (m *Model) globalSignOut(t *rapid.T, action string, a *AccessToken) {
	c := m.useAccess(action, "GlobalSignOut", a)
	if ok, _ := m.StepAccess(c, a); ok {
		m.RevokeUser(m.Users[a.Grant.User])
	}
	m.Record(c)
}

func (m *Model) actGlobalSignOut(t *rapid.T) {
	m.globalSignOut(t, "GlobalSignOut", m.drawAccess(t, true))
}

// actSignOutThenRefresh signs out with an access token and at once tries
// the refresh token of the same sign-in.
func (m *Model) actSignOutThenRefresh(t *rapid.T) {
	a := m.drawAccess(t, false)
	m.globalSignOut(t, "SignOutThenRefresh", a)
	m.refresh(t, "SignOutThenRefresh", a.Grant)
}

func (m *Model) actGetUser(t *rapid.T) {
	a := m.drawAccess(t, true)
	c := m.useAccess("GetUser", "GetUser", a)
	if ok, sure := m.StepAccess(c, a); ok && sure {
		c.Expect.Params = map[string]string{"Username": a.Grant.User}
	}
	m.Record(c)
}

func (m *Model) actAdminUser(t *rapid.T, op string) {
	e := m.Env
	name := m.DrawName(t)
	in := &challenge.AdminUserInput{UserPoolId: e.Pool.ID, Username: name}
	c := m.NewCall(op, op, in, name)
	c.Proof = Proof{Why: op + " issues no tokens"}
	var out *challenge.Empty
	var err error
	switch op {
	case "AdminDisableUser":
		out, err = e.Server.AdminDisableUser(m.ctx, in)
	case "AdminEnableUser":
		out, err = e.Server.AdminEnableUser(m.ctx, in)
	case "AdminUserGlobalSignOut":
		out, err = e.Server.AdminUserGlobalSignOut(m.ctx, in)
	}
	c.Err = err
	if err == nil {
		c.Response = out
	}
	if u := m.StepAdminUser(c, name); u != nil {
		c.User = u.Name
		switch op {
		case "AdminDisableUser":
			u.Enabled = false
			m.RevokeUser(u)
			c.Expect = expectOK("an administrator disables any user, revoking their tokens")
		case "AdminEnableUser":
			u.Enabled = true
			c.Expect = expectOK("an administrator enables any user")
		case "AdminUserGlobalSignOut":
			m.RevokeUser(u)
			c.Expect = expectOK("an administrator signs any user out")
		}
	}
	m.Record(c)
}

func (m *Model) actAdminSetUserPassword(t *rapid.T) {
	e := m.Env
	name := m.DrawName(t)
	pw := m.drawNewPassword(t)
	permanent := rapid.Bool().Draw(t, "permanent")
	in := &challenge.AdminSetUserPasswordInput{UserPoolId: e.Pool.ID, Username: name, Password: pw, Permanent: permanent}
	c := m.NewCall("AdminSetUserPassword", "AdminSetUserPassword", in, fmt.Sprintf("%s to %q permanent=%v", name, pw, permanent))
	c.Proof = Proof{Why: "AdminSetUserPassword issues no tokens"}
	out, err := e.Server.AdminSetUserPassword(m.ctx, in)
	c.Err = err
	if err == nil {
		c.Response = out
	}
	if u := m.Lookup(name); u != nil {
		c.User = u.Name
	}
	m.StepAdminSetUserPassword(c, name, pw, permanent)
	m.Record(c)
}

func (m *Model) actRevokeToken(t *rapid.T) {
	e := m.Env
	g := m.drawGrant(t)
	token := "refresh-0.nobody"
	if g != nil {
		token = g.Refresh
	}
	in := &challenge.RevokeTokenInput{ClientId: e.Client.ID, Token: token}
	c := m.NewCall("RevokeToken", "RevokeToken", in, token)
	c.Proof = Proof{Why: "RevokeToken issues no tokens"}
	out, err := e.Server.RevokeToken(m.ctx, in)
	c.Err = err
	if err == nil {
		c.Response = out
	}
	switch {
	case !e.Client.EnableTokenRevocation:
		c.Expect = expectErr(challenge.ErrUnsupportedOperation, "revocation is off for the client")
	case g == nil:
		c.Expect = expectOK("an unknown token is accepted silently (RFC 7009)")
	default:
		c.User = g.User
		g.Revoked = true
		c.Expect = expectOK("a refresh token of the client is revoked with its sign-in")
	}
	m.Record(c)
}

// actAdvanceClock moves the clock: mostly seconds, sometimes minutes (past
// a session's validity), sometimes past the longest lockout, rarely hours
// or days (past token and temporary password validity).
func (m *Model) actAdvanceClock(t *rapid.T) {
	var d time.Duration
	switch k := rapid.IntRange(0, 19).Draw(t, "clockKind"); {
	case k < 12:
		d = time.Duration(rapid.IntRange(1, 59).Draw(t, "seconds")) * time.Second
	case k < 17:
		d = time.Duration(rapid.IntRange(60, 330).Draw(t, "seconds")) * time.Second
	case k < 19:
		d = time.Duration(rapid.IntRange(10*60, 20*60).Draw(t, "seconds")) * time.Second
	default:
		d = time.Duration(rapid.IntRange(3600, 8*24*3600).Draw(t, "seconds")) * time.Second
	}
	m.Env.Clock.Advance(d)
	t.Logf("clock +%s -> +%s", d, m.Now().Sub(Epoch))
}

// modelClients is a fixed pool of SRP clients with 256-bit private
// exponents (amazon-cognito-identity-js draws 1024 bits): the server cannot
// tell, and A = g^a is computed once per process, so an SRP sign-in in the
// model costs about a third of a real client's.
var modelClients = sync.OnceValues(func() ([]*srp.Client, error) {
	out := make([]*srp.Client, 32)
	for i := range out {
		sum := sha256.Sum256([]byte(fmt.Sprintf("flowtest model SRP client %d", i)))
		c, err := srp.NewClientWithSecret(new(big.Int).SetBytes(sum[:]))
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
})

// modelClient picks a client of the pool with a byte of r (the Env's
// ClientRand, so the choice follows the seed).
func modelClient(r io.Reader) (*srp.Client, error) {
	list, err := modelClients()
	if err != nil {
		return nil, err
	}
	var b [1]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return nil, err
	}
	return list[int(b[0])%len(list)], nil
}
