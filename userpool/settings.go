package userpool

import (
	"context"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// smsSettings turns the deprecated MFAOptions of (Admin)SetUserSettings
// into the SMS setting of SetUserMFAPreference: an SMS option to
// phone_number turns SMS MFA on (keeping whether it is preferred), an
// empty list turns it off; a missing list is refused. Any other option is InvalidParameterException.
func smsSettings(u *flow.User, opts []challenge.MFAOptionType) (*challenge.SetUserMFAPreferenceInput, error) {
	if opts == nil {
		return nil, errMissing("MFAOptions")
	}
	if len(opts) > 1 {
		return nil, errParam("Only one MFA option is supported.")
	}
	on := len(opts) == 1
	if on && (opts[0].DeliveryMedium != challenge.DeliveryMediumSMS || opts[0].AttributeName != "phone_number") {
		return nil, errParam("Only SMS to phone_number is supported in MFAOptions.")
	}
	preferred := on && u.MFA.Preferred == string(challenge.SMSMFA)
	return &challenge.SetUserMFAPreferenceInput{SMSMfaSettings: &challenge.MFAOptionSettings{Enabled: on, PreferredMfa: preferred}}, nil
}

// SetUserSettings is the deprecated way to turn the signed-in user's SMS
// MFA on or off (see smsSettings). Errors as SetUserMFAPreference.
func (s *Service) SetUserSettings(ctx context.Context, in *challenge.SetUserSettingsInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, _, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	pref, err := smsSettings(u, in.MFAOptions)
	if err != nil {
		return nil, err
	}
	return s.setMFAPreference(ctx, p, u, pref)
}

// AdminSetUserSettings is the deprecated way to turn a user's SMS MFA on
// or off (see smsSettings). Errors as AdminSetUserMFAPreference.
func (s *Service) AdminSetUserSettings(ctx context.Context, in *challenge.AdminSetUserSettingsInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	pref, err := smsSettings(u, in.MFAOptions)
	if err != nil {
		return nil, err
	}
	return s.setMFAPreference(ctx, p, u, pref)
}
