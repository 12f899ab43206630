package flow

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"slices"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/totp"
)

// The MFA part of the machine: which second factor a user must prove, the
// code challenges, SELECT_MFA_TYPE and MFA_SETUP.

// Extra keys of State used by MFA.
const (
	extraChoices      = "mfa_choices"   // JSON list offered by SELECT_MFA_TYPE
	extraTOTPPending  = "totp_pending"  // secret associated during MFA_SETUP
	extraTOTPVerified = "totp_verified" // "1" once VerifySoftwareToken accepted it
	extraTOTPName     = "totp_name"
)

// mfaMethods lists the second factors the user can be asked for now, in
// Cognito's order, each needing the pool to enable it, the user to have
// it, and (for codes) a way to send it.
func (m *machine) mfaMethods() []challenge.Name {
	u, p := m.ev.User, m.ev.Pool
	var out []challenge.Name
	if p.SMSMFAEnabled && u.MFA.SMSEnabled && u.Attributes["phone_number"] != "" && m.ev.CanSend {
		out = append(out, challenge.SMSMFA)
	}
	if p.TOTPMFAEnabled && u.MFA.TOTPEnabled && u.MFA.TOTPSecret != "" {
		out = append(out, challenge.SoftwareTokenMFA)
	}
	if p.EmailMFAEnabled && u.MFA.EmailEnabled && u.Attributes["email"] != "" && m.ev.CanSend {
		out = append(out, challenge.EmailOTP)
	}
	return out
}

// setupMethods lists what MFA_SETUP can offer: TOTP, set up inside the
// challenge (SMS needs an administrator to add a phone number).
func (m *machine) setupMethods() []challenge.Name {
	var out []challenge.Name
	if m.ev.Pool.TOTPMFAEnabled {
		out = append(out, challenge.SoftwareTokenMFA)
	}
	return out
}

// mfaNext decides the MFA step after the first factor; ok=false means no
// second factor is due.
func (m *machine) mfaNext() (Outcome, bool) {
	p := m.ev.Pool
	if p.MFA == MFAOff || p.MFA == "" || m.st.Proven&(FactorMFA|FactorPasswordless) != 0 || m.deviceRemembersMFA() {
		return Outcome{}, false
	}
	methods := m.mfaMethods()
	switch {
	case len(methods) == 0 && p.MFA == MFAOn:
		setup := m.setupMethods()
		if len(setup) == 0 {
			return m.fail(challenge.New(challenge.ErrMFAMethodNotFound, "No MFA method can be set up for the user.")), true
		}
		list, _ := json.Marshal(setup)
		return m.mfaChallenge(evMFARequired, challenge.MFASetup, map[string]string{challenge.KeyMFAsCanSetup: string(list)}), true
	case len(methods) == 0:
		return Outcome{}, false
	case len(methods) == 1:
		return m.codeChallenge(evMFARequired, methods[0]), true
	}
	if pref := challenge.Name(m.ev.User.MFA.Preferred); slices.Contains(methods, pref) {
		return m.codeChallenge(evMFARequired, pref), true
	}
	list, _ := json.Marshal(methods)
	o := m.mfaChallenge(evMFARequired, challenge.SelectMFAType, map[string]string{challenge.KeyMFAsCanChoose: string(list)})
	o.Next.Extra = map[string]string{extraChoices: string(list)}
	return o, true
}

// mfaChallenge moves to the MFA phase with a challenge.
func (m *machine) mfaChallenge(event string, name challenge.Name, params map[string]string) Outcome {
	return m.phaseChallenge(event, PhaseMFA, name, params)
}

// phaseChallenge moves to a phase with a challenge.
func (m *machine) phaseChallenge(event string, phase Phase, name challenge.Name, params map[string]string) Outcome {
	next := m.st
	next.Phase = phase
	next.Challenge = name
	next.Wrong = 0
	next.CodeHash, next.CodeExpires = nil, timeZero
	next.Extra = nil
	if params == nil {
		params = map[string]string{}
	}
	params[challenge.KeyUserIDForSRP] = m.st.Username
	return Outcome{Event: event, Next: &next, Challenge: name, Params: params}
}

// codeChallenge issues SOFTWARE_TOKEN_MFA, or SMS_MFA / EMAIL_OTP with a
// code sent now.
func (m *machine) codeChallenge(event string, name challenge.Name) Outcome {
	u := m.ev.User
	if name == challenge.SoftwareTokenMFA {
		params := map[string]string{}
		if u.MFA.TOTPFriendlyName != "" {
			params[challenge.KeyFriendlyDeviceName] = u.MFA.TOTPFriendlyName
		}
		return m.mfaChallenge(event, name, params)
	}
	return m.sendCodeChallenge(event, PhaseMFA, name, "MFA")
}

// sendCodeChallenge issues SMS_MFA, SMS_OTP or EMAIL_OTP with a code sent
// now (purpose "MFA" or "OTP").
func (m *machine) sendCodeChallenge(event string, phase Phase, name challenge.Name, purpose string) Outcome {
	u := m.ev.User
	medium, dest := challenge.DeliveryMediumSMS, u.Attributes["phone_number"]
	if name == challenge.EmailOTP {
		medium, dest = challenge.DeliveryMediumEmail, u.Attributes["email"]
	}
	code, err := randomDigits(m.rng, 6)
	if err != nil {
		return m.fail(errInternal(err))
	}
	o := m.phaseChallenge(event, phase, name, map[string]string{
		challenge.KeyCodeDeliveryDeliveryMedium: medium,
		challenge.KeyCodeDeliveryDestination:    mask(medium, dest),
	})
	o.Next.CodeHash = sessionCodeHash(m.ev.DecoyKey, code)
	o.Next.CodeExpires = m.ev.Now.Add(codeValidity(m.ev.Pool))
	o.Effects.Messages = []Message{{PoolID: u.PoolID, Username: u.Username, Medium: medium, Destination: dest, Purpose: purpose, Code: code}}
	return o
}

// sessionCodeHash keys a code kept in a session state.
func sessionCodeHash(key []byte, code string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("session-code\x00" + code))
	return h.Sum(nil)
}

// mfaAnswer handles the answers of the MFA phase.
func (m *machine) mfaAnswer() Outcome {
	switch m.st.Challenge {
	case challenge.SelectMFAType:
		return m.selectMFAType()
	case challenge.MFASetup:
		if m.st.Extra[extraTOTPVerified] != "1" {
			return m.fail(errNotAuthorized("The software token has not been verified for this session."))
		}
		return m.mfaProven(Effects{SetTOTP: &TOTPChange{Secret: m.st.Extra[extraTOTPPending], Name: m.st.Extra[extraTOTPName], Step: parseStep(m.st.Extra["totp_step"])}})
	case challenge.SoftwareTokenMFA:
		return m.totpAnswer()
	case challenge.SMSMFA:
		return m.codeAnswer(challenge.KeySMSMFACode)
	case challenge.EmailOTP:
		return m.codeAnswer(challenge.KeyEmailOTPCode)
	}
	return m.fail(errInvalidSession())
}

func (m *machine) selectMFAType() Outcome {
	answer := challenge.Name(m.param(challenge.KeyAnswer))
	if answer == "" {
		return m.fail(errMissing(challenge.KeyAnswer))
	}
	var offered []challenge.Name
	_ = json.Unmarshal([]byte(m.st.Extra[extraChoices]), &offered)
	if !slices.Contains(offered, answer) || !slices.Contains(m.mfaMethods(), answer) {
		return m.fail(challenge.New(challenge.ErrMFAMethodNotFound, "The MFA method "+truncate(string(answer), 32)+" is not available for the user."))
	}
	return m.codeChallenge(evMFASelected, answer)
}

func (m *machine) totpAnswer() Outcome {
	code := m.param(challenge.KeySoftwareTokenMFACode)
	if code == "" {
		return m.fail(errMissing(challenge.KeySoftwareTokenMFACode))
	}
	u := m.ev.User
	if !m.ev.Pool.TOTPMFAEnabled {
		return m.fail(challenge.New(challenge.ErrSoftwareTokenMFANotFound, "Software token MFA is not enabled for the user pool."))
	}
	step, ok, err := totp.DefaultConfig().ValidateOnce(u.MFA.TOTPSecret, code, m.ev.Now, u.MFA.TOTPLastStep)
	if err != nil {
		return m.fail(errInternal(err))
	}
	if !ok {
		o := m.retry(evMFARejected, challenge.New(challenge.ErrCodeMismatch, challenge.MsgInvalidCodeReceived))
		o.Effects.RecordFailure = true // a wrong code counts towards the lockout
		return o
	}
	return m.mfaProven(Effects{TOTPStep: step})
}

func (m *machine) codeAnswer(key string) Outcome {
	if bad := m.checkSessionCode(key); bad != nil {
		return *bad
	}
	return m.mfaProven(Effects{})
}

// checkSessionCode checks the code kept in the session; nil means right.
func (m *machine) checkSessionCode(key string) *Outcome {
	var o Outcome
	code := m.param(key)
	switch {
	case code == "":
		o = m.fail(errMissing(key))
	case len(m.st.CodeHash) == 0:
		o = m.fail(errInvalidSession())
	case !m.ev.Now.Before(m.st.CodeExpires):
		o = m.fail(challenge.New(challenge.ErrExpiredCode, challenge.MsgExpiredCode))
	case len(code) > 16 || subtle.ConstantTimeCompare(sessionCodeHash(m.ev.DecoyKey, code), m.st.CodeHash) != 1:
		o = m.retry(rejected(m.st.Phase), challenge.New(challenge.ErrCodeMismatch, challenge.MsgInvalidCodeReceived))
		o.Effects.RecordFailure = true // a wrong code counts towards the lockout
	default:
		return nil
	}
	return &o
}

// mfaProven records a proven second factor and moves on.
func (m *machine) mfaProven(e Effects) Outcome {
	m.st.Proven |= FactorMFA
	m.st.CodeHash, m.st.CodeExpires, m.st.Extra = nil, timeZero, nil
	o := m.next()
	o.Effects.TOTPStep = max(o.Effects.TOTPStep, e.TOTPStep)
	if e.SetTOTP != nil {
		o.Effects.SetTOTP = e.SetTOTP
	}
	return o
}
