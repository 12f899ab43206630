package challenge

// AdminConfirmSignUpInput is the request of AdminConfirmSignUp.
type AdminConfirmSignUpInput struct {
	UserPoolId     string            `json:"UserPoolId"`
	Username       string            `json:"Username"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

// UpdateUserAttributesInput is the request of UpdateUserAttributes.
type UpdateUserAttributesInput struct {
	AccessToken    string            `json:"AccessToken"`
	UserAttributes []AttributeType   `json:"UserAttributes"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

// UpdateUserAttributesOutput is the response of UpdateUserAttributes: where
// the codes for changed attributes that need verification went.
type UpdateUserAttributesOutput struct {
	CodeDeliveryDetailsList []CodeDeliveryDetailsType `json:"CodeDeliveryDetailsList,omitempty"`
}

// GetUserAttributeVerificationCodeInput is the request of
// GetUserAttributeVerificationCode.
type GetUserAttributeVerificationCodeInput struct {
	AccessToken    string            `json:"AccessToken"`
	AttributeName  string            `json:"AttributeName"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

// VerifyUserAttributeInput is the request of VerifyUserAttribute.
type VerifyUserAttributeInput struct {
	AccessToken   string `json:"AccessToken"`
	AttributeName string `json:"AttributeName"`
	Code          string `json:"Code"`
}

// DeleteUserAttributesInput is the request of DeleteUserAttributes.
type DeleteUserAttributesInput struct {
	AccessToken        string   `json:"AccessToken"`
	UserAttributeNames []string `json:"UserAttributeNames"`
}

// AdminDeleteUserAttributesInput is the request of AdminDeleteUserAttributes.
type AdminDeleteUserAttributesInput struct {
	UserPoolId         string   `json:"UserPoolId"`
	Username           string   `json:"Username"`
	UserAttributeNames []string `json:"UserAttributeNames"`
}

// SetUserSettingsInput is the request of the deprecated SetUserSettings.
type SetUserSettingsInput struct {
	AccessToken string          `json:"AccessToken"`
	MFAOptions  []MFAOptionType `json:"MFAOptions"`
}

// AdminSetUserSettingsInput is the request of the deprecated AdminSetUserSettings.
type AdminSetUserSettingsInput struct {
	UserPoolId string          `json:"UserPoolId"`
	Username   string          `json:"Username"`
	MFAOptions []MFAOptionType `json:"MFAOptions"`
}
