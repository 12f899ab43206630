package userpool

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/schema"
	"github.com/authflow/authflow/srp"
)

func (s *Service) pool(ctx context.Context, poolID string) (*flow.Pool, error) {
	if poolID == "" {
		return nil, errMissing("UserPoolId")
	}
	if len(poolID) > 55 {
		return nil, errParam("UserPoolId is too long.")
	}
	p, err := s.cat.Pool(ctx, poolID)
	if err != nil {
		return nil, errInternal(err)
	}
	if p == nil {
		return nil, errNoPool(poolID)
	}
	return p, nil
}

// adminUser finds the user an admin operation names (username or alias).
func (s *Service) adminUser(ctx context.Context, poolID, username string) (*flow.Pool, *flow.User, error) {
	p, err := s.pool(ctx, poolID)
	if err != nil {
		return nil, nil, err
	}
	if username == "" {
		return nil, nil, errMissing("Username")
	}
	u, err := s.kit.FindUser(ctx, p, username)
	if err != nil {
		return nil, nil, errInternal(err)
	}
	if u == nil {
		return nil, nil, errUserNotFound()
	}
	return p, u, nil
}

// update applies a change to a user read earlier, failing on a concurrent
// write; moves (alias takeovers, see aliasMoves) are applied with it, all
// or nothing.
func (s *Service) update(ctx context.Context, u *flow.User, now time.Time, moves ...flow.Change) error {
	old := u.Version
	u.LastModified = now
	if err := s.applyWithMoves(ctx, flow.ChangeUpdate, u, old, moves); err != nil {
		if errors.Is(err, flow.ErrConflict) {
			return challenge.Wrap(challenge.ErrTooManyRequests, "The user was changed concurrently; try again.", err)
		}
		return errInternal(err)
	}
	u.Version = old + 1
	return nil
}

// checkAttributes validates attributes an administrator sets.
func checkAttributes(attrs []challenge.AttributeType) error {
	if len(attrs) > 64 {
		return errParam("Too many attributes.")
	}
	for _, a := range attrs {
		if a.Name == "" || len(a.Name) > 64 || !utf8.ValidString(a.Name) {
			return errParam("Invalid attribute name.")
		}
		if len(a.Value) > 2048 || !utf8.ValidString(a.Value) {
			return errParam("Invalid value for attribute " + a.Name + ".")
		}
		switch a.Name {
		case "sub", "identities", "cognito:user_status", "cognito:mfa_enabled":
			return errParam("Cannot modify the non-mutable attribute " + a.Name)
		}
	}
	return nil
}

// AdminCreateUser creates a user with a temporary password (status
// FORCE_CHANGE_PASSWORD). Errors: InvalidParameterException,
// UsernameExistsException, InvalidPasswordException, AliasExistsException,
// UnsupportedUserStateException, ResourceNotFoundException,
// CodeDeliveryFailureException, InternalErrorException.
func (s *Service) AdminCreateUser(ctx context.Context, in *challenge.AdminCreateUserInput) (*challenge.AdminCreateUserOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, err := s.pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if in.Username == "" {
		return nil, errMissing("Username")
	}
	if utf8.RuneCountInString(in.Username) > 128 || !utf8.ValidString(in.Username) || strings.ContainsAny(in.Username, " \t\r\n") {
		return nil, errParam("Username is not valid.")
	}
	if err := checkAttributes(in.UserAttributes); err != nil {
		return nil, err
	}
	now := s.now()
	ctx = withTriggerCall(ctx, adminClientID, in.ClientMetadata, "")
	if in.MessageAction == "RESEND" {
		return s.resendInvitation(ctx, p, in, now)
	}
	if in.MessageAction != "" && in.MessageAction != "SUPPRESS" {
		return nil, errParam("MessageAction must be RESEND or SUPPRESS.")
	}
	attrs := map[string]string{}
	for _, a := range in.UserAttributes {
		attrs[a.Name] = a.Value
	}
	username := flow.CanonicalUsername(p, in.Username)
	if len(p.UsernameAttributes) > 0 {
		// Email or phone is the sign-in name: the username is generated.
		for _, ua := range flow.SignInAttributes(p, in.Username) {
			if slices.Contains(p.UsernameAttributes, ua) {
				attrs[ua] = strings.ToLower(in.Username)
			}
		}
	}
	flow.NormalizeAliases(p, attrs)
	if err := checkSchema(p, schema.AdminCreate, nil, attrs); err != nil {
		return nil, err
	}
	moves, err := s.kit.AliasMoves(ctx, p, "", attrs, in.ForceAliasCreation)
	if err != nil {
		return nil, err
	}
	if existing, err := s.kit.FindUser(ctx, p, in.Username); err != nil {
		return nil, errInternal(err)
	} else if existing != nil {
		return nil, challenge.New(challenge.ErrUsernameExists, "User account already exists")
	}
	temp := in.TemporaryPassword
	if temp != "" {
		if err := p.PasswordPolicy.Check(temp); err != nil {
			return nil, err
		}
	} else if temp, err = flow.TemporaryPassword(s.rand, p.PasswordPolicy); err != nil {
		return nil, errInternal(err)
	}
	sub, err := flow.NewUUID(s.rand)
	if err != nil {
		return nil, errInternal(err)
	}
	if len(p.UsernameAttributes) > 0 {
		username = sub
	}
	salt, verifier, err := srp.NewPasswordVerifier(s.rand, srp.PoolName(p.ID), username, temp)
	if err != nil {
		return nil, errInternal(err)
	}
	u := &flow.User{
		PoolID: p.ID, Username: username, Sub: sub, Status: flow.StatusForceChangePassword, Enabled: true,
		Attributes: attrs, Salt: salt, Verifier: verifier,
		TemporaryPasswordExpires: now.Add(temporaryValidity(p)), Created: now, LastModified: now,
	}
	if _, err := s.preSignUp(ctx, p, adminClientID, "PreSignUp_AdminCreateUser", u, in.ValidationData, in.ClientMetadata); err != nil {
		return nil, err
	}
	if err := s.applyWithMoves(ctx, flow.ChangeCreate, u, 0, moves); err != nil {
		if errors.Is(err, flow.ErrConflict) {
			return nil, challenge.New(challenge.ErrUsernameExists, "User account already exists")
		}
		return nil, errInternal(err)
	}
	if in.MessageAction != "SUPPRESS" {
		s.deliverInvitation(ctx, u, temp, in.DesiredDeliveryMediums)
	}
	return &challenge.AdminCreateUserOutput{User: userType(u)}, nil
}

func temporaryValidity(p *flow.Pool) time.Duration {
	days := p.PasswordPolicy.TemporaryPasswordValidityDays
	if days <= 0 {
		days = 7
	}
	return time.Duration(days) * 24 * time.Hour
}

// resendInvitation is AdminCreateUser with MessageAction RESEND: a new
// temporary password and a new validity period.
func (s *Service) resendInvitation(ctx context.Context, p *flow.Pool, in *challenge.AdminCreateUserInput, now time.Time) (*challenge.AdminCreateUserOutput, error) {
	u, err := s.kit.FindUser(ctx, p, in.Username)
	if err != nil {
		return nil, errInternal(err)
	}
	if u == nil {
		return nil, errUserNotFound()
	}
	if u.Status != flow.StatusForceChangePassword {
		return nil, challenge.New(challenge.ErrUnsupportedUserState, "Resend not possible. "+u.Username+" status is not FORCE_CHANGE_PASSWORD")
	}
	temp := in.TemporaryPassword
	if temp != "" {
		if err := p.PasswordPolicy.Check(temp); err != nil {
			return nil, err
		}
	} else if temp, err = flow.TemporaryPassword(s.rand, p.PasswordPolicy); err != nil {
		return nil, errInternal(err)
	}
	salt, verifier, err := srp.NewPasswordVerifier(s.rand, srp.PoolName(p.ID), u.Username, temp)
	if err != nil {
		return nil, errInternal(err)
	}
	u.Salt, u.Verifier = salt, verifier
	u.TemporaryPasswordExpires = now.Add(temporaryValidity(p))
	if err := s.update(ctx, u, now); err != nil {
		return nil, err
	}
	s.deliverInvitation(ctx, u, temp, in.DesiredDeliveryMediums)
	return &challenge.AdminCreateUserOutput{User: userType(u)}, nil
}

// deliverInvitation sends the temporary password where the user can get it.
// A failed delivery does not undo the creation (the administrator can RESEND).
func (s *Service) deliverInvitation(ctx context.Context, u *flow.User, temp string, mediums []string) {
	if s.sender == nil {
		return
	}
	medium, dest := challenge.DeliveryMediumSMS, u.Attributes["phone_number"]
	if slices.Contains(mediums, challenge.DeliveryMediumEmail) || dest == "" {
		medium, dest = challenge.DeliveryMediumEmail, u.Attributes["email"]
	}
	if dest == "" {
		return
	}
	_ = s.send(ctx, u, flow.Message{PoolID: u.PoolID, Username: u.Username, Medium: medium, Destination: dest,
		Purpose: "INVITATION", Code: temp})
}

// userAttributes lists a user's attributes with sub first, as Cognito does.
func userAttributes(u *flow.User) []challenge.AttributeType {
	out := []challenge.AttributeType{{Name: "sub", Value: u.Sub}}
	for _, k := range sortedNames(u.Attributes) {
		out = append(out, challenge.AttributeType{Name: k, Value: u.Attributes[k]})
	}
	return out
}

func sortedNames(m map[string]string) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func userType(u *flow.User) *challenge.UserType {
	return &challenge.UserType{
		Username: u.Username, Attributes: userAttributes(u), UserCreateDate: challenge.At(u.Created),
		UserLastModifiedDate: challenge.At(u.LastModified), Enabled: u.Enabled, UserStatus: string(u.Status),
	}
}

// mfaSettings reports a user's MFA factors as GetUser and AdminGetUser do.
func mfaSettings(u *flow.User) (preferred string, list []string) {
	if u.MFA.SMSEnabled {
		list = append(list, string(challenge.SMSMFA))
	}
	if u.MFA.TOTPEnabled {
		list = append(list, string(challenge.SoftwareTokenMFA))
	}
	if u.MFA.EmailEnabled {
		list = append(list, string(challenge.EmailOTP))
	}
	return u.MFA.Preferred, list
}

// AdminGetUser returns a user. Errors: ResourceNotFoundException,
// InvalidParameterException, UserNotFoundException, InternalErrorException.
func (s *Service) AdminGetUser(ctx context.Context, in *challenge.AdminUserInput) (*challenge.AdminGetUserOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	_, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	pref, list := mfaSettings(u)
	return &challenge.AdminGetUserOutput{
		Username: u.Username, UserAttributes: userAttributes(u), UserCreateDate: challenge.At(u.Created),
		UserLastModifiedDate: challenge.At(u.LastModified), Enabled: u.Enabled, UserStatus: string(u.Status),
		PreferredMfaSetting: pref, UserMFASettingList: list,
	}, nil
}

// AdminDeleteUser deletes a user. Errors as AdminGetUser.
func (s *Service) AdminDeleteUser(ctx context.Context, in *challenge.AdminUserInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	_, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if err := s.dir.Apply(ctx, flow.Change{Kind: flow.ChangeDelete, User: u}); err != nil && !errors.Is(err, flow.ErrConflict) {
		return nil, errInternal(err)
	}
	if err := s.issuer.RevokeUser(ctx, u.PoolID, u.Username); err != nil {
		return nil, errInternal(err)
	}
	return &challenge.Empty{}, nil
}

// AdminDisableUser stops a user from signing in and revokes their tokens.
// Errors as AdminGetUser.
func (s *Service) AdminDisableUser(ctx context.Context, in *challenge.AdminUserInput) (*challenge.Empty, error) {
	return s.setEnabled(ctx, in, false)
}

// AdminEnableUser lets a disabled user sign in again. Errors as AdminGetUser.
func (s *Service) AdminEnableUser(ctx context.Context, in *challenge.AdminUserInput) (*challenge.Empty, error) {
	return s.setEnabled(ctx, in, true)
}

func (s *Service) setEnabled(ctx context.Context, in *challenge.AdminUserInput, enabled bool) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	_, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	u.Enabled = enabled
	if err := s.update(ctx, u, s.now()); err != nil {
		return nil, err
	}
	if !enabled {
		if err := s.issuer.RevokeUser(ctx, u.PoolID, u.Username); err != nil {
			return nil, errInternal(err)
		}
	}
	return &challenge.Empty{}, nil
}

// AdminSetUserPassword sets a user's password: permanent (status
// CONFIRMED) or temporary (FORCE_CHANGE_PASSWORD). Errors:
// InvalidPasswordException, PasswordHistoryPolicyViolationException and
// those of AdminGetUser.
func (s *Service) AdminSetUserPassword(ctx context.Context, in *challenge.AdminSetUserPasswordInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if in.Password == "" {
		return nil, errMissing("Password")
	}
	if err := p.PasswordPolicy.Check(in.Password); err != nil {
		return nil, err
	}
	if in.Permanent {
		if err := flow.PasswordReused(u, p, in.Password); err != nil {
			return nil, err
		}
	}
	salt, verifier, err := srp.NewPasswordVerifier(s.rand, srp.PoolName(p.ID), u.Username, in.Password)
	if err != nil {
		return nil, errInternal(err)
	}
	now := s.now()
	flow.SetPassword(u, p, flow.PasswordRecord{Salt: salt, Verifier: verifier})
	if in.Permanent {
		u.Status = flow.StatusConfirmed
		u.TemporaryPasswordExpires = time.Time{}
	} else {
		u.Status = flow.StatusForceChangePassword
		u.TemporaryPasswordExpires = now.Add(temporaryValidity(p))
	}
	u.FailedAttempts, u.LockedUntil = 0, time.Time{}
	delete(u.Codes, "reset")
	if err := s.update(ctx, u, now); err != nil {
		return nil, err
	}
	return &challenge.Empty{}, nil
}

// AdminResetUserPassword deactivates a user's password: sign-in answers
// PasswordResetRequiredException until ConfirmForgotPassword. A reset code
// goes out through the Sender when the user has a verified email or phone.
// Errors as AdminGetUser.
func (s *Service) AdminResetUserPassword(ctx context.Context, in *challenge.AdminResetUserPasswordInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if err := s.startReset(ctx, p, u, now); err != nil {
		return nil, err
	}
	u.Status = flow.StatusResetRequired
	if err := s.update(ctx, u, now); err != nil {
		return nil, err
	}
	return &challenge.Empty{}, nil
}

// startReset sends a password-reset code to a verified email or phone
// when the user has one. Without one the reset still deactivates the
// password; the user then needs ForgotPassword once a destination is set.
func (s *Service) startReset(ctx context.Context, p *flow.Pool, u *flow.User, now time.Time) error {
	_, err := s.sendCode(ctx, p, u, "reset", true, now)
	return err
}

// AdminUpdateUserAttributes writes attributes. An empty value deletes the
// attribute. An administrator may mark an email or phone verified; a
// changed email or phone that was verified is no longer, unless the same
// call says it is. Under the pool's UserAttributeUpdateSettings a change
// of a verified email or phone waits for its verification, as in
// UpdateUserAttributes, unless the call marks the new value verified. Errors: InvalidParameterException, AliasExistsException
// (a sign-in name another user holds, or a verified alias another user
// holds verified) and those of AdminGetUser.
func (s *Service) AdminUpdateUserAttributes(ctx context.Context, in *challenge.AdminUpdateUserAttributesInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if err := checkAttributes(in.UserAttributes); err != nil {
		return nil, err
	}
	set := map[string]string{}
	for _, a := range in.UserAttributes {
		set[a.Name] = a.Value
	}
	flow.NormalizeAliases(p, set)
	if err := checkSchema(p, schema.Update, u, set); err != nil {
		return nil, err
	}
	dropPendingUpdates(u, set)
	pending := pendingUpdates(p, u, set)
	flow.UnverifyChanged(u, set)
	if u.Attributes == nil {
		u.Attributes = map[string]string{}
	}
	for name, v := range set {
		if v == "" {
			delete(u.Attributes, name)
		} else {
			u.Attributes[name] = v
		}
	}
	now := s.now()
	msgs, err := s.pendingCodes(p, u, pending, now)
	if err != nil {
		return nil, err
	}
	moves, err := s.kit.AliasMoves(ctx, p, u.Username, u.Attributes, false)
	if err != nil {
		return nil, err
	}
	if err := s.update(ctx, u, now, moves...); err != nil {
		return nil, err
	}
	for _, m := range msgs {
		if _, err := s.deliver(ctx, m.Attribute, m.Message); err != nil {
			return nil, err
		}
	}
	return &challenge.Empty{}, nil
}
