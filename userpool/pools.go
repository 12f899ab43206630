package userpool

import (
	"context"
	"crypto/subtle"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/schema"
)

// randomString returns n characters of alphabet read from r.
func randomString(r interface{ Read([]byte) (int, error) }, n int, alphabet string) (string, error) {
	out := make([]byte, n)
	for i := range out {
		k, err := flow.RandomIndex(r, len(alphabet))
		if err != nil {
			return "", err
		}
		out[i] = alphabet[k]
	}
	return string(out), nil
}

const (
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
)

func boolOr(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}

// poolFromInput applies the members that CreateUserPool and UpdateUserPool
// share; omitted members take their defaults.
func poolFromInput(p *flow.Pool, pol *challenge.UserPoolPolicyType, mfa string, dev *challenge.DeviceConfigurationType,
	autoVerified []string, tier string, acu *challenge.AdminCreateUserConfigType, deletion string, addOns *challenge.UserPoolAddOnsType) error {
	p.PasswordPolicy = flow.DefaultPasswordPolicy()
	p.AllowedFirstAuthFactors = []string{"PASSWORD"}
	if pol != nil && pol.PasswordPolicy != nil {
		pp := pol.PasswordPolicy
		if pp.MinimumLength != 0 && (pp.MinimumLength < 6 || pp.MinimumLength > 99) {
			return errParam("1 validation error detected: Value at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value between 6 and 99")
		}
		if pp.TemporaryPasswordValidityDays < 0 || pp.TemporaryPasswordValidityDays > 365 || pp.PasswordHistorySize < 0 || pp.PasswordHistorySize > 24 {
			return errParam("Invalid password policy.")
		}
		p.PasswordPolicy = flow.PasswordPolicy{MinimumLength: max(pp.MinimumLength, 8), RequireUppercase: pp.RequireUppercase,
			RequireLowercase: pp.RequireLowercase, RequireNumbers: pp.RequireNumbers, RequireSymbols: pp.RequireSymbols,
			TemporaryPasswordValidityDays: pp.TemporaryPasswordValidityDays, PasswordHistorySize: pp.PasswordHistorySize}
		if pp.MinimumLength != 0 {
			p.PasswordPolicy.MinimumLength = pp.MinimumLength
		}
		if p.PasswordPolicy.TemporaryPasswordValidityDays == 0 {
			p.PasswordPolicy.TemporaryPasswordValidityDays = 7
		}
	}
	if pol != nil && pol.SignInPolicy != nil && len(pol.SignInPolicy.AllowedFirstAuthFactors) > 0 {
		for _, f := range pol.SignInPolicy.AllowedFirstAuthFactors {
			switch f {
			case "PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN":
			default:
				return errParam("Invalid AllowedFirstAuthFactors value " + truncate(f, 32) + ".")
			}
		}
		if !slices.Contains(pol.SignInPolicy.AllowedFirstAuthFactors, "PASSWORD") {
			return errParam("AllowedFirstAuthFactors must include PASSWORD.")
		}
		p.AllowedFirstAuthFactors = append([]string(nil), pol.SignInPolicy.AllowedFirstAuthFactors...)
	}
	switch flow.MFAConfiguration(mfa) {
	case "":
		p.MFA = flow.MFAOff
	case flow.MFAOff, flow.MFAOn, flow.MFAOptional:
		p.MFA = flow.MFAConfiguration(mfa)
	default:
		return errParam("MfaConfiguration must be OFF, ON or OPTIONAL.")
	}
	p.Devices = nil
	if dev != nil {
		p.Devices = &flow.DeviceConfiguration{ChallengeRequiredOnNewDevice: dev.ChallengeRequiredOnNewDevice,
			DeviceOnlyRememberedOnUserPrompt: dev.DeviceOnlyRememberedOnUserPrompt}
	}
	for _, a := range autoVerified {
		if a != "email" && a != "phone_number" {
			return errParam("AutoVerifiedAttributes may hold email and phone_number only.")
		}
	}
	p.AutoVerifiedAttributes = append([]string(nil), autoVerified...)
	switch tier {
	case "":
		p.UserPoolTier = "ESSENTIALS"
	case "LITE", "ESSENTIALS", "PLUS":
		p.UserPoolTier = tier
	default:
		return errParam("UserPoolTier must be LITE, ESSENTIALS or PLUS.")
	}
	p.AllowAdminCreateUserOnly, p.UnusedAccountValidityDays = false, 7
	if acu != nil {
		p.AllowAdminCreateUserOnly = acu.AllowAdminCreateUserOnly
		if acu.UnusedAccountValidityDays != 0 {
			p.UnusedAccountValidityDays = acu.UnusedAccountValidityDays
		}
	}
	switch deletion {
	case "":
		p.DeletionProtection = "INACTIVE"
	case "ACTIVE", "INACTIVE":
		p.DeletionProtection = deletion
	default:
		return errParam("DeletionProtection must be ACTIVE or INACTIVE.")
	}
	p.AdvancedSecurityMode = "OFF"
	if addOns != nil && addOns.AdvancedSecurityMode != "" {
		p.AdvancedSecurityMode = addOns.AdvancedSecurityMode
	}
	return nil
}

// CreateUserPool creates a pool with ID "<region>_<random>". Errors:
// InvalidParameterException, InternalErrorException.
func (s *Service) CreateUserPool(ctx context.Context, in *challenge.CreateUserPoolInput) (*challenge.UserPoolOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if in.PoolName == "" || utf8.RuneCountInString(in.PoolName) > 128 {
		return nil, errParam("PoolName must be 1 to 128 characters.")
	}
	if len(in.UsernameAttributes) > 0 && len(in.AliasAttributes) > 0 {
		return nil, errParam("Only one of AliasAttributes and UsernameAttributes can be set in a User Pool")
	}
	for _, a := range in.UsernameAttributes {
		if a != "email" && a != "phone_number" {
			return nil, errParam("UsernameAttributes may hold email and phone_number only.")
		}
	}
	for _, a := range in.AliasAttributes {
		if a != "email" && a != "phone_number" && a != "preferred_username" {
			return nil, errParam("AliasAttributes may hold email, phone_number and preferred_username only.")
		}
	}
	suffix, err := randomString(s.rand, 9, alnum)
	if err != nil {
		return nil, errInternal(err)
	}
	now := s.now()
	p := &flow.Pool{ID: s.region + "_" + suffix, Name: in.PoolName, Created: now, LastModified: now,
		UsernameAttributes: slices.Clone(in.UsernameAttributes), AliasAttributes: slices.Clone(in.AliasAttributes),
		CaseSensitive: in.UsernameConfiguration == nil || boolOr(in.UsernameConfiguration.CaseSensitive, true),
		CodeValidity:  3 * time.Minute}
	p.Arn = "arn:aws:cognito-idp:" + s.region + ":000000000000:userpool/" + p.ID
	if err := poolFromInput(p, in.Policies, in.MfaConfiguration, in.DeviceConfiguration, in.AutoVerifiedAttributes,
		in.UserPoolTier, in.AdminCreateUserConfig, in.DeletionProtection, in.UserPoolAddOns); err != nil {
		return nil, err
	}
	if err := setPoolTags(p, in.UserPoolTags); err != nil {
		return nil, err
	}
	if err := in.LambdaConfig.Check(); err != nil {
		return nil, err
	}
	p.LambdaConfig = in.LambdaConfig.Clone()
	if p.MFA != flow.MFAOff {
		// Cognito asks for a factor with MFA on; SMS is the one configured
		// at creation.
		p.SMSMFAEnabled = true
	}
	if p.Schema, err = schema.New(in.Schema); err != nil {
		return nil, err
	}
	p.SchemaRequired = schema.Required(p.Schema)
	if err := setUpdateSettings(p, in.UserAttributeUpdateSettings); err != nil {
		return nil, err
	}
	if err := s.cat.PutPool(ctx, p); err != nil {
		return nil, errInternal(err)
	}
	return &challenge.UserPoolOutput{UserPool: s.poolType(ctx, p)}, nil
}

func (s *Service) poolType(ctx context.Context, p *flow.Pool) *challenge.UserPoolType {
	cs := p.CaseSensitive
	t := &challenge.UserPoolType{
		Id: p.ID, Name: p.Name, Arn: p.Arn, MfaConfiguration: string(p.MFA),
		Policies: &challenge.UserPoolPolicyType{
			PasswordPolicy: &challenge.PasswordPolicyType{MinimumLength: p.PasswordPolicy.MinimumLength,
				RequireUppercase: p.PasswordPolicy.RequireUppercase, RequireLowercase: p.PasswordPolicy.RequireLowercase,
				RequireNumbers: p.PasswordPolicy.RequireNumbers, RequireSymbols: p.PasswordPolicy.RequireSymbols,
				PasswordHistorySize: p.PasswordPolicy.PasswordHistorySize, TemporaryPasswordValidityDays: p.PasswordPolicy.TemporaryPasswordValidityDays},
			SignInPolicy: &challenge.SignInPolicyType{AllowedFirstAuthFactors: slices.Clone(p.AllowedFirstAuthFactors)},
		},
		UsernameAttributes: slices.Clone(p.UsernameAttributes), AliasAttributes: slices.Clone(p.AliasAttributes),
		UsernameConfiguration:  &challenge.UsernameConfigurationType{CaseSensitive: &cs},
		AutoVerifiedAttributes: slices.Clone(p.AutoVerifiedAttributes), UserPoolTier: p.UserPoolTier,
		AdminCreateUserConfig: &challenge.AdminCreateUserConfigType{AllowAdminCreateUserOnly: p.AllowAdminCreateUserOnly,
			UnusedAccountValidityDays: p.UnusedAccountValidityDays},
		DeletionProtection: p.DeletionProtection, UserPoolAddOns: &challenge.UserPoolAddOnsType{AdvancedSecurityMode: p.AdvancedSecurityMode},
		CreationDate: challenge.At(p.Created), LastModifiedDate: challenge.At(p.LastModified),
		LambdaConfig: p.LambdaConfig.Clone(), Domain: p.Domain,
	}
	t.UserPoolTags = poolTags(p)
	if p.Devices != nil {
		t.DeviceConfiguration = &challenge.DeviceConfigurationType{ChallengeRequiredOnNewDevice: p.Devices.ChallengeRequiredOnNewDevice,
			DeviceOnlyRememberedOnUserPrompt: p.Devices.DeviceOnlyRememberedOnUserPrompt}
	}
	t.SchemaAttributes = poolSchema(p)
	t.UserAttributeUpdateSettings = updateSettings(p)
	if users, err := s.dir.Users(ctx, p.ID, "", 10000); err == nil {
		t.EstimatedNumberOfUsers = len(users)
	}
	return t
}

// DescribeUserPool returns a pool. Errors: ResourceNotFoundException,
// InvalidParameterException, InternalErrorException.
func (s *Service) DescribeUserPool(ctx context.Context, in *challenge.UserPoolIdInput) (*challenge.UserPoolOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, err := s.pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return &challenge.UserPoolOutput{UserPool: s.poolType(ctx, p)}, nil
}

// UpdateUserPool replaces a pool's settings; omitted members are reset to
// their defaults, as Cognito does. Username settings cannot change.
func (s *Service) UpdateUserPool(ctx context.Context, in *challenge.UpdateUserPoolInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, err := s.pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if err := poolFromInput(p, in.Policies, in.MfaConfiguration, in.DeviceConfiguration, in.AutoVerifiedAttributes,
		in.UserPoolTier, in.AdminCreateUserConfig, in.DeletionProtection, in.UserPoolAddOns); err != nil {
		return nil, err
	}
	if err := in.LambdaConfig.Check(); err != nil {
		return nil, err
	}
	p.LambdaConfig = in.LambdaConfig.Clone() // omitted: no triggers, as Cognito resets it
	if err := setUpdateSettings(p, in.UserAttributeUpdateSettings); err != nil {
		return nil, err
	}
	p.LastModified = s.now()
	if err := s.cat.PutPool(ctx, p); err != nil {
		return nil, errInternal(err)
	}
	return &challenge.Empty{}, nil
}

// DeleteUserPool deletes a pool, its clients and its users, unless deletion
// protection is on (InvalidParameterException).
func (s *Service) DeleteUserPool(ctx context.Context, in *challenge.UserPoolIdInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, err := s.pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if p.DeletionProtection == "ACTIVE" {
		return nil, errParam("The user pool " + p.ID + " has deletion protection activated.")
	}
	if err := s.cat.DeletePool(ctx, p.ID); err != nil {
		return nil, errInternal(err)
	}
	return &challenge.Empty{}, nil
}

// page cuts a sorted list of ids at a NextToken and a limit.
func page(ids []string, token string, limit int) (keep []string, next string) {
	start := 0
	if token != "" {
		start = sort.SearchStrings(ids, token)
		if start < len(ids) && ids[start] == token {
			start++
		}
	}
	end := min(start+limit, len(ids))
	if start >= end {
		return nil, ""
	}
	if end < len(ids) {
		next = ids[end-1]
	}
	return ids[start:end], next
}

// ListUserPools lists pools. Errors: InvalidParameterException, InternalErrorException.
func (s *Service) ListUserPools(ctx context.Context, in *challenge.ListUserPoolsInput) (*challenge.ListUserPoolsOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if in.MaxResults < 1 || in.MaxResults > 60 {
		return nil, errParam("1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60")
	}
	pools, err := s.cat.Pools(ctx)
	if err != nil {
		return nil, errInternal(err)
	}
	byID := map[string]*flow.Pool{}
	var ids []string
	for _, p := range pools {
		byID[p.ID] = p
		ids = append(ids, p.ID)
	}
	sort.Strings(ids)
	keep, next := page(ids, in.NextToken, in.MaxResults)
	out := &challenge.ListUserPoolsOutput{UserPools: []challenge.UserPoolDescriptionType{}, NextToken: next}
	for _, id := range keep {
		p := byID[id]
		out.UserPools = append(out.UserPools, challenge.UserPoolDescriptionType{Id: p.ID, Name: p.Name,
			CreationDate: challenge.At(p.Created), LastModifiedDate: challenge.At(p.LastModified)})
	}
	return out, nil
}

// validity converts a configured validity to a duration, checking the range.
func validity(n int, unit, def string, min, max, fallback time.Duration) (time.Duration, string, error) {
	if unit == "" {
		unit = def
	}
	var u time.Duration
	switch unit {
	case "seconds":
		u = time.Second
	case "minutes":
		u = time.Minute
	case "hours":
		u = time.Hour
	case "days":
		u = 24 * time.Hour
	default:
		return 0, "", errParam("TokenValidityUnits must be seconds, minutes, hours or days.")
	}
	if n == 0 {
		return fallback, unit, nil
	}
	d := time.Duration(n) * u
	if n < 0 || d < min || d > max {
		return 0, "", errParam("Token validity " + strconv.Itoa(n) + " " + unit + " is out of range.")
	}
	return d, unit, nil
}

var knownAuthFlows = []string{
	challenge.ExplicitAllowUserAuth, challenge.ExplicitAllowUserSRPAuth, challenge.ExplicitAllowUserPasswordAuth,
	challenge.ExplicitAllowAdminUserPassword, challenge.ExplicitAllowCustomAuth, challenge.ExplicitAllowRefreshTokenAuth,
	challenge.ExplicitLegacyAdminNoSRPAuth, challenge.ExplicitLegacyCustomAuthOnly, challenge.ExplicitLegacyUserPasswordAuth,
}

// clientFromInput applies the members of Create/UpdateUserPoolClient.
func clientFromInput(c *flow.AppClient, in *challenge.UserPoolClientInput) error {
	if in.ClientName == "" || utf8.RuneCountInString(in.ClientName) > 128 {
		return errParam("ClientName must be 1 to 128 characters.")
	}
	c.Name = in.ClientName
	legacy, allow := false, false
	for _, f := range in.ExplicitAuthFlows {
		if !slices.Contains(knownAuthFlows, f) {
			return errParam("Invalid ExplicitAuthFlows value " + truncate(f, 40) + ".")
		}
		if len(f) > 6 && f[:6] == "ALLOW_" {
			allow = true
		} else {
			legacy = true
		}
	}
	if legacy && allow {
		return errParam("ExplicitAuthFlows can not have both ALLOW_XXX and XXX values")
	}
	c.ExplicitAuthFlows = slices.Clone(in.ExplicitAuthFlows)
	switch in.PreventUserExistenceErrors {
	case "":
		c.PreventUserExistenceErrors = challenge.PreventUserExistenceErrorsLegacy
	case challenge.PreventUserExistenceErrorsLegacy, challenge.PreventUserExistenceErrorsOn:
		c.PreventUserExistenceErrors = in.PreventUserExistenceErrors
	default:
		return errParam("PreventUserExistenceErrors must be LEGACY or ENABLED.")
	}
	c.EnableTokenRevocation = boolOr(in.EnableTokenRevocation, true)
	units := in.TokenValidityUnits
	if units == nil {
		units = &challenge.TokenValidityUnitsType{}
	}
	var err error
	if c.AccessTokenValidity, c.AccessTokenUnit, err = validity(in.AccessTokenValidity, units.AccessToken, "hours", 5*time.Minute, 24*time.Hour, time.Hour); err != nil {
		return err
	}
	if c.IDTokenValidity, c.IDTokenUnit, err = validity(in.IdTokenValidity, units.IdToken, "hours", 5*time.Minute, 24*time.Hour, time.Hour); err != nil {
		return err
	}
	if c.RefreshTokenValidity, c.RefreshTokenUnit, err = validity(in.RefreshTokenValidity, units.RefreshToken, "days", time.Hour, 3650*24*time.Hour, 30*24*time.Hour); err != nil {
		return err
	}
	switch {
	case in.AuthSessionValidity == 0:
		c.AuthSessionValidity = 3 * time.Minute
	case in.AuthSessionValidity < 3 || in.AuthSessionValidity > 15:
		return errParam("1 validation error detected: Value at 'authSessionValidity' failed to satisfy constraint: Member must have value between 3 and 15")
	default:
		c.AuthSessionValidity = time.Duration(in.AuthSessionValidity) * time.Minute
	}
	c.ReadAttributes, c.WriteAttributes = slices.Clone(in.ReadAttributes), slices.Clone(in.WriteAttributes)
	c.RefreshTokenRotation, c.RetryGracePeriod = false, 0
	if r := in.RefreshTokenRotation; r != nil {
		switch r.Feature {
		case "ENABLED":
			c.RefreshTokenRotation = true
		case "", "DISABLED":
		default:
			return errParam("RefreshTokenRotation.Feature must be ENABLED or DISABLED.")
		}
		if r.RetryGracePeriodSeconds < 0 || r.RetryGracePeriodSeconds > 60 {
			return errParam("RetryGracePeriodSeconds must be between 0 and 60.")
		}
		c.RetryGracePeriod = time.Duration(r.RetryGracePeriodSeconds) * time.Second
	}
	return nil
}

func inUnits(d time.Duration, unit string) int {
	switch unit {
	case "seconds":
		return int(d / time.Second)
	case "minutes":
		return int(d / time.Minute)
	case "days":
		return int(d / (24 * time.Hour))
	}
	return int(d / time.Hour)
}

func clientType(c *flow.AppClient) *challenge.UserPoolClientType {
	t := &challenge.UserPoolClientType{
		UserPoolId: c.PoolID, ClientName: c.Name, ClientId: c.ID, ClientSecret: c.Secret,
		ExplicitAuthFlows: slices.Clone(c.ExplicitAuthFlows), PreventUserExistenceErrors: c.PreventUserExistenceErrors,
		EnableTokenRevocation: c.EnableTokenRevocation,
		AccessTokenValidity:   inUnits(c.AccessTokenValidity, c.AccessTokenUnit),
		IdTokenValidity:       inUnits(c.IDTokenValidity, c.IDTokenUnit),
		RefreshTokenValidity:  inUnits(c.RefreshTokenValidity, c.RefreshTokenUnit),
		TokenValidityUnits:    &challenge.TokenValidityUnitsType{AccessToken: c.AccessTokenUnit, IdToken: c.IDTokenUnit, RefreshToken: c.RefreshTokenUnit},
		AuthSessionValidity:   int(c.SessionValidity() / time.Minute),
		ReadAttributes:        slices.Clone(c.ReadAttributes), WriteAttributes: slices.Clone(c.WriteAttributes),
		CreationDate: challenge.At(c.Created), LastModifiedDate: challenge.At(c.LastModified),
		OAuthClientSettings: oauthSettings(c),
	}
	if len(t.ExplicitAuthFlows) == 0 {
		t.ExplicitAuthFlows = slices.Clone(flow.DefaultExplicitAuthFlows)
	}
	if c.RefreshTokenRotation {
		t.RefreshTokenRotation = &challenge.RefreshTokenRotationType{Feature: "ENABLED", RetryGracePeriodSeconds: int(c.RetryGracePeriod / time.Second)}
	} else {
		t.RefreshTokenRotation = &challenge.RefreshTokenRotationType{Feature: "DISABLED"}
	}
	return t
}

// CreateUserPoolClient creates an app client (with a secret when
// GenerateSecret). Errors: InvalidParameterException,
// ResourceNotFoundException, InternalErrorException.
func (s *Service) CreateUserPoolClient(ctx context.Context, in *challenge.UserPoolClientInput) (*challenge.UserPoolClientOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, err := s.pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	id, err := randomString(s.rand, 26, lowerAlnum)
	if err != nil {
		return nil, errInternal(err)
	}
	now := s.now()
	c := &flow.AppClient{ID: id, PoolID: p.ID, Created: now, LastModified: now}
	if err := clientFromInput(c, in); err != nil {
		return nil, err
	}
	if err := checkClientAttributes(p, c, "creating"); err != nil {
		return nil, err
	}
	if in.GenerateSecret {
		if c.Secret, err = randomString(s.rand, 51, lowerAlnum); err != nil {
			return nil, errInternal(err)
		}
	}
	if err := s.setOAuthClient(ctx, c, &in.OAuthClientSettings); err != nil {
		return nil, err
	}
	if err := s.cat.PutClient(ctx, c); err != nil {
		return nil, errInternal(err)
	}
	return &challenge.UserPoolClientOutput{UserPoolClient: clientType(c)}, nil
}

func (s *Service) poolClient(ctx context.Context, poolID, clientID string) (*flow.AppClient, error) {
	if _, err := s.pool(ctx, poolID); err != nil {
		return nil, err
	}
	if clientID == "" {
		return nil, errMissing("ClientId")
	}
	c, err := s.cat.Client(ctx, clientID)
	if err != nil {
		return nil, errInternal(err)
	}
	if c == nil || c.PoolID != poolID {
		return nil, errNoClient(clientID)
	}
	return c, nil
}

// DescribeUserPoolClient returns an app client, secret included.
func (s *Service) DescribeUserPoolClient(ctx context.Context, in *challenge.ClientIdInput) (*challenge.UserPoolClientOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	c, err := s.poolClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	return &challenge.UserPoolClientOutput{UserPoolClient: clientType(c)}, nil
}

// UpdateUserPoolClient replaces an app client's settings; omitted members
// are reset to their defaults. The secret is kept.
func (s *Service) UpdateUserPoolClient(ctx context.Context, in *challenge.UserPoolClientInput) (*challenge.UserPoolClientOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	c, err := s.poolClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	if in.ClientName == "" {
		in.ClientName = c.Name
	}
	if err := clientFromInput(c, in); err != nil {
		return nil, err
	}
	if p, err := s.pool(ctx, in.UserPoolId); err != nil {
		return nil, err
	} else if err := checkClientAttributes(p, c, "updating"); err != nil {
		return nil, err
	}
	if err := s.setOAuthClient(ctx, c, &in.OAuthClientSettings); err != nil {
		return nil, err
	}
	c.LastModified = s.now()
	if err := s.cat.PutClient(ctx, c); err != nil {
		return nil, errInternal(err)
	}
	return &challenge.UserPoolClientOutput{UserPoolClient: clientType(c)}, nil
}

// DeleteUserPoolClient deletes an app client.
func (s *Service) DeleteUserPoolClient(ctx context.Context, in *challenge.ClientIdInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	c, err := s.poolClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := s.cat.DeleteClient(ctx, c.ID); err != nil {
		return nil, errInternal(err)
	}
	return &challenge.Empty{}, nil
}

// ListUserPoolClients lists a pool's app clients.
func (s *Service) ListUserPoolClients(ctx context.Context, in *challenge.ListUserPoolClientsInput) (*challenge.ListUserPoolClientsOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if _, err := s.pool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	limit := in.MaxResults
	if limit == 0 {
		limit = 60
	}
	if limit < 1 || limit > 60 {
		return nil, errParam("MaxResults must be between 1 and 60.")
	}
	clients, err := s.cat.Clients(ctx, in.UserPoolId)
	if err != nil {
		return nil, errInternal(err)
	}
	byID := map[string]*flow.AppClient{}
	var ids []string
	for _, c := range clients {
		byID[c.ID] = c
		ids = append(ids, c.ID)
	}
	sort.Strings(ids)
	keep, next := page(ids, in.NextToken, limit)
	out := &challenge.ListUserPoolClientsOutput{UserPoolClients: []challenge.UserPoolClientDescription{}, NextToken: next}
	for _, id := range keep {
		out.UserPoolClients = append(out.UserPoolClients, challenge.UserPoolClientDescription{ClientId: id, ClientName: byID[id].Name, UserPoolId: in.UserPoolId})
	}
	return out, nil
}

// SetUserPoolMfaConfig sets a pool's MFA configuration and passkey
// settings. Errors: InvalidParameterException, ResourceNotFoundException,
// InternalErrorException.
func (s *Service) SetUserPoolMfaConfig(ctx context.Context, in *challenge.UserPoolMfaConfig) (*challenge.UserPoolMfaConfig, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, err := s.pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if in.MfaConfiguration != "" {
		switch flow.MFAConfiguration(in.MfaConfiguration) {
		case flow.MFAOff, flow.MFAOn, flow.MFAOptional:
			p.MFA = flow.MFAConfiguration(in.MfaConfiguration)
		default:
			return nil, errParam("MfaConfiguration must be OFF, ON or OPTIONAL.")
		}
	}
	if err := checkMessageConfig(in); err != nil {
		return nil, err
	}
	p.SMSMFAEnabled = in.SmsMfaConfiguration != nil
	p.TOTPMFAEnabled = in.SoftwareTokenMfaConfiguration != nil && in.SoftwareTokenMfaConfiguration.Enabled
	p.EmailMFAEnabled = in.EmailMfaConfiguration != nil
	p.SMSMFAMessage, p.SMSConfiguration, p.EmailMFAMessage, p.EmailMFASubject = "", challenge.SmsConfigurationType{}, "", ""
	if c := in.SmsMfaConfiguration; c != nil {
		p.SMSMFAMessage = c.SmsAuthenticationMessage
		if c.SmsConfiguration != nil {
			p.SMSConfiguration = *c.SmsConfiguration
		}
	}
	if c := in.EmailMfaConfiguration; c != nil {
		p.EmailMFAMessage, p.EmailMFASubject = c.Message, c.Subject
	}
	if p.MFA != flow.MFAOff && !p.SMSMFAEnabled && !p.TOTPMFAEnabled && !p.EmailMFAEnabled {
		return nil, errParam("At least one MFA method must be enabled when MfaConfiguration is ON or OPTIONAL.")
	}
	if p.EmailMFAEnabled && p.AdvancedSecurityMode == "OFF" && p.UserPoolTier != "ESSENTIALS" && p.UserPoolTier != "PLUS" {
		return nil, challenge.New(challenge.ErrFeatureUnavailableInTier, "Email MFA is not available in this feature plan.")
	}
	if w := in.WebAuthnConfiguration; w != nil {
		switch w.UserVerification {
		case "", "required", "preferred":
		default:
			return nil, errParam("UserVerification must be required or preferred.")
		}
		p.WebAuthnRelyingPartyID, p.WebAuthnUserVerification = w.RelyingPartyId, w.UserVerification
	}
	p.LastModified = s.now()
	if err := s.cat.PutPool(ctx, p); err != nil {
		return nil, errInternal(err)
	}
	return mfaConfig(p), nil
}

// GetUserPoolMfaConfig returns a pool's MFA configuration.
func (s *Service) GetUserPoolMfaConfig(ctx context.Context, in *challenge.UserPoolIdInput) (*challenge.UserPoolMfaConfig, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, err := s.pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return mfaConfig(p), nil
}

func mfaConfig(p *flow.Pool) *challenge.UserPoolMfaConfig {
	out := &challenge.UserPoolMfaConfig{MfaConfiguration: string(p.MFA)}
	if p.SMSMFAEnabled {
		out.SmsMfaConfiguration = &challenge.SmsMfaConfigType{SmsAuthenticationMessage: p.SMSMFAMessage}
		if sc := p.SMSConfiguration; sc != (challenge.SmsConfigurationType{}) {
			out.SmsMfaConfiguration.SmsConfiguration = &sc
		}
	}
	out.SoftwareTokenMfaConfiguration = &challenge.SoftwareTokenMfaConfigType{Enabled: p.TOTPMFAEnabled}
	if p.EmailMFAEnabled {
		out.EmailMfaConfiguration = &challenge.EmailMfaConfigType{Message: p.EmailMFAMessage, Subject: p.EmailMFASubject}
	}
	if p.WebAuthnRelyingPartyID != "" || p.WebAuthnUserVerification != "" {
		out.WebAuthnConfiguration = &challenge.WebAuthnConfigurationType{RelyingPartyId: p.WebAuthnRelyingPartyID, UserVerification: p.WebAuthnUserVerification}
	}
	return out
}

// secretMatches compares a client secret in constant time.
func secretMatches(c *flow.AppClient, got string) bool {
	return subtle.ConstantTimeCompare([]byte(c.Secret), []byte(got)) == 1
}

// Bounds of SetUserPoolMfaConfig's message settings (Cognito's: an SMS
// message of 6 to 140 characters, an email message of 6 to 20000 and a
// subject of 1 to 140; ARNs and ids of at most 2048).
const (
	maxSMSMessage   = 140
	maxEmailMessage = 20000
	maxEmailSubject = 140
	maxSNSField     = 2048
)

// checkMessageConfig refuses message settings Cognito refuses: templates
// without the {####} code placeholder or out of bounds.
func checkMessageConfig(in *challenge.UserPoolMfaConfig) error {
	if c := in.SmsMfaConfiguration; c != nil {
		if m := c.SmsAuthenticationMessage; m != "" && (utf8.RuneCountInString(m) < 6 || utf8.RuneCountInString(m) > maxSMSMessage || !strings.Contains(m, "{####}")) {
			return errParam("SmsAuthenticationMessage must contain {####} and be 6 to 140 characters.")
		}
		if sc := c.SmsConfiguration; sc != nil && (len(sc.SnsCallerArn) > maxSNSField || len(sc.ExternalId) > maxSNSField || len(sc.SnsRegion) > 32) {
			return errParam("SmsConfiguration is too long.")
		}
	}
	if c := in.EmailMfaConfiguration; c != nil {
		if m := c.Message; m != "" && (utf8.RuneCountInString(m) < 6 || utf8.RuneCountInString(m) > maxEmailMessage || !strings.Contains(m, "{####}")) {
			return errParam("EmailMfaConfiguration Message must contain {####} and be 6 to 20000 characters.")
		}
		if utf8.RuneCountInString(c.Subject) > maxEmailSubject {
			return errParam("EmailMfaConfiguration Subject must be at most 140 characters.")
		}
	}
	return nil
}
