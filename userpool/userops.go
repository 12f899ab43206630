package userpool

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/schema"
	"github.com/authflow/authflow/srp"
)

// accessUser is the one check of an AccessToken for the operations it
// authorizes: signature, expiry, token_use and revocation (by the issuer),
// the scope, and a user who still exists and may act.
func (s *Service) accessUser(ctx context.Context, token string) (*flow.Pool, *flow.User, *challenge.AccessClaims, error) {
	if token == "" {
		return nil, nil, nil, errMissing("AccessToken")
	}
	if len(token) > 16<<10 {
		return nil, nil, nil, errNotAuthorized(challenge.MsgInvalidAccessToken)
	}
	claims, err := s.issuer.VerifyAccess(ctx, token)
	if err != nil {
		if challenge.CodeOf(err) == challenge.ErrInternalError {
			return nil, nil, nil, errInternal(err)
		}
		return nil, nil, nil, err
	}
	if !slices.Contains(claims.Scopes, challenge.ScopeSigninUserAdmin) {
		return nil, nil, nil, errNotAuthorized("Access Token does not have required scopes")
	}
	p, err := s.pool(ctx, claims.PoolID)
	if err != nil {
		return nil, nil, nil, err
	}
	u, err := s.dir.User(ctx, p.ID, claims.Username)
	if err != nil {
		return nil, nil, nil, errInternal(err)
	}
	if u == nil || u.Sub != claims.Sub {
		return nil, nil, nil, errNotAuthorized(challenge.MsgInvalidAccessToken)
	}
	if !u.Enabled {
		return nil, nil, nil, errNotAuthorized(challenge.MsgUserDisabled)
	}
	if u.Status == flow.StatusResetRequired {
		return nil, nil, nil, challenge.New(challenge.ErrPasswordResetRequired, challenge.MsgPasswordReset)
	}
	return p, u, claims, nil
}

// GetUser returns the signed-in user. Errors: NotAuthorizedException,
// PasswordResetRequiredException, UserNotFoundException, InternalErrorException.
func (s *Service) GetUser(ctx context.Context, in *challenge.AccessTokenInput) (*challenge.GetUserOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	_, u, claims, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	c, err := s.cat.Client(ctx, claims.ClientID)
	if err != nil {
		return nil, errInternal(err)
	}
	attrs := readableAttributes(c, userAttributes(u))
	pref, list := mfaSettings(u)
	return &challenge.GetUserOutput{Username: u.Username, UserAttributes: attrs, PreferredMfaSetting: pref, UserMFASettingList: list}, nil
}

// GlobalSignOut revokes every refresh token of the signed-in user; their
// access tokens are refused from then on.
func (s *Service) GlobalSignOut(ctx context.Context, in *challenge.AccessTokenInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	_, u, _, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.issuer.RevokeUser(ctx, u.PoolID, u.Username); err != nil {
		return nil, errInternal(err)
	}
	return &challenge.Empty{}, nil
}

// AdminUserGlobalSignOut signs a user out everywhere.
func (s *Service) AdminUserGlobalSignOut(ctx context.Context, in *challenge.AdminUserInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	_, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if err := s.issuer.RevokeUser(ctx, u.PoolID, u.Username); err != nil {
		return nil, errInternal(err)
	}
	return &challenge.Empty{}, nil
}

// ChangePassword changes the signed-in user's password. Errors:
// NotAuthorizedException (wrong previous password), InvalidPasswordException,
// PasswordHistoryPolicyViolationException, LimitExceededException.
func (s *Service) ChangePassword(ctx context.Context, in *challenge.ChangePasswordInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, _, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if u.LockedAt(now) {
		return nil, errCodeRequestLimit()
	}
	if u.HasPassword() && in.PreviousPassword == "" {
		return nil, errMissing("PreviousPassword")
	}
	if err := p.PasswordPolicy.Check(in.ProposedPassword); err != nil {
		return nil, err
	}
	settle := func(bool) error { return nil }
	if u.HasPassword() {
		// The previous password is a guess like any other: counted
		// before it is checked, so parallel guesses stop at the lockout.
		if settle, err = s.kit.ReserveGuess(ctx, p, u.Username, now); err != nil {
			if challenge.CodeOf(err) == challenge.ErrNotAuthorized {
				return nil, errCodeRequestLimit()
			}
			return nil, err
		}
		if u, err = s.dir.User(ctx, p.ID, u.Username); err != nil {
			return nil, errInternal(err)
		} else if u == nil {
			return nil, errNotAuthorized(challenge.MsgInvalidAccessToken)
		}
		if !srp.CheckPassword(u.Salt, u.Verifier, srp.PoolName(p.ID), u.Username, in.PreviousPassword) {
			return nil, errIncorrect()
		}
	}
	if err := flow.PasswordReused(u, p, in.ProposedPassword); err != nil {
		_ = settle(true)
		return nil, err
	}
	salt, verifier, err := srp.NewPasswordVerifier(s.rand, srp.PoolName(p.ID), u.Username, in.ProposedPassword)
	if err != nil {
		return nil, errInternal(err)
	}
	flow.SetPassword(u, p, flow.PasswordRecord{Salt: salt, Verifier: verifier})
	u.FailedAttempts, u.LockedUntil = 0, time.Time{}
	s.noteEvent(p, u, challenge.EventTypePasswordChange)
	if err := s.update(ctx, u, now); err != nil {
		return nil, err
	}
	if err := settle(true); err != nil {
		return nil, err
	}
	return &challenge.Empty{}, nil
}

// publicClient looks up the client of a public operation and checks its
// SecretHash over username.
func (s *Service) publicClient(ctx context.Context, clientID, secretHash, username string) (*flow.AppClient, *flow.Pool, error) {
	c, p, err := s.kit.ClientAndPool(ctx, clientID, "")
	if err != nil {
		return nil, nil, err
	}
	if username == "" {
		return nil, nil, errMissing("Username")
	}
	if err := flow.CheckSecretHash(c, secretHash, username); err != nil {
		return nil, nil, err
	}
	return c, p, nil
}

// publicUser is publicClient plus the user the operation names (nil when
// there is none).
func (s *Service) publicUser(ctx context.Context, clientID, secretHash, username string) (*flow.AppClient, *flow.Pool, *flow.User, error) {
	c, p, err := s.publicClient(ctx, clientID, secretHash, username)
	if err != nil {
		return nil, nil, nil, err
	}
	u, err := s.kit.FindUser(ctx, p, username)
	if err != nil {
		return nil, nil, nil, errInternal(err)
	}
	return c, p, u, nil
}

// sendCode records a code under purpose and delivers it to the user's
// email or phone. verifiedOnly limits it to verified destinations.
func (s *Service) sendCode(ctx context.Context, p *flow.Pool, u *flow.User, purpose string, verifiedOnly bool, now time.Time) (*challenge.CodeDeliveryDetailsType, error) {
	attr, medium := "", ""
	for _, cand := range []struct{ attr, medium string }{{"email", challenge.DeliveryMediumEmail}, {"phone_number", challenge.DeliveryMediumSMS}} {
		if u.Attributes[cand.attr] == "" {
			continue
		}
		if verifiedOnly && u.Attributes[cand.attr+"_verified"] != "true" {
			continue
		}
		if !verifiedOnly && len(p.AutoVerifiedAttributes) > 0 && !slices.Contains(p.AutoVerifiedAttributes, cand.attr) {
			continue
		}
		attr, medium = cand.attr, cand.medium
		break
	}
	if attr == "" {
		return nil, nil
	}
	code, err := flow.RandomDigits(s.rand, 6)
	if err != nil {
		return nil, errInternal(err)
	}
	if u.Codes == nil {
		u.Codes = map[string]flow.PendingCode{}
	}
	validity := 24 * time.Hour
	if purpose == "reset" {
		validity = time.Hour
	}
	u.Codes[purpose] = flow.PendingCode{Hash: s.kit.CodeHash(purpose, code), Expires: now.Add(validity)}
	dest := u.Attributes[attr]
	if s.sender != nil {
		msgPurpose := map[string]string{"signup": "SIGN_UP", "reset": "FORGOT_PASSWORD"}[purpose]
		if err := s.send(ctx, u, flow.Message{PoolID: p.ID, Username: u.Username, Medium: medium, Destination: dest,
			Purpose: msgPurpose, Code: code}); err != nil {
			if isLambdaError(err) {
				return nil, err
			}
			return nil, challenge.Wrap(challenge.ErrCodeDeliveryFailure, "Unable to deliver the code.", err)
		}
	}
	return &challenge.CodeDeliveryDetailsType{AttributeName: attr, DeliveryMedium: medium, Destination: flow.MaskDestination(medium, dest)}, nil
}

// SignUp registers a user (status UNCONFIRMED) and sends a confirmation
// code when the pool auto-verifies email or phone. Errors:
// InvalidParameterException, InvalidPasswordException,
// UsernameExistsException, NotAuthorizedException, CodeDeliveryFailureException.
func (s *Service) SignUp(ctx context.Context, in *challenge.SignUpInput) (*challenge.SignUpOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	c, p, err := s.publicClient(ctx, in.ClientId, in.SecretHash, in.Username)
	if err != nil {
		return nil, err
	}
	if p.AllowAdminCreateUserOnly {
		return nil, errNotAuthorized("SignUp is not permitted for this user pool")
	}
	if utf8.RuneCountInString(in.Username) > 128 || !utf8.ValidString(in.Username) || strings.ContainsAny(in.Username, " \t\r\n") {
		return nil, errParam("Username is not valid.")
	}
	if err := checkAttributes(in.UserAttributes); err != nil {
		return nil, err
	}
	passwordless := slices.ContainsFunc(p.AllowedFirstAuthFactors, func(f string) bool { return f != "PASSWORD" })
	if in.Password == "" && !passwordless {
		return nil, errMissing("Password")
	}
	if in.Password != "" {
		if err := p.PasswordPolicy.Check(in.Password); err != nil {
			return nil, err
		}
	}
	attrs := map[string]string{}
	for _, a := range in.UserAttributes {
		attrs[a.Name] = a.Value
	}
	// ValidationData goes to triggers only; nothing of it is stored.
	if err := flow.CheckClientAttributeWrite(c, nil, attrs); err != nil {
		return nil, err
	}
	flow.NormalizeAliases(p, attrs)
	username := flow.CanonicalUsername(p, in.Username)
	if len(p.UsernameAttributes) > 0 {
		matched := false
		for _, ua := range flow.SignInAttributes(p, in.Username) {
			if slices.Contains(p.UsernameAttributes, ua) {
				attrs[ua] = flow.AliasValue(p, ua, in.Username)
				matched = true
			}
		}
		if !matched {
			return nil, errParam("Username should be an email or a phone number.")
		}
		for _, ua := range p.UsernameAttributes {
			if v := attrs[ua]; v != "" {
				if other, err := s.dir.UserByAttribute(ctx, p.ID, ua, v); err != nil {
					return nil, errInternal(err)
				} else if other != nil {
					return nil, challenge.New(challenge.ErrUsernameExists, "An account with the given "+ua+" already exists.")
				}
			}
		}
	}
	if err := checkClientWrite(attrs); err != nil {
		return nil, err
	}
	if err := checkSchema(p, schema.SignUp, nil, attrs); err != nil {
		return nil, err
	}
	if existing, err := s.dir.User(ctx, p.ID, username); err != nil {
		return nil, errInternal(err)
	} else if existing != nil {
		return nil, challenge.New(challenge.ErrUsernameExists, "User already exists")
	}
	sub, err := flow.NewUUID(s.rand)
	if err != nil {
		return nil, errInternal(err)
	}
	if len(p.UsernameAttributes) > 0 {
		username = sub
	}
	now := s.now()
	u := &flow.User{PoolID: p.ID, Username: username, Sub: sub, Status: flow.StatusUnconfirmed, Enabled: true, Attributes: attrs,
		Created: now, LastModified: now}
	if in.Password != "" {
		if u.Salt, u.Verifier, err = srp.NewPasswordVerifier(s.rand, srp.PoolName(p.ID), username, in.Password); err != nil {
			return nil, errInternal(err)
		}
	}
	ctx = withTriggerCall(ctx, c.ID, in.ClientMetadata, "")
	confirmed, err := s.preSignUp(ctx, p, c.ID, "PreSignUp_SignUp", u, in.ValidationData, in.ClientMetadata)
	if err != nil {
		return nil, err
	}
	var details *challenge.CodeDeliveryDetailsType
	if confirmed {
		u.Status = flow.StatusConfirmed
	} else if len(p.AutoVerifiedAttributes) > 0 {
		if details, err = s.sendCode(ctx, p, u, "signup", false, now); err != nil {
			return nil, err
		}
	}
	s.noteEvent(p, u, challenge.EventTypeSignUp)
	if err := s.dir.Apply(ctx, flow.Change{Kind: flow.ChangeCreate, User: u}); err != nil {
		return nil, challenge.Wrap(challenge.ErrUsernameExists, "User already exists", err)
	}
	session, err := s.kit.SignUpSession(ctx, c, u, confirmed)
	if err != nil {
		return nil, err
	}
	return &challenge.SignUpOutput{UserConfirmed: confirmed, UserSub: sub, CodeDeliveryDetails: details, Session: session}, nil
}

// ConfirmSignUp confirms a user with the code SignUp sent. Every code
// submitted counts towards the user's code-guess budget and lockout before
// it is checked. Under PreventUserExistenceErrors=ENABLED a name that does
// not exist, or a user that is not waiting for confirmation, is answered
// as a wrong code. Errors: CodeMismatchException, ExpiredCodeException,
// TooManyFailedAttemptsException, LimitExceededException,
// NotAuthorizedException, UserNotFoundException (LEGACY),
// AliasExistsException (the email or phone is another user's verified
// alias, without ForceAliasCreation).
func (s *Service) ConfirmSignUp(ctx context.Context, in *challenge.ConfirmSignUpInput) (*challenge.ConfirmSignUpOutput, error) {
	start := time.Now()
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if in.ConfirmationCode == "" {
		return nil, errMissing("ConfirmationCode")
	}
	c, p, u, err := s.publicUser(ctx, in.ClientId, in.SecretHash, in.Username)
	if err != nil {
		return nil, err
	}
	hide := hidesExistence(c)
	defer padAnswer(ctx, &s.pads.confirmSignUp, hide, u != nil, start)
	if u == nil && !hide {
		return nil, errUserNotFound()
	}
	if u != nil && u.Status != flow.StatusUnconfirmed && !hide {
		return nil, errNotAuthorized("User cannot be confirmed. Current status is " + string(u.Status))
	}
	if u == nil || u.Status != flow.StatusUnconfirmed {
		// Hidden: counted, looked at and answered as a wrong code.
		if in.Session != "" {
			return nil, errInvalidSession()
		}
		name := selfServiceName(p, u, in.Username)
		if _, err := s.reserveCodeGuess(ctx, p, name, purposeSignUp); err != nil {
			return nil, err
		}
		if _, err := s.dir.User(ctx, p.ID, name); err != nil {
			return nil, errInternal(err)
		}
		_ = s.guessCode(c, nil, purposeSignUp, in.ConfirmationCode, s.now())
		return nil, errCodeMismatch()
	}
	if in.Session != "" {
		if err := s.kit.SpendPendingSignUpSession(ctx, in.Session, c, u); err != nil {
			return nil, err
		}
	}
	settle, err := s.reserveCodeGuess(ctx, p, u.Username, purposeSignUp)
	if err != nil {
		return nil, err
	}
	// Read again: the reservation wrote the user.
	if u, err = s.dir.User(ctx, p.ID, u.Username); err != nil {
		return nil, errInternal(err)
	} else if u == nil || u.Status != flow.StatusUnconfirmed {
		return nil, errCodeMismatch()
	}
	now := s.now()
	if err := s.guessCode(c, u, purposeSignUp, in.ConfirmationCode, now); err != nil {
		return nil, err
	}
	u.Status = flow.StatusConfirmed
	u.FailedAttempts, u.LockedUntil = 0, time.Time{}
	for _, a := range p.AutoVerifiedAttributes {
		if flag, ok := flow.VerifiedFlag(a); ok && u.Attributes[a] != "" {
			u.Attributes[flag] = "true"
		}
	}
	// When the alias is taken nothing is saved: the code stays, for a
	// confirmation with ForceAliasCreation.
	moves, err := s.kit.AliasMoves(ctx, p, u.Username, u.Attributes, in.ForceAliasCreation)
	if err != nil {
		return nil, err
	}
	if err := s.update(ctx, u, now, moves...); err != nil {
		return nil, err
	}
	if err := settle(true); err != nil {
		return nil, err
	}
	if err := s.postConfirmation(ctx, p, c.ID, "PostConfirmation_ConfirmSignUp", u, in.ClientMetadata); err != nil {
		return nil, err
	}
	session, err := s.kit.SignUpSession(ctx, c, u, true)
	if err != nil {
		return nil, err
	}
	return &challenge.ConfirmSignUpOutput{Session: session}, nil
}

// ResendConfirmationCode sends a new sign-up code, within the code-request
// budget (LimitExceededException beyond it). Under
// PreventUserExistenceErrors=ENABLED a name that does not exist, or a user
// already confirmed, gets a decoy delivery and no code.
func (s *Service) ResendConfirmationCode(ctx context.Context, in *challenge.UsernameInput) (*challenge.CodeDeliveryOutput, error) {
	start := time.Now()
	if in == nil {
		return nil, errParam("Missing request.")
	}
	c, p, u, err := s.publicUser(ctx, in.ClientId, in.SecretHash, in.Username)
	if err != nil {
		return nil, err
	}
	hide := hidesExistence(c)
	defer padAnswer(ctx, &s.pads.resend, hide, u != nil, start)
	if u == nil && !hide {
		return nil, errUserNotFound()
	}
	if err := s.takeCodeRequest(ctx, p, selfServiceName(p, u, in.Username)); err != nil {
		return nil, err
	}
	if u == nil || (u.Status != flow.StatusUnconfirmed && hide) {
		return &challenge.CodeDeliveryOutput{CodeDeliveryDetails: s.decoyDelivery(p, flow.CanonicalUsername(p, in.Username))}, nil
	}
	if u.Status != flow.StatusUnconfirmed {
		return nil, errParam("User is already confirmed.")
	}
	ctx = withTriggerCall(ctx, c.ID, in.ClientMetadata, "CustomMessage_ResendCode")
	out, err := s.deliverCode(ctx, c, p, u, in.Username, purposeSignUp, false,
		"Cannot send a confirmation code: the user has no email or phone_number the pool verifies.")
	s.recordEvent(ctx, p, u.Username, challenge.EventTypeResendCode, err)
	return out, err
}

// deliverCode sends a code for purpose, saves the user with it, and says
// where it went; nowhere is the InvalidParameterException message when
// the user has no destination (a decoy delivery when the client hides
// existence).
func (s *Service) deliverCode(ctx context.Context, c *flow.AppClient, p *flow.Pool, u *flow.User, given, purpose string, verifiedOnly bool, nowhere string) (*challenge.CodeDeliveryOutput, error) {
	now := s.now()
	details, err := s.sendCode(ctx, p, u, purpose, verifiedOnly, now)
	if err != nil {
		return nil, err
	}
	if details == nil {
		if hidesExistence(c) {
			return &challenge.CodeDeliveryOutput{CodeDeliveryDetails: s.decoyDelivery(p, flow.CanonicalUsername(p, given))}, nil
		}
		return nil, errParam(nowhere)
	}
	if err := s.update(ctx, u, now); err != nil {
		return nil, err
	}
	return &challenge.CodeDeliveryOutput{CodeDeliveryDetails: details}, nil
}

// ForgotPassword sends a password-reset code to a verified email or phone,
// within the code-request budget (LimitExceededException beyond it).
// Under PreventUserExistenceErrors=ENABLED a name that does not exist, a
// disabled user or one with nowhere to send gets a decoy delivery (see
// decoyDelivery) and no code. Errors: InvalidParameterException (nowhere
// to send it), UserNotFoundException (LEGACY), NotAuthorizedException,
// LimitExceededException, CodeDeliveryFailureException.
func (s *Service) ForgotPassword(ctx context.Context, in *challenge.UsernameInput) (*challenge.CodeDeliveryOutput, error) {
	start := time.Now()
	if in == nil {
		return nil, errParam("Missing request.")
	}
	c, p, u, err := s.publicUser(ctx, in.ClientId, in.SecretHash, in.Username)
	if err != nil {
		return nil, err
	}
	if u == nil {
		if u, err = s.kit.Migrate(ctx, p, c, in.Username, "", in.ClientMetadata); err != nil {
			return nil, err
		}
	}
	hide := hidesExistence(c)
	defer padAnswer(ctx, &s.pads.forgot, hide, u != nil, start)
	if u == nil && !hide {
		return nil, errUserNotFound()
	}
	if err := s.takeCodeRequest(ctx, p, selfServiceName(p, u, in.Username)); err != nil {
		return nil, err
	}
	if u == nil || (!u.Enabled && hide) {
		return &challenge.CodeDeliveryOutput{CodeDeliveryDetails: s.decoyDelivery(p, flow.CanonicalUsername(p, in.Username))}, nil
	}
	if !u.Enabled {
		return nil, errNotAuthorized(challenge.MsgUserDisabled)
	}
	ctx = withTriggerCall(ctx, c.ID, in.ClientMetadata, "")
	out, err := s.deliverCode(ctx, c, p, u, in.Username, purposeReset, true,
		"Cannot reset password for the user as there is no registered/verified email or phone_number")
	s.recordEvent(ctx, p, u.Username, challenge.EventTypeForgotPassword, err)
	return out, err
}

// ConfirmForgotPassword sets a new password with a reset code (from
// ForgotPassword or AdminResetUserPassword). Every code submitted counts
// towards the user's code-guess budget and lockout before it is checked;
// the password history is consulted only once the code is right. Under
// PreventUserExistenceErrors=ENABLED a name that does not exist is
// answered as a wrong code. Errors: CodeMismatchException,
// ExpiredCodeException, TooManyFailedAttemptsException,
// LimitExceededException, InvalidPasswordException,
// PasswordHistoryPolicyViolationException, UserNotFoundException (LEGACY),
// NotAuthorizedException.
func (s *Service) ConfirmForgotPassword(ctx context.Context, in *challenge.ConfirmForgotPasswordInput) (*challenge.Empty, error) {
	start := time.Now()
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if in.ConfirmationCode == "" {
		return nil, errMissing("ConfirmationCode")
	}
	if in.Password == "" {
		return nil, errMissing("Password")
	}
	c, p, u, err := s.publicUser(ctx, in.ClientId, in.SecretHash, in.Username)
	if err != nil {
		return nil, err
	}
	defer padAnswer(ctx, &s.pads.confirmForgot, hidesExistence(c), u != nil, start)
	if u == nil && !hidesExistence(c) {
		return nil, errUserNotFound()
	}
	if err := p.PasswordPolicy.Check(in.Password); err != nil {
		return nil, err
	}
	name := selfServiceName(p, u, in.Username)
	settle, err := s.reserveCodeGuess(ctx, p, name, purposeReset)
	if err != nil {
		return nil, err
	}
	// Read again (the reservation wrote the user; a name that does not
	// exist is looked up alike) and check the code.
	if u, err = s.dir.User(ctx, p.ID, name); err != nil {
		return nil, errInternal(err)
	}
	now := s.now()
	if err := s.guessCode(c, u, purposeReset, in.ConfirmationCode, now); err != nil {
		return nil, err
	}
	// The code is right: the history may be told (the code stays for
	// another password).
	if err := flow.PasswordReused(u, p, in.Password); err != nil {
		_ = settle(true)
		return nil, err
	}
	salt, verifier, err := srp.NewPasswordVerifier(s.rand, srp.PoolName(p.ID), u.Username, in.Password)
	if err != nil {
		return nil, errInternal(err)
	}
	flow.SetPassword(u, p, flow.PasswordRecord{Salt: salt, Verifier: verifier})
	if u.Status == flow.StatusResetRequired || u.Status == flow.StatusForceChangePassword {
		u.Status = flow.StatusConfirmed
	}
	u.TemporaryPasswordExpires = time.Time{}
	u.FailedAttempts, u.LockedUntil = 0, time.Time{}
	if err := s.update(ctx, u, now); err != nil {
		return nil, err
	}
	if err := settle(true); err != nil {
		return nil, err
	}
	if err := s.postConfirmation(ctx, p, c.ID, "PostConfirmation_ConfirmForgotPassword", u, in.ClientMetadata); err != nil {
		return nil, err
	}
	return &challenge.Empty{}, nil
}

// GetTokensFromRefreshToken exchanges a refresh token for new tokens, with
// a new refresh token when the client rotates them. A secret client sends
// its ClientSecret. Errors: NotAuthorizedException, InvalidParameterException,
// ResourceNotFoundException, InternalErrorException.
func (s *Service) GetTokensFromRefreshToken(ctx context.Context, in *challenge.GetTokensFromRefreshTokenInput) (*challenge.GetTokensFromRefreshTokenOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	c, p, err := s.kit.ClientAndPool(ctx, in.ClientId, "")
	if err != nil {
		return nil, err
	}
	if in.RefreshToken == "" {
		return nil, errMissing("RefreshToken")
	}
	if c.Secret != "" && !secretMatches(c, in.ClientSecret) {
		return nil, errNotAuthorized("Client secret is invalid for client " + c.ID)
	}
	if !c.Allows(challenge.FlowRefreshTokenAuth) {
		return nil, errParam("REFRESH_TOKEN_AUTH flow not enabled for this client")
	}
	result, err := s.kit.Refresh(ctx, c, p, in.RefreshToken, in.DeviceKey, c.RefreshTokenRotation, in.ClientMetadata)
	if err != nil {
		return nil, err
	}
	return &challenge.GetTokensFromRefreshTokenOutput{AuthenticationResult: result}, nil
}

// RevokeToken revokes a refresh token and the access tokens issued from it.
// Errors: UnsupportedOperationException (revocation off for the client),
// UnauthorizedException, UnsupportedTokenTypeException,
// InvalidParameterException, InternalErrorException.
func (s *Service) RevokeToken(ctx context.Context, in *challenge.RevokeTokenInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if in.Token == "" {
		return nil, errMissing("Token")
	}
	if in.ClientId == "" {
		return nil, errMissing("ClientId")
	}
	c, err := s.cat.Client(ctx, in.ClientId)
	if err != nil {
		return nil, errInternal(err)
	}
	if c == nil {
		return nil, challenge.New(challenge.ErrUnauthorized, "Invalid client id")
	}
	if c.Secret != "" && !secretMatches(c, in.ClientSecret) {
		return nil, challenge.New(challenge.ErrUnauthorized, "Client secret is invalid")
	}
	if !c.EnableTokenRevocation {
		return nil, challenge.New(challenge.ErrUnsupportedOperation, "Token revocation is not enabled for this client")
	}
	if err := s.issuer.Revoke(ctx, c.ID, in.Token); err != nil {
		if challenge.CodeOf(err) == challenge.ErrInternalError {
			return nil, errInternal(err)
		}
		return nil, err
	}
	return &challenge.Empty{}, nil
}
