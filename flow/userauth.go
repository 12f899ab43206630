package flow

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/srp"
)

// The USER_AUTH and SELECT_CHALLENGE parts of the machine: choice-based
// sign-in with a password, SRP, a one-time code or a passkey.

// Extra keys of State used by choice-based sign-in.
const (
	extraAvailable = "available" // JSON list offered by SELECT_CHALLENGE
	extraWebAuthn  = "webauthn"  // WebAuthn session data of the pending assertion (raw bytes)
	extraSignedUp  = "signed_up" // "confirmed" in a session that ConfirmSignUp returned
)

// firstFactors lists the first factors the user can use, in the order
// Cognito lists AvailableChallenges.
func (m *machine) firstFactors() []challenge.Name {
	p, u := m.ev.Pool, m.ev.User
	allowed := p.AllowedFirstAuthFactors
	if len(allowed) == 0 {
		allowed = []string{"PASSWORD"}
	}
	var out []challenge.Name
	if slices.Contains(allowed, "PASSWORD") && (u == nil || u.HasPassword()) {
		out = append(out, challenge.Password, challenge.PasswordSRP)
	}
	if u == nil {
		// A decoy offers every code factor the pool allows (and accepts
		// no code), so that the offer does not tell who exists.
		for _, f := range []challenge.Name{challenge.EmailOTP, challenge.SMSOTP} {
			if slices.Contains(allowed, string(f)) && m.ev.CanSend {
				out = append(out, f)
			}
		}
		return out
	}
	if slices.Contains(allowed, "EMAIL_OTP") && m.ev.CanSend && u.Attributes["email"] != "" && u.Attributes["email_verified"] == "true" {
		out = append(out, challenge.EmailOTP)
	}
	if slices.Contains(allowed, "SMS_OTP") && m.ev.CanSend && u.Attributes["phone_number"] != "" && u.Attributes["phone_number_verified"] == "true" {
		out = append(out, challenge.SMSOTP)
	}
	if slices.Contains(allowed, "WEB_AUTHN") && m.ev.CanPasskey && p.WebAuthnRelyingPartyID != "" && len(u.Passkeys) > 0 {
		out = append(out, challenge.WebAuthn)
	}
	return out
}

// relyingParty is the pool's WebAuthn relying party.
func relyingParty(p *Pool, origins []string) challenge.RelyingParty {
	uv := p.WebAuthnUserVerification
	if uv == "" {
		uv = "preferred"
	}
	return challenge.RelyingParty{ID: p.WebAuthnRelyingPartyID, Name: p.Name,
		Origins: append([]string{"https://" + p.WebAuthnRelyingPartyID}, origins...), UserVerification: uv}
}

// passkeyUser is the user as a WebAuthn ceremony sees it.
func passkeyUser(u *User) challenge.PasskeyUser {
	display := u.Attributes["email"]
	if display == "" {
		display = u.Username
	}
	return challenge.PasskeyUser{Handle: []byte(u.Sub), Name: u.Username, DisplayName: display, Credentials: u.Passkeys}
}

// startUserAuth begins USER_AUTH.
func (m *machine) startUserAuth() Outcome {
	u := m.ev.User
	if u == nil {
		if !m.preventExistenceErrors() {
			return m.fail(errUserNotFound())
		}
		if err := m.decoyGate(); err != nil {
			return m.fail(err)
		}
		m.st.Decoy = true
		m.st.Username = decoyUserID(m.ev.DecoyKey, m.ev.Pool, m.param(challenge.KeyUsername))
	} else {
		m.st.Username = u.Username
		if err := m.userGate(); err != nil {
			return m.fail(err)
		}
		if m.ev.SignedUp {
			// ConfirmSignUp proved the user with the code just sent. The
			// user was created by the SignUp this session began with, so
			// no device of theirs can be remembered: a DEVICE_KEY is not
			// asked to prove itself here (the sign-in is on a new device,
			// whose metadata comes with the tokens), and a sign-in never
			// goes from START to DEVICE_SRP.
			m.st.DeviceKey = ""
			m.st.Proven |= FactorPasswordless
			m.st.AuthTime = m.ev.Now
			if err := m.statusGate(); err != nil {
				return m.fail(err)
			}
			return m.next()
		}
	}
	available := m.firstFactors()
	if len(available) == 0 {
		return m.fail(errIncorrect())
	}
	if pref := challenge.Name(m.param(challenge.KeyPreferredChallenge)); pref != "" && slices.Contains(available, pref) {
		return m.startFactor(pref)
	}
	return m.offerChoice(available)
}

// offerChoice answers SELECT_CHALLENGE with the available first factors.
func (m *machine) offerChoice(available []challenge.Name) Outcome {
	list, _ := json.Marshal(available)
	o := m.phaseChallenge(evChoiceOffered, PhaseSelectChallenge, challenge.SelectChallenge, nil)
	o.Available = available
	o.Next.Extra = map[string]string{extraAvailable: string(list)}
	if slices.Contains(available, challenge.WebAuthn) {
		opts, session, bad := m.beginPasskey()
		if bad != nil {
			return *bad
		}
		o.Params[challenge.KeyCredentialRequestOptions] = string(opts)
		o.Next.Extra[extraWebAuthn] = string(session)
	}
	return o
}

// startFactor goes to a chosen first factor; it completes at once when the
// request already carries the proof (PASSWORD, SRP_A, CREDENTIAL).
func (m *machine) startFactor(name challenge.Name) Outcome {
	switch name {
	case challenge.Password:
		if m.param(challenge.KeyPassword) == "" {
			return m.phaseChallenge(evFirstFactorChosen, PhaseUserAuth, challenge.Password, nil)
		}
		return m.passwordAnswer()
	case challenge.PasswordSRP:
		if m.param(challenge.KeySRPA) == "" {
			return m.phaseChallenge(evFirstFactorChosen, PhaseUserAuth, challenge.PasswordSRP, nil)
		}
		return m.startSRP()
	case challenge.EmailOTP, challenge.SMSOTP:
		if m.st.Decoy {
			return m.decoyCodeChallenge(name)
		}
		return m.sendCodeChallenge(evFirstFactorChosen, PhaseUserAuth, name, "OTP")
	case challenge.WebAuthn:
		if m.param(challenge.KeyCredential) != "" && m.st.Extra[extraWebAuthn] != "" {
			return m.passkeyAnswer()
		}
		opts, session, bad := m.beginPasskey()
		if bad != nil {
			return *bad
		}
		o := m.phaseChallenge(evFirstFactorChosen, PhaseUserAuth, challenge.WebAuthn,
			map[string]string{challenge.KeyCredentialRequestOptions: string(opts)})
		o.Next.Extra = map[string]string{extraWebAuthn: string(session)}
		return o
	}
	return m.fail(errParam("The challenge " + truncate(string(name), 32) + " is not available for the user."))
}

// selectAnswer handles SELECT_CHALLENGE.
func (m *machine) selectAnswer() Outcome {
	answer := challenge.Name(m.param(challenge.KeyAnswer))
	if answer == "" {
		return m.fail(errMissing(challenge.KeyAnswer))
	}
	var offered []challenge.Name
	_ = json.Unmarshal([]byte(m.st.Extra[extraAvailable]), &offered)
	if !slices.Contains(offered, answer) {
		return m.fail(errParam("The challenge " + truncate(string(answer), 32) + " is not available for the user."))
	}
	if err := m.gate(); err != nil {
		return m.fail(err)
	}
	return m.startFactor(answer)
}

// userAuthAnswer handles the first-factor challenges.
func (m *machine) userAuthAnswer() Outcome {
	if err := m.gate(); err != nil {
		return m.fail(err)
	}
	switch m.st.Challenge {
	case challenge.Password:
		return m.passwordAnswer()
	case challenge.PasswordSRP:
		if m.param(challenge.KeySRPA) == "" {
			return m.fail(errMissing(challenge.KeySRPA))
		}
		return m.startSRP()
	case challenge.EmailOTP, challenge.SMSOTP:
		key := challenge.KeyEmailOTPCode
		if m.st.Challenge == challenge.SMSOTP {
			key = challenge.KeySMSOTPCode
		}
		if bad := m.checkSessionCode(key); bad != nil {
			return *bad
		}
		return m.passwordlessProven(Effects{})
	case challenge.WebAuthn:
		return m.passkeyAnswer()
	}
	return m.fail(errInvalidSession())
}

// passwordAnswer checks a plain PASSWORD inside USER_AUTH.
func (m *machine) passwordAnswer() Outcome {
	password := m.param(challenge.KeyPassword)
	if password == "" {
		return m.fail(errMissing(challenge.KeyPassword))
	}
	m.pass(evPasswordReceived, PhasePasswordVerifier)
	if m.st.Decoy {
		salt := m.decoySalt(m.st.Username)
		srp.CheckPassword(salt, salt, srp.PoolName(m.ev.Pool.ID), m.st.Username, password)
		return m.failWith(errIncorrect(), Effects{RecordFailure: true})
	}
	u := m.ev.User
	if !u.HasPassword() || !srp.CheckPassword(u.Salt, u.Verifier, srp.PoolName(u.PoolID), u.Username, password) {
		return m.failWith(errIncorrect(), Effects{RecordFailure: true})
	}
	return m.firstFactorProven()
}

// passkeyAnswer verifies a CREDENTIAL against the pending assertion.
func (m *machine) passkeyAnswer() Outcome {
	cred := m.param(challenge.KeyCredential)
	if cred == "" {
		return m.fail(errMissing(challenge.KeyCredential))
	}
	session := []byte(m.st.Extra[extraWebAuthn])
	if len(session) == 0 || !m.ev.CanPasskey {
		return m.fail(errInvalidSession())
	}
	r, ok := m.reply(Request{Kind: NeedPasskeyFinish, Passkey: &PasskeyRequest{RP: relyingParty(m.ev.Pool, m.ev.Origins),
		User: passkeyUser(m.ev.User), Session: session, Credential: []byte(cred)}})
	if !ok {
		return Outcome{}
	}
	id, count, err := r.CredentialID, r.SignCount, r.Err
	if err != nil {
		// The respond operations list no WebAuthn* exception: a refused
		// assertion is NotAuthorizedException, its reason in the message.
		if code := challenge.CodeOf(err); strings.HasPrefix(string(code), "WebAuthn") {
			err = challenge.Wrap(challenge.ErrNotAuthorized, "Invalid passkey: "+challenge.MessageOf(err), err)
		}
		return m.failWith(err, Effects{RecordFailure: true})
	}
	return m.passwordlessProven(Effects{PasskeyUsed: &PasskeyUse{ID: id, SignCount: count}})
}

// beginPasskey asks for the options and session data of a WebAuthn
// assertion (the Passkeys port's BeginLogin). bad is the outcome to
// return: a failure, or the step's end at the request.
func (m *machine) beginPasskey() (opts, session []byte, bad *Outcome) {
	r, ok := m.reply(Request{Kind: NeedPasskeyBegin, Passkey: &PasskeyRequest{RP: relyingParty(m.ev.Pool, m.ev.Origins),
		User: passkeyUser(m.ev.User)}})
	if !ok {
		return nil, nil, &Outcome{}
	}
	if r.Err != nil {
		o := m.fail(r.Err)
		return nil, nil, &o
	}
	return r.Options, r.Session, nil
}

// passwordlessProven records a one-time code or passkey as the first
// factor; such sign-ins are not asked for MFA.
func (m *machine) passwordlessProven(e Effects) Outcome {
	if err := m.statusGate(); err != nil {
		return m.fail(err)
	}
	m.st.Proven |= FactorPasswordless
	m.st.AuthTime = m.ev.Now
	m.st.CodeHash, m.st.CodeExpires, m.st.Extra = nil, timeZero, nil
	o := m.next()
	o.Effects.ResetFailures = o.Err == nil
	o.Effects.PasskeyUsed = e.PasskeyUsed
	return o
}

// gate is userGate for a user and decoyGate for a decoy.
func (m *machine) gate() error {
	if m.ev.User != nil {
		return m.userGate()
	}
	return m.decoyGate()
}

// decoyCodeChallenge answers a decoy's choice of EMAIL_OTP or SMS_OTP as
// a user's: the same parameters, a destination masked the same way, a
// session whose code nobody has (nothing is sent).
func (m *machine) decoyCodeChallenge(name challenge.Name) Outcome {
	medium, dest := challenge.DeliveryMediumSMS, "+1555"+decoyDigits(m.decoyBytes("phone", m.st.Username, 7))
	if name == challenge.EmailOTP {
		medium = challenge.DeliveryMediumEmail
		dest = m.param(challenge.KeyUsername)
		if !strings.Contains(dest, "@") {
			b := m.decoyBytes("email", m.st.Username, 2)
			dest = string(rune('a'+b[0]%26)) + "@" + string(rune('a'+b[1]%26)) + ".com"
		}
	}
	o := m.phaseChallenge(evFirstFactorChosen, PhaseUserAuth, name, map[string]string{
		challenge.KeyCodeDeliveryDeliveryMedium: medium,
		challenge.KeyCodeDeliveryDestination:    mask(medium, dest),
	})
	secret := m.draw(32)
	o.Next.CodeHash = sessionCodeHash(secret, "decoy")
	o.Next.CodeExpires = m.ev.Now.Add(codeValidity(m.ev.Pool))
	o.DecoyCode = true
	return o
}

// decoyDigits turns bytes into decimal digits.
func decoyDigits(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = '0' + c%10
	}
	return string(out)
}
