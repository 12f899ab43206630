package flow

import (
	"context"
	"encoding/base64"
	"slices"
	"time"

	"github.com/authflow/authflow/challenge"
)

func errWebAuthnOff() error {
	return challenge.New(challenge.ErrWebAuthnNotEnabled, "Passkeys are not enabled for this user pool.")
}

// passkeyPool checks that passkeys are on for the pool.
func (s *Server) passkeyPool(p *Pool) error {
	if s.passkeys == nil || p.WebAuthnRelyingPartyID == "" || !slices.Contains(p.AllowedFirstAuthFactors, "WEB_AUTHN") {
		return errWebAuthnOff()
	}
	return nil
}

// StartWebAuthnRegistration returns the credential creation options for a
// new passkey of the signed-in user. Errors: WebAuthnNotEnabledException,
// NotAuthorizedException, LimitExceededException, InternalErrorException.
func (s *Server) StartWebAuthnRegistration(ctx context.Context, in *challenge.StartWebAuthnRegistrationInput) (*challenge.StartWebAuthnRegistrationOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, claims, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.passkeyPool(p); err != nil {
		return nil, err
	}
	if len(u.Passkeys) >= 20 {
		return nil, challenge.New(challenge.ErrLimitExceeded, "The user has the most passkeys allowed.")
	}
	opts, session, err := s.passkeys.BeginRegistration(relyingParty(p, s.origins), passkeyUser(u))
	if err != nil {
		return nil, err
	}
	now := s.now()
	u.PendingPasskey = &PendingCeremony{Session: session, ClientID: claims.ClientID, Expires: now.Add(5 * time.Minute)}
	if err := s.update(ctx, u, now); err != nil {
		return nil, err
	}
	return &challenge.StartWebAuthnRegistrationOutput{CredentialCreationOptions: opts}, nil
}

// CompleteWebAuthnRegistration verifies the authenticator's answer and
// stores the passkey. The pending ceremony is spent, right or wrong.
// Errors: WebAuthnChallengeNotFoundException, WebAuthnClientMismatchException,
// WebAuthnRelyingPartyMismatchException, WebAuthnOriginNotAllowedException,
// WebAuthnCredentialNotSupportedException, WebAuthnNotEnabledException,
// InvalidParameterException, NotAuthorizedException, LimitExceededException.
func (s *Server) CompleteWebAuthnRegistration(ctx context.Context, in *challenge.CompleteWebAuthnRegistrationInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if len(in.Credential) == 0 {
		return nil, errMissing("Credential")
	}
	p, u, claims, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.passkeyPool(p); err != nil {
		return nil, err
	}
	now := s.now()
	pending := u.PendingPasskey
	if pending == nil || !now.Before(pending.Expires) {
		return nil, challenge.New(challenge.ErrWebAuthnChallengeNotFound, "The passkey registration has expired or was not started.")
	}
	if pending.ClientID != claims.ClientID {
		return nil, challenge.New(challenge.ErrWebAuthnClientMismatch, "The registration was started by another app client.")
	}
	u.PendingPasskey = nil
	cred, verr := s.passkeys.FinishRegistration(relyingParty(p, s.origins), passkeyUser(u), pending.Session, in.Credential)
	if verr == nil {
		if slices.ContainsFunc(u.Passkeys, func(c challenge.PasskeyCredential) bool { return string(c.ID) == string(cred.ID) }) {
			verr = challenge.New(challenge.ErrInvalidParameter, "The passkey is already registered.")
		} else {
			cred.Created = now
			if cred.FriendlyName == "" {
				cred.FriendlyName = defaultPasskeyName(p)
			}
			u.Passkeys = append(u.Passkeys, *cred)
		}
	}
	if err := s.update(ctx, u, now); err != nil {
		return nil, err
	}
	if verr != nil {
		return nil, verr
	}
	return &challenge.Empty{}, nil
}

// ListWebAuthnCredentials lists the signed-in user's passkeys.
func (s *Server) ListWebAuthnCredentials(ctx context.Context, in *challenge.ListWebAuthnCredentialsInput) (*challenge.ListWebAuthnCredentialsOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, _, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	out := &challenge.ListWebAuthnCredentialsOutput{Credentials: []challenge.WebAuthnCredentialDescription{}}
	for _, c := range u.Passkeys {
		name := c.FriendlyName
		if name == "" {
			// Passkeys registered before names were kept.
			name = defaultPasskeyName(p)
		}
		out.Credentials = append(out.Credentials, challenge.WebAuthnCredentialDescription{
			CredentialId: base64.RawURLEncoding.EncodeToString(c.ID), FriendlyCredentialName: name,
			RelyingPartyId: c.RelyingPartyID, AuthenticatorAttachment: c.AuthenticatorAttachment,
			AuthenticatorTransports: c.Transports, CreatedAt: challenge.At(c.Created)})
	}
	return out, nil
}

// DeleteWebAuthnCredential removes one of the signed-in user's passkeys.
func (s *Server) DeleteWebAuthnCredential(ctx context.Context, in *challenge.DeleteWebAuthnCredentialInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	_, u, _, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	id, err := base64.RawURLEncoding.DecodeString(in.CredentialId)
	n := len(u.Passkeys)
	if err == nil {
		u.Passkeys = slices.DeleteFunc(u.Passkeys, func(c challenge.PasskeyCredential) bool { return string(c.ID) == string(id) })
	}
	if len(u.Passkeys) == n {
		return nil, challenge.New(challenge.ErrResourceNotFound, "The credential does not exist.")
	}
	if err := s.update(ctx, u, s.now()); err != nil {
		return nil, err
	}
	return &challenge.Empty{}, nil
}

// GetUserAuthFactors reports the signed-in user's MFA settings and the
// first factors they can sign in with.
func (s *Server) GetUserAuthFactors(ctx context.Context, in *challenge.AccessTokenInput) (*challenge.GetUserAuthFactorsOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	_, u, _, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	pref, list := mfaSettings(u)
	out := &challenge.GetUserAuthFactorsOutput{Username: u.Username, PreferredMfaSetting: pref, UserMFASettingList: list}
	if u.HasPassword() {
		out.ConfiguredUserAuthFactors = append(out.ConfiguredUserAuthFactors, "PASSWORD")
	}
	if u.Attributes["email_verified"] == "true" {
		out.ConfiguredUserAuthFactors = append(out.ConfiguredUserAuthFactors, "EMAIL_OTP")
	}
	if u.Attributes["phone_number_verified"] == "true" {
		out.ConfiguredUserAuthFactors = append(out.ConfiguredUserAuthFactors, "SMS_OTP")
	}
	if len(u.Passkeys) > 0 {
		out.ConfiguredUserAuthFactors = append(out.ConfiguredUserAuthFactors, "WEB_AUTHN")
	}
	return out, nil
}

// signUpSession saves a session naming a user who just signed up
// (confirmed false) or confirmed (true).
func (s *Server) signUpSession(ctx context.Context, c *AppClient, u *User, confirmed bool) (string, error) {
	now := s.now()
	st := State{Phase: PhaseStart, PoolID: u.PoolID, ClientID: c.ID, Username: u.Username, Created: now,
		Expires: now.Add(c.sessionValidity()), Extra: map[string]string{extraSignedUp: "pending"}}
	event := evSignedUp
	if confirmed {
		st.Extra[extraSignedUp], event = "confirmed", evSignUpConfirmed
	}
	if err := s.take(event, PhaseStart, st.Phase); err != nil {
		return "", err
	}
	blob, err := st.MarshalBinary()
	if err != nil {
		return "", errInternal(err)
	}
	h, err := s.sessions.Save(ctx, blob, c.sessionValidity())
	if err != nil {
		return "", errInternal(err)
	}
	return h, nil
}

// spendSignUpSession checks and spends a sign-up session; want is
// "pending" (ConfirmSignUp) or "confirmed" (InitiateAuth).
func (s *Server) checkSignUpSession(ctx context.Context, handle, want string, c *AppClient, u *User) error {
	if len(handle) > maxSession {
		return errInvalidSession()
	}
	blob, ok, err := s.sessions.Load(ctx, handle)
	if err != nil {
		return errInternal(err)
	}
	var st State
	if !ok || st.UnmarshalBinary(blob) != nil || st.Extra[extraSignedUp] != want || st.ClientID != c.ID || st.Username != u.Username {
		return errInvalidSession()
	}
	if !s.now().Before(st.Expires) {
		return errExpiredSession()
	}
	if ok, err := s.sessions.Spend(ctx, handle); err != nil {
		return errInternal(err)
	} else if !ok {
		return errInvalidSession()
	}
	return nil
}

func (s *Server) spendSignUpSession(ctx context.Context, handle string, c *AppClient, u *User) error {
	return s.checkSignUpSession(ctx, handle, "confirmed", c, u)
}

// defaultPasskeyName names a passkey whose authenticator gave no name
// (FriendlyCredentialName is required in ListWebAuthnCredentials): the
// relying party's name, that is the pool's name, else its relying party id.
func defaultPasskeyName(p *Pool) string {
	if p.Name != "" {
		return p.Name
	}
	return p.WebAuthnRelyingPartyID
}
