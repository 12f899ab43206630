package webauthn

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
	gowebauthn "github.com/go-webauthn/webauthn/webauthn"

	"github.com/authflow/authflow/challenge"
)

// creationOptionsJSON is the flat PublicKeyCredentialCreationOptionsJSON.
// excludeCredentials shadows the embedded member so that it is always
// present ([] for a user without passkeys).
type creationOptionsJSON struct {
	protocol.PublicKeyCredentialCreationOptions
	ExcludeCredentials []protocol.CredentialDescriptor `json:"excludeCredentials"`
}

// BeginRegistration starts registering a passkey for u with relying party rp
// (StartWebAuthnRegistration). optionsJSON is the flat
// PublicKeyCredentialCreationOptionsJSON to return as CredentialCreationOptions:
//
//	{"rp":{"id","name"},"user":{"id","name","displayName"},"challenge",
//	 "pubKeyCredParams":[{"type":"public-key","alg":-7},{"type":"public-key","alg":-257}],
//	 "timeout":300000,"excludeCredentials":[{"type","id","transports"?}…],
//	 "authenticatorSelection":{"requireResidentKey":true,"residentKey":"required","userVerification"},
//	 "attestation":"none"}
//
// with user.id, challenge and the credential ids in unpadded base64url.
// excludeCredentials lists u's existing passkeys. session must be kept server
// side and handed to FinishRegistration once (see the package documentation).
//
// u.Handle must be 1 to [MaxUserHandle] bytes and u.Name non-empty
// (ErrInvalidParameter; DisplayName defaults to Name); a
// RelyingParty that [ValidateRelyingParty] rejects gives
// ErrInvalidUserPoolConfiguration.
func (c *Ceremonies) BeginRegistration(rp challenge.RelyingParty, u challenge.PasskeyUser) (optionsJSON []byte, session []byte, err error) {
	defer guard(&err, challenge.ErrInternalError, msgInternal)
	optionsJSON, session, err = c.beginRegistration(rp, u)
	if err != nil {
		return nil, nil, err
	}
	return optionsJSON, session, nil
}

func (c *Ceremonies) beginRegistration(rp challenge.RelyingParty, u challenge.PasskeyUser) ([]byte, []byte, error) {
	w, err := config(rp)
	if err != nil {
		return nil, nil, err
	}
	if err := checkUser(&u); err != nil {
		return nil, nil, err
	}
	if u.Name == "" {
		return nil, nil, challenge.Wrap(challenge.ErrInvalidParameter, msgInvalidUser, errors.New("webauthn: empty user name"))
	}
	chal, err := c.newChallenge()
	if err != nil {
		return nil, nil, err
	}
	wu := newUser(&u)
	exclude := descriptors(wu.creds)
	now := c.now()
	creation, sd, err := w.BeginRegistration(wu,
		gowebauthn.WithCredentialParameters(credParams()),
		gowebauthn.WithExclusions(exclude),
		func(o *protocol.PublicKeyCredentialCreationOptions) error {
			o.Challenge = chal
			return nil
		},
	)
	if err != nil {
		return nil, nil, challenge.Wrap(challenge.ErrInternalError, msgInternal, fmt.Errorf("webauthn: begin registration: %w", err))
	}
	out := creationOptionsJSON{PublicKeyCredentialCreationOptions: creation.Response, ExcludeCredentials: exclude}
	optionsJSON, err := marshal(out)
	if err != nil {
		return nil, nil, err
	}
	session, err := encodeSession(kindRegistration, now.Add(timeoutOf(rp)), sd)
	if err != nil {
		return nil, nil, err
	}
	return optionsJSON, session, nil
}

// FinishRegistration verifies credentialJSON, the RegistrationResponseJSON of
// CompleteWebAuthnRegistration, against the session from BeginRegistration,
// and returns the passkey to store. The returned credential carries its id,
// COSE public key, signature counter, AAGUID, transports, attestation format,
// backup and user-verified flags, RelyingPartyID (rp.ID), Created
// (Options.Now), the authenticatorAttachment the client reported
// ("platform" or "cross-platform", else empty) and, as FriendlyName, the
// authenticator's name from clientExtensionResults.credProps
// (authenticatorDisplayName, WebAuthn Level 3; cleaned of control
// characters and cut to MaxFriendlyName characters) or "" for the caller
// to default.
//
// Errors (*challenge.Error): an expired or foreign session gives
// ErrWebAuthnChallengeNotFound; a wrong rpIdHash ErrWebAuthnRelyingPartyMismatch;
// an origin outside rp.Origins ErrWebAuthnOriginNotAllowed; an attestation
// format or algorithm other than ES256/RS256 ErrWebAuthnCredentialNotSupported;
// oversized or malformed JSON, or a credential u already has,
// ErrInvalidParameter; any other failed check (challenge, signature, user
// presence or verification) ErrNotAuthorized.
//
// FinishRegistration is stateless: it does not spend the session, and it
// cannot know whether another user holds the same credential id. The caller
// does both.
func (c *Ceremonies) FinishRegistration(rp challenge.RelyingParty, u challenge.PasskeyUser, session []byte, credentialJSON []byte) (cred *challenge.PasskeyCredential, err error) {
	defer guard(&err, challenge.ErrInvalidParameter, msgUnexpectedCredential)
	return c.finishRegistration(rp, u, session, credentialJSON)
}

func (c *Ceremonies) finishRegistration(rp challenge.RelyingParty, u challenge.PasskeyUser, session []byte, credentialJSON []byte) (*challenge.PasskeyCredential, error) {
	w, sd, err := c.finishPrelude(kindRegistration, rp, &u, session, credentialJSON)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(credentialJSON)
	if err != nil {
		return nil, malformed(err)
	}
	cdata := &parsed.Response.CollectedClientData
	auth := &parsed.Response.AttestationObject.AuthData
	if err := checkOriginAndRP(rp, cdata.Origin, auth.RPIDHash); err != nil {
		return nil, err
	}
	if err := checkSupported(&parsed.Response.AttestationObject); err != nil {
		return nil, err
	}
	wu := newUser(&u)
	for i := range wu.creds {
		if bytes.Equal(wu.creds[i].ID, parsed.RawID) {
			return nil, challenge.Wrap(challenge.ErrInvalidParameter, msgAlreadyRegistered, errors.New("webauthn: credential id already registered for the user"))
		}
	}
	wc, err := w.CreateCredential(wu, sd, parsed)
	if err != nil {
		return nil, notAuthorized(fmt.Errorf("webauthn: registration: %w", err))
	}
	transports := make([]string, 0, len(wc.Transport))
	for _, t := range wc.Transport {
		transports = append(transports, string(t))
	}
	return &challenge.PasskeyCredential{
		ID:                      bytes.Clone(wc.ID),
		PublicKey:               bytes.Clone(wc.PublicKey),
		SignCount:               wc.Authenticator.SignCount,
		AAGUID:                  bytes.Clone(wc.Authenticator.AAGUID),
		Transports:              transports,
		AttestationFormat:       wc.AttestationFormat,
		BackupEligible:          wc.Flags.BackupEligible,
		BackupState:             wc.Flags.BackupState,
		UserVerified:            wc.Flags.UserVerified,
		RelyingPartyID:          rp.ID,
		FriendlyName:            authenticatorDisplayName(credentialJSON),
		AuthenticatorAttachment: string(parsed.AuthenticatorAttachment),
		Created:                 c.now(),
	}, nil
}

// MaxFriendlyName bounds the authenticator name kept from a registration.
const MaxFriendlyName = 64

// authenticatorDisplayName returns clientExtensionResults.credProps.
// authenticatorDisplayName of a registration response, cleaned: control
// and format characters dropped, spaces trimmed, at most MaxFriendlyName
// characters. The response was parsed already, so a decoding error only
// means there is no name.
func authenticatorDisplayName(credentialJSON []byte) string {
	var r struct {
		ClientExtensionResults struct {
			CredProps struct {
				AuthenticatorDisplayName string `json:"authenticatorDisplayName"`
			} `json:"credProps"`
		} `json:"clientExtensionResults"`
	}
	if json.Unmarshal(credentialJSON, &r) != nil {
		return ""
	}
	var b strings.Builder
	n := 0
	for _, c := range r.ClientExtensionResults.CredProps.AuthenticatorDisplayName {
		if c == utf8.RuneError || unicode.IsControl(c) || unicode.Is(unicode.Cf, c) {
			continue
		}
		if n == MaxFriendlyName {
			break
		}
		b.WriteRune(c)
		n++
	}
	return strings.TrimSpace(b.String())
}

// supportedFormats are the attestation statement formats go-webauthn verifies.
var supportedFormats = map[string]bool{
	string(protocol.AttestationFormatNone):                      true,
	string(protocol.AttestationFormatPacked):                    true,
	string(protocol.AttestationFormatTPM):                       true,
	string(protocol.AttestationFormatAndroidKey):                true,
	string(protocol.AttestationFormatAndroidSafetyNet):          true,
	string(protocol.AttestationFormatFIDOUniversalSecondFactor): true,
	string(protocol.AttestationFormatApple):                     true,
	string(protocol.AttestationFormatCompound):                  true,
}

// checkSupported classifies an attestation this package cannot accept:
// an unknown format, or a public key algorithm other than ES256 and RS256.
// go-webauthn rejects both too; this only picks the error code.
func checkSupported(att *protocol.AttestationObject) error {
	if !supportedFormats[att.Format] {
		return challenge.Wrap(challenge.ErrWebAuthnCredentialNotSupported, msgFormatNotSupported,
			fmt.Errorf("webauthn: attestation format %q", truncate(att.Format)))
	}
	var pk webauthncose.PublicKeyData
	if err := webauthncbor.Unmarshal(att.AuthData.AttData.CredentialPublicKey, &pk); err != nil {
		return malformed(fmt.Errorf("webauthn: credential public key: %w", err))
	}
	if pk.Algorithm != AlgES256 && pk.Algorithm != AlgRS256 {
		return challenge.Wrap(challenge.ErrWebAuthnCredentialNotSupported, msgAlgNotSupported,
			fmt.Errorf("webauthn: public key algorithm %d", pk.Algorithm))
	}
	return nil
}

// checkOriginAndRP classifies a response made for another origin or relying
// party. go-webauthn performs the same checks (with the same origin
// matching); doing them first only picks the error code.
func checkOriginAndRP(rp challenge.RelyingParty, origin string, rpIDHash []byte) error {
	if !protocol.IsOriginInHaystack(origin, origins(rp)) {
		return challenge.Wrap(challenge.ErrWebAuthnOriginNotAllowed, msgOriginNotAllowed,
			fmt.Errorf("webauthn: origin %q not allowed", truncate(origin)))
	}
	want := sha256.Sum256([]byte(rp.ID))
	if subtle.ConstantTimeCompare(want[:], rpIDHash) != 1 {
		return challenge.Wrap(challenge.ErrWebAuthnRelyingPartyMismatch, msgRPMismatch,
			errors.New("webauthn: rpIdHash is not the hash of the relying party id"))
	}
	return nil
}

// checkSessionOwner refuses a session begun for another user or relying party.
func checkSessionOwner(sd *gowebauthn.SessionData, rp challenge.RelyingParty, u *challenge.PasskeyUser) error {
	if !bytes.Equal(sd.UserID, u.Handle) {
		return challenge.Wrap(challenge.ErrNotAuthorized, challenge.MsgInvalidSession, errors.New("webauthn: session belongs to another user"))
	}
	if sd.RelyingPartyID != rp.ID {
		return challenge.Wrap(challenge.ErrWebAuthnRelyingPartyMismatch, msgRPMismatch,
			fmt.Errorf("webauthn: session was begun for relying party %q", truncate(sd.RelyingPartyID)))
	}
	return nil
}

func checkCredentialSize(b []byte) error {
	if len(b) == 0 {
		return challenge.New(challenge.ErrInvalidParameter, msgCredentialEmpty)
	}
	if len(b) > MaxCredentialJSON {
		return challenge.Wrap(challenge.ErrInvalidParameter, msgCredentialTooLarge,
			fmt.Errorf("webauthn: credential is %d bytes, over %d", len(b), MaxCredentialJSON))
	}
	return nil
}

func malformed(cause error) error {
	return challenge.Wrap(challenge.ErrInvalidParameter, msgCredentialMalformed, describe(cause))
}

func notAuthorized(cause error) error {
	return challenge.Wrap(challenge.ErrNotAuthorized, msgInvalidPasskey, describe(cause))
}

// describe adds go-webauthn's debug information to a cause (for logs only).
func describe(err error) error {
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.DevInfo != "" {
		return fmt.Errorf("%w (%s: %s)", err, pe.Type, truncate(pe.DevInfo))
	}
	return err
}

// truncate bounds client-supplied text copied into a cause.
func truncate(s string) string {
	const max = 200
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
