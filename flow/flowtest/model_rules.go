package flowtest

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// The pool's rules as the model holds them. Each step function takes a
// call already made (the engine does not change the model, so the
// prediction can be computed afterwards from the state as it was), sets
// c.Expect, moves the model's state as the rules say, and records what the
// call created. The rules are written from Cognito's behaviour and
// ARCHITECTURE.md, not from the engine's code paths; where the engine's
// order of checks is the only way to tell two errors apart, the model
// follows the documented order (gates, then the answer, then status).

// MsgExpiredSession is the message for an answer that comes after the
// session's validity.
const MsgExpiredSession = "Invalid session for the user, session is expired."

// MsgAccessTokenExpired is the fake Issuer's message for an expired access token.
const MsgAccessTokenExpired = "Access Token has expired"

func expectErr(code challenge.Code, why string, msgs ...string) *Expect {
	return &Expect{Code: code, Messages: msgs, Why: why}
}

func expectTokens(why string) *Expect { return &Expect{Tokens: true, NewRefresh: true, Why: why} }

func expectChallenge(name challenge.Name, why string, params map[string]string) *Expect {
	return &Expect{Challenge: name, Params: params, Why: why}
}

func expectOK(why string) *Expect { return &Expect{OK: true, Why: why} }

func expectIncorrect(why string) *Expect {
	return expectErr(challenge.ErrNotAuthorized, why, challenge.MsgIncorrectCredentials)
}

// Gate is the check every sign-in step makes of its user before looking at
// the answer: a disabled or locked-out user gets nowhere. nil means the
// user may go on.
func (m *Model) Gate(u *UserState) *Expect {
	if !u.Enabled {
		return expectErr(challenge.ErrNotAuthorized, "the user is disabled", challenge.MsgUserDisabled)
	}
	if m.Locked(u) {
		return expectErr(challenge.ErrNotAuthorized, "the user is locked out", challenge.MsgPasswordAttempts)
	}
	return nil
}

// Locked reports whether u is locked out now.
func (m *Model) Locked(u *UserState) bool {
	return !u.LockedUntil.IsZero() && m.Now().Before(u.LockedUntil)
}

// RecordFailure counts a failed sign-in: from the LockoutThreshold-th
// consecutive failure on, the user is locked out for 1s, 2s, 4s, ...
// capped at LockoutMax (Cognito's exponential backoff).
func (m *Model) RecordFailure(u *UserState) {
	u.Failed++
	if over := u.Failed - m.Limits.LockoutThreshold; over >= 0 {
		d := m.Limits.LockoutMax
		if over < 20 {
			d = min(time.Second<<over, m.Limits.LockoutMax)
		}
		u.LockedUntil = m.Now().Add(d)
	}
}

// DecoyID is the name a decoy sign-in of an unknown name goes by (its
// USER_ID_FOR_SRP): the name in the pool's case.
func (m *Model) DecoyID(name string) string {
	if m.Env.Pool.CaseSensitive {
		return name
	}
	return strings.ToLower(name)
}

// UnknownGuessWindow is how long the engine counts the failures of an
// unknown name from its first one (flow's unknownGuessWindow).
const UnknownGuessWindow = 24 * time.Hour

func (m *Model) decoyState(id string) *UserState {
	d := m.Decoys[id]
	if d == nil || (d.Failed > 0 && !m.Now().Before(m.decoySince[id].Add(UnknownGuessWindow))) {
		d = &UserState{Name: id}
		m.Decoys[id] = d
	}
	return d
}

// DecoyGate is the lockout an unknown name earned by its failures, where
// Gate refuses a locked-out user.
func (m *Model) DecoyGate(id string) *Expect {
	if m.Locked(m.decoyState(id)) {
		return expectErr(challenge.ErrNotAuthorized, "the unknown name is locked out by its failures", challenge.MsgPasswordAttempts)
	}
	return nil
}

// DecoyGuess is a guess for an unknown name: refused while it is locked
// out, else counted as a failure (it always is one).
func (m *Model) DecoyGuess(id string) *Expect {
	if e := m.DecoyGate(id); e != nil {
		return e
	}
	d := m.decoyState(id)
	if d.Failed == 0 {
		if m.decoySince == nil {
			m.decoySince = map[string]time.Time{}
		}
		m.decoySince[id] = m.Now()
	}
	m.RecordFailure(d)
	return nil
}

// ResetFailures clears the lockout counter (a completed sign-in, or an
// administrator's new password).
func (m *Model) ResetFailures(u *UserState) {
	u.Failed = 0
	u.LockedUntil = time.Time{}
}

// SetPassword gives u a new password (a new epoch), keeping the history
// the pool asks for.
func (m *Model) SetPassword(u *UserState, pw string) {
	if n := m.Policy.PasswordHistorySize; n > 0 {
		u.History = append([]string{u.Password}, u.History...)
		if len(u.History) > n {
			u.History = u.History[:n]
		}
	} else {
		u.History = nil
	}
	u.Password = pw
	u.Epoch++
}

// Reused reports whether pw is among the passwords PasswordHistorySize
// forbids: the current one and the remembered ones, n in all.
func (m *Model) Reused(u *UserState, pw string) bool {
	n := m.Policy.PasswordHistorySize
	if n <= 0 {
		return false
	}
	for i, old := range append([]string{u.Password}, u.History...) {
		if i >= n {
			break
		}
		if old == pw {
			return true
		}
	}
	return false
}

// PolicyViolation returns the rule of the pool's password policy pw
// breaks, or "".
func (m *Model) PolicyViolation(pw string) string {
	p := m.Policy
	minLen := max(p.MinimumLength, 6)
	if !utf8.ValidString(pw) {
		return "Password is not valid"
	}
	if utf8.RuneCountInString(pw) < minLen {
		return "Password not long enough"
	}
	has := func(f func(rune) bool) bool { return strings.IndexFunc(pw, f) >= 0 }
	switch {
	case p.RequireUppercase && !has(unicode.IsUpper):
		return "Password must have uppercase characters"
	case p.RequireLowercase && !has(unicode.IsLower):
		return "Password must have lowercase characters"
	case p.RequireNumbers && !has(func(r rune) bool { return r >= '0' && r <= '9' }):
		return "Password must have numeric characters"
	case p.RequireSymbols && !has(func(r rune) bool { return strings.ContainsRune("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ", r) }):
		return "Password must have symbol characters"
	}
	return ""
}

// RevokeUser signs u out everywhere: every grant of u is revoked.
func (m *Model) RevokeUser(u *UserState) {
	for _, g := range m.Grants {
		if g.User == u.Name {
			g.Revoked = true
		}
	}
	u.SignedOut = m.Now()
	u.SignOuts++
}

// grantTo is a completed sign-in of user: tokens, and the lockout counter
// cleared.
func (m *Model) grantTo(c *Call, user string) {
	if u := m.Users[user]; u != nil {
		m.ResetFailures(u)
	}
	m.addGrant(c, user)
}

// addGrant records the tokens of a sign-in.
func (m *Model) addGrant(c *Call, user string) {
	if c.Err != nil || c.Result == nil || c.Result.RefreshToken == "" {
		return
	}
	g := &Grant{User: user, Refresh: c.Result.RefreshToken, Issued: c.At}
	g.Access = append(g.Access, &AccessToken{Token: c.Result.AccessToken, Grant: g, Issued: c.At})
	m.Grants = append(m.Grants, g)
}

// addSession records a session the call handed out.
func (m *Model) addSession(c *Call, s *Session) {
	if c.Err != nil || c.Session == "" || c.Challenge != s.Kind {
		return
	}
	s.Handle, s.Issued, s.Params = c.Session, c.At, c.Params
	// A session belongs to the entry point of the call that opened it.
	s.Admin = strings.HasPrefix(c.Op, "Admin")
	m.Sessions = append(m.Sessions, s)
}

// FirstFactor is what follows a proven password of u: a status that
// forbids tokens, a forced password change, or tokens. Extensions with a
// second factor wrap it. steps is the sign-in's answer count so far.
func (m *Model) FirstFactor(c *Call, u *UserState, password string, epoch, steps int) *Expect {
	switch {
	case u.Status == flow.StatusUnconfirmed:
		return expectErr(challenge.ErrUserNotConfirmed, "the password is right but the user is not confirmed", challenge.MsgUserNotConfirmed)
	case u.Status == flow.StatusForceChangePassword && !u.TempExpires.IsZero() && !m.Now().Before(u.TempExpires):
		return expectErr(challenge.ErrNotAuthorized, "the temporary password has expired", challenge.MsgTemporaryExpired)
	}
	// A right secret does not clear the lockout counter until the
	// sign-in completes (grantTo): the guesses of a second factor count.
	if u.Status == flow.StatusForceChangePassword {
		m.addSession(c, &Session{Kind: challenge.NewPasswordRequired, User: u.Name, Password: password, Epoch: epoch, Steps: steps})
		return expectChallenge(challenge.NewPasswordRequired, "a temporary password was proven",
			map[string]string{challenge.KeyUserIDForSRP: u.Name})
	}
	if m.SecondFactor != nil {
		if e := m.SecondFactor(c, u, epoch, steps); e != nil {
			return e
		}
	}
	m.grantTo(c, u.Name)
	return expectTokens("the password of a confirmed, enabled user was proven")
}

// PasswordProof says whether signing in as u with password proves every
// factor tokens need.
func (m *Model) PasswordProof(u *UserState, password string) Proof {
	switch {
	case u == nil:
		return Proof{Why: "no such user (a decoy)"}
	case password != u.Password:
		return Proof{Why: "not the user's current password"}
	case !u.Enabled:
		return Proof{Why: "the user is disabled"}
	case u.Status != flow.StatusConfirmed:
		return Proof{Why: "the user's status is " + string(u.Status)}
	case m.secondFactorDue(u):
		return Proof{Why: "a second factor is due after the password"}
	}
	return Proof{Proven: true}
}

func (m *Model) secondFactorDue(u *UserState) bool {
	return m.SecondFactorDue != nil && u != nil && m.SecondFactorDue(u)
}

// StepPasswordAuth applies USER_PASSWORD_AUTH / ADMIN_USER_PASSWORD_AUTH.
func (m *Model) StepPasswordAuth(c *Call, name, password string) {
	u := m.Lookup(name)
	refused := m.PreAuthRefusal(u)
	switch {
	case refused != nil:
		c.Expect = refused
	case password == "":
		c.Expect = expectErr(challenge.ErrInvalidParameter, "PASSWORD is missing", "Missing required parameter PASSWORD")
	case u == nil && m.Prevent:
		if c.Expect = m.DecoyGuess(m.DecoyID(name)); c.Expect == nil {
			c.Expect = expectIncorrect("unknown user, PreventUserExistenceErrors ENABLED")
		}
	case u == nil:
		c.Expect = expectErr(challenge.ErrUserNotFound, "unknown user, PreventUserExistenceErrors LEGACY", challenge.MsgUserNotFound)
	default:
		if g := m.Gate(u); g != nil {
			c.Expect = g
		} else if password != u.Password {
			m.RecordFailure(u)
			c.Expect = expectIncorrect("wrong password")
		} else {
			c.Expect = m.FirstFactor(c, u, password, u.Epoch, 0)
		}
	}
}

// StepSRPStart applies USER_SRP_AUTH.
func (m *Model) StepSRPStart(c *Call, name string, s *Session) {
	u := m.Lookup(name)
	switch {
	case u == nil && !m.Prevent:
		c.Expect = expectErr(challenge.ErrUserNotFound, "unknown user, PreventUserExistenceErrors LEGACY", challenge.MsgUserNotFound)
		return
	case u == nil:
		if g := m.DecoyGate(m.DecoyID(name)); g != nil {
			c.Expect = g
			return
		}
		s.User, s.Decoy = m.DecoyID(name), true
	default:
		if e := m.PreAuthRefusal(u); e != nil {
			c.Expect = e
			return
		}
		if g := m.Gate(u); g != nil {
			c.Expect = g
			return
		}
		s.User, s.Password, s.Epoch = u.Name, u.Password, u.Epoch
	}
	c.Expect = expectChallenge(challenge.PasswordVerifier, "SRP starts for any enabled, unlocked user (or a decoy)",
		map[string]string{challenge.KeyUserIDForSRP: s.User, challenge.KeyUsername: s.User})
	m.addSession(c, s)
}

// SessionGate applies the checks every answer meets before the engine
// looks at it: a spent or expired session, a challenge name that is not
// the pending one, too many steps. It returns true when the call stops
// there (c.Expect is set); otherwise it counts the step.
func (m *Model) SessionGate(c *Call, s *Session, name challenge.Name) bool {
	switch {
	case s.Spent && m.Expired(s):
		c.Expect = expectErr(challenge.ErrNotAuthorized, "the session is spent and expired", challenge.MsgInvalidSession, MsgExpiredSession)
	case s.Spent:
		c.Expect = expectErr(challenge.ErrNotAuthorized, "the session is spent", challenge.MsgInvalidSession)
	case strings.HasPrefix(c.Op, "Admin") != s.Admin:
		// Checked before expiry, and without spending the session: it
		// still belongs to the entry point that opened it.
		c.Expect = expectErr(challenge.ErrNotAuthorized, "the session was opened at the other entry point", challenge.MsgInvalidSession)
	case m.Expired(s):
		s.Spent = true
		c.Expect = expectErr(challenge.ErrNotAuthorized, "the session has expired", challenge.MsgInvalidSession, MsgExpiredSession)
	case name != s.Kind:
		c.Expect = expectErr(challenge.ErrInvalidParameter, "the challenge name is not the pending one")
	case s.Steps >= m.Limits.MaxSteps:
		s.Spent = true
		c.Expect = expectErr(challenge.ErrNotAuthorized, "too many steps", challenge.MsgInvalidSession)
	default:
		s.Steps++
		return false
	}
	return true
}

// stale reports whether a session's proof refers to a password u no
// longer has.
func stale(s *Session, u *UserState) bool { return s.Epoch != u.Epoch }

// VerifierProof says whether answering s with password proves every
// factor tokens need.
func (m *Model) VerifierProof(s *Session, password string) Proof {
	u := m.Users[s.User]
	switch {
	case s.Spent:
		return Proof{Why: "the session is spent"}
	case m.Expired(s):
		return Proof{Why: "the session has expired"}
	case s.Decoy || u == nil:
		return Proof{Why: "a decoy session"}
	case stale(s, u) && !m.Tolerates(StaleProof):
		return Proof{Why: "the challenge was made for a password the user no longer has"}
	case password != s.Password:
		return Proof{Why: "not the password the challenge was made for"}
	case !u.Enabled:
		return Proof{Why: "the user is disabled"}
	case u.Status != flow.StatusConfirmed:
		return Proof{Why: "the user's status is " + string(u.Status)}
	case m.secondFactorDue(u):
		return Proof{Why: "a second factor is due after the password"}
	}
	return Proof{Proven: true}
}

// StepVerifier applies a PASSWORD_VERIFIER answer computed with password.
func (m *Model) StepVerifier(c *Call, s *Session, name challenge.Name, password string) {
	if m.SessionGate(c, s, name) {
		return
	}
	s.Spent = true // whatever happens next ends the session
	if s.Decoy {
		if c.Expect = m.DecoyGuess(s.User); c.Expect == nil {
			c.Expect = expectIncorrect("a decoy session")
		}
		return
	}
	u := m.Users[s.User]
	if g := m.Gate(u); g != nil {
		c.Expect = g
		return
	}
	if password != s.Password {
		m.RecordFailure(u)
		c.Expect = expectIncorrect("the claim is not for the challenge's password")
		return
	}
	if stale(s, u) && !m.Tolerates(StaleProof) {
		c.Expect = expectErr(challenge.ErrNotAuthorized, "the challenge's password was replaced since (StaleProof)")
		return
	}
	c.Expect = m.FirstFactor(c, u, password, s.Epoch, s.Steps)
}

// NewPasswordProof says whether answering s with pw completes the
// sign-in legitimately.
func (m *Model) NewPasswordProof(s *Session, pw string) Proof {
	u := m.Users[s.User]
	switch {
	case s.Spent:
		return Proof{Why: "the session is spent"}
	case m.Expired(s):
		return Proof{Why: "the session has expired"}
	case u == nil:
		return Proof{Why: "no such user"}
	case stale(s, u) && !m.Tolerates(StaleProof):
		return Proof{Why: "the temporary password proven was replaced since"}
	case !u.Enabled:
		return Proof{Why: "the user is disabled"}
	case m.PolicyViolation(pw) != "":
		return Proof{Why: "the new password breaks the policy"}
	case m.secondFactorDue(u):
		return Proof{Why: "a second factor is due after the new password"}
	}
	return Proof{Proven: true}
}

// StepNewPassword applies a NEW_PASSWORD_REQUIRED answer.
func (m *Model) StepNewPassword(c *Call, s *Session, name challenge.Name, pw string) {
	if m.SessionGate(c, s, name) {
		return
	}
	u := m.Users[s.User]
	retry := func(e *Expect) {
		if s.Wrong+1 >= m.Limits.MaxWrongAnswers {
			s.Spent = true
			e.Why += "; the session's last wrong answer"
		} else {
			s.Wrong++
			e.Why += "; the session stays usable"
		}
		c.Expect = e
	}
	if pw == "" {
		retry(expectErr(challenge.ErrInvalidParameter, "NEW_PASSWORD is missing", "Missing required parameter NEW_PASSWORD"))
		return
	}
	if g := m.Gate(u); g != nil {
		s.Spent = true
		c.Expect = g
		return
	}
	if stale(s, u) && !m.Tolerates(StaleProof) {
		s.Spent = true
		c.Expect = expectErr(challenge.ErrNotAuthorized, "the temporary password proven was replaced since (StaleProof)")
		return
	}
	if why := m.PolicyViolation(pw); why != "" {
		retry(expectErr(challenge.ErrInvalidPassword, "the new password breaks the policy", "Password did not conform with policy: "+why))
		return
	}
	if m.Reused(u, pw) {
		retry(expectErr(challenge.ErrPasswordHistoryPolicyViolation, "the new password was used before"))
		return
	}
	s.Spent = true
	m.SetPassword(u, pw)
	u.Status = flow.StatusConfirmed
	u.TempExpires = time.Time{}
	if m.SecondFactor != nil {
		if e := m.SecondFactor(c, u, u.Epoch, s.Steps); e != nil {
			c.Expect = e
			return
		}
	}
	m.grantTo(c, u.Name)
	c.Expect = expectTokens("a valid new password replaced a proven temporary one")
}

// RefreshProof says whether a refresh token may yield tokens.
func (m *Model) RefreshProof(g *Grant) Proof {
	switch {
	case g == nil:
		return Proof{Why: "not a refresh token the pool issued"}
	case g.Revoked:
		return Proof{Why: "the refresh token was revoked"}
	case !m.Now().Before(g.Issued.Add(m.RefreshValidity)):
		return Proof{Why: "the refresh token has expired"}
	case !m.Users[g.User].Enabled:
		return Proof{Why: "the user is disabled"}
	}
	return Proof{Proven: true}
}

// StepRefresh applies REFRESH_TOKEN_AUTH with a refresh token (g nil for
// one the pool never issued).
func (m *Model) StepRefresh(c *Call, g *Grant) {
	switch {
	case g == nil:
		c.Expect = expectErr(challenge.ErrNotAuthorized, "an unknown refresh token", challenge.MsgInvalidRefreshToken)
	case g.Revoked:
		c.Expect = expectErr(challenge.ErrNotAuthorized, "a revoked refresh token", challenge.MsgInvalidRefreshToken, challenge.MsgRefreshTokenRevoked)
	case !m.Now().Before(g.Issued.Add(m.RefreshValidity)):
		c.Expect = expectErr(challenge.ErrNotAuthorized, "an expired refresh token", challenge.MsgInvalidRefreshToken)
	case !m.Users[g.User].Enabled:
		c.Expect = expectErr(challenge.ErrNotAuthorized, "the user is disabled", challenge.MsgUserDisabled)
	default:
		c.Expect = &Expect{Tokens: true, Why: "a live refresh token of an enabled user"}
		if c.Err == nil && c.Result != nil {
			g.Access = append(g.Access, &AccessToken{Token: c.Result.AccessToken, Grant: g, Issued: c.At})
		}
	}
}

// sameInstant reports whether an access token was issued at the very
// instant of a later global sign-out that did not revoke its grant (see
// SameInstantSignOut).
func sameInstant(a *AccessToken, u *UserState) bool {
	return u.SignOuts > 0 && !a.Grant.Revoked && a.Issued.Equal(u.SignedOut)
}

// StepAccess applies the token check of an operation authorized by an
// access token (a nil for one the pool never issued). It returns whether
// the model expects the token to be accepted; it is not sure when the fake
// Issuer's SameInstantSignOut applies.
func (m *Model) StepAccess(c *Call, a *AccessToken) (ok, sure bool) {
	switch {
	case a == nil:
		c.Expect = expectErr(challenge.ErrNotAuthorized, "an unknown access token", challenge.MsgInvalidAccessToken)
	case !m.Now().Before(a.Issued.Add(m.AccessValidity)):
		c.Expect = expectErr(challenge.ErrNotAuthorized, "an expired access token", MsgAccessTokenExpired)
	case a.Grant.Revoked:
		c.Expect = expectErr(challenge.ErrNotAuthorized, "a revoked access token", challenge.MsgAccessTokenRevoked)
	case sameInstant(a, m.Users[a.Grant.User]) && m.Tolerates(SameInstantSignOut):
		c.Expect = &Expect{Unsure: true, Why: "issued at the instant of a global sign-out (SameInstantSignOut)"}
		return c.Err == nil, false
	case !m.Users[a.Grant.User].Enabled:
		c.Expect = expectErr(challenge.ErrNotAuthorized, "the user is disabled", challenge.MsgUserDisabled)
	default:
		c.Expect = expectOK("a live access token of an enabled user")
		return true, true
	}
	return false, true
}

// StepAdminUser applies the user lookup of an admin operation; it returns
// the user, or nil with c.Expect set.
func (m *Model) StepAdminUser(c *Call, name string) *UserState {
	u := m.Lookup(name)
	if u == nil {
		c.Expect = expectErr(challenge.ErrUserNotFound, "no such user", challenge.MsgUserNotFound)
	}
	return u
}

// StepAdminSetUserPassword applies AdminSetUserPassword.
func (m *Model) StepAdminSetUserPassword(c *Call, name, pw string, permanent bool) {
	u := m.StepAdminUser(c, name)
	if u == nil {
		return
	}
	if pw == "" {
		c.Expect = expectErr(challenge.ErrInvalidParameter, "Password is missing")
		return
	}
	if why := m.PolicyViolation(pw); why != "" {
		c.Expect = expectErr(challenge.ErrInvalidPassword, "the password breaks the policy", "Password did not conform with policy: "+why)
		return
	}
	if permanent && m.Reused(u, pw) {
		c.Expect = expectErr(challenge.ErrPasswordHistoryPolicyViolation, "the password was used before")
		return
	}
	m.SetPassword(u, pw)
	if permanent {
		u.Status, u.TempExpires = flow.StatusConfirmed, time.Time{}
	} else {
		u.Status, u.TempExpires = flow.StatusForceChangePassword, m.Now().Add(m.temporaryValidity())
	}
	m.ResetFailures(u)
	c.Expect = expectOK("an administrator sets any password the policy allows")
}
