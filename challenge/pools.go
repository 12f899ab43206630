package challenge

import (
	"regexp"
	"strings"
)

// PasswordPolicyType is Policies.PasswordPolicy.
type PasswordPolicyType struct {
	MinimumLength                 int  `json:"MinimumLength,omitempty"`
	RequireUppercase              bool `json:"RequireUppercase"`
	RequireLowercase              bool `json:"RequireLowercase"`
	RequireNumbers                bool `json:"RequireNumbers"`
	RequireSymbols                bool `json:"RequireSymbols"`
	PasswordHistorySize           int  `json:"PasswordHistorySize,omitempty"`
	TemporaryPasswordValidityDays int  `json:"TemporaryPasswordValidityDays,omitempty"`
}

// SignInPolicyType is Policies.SignInPolicy.
type SignInPolicyType struct {
	AllowedFirstAuthFactors []string `json:"AllowedFirstAuthFactors,omitempty"`
}

// UserPoolPolicyType is a pool's Policies.
type UserPoolPolicyType struct {
	PasswordPolicy *PasswordPolicyType `json:"PasswordPolicy,omitempty"`
	SignInPolicy   *SignInPolicyType   `json:"SignInPolicy,omitempty"`
}

// DeviceConfigurationType is a pool's DeviceConfiguration.
type DeviceConfigurationType struct {
	ChallengeRequiredOnNewDevice     bool `json:"ChallengeRequiredOnNewDevice"`
	DeviceOnlyRememberedOnUserPrompt bool `json:"DeviceOnlyRememberedOnUserPrompt"`
}

// UsernameConfigurationType is a pool's UsernameConfiguration.
type UsernameConfigurationType struct {
	CaseSensitive *bool `json:"CaseSensitive,omitempty"`
}

// AdminCreateUserConfigType is a pool's AdminCreateUserConfig.
type AdminCreateUserConfigType struct {
	AllowAdminCreateUserOnly  bool `json:"AllowAdminCreateUserOnly"`
	UnusedAccountValidityDays int  `json:"UnusedAccountValidityDays,omitempty"`
}

// SchemaAttributeType declares one attribute of a pool's schema
// (CreateUserPool's Schema, AddCustomAttributes) or describes one
// (DescribeUserPool's SchemaAttributes, where custom names carry their
// "custom:" or "dev:custom:" prefix).
type SchemaAttributeType struct {
	Name                       string                          `json:"Name,omitempty"`
	AttributeDataType          string                          `json:"AttributeDataType,omitempty"` // String, Number, DateTime, Boolean
	DeveloperOnlyAttribute     *bool                           `json:"DeveloperOnlyAttribute,omitempty"`
	Mutable                    *bool                           `json:"Mutable,omitempty"`
	Required                   *bool                           `json:"Required,omitempty"`
	NumberAttributeConstraints *NumberAttributeConstraintsType `json:"NumberAttributeConstraints,omitempty"`
	StringAttributeConstraints *StringAttributeConstraintsType `json:"StringAttributeConstraints,omitempty"`
}

// NumberAttributeConstraintsType bounds a Number attribute (decimal
// integers given as strings; either may be empty).
type NumberAttributeConstraintsType struct {
	MinValue string `json:"MinValue,omitempty"`
	MaxValue string `json:"MaxValue,omitempty"`
}

// StringAttributeConstraintsType bounds the length of a String attribute
// (decimal integers given as strings; either may be empty).
type StringAttributeConstraintsType struct {
	MinLength string `json:"MinLength,omitempty"`
	MaxLength string `json:"MaxLength,omitempty"`
}

// UserAttributeUpdateSettingsType is a pool's UserAttributeUpdateSettings:
// the attributes (email, phone_number) whose new value takes effect only
// once verified.
type UserAttributeUpdateSettingsType struct {
	AttributesRequireVerificationBeforeUpdate []string `json:"AttributesRequireVerificationBeforeUpdate"`
}

// AddCustomAttributesInput is the request of AddCustomAttributes.
type AddCustomAttributesInput struct {
	UserPoolId       string                `json:"UserPoolId"`
	CustomAttributes []SchemaAttributeType `json:"CustomAttributes"`
}

// UserPoolAddOnsType is a pool's UserPoolAddOns.
type UserPoolAddOnsType struct {
	AdvancedSecurityMode string `json:"AdvancedSecurityMode,omitempty"`
}

// CreateUserPoolInput is the request of CreateUserPool (the members that
// change sign-in; others are accepted and ignored).
type CreateUserPoolInput struct {
	PoolName               string                     `json:"PoolName"`
	Policies               *UserPoolPolicyType        `json:"Policies,omitempty"`
	MfaConfiguration       string                     `json:"MfaConfiguration,omitempty"`
	DeviceConfiguration    *DeviceConfigurationType   `json:"DeviceConfiguration,omitempty"`
	UsernameAttributes     []string                   `json:"UsernameAttributes,omitempty"`
	AliasAttributes        []string                   `json:"AliasAttributes,omitempty"`
	UsernameConfiguration  *UsernameConfigurationType `json:"UsernameConfiguration,omitempty"`
	AutoVerifiedAttributes []string                   `json:"AutoVerifiedAttributes,omitempty"`
	UserPoolTier           string                     `json:"UserPoolTier,omitempty"`
	AdminCreateUserConfig  *AdminCreateUserConfigType `json:"AdminCreateUserConfig,omitempty"`
	DeletionProtection     string                     `json:"DeletionProtection,omitempty"`
	Schema                 []SchemaAttributeType      `json:"Schema,omitempty"`
	UserPoolAddOns         *UserPoolAddOnsType        `json:"UserPoolAddOns,omitempty"`
	UserPoolTags           map[string]string          `json:"UserPoolTags,omitempty"`
	LambdaConfig           *LambdaConfigType          `json:"LambdaConfig,omitempty"`
	// UserAttributeUpdateSettings names the attributes whose change waits
	// for verification.
	UserAttributeUpdateSettings *UserAttributeUpdateSettingsType `json:"UserAttributeUpdateSettings,omitempty"`
}

// UpdateUserPoolInput is the request of UpdateUserPool. Omitted members are
// reset to their defaults, as Cognito does.
type UpdateUserPoolInput struct {
	UserPoolId             string                     `json:"UserPoolId"`
	Policies               *UserPoolPolicyType        `json:"Policies,omitempty"`
	MfaConfiguration       string                     `json:"MfaConfiguration,omitempty"`
	DeviceConfiguration    *DeviceConfigurationType   `json:"DeviceConfiguration,omitempty"`
	AutoVerifiedAttributes []string                   `json:"AutoVerifiedAttributes,omitempty"`
	UserPoolTier           string                     `json:"UserPoolTier,omitempty"`
	AdminCreateUserConfig  *AdminCreateUserConfigType `json:"AdminCreateUserConfig,omitempty"`
	DeletionProtection     string                     `json:"DeletionProtection,omitempty"`
	UserPoolAddOns         *UserPoolAddOnsType        `json:"UserPoolAddOns,omitempty"`
	LambdaConfig           *LambdaConfigType          `json:"LambdaConfig,omitempty"`
	// UserAttributeUpdateSettings as in CreateUserPoolInput (omitted: none).
	UserAttributeUpdateSettings *UserAttributeUpdateSettingsType `json:"UserAttributeUpdateSettings,omitempty"`
}

// UserPoolType describes a pool.
type UserPoolType struct {
	Id                          string                           `json:"Id"`
	Name                        string                           `json:"Name"`
	Arn                         string                           `json:"Arn,omitempty"`
	Policies                    *UserPoolPolicyType              `json:"Policies,omitempty"`
	MfaConfiguration            string                           `json:"MfaConfiguration,omitempty"`
	DeviceConfiguration         *DeviceConfigurationType         `json:"DeviceConfiguration,omitempty"`
	UsernameAttributes          []string                         `json:"UsernameAttributes,omitempty"`
	AliasAttributes             []string                         `json:"AliasAttributes,omitempty"`
	UsernameConfiguration       *UsernameConfigurationType       `json:"UsernameConfiguration,omitempty"`
	AutoVerifiedAttributes      []string                         `json:"AutoVerifiedAttributes,omitempty"`
	UserPoolTier                string                           `json:"UserPoolTier,omitempty"`
	AdminCreateUserConfig       *AdminCreateUserConfigType       `json:"AdminCreateUserConfig,omitempty"`
	DeletionProtection          string                           `json:"DeletionProtection,omitempty"`
	SchemaAttributes            []SchemaAttributeType            `json:"SchemaAttributes,omitempty"`
	UserPoolAddOns              *UserPoolAddOnsType              `json:"UserPoolAddOns,omitempty"`
	UserAttributeUpdateSettings *UserAttributeUpdateSettingsType `json:"UserAttributeUpdateSettings,omitempty"`
	UserPoolTags                map[string]string                `json:"UserPoolTags,omitempty"`
	LambdaConfig                *LambdaConfigType                `json:"LambdaConfig,omitempty"`
	EstimatedNumberOfUsers      int                              `json:"EstimatedNumberOfUsers"`
	Domain                      string                           `json:"Domain,omitempty"`
	CreationDate                Time                             `json:"CreationDate"`
	LastModifiedDate            Time                             `json:"LastModifiedDate"`
}

// UserPoolOutput is the response of CreateUserPool and DescribeUserPool.
type UserPoolOutput struct {
	UserPool *UserPoolType `json:"UserPool,omitempty"`
}

// UserPoolIdInput names a pool (DescribeUserPool, DeleteUserPool, GetUserPoolMfaConfig).
type UserPoolIdInput struct {
	UserPoolId string `json:"UserPoolId"`
}

// ListUserPoolsInput is the request of ListUserPools.
type ListUserPoolsInput struct {
	MaxResults int    `json:"MaxResults"`
	NextToken  string `json:"NextToken,omitempty"`
}

// UserPoolDescriptionType is one entry of ListUserPools.
type UserPoolDescriptionType struct {
	Id               string `json:"Id"`
	Name             string `json:"Name"`
	CreationDate     Time   `json:"CreationDate"`
	LastModifiedDate Time   `json:"LastModifiedDate"`
}

// ListUserPoolsOutput is the response of ListUserPools.
type ListUserPoolsOutput struct {
	UserPools []UserPoolDescriptionType `json:"UserPools"`
	NextToken string                    `json:"NextToken,omitempty"`
}

// TokenValidityUnitsType names the units of the three token validities.
type TokenValidityUnitsType struct {
	AccessToken  string `json:"AccessToken,omitempty"`
	IdToken      string `json:"IdToken,omitempty"`
	RefreshToken string `json:"RefreshToken,omitempty"`
}

// RefreshTokenRotationType turns refresh-token rotation on for a client.
type RefreshTokenRotationType struct {
	Feature                 string `json:"Feature,omitempty"` // ENABLED or DISABLED
	RetryGracePeriodSeconds int    `json:"RetryGracePeriodSeconds,omitempty"`
}

// UserPoolClientInput is the request of CreateUserPoolClient and
// UpdateUserPoolClient (ClientId only for the update; GenerateSecret only
// for the create).
type UserPoolClientInput struct {
	UserPoolId                 string                    `json:"UserPoolId"`
	ClientId                   string                    `json:"ClientId,omitempty"`
	ClientName                 string                    `json:"ClientName,omitempty"`
	GenerateSecret             bool                      `json:"GenerateSecret,omitempty"`
	ExplicitAuthFlows          []string                  `json:"ExplicitAuthFlows,omitempty"`
	PreventUserExistenceErrors string                    `json:"PreventUserExistenceErrors,omitempty"`
	EnableTokenRevocation      *bool                     `json:"EnableTokenRevocation,omitempty"`
	AccessTokenValidity        int                       `json:"AccessTokenValidity,omitempty"`
	IdTokenValidity            int                       `json:"IdTokenValidity,omitempty"`
	RefreshTokenValidity       int                       `json:"RefreshTokenValidity,omitempty"`
	TokenValidityUnits         *TokenValidityUnitsType   `json:"TokenValidityUnits,omitempty"`
	AuthSessionValidity        int                       `json:"AuthSessionValidity,omitempty"`
	ReadAttributes             []string                  `json:"ReadAttributes,omitempty"`
	WriteAttributes            []string                  `json:"WriteAttributes,omitempty"`
	RefreshTokenRotation       *RefreshTokenRotationType `json:"RefreshTokenRotation,omitempty"`
	OAuthClientSettings
}

// UserPoolClientType describes an app client.
type UserPoolClientType struct {
	UserPoolId                 string                    `json:"UserPoolId"`
	ClientName                 string                    `json:"ClientName"`
	ClientId                   string                    `json:"ClientId"`
	ClientSecret               string                    `json:"ClientSecret,omitempty"`
	ExplicitAuthFlows          []string                  `json:"ExplicitAuthFlows,omitempty"`
	PreventUserExistenceErrors string                    `json:"PreventUserExistenceErrors,omitempty"`
	EnableTokenRevocation      bool                      `json:"EnableTokenRevocation"`
	AccessTokenValidity        int                       `json:"AccessTokenValidity,omitempty"`
	IdTokenValidity            int                       `json:"IdTokenValidity,omitempty"`
	RefreshTokenValidity       int                       `json:"RefreshTokenValidity,omitempty"`
	TokenValidityUnits         *TokenValidityUnitsType   `json:"TokenValidityUnits,omitempty"`
	AuthSessionValidity        int                       `json:"AuthSessionValidity,omitempty"`
	ReadAttributes             []string                  `json:"ReadAttributes,omitempty"`
	WriteAttributes            []string                  `json:"WriteAttributes,omitempty"`
	RefreshTokenRotation       *RefreshTokenRotationType `json:"RefreshTokenRotation,omitempty"`
	CreationDate               Time                      `json:"CreationDate"`
	LastModifiedDate           Time                      `json:"LastModifiedDate"`
	OAuthClientSettings
}

// UserPoolClientOutput is the response of Create/Describe/UpdateUserPoolClient.
type UserPoolClientOutput struct {
	UserPoolClient *UserPoolClientType `json:"UserPoolClient,omitempty"`
}

// ClientIdInput names an app client (DescribeUserPoolClient, DeleteUserPoolClient).
type ClientIdInput struct {
	UserPoolId string `json:"UserPoolId"`
	ClientId   string `json:"ClientId"`
}

// ListUserPoolClientsInput is the request of ListUserPoolClients.
type ListUserPoolClientsInput struct {
	UserPoolId string `json:"UserPoolId"`
	MaxResults int    `json:"MaxResults,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

// UserPoolClientDescription is one entry of ListUserPoolClients.
type UserPoolClientDescription struct {
	ClientId   string `json:"ClientId"`
	ClientName string `json:"ClientName"`
	UserPoolId string `json:"UserPoolId"`
}

// ListUserPoolClientsOutput is the response of ListUserPoolClients.
type ListUserPoolClientsOutput struct {
	UserPoolClients []UserPoolClientDescription `json:"UserPoolClients"`
	NextToken       string                      `json:"NextToken,omitempty"`
}

// SoftwareTokenMfaConfigType turns TOTP MFA on for a pool.
type SoftwareTokenMfaConfigType struct {
	Enabled bool `json:"Enabled"`
}

// SmsConfigurationType is how a pool would send SMS through Amazon SNS
// (kept and returned, not used: codes go to the server's Sender).
type SmsConfigurationType struct {
	SnsCallerArn string `json:"SnsCallerArn,omitempty"`
	ExternalId   string `json:"ExternalId,omitempty"`
	SnsRegion    string `json:"SnsRegion,omitempty"`
}

// SmsMfaConfigType configures SMS MFA (kept and returned as given; the
// message template is not used).
type SmsMfaConfigType struct {
	SmsAuthenticationMessage string                `json:"SmsAuthenticationMessage,omitempty"`
	SmsConfiguration         *SmsConfigurationType `json:"SmsConfiguration,omitempty"`
}

// EmailMfaConfigType configures email MFA.
type EmailMfaConfigType struct {
	Message string `json:"Message,omitempty"`
	Subject string `json:"Subject,omitempty"`
}

// WebAuthnConfigurationType is a pool's passkey configuration.
type WebAuthnConfigurationType struct {
	RelyingPartyId   string `json:"RelyingPartyId,omitempty"`
	UserVerification string `json:"UserVerification,omitempty"`
}

// UserPoolMfaConfig is the request of SetUserPoolMfaConfig and the response
// of both SetUserPoolMfaConfig and GetUserPoolMfaConfig (UserPoolId only in
// the request).
type UserPoolMfaConfig struct {
	UserPoolId                    string                      `json:"UserPoolId,omitempty"`
	MfaConfiguration              string                      `json:"MfaConfiguration,omitempty"`
	SmsMfaConfiguration           *SmsMfaConfigType           `json:"SmsMfaConfiguration,omitempty"`
	SoftwareTokenMfaConfiguration *SoftwareTokenMfaConfigType `json:"SoftwareTokenMfaConfiguration,omitempty"`
	EmailMfaConfiguration         *EmailMfaConfigType         `json:"EmailMfaConfiguration,omitempty"`
	WebAuthnConfiguration         *WebAuthnConfigurationType  `json:"WebAuthnConfiguration,omitempty"`
}

// LambdaConfigType is a pool's LambdaConfig: the ARN of the Lambda
// function of each trigger (empty: none). PreTokenGenerationConfig, when
// set, wins over PreTokenGeneration and chooses the event version
// (V1_0, V2_0 or V3_0).
type LambdaConfigType struct {
	PreSignUp                   string                    `json:"PreSignUp,omitempty"`
	CustomMessage               string                    `json:"CustomMessage,omitempty"`
	PostConfirmation            string                    `json:"PostConfirmation,omitempty"`
	PreAuthentication           string                    `json:"PreAuthentication,omitempty"`
	PostAuthentication          string                    `json:"PostAuthentication,omitempty"`
	DefineAuthChallenge         string                    `json:"DefineAuthChallenge,omitempty"`
	CreateAuthChallenge         string                    `json:"CreateAuthChallenge,omitempty"`
	VerifyAuthChallengeResponse string                    `json:"VerifyAuthChallengeResponse,omitempty"`
	PreTokenGeneration          string                    `json:"PreTokenGeneration,omitempty"`
	UserMigration               string                    `json:"UserMigration,omitempty"`
	PreTokenGenerationConfig    *PreTokenGenerationConfig `json:"PreTokenGenerationConfig,omitempty"`
	CustomSMSSender             *CustomSenderConfig       `json:"CustomSMSSender,omitempty"`
	CustomEmailSender           *CustomSenderConfig       `json:"CustomEmailSender,omitempty"`
	KMSKeyID                    string                    `json:"KMSKeyID,omitempty"`
}

// PreTokenGenerationConfig is LambdaConfig.PreTokenGenerationConfig.
type PreTokenGenerationConfig struct {
	LambdaArn     string `json:"LambdaArn"`
	LambdaVersion string `json:"LambdaVersion"` // V1_0, V2_0 or V3_0
}

// CustomSenderConfig is LambdaConfig.CustomSMSSender / CustomEmailSender.
type CustomSenderConfig struct {
	LambdaArn     string `json:"LambdaArn"`
	LambdaVersion string `json:"LambdaVersion"` // V1_0
}

// lambdaArnPattern is the pattern Cognito checks every trigger ARN against.
var lambdaArnPattern = regexp.MustCompile(`^arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?$`)

// Check validates a LambdaConfig as CreateUserPool and UpdateUserPool do:
// every ARN has the Lambda ARN form (at most 2048 characters), a
// PreTokenGenerationConfig names V1_0, V2_0 or V3_0 and agrees with
// PreTokenGeneration when both are set. It returns an
// InvalidParameterException.
func (c *LambdaConfigType) Check() error {
	if c == nil {
		return nil
	}
	arns := []struct{ field, v string }{
		{"preSignUp", c.PreSignUp}, {"customMessage", c.CustomMessage}, {"postConfirmation", c.PostConfirmation},
		{"preAuthentication", c.PreAuthentication}, {"postAuthentication", c.PostAuthentication},
		{"defineAuthChallenge", c.DefineAuthChallenge}, {"createAuthChallenge", c.CreateAuthChallenge},
		{"verifyAuthChallengeResponse", c.VerifyAuthChallengeResponse}, {"preTokenGeneration", c.PreTokenGeneration},
		{"userMigration", c.UserMigration},
	}
	if p := c.PreTokenGenerationConfig; p != nil {
		arns = append(arns, struct{ field, v string }{"preTokenGenerationConfig.lambdaArn", p.LambdaArn})
	}
	if p := c.CustomSMSSender; p != nil {
		arns = append(arns, struct{ field, v string }{"customSMSSender.lambdaArn", p.LambdaArn})
	}
	if p := c.CustomEmailSender; p != nil {
		arns = append(arns, struct{ field, v string }{"customEmailSender.lambdaArn", p.LambdaArn})
	}
	for _, a := range arns {
		if a.v == "" && !strings.Contains(a.field, ".") {
			continue
		}
		if len(a.v) > 2048 || !lambdaArnPattern.MatchString(a.v) {
			return New(ErrInvalidParameter, "1 validation error detected: Value at 'lambdaConfig."+a.field+
				"' failed to satisfy constraint: Member must satisfy regular expression pattern: "+lambdaArnPattern.String()[1:len(lambdaArnPattern.String())-1])
		}
	}
	if p := c.PreTokenGenerationConfig; p != nil {
		switch p.LambdaVersion {
		case "V1_0", "V2_0", "V3_0":
		default:
			return New(ErrInvalidParameter, "1 validation error detected: Value at 'lambdaConfig.preTokenGenerationConfig.lambdaVersion' failed to satisfy constraint: Member must satisfy enum value set: [V1_0, V2_0, V3_0]")
		}
		if c.PreTokenGeneration != "" && c.PreTokenGeneration != p.LambdaArn {
			return New(ErrInvalidParameter, "PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same.")
		}
	}
	for _, s := range []*CustomSenderConfig{c.CustomSMSSender, c.CustomEmailSender} {
		if s != nil && s.LambdaVersion != "V1_0" {
			return New(ErrInvalidParameter, "1 validation error detected: Value at 'lambdaConfig.customSender.lambdaVersion' failed to satisfy constraint: Member must satisfy enum value set: [V1_0]")
		}
	}
	if (c.CustomSMSSender != nil || c.CustomEmailSender != nil) && c.KMSKeyID == "" {
		return New(ErrInvalidParameter, "KMSKeyID is required with a custom sender.")
	}
	return nil
}

// Clone returns a deep copy (nil for nil).
func (c *LambdaConfigType) Clone() *LambdaConfigType {
	if c == nil {
		return nil
	}
	d := *c
	if c.PreTokenGenerationConfig != nil {
		p := *c.PreTokenGenerationConfig
		d.PreTokenGenerationConfig = &p
	}
	if c.CustomSMSSender != nil {
		s := *c.CustomSMSSender
		d.CustomSMSSender = &s
	}
	if c.CustomEmailSender != nil {
		s := *c.CustomEmailSender
		d.CustomEmailSender = &s
	}
	return &d
}
