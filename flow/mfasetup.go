package flow

import (
	"context"
	"strconv"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/totp"
)

// The session half of AssociateSoftwareToken and VerifySoftwareToken: an
// MFA_SETUP challenge is answered by associating and verifying a TOTP
// secret on its Session, then by RespondToAuthChallenge with the Session
// that VerifySoftwareToken returned. These steps are part of sign-in, so
// the engine serves them; the AccessToken form (a signed-in user adding an
// authenticator) belongs to the user-pool service (package userpool).

// AssociateSoftwareToken, given the Session of an MFA_SETUP challenge,
// makes a TOTP secret for the user and returns it with the Session for
// VerifySoftwareToken. The engine does not serve the AccessToken form
// (InvalidParameterException; package userpool does). Errors:
// InvalidParameterException, NotAuthorizedException,
// SoftwareTokenMFANotFoundException, InternalErrorException.
func (s *Server) AssociateSoftwareToken(ctx context.Context, in *challenge.AssociateSoftwareTokenInput) (*challenge.AssociateSoftwareTokenOutput, error) {
	if err := setupInput(in == nil, in != nil && in.AccessToken != "", in != nil && in.Session != ""); err != nil {
		return nil, err
	}
	secret, err := totp.NewSecret(s.rand)
	if err != nil {
		return nil, errInternal(err)
	}
	h, err := s.associateSetup(ctx, in.Session, secret)
	if err != nil {
		return nil, err
	}
	return &challenge.AssociateSoftwareTokenOutput{SecretCode: secret, Session: h}, nil
}

// VerifySoftwareToken, given the Session of an MFA_SETUP challenge, checks
// a code of the secret AssociateSoftwareToken made (a wrong code counts as
// a wrong answer, and every code as a guess towards the user's lockout
// before it is checked: NotAuthorizedException in a lockout) and returns the Session that completes the challenge
// with RespondToAuthChallenge. The engine does not serve the AccessToken
// form (InvalidParameterException; package userpool does). Errors:
// EnableSoftwareTokenMFAException (wrong code), InvalidParameterException,
// NotAuthorizedException, SoftwareTokenMFANotFoundException,
// InternalErrorException.
func (s *Server) VerifySoftwareToken(ctx context.Context, in *challenge.VerifySoftwareTokenInput) (*challenge.VerifySoftwareTokenOutput, error) {
	if err := setupInput(in == nil, in != nil && in.AccessToken != "", in != nil && in.Session != ""); err != nil {
		return nil, err
	}
	if in.UserCode == "" {
		return nil, errMissing("UserCode")
	}
	if len(in.FriendlyDeviceName) > 256 {
		return nil, errParam("FriendlyDeviceName is too long.")
	}
	h, err := s.verifySetup(ctx, in.Session, in.UserCode, in.FriendlyDeviceName, s.now())
	if err != nil {
		return nil, err
	}
	return &challenge.VerifySoftwareTokenOutput{Status: "SUCCESS", Session: h}, nil
}

// setupInput checks that a software-token request names a Session only.
func setupInput(missing, hasToken, hasSession bool) error {
	switch {
	case missing:
		return errParam("Missing request.")
	case hasToken == hasSession:
		return errParam("Provide either an AccessToken or a Session.")
	case hasToken:
		return errParam("The sign-in engine takes the Session of an MFA_SETUP challenge; an AccessToken needs the user-pool service.")
	}
	return nil
}

// setupSession loads the state of an MFA_SETUP session.
func (s *Server) setupSession(ctx context.Context, handle string) (*State, []byte, *Pool, *AppClient, *User, error) {
	if len(handle) > maxSession {
		return nil, nil, nil, nil, nil, errInvalidSession()
	}
	blob, ok, err := s.sessions.Load(ctx, handle)
	if err != nil {
		return nil, nil, nil, nil, nil, errInternal(err)
	}
	var st State
	if !ok || st.UnmarshalBinary(blob) != nil || st.Challenge != challenge.MFASetup {
		return nil, nil, nil, nil, nil, errInvalidSession()
	}
	if !s.now().Before(st.Expires) {
		return nil, nil, nil, nil, nil, errExpiredSession()
	}
	c, p, err := s.clientAndPool(ctx, st.ClientID, "")
	if err != nil {
		return nil, nil, nil, nil, nil, errInvalidSession()
	}
	u, err := s.dir.User(ctx, p.ID, st.Username)
	if err != nil {
		return nil, nil, nil, nil, nil, errInternal(err)
	}
	if u == nil || !u.Enabled {
		return nil, nil, nil, nil, nil, errInvalidSession()
	}
	return &st, blob, p, c, u, nil
}

// advanceSession spends handle and saves next under a new handle with the
// same expiry rules as a sign-in step.
func (s *Server) advanceSession(ctx context.Context, event string, handle string, next *State, c *AppClient) (string, error) {
	if err := s.take(event, PhaseMFA, next.Phase); err != nil {
		return "", err
	}
	ok, err := s.sessions.Spend(ctx, handle)
	if err != nil {
		return "", errInternal(err)
	}
	if !ok {
		return "", errInvalidSession()
	}
	next.Expires = s.now().Add(c.sessionValidity())
	blob, err := next.MarshalBinary()
	if err != nil {
		return "", errInternal(err)
	}
	h, err := s.sessions.Save(ctx, blob, c.sessionValidity()+expiredGrace)
	if err != nil {
		return "", errInternal(err)
	}
	return h, nil
}

// associateSetup stores a new TOTP secret in an MFA_SETUP session and
// returns the session's next handle.
func (s *Server) associateSetup(ctx context.Context, handle, secret string) (string, error) {
	st, _, p, c, _, err := s.setupSession(ctx, handle)
	if err != nil {
		return "", err
	}
	if !p.TOTPMFAEnabled {
		return "", errNoTOTP()
	}
	next := *st
	next.Extra = map[string]string{extraTOTPPending: secret}
	return s.advanceSession(ctx, evMFASetupAssociated, handle, &next, c)
}

// verifySetup checks a code of the secret an MFA_SETUP session holds and,
// when right, returns the handle that completes the challenge.
func (s *Server) verifySetup(ctx context.Context, handle, code, name string, now time.Time) (string, error) {
	st, prev, p, c, u, err := s.setupSession(ctx, handle)
	if err != nil {
		return "", err
	}
	pending := st.Extra[extraTOTPPending]
	if !p.TOTPMFAEnabled || pending == "" {
		return "", errNoTOTP()
	}
	// The code is a guess like any other: counted against the user's
	// lockout before it is checked, so parallel sessions stop there.
	g, err := s.reserve(ctx, p, u.Username, now)
	if err != nil {
		return "", err
	}
	step, ok, err := totp.DefaultConfig().ValidateOnce(pending, code, now, 0)
	if err != nil {
		_ = g.refund(ctx)
		return "", errInternal(err)
	}
	if ok {
		// Right: the sign-in goes on, so the guess is taken back.
		if err := g.refund(ctx); err != nil {
			return "", err
		}
	}
	if !ok {
		// A wrong code counts against the session like any wrong answer.
		next := *st
		next.Wrong++
		if int(next.Wrong) >= s.limits.MaxWrongAnswers {
			if err := s.take(evFailed, PhaseMFA, PhaseFailed); err != nil {
				return "", err
			}
			s.sessions.Spend(ctx, handle)
		} else if err := s.take(evMFASetupRejected, PhaseMFA, next.Phase); err != nil {
			return "", err
		} else if blob, err := next.MarshalBinary(); err == nil {
			if ok, _ := s.sessions.Swap(ctx, handle, prev, blob); !ok {
				return "", errInvalidSession()
			}
		}
		return "", errTOTPMismatch()
	}
	next := *st
	next.Wrong = 0
	next.Extra = map[string]string{extraTOTPPending: pending, extraTOTPVerified: "1",
		extraTOTPName: name, "totp_step": strconv.FormatUint(step, 10)}
	return s.advanceSession(ctx, evMFASetupVerified, handle, &next, c)
}

func errNoTOTP() error {
	return challenge.New(challenge.ErrSoftwareTokenMFANotFound, "Software Token MFA is not enabled for the user pool.")
}

func errTOTPMismatch() error {
	return challenge.New(challenge.ErrEnableSoftwareTokenMFA, "Code mismatch and fail enable Software Token MFA mfa")
}
