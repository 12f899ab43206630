package challenge

// CodeDeliveryDetailsType says where a code went (masked).
type CodeDeliveryDetailsType struct {
	AttributeName  string `json:"AttributeName,omitempty"`
	DeliveryMedium string `json:"DeliveryMedium,omitempty"`
	Destination    string `json:"Destination,omitempty"`
}

// SignUpInput is the request of SignUp.
type SignUpInput struct {
	ClientId        string            `json:"ClientId"`
	Username        string            `json:"Username"`
	Password        string            `json:"Password,omitempty"`
	SecretHash      string            `json:"SecretHash,omitempty"`
	UserAttributes  []AttributeType   `json:"UserAttributes,omitempty"`
	ValidationData  []AttributeType   `json:"ValidationData,omitempty"`
	ClientMetadata  map[string]string `json:"ClientMetadata,omitempty"`
	UserContextData *UserContextData  `json:"UserContextData,omitempty"`
}

// SignUpOutput is the response of SignUp.
type SignUpOutput struct {
	UserConfirmed       bool                     `json:"UserConfirmed"`
	UserSub             string                   `json:"UserSub"`
	CodeDeliveryDetails *CodeDeliveryDetailsType `json:"CodeDeliveryDetails,omitempty"`
	Session             string                   `json:"Session,omitempty"`
}

// ConfirmSignUpInput is the request of ConfirmSignUp.
type ConfirmSignUpInput struct {
	ClientId           string            `json:"ClientId"`
	Username           string            `json:"Username"`
	ConfirmationCode   string            `json:"ConfirmationCode"`
	SecretHash         string            `json:"SecretHash,omitempty"`
	ForceAliasCreation bool              `json:"ForceAliasCreation,omitempty"`
	Session            string            `json:"Session,omitempty"`
	ClientMetadata     map[string]string `json:"ClientMetadata,omitempty"`
}

// ConfirmSignUpOutput is the response of ConfirmSignUp.
type ConfirmSignUpOutput struct {
	Session string `json:"Session,omitempty"`
}

// UsernameInput is the request of ResendConfirmationCode and ForgotPassword.
type UsernameInput struct {
	ClientId       string            `json:"ClientId"`
	Username       string            `json:"Username"`
	SecretHash     string            `json:"SecretHash,omitempty"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

// CodeDeliveryOutput is the response of ResendConfirmationCode and ForgotPassword.
type CodeDeliveryOutput struct {
	CodeDeliveryDetails *CodeDeliveryDetailsType `json:"CodeDeliveryDetails,omitempty"`
}

// ConfirmForgotPasswordInput is the request of ConfirmForgotPassword.
type ConfirmForgotPasswordInput struct {
	ClientId         string            `json:"ClientId"`
	Username         string            `json:"Username"`
	ConfirmationCode string            `json:"ConfirmationCode"`
	Password         string            `json:"Password"`
	SecretHash       string            `json:"SecretHash,omitempty"`
	ClientMetadata   map[string]string `json:"ClientMetadata,omitempty"`
}

// ChangePasswordInput is the request of ChangePassword.
type ChangePasswordInput struct {
	AccessToken      string `json:"AccessToken"`
	PreviousPassword string `json:"PreviousPassword,omitempty"`
	ProposedPassword string `json:"ProposedPassword"`
}

// AccessTokenInput is the request of GetUser and GlobalSignOut.
type AccessTokenInput struct {
	AccessToken string `json:"AccessToken"`
}

// GetUserOutput is the response of GetUser.
type GetUserOutput struct {
	Username            string          `json:"Username"`
	UserAttributes      []AttributeType `json:"UserAttributes"`
	MFAOptions          []MFAOptionType `json:"MFAOptions,omitempty"`
	PreferredMfaSetting string          `json:"PreferredMfaSetting,omitempty"`
	UserMFASettingList  []string        `json:"UserMFASettingList,omitempty"`
}

// ListUsersInput is the request of ListUsers.
type ListUsersInput struct {
	UserPoolId      string   `json:"UserPoolId"`
	AttributesToGet []string `json:"AttributesToGet,omitempty"`
	Filter          string   `json:"Filter,omitempty"`
	Limit           int      `json:"Limit,omitempty"`
	PaginationToken string   `json:"PaginationToken,omitempty"`
}

// ListUsersOutput is the response of ListUsers.
type ListUsersOutput struct {
	Users           []UserType `json:"Users"`
	PaginationToken string     `json:"PaginationToken,omitempty"`
}

// GetTokensFromRefreshTokenInput is the request of GetTokensFromRefreshToken.
type GetTokensFromRefreshTokenInput struct {
	ClientId       string            `json:"ClientId"`
	ClientSecret   string            `json:"ClientSecret,omitempty"`
	RefreshToken   string            `json:"RefreshToken"`
	DeviceKey      string            `json:"DeviceKey,omitempty"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

// GetTokensFromRefreshTokenOutput is the response of GetTokensFromRefreshToken.
type GetTokensFromRefreshTokenOutput struct {
	AuthenticationResult *AuthenticationResult `json:"AuthenticationResult,omitempty"`
}

// RevokeTokenInput is the request of RevokeToken.
type RevokeTokenInput struct {
	ClientId     string `json:"ClientId"`
	ClientSecret string `json:"ClientSecret,omitempty"`
	Token        string `json:"Token"`
}
