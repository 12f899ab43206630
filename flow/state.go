package flow

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/authflow/authflow/challenge"
)

// Phase is a state of the sign-in machine. Every pending wire challenge
// belongs to exactly one phase (EMAIL_OTP to PhaseUserAuth as a first
// factor and to PhaseMFA as a second one); the outcomes are PhaseTokens
// and PhaseFailed.
type Phase uint8

// The phases, named as in the design: every pending wire challenge belongs
// to exactly one of them.
const (
	PhaseStart               Phase = iota // before the first call; stored only by the sign-up sessions
	PhaseUserAuth                         // a first factor chosen, awaiting it: PASSWORD, PASSWORD_SRP, EMAIL_OTP and SMS_OTP as first factors, WEB_AUTHN
	PhaseSRP                              // SRP verifier sent (PASSWORD_VERIFIER challenge), awaiting the claim
	PhasePasswordVerifier                 // a plain password checked against the verifier, within the call that sent it
	PhaseMFA                              // SMS_MFA, EMAIL_OTP (MFA), SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE, MFA_SETUP
	PhaseSelectChallenge                  // SELECT_CHALLENGE
	PhaseNewPasswordRequired              // NEW_PASSWORD_REQUIRED
	PhaseDeviceSRP                        // DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER
	PhaseCustom                           // CUSTOM_CHALLENGE
	PhaseTokens                           // outcome: tokens issued
	PhaseFailed                           // outcome: sign-in failed
	phaseCount
)

var phaseNames = [phaseCount]string{
	"START", "USER_AUTH", "SRP", "PASSWORD_VERIFIER", "MFA", "SELECT_CHALLENGE",
	"NEW_PASSWORD_REQUIRED", "DEVICE_SRP", "CUSTOM", "TOKENS", "FAILED",
}

// String returns the design name of the phase.
func (p Phase) String() string {
	if p < phaseCount {
		return phaseNames[p]
	}
	return "INVALID"
}

// Factor is a bit set of what a sign-in has proven.
type Factor uint8

// The factors.
const (
	FactorPassword     Factor = 1 << iota // password or SRP claim
	FactorMFA                             // a second factor
	FactorDevice                          // a remembered device
	FactorNewPassword                     // a new password replaced a temporary one
	FactorCustom                          // custom challenges passed
	FactorPasswordless                    // a one-time code or passkey as first factor
)

// State is the flow state kept between two calls of one sign-in. It is
// small on purpose: the SRP session key is computed when the challenge is
// issued, so no large numbers are stored.
type State struct {
	Phase     Phase
	Challenge challenge.Name // the challenge the client must answer
	PoolID    string
	ClientID  string
	Username  string // the real username (USER_ID_FOR_SRP)
	Admin     bool   // started through AdminInitiateAuth
	Flow      challenge.AuthFlow
	Created   time.Time // when the sign-in started
	Expires   time.Time // when this step's session expires
	AuthTime  time.Time // when the first factor was proven
	Steps     uint8     // calls answered so far in this sign-in
	Wrong     uint8     // wrong answers given to this step
	Decoy     bool      // an unknown user under PreventUserExistenceErrors
	Proven    Factor
	Key       []byte // SRP session key (16 bytes)
	Secret    []byte // SECRET_BLOCK sent with PASSWORD_VERIFIER
	DeviceKey string // DEVICE_KEY the client presented
	// Proof fingerprints the password verifier the sign-in started with;
	// a step after an administrator or the user replaced it is refused.
	Proof []byte
	// CodeHash and CodeExpires hold a one-time code sent for this step.
	CodeHash    []byte
	CodeExpires time.Time
	// Extra holds step-specific values (MFA choices, custom-challenge
	// history) as key/value strings.
	Extra map[string]string
	// EventID is the auth event this sign-in records (pools with threat
	// protection; see EventRecorder), empty otherwise. Tokens carry it as
	// event_id.
	EventID string
}

// stateVersion is the first byte of every encoded State. Version 2
// writes the challenge and the flow as one byte each (stateNames) and a
// pending WebAuthn assertion's session data raw, and ends with the
// EventID; version 1 (names as
// strings, the session data in base64) still decodes.
const stateVersion = 2

// maxStateBytes bounds an encoded state.
const maxStateBytes = 64 << 10

var errBadState = errors.New("flow: malformed session state")

// stateNames are the challenge and flow names version 2 writes as their
// index + 1 (0 is the empty name; nameString, then the name as a string,
// any other). Append only: an index, once written, means its name.
var stateNames = []string{
	string(challenge.SMSMFA), string(challenge.EmailOTP), string(challenge.SoftwareTokenMFA), string(challenge.SelectMFAType),
	string(challenge.MFASetup), string(challenge.PasswordVerifier), string(challenge.CustomChallenge), string(challenge.SelectChallenge),
	string(challenge.DeviceSRPAuth), string(challenge.DevicePasswordVerifier), string(challenge.AdminNoSRPAuth),
	string(challenge.NewPasswordRequired), string(challenge.SMSOTP), string(challenge.Password), string(challenge.WebAuthn),
	string(challenge.PasswordSRP),
	string(challenge.FlowUserAuth), string(challenge.FlowUserSRPAuth), string(challenge.FlowUserPasswordAuth),
	string(challenge.FlowAdminUserPasswordAuth), string(challenge.FlowAdminNoSRPAuth), string(challenge.FlowRefreshTokenAuth),
	string(challenge.FlowRefreshToken), string(challenge.FlowCustomAuth),
}

// nameString marks a name outside stateNames, written as a string.
const nameString = 0xff

var stateNameIndex = func() map[string]byte {
	m := map[string]byte{}
	for i, n := range stateNames {
		m[n] = byte(i + 1)
	}
	return m
}()

func appendName(b []byte, name string) []byte {
	if name == "" {
		return append(b, 0)
	}
	if i, ok := stateNameIndex[name]; ok {
		return append(b, i)
	}
	return appendString(append(b, nameString), name)
}

func (d *decoder) name() string {
	switch i := d.byte(); {
	case d.err != nil || i == 0:
		return ""
	case i == nameString:
		return d.string()
	case int(i) <= len(stateNames):
		return stateNames[i-1]
	}
	d.err = errBadState
	return ""
}

// MarshalBinary encodes the state: a version byte, then the fields in a
// fixed order as single bytes, unsigned varints and length-prefixed byte
// strings.
func (s *State) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 256)
	b = append(b, stateVersion, byte(s.Phase))
	b = appendName(b, string(s.Challenge))
	b = appendString(b, s.PoolID)
	b = appendString(b, s.ClientID)
	b = appendString(b, s.Username)
	b = appendBool(b, s.Admin)
	b = appendName(b, string(s.Flow))
	b = appendTime(b, s.Created)
	b = appendTime(b, s.Expires)
	b = appendTime(b, s.AuthTime)
	b = append(b, s.Steps, s.Wrong)
	b = appendBool(b, s.Decoy)
	b = append(b, byte(s.Proven))
	b = appendBytes(b, s.Key)
	b = appendBytes(b, s.Secret)
	b = appendString(b, s.DeviceKey)
	b = appendBytes(b, s.Proof)
	b = appendBytes(b, s.CodeHash)
	b = appendTime(b, s.CodeExpires)
	b = binary.AppendUvarint(b, uint64(len(s.Extra)))
	for _, k := range slices.Sorted(maps.Keys(s.Extra)) {
		b = appendString(b, k)
		b = appendString(b, s.Extra[k])
	}
	b = appendString(b, s.EventID)
	if len(b) > maxStateBytes {
		return nil, errors.New("flow: session state too large")
	}
	return b, nil
}

// UnmarshalBinary decodes a state written by MarshalBinary, of this
// version or version 1. Any other input is an error; it never panics.
func (s *State) UnmarshalBinary(data []byte) error {
	if len(data) > maxStateBytes {
		return errBadState
	}
	d := decoder{b: data}
	version := d.byte()
	if version != stateVersion && version != 1 {
		return errBadState
	}
	name := d.name
	if version == 1 {
		name = d.string
	}
	var n State
	n.Phase = Phase(d.byte())
	n.Challenge = challenge.Name(name())
	n.PoolID = d.string()
	n.ClientID = d.string()
	n.Username = d.string()
	n.Admin = d.bool()
	n.Flow = challenge.AuthFlow(name())
	n.Created = d.time()
	n.Expires = d.time()
	n.AuthTime = d.time()
	n.Steps = d.byte()
	n.Wrong = d.byte()
	n.Decoy = d.bool()
	n.Proven = Factor(d.byte())
	n.Key = d.bytes()
	n.Secret = d.bytes()
	n.DeviceKey = d.string()
	n.Proof = d.bytes()
	n.CodeHash = d.bytes()
	n.CodeExpires = d.time()
	if count := d.uvarint(); count > 0 && d.err == nil {
		if count > 64 {
			return errBadState
		}
		n.Extra = make(map[string]string, count)
		for i := uint64(0); i < count && d.err == nil; i++ {
			k := d.string()
			n.Extra[k] = d.string()
		}
	}
	if version >= 2 {
		n.EventID = d.string()
	}
	if d.err != nil || len(d.b) != 0 || n.Phase >= phaseCount {
		return errBadState
	}
	if v, ok := n.Extra[extraWebAuthn]; ok && version == 1 {
		raw, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return errBadState
		}
		n.Extra[extraWebAuthn] = string(raw)
	}
	*s = n
	return nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBytes(b, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return binary.AppendVarint(b, 0)
	}
	return binary.AppendVarint(b, t.UnixNano())
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) byte() byte {
	if d.err != nil || len(d.b) < 1 {
		d.err = errBadState
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) bool() bool {
	switch d.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	d.err = errBadState
	return false
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errBadState
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.err = errBadState
		return nil
	}
	if n == 0 {
		return nil
	}
	v := append([]byte(nil), d.b[:n]...)
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string { return string(d.bytes()) }

func (d *decoder) time() time.Time {
	if d.err != nil {
		return time.Time{}
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errBadState
		return time.Time{}
	}
	d.b = d.b[n:]
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, v).UTC()
}
