package challenge

// AssociateSoftwareTokenInput is the request of AssociateSoftwareToken:
// an AccessToken, or the Session of an MFA_SETUP challenge.
type AssociateSoftwareTokenInput struct {
	AccessToken string `json:"AccessToken,omitempty"`
	Session     string `json:"Session,omitempty"`
}

// AssociateSoftwareTokenOutput is the response of AssociateSoftwareToken.
type AssociateSoftwareTokenOutput struct {
	SecretCode string `json:"SecretCode,omitempty"`
	Session    string `json:"Session,omitempty"`
}

// String never prints the secret.
func (o AssociateSoftwareTokenOutput) String() string {
	return "AssociateSoftwareTokenOutput{SecretCode:<redacted>}"
}

// VerifySoftwareTokenInput is the request of VerifySoftwareToken.
type VerifySoftwareTokenInput struct {
	AccessToken        string `json:"AccessToken,omitempty"`
	Session            string `json:"Session,omitempty"`
	UserCode           string `json:"UserCode"`
	FriendlyDeviceName string `json:"FriendlyDeviceName,omitempty"`
}

// VerifySoftwareTokenOutput is the response of VerifySoftwareToken.
type VerifySoftwareTokenOutput struct {
	Status  string `json:"Status,omitempty"` // SUCCESS or ERROR
	Session string `json:"Session,omitempty"`
}

// MFAOptionSettings is one factor's setting in (Admin)SetUserMFAPreference.
type MFAOptionSettings struct {
	Enabled      bool `json:"Enabled"`
	PreferredMfa bool `json:"PreferredMfa"`
}

// SetUserMFAPreferenceInput is the request of SetUserMFAPreference
// (AccessToken) and AdminSetUserMFAPreference (UserPoolId and Username).
type SetUserMFAPreferenceInput struct {
	AccessToken              string             `json:"AccessToken,omitempty"`
	UserPoolId               string             `json:"UserPoolId,omitempty"`
	Username                 string             `json:"Username,omitempty"`
	SMSMfaSettings           *MFAOptionSettings `json:"SMSMfaSettings,omitempty"`
	SoftwareTokenMfaSettings *MFAOptionSettings `json:"SoftwareTokenMfaSettings,omitempty"`
	EmailMfaSettings         *MFAOptionSettings `json:"EmailMfaSettings,omitempty"`
}
