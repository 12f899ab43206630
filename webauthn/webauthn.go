package webauthn

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	gowebauthn "github.com/go-webauthn/webauthn/webauthn"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"

	"github.com/authflow/authflow/challenge"
)

// Input bounds, checked before any parsing.
const (
	// MaxCredentialJSON is the largest credential JSON (RegistrationResponseJSON
	// or AuthenticationResponseJSON) that Finish* accepts, in bytes.
	MaxCredentialJSON = 64 << 10
	// MaxSession is the largest session that Finish* accepts, in bytes. The
	// sessions Begin* returns are a few hundred bytes.
	MaxSession = 8 << 10
	// MaxUserHandle is the largest user handle (PasskeyUser.Handle), in bytes,
	// as WebAuthn §5.4.3 allows.
	MaxUserHandle = 64
)

// Ceremony timeouts.
const (
	// DefaultTimeout is the ceremony timeout used when RelyingParty.Timeout is
	// zero; it is also the "timeout" member (300000 ms) of the options JSON.
	DefaultTimeout = 5 * time.Minute
	// MaxTimeout is the longest RelyingParty.Timeout accepted.
	MaxTimeout = 24 * time.Hour
)

// challengeLength is the size of a generated challenge in bytes.
const challengeLength = 32

// Supported COSE algorithms: the pubKeyCredParams offered at registration.
const (
	AlgES256 = -7   // ECDSA P-256 with SHA-256
	AlgRS256 = -257 // RSASSA-PKCS1-v1_5 with SHA-256
)

// Options configures [New]. The zero value is usable.
type Options struct {
	// Now is the clock for ceremony expiry; nil means time.Now.
	Now func() time.Time
	// Rand is the source of challenges; nil means crypto/rand.Reader. It
	// must be safe for concurrent use if the Ceremonies is shared.
	Rand io.Reader
}

// Ceremonies runs WebAuthn registration and sign-in ceremonies. It holds no
// per-ceremony state (see the package documentation for what the caller must
// store and spend) and is safe for concurrent use.
type Ceremonies struct {
	now  func() time.Time
	rand io.Reader
}

// New returns a Ceremonies using the clock and randomness in opts.
func New(opts Options) *Ceremonies {
	c := &Ceremonies{now: opts.Now, rand: opts.Rand}
	if c.now == nil {
		c.now = time.Now
	}
	if c.rand == nil {
		c.rand = rand.Reader
	}
	return c
}

// Client-safe messages.
const (
	msgInvalidPasskey       = "Invalid passkey."
	msgNoPasskey            = "The user has no passkey."
	msgChallengeNotFound    = "The WebAuthn challenge was not found or has expired."
	msgRPMismatch           = "The passkey is bound to a different relying party."
	msgOriginNotAllowed     = "The origin of the passkey response is not allowed."
	msgFormatNotSupported   = "The passkey's attestation format is not supported."
	msgAlgNotSupported      = "The passkey's public key algorithm is not supported."
	msgCredentialTooLarge   = "The credential is too large."
	msgCredentialMalformed  = "The credential is not a valid WebAuthn response."
	msgCredentialEmpty      = "The credential is required."
	msgAlreadyRegistered    = "The passkey is already registered for this user."
	msgInvalidUser          = "The user cannot use passkeys."
	msgInvalidRelyingParty  = "The passkey relying party configuration is not valid."
	msgInternal             = "An internal error occurred."
	msgUnexpectedCredential = "The credential could not be processed."
)

// ValidateRelyingParty reports whether rp can be used for ceremonies: its ID
// is a valid domain (no scheme, port or IP address), UserVerification is
// "required", "preferred" or empty (meaning "preferred"), every origin is an
// absolute http(s) origin, and Timeout is zero (meaning [DefaultTimeout]) or
// between a millisecond and [MaxTimeout]. An empty Origins
// means "https://" + ID. The error is a *challenge.Error with code
// ErrInvalidUserPoolConfiguration.
func ValidateRelyingParty(rp challenge.RelyingParty) error {
	_, err := config(rp)
	return err
}

// config turns rp into a validated go-webauthn configuration.
func config(rp challenge.RelyingParty) (*gowebauthn.WebAuthn, error) {
	bad := func(cause error) error {
		return challenge.Wrap(challenge.ErrInvalidUserPoolConfiguration, msgInvalidRelyingParty, cause)
	}
	if rp.ID == "" {
		return nil, bad(errors.New("webauthn: empty relying party id"))
	}
	if err := protocol.ValidateRPID(rp.ID); err != nil {
		return nil, bad(fmt.Errorf("webauthn: relying party id: %w", err))
	}
	uv, err := userVerification(rp.UserVerification)
	if err != nil {
		return nil, bad(err)
	}
	if rp.Timeout < 0 {
		return nil, bad(errors.New("webauthn: negative timeout"))
	}
	timeout := timeoutOf(rp)
	if timeout < time.Millisecond || timeout > MaxTimeout {
		return nil, bad(fmt.Errorf("webauthn: timeout %v outside 1ms..%v", timeout, MaxTimeout))
	}
	origins := origins(rp)
	for _, o := range origins {
		fq, err := protocol.FullyQualifiedOrigin(o)
		if err != nil || protocol.IsOpaqueOrigin(o) || (len(fq) < 8 || (fq[:7] != "http://" && fq[:8] != "https://")) {
			return nil, bad(fmt.Errorf("webauthn: origin %q is not an http(s) origin", o))
		}
	}
	name := rp.Name
	if name == "" {
		name = rp.ID
	}
	t := gowebauthn.TimeoutConfig{Timeout: timeout, TimeoutUVD: timeout}
	w, err := gowebauthn.New(&gowebauthn.Config{
		RPID:          rp.ID,
		RPDisplayName: name,
		RPOrigins:     origins,
		// Expiry is enforced by this package against Options.Now; go-webauthn's
		// enforcement reads time.Now and would ignore a manual clock.
		Timeouts:              gowebauthn.TimeoutsConfig{Login: t, Registration: t},
		AttestationPreference: protocol.PreferNoAttestation,
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			RequireResidentKey: protocol.ResidentKeyRequired(),
			ResidentKey:        protocol.ResidentKeyRequirementRequired,
			UserVerification:   uv,
		},
		// Browsers and password managers may return client extension outputs
		// (credProps, …) that were not requested; Amplify passes them through.
		// None is used for any decision, so they are ignored, not refused.
		ExtensionsUnsolicitedOutputPolicy: protocol.UnsolicitedOutputPolicyIgnore,
	})
	if err != nil {
		return nil, bad(err)
	}
	return w, nil
}

// userVerification maps Cognito's UserVerification setting.
func userVerification(s string) (protocol.UserVerificationRequirement, error) {
	switch s {
	case "", "preferred":
		return protocol.VerificationPreferred, nil
	case "required":
		return protocol.VerificationRequired, nil
	}
	return "", fmt.Errorf("webauthn: user verification %q is neither required nor preferred", s)
}

func timeoutOf(rp challenge.RelyingParty) time.Duration {
	if rp.Timeout == 0 {
		return DefaultTimeout
	}
	return rp.Timeout
}

func origins(rp challenge.RelyingParty) []string {
	if len(rp.Origins) == 0 {
		return []string{"https://" + rp.ID}
	}
	return rp.Origins
}

// newChallenge reads a fresh challenge from c.rand.
func (c *Ceremonies) newChallenge() ([]byte, error) {
	b := make([]byte, challengeLength)
	if _, err := io.ReadFull(c.rand, b); err != nil {
		return nil, challenge.Wrap(challenge.ErrInternalError, msgInternal, fmt.Errorf("webauthn: reading challenge: %w", err))
	}
	return b, nil
}

// credParams is the trimmed pubKeyCredParams: ES256 and RS256.
func credParams() []protocol.CredentialParameter {
	return []protocol.CredentialParameter{
		{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgES256},
		{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgRS256},
	}
}

// user adapts a challenge.PasskeyUser to go-webauthn's User.
type user struct {
	u     *challenge.PasskeyUser
	creds []gowebauthn.Credential
}

func newUser(u *challenge.PasskeyUser) *user {
	creds := make([]gowebauthn.Credential, len(u.Credentials))
	for i := range u.Credentials {
		creds[i] = toCredential(&u.Credentials[i])
	}
	return &user{u: u, creds: creds}
}

func (u *user) WebAuthnID() []byte { return u.u.Handle }
func (u *user) WebAuthnName() string {
	return u.u.Name
}
func (u *user) WebAuthnDisplayName() string {
	if u.u.DisplayName == "" {
		return u.u.Name
	}
	return u.u.DisplayName
}
func (u *user) WebAuthnCredentials() []gowebauthn.Credential { return u.creds }

func checkUser(u *challenge.PasskeyUser) error {
	if len(u.Handle) == 0 || len(u.Handle) > MaxUserHandle {
		return challenge.Wrap(challenge.ErrInvalidParameter, msgInvalidUser,
			fmt.Errorf("webauthn: user handle is %d bytes, want 1..%d", len(u.Handle), MaxUserHandle))
	}
	return nil
}

// toCredential converts a stored passkey into go-webauthn's record.
func toCredential(p *challenge.PasskeyCredential) gowebauthn.Credential {
	var transports []protocol.AuthenticatorTransport
	if len(p.Transports) > 0 {
		transports = make([]protocol.AuthenticatorTransport, len(p.Transports))
		for i, t := range p.Transports {
			transports[i] = protocol.AuthenticatorTransport(t)
		}
	}
	return gowebauthn.Credential{
		ID:                p.ID,
		PublicKey:         p.PublicKey,
		AttestationFormat: p.AttestationFormat,
		Transport:         transports,
		Flags: gowebauthn.CredentialFlags{
			UserPresent:    true,
			UserVerified:   p.UserVerified,
			BackupEligible: p.BackupEligible,
			BackupState:    p.BackupState,
		},
		Authenticator: gowebauthn.Authenticator{
			AAGUID:    p.AAGUID,
			SignCount: p.SignCount,
		},
	}
}

// descriptors lists credentials as {type, id, transports?} entries.
func descriptors(creds []gowebauthn.Credential) []protocol.CredentialDescriptor {
	out := make([]protocol.CredentialDescriptor, len(creds))
	for i := range creds {
		out[i] = protocol.CredentialDescriptor{
			Type:         protocol.PublicKeyCredentialType,
			CredentialID: creds[i].ID,
			Transport:    creds[i].Transport,
		}
	}
	return out
}

func marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, challenge.Wrap(challenge.ErrInternalError, msgInternal, fmt.Errorf("webauthn: marshalling options: %w", err))
	}
	return b, nil
}

// guard turns a panic into an error with the given code and message; every
// exported method defers it so that no input can crash the caller.
func guard(err *error, code challenge.Code, msg string) {
	if r := recover(); r != nil {
		*err = challenge.Wrap(code, msg, fmt.Errorf("webauthn: panic: %v", r))
	}
}
