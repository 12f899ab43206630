package flowtest

import (
	"context"
	"fmt"
	"time"

	"pgregory.net/rapid"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/totp"
)

// The TOTP extension of the model (ModelOptions.TOTP): the pool's MFA is
// OPTIONAL with software tokens enabled, and one user, mike, has a
// verified TOTP secret, so every proven password of mike is followed by
// SOFTWARE_TOKEN_MFA. The model keeps mike's secret and the last time step
// the pool accepted, and decides for itself (RFC 6238, one step of skew
// either side, a step is used once) whether a code is right.

// Names of the TOTP extension's invariants.
const (
	// InvMFANeedsSecondFactor: a user with MFA (mike's software token)
	// gets tokens only after a correct, unused TOTP code in the same
	// sign-in, or a proven remembered device.
	InvMFANeedsSecondFactor = "an MFA user never gets tokens without a correct second factor"
	// InvTOTPDirectory: the directory's TOTP secret, enabled flag and last
	// accepted time step are the model's.
	InvTOTPDirectory = "the directory's TOTP state is the model's"
)

// MFAUser is the user with a software token, and mikePassword his password.
const (
	MFAUser      = "mike"
	mikePassword = "Mike-pass5&"
)

// mfaModel is the model's account of the TOTP extension.
type mfaModel struct {
	Secret   string
	LastStep uint64 // the last time step the pool accepted (0: none)
	LastCode string // the last code the pool accepted
	// calls notes, per call that answered SOFTWARE_TOKEN_MFA, whether the
	// model held it to be a correct second factor.
	calls map[*Call]mfaAnswer
}

type mfaAnswer struct {
	right bool   // the code matched a step in the window not used before
	live  bool   // the session was neither spent nor expired
	why   string // when not both, why
}

// installTOTP adds mike with a verified software token, the TOTP actions
// and invariants, and the SecondFactor hooks.
func (m *Model) installTOTP(seed uint64) {
	secret, err := totp.NewSecret(Rand(seed ^ 0x7070))
	if err != nil {
		m.Env.TB.Fatal(err)
	}
	m.AddUser(MFAUser, mikePassword, flow.StatusConfirmed)
	u, err := m.Env.Dir.User(m.ctx, m.Env.Pool.ID, MFAUser)
	if err != nil || u == nil {
		m.Env.TB.Fatalf("reading %s back: %v", MFAUser, err)
	}
	old := u.Version
	u.MFA.TOTPSecret, u.MFA.TOTPEnabled = secret, true
	if err := m.Env.Dir.Apply(m.ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: old}); err != nil {
		m.Env.TB.Fatal(err)
	}
	m.mfa = &mfaModel{Secret: secret, calls: map[*Call]mfaAnswer{}}
	m.SecondFactorDue = func(u *UserState) bool { return u.Name == MFAUser }
	m.SecondFactor = func(c *Call, u *UserState, epoch, steps int) *Expect {
		if u.Name != MFAUser {
			return nil
		}
		m.addSession(c, &Session{Kind: challenge.SoftwareTokenMFA, User: u.Name, Password: u.Password, Epoch: epoch, Steps: steps})
		return expectChallenge(challenge.SoftwareTokenMFA, "a proven password of a user with a software token (MFA OPTIONAL)",
			map[string]string{challenge.KeyUserIDForSRP: u.Name})
	}
	m.AddAction(Action{Name: "MFASignIn", Weight: 4, Run: m.actMFASignIn})
	m.AddAction(Action{Name: "AnswerTOTP", Weight: 6, Enabled: func() bool { return len(m.SessionsOf(challenge.SoftwareTokenMFA)) > 0 },
		Run: m.actAnswerTOTP})
	// The narrow property first, so that a missing second factor is
	// reported under its own name rather than the general one.
	m.Invariants = append([]Invariant{{Name: InvMFANeedsSecondFactor, Call: checkMFANeedsSecondFactor}}, m.Invariants...)
	m.AddInvariant(Invariant{Name: InvTOTPDirectory, State: checkTOTPDirectory})
}

// TOTPCode is the code of mike's token for the time step of at.
func (m *Model) TOTPCode(at time.Time) string {
	code, err := totp.DefaultConfig().Code(m.mfa.Secret, at)
	if err != nil {
		m.Env.TB.Fatal(err)
	}
	return code
}

// totpAccepts says whether the pool must accept code now: it is the code
// of the current step, the next or the previous one (tried in that order),
// and that step is later than the last one accepted. It returns the step.
func (m *Model) totpAccepts(code string) (uint64, bool) {
	cur := m.Now().Unix() / 30
	for _, s := range []int64{cur, cur + 1, cur - 1} {
		if s < 0 || uint64(s) <= m.mfa.LastStep {
			continue
		}
		if m.TOTPCode(time.Unix(s*30, 0)) == code {
			return uint64(s), true
		}
	}
	return 0, false
}

// actMFASignIn signs in as mike with USER_PASSWORD_AUTH or
// ADMIN_USER_PASSWORD_AUTH, mostly with his password.
func (m *Model) actMFASignIn(t *rapid.T) {
	admin := rapid.IntRange(0, 3).Draw(t, "admin") == 0
	u := m.Users[MFAUser]
	pw := u.Password
	if rapid.IntRange(0, 5).Draw(t, "mfaWrongPassword") == 0 {
		pw = modelWrongPasswords[0]
	}
	f := challenge.FlowUserPasswordAuth
	if admin {
		f = challenge.FlowAdminUserPasswordAuth
	}
	params := m.withSecretHash(map[string]string{challenge.KeyUsername: MFAUser, challenge.KeyPassword: pw}, MFAUser)
	c := m.Initiate("MFASignIn", admin, f, params, fmt.Sprintf("%s as %s with password %q", f, MFAUser, pw))
	c.User = MFAUser
	c.Proof = m.PasswordProof(u, pw)
	m.StepPasswordAuth(c, MFAUser, pw)
	m.Record(c)
}

// drawTOTPCode draws the code to answer with: the current one, a replay
// of the last accepted one, the previous or an old step's, a wrong or
// malformed one, or none.
func (m *Model) drawTOTPCode(t *rapid.T) (code, kind string) {
	now := m.Now()
	switch k := rapid.IntRange(0, 19).Draw(t, "totpCodeKind"); {
	case k < 9:
		return m.TOTPCode(now), "the current code"
	case k < 12 && m.mfa.LastCode != "":
		return m.mfa.LastCode, "a replay of the last accepted code"
	case k < 14:
		return m.TOTPCode(now.Add(-30 * time.Second)), "the previous step's code"
	case k < 15:
		return m.TOTPCode(now.Add(-3 * time.Minute)), "an old code"
	case k < 18:
		return rapid.SampledFrom([]string{"000000", "123456", "999999"}).Draw(t, "wrongCode"), "a wrong code"
	case k < 19:
		return rapid.SampledFrom([]string{"12345", "1234567", "abcdef"}).Draw(t, "malformedCode"), "a malformed code"
	}
	return "", "no code"
}

// actAnswerTOTP answers a SOFTWARE_TOKEN_MFA session (mostly a live one).
func (m *Model) actAnswerTOTP(t *rapid.T) {
	s := m.drawSession(t, challenge.SoftwareTokenMFA)
	code, kind := m.drawTOTPCode(t)
	resp := m.withSecretHash(map[string]string{challenge.KeyUsername: s.User, challenge.KeySoftwareTokenMFACode: code}, s.User)
	c := m.Respond("AnswerTOTP", s, challenge.SoftwareTokenMFA, resp, s.Admin)
	c.Summary += fmt.Sprintf(" with %s %q", kind, code)
	step, ok := m.totpAccepts(code)
	a := mfaAnswer{right: ok, live: !s.Spent && !m.Expired(s)}
	switch {
	case !a.live:
		a.why = "the session was spent or expired"
	case !ok:
		a.why = fmt.Sprintf("%s %q is not a code of an unused step in the window (last used step %d)", kind, code, m.mfa.LastStep)
	}
	m.mfa.calls[c] = a
	c.Proof = m.TOTPProof(s, ok)
	m.StepTOTP(c, s, code, step, ok)
	m.Record(c)
}

// TOTPProof says whether a SOFTWARE_TOKEN_MFA answer completes a sign-in
// legitimately.
func (m *Model) TOTPProof(s *Session, right bool) Proof {
	u := m.Users[s.User]
	switch {
	case s.Spent:
		return Proof{Why: "the session is spent"}
	case m.Expired(s):
		return Proof{Why: "the session has expired"}
	case u == nil:
		return Proof{Why: "no such user"}
	case stale(s, u):
		return Proof{Why: "the password proven was replaced since"}
	case !u.Enabled:
		return Proof{Why: "the user is disabled"}
	case !right:
		return Proof{Why: "the code is wrong or was used before"}
	}
	return Proof{Proven: true}
}

// StepTOTP applies a SOFTWARE_TOKEN_MFA answer; accepted and step are
// what totpAccepts says of the code.
func (m *Model) StepTOTP(c *Call, s *Session, code string, step uint64, accepted bool) {
	if m.SessionGate(c, s, challenge.SoftwareTokenMFA) {
		return
	}
	u := m.Users[s.User]
	if g := m.Gate(u); g != nil {
		s.Spent = true
		c.Expect = g
		return
	}
	if stale(s, u) {
		s.Spent = true
		c.Expect = expectIncorrect("the password proven was replaced since")
		return
	}
	if code == "" {
		s.Spent = true
		c.Expect = expectErr(challenge.ErrInvalidParameter, "SOFTWARE_TOKEN_MFA_CODE is missing")
		return
	}
	if !accepted {
		m.RecordFailure(u) // a wrong code counts towards the lockout
		e := expectErr(challenge.ErrCodeMismatch, "a wrong, old or used code", challenge.MsgInvalidCodeReceived)
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
	m.mfa.LastStep, m.mfa.LastCode = step, code
	if e := m.DeviceAfterMFA(c, s); e != nil {
		c.Expect = e
		return
	}
	m.grantTo(c, u.Name)
	c.Expect = expectTokens("a right, unused TOTP code after a proven password")
}

// checkMFANeedsSecondFactor: tokens for mike come from a refresh token,
// from a custom sign-in (whose hooks decide the factors), from a remembered
// device that proved its secret (DEVICE_PASSWORD_VERIFIER), or from a
// SOFTWARE_TOKEN_MFA answer, in a live session, whose code was right and
// of a step not used before.
func checkMFANeedsSecondFactor(m *Model, c *Call) error {
	if c.Err != nil || c.Result == nil || m.mfa == nil {
		return nil
	}
	user := c.User
	if m.Env.Issuer != nil && c.Result.AccessToken != "" {
		user = Username(c.Result.AccessToken)
	}
	if user != MFAUser || c.Presented == "refresh" || (m.custom != nil && m.custom.calls[c]) || (m.dev != nil && m.dev.calls[c].proven) {
		return nil
	}
	a, ok := m.mfa.calls[c]
	switch {
	case !ok:
		return fmt.Errorf("%s got tokens from %s without answering SOFTWARE_TOKEN_MFA", user, c.Op)
	case !a.live || !a.right:
		return fmt.Errorf("%s got tokens for a SOFTWARE_TOKEN_MFA answer that was not a correct second factor: %s", user, a.why)
	}
	return nil
}

// checkTOTPDirectory: mike keeps his software token, and the last step the
// directory holds as used is the model's.
func checkTOTPDirectory(m *Model) error {
	u, err := m.Env.Dir.User(context.Background(), m.Env.Pool.ID, MFAUser)
	if err != nil || u == nil {
		return fmt.Errorf("reading %s: %v", MFAUser, err)
	}
	switch {
	case !u.MFA.TOTPEnabled || u.MFA.TOTPSecret != m.mfa.Secret:
		return fmt.Errorf("%s lost his software token (enabled %v)", MFAUser, u.MFA.TOTPEnabled)
	case u.MFA.TOTPLastStep != m.mfa.LastStep:
		return fmt.Errorf("%s: last used TOTP step %d, model %d", MFAUser, u.MFA.TOTPLastStep, m.mfa.LastStep)
	}
	return nil
}
