package webauthn

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	gowebauthn "github.com/go-webauthn/webauthn/webauthn"

	"github.com/authflow/authflow/challenge"
)

// The session bytes are
//
//	"afwa" | version (1) | kind (1 byte) | expiry (int64 Unix nanoseconds, big endian) | msgp SessionData
//
// The expiry lives outside SessionData (whose Expires stays zero) because it is
// checked against Options.Now, not by go-webauthn against time.Now.
const (
	sessionMagic   = "afwa"
	sessionVersion = 1
	sessionHeader  = len(sessionMagic) + 1 + 1 + 8
)

// kind tells a registration session from a sign-in session.
type kind byte

const (
	kindRegistration kind = 'R'
	kindLogin        kind = 'L'
)

func (k kind) String() string {
	switch k {
	case kindRegistration:
		return "registration"
	case kindLogin:
		return "sign-in"
	}
	return fmt.Sprintf("kind(%#x)", byte(k))
}

// encodeSession serialises sd with its kind and expiry.
func encodeSession(k kind, expires time.Time, sd *gowebauthn.SessionData) ([]byte, error) {
	sd.Expires = time.Time{}
	b := make([]byte, sessionHeader, sessionHeader+256)
	copy(b, sessionMagic)
	b[4] = sessionVersion
	b[5] = byte(k)
	binary.BigEndian.PutUint64(b[6:], uint64(expires.UnixNano()))
	b, err := sd.MarshalMsg(b)
	if err != nil {
		return nil, challenge.Wrap(challenge.ErrInternalError, msgInternal, fmt.Errorf("webauthn: encoding session: %w", err))
	}
	if len(b) > MaxSession {
		return nil, challenge.Wrap(challenge.ErrInternalError, msgInternal,
			fmt.Errorf("webauthn: session is %d bytes, over %d", len(b), MaxSession))
	}
	return b, nil
}

// errSessionFormat is the cause for session bytes this package did not write.
var errSessionFormat = errors.New("webauthn: session is not in this package's format")

// decodeSession checks the session's size, format, kind and expiry and
// returns its SessionData. Any failure is ErrWebAuthnChallengeNotFound.
func (c *Ceremonies) decodeSession(want kind, b []byte) (gowebauthn.SessionData, error) {
	var sd gowebauthn.SessionData
	notFound := func(cause error) (gowebauthn.SessionData, error) {
		return gowebauthn.SessionData{}, challenge.Wrap(challenge.ErrWebAuthnChallengeNotFound, msgChallengeNotFound, cause)
	}
	if len(b) > MaxSession {
		return notFound(fmt.Errorf("webauthn: session is %d bytes, over %d", len(b), MaxSession))
	}
	if len(b) < sessionHeader || string(b[:4]) != sessionMagic || b[4] != sessionVersion {
		return notFound(errSessionFormat)
	}
	if got := kind(b[5]); got != want {
		return notFound(fmt.Errorf("webauthn: a %v session was given to a %v ceremony", got, want))
	}
	expires := time.Unix(0, int64(binary.BigEndian.Uint64(b[6:])))
	if now := c.now(); now.After(expires) {
		return notFound(fmt.Errorf("webauthn: ceremony expired at %s (now %s)", expires.UTC().Format(time.RFC3339Nano), now.UTC().Format(time.RFC3339Nano)))
	}
	rest, err := sd.UnmarshalMsg(b[sessionHeader:])
	if err != nil {
		return notFound(fmt.Errorf("webauthn: decoding session: %w", err))
	}
	if len(rest) != 0 {
		return notFound(fmt.Errorf("webauthn: %d trailing bytes after session", len(rest)))
	}
	if sd.Challenge == "" || !sd.Expires.IsZero() {
		return notFound(errSessionFormat)
	}
	return sd, nil
}

// finishPrelude is what both finishing ceremonies check first: the relying
// party, the user, the credential's size, and a session of the right kind
// that was begun for this user and relying party.
func (c *Ceremonies) finishPrelude(k kind, rp challenge.RelyingParty, u *challenge.PasskeyUser, session, credentialJSON []byte) (*gowebauthn.WebAuthn, gowebauthn.SessionData, error) {
	w, err := config(rp)
	if err != nil {
		return nil, gowebauthn.SessionData{}, err
	}
	if err := checkUser(u); err != nil {
		return nil, gowebauthn.SessionData{}, err
	}
	if err := checkCredentialSize(credentialJSON); err != nil {
		return nil, gowebauthn.SessionData{}, err
	}
	sd, err := c.decodeSession(k, session)
	if err != nil {
		return nil, gowebauthn.SessionData{}, err
	}
	if err := checkSessionOwner(&sd, rp, u); err != nil {
		return nil, gowebauthn.SessionData{}, err
	}
	return w, sd, nil
}
