// Package webauthn runs the passkey (WebAuthn) ceremonies behind Cognito's
// StartWebAuthnRegistration / CompleteWebAuthnRegistration and the WEB_AUTHN
// sign-in challenge, on top of github.com/go-webauthn/webauthn. It keeps that
// dependency out of the engine (package flow): the two share only the
// vocabulary of package challenge ([challenge.RelyingParty],
// [challenge.PasskeyUser], [challenge.PasskeyCredential]) and plain bytes.
//
// A ceremony has two halves. Begin* returns the options JSON that goes to the
// client and an opaque session that the caller keeps server side; Finish*
// takes that session back together with the client's credential JSON:
//
//   - [Ceremonies.BeginRegistration] returns the flat
//     PublicKeyCredentialCreationOptionsJSON of StartWebAuthnRegistration's
//     CredentialCreationOptions; [Ceremonies.FinishRegistration] verifies the
//     RegistrationResponseJSON of CompleteWebAuthnRegistration's Credential
//     and returns the new [challenge.PasskeyCredential] to store.
//   - [Ceremonies.BeginLogin] returns the flat
//     PublicKeyCredentialRequestOptionsJSON of the CREDENTIAL_REQUEST_OPTIONS
//     challenge parameter; [Ceremonies.FinishLogin] verifies the
//     AuthenticationResponseJSON of the CREDENTIAL challenge response and
//     returns the credential used and its new signature counter.
//
// # What the caller must do
//
// The package keeps no state. go-webauthn accepts a credential replayed
// against the same session, so the caller must:
//
//   - store the session bytes server side only (they carry the challenge, the
//     user handle and the expiry, and are not authenticated: a client that
//     could supply them could forge them), and never put them in a
//     client-visible token;
//   - spend the session on first use: delete it before (or atomically with)
//     calling Finish*, whatever the outcome, so that a second Finish* with the
//     same bytes cannot happen;
//   - after a successful [Ceremonies.FinishLogin], persist the returned
//     signature counter on the credential (or the whole record returned by
//     [Ceremonies.FinishLoginCredential]); the next sign-in compares against
//     it and refuses a counter that did not advance (a cloned authenticator);
//   - after a successful [Ceremonies.FinishRegistration], check that no other
//     user already holds the credential id before storing it.
//
// # Time and randomness
//
// Options.Now is the only clock: the ceremony expiry (RelyingParty.Timeout,
// default five minutes) is recorded in the session at Begin* and checked at
// Finish* against Options.Now. go-webauthn's own expiry (which reads
// time.Now) is not used, so a manual clock works. Challenges are 32 bytes from
// Options.Rand (crypto/rand by default).
//
// # Errors
//
// Every error is a *[challenge.Error] whose message is safe to show a client:
//
//   - ErrWebAuthnChallengeNotFound: the session expired, is not a session of
//     this ceremony, or cannot be decoded;
//   - ErrWebAuthnRelyingPartyMismatch: the authenticator data is bound to
//     another relying party id (its rpIdHash is not SHA-256 of RelyingParty.ID),
//     or RelyingParty.ID changed between Begin* and Finish*;
//   - ErrWebAuthnOriginNotAllowed: the client data origin is not one of
//     RelyingParty.Origins;
//   - ErrWebAuthnCredentialNotSupported: registration with an attestation
//     format or public-key algorithm (only ES256 -7 and RS256 -257) that is
//     not supported;
//   - ErrInvalidParameter: credential JSON that is empty, too large or cannot
//     be parsed, a registration of a passkey the user already has, a user
//     handle that is empty or over [MaxUserHandle] bytes, or a user with no
//     passkey at BeginLogin;
//   - ErrInvalidUserPoolConfiguration: a RelyingParty that cannot be used
//     (see [ValidateRelyingParty]);
//   - ErrNotAuthorized ("Invalid passkey."): every other verification failure,
//     including a challenge that does not match (a replay against a new
//     session), a bad signature, missing user presence or verification, an
//     unknown credential and a signature counter that did not advance; and,
//     with challenge.MsgInvalidSession, a session begun for another user;
//   - ErrInternalError: Options.Rand failed (Begin* only).
//
// Inputs are bounded before any work: credential JSON at [MaxCredentialJSON]
// bytes, sessions at [MaxSession] bytes. No input makes a method panic: the
// exported methods also turn an unexpected panic in a dependency into an
// error. All methods are safe for concurrent use.
package webauthn
