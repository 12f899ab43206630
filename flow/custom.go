package flow

import (
	"encoding/json"

	"github.com/authflow/authflow/challenge"
)

// The CUSTOM part of the machine: CUSTOM_AUTH driven by the define, create
// and verify hooks, including the SRP_A variant that runs
// PASSWORD_VERIFIER inside the custom flow. The machine asks for each
// hook's answer with a Request (NeedDefine, NeedCreate, NeedVerify) and
// reads it from Event.Replies; it never calls a hook.

// Extra keys of State used by custom authentication.
const (
	extraHistory = "custom_history" // JSON []CustomChallengeResult
	extraPrivate = "custom_private" // JSON private challenge parameters
	extraMeta    = "custom_meta"    // challenge metadata of the pending round
)

// maxCustomRounds bounds the custom challenges of one sign-in.
const maxCustomRounds = 8

func (m *machine) customHooks() bool { return m.ev.CanCustomAuth }

func (m *machine) history() []CustomChallengeResult {
	var h []CustomChallengeResult
	_ = json.Unmarshal([]byte(m.st.Extra[extraHistory]), &h)
	return h
}

func (m *machine) trigger() TriggerUser {
	username := m.param(challenge.KeyUsername)
	if m.st.Username != "" {
		username = m.st.Username
	}
	return triggerUser(m.ev.Pool, m.ev.Client, m.ev.User, username)
}

// startCustom begins CUSTOM_AUTH.
func (m *machine) startCustom() Outcome {
	if !m.customHooks() {
		return m.fail(errParam("Custom auth lambda trigger is not configured for the user pool."))
	}
	username := m.param(challenge.KeyUsername)
	u := m.ev.User
	if u == nil {
		if !m.preventExistenceErrors() {
			return m.fail(errUserNotFound())
		}
		if err := m.decoyGate(); err != nil {
			return m.fail(err)
		}
		m.st.Decoy = true
		m.st.Username = decoyUserID(m.ev.DecoyKey, m.ev.Pool, username)
	} else {
		m.st.Username = u.Username
		if err := m.userGate(); err != nil {
			return m.fail(err)
		}
	}
	var history []CustomChallengeResult
	if m.param(challenge.KeyChallengeName) == challenge.ValueChallengeNameSRPA || m.param("ChallengeName") == challenge.ValueChallengeNameSRPA {
		history = append(history, CustomChallengeResult{ChallengeName: challenge.ValueChallengeNameSRPA, ChallengeResult: true})
	}
	return m.customDefine(history)
}

// customDefine asks the define hook what follows the rounds so far.
func (m *machine) customDefine(history []CustomChallengeResult) Outcome {
	if len(history) > maxCustomRounds {
		return m.fail(errNotAuthorized("Too many custom challenge rounds."))
	}
	var metadata map[string]string
	if m.ev.Answer != "" {
		metadata = m.ev.Metadata
	}
	r, ok := m.reply(Request{Kind: NeedDefine, Define: &DefineAuthChallengeInput{TriggerUser: m.trigger(),
		Session: history, UserNotFound: m.st.Decoy, ClientMetadata: metadata}})
	if !ok {
		return Outcome{}
	}
	if r.Err != nil {
		return m.fail(r.Err)
	}
	def := r.Define
	switch {
	case def == nil || (def.IssueTokens && def.FailAuthentication):
		return m.fail(invalidLambda("DefineAuthChallenge", "exactly one of IssueTokens, FailAuthentication or ChallengeName is needed"))
	case def.FailAuthentication:
		return m.fail(errIncorrect())
	case def.IssueTokens:
		if m.st.Decoy {
			return m.fail(errIncorrect())
		}
		m.st.Proven |= FactorCustom
		if m.st.AuthTime.IsZero() {
			m.st.AuthTime = m.ev.Now
		}
		if err := m.statusGate(); err != nil {
			return m.fail(err)
		}
		o := m.tokens()
		o.Effects.ResetFailures = true
		return o
	case def.ChallengeName == string(challenge.PasswordVerifier):
		if len(history) == 0 || history[len(history)-1].ChallengeName != challenge.ValueChallengeNameSRPA {
			return m.fail(invalidLambda("DefineAuthChallenge", "PASSWORD_VERIFIER follows SRP_A only"))
		}
		o := m.startSRP()
		if o.Next != nil {
			o.Next.Extra = map[string]string{extraHistory: marshalHistory(history)}
		}
		return o
	case def.ChallengeName == string(challenge.CustomChallenge):
		return m.customCreate(history, metadata)
	}
	return m.fail(invalidLambda("DefineAuthChallenge", "unknown challenge name "+truncate(def.ChallengeName, 40)))
}

func marshalHistory(h []CustomChallengeResult) string {
	b, _ := json.Marshal(h)
	return string(b)
}

// customCreate asks the create hook for the next CUSTOM_CHALLENGE.
func (m *machine) customCreate(history []CustomChallengeResult, metadata map[string]string) Outcome {
	r, ok := m.reply(Request{Kind: NeedCreate, Create: &CreateAuthChallengeInput{TriggerUser: m.trigger(),
		ChallengeName: string(challenge.CustomChallenge), Session: history, UserNotFound: m.st.Decoy, ClientMetadata: metadata}})
	if !ok {
		return Outcome{}
	}
	if r.Err != nil {
		return m.fail(r.Err)
	}
	c := r.Create
	if c == nil {
		return m.fail(invalidLambda("CreateAuthChallenge", "no challenge"))
	}
	private, _ := json.Marshal(c.PrivateChallengeParameters)
	params := map[string]string{}
	for k, v := range c.PublicChallengeParameters {
		params[k] = v
	}
	params[challenge.KeyUsername] = m.st.Username
	next := m.st
	next.Phase = PhaseCustom
	next.Challenge = challenge.CustomChallenge
	next.Wrong = 0
	next.Extra = map[string]string{extraHistory: marshalHistory(history), extraPrivate: string(private), extraMeta: c.ChallengeMetadata}
	if len(private) > 8<<10 || len(next.Extra[extraHistory]) > 8<<10 {
		return m.fail(invalidLambda("CreateAuthChallenge", "challenge parameters are too large"))
	}
	return Outcome{Event: evCustomChallenge, Next: &next, Challenge: challenge.CustomChallenge, Params: params}
}

// customAnswer checks an ANSWER with the verify hook and asks define again.
func (m *machine) customAnswer() Outcome {
	answer := m.param(challenge.KeyAnswer)
	if answer == "" {
		return m.fail(errMissing(challenge.KeyAnswer))
	}
	if !m.customHooks() {
		return m.fail(errParam("Custom auth lambda trigger is not configured for the user pool."))
	}
	if err := m.gate(); err != nil {
		return m.fail(err)
	}
	var private map[string]string
	_ = json.Unmarshal([]byte(m.st.Extra[extraPrivate]), &private)
	r, ok := m.reply(Request{Kind: NeedVerify, Verify: &VerifyAuthChallengeInput{TriggerUser: m.trigger(),
		PrivateChallengeParameters: private, ChallengeAnswer: answer, UserNotFound: m.st.Decoy, ClientMetadata: m.ev.Metadata}})
	if !ok {
		return Outcome{}
	}
	if r.Err != nil {
		return m.fail(r.Err)
	}
	v := r.Verify
	if v == nil {
		return m.fail(invalidLambda("VerifyAuthChallengeResponse", "no answer"))
	}
	correct := v.AnswerCorrect && !m.st.Decoy
	history := append(m.history(), CustomChallengeResult{ChallengeName: string(challenge.CustomChallenge),
		ChallengeResult: correct, ChallengeMetadata: m.st.Extra[extraMeta]})
	o := m.customDefine(history)
	if !correct {
		o.Effects.RecordFailure = m.ev.User != nil
	}
	return o
}

// customAfterPassword continues a custom sign-in once its PASSWORD_VERIFIER
// succeeded.
func (m *machine) customAfterPassword() Outcome {
	history := append(m.history(), CustomChallengeResult{ChallengeName: string(challenge.PasswordVerifier), ChallengeResult: true})
	m.st.Proven |= FactorPassword
	m.st.AuthTime = m.ev.Now
	return m.customDefine(history)
}
