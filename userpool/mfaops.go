package userpool

import (
	"context"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/totp"
)

func errNoTOTP() error {
	return challenge.New(challenge.ErrSoftwareTokenMFANotFound, "Software Token MFA is not enabled for the user pool.")
}

// AssociateSoftwareToken starts TOTP setup: with an AccessToken for a
// signed-in user, or with the Session of an MFA_SETUP challenge (then it
// returns a new Session for VerifySoftwareToken). Errors:
// InvalidParameterException, NotAuthorizedException,
// SoftwareTokenMFANotFoundException, ResourceNotFoundException,
// ConcurrentModificationException, InternalErrorException.
func (s *Service) AssociateSoftwareToken(ctx context.Context, in *challenge.AssociateSoftwareTokenInput) (*challenge.AssociateSoftwareTokenOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if in.AccessToken == "" {
		// The Session of an MFA_SETUP challenge: the engine's part.
		return s.engine.AssociateSoftwareToken(ctx, in)
	}
	if in.Session != "" {
		return nil, errParam("Provide either an AccessToken or a Session.")
	}
	secret, err := totp.NewSecret(s.rand)
	if err != nil {
		return nil, errInternal(err)
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
// a one-step window. Every code counts as a guess towards the user's
// lockout before it is checked (NotAuthorizedException in a lockout); a
// right one clears the count. Errors: EnableSoftwareTokenMFAException (wrong code),
// CodeMismatchException, InvalidParameterException, NotAuthorizedException,
// SoftwareTokenMFANotFoundException, InternalErrorException.
func (s *Service) VerifySoftwareToken(ctx context.Context, in *challenge.VerifySoftwareTokenInput) (*challenge.VerifySoftwareTokenOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if in.AccessToken == "" {
		// The Session of an MFA_SETUP challenge: the engine's part.
		return s.engine.VerifySoftwareToken(ctx, in)
	}
	if in.Session != "" {
		return nil, errParam("Provide either an AccessToken or a Session.")
	}
	if in.UserCode == "" {
		return nil, errMissing("UserCode")
	}
	if len(in.FriendlyDeviceName) > 256 {
		return nil, errParam("FriendlyDeviceName is too long.")
	}
	now := s.now()
	p, u, _, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if !p.TOTPMFAEnabled || u.MFA.TOTPPending == "" {
		return nil, errNoTOTP()
	}
	// The code is a guess like any other: counted against the user's
	// lockout before it is checked, so parallel guesses stop there.
	settle, err := s.kit.ReserveGuess(ctx, p, u.Username, now)
	if err != nil {
		return nil, err
	}
	// Read again: the reservation wrote the user.
	if u, err = s.dir.User(ctx, p.ID, u.Username); err != nil {
		return nil, errInternal(err)
	} else if u == nil {
		return nil, errNotAuthorized(challenge.MsgInvalidAccessToken)
	} else if u.MFA.TOTPPending == "" {
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
	if err := settle(true); err != nil {
		return nil, err
	}
	return &challenge.VerifySoftwareTokenOutput{Status: "SUCCESS"}, nil
}

// SetUserMFAPreference sets the signed-in user's MFA factors. Errors:
// InvalidParameterException, NotAuthorizedException,
// PasswordResetRequiredException, UserNotFoundException, InternalErrorException.
func (s *Service) SetUserMFAPreference(ctx context.Context, in *challenge.SetUserMFAPreferenceInput) (*challenge.Empty, error) {
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
func (s *Service) AdminSetUserMFAPreference(ctx context.Context, in *challenge.SetUserMFAPreferenceInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return s.setMFAPreference(ctx, p, u, in)
}

func (s *Service) setMFAPreference(ctx context.Context, p *flow.Pool, u *flow.User, in *challenge.SetUserMFAPreferenceInput) (*challenge.Empty, error) {
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
