package flow

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/authflow/authflow/challenge"
)

// MFAConfiguration is a pool's MfaConfiguration.
type MFAConfiguration string

// The MfaConfiguration values.
const (
	MFAOff      MFAConfiguration = "OFF"
	MFAOn       MFAConfiguration = "ON"
	MFAOptional MFAConfiguration = "OPTIONAL"
)

// PasswordPolicy is a pool's Policies.PasswordPolicy.
type PasswordPolicy struct {
	MinimumLength                 int
	RequireUppercase              bool
	RequireLowercase              bool
	RequireNumbers                bool
	RequireSymbols                bool
	TemporaryPasswordValidityDays int
	PasswordHistorySize           int
}

// DefaultPasswordPolicy is Cognito's default policy.
func DefaultPasswordPolicy() PasswordPolicy {
	return PasswordPolicy{MinimumLength: 8, RequireUppercase: true, RequireLowercase: true,
		RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7}
}

// DeviceConfiguration is a pool's DeviceConfiguration; nil turns device tracking off.
type DeviceConfiguration struct {
	ChallengeRequiredOnNewDevice     bool
	DeviceOnlyRememberedOnUserPrompt bool
}

// Pool is a user pool's configuration.
type Pool struct {
	ID   string // "<region>_<name>"; the name part enters the SRP proof
	Name string // PoolName
	Arn  string

	PasswordPolicy PasswordPolicy
	// AllowedFirstAuthFactors is Policies.SignInPolicy.AllowedFirstAuthFactors
	// (PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN). Empty means PASSWORD only.
	AllowedFirstAuthFactors   []string
	MFA                       MFAConfiguration
	SMSMFAEnabled             bool
	TOTPMFAEnabled            bool
	EmailMFAEnabled           bool
	Devices                   *DeviceConfiguration
	UsernameAttributes        []string // email, phone_number
	AliasAttributes           []string // email, phone_number, preferred_username
	CaseSensitive             bool     // UsernameConfiguration.CaseSensitive
	AutoVerifiedAttributes    []string
	AllowAdminCreateUserOnly  bool
	UnusedAccountValidityDays int
	UserPoolTier              string
	DeletionProtection        string
	AdvancedSecurityMode      string
	// SchemaRequired lists attributes a user must have (NEW_PASSWORD_REQUIRED
	// asks for the missing ones).
	SchemaRequired []string
	// Schema is the pool's attribute schema (package schema: the standard
	// attributes and the custom ones, as DescribeUserPool returns them);
	// attribute writes are checked against it. Empty checks nothing.
	Schema []challenge.SchemaAttributeType `json:",omitempty"`
	// AttributesRequireVerificationBeforeUpdate is UserAttributeUpdateSettings:
	// email and phone_number changes that wait for verification.
	AttributesRequireVerificationBeforeUpdate []string `json:",omitempty"`
	// CodeValidity is how long SMS and email codes stay valid (default 3 minutes).
	CodeValidity time.Duration
	// The message settings of SetUserPoolMfaConfig's SmsMfaConfiguration
	// and EmailMfaConfiguration, kept as given and returned by
	// GetUserPoolMfaConfig (codes go to the Sender; nothing uses them).
	SMSMFAMessage    string                         `json:",omitempty"`
	SMSConfiguration challenge.SmsConfigurationType `json:",omitzero"`
	EmailMFAMessage  string                         `json:",omitempty"`
	EmailMFASubject  string                         `json:",omitempty"`
	// WebAuthn is the passkey configuration (relying party id, user verification).
	WebAuthnRelyingPartyID   string
	WebAuthnUserVerification string
	// Groups are the pool's groups (CreateGroup), in name order.
	Groups []Group `json:",omitempty"`
	// RiskConfigurations are the risk configurations of the pool (ClientID
	// "") and of its app clients (SetRiskConfiguration), kept as given:
	// the engine does not act on risk. Tags are the pool's tags.
	RiskConfigurations []RiskConfiguration `json:",omitempty"`
	Tags               map[string]string   `json:",omitempty"`
	// LambdaConfig names the pool's Lambda triggers (nil: none). The engine
	// never reads it: package lambdatrigger turns it into Hooks.
	LambdaConfig *challenge.LambdaConfigType `json:",omitempty"`
	// Domain is the pool's user pool domain (CreateUserPoolDomain), the
	// prefix or custom domain that serves managed login; "" when none.
	// DomainCertificateArn is the certificate of a custom domain.
	Domain               string `json:",omitempty"`
	ManagedLoginVersion  int    `json:",omitempty"`
	DomainCertificateArn string `json:",omitempty"`
	// ResourceServers are the pool's OAuth 2.0 resource servers, in
	// identifier order; their scopes are "<identifier>/<scope name>".
	ResourceServers []challenge.ResourceServerType `json:",omitempty"`

	Created      time.Time
	LastModified time.Time
}

// RiskConfiguration is the risk configuration of a pool or of one of its
// app clients, as SetRiskConfiguration stored it.
type RiskConfiguration struct {
	ClientID               string                                                 `json:",omitempty"`
	AccountTakeover        *challenge.AccountTakeoverRiskConfigurationType        `json:",omitempty"`
	CompromisedCredentials *challenge.CompromisedCredentialsRiskConfigurationType `json:",omitempty"`
	RiskException          *challenge.RiskExceptionConfigurationType              `json:",omitempty"`
	LastModified           time.Time
}

// Group is a user pool group. Users name their groups in User.Groups.
type Group struct {
	Name        string
	Description string `json:",omitempty"`
	RoleArn     string `json:",omitempty"`
	// Precedence orders a user's groups in tokens (lower first); nil when unset.
	Precedence   *int32 `json:",omitempty"`
	Created      time.Time
	LastModified time.Time
}

// Group returns the pool's group called name, or nil.
func (p *Pool) Group(name string) *Group {
	for i := range p.Groups {
		if p.Groups[i].Name == name {
			return &p.Groups[i]
		}
	}
	return nil
}

// TokenGroups orders a user's groups as tokens carry them: by precedence
// (groups without one last), ties by name; groups the pool no longer has
// are left out. It returns the groups, the role ARNs in the same order, and
// the preferred role (that of the first group with one).
func (p *Pool) TokenGroups(names []string) (groups, roles []string, preferred string) {
	var gs []*Group
	for _, n := range names {
		if g := p.Group(n); g != nil {
			gs = append(gs, g)
		}
	}
	slices.SortFunc(gs, func(a, b *Group) int {
		switch {
		case a.Precedence != nil && b.Precedence == nil:
			return -1
		case a.Precedence == nil && b.Precedence != nil:
			return 1
		case a.Precedence != nil && *a.Precedence != *b.Precedence:
			return cmp.Compare(*a.Precedence, *b.Precedence)
		}
		return cmp.Compare(a.Name, b.Name)
	})
	for _, g := range gs {
		groups = append(groups, g.Name)
		if g.RoleArn != "" && !slices.Contains(roles, g.RoleArn) {
			roles = append(roles, g.RoleArn)
			if preferred == "" {
				preferred = g.RoleArn
			}
		}
	}
	return groups, roles, preferred
}

// Region returns the region part of the pool ID.
func (p *Pool) Region() string {
	region, _, _ := strings.Cut(p.ID, "_")
	return region
}

// AppClient is an app client's configuration.
type AppClient struct {
	ID     string
	PoolID string
	Name   string
	// Secret is the client secret; empty for a public client.
	Secret string
	// ExplicitAuthFlows as configured (ALLOW_* or legacy values).
	// Empty means Cognito's default: ALLOW_REFRESH_TOKEN_AUTH,
	// ALLOW_USER_SRP_AUTH, ALLOW_CUSTOM_AUTH.
	ExplicitAuthFlows []string
	// PreventUserExistenceErrors is "ENABLED" or "LEGACY" (default).
	PreventUserExistenceErrors string
	EnableTokenRevocation      bool
	// AuthSessionValidity is the lifetime of a sign-in session (3 to 15
	// minutes; 0 means 3).
	AuthSessionValidity  time.Duration
	AccessTokenValidity  time.Duration // 0 means 1 hour
	IDTokenValidity      time.Duration // 0 means 1 hour
	RefreshTokenValidity time.Duration // 0 means 30 days
	// TokenValidityUnits as configured, kept for DescribeUserPoolClient.
	AccessTokenUnit, IDTokenUnit, RefreshTokenUnit string
	// RefreshTokenRotation turns on rotation: each refresh returns a new
	// refresh token, the old one staying valid for RetryGracePeriod.
	RefreshTokenRotation bool
	RetryGracePeriod     time.Duration
	ReadAttributes       []string
	WriteAttributes      []string
	// OAuth holds the client's OAuth 2.0 settings (flows, scopes, callback
	// and logout URLs) for managed login; zero when it has none.
	OAuth challenge.OAuthClientSettings `json:",omitzero"`

	Created      time.Time
	LastModified time.Time
}

// DefaultExplicitAuthFlows is what a client allows when ExplicitAuthFlows is empty.
var DefaultExplicitAuthFlows = []string{
	challenge.ExplicitAllowRefreshTokenAuth, challenge.ExplicitAllowUserSRPAuth, challenge.ExplicitAllowCustomAuth,
}

// Allows reports whether the client's ExplicitAuthFlows enable flow,
// counting the legacy values.
func (c *AppClient) Allows(flow challenge.AuthFlow) bool {
	flows := c.ExplicitAuthFlows
	if len(flows) == 0 {
		flows = DefaultExplicitAuthFlows
	}
	has := func(names ...string) bool {
		for _, f := range flows {
			for _, n := range names {
				if f == n {
					return true
				}
			}
		}
		return false
	}
	switch flow {
	case challenge.FlowUserAuth:
		return has(challenge.ExplicitAllowUserAuth)
	case challenge.FlowUserSRPAuth:
		return has(challenge.ExplicitAllowUserSRPAuth) || hasLegacy(flows)
	case challenge.FlowUserPasswordAuth:
		return has(challenge.ExplicitAllowUserPasswordAuth, challenge.ExplicitLegacyUserPasswordAuth)
	case challenge.FlowAdminUserPasswordAuth, challenge.FlowAdminNoSRPAuth:
		return has(challenge.ExplicitAllowAdminUserPassword, challenge.ExplicitLegacyAdminNoSRPAuth)
	case challenge.FlowCustomAuth:
		return has(challenge.ExplicitAllowCustomAuth, challenge.ExplicitLegacyCustomAuthOnly)
	case challenge.FlowRefreshTokenAuth, challenge.FlowRefreshToken:
		return has(challenge.ExplicitAllowRefreshTokenAuth) || hasLegacy(flows)
	}
	return false
}

// hasLegacy reports a legacy ExplicitAuthFlows list: with legacy values,
// SRP and refresh are always allowed (as they were before the ALLOW_ values).
func hasLegacy(flows []string) bool {
	for _, f := range flows {
		switch f {
		case challenge.ExplicitLegacyAdminNoSRPAuth, challenge.ExplicitLegacyCustomAuthOnly, challenge.ExplicitLegacyUserPasswordAuth:
			return true
		}
	}
	return false
}

// sessionValidity returns the client's AuthSessionValidity clamped to 3..15 minutes.
func (c *AppClient) sessionValidity() time.Duration {
	v := c.AuthSessionValidity
	if v < 3*time.Minute {
		return 3 * time.Minute
	}
	if v > 15*time.Minute {
		return 15 * time.Minute
	}
	return v
}
