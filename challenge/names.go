package challenge

// AuthFlow names a sign-in flow, the AuthFlow member of InitiateAuth and
// AdminInitiateAuth.
type AuthFlow string

// The AuthFlow values of the newest API reference.
const (
	// FlowUserAuth is choice-based sign-in (passwords, one-time codes, passkeys).
	FlowUserAuth AuthFlow = "USER_AUTH"
	// FlowUserSRPAuth is username and password proven with SRP.
	FlowUserSRPAuth AuthFlow = "USER_SRP_AUTH"
	// FlowUserPasswordAuth sends the password itself (InitiateAuth only).
	FlowUserPasswordAuth AuthFlow = "USER_PASSWORD_AUTH"
	// FlowAdminUserPasswordAuth sends the password itself (AdminInitiateAuth only).
	FlowAdminUserPasswordAuth AuthFlow = "ADMIN_USER_PASSWORD_AUTH"
	// FlowAdminNoSRPAuth is the legacy name of FlowAdminUserPasswordAuth (AdminInitiateAuth only).
	FlowAdminNoSRPAuth AuthFlow = "ADMIN_NO_SRP_AUTH"
	// FlowRefreshTokenAuth exchanges a refresh token for new access and ID tokens.
	FlowRefreshTokenAuth AuthFlow = "REFRESH_TOKEN_AUTH"
	// FlowRefreshToken is a synonym of FlowRefreshTokenAuth.
	FlowRefreshToken AuthFlow = "REFRESH_TOKEN"
	// FlowCustomAuth is sign-in driven by the custom-challenge hooks.
	FlowCustomAuth AuthFlow = "CUSTOM_AUTH"
)

// AuthFlows lists every AuthFlow value, in the order of the API reference.
var AuthFlows = []AuthFlow{
	FlowUserAuth, FlowUserSRPAuth, FlowRefreshTokenAuth, FlowRefreshToken,
	FlowCustomAuth, FlowAdminNoSRPAuth, FlowUserPasswordAuth, FlowAdminUserPasswordAuth,
}

// Valid reports whether f is one of the AuthFlow values.
func (f AuthFlow) Valid() bool {
	for _, v := range AuthFlows {
		if f == v {
			return true
		}
	}
	return false
}

// Name is a ChallengeName: what the client must answer next.
type Name string

// The ChallengeName values of the newest API reference.
const (
	SMSMFA                 Name = "SMS_MFA"
	EmailOTP               Name = "EMAIL_OTP"
	SoftwareTokenMFA       Name = "SOFTWARE_TOKEN_MFA"
	SelectMFAType          Name = "SELECT_MFA_TYPE"
	MFASetup               Name = "MFA_SETUP"
	PasswordVerifier       Name = "PASSWORD_VERIFIER"
	CustomChallenge        Name = "CUSTOM_CHALLENGE"
	SelectChallenge        Name = "SELECT_CHALLENGE"
	DeviceSRPAuth          Name = "DEVICE_SRP_AUTH"
	DevicePasswordVerifier Name = "DEVICE_PASSWORD_VERIFIER"
	AdminNoSRPAuth         Name = "ADMIN_NO_SRP_AUTH"
	NewPasswordRequired    Name = "NEW_PASSWORD_REQUIRED"
	SMSOTP                 Name = "SMS_OTP"
	Password               Name = "PASSWORD"
	WebAuthn               Name = "WEB_AUTHN"
	PasswordSRP            Name = "PASSWORD_SRP"
)

// Names lists every ChallengeName value, in the order of the API reference.
var Names = []Name{
	SMSMFA, EmailOTP, SoftwareTokenMFA, SelectMFAType, MFASetup, PasswordVerifier,
	CustomChallenge, SelectChallenge, DeviceSRPAuth, DevicePasswordVerifier,
	AdminNoSRPAuth, NewPasswordRequired, SMSOTP, Password, WebAuthn, PasswordSRP,
}

// Valid reports whether n is one of the ChallengeName values.
func (n Name) Valid() bool {
	for _, v := range Names {
		if n == v {
			return true
		}
	}
	return false
}

// Keys of AuthParameters, ChallengeParameters and ChallengeResponses. The
// seeds name some of them; the SRP and code-delivery keys are the ones real
// Cognito and its client libraries use (shared/spec/wire.md).
const (
	KeyUsername           = "USERNAME"
	KeyPassword           = "PASSWORD"
	KeySRPA               = "SRP_A"
	KeySecretHash         = "SECRET_HASH"
	KeyDeviceKey          = "DEVICE_KEY"
	KeyRefreshToken       = "REFRESH_TOKEN"
	KeyPreferredChallenge = "PREFERRED_CHALLENGE"
	// KeyChallengeName is the CUSTOM_AUTH AuthParameter that asks for the SRP
	// variant (value "SRP_A"), as amazon-cognito-identity-js sends it.
	KeyChallengeName = "CHALLENGE_NAME"

	KeySRPB                          = "SRP_B"
	KeySalt                          = "SALT"
	KeySecretBlock                   = "SECRET_BLOCK"
	KeyUserIDForSRP                  = "USER_ID_FOR_SRP"
	KeyFriendlyDeviceName            = "FRIENDLY_DEVICE_NAME"
	KeyRequiredAttributes            = "requiredAttributes"
	KeyUserAttributes                = "userAttributes"
	KeyMFAsCanSetup                  = "MFAS_CAN_SETUP"
	KeyMFAsCanChoose                 = "MFAS_CAN_CHOOSE"
	KeyCodeDeliveryDestination       = "CODE_DELIVERY_DESTINATION"
	KeyCodeDeliveryDeliveryMedium    = "CODE_DELIVERY_DELIVERY_MEDIUM"
	KeyCredentialRequestOptions      = "CREDENTIAL_REQUEST_OPTIONS"
	KeyAnswer                        = "ANSWER"
	KeyCredential                    = "CREDENTIAL"
	KeyPasswordClaimSignature        = "PASSWORD_CLAIM_SIGNATURE"
	KeyPasswordClaimSecretBlock      = "PASSWORD_CLAIM_SECRET_BLOCK"
	KeyTimestamp                     = "TIMESTAMP"
	KeyNewPassword                   = "NEW_PASSWORD"
	KeySMSMFACode                    = "SMS_MFA_CODE"
	KeySoftwareTokenMFACode          = "SOFTWARE_TOKEN_MFA_CODE"
	KeyEmailOTPCode                  = "EMAIL_OTP_CODE"
	KeySMSOTPCode                    = "SMS_OTP_CODE"
	PrefixUserAttributes             = "userAttributes."
	ValueChallengeNameSRPA           = "SRP_A"
	DeliveryMediumSMS                = "SMS"
	DeliveryMediumEmail              = "EMAIL"
	TokenTypeBearer                  = "Bearer"
	ScopeSigninUserAdmin             = "aws.cognito.signin.user.admin"
	ExplicitAllowUserAuth            = "ALLOW_USER_AUTH"
	ExplicitAllowUserSRPAuth         = "ALLOW_USER_SRP_AUTH"
	ExplicitAllowUserPasswordAuth    = "ALLOW_USER_PASSWORD_AUTH"
	ExplicitAllowAdminUserPassword   = "ALLOW_ADMIN_USER_PASSWORD_AUTH"
	ExplicitAllowCustomAuth          = "ALLOW_CUSTOM_AUTH"
	ExplicitAllowRefreshTokenAuth    = "ALLOW_REFRESH_TOKEN_AUTH"
	ExplicitLegacyAdminNoSRPAuth     = "ADMIN_NO_SRP_AUTH"
	ExplicitLegacyCustomAuthOnly     = "CUSTOM_AUTH_FLOW_ONLY"
	ExplicitLegacyUserPasswordAuth   = "USER_PASSWORD_AUTH"
	PreventUserExistenceErrorsOn     = "ENABLED"
	PreventUserExistenceErrorsLegacy = "LEGACY"
)
