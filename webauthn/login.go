package webauthn

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/go-webauthn/webauthn/protocol"
	gowebauthn "github.com/go-webauthn/webauthn/webauthn"

	"github.com/authflow/authflow/challenge"
)

// BeginLogin starts a passkey sign-in for u (the WEB_AUTHN challenge).
// requestOptionsJSON is the flat PublicKeyCredentialRequestOptionsJSON to
// send as CREDENTIAL_REQUEST_OPTIONS:
//
//	{"challenge","timeout":300000,"rpId","allowCredentials":[{"type":"public-key","id","transports"?}…],"userVerification"}
//
// with the challenge and ids in unpadded base64url; allowCredentials lists all
// of u's passkeys. session must be kept server side and handed to FinishLogin
// once (see the package documentation).
//
// A user without passkeys gives ErrInvalidParameter "The user has no
// passkey."; a RelyingParty that [ValidateRelyingParty] rejects gives
// ErrInvalidUserPoolConfiguration.
func (c *Ceremonies) BeginLogin(rp challenge.RelyingParty, u challenge.PasskeyUser) (requestOptionsJSON []byte, session []byte, err error) {
	defer guard(&err, challenge.ErrInternalError, msgInternal)
	requestOptionsJSON, session, err = c.beginLogin(rp, u)
	if err != nil {
		return nil, nil, err
	}
	return requestOptionsJSON, session, nil
}

func (c *Ceremonies) beginLogin(rp challenge.RelyingParty, u challenge.PasskeyUser) ([]byte, []byte, error) {
	w, err := config(rp)
	if err != nil {
		return nil, nil, err
	}
	if err := checkUser(&u); err != nil {
		return nil, nil, err
	}
	if len(u.Credentials) == 0 {
		return nil, nil, challenge.New(challenge.ErrInvalidParameter, msgNoPasskey)
	}
	chal, err := c.newChallenge()
	if err != nil {
		return nil, nil, err
	}
	wu := newUser(&u)
	now := c.now()
	assertion, sd, err := w.BeginLogin(wu,
		gowebauthn.WithChallenge(chal),
		gowebauthn.WithAllowedCredentials(descriptors(wu.creds)),
	)
	if err != nil {
		return nil, nil, challenge.Wrap(challenge.ErrInternalError, msgInternal, fmt.Errorf("webauthn: begin login: %w", err))
	}
	optionsJSON, err := marshal(assertion.Response)
	if err != nil {
		return nil, nil, err
	}
	// The allow-list is not kept: FinishLogin looks the credential up among
	// the user's passkeys as they are then (a passkey deleted in between is
	// refused), and up to 20 ids of up to 1023 bytes would not fit MaxSession.
	sd.AllowedCredentialIDs = nil
	session, err := encodeSession(kindLogin, now.Add(timeoutOf(rp)), sd)
	if err != nil {
		return nil, nil, err
	}
	return optionsJSON, session, nil
}

// FinishLogin verifies credentialJSON, the AuthenticationResponseJSON of the
// CREDENTIAL challenge response (Amplify's shape; unknown members are
// ignored), against the session from BeginLogin and u's passkeys. It returns
// the id of the passkey used and its new signature counter, which the caller
// must persist on that passkey.
//
// Errors (*challenge.Error): an expired or foreign session gives
// ErrWebAuthnChallengeNotFound; a wrong rpIdHash ErrWebAuthnRelyingPartyMismatch;
// an origin outside rp.Origins ErrWebAuthnOriginNotAllowed; oversized or
// malformed JSON ErrInvalidParameter; anything else, including a challenge
// from another session (a replay), an unknown passkey, a bad signature,
// missing user verification when rp requires it, and a signature counter
// that did not advance past the stored one (unless both are 0: a cloned
// authenticator), ErrNotAuthorized "Invalid passkey.".
//
// FinishLogin is stateless: the same credential against the same session
// verifies again. The caller must spend the session on first use.
func (c *Ceremonies) FinishLogin(rp challenge.RelyingParty, u challenge.PasskeyUser, session []byte, credentialJSON []byte) (credentialID []byte, signCount uint32, err error) {
	defer guard(&err, challenge.ErrInvalidParameter, msgUnexpectedCredential)
	cred, err := c.finishLogin(rp, u, session, credentialJSON)
	if err != nil {
		return nil, 0, err
	}
	return cred.ID, cred.SignCount, nil
}

// FinishLoginCredential is FinishLogin returning the whole updated record: a
// copy of the matching passkey of u with its SignCount, BackupState and
// UserVerified (which only ever becomes true at registration and stays so)
// brought up to date. Persisting it keeps the backup state current as well as
// the counter.
func (c *Ceremonies) FinishLoginCredential(rp challenge.RelyingParty, u challenge.PasskeyUser, session []byte, credentialJSON []byte) (cred *challenge.PasskeyCredential, err error) {
	defer guard(&err, challenge.ErrInvalidParameter, msgUnexpectedCredential)
	cred, err = c.finishLogin(rp, u, session, credentialJSON)
	if err != nil {
		return nil, err
	}
	return cred, nil
}

func (c *Ceremonies) finishLogin(rp challenge.RelyingParty, u challenge.PasskeyUser, session []byte, credentialJSON []byte) (*challenge.PasskeyCredential, error) {
	w, sd, err := c.finishPrelude(kindLogin, rp, &u, session, credentialJSON)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(credentialJSON)
	if err != nil {
		return nil, malformed(err)
	}
	if err := checkOriginAndRP(rp, parsed.Response.CollectedClientData.Origin, parsed.Response.AuthenticatorData.RPIDHash); err != nil {
		return nil, err
	}
	i := slices.IndexFunc(u.Credentials, func(p challenge.PasskeyCredential) bool { return bytes.Equal(p.ID, parsed.RawID) })
	if i < 0 {
		return nil, notAuthorized(errors.New("webauthn: the credential is not one of the user's passkeys"))
	}
	wc, err := w.ValidateLogin(newUser(&u), sd, parsed)
	if err != nil {
		return nil, notAuthorized(fmt.Errorf("webauthn: login: %w", err))
	}
	if wc.Authenticator.CloneWarning {
		return nil, notAuthorized(fmt.Errorf("webauthn: signature counter %d did not advance past %d (possible cloned authenticator)",
			parsed.Response.AuthenticatorData.Counter, u.Credentials[i].SignCount))
	}
	out := u.Credentials[i]
	out.ID = bytes.Clone(out.ID)
	out.PublicKey = bytes.Clone(out.PublicKey)
	out.AAGUID = bytes.Clone(out.AAGUID)
	out.Transports = slices.Clone(out.Transports)
	out.SignCount = wc.Authenticator.SignCount
	out.BackupState = wc.Flags.BackupState
	out.UserVerified = wc.Flags.UserVerified
	return &out, nil
}
