package flowtest

import (
	"context"
	"fmt"
	"strconv"

	"pgregory.net/rapid"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// The custom authentication extension of the model (ModelOptions.
// CustomAuth): the pool's Define/Create/VerifyAuthChallenge hooks ask for
// Rounds CUSTOM_CHALLENGE rounds, round n being answered by "a<n>". A
// wrong answer fails the sign-in, or (RetryWrong) asks the same round
// again. rapid draws Rounds and RetryWrong per model.

// InvCustomAllRounds is the custom extension's invariant.
const InvCustomAllRounds = "a custom sign-in gets tokens only after every round was answered right"

// maxCustomRounds mirrors the engine's bound on the rounds of one custom
// sign-in (history entries before a define call).
const modelMaxCustomRounds = 8

// customModel is the hooks' configuration and the model's notes.
type customModel struct {
	Rounds     int
	RetryWrong bool
	// calls marks the calls of the custom flow (start or answer).
	calls map[*Call]bool
}

// customChain is the account of one custom sign-in, carried from session
// to session (Session.Extra["custom"]).
type customChain struct {
	Results []bool   // every answer the engine took, right or wrong
	Answers []string // the answers sent, in order
}

func (ch *customChain) right() int {
	n := 0
	for _, r := range ch.Results {
		if r {
			n++
		}
	}
	return n
}

func drawCustomModel(t *rapid.T) *customModel {
	return &customModel{
		Rounds:     rapid.IntRange(1, 3).Draw(t, "customRounds"),
		RetryWrong: rapid.Bool().Draw(t, "customRetryWrong"),
		calls:      map[*Call]bool{},
	}
}

// The hooks. They only read the customModel, so concurrent calls are safe.

func (cm *customModel) define(_ context.Context, in flow.DefineAuthChallengeInput) (*flow.DefineAuthChallengeOutput, error) {
	right := 0
	for _, r := range in.Session {
		if r.ChallengeName == string(challenge.CustomChallenge) && r.ChallengeResult {
			right++
		}
	}
	if n := len(in.Session); n > 0 && !in.Session[n-1].ChallengeResult && !cm.RetryWrong {
		return &flow.DefineAuthChallengeOutput{FailAuthentication: true}, nil
	}
	if right >= cm.Rounds {
		return &flow.DefineAuthChallengeOutput{IssueTokens: true}, nil
	}
	return &flow.DefineAuthChallengeOutput{ChallengeName: string(challenge.CustomChallenge)}, nil
}

func (cm *customModel) create(_ context.Context, in flow.CreateAuthChallengeInput) (*flow.CreateAuthChallengeOutput, error) {
	round := 1
	for _, r := range in.Session {
		if r.ChallengeName == string(challenge.CustomChallenge) && r.ChallengeResult {
			round++
		}
	}
	n := strconv.Itoa(round)
	return &flow.CreateAuthChallengeOutput{PublicChallengeParameters: map[string]string{"round": n},
		PrivateChallengeParameters: map[string]string{"answer": "a" + n}, ChallengeMetadata: "round-" + n}, nil
}

func (cm *customModel) verify(_ context.Context, in flow.VerifyAuthChallengeInput) (*flow.VerifyAuthChallengeOutput, error) {
	return &flow.VerifyAuthChallengeOutput{AnswerCorrect: in.ChallengeAnswer != "" && in.ChallengeAnswer == in.PrivateChallengeParameters["answer"]}, nil
}

// installCustom adds the custom actions and invariant.
func (m *Model) installCustom(cm *customModel) {
	m.custom = cm
	m.AddAction(Action{Name: "CustomAuthStart", Weight: 4, Run: m.actCustomStart})
	m.AddAction(Action{Name: "AnswerCustomChallenge", Weight: 6, Enabled: func() bool { return len(m.SessionsOf(challenge.CustomChallenge)) > 0 },
		Run: m.actCustomAnswer})
	m.Invariants = append([]Invariant{{Name: InvCustomAllRounds, Call: checkCustomAllRounds}}, m.Invariants...)
}

func chainOf(s *Session) *customChain {
	ch, _ := s.Extra["custom"].(*customChain)
	if ch == nil {
		ch = &customChain{}
	}
	return ch
}

// actCustomStart starts CUSTOM_AUTH for a drawn name.
func (m *Model) actCustomStart(t *rapid.T) {
	name := m.DrawName(t)
	admin := rapid.IntRange(0, 3).Draw(t, "admin") == 0
	params := m.withSecretHash(map[string]string{challenge.KeyUsername: name}, name)
	c := m.Initiate("CustomAuthStart", admin, challenge.FlowCustomAuth, params, "CUSTOM_AUTH as "+name)
	m.custom.calls[c] = true
	u := m.Lookup(name)
	if u != nil {
		c.User = u.Name
	}
	c.Proof = Proof{Why: "CUSTOM_AUTH starts with a challenge (at least one round)"}
	m.StepCustomStart(c, name, u, admin)
	m.Record(c)
}

// StepCustomStart applies InitiateAuth CUSTOM_AUTH.
func (m *Model) StepCustomStart(c *Call, name string, u *UserState, admin bool) {
	s := &Session{Kind: challenge.CustomChallenge, Admin: admin, Extra: map[string]any{"custom": &customChain{}}}
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
	c.Expect = expectChallenge(challenge.CustomChallenge, "the define hook asks for round 1",
		map[string]string{challenge.KeyUsername: s.User, "round": "1"})
	m.addSession(c, s)
}

// actCustomAnswer answers a CUSTOM_CHALLENGE session (mostly a live one)
// rightly or wrongly.
func (m *Model) actCustomAnswer(t *rapid.T) {
	s := m.drawSession(t, challenge.CustomChallenge)
	ch := chainOf(s)
	answer := "a" + strconv.Itoa(ch.right()+1)
	switch k := rapid.IntRange(0, 9).Draw(t, "customAnswerKind"); {
	case k < 6:
	case k < 8:
		answer = "a" + strconv.Itoa(ch.right()+2) // the next round's answer
	case k < 9:
		answer = "wrong"
	default:
		answer = ""
	}
	resp := m.withSecretHash(map[string]string{challenge.KeyUsername: s.User, challenge.KeyAnswer: answer}, s.User)
	c := m.Respond("AnswerCustomChallenge", s, challenge.CustomChallenge, resp, s.Admin)
	c.Summary += fmt.Sprintf(" with answer %q", answer)
	m.custom.calls[c] = true
	c.Proof = m.CustomProof(s, answer)
	m.StepCustomAnswer(c, s, answer)
	m.Record(c)
}

// CustomProof says whether answering s with answer completes the custom
// sign-in legitimately.
func (m *Model) CustomProof(s *Session, answer string) Proof {
	u := m.Users[s.User]
	ch := chainOf(s)
	switch {
	case s.Spent:
		return Proof{Why: "the session is spent"}
	case m.Expired(s):
		return Proof{Why: "the session has expired"}
	case s.Decoy || u == nil:
		return Proof{Why: "a decoy session"}
	case !u.Enabled:
		return Proof{Why: "the user is disabled"}
	case answer != "a"+strconv.Itoa(ch.right()+1):
		return Proof{Why: "a wrong answer"}
	case ch.right()+1 < m.custom.Rounds:
		return Proof{Why: fmt.Sprintf("round %d of %d", ch.right()+1, m.custom.Rounds)}
	case u.Status == flow.StatusUnconfirmed:
		return Proof{Why: "the user is not confirmed"}
	}
	return Proof{Proven: true}
}

// StepCustomAnswer applies a CUSTOM_CHALLENGE answer.
func (m *Model) StepCustomAnswer(c *Call, s *Session, answer string) {
	if m.SessionGate(c, s, challenge.CustomChallenge) {
		return
	}
	s.Spent = true // every answer ends this session; a next round comes with a new one
	if answer == "" {
		c.Expect = expectErr(challenge.ErrInvalidParameter, "ANSWER is missing")
		return
	}
	u := m.Users[s.User]
	if !s.Decoy {
		if g := m.Gate(u); g != nil {
			c.Expect = g
			return
		}
	} else if g := m.DecoyGuess(s.User); g != nil {
		c.Expect = g
		return
	}
	prev := chainOf(s)
	correct := !s.Decoy && answer == "a"+strconv.Itoa(prev.right()+1)
	ch := &customChain{Results: append(append([]bool(nil), prev.Results...), correct), Answers: append(append([]string(nil), prev.Answers...), answer)}
	if !correct && u != nil {
		m.RecordFailure(u)
	}
	switch {
	case len(ch.Results) > modelMaxCustomRounds:
		c.Expect = expectErr(challenge.ErrNotAuthorized, "too many custom rounds", "Too many custom challenge rounds.")
	case !correct && !m.custom.RetryWrong:
		c.Expect = expectIncorrect("a wrong answer fails the custom sign-in")
	case ch.right() >= m.custom.Rounds && u.Status == flow.StatusUnconfirmed:
		c.Expect = expectErr(challenge.ErrUserNotConfirmed, "every round right but the user is not confirmed", challenge.MsgUserNotConfirmed)
	case ch.right() >= m.custom.Rounds && u.Status == flow.StatusForceChangePassword && !m.Now().Before(u.TempExpires):
		c.Expect = expectErr(challenge.ErrNotAuthorized, "every round right but the temporary password has expired", challenge.MsgTemporaryExpired)
	case ch.right() >= m.custom.Rounds:
		m.ResetFailures(u)
		m.grantTo(c, u.Name)
		c.Expect = expectTokens("every custom round was answered right")
	default:
		next := ch.right() + 1
		m.addSession(c, &Session{Kind: challenge.CustomChallenge, User: s.User, Decoy: s.Decoy, Admin: s.Admin,
			Password: s.Password, Epoch: s.Epoch, Steps: s.Steps, Extra: map[string]any{"custom": ch}})
		why := "the next round"
		if !correct {
			why = "a wrong answer; the hooks ask the round again"
		}
		c.Expect = expectChallenge(challenge.CustomChallenge, why, map[string]string{challenge.KeyUsername: s.User, "round": strconv.Itoa(next)})
	}
}

// checkCustomAllRounds: tokens from the custom flow follow an answer to a
// live session that made Rounds right answers in the sign-in, each the
// answer of its round, and (without RetryWrong) no wrong one.
func checkCustomAllRounds(m *Model, c *Call) error {
	if m.custom == nil || !m.custom.calls[c] || c.Err != nil || c.Result == nil {
		return nil
	}
	s := c.Answered
	if s == nil {
		return fmt.Errorf("CUSTOM_AUTH issued tokens at InitiateAuth, before any of %d rounds", m.custom.Rounds)
	}
	if c.SessionSpent || c.SessionExpired {
		return fmt.Errorf("tokens for an answer to a spent or expired session %s", short(s.Handle))
	}
	if s.Decoy {
		return fmt.Errorf("tokens for a decoy custom sign-in (%q)", s.User)
	}
	req, _ := c.Request.(*challenge.RespondToAuthChallengeInput)
	var answer string
	if req != nil {
		answer = req.ChallengeResponses[challenge.KeyAnswer]
	} else if areq, ok := c.Request.(*challenge.AdminRespondToAuthChallengeInput); ok {
		answer = areq.ChallengeResponses[challenge.KeyAnswer]
	}
	right, wrong := 0, 0
	for _, a := range append(append([]string(nil), chainOf(s).Answers...), answer) {
		if a == "a"+strconv.Itoa(right+1) {
			right++
		} else {
			wrong++
		}
	}
	switch {
	case right != m.custom.Rounds:
		return fmt.Errorf("tokens after %d right answers of %d rounds", right, m.custom.Rounds)
	case wrong > 0 && !m.custom.RetryWrong:
		return fmt.Errorf("tokens after %d wrong answers, which fail the sign-in", wrong)
	}
	return nil
}
