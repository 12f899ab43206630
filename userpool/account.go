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
)

// The user's own attributes and account: AdminConfirmSignUp, DeleteUser,
// UpdateUserAttributes, GetUserAttributeVerificationCode,
// VerifyUserAttribute, DeleteUserAttributes, AdminDeleteUserAttributes.
//
// A code that verifies an attribute is kept in User.Codes under
// "verify:<attribute>\x00<value>" (so it verifies only the value it was
// sent to, whoever changes the attribute since), valid for
// attributeCodeValidity, and sent through
// the Sender with purpose "VERIFY_ATTRIBUTE". Its guesses are counted as
// confirmation codes are (reserveCodeGuess) and its requests as
// ResendConfirmationCode's are (takeCodeRequest).

const attributeCodeValidity = 24 * time.Hour

// attributePurpose names the guess budget of attr's codes.
func attributePurpose(attr string) string { return "verify:" + attr }

// attributeCodeKey is the User.Codes key of a code for attr's value v.
func attributeCodeKey(attr, v string) string { return attributePurpose(attr) + "\x00" + v }

// dropAttributeCodes removes every pending code of attr from u, and the
// pending new value of attr with its code (see pendingUpdates).
func dropAttributeCodes(u *flow.User, attr string) {
	prefix, pending := attributePurpose(attr)+"\x00", pendingCodeKey(attr, "")
	for k := range u.Codes {
		if strings.HasPrefix(k, prefix) || strings.HasPrefix(k, pending) {
			delete(u.Codes, k)
		}
	}
}

// verifiableMedium returns the delivery medium of a verifiable attribute.
func verifiableMedium(attr string) (string, bool) {
	switch attr {
	case "email":
		return challenge.DeliveryMediumEmail, true
	case "phone_number":
		return challenge.DeliveryMediumSMS, true
	}
	return "", false
}

// AdminConfirmSignUp confirms an UNCONFIRMED user without a code. Its
// pending sign-up code is dropped; no attribute is marked verified (as in
// Cognito). A user in any other status: NotAuthorizedException "User
// cannot be confirmed. Current status is <status>". Errors also as
// AdminGetUser, AliasExistsException never (the aliases are checked as
// unverified ones). UserHooks.PostConfirmation runs once the user is saved.
func (s *Service) AdminConfirmSignUp(ctx context.Context, in *challenge.AdminConfirmSignUpInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if u.Status != flow.StatusUnconfirmed {
		return nil, errNotAuthorized("User cannot be confirmed. Current status is " + string(u.Status))
	}
	u.Status = flow.StatusConfirmed
	delete(u.Codes, purposeSignUp)
	moves, err := s.kit.AliasMoves(ctx, p, u.Username, u.Attributes, false)
	if err != nil {
		return nil, err
	}
	if err := s.update(ctx, u, s.now(), moves...); err != nil {
		return nil, err
	}
	if err := s.postConfirmation(ctx, p, adminClientID, "PostConfirmation_ConfirmSignUp", u, in.ClientMetadata); err != nil {
		return nil, err
	}
	return &challenge.Empty{}, nil
}

// DeleteUser deletes the signed-in user and revokes their tokens. Errors
// as GetUser.
func (s *Service) DeleteUser(ctx context.Context, in *challenge.AccessTokenInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	_, u, _, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.dir.Apply(ctx, flow.Change{Kind: flow.ChangeDelete, User: u, Version: u.Version}); err != nil {
		if errors.Is(err, flow.ErrConflict) {
			return nil, challenge.Wrap(challenge.ErrTooManyRequests, "The user was changed concurrently; try again.", err)
		}
		return nil, errInternal(err)
	}
	if err := s.issuer.RevokeUser(ctx, u.PoolID, u.Username); err != nil {
		return nil, errInternal(err)
	}
	return &challenge.Empty{}, nil
}

// accessClient returns the app client an access token was issued to.
func (s *Service) accessClient(ctx context.Context, clientID string) (*flow.AppClient, error) {
	c, err := s.cat.Client(ctx, clientID)
	if err != nil {
		return nil, errInternal(err)
	}
	if c == nil {
		return nil, errNotAuthorized(challenge.MsgInvalidAccessToken)
	}
	return c, nil
}

// newAttributeCode records a fresh code for attr in u (the caller saves u)
// and returns the message that delivers it once u is saved.
func (s *Service) newAttributeCode(p *flow.Pool, u *flow.User, attr string, now time.Time) (flow.Message, error) {
	return s.newCodeFor(p, u, attr, attributeCodeKey(attr, u.Attributes[attr]), u.Attributes[attr], now)
}

// newCodeFor records a fresh code for attr under key, dropping attr's
// others, and returns the message that delivers it to dest.
func (s *Service) newCodeFor(p *flow.Pool, u *flow.User, attr, key, dest string, now time.Time) (flow.Message, error) {
	medium, _ := verifiableMedium(attr)
	code, err := flow.RandomDigits(s.rand, 6)
	if err != nil {
		return flow.Message{}, errInternal(err)
	}
	if u.Codes == nil {
		u.Codes = map[string]flow.PendingCode{}
	}
	dropAttributeCodes(u, attr)
	u.Codes[key] = flow.PendingCode{Hash: s.kit.CodeHash(key, code), Expires: now.Add(attributeCodeValidity)}
	return flow.Message{PoolID: p.ID, Username: u.Username, Medium: medium, Destination: dest,
		Purpose: "VERIFY_ATTRIBUTE", Code: code}, nil
}

// deliver sends m (if a Sender is configured) and describes where it went.
func (s *Service) deliver(ctx context.Context, attr string, m flow.Message) (*challenge.CodeDeliveryDetailsType, error) {
	if s.sender != nil {
		if err := s.send(ctx, nil, m); err != nil {
			if isLambdaError(err) {
				return nil, err
			}
			return nil, challenge.Wrap(challenge.ErrCodeDeliveryFailure, "Unable to deliver the code.", err)
		}
	}
	return &challenge.CodeDeliveryDetailsType{AttributeName: attr, DeliveryMedium: m.Medium,
		Destination: flow.MaskDestination(m.Medium, m.Destination)}, nil
}

// UpdateUserAttributes writes the signed-in user's attributes, within the
// client's WriteAttributes (*_verified only where it names them). An empty
// value deletes the attribute. A changed email or phone_number the pool
// auto-verifies is marked unverified and a code is sent there
// (CodeDeliveryDetailsList). The new value is written at once, except
// where the pool's UserAttributeUpdateSettings names the attribute and
// its current value is verified: then the old value stays, verified,
// the code goes to the new one, and VerifyUserAttribute with that code
// makes the new value the user's (see pendingUpdates). Every attribute
// is checked against the pool's schema (InvalidParameterException).
func (s *Service) UpdateUserAttributes(ctx context.Context, in *challenge.UpdateUserAttributesInput) (*challenge.UpdateUserAttributesOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, claims, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if len(in.UserAttributes) == 0 {
		return nil, errMissing("UserAttributes")
	}
	if err := checkAttributes(in.UserAttributes); err != nil {
		return nil, err
	}
	c, err := s.accessClient(ctx, claims.ClientID)
	if err != nil {
		return nil, err
	}
	ctx = withTriggerCall(ctx, c.ID, in.ClientMetadata, "CustomMessage_UpdateUserAttribute")
	set := map[string]string{}
	for _, a := range in.UserAttributes {
		set[a.Name] = a.Value
	}
	flow.NormalizeAliases(p, set)
	if err := flow.CheckClientAttributeWrite(c, u, set); err != nil {
		return nil, err
	}
	if err := checkClientWrite(set); err != nil {
		return nil, err
	}
	if err := checkSchema(p, schema.Update, u, set); err != nil {
		return nil, err
	}
	pending := pendingUpdates(p, u, set)
	now := s.now()
	if u.Attributes == nil {
		u.Attributes = map[string]string{}
	}
	var changed []string
	for _, attr := range []string{"email", "phone_number"} {
		if v, ok := set[attr]; ok && v != u.Attributes[attr] {
			changed = append(changed, attr)
		}
	}
	for name, v := range set {
		if v == "" {
			delete(u.Attributes, name)
		} else {
			u.Attributes[name] = v
		}
	}
	var msgs []flow.Message
	var attrs []string
	for _, attr := range changed {
		dropAttributeCodes(u, attr)
		flag, _ := flow.VerifiedFlag(attr)
		if u.Attributes[attr] == "" {
			delete(u.Attributes, flag)
			continue
		}
		if !slices.Contains(p.AutoVerifiedAttributes, attr) {
			continue
		}
		if _, own := set[flag]; !own {
			u.Attributes[flag] = "false"
		}
		if u.Attributes[flag] == "true" {
			continue
		}
		m, err := s.newAttributeCode(p, u, attr, now)
		if err != nil {
			return nil, err
		}
		msgs, attrs = append(msgs, m), append(attrs, attr)
	}
	waiting, err := s.pendingCodes(p, u, pending, now)
	if err != nil {
		return nil, err
	}
	for _, w := range waiting {
		msgs, attrs = append(msgs, w.Message), append(attrs, w.Attribute)
	}
	moves, err := s.kit.AliasMoves(ctx, p, u.Username, u.Attributes, false)
	if err != nil {
		return nil, err
	}
	if err := s.update(ctx, u, now, moves...); err != nil {
		return nil, err
	}
	out := &challenge.UpdateUserAttributesOutput{}
	for i, m := range msgs {
		d, err := s.deliver(ctx, attrs[i], m)
		if err != nil {
			return nil, err
		}
		out.CodeDeliveryDetailsList = append(out.CodeDeliveryDetailsList, *d)
	}
	return out, nil
}

// checkVerifiable validates the AttributeName of the verification
// operations: email or phone_number, which the user must have.
func checkVerifiable(u *flow.User, attr string) error {
	if attr == "" {
		return errMissing("AttributeName")
	}
	if _, ok := verifiableMedium(attr); !ok {
		if len(attr) > 64 || !utf8.ValidString(attr) {
			return errParam("Invalid attribute name.")
		}
		return errParam("Attribute " + attr + " cannot be verified.")
	}
	if u.Attributes[attr] == "" {
		return errParam("The user does not have the attribute " + attr + ".")
	}
	return nil
}

// GetUserAttributeVerificationCode sends the signed-in user a code for
// their email or phone_number, within the code-request budget
// (LimitExceededException beyond it).
func (s *Service) GetUserAttributeVerificationCode(ctx context.Context, in *challenge.GetUserAttributeVerificationCodeInput) (*challenge.CodeDeliveryOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, _, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := checkVerifiable(u, in.AttributeName); err != nil {
		return nil, err
	}
	if err := s.takeCodeRequest(ctx, p, u.Username); err != nil {
		return nil, err
	}
	now := s.now()
	var m flow.Message
	if v, ok := pendingValue(u, in.AttributeName); ok {
		// A change waiting for verification: the code goes to the new value.
		m, err = s.newCodeFor(p, u, in.AttributeName, pendingCodeKey(in.AttributeName, v), v, now)
	} else {
		m, err = s.newAttributeCode(p, u, in.AttributeName, now)
	}
	if err != nil {
		return nil, err
	}
	if err := s.update(ctx, u, now); err != nil {
		return nil, err
	}
	d, err := s.deliver(ctx, in.AttributeName, m)
	if err != nil {
		return nil, err
	}
	return &challenge.CodeDeliveryOutput{CodeDeliveryDetails: d}, nil
}

// VerifyUserAttribute marks the signed-in user's email or phone_number
// verified with the code sent there. Each guess is counted before it is
// checked (see the limits in selfservice.go): CodeMismatchException,
// ExpiredCodeException, TooManyFailedAttemptsException,
// LimitExceededException; AliasExistsException when another user holds
// the value as a verified alias.
func (s *Service) VerifyUserAttribute(ctx context.Context, in *challenge.VerifyUserAttributeInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, claims, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if in.Code == "" {
		return nil, errMissing("Code")
	}
	if err := checkVerifiable(u, in.AttributeName); err != nil {
		return nil, err
	}
	c, err := s.accessClient(ctx, claims.ClientID)
	if err != nil {
		return nil, err
	}
	settle, err := s.reserveCodeGuess(ctx, p, u.Username, attributePurpose(in.AttributeName))
	if err != nil {
		return nil, err
	}
	// Read again: the reservation wrote the user.
	if u, err = s.dir.User(ctx, p.ID, u.Username); err != nil {
		return nil, errInternal(err)
	} else if u == nil {
		return nil, errNotAuthorized(challenge.MsgInvalidAccessToken)
	}
	now := s.now()
	// The code is looked up by the value the user has now, or by the
	// new value waiting for it.
	key := attributeCodeKey(in.AttributeName, u.Attributes[in.AttributeName])
	newValue, pending := pendingValue(u, in.AttributeName)
	if pending {
		key = pendingCodeKey(in.AttributeName, newValue)
	}
	if err := s.guessCode(c, u, key, in.Code, now); err != nil {
		return nil, err
	}
	if pending {
		u.Attributes[in.AttributeName] = newValue
		dropAttributeCodes(u, in.AttributeName)
	}
	flag, _ := flow.VerifiedFlag(in.AttributeName)
	u.Attributes[flag] = "true"
	moves, err := s.kit.AliasMoves(ctx, p, u.Username, u.Attributes, false)
	if err != nil {
		return nil, err
	}
	if err := s.update(ctx, u, now, moves...); err != nil {
		return nil, err
	}
	if err := settle(true); err != nil {
		return nil, err
	}
	return &challenge.Empty{}, nil
}

// deleteAttributes removes names from u and saves it. Deleting email or
// phone_number deletes its *_verified flag and pending code too; sub and
// the other non-mutable attributes are refused.
func (s *Service) deleteAttributes(ctx context.Context, p *flow.Pool, u *flow.User, names []string) error {
	if len(names) == 0 {
		return errMissing("UserAttributeNames")
	}
	attrs := make([]challenge.AttributeType, len(names))
	for i, n := range names {
		attrs[i] = challenge.AttributeType{Name: n}
	}
	if err := checkAttributes(attrs); err != nil {
		return err
	}
	set := map[string]string{}
	for _, n := range names {
		set[n] = ""
	}
	if err := checkSchema(p, schema.Update, u, set); err != nil {
		return err
	}
	for _, n := range names {
		delete(u.Attributes, n)
		if flag, ok := flow.VerifiedFlag(n); ok {
			delete(u.Attributes, flag)
			dropAttributeCodes(u, n)
		}
	}
	moves, err := s.kit.AliasMoves(ctx, p, u.Username, u.Attributes, false)
	if err != nil {
		return err
	}
	return s.update(ctx, u, s.now(), moves...)
}

// DeleteUserAttributes deletes attributes of the signed-in user, within
// the client's WriteAttributes. Errors as UpdateUserAttributes.
func (s *Service) DeleteUserAttributes(ctx context.Context, in *challenge.DeleteUserAttributesInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, claims, err := s.accessUser(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	c, err := s.accessClient(ctx, claims.ClientID)
	if err != nil {
		return nil, err
	}
	set := map[string]string{}
	for _, n := range in.UserAttributeNames {
		set[n] = ""
	}
	if len(set) <= 64 {
		if err := flow.CheckClientAttributeWrite(c, u, set); err != nil {
			return nil, err
		}
		if err := checkClientWrite(set); err != nil {
			return nil, err
		}
	}
	if err := s.deleteAttributes(ctx, p, u, in.UserAttributeNames); err != nil {
		return nil, err
	}
	return &challenge.Empty{}, nil
}

// AdminDeleteUserAttributes deletes attributes of a user. Errors as
// AdminUpdateUserAttributes.
func (s *Service) AdminDeleteUserAttributes(ctx context.Context, in *challenge.AdminDeleteUserAttributesInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if err := s.deleteAttributes(ctx, p, u, in.UserAttributeNames); err != nil {
		return nil, err
	}
	return &challenge.Empty{}, nil
}
