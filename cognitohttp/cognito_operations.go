package cognitohttp

import "slices"

// cognitoOperations names every operation of Cognito's user-pool API
// (cognito-idp, 2016-04-18): those of the newest API reference and of the
// AWS SDK for Go this module tests with, sorted. A target that names one
// the dispatch table lacks is answered "not supported by authflow"
// rather than "unknown" (see the handler). A test checks the list against
// the SDK's client and the dispatch table.
var cognitoOperations = []string{
	"AddCustomAttributes", "AddUserPoolClientSecret", "AdminAddUserToGroup", "AdminConfirmSignUp",
	"AdminCreateUser", "AdminDeleteUser", "AdminDeleteUserAttributes", "AdminDisableProviderForUser",
	"AdminDisableUser", "AdminEnableUser", "AdminForgetDevice", "AdminGetDevice", "AdminGetUser",
	"AdminInitiateAuth", "AdminLinkProviderForUser", "AdminListDevices", "AdminListGroupsForUser",
	"AdminListUserAuthEvents", "AdminRemoveUserFromGroup", "AdminResetUserPassword",
	"AdminRespondToAuthChallenge", "AdminSetUserMFAPreference", "AdminSetUserPassword", "AdminSetUserSettings",
	"AdminUpdateAuthEventFeedback", "AdminUpdateDeviceStatus", "AdminUpdateUserAttributes",
	"AdminUserGlobalSignOut", "AssociateSoftwareToken", "ChangePassword", "CompleteWebAuthnRegistration",
	"ConfirmDevice", "ConfirmForgotPassword", "ConfirmSignUp", "CreateGroup", "CreateIdentityProvider",
	"CreateManagedLoginBranding", "CreateResourceServer", "CreateTerms", "CreateUserImportJob",
	"CreateUserPool", "CreateUserPoolClient", "CreateUserPoolDomain", "CreateUserPoolReplica", "DeleteGroup",
	"DeleteIdentityProvider", "DeleteManagedLoginBranding", "DeleteResourceServer", "DeleteTerms", "DeleteUser",
	"DeleteUserAttributes", "DeleteUserPool", "DeleteUserPoolClient", "DeleteUserPoolClientSecret",
	"DeleteUserPoolDomain", "DeleteUserPoolReplica", "DeleteWebAuthnCredential", "DescribeIdentityProvider",
	"DescribeManagedLoginBranding", "DescribeManagedLoginBrandingByClient", "DescribeResourceServer",
	"DescribeRiskConfiguration", "DescribeTerms", "DescribeUserImportJob", "DescribeUserPool",
	"DescribeUserPoolClient", "DescribeUserPoolDomain", "ForgetDevice", "ForgotPassword", "GetCSVHeader",
	"GetDevice", "GetGroup", "GetIdentityProviderByIdentifier", "GetLogDeliveryConfiguration",
	"GetSigningCertificate", "GetTokensFromRefreshToken", "GetUICustomization", "GetUser",
	"GetUserAttributeVerificationCode", "GetUserAuthFactors", "GetUserPoolMfaConfig", "GlobalSignOut",
	"InitiateAuth", "ListDevices", "ListGroups", "ListIdentityProviders", "ListResourceServers",
	"ListTagsForResource", "ListTerms", "ListUserImportJobs", "ListUserPoolClientSecrets",
	"ListUserPoolClients", "ListUserPoolReplicas", "ListUserPools", "ListUsers", "ListUsersInGroup",
	"ListWebAuthnCredentials", "ResendConfirmationCode", "RespondToAuthChallenge", "RevokeToken",
	"SetLogDeliveryConfiguration", "SetRiskConfiguration", "SetUICustomization", "SetUserMFAPreference",
	"SetUserPoolMfaConfig", "SetUserSettings", "SignUp", "StartUserImportJob", "StartWebAuthnRegistration",
	"StopUserImportJob", "TagResource", "UntagResource", "UpdateAuthEventFeedback", "UpdateDeviceStatus",
	"UpdateGroup", "UpdateIdentityProvider", "UpdateManagedLoginBranding", "UpdateResourceServer",
	"UpdateTerms", "UpdateUserAttributes", "UpdateUserPool", "UpdateUserPoolClient", "UpdateUserPoolDomain",
	"UpdateUserPoolReplica", "VerifySoftwareToken", "VerifyUserAttribute",
}

// CognitoOperation reports whether name is an operation of Cognito's
// user-pool API, served by the handler or not.
func CognitoOperation(name string) bool {
	_, ok := slices.BinarySearch(cognitoOperations, name)
	return ok
}

// CognitoOperationNames returns the names of Cognito's user-pool
// operations (see CognitoOperation), sorted; with Operations, what is not
// served.
func CognitoOperationNames() []string { return slices.Clone(cognitoOperations) }
