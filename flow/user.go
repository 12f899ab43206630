package flow

import (
	"errors"
	"time"

	"github.com/authflow/authflow/challenge"
)

// ErrConflict is returned by Directory.Apply when a change does not apply:
// a username that exists on create, a version that moved on update or
// delete, or a user that is gone.
var ErrConflict = errors.New("flow: directory conflict")

// UserStatus is Cognito's UserStatus.
type UserStatus string

// The user statuses the engine gives users.
const (
	StatusUnconfirmed         UserStatus = "UNCONFIRMED"
	StatusConfirmed           UserStatus = "CONFIRMED"
	StatusResetRequired       UserStatus = "RESET_REQUIRED"
	StatusForceChangePassword UserStatus = "FORCE_CHANGE_PASSWORD"
	StatusExternalProvider    UserStatus = "EXTERNAL_PROVIDER"
)

// User is one user of a pool. The password is never stored: only the SRP
// salt and verifier, from which a plain password is checked by recomputing
// the verifier.
type User struct {
	PoolID   string
	Username string // canonical username (USER_ID_FOR_SRP)
	Sub      string // immutable id (a UUID)
	Status   UserStatus
	Enabled  bool
	Version  uint64

	Attributes map[string]string // excluding "sub"
	Groups     []string

	// SRP password verifier: Salt in canonical padHex form, Verifier = padHex(g^x).
	Salt     []byte
	Verifier []byte
	// TemporaryPasswordExpires is set while Status is FORCE_CHANGE_PASSWORD.
	TemporaryPasswordExpires time.Time
	// PasswordHistory keeps the verifiers of earlier passwords (newest first)
	// for PasswordHistorySize; each entry is salt and verifier.
	PasswordHistory []PasswordRecord

	// Lockout: consecutive failed sign-ins and when the current lockout ends.
	FailedAttempts int
	LockedUntil    time.Time

	// Pending one-time codes (confirmation, password reset), hashed.
	Codes map[string]PendingCode

	// MFA settings (used by the MFA issue).
	MFA MFASettings

	// Devices remembered for this user (used by the device issue).
	Devices []Device

	// Passkeys registered with WebAuthn, and a registration under way.
	Passkeys       []challenge.PasskeyCredential
	PendingPasskey *PendingCeremony

	// AuthEvents are the newest sign-in events, oldest first (pools with
	// threat protection; see EventRecorder).
	AuthEvents []AuthEvent `json:",omitempty"`

	Created      time.Time
	LastModified time.Time
}

// PendingCeremony is a WebAuthn registration started and not yet
// completed: its opaque session data, the app client that started it, and
// when it expires. It is spent by the completion, right or wrong.
type PendingCeremony struct {
	Session  []byte
	ClientID string
	Expires  time.Time
}

// PasswordRecord is one remembered password verifier.
type PasswordRecord struct {
	Salt     []byte
	Verifier []byte
}

// PendingCode is a one-time code waiting to be confirmed. Only its
// HMAC is kept.
type PendingCode struct {
	Hash     []byte
	Expires  time.Time
	Attempts int
}

// MFASettings are a user's MFA factors and preference.
type MFASettings struct {
	SMSEnabled       bool
	TOTPEnabled      bool
	EmailEnabled     bool
	Preferred        string // "SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP" or ""
	TOTPSecret       string // base32; set once verified
	TOTPPending      string // associated, not yet verified
	TOTPFriendlyName string
	TOTPLastStep     uint64
}

// Device is a device the user confirmed with ConfirmDevice.
type Device struct {
	Key               string
	GroupKey          string
	Name              string
	Salt              []byte
	Verifier          []byte
	Remembered        bool
	Attributes        map[string]string
	Created           time.Time
	LastModified      time.Time
	LastAuthenticated time.Time
}

// HasPassword reports whether the user has a password verifier.
func (u *User) HasPassword() bool { return len(u.Verifier) > 0 }

// Clone returns a deep copy, so stores and the engine never share memory.
func (u *User) Clone() *User {
	if u == nil {
		return nil
	}
	c := *u
	c.Attributes = cloneMap(u.Attributes)
	c.Groups = append([]string(nil), u.Groups...)
	c.Salt = append([]byte(nil), u.Salt...)
	c.Verifier = append([]byte(nil), u.Verifier...)
	c.PasswordHistory = nil
	for _, r := range u.PasswordHistory {
		c.PasswordHistory = append(c.PasswordHistory, PasswordRecord{
			Salt: append([]byte(nil), r.Salt...), Verifier: append([]byte(nil), r.Verifier...)})
	}
	if u.Codes != nil {
		c.Codes = make(map[string]PendingCode, len(u.Codes))
		for k, v := range u.Codes {
			v.Hash = append([]byte(nil), v.Hash...)
			c.Codes[k] = v
		}
	}
	c.Passkeys = nil
	for _, p := range u.Passkeys {
		p.ID = append([]byte(nil), p.ID...)
		p.PublicKey = append([]byte(nil), p.PublicKey...)
		p.AAGUID = append([]byte(nil), p.AAGUID...)
		p.Transports = append([]string(nil), p.Transports...)
		c.Passkeys = append(c.Passkeys, p)
	}
	if u.PendingPasskey != nil {
		pp := *u.PendingPasskey
		pp.Session = append([]byte(nil), pp.Session...)
		c.PendingPasskey = &pp
	}
	c.AuthEvents = nil
	for _, e := range u.AuthEvents {
		e.Challenges = append([]challenge.ChallengeResponseType(nil), e.Challenges...)
		if e.Feedback != nil {
			f := *e.Feedback
			e.Feedback = &f
		}
		c.AuthEvents = append(c.AuthEvents, e)
	}
	c.Devices = nil
	for _, d := range u.Devices {
		d.Salt = append([]byte(nil), d.Salt...)
		d.Verifier = append([]byte(nil), d.Verifier...)
		d.Attributes = cloneMap(d.Attributes)
		c.Devices = append(c.Devices, d)
	}
	return &c
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
