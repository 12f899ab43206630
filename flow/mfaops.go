package flow

import (
	"context"
	"strconv"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/totp"
)

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

func errNoTOTP() error {
	return challenge.New(challenge.ErrSoftwareTokenMFANotFound, "Software Token MFA is not enabled for the user pool.")
}

// AssociateSoftwareToken starts TOTP setup: with an AccessToken for a
// signed-in user, or with the Session of an MFA_SETUP challenge (then it
// returns a new Session for VerifySoftwareToken). Errors:
// InvalidParameterException, NotAuthorizedException,
// SoftwareTokenMFANotFoundException, ResourceNotFoundException,
// ConcurrentModificationException, InternalErrorException.
func (s *Server) AssociateSoftwareToken(ctx context.Context, in *challenge.AssociateSoftwareTokenInput) (*challenge.AssociateSoftwareTokenOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if (in.AccessToken == "") == (in.Session == "") {
		return nil, errParam("Provide either an AccessToken or a Session.")
	}
	secret, err := totp.NewSecret(s.rand)
	if err != nil {
		return nil, errInternal(err)
	}
	if in.Session != "" {
		st, _, p, c, _, err := s.setupSession(ctx, in.Session)
		if err != nil {
			return nil, err
		}
		if !p.TOTPMFAEnabled {
			return nil, errNoTOTP()
		}
		next := *st
		next.Extra = map[string]string{extraTOTPPending: secret}
		h, err := s.advanceSession(ctx, evMFASetupAssociated, in.Session, &next, c)
		if err != nil {
			return nil, err
		}
		return &challenge.AssociateSoftwareTokenOutput{SecretCode: secret, Session: h}, nil
	}
	p, u, _, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if !p.TOTPMFAEnabled {
		return nil, errNoTOTP()
	}
	u.MFA.TOTPPending = secret
	if err := s.update(ctx, u, s.now()); err != nil {
		if challenge.CodeOf(err) == challenge.ErrTooManyRequests {
			return nil, challenge.Wrap(challenge.ErrConcurrentModification, "The user was changed concurrently; try again.", err)
		}
		return nil, err
	}
	return &challenge.AssociateSoftwareTokenOutput{SecretCode: secret}, nil
}

func errTOTPMismatch() error {
	return challenge.New(challenge.ErrEnableSoftwareTokenMFA, "Code mismatch and fail enable Software Token MFA mfa")
}

// VerifySoftwareToken checks a code of the associated secret and makes it
// the user's TOTP factor (AccessToken), or marks the MFA_SETUP session
// verified and returns the Session that completes it. A code is valid in
// a one-step window. Errors: EnableSoftwareTokenMFAException (wrong code),
// CodeMismatchException, InvalidParameterException, NotAuthorizedException,
// SoftwareTokenMFANotFoundException, InternalErrorException.
func (s *Server) VerifySoftwareToken(ctx context.Context, in *challenge.VerifySoftwareTokenInput) (*challenge.VerifySoftwareTokenOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if (in.AccessToken == "") == (in.Session == "") {
		return nil, errParam("Provide either an AccessToken or a Session.")
	}
	if in.UserCode == "" {
		return nil, errMissing("UserCode")
	}
	if len(in.FriendlyDeviceName) > 256 {
		return nil, errParam("FriendlyDeviceName is too long.")
	}
	now := s.now()
	if in.Session != "" {
		st, prev, p, c, _, err := s.setupSession(ctx, in.Session)
		if err != nil {
			return nil, err
		}
		pending := st.Extra[extraTOTPPending]
		if !p.TOTPMFAEnabled || pending == "" {
			return nil, errNoTOTP()
		}
		step, ok, err := totp.DefaultConfig().ValidateOnce(pending, in.UserCode, now, 0)
		if err != nil {
			return nil, errInternal(err)
		}
		if !ok {
			// A wrong code counts against the session like any wrong answer.
			next := *st
			next.Wrong++
			if int(next.Wrong) >= s.limits.MaxWrongAnswers {
				if err := s.take(evFailed, PhaseMFA, PhaseFailed); err != nil {
					return nil, err
				}
				s.sessions.Spend(ctx, in.Session)
			} else if err := s.take(evMFASetupRejected, PhaseMFA, next.Phase); err != nil {
				return nil, err
			} else if blob, err := next.MarshalBinary(); err == nil {
				if ok, _ := s.sessions.Swap(ctx, in.Session, prev, blob); !ok {
					return nil, errInvalidSession()
				}
			}
			return nil, errTOTPMismatch()
		}
		next := *st
		next.Wrong = 0
		next.Extra = map[string]string{extraTOTPPending: pending, extraTOTPVerified: "1",
			extraTOTPName: in.FriendlyDeviceName, "totp_step": strconv.FormatUint(step, 10)}
		h, err := s.advanceSession(ctx, evMFASetupVerified, in.Session, &next, c)
		if err != nil {
			return nil, err
		}
		return &challenge.VerifySoftwareTokenOutput{Status: "SUCCESS", Session: h}, nil
	}
	p, u, _, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if !p.TOTPMFAEnabled || u.MFA.TOTPPending == "" {
		return nil, errNoTOTP()
	}
	step, ok, err := totp.DefaultConfig().ValidateOnce(u.MFA.TOTPPending, in.UserCode, now, 0)
	if err != nil {
		return nil, errInternal(err)
	}
	if !ok {
		return nil, errTOTPMismatch()
	}
	u.MFA.TOTPSecret, u.MFA.TOTPPending, u.MFA.TOTPEnabled = u.MFA.TOTPPending, "", true
	u.MFA.TOTPLastStep, u.MFA.TOTPFriendlyName = step, in.FriendlyDeviceName
	if err := s.update(ctx, u, now); err != nil {
		return nil, err
	}
	return &challenge.VerifySoftwareTokenOutput{Status: "SUCCESS"}, nil
}

// SetUserMFAPreference sets the signed-in user's MFA factors. Errors:
// InvalidParameterException, NotAuthorizedException,
// PasswordResetRequiredException, UserNotFoundException, InternalErrorException.
func (s *Server) SetUserMFAPreference(ctx context.Context, in *challenge.SetUserMFAPreferenceInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, _, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return s.setMFAPreference(ctx, p, u, in)
}

// AdminSetUserMFAPreference sets a user's MFA factors. Errors as
// SetUserMFAPreference, plus ResourceNotFoundException.
func (s *Server) AdminSetUserMFAPreference(ctx context.Context, in *challenge.SetUserMFAPreferenceInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return s.setMFAPreference(ctx, p, u, in)
}

func (s *Server) setMFAPreference(ctx context.Context, p *Pool, u *User, in *challenge.SetUserMFAPreferenceInput) (*challenge.Empty, error) {
	preferred := 0
	for _, o := range []*challenge.MFAOptionSettings{in.SMSMfaSettings, in.SoftwareTokenMfaSettings, in.EmailMfaSettings} {
		if o != nil && o.PreferredMfa {
			preferred++
			if !o.Enabled {
				return nil, errParam("A preferred MFA method must be enabled.")
			}
		}
	}
	if preferred > 1 {
		return nil, errParam("Only one MFA method can be preferred.")
	}
	m := u.MFA
	apply := func(o *challenge.MFAOptionSettings, name challenge.Name, enabled *bool, ready bool, why string) error {
		if o == nil {
			return nil
		}
		if o.Enabled && !ready {
			return errParam(why)
		}
		*enabled = o.Enabled
		if o.PreferredMfa {
			m.Preferred = string(name)
		} else if m.Preferred == string(name) {
			m.Preferred = ""
		}
		return nil
	}
	if err := apply(in.SMSMfaSettings, challenge.SMSMFA, &m.SMSEnabled, u.Attributes["phone_number"] != "",
		"User does not have delivery config set to turn on SMS_MFA"); err != nil {
		return nil, err
	}
	if err := apply(in.SoftwareTokenMfaSettings, challenge.SoftwareTokenMFA, &m.TOTPEnabled, m.TOTPSecret != "",
		"User has not verified software token mfa"); err != nil {
		return nil, err
	}
	if err := apply(in.EmailMfaSettings, challenge.EmailOTP, &m.EmailEnabled, u.Attributes["email"] != "" && p.EmailMFAEnabled,
		"User does not have delivery config set to turn on EMAIL_OTP"); err != nil {
		return nil, err
	}
	u.MFA = m
	if err := s.update(ctx, u, s.now()); err != nil {
		return nil, err
	}
	return &challenge.Empty{}, nil
}
