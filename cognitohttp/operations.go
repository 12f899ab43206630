package cognitohttp

import (
	"context"
	"slices"

	"github.com/authflow/authflow/challenge"
)

// TargetPrefix is the part of X-Amz-Target before the operation name.
const TargetPrefix = "AWSCognitoIdentityProviderService."

// Service is what the handler serves: one method per Cognito operation
// of the dispatch table, each taking the operation's request and returning
// its response or a *challenge.Error. The user-pool service
// (userpool.Service) implements it; a narrower server may embed it and
// override or refuse operations.
type Service interface {
	// Sign-in.
	InitiateAuth(ctx context.Context, in *challenge.InitiateAuthInput) (*challenge.InitiateAuthOutput, error)
	RespondToAuthChallenge(ctx context.Context, in *challenge.RespondToAuthChallengeInput) (*challenge.RespondToAuthChallengeOutput, error)
	AdminInitiateAuth(ctx context.Context, in *challenge.AdminInitiateAuthInput) (*challenge.AdminInitiateAuthOutput, error)
	AdminRespondToAuthChallenge(ctx context.Context, in *challenge.AdminRespondToAuthChallengeInput) (*challenge.AdminRespondToAuthChallengeOutput, error)

	// Pools, app clients and their MFA configuration.
	CreateUserPool(ctx context.Context, in *challenge.CreateUserPoolInput) (*challenge.UserPoolOutput, error)
	DescribeUserPool(ctx context.Context, in *challenge.UserPoolIdInput) (*challenge.UserPoolOutput, error)
	ListUserPools(ctx context.Context, in *challenge.ListUserPoolsInput) (*challenge.ListUserPoolsOutput, error)
	UpdateUserPool(ctx context.Context, in *challenge.UpdateUserPoolInput) (*challenge.Empty, error)
	AddCustomAttributes(ctx context.Context, in *challenge.AddCustomAttributesInput) (*challenge.Empty, error)
	DeleteUserPool(ctx context.Context, in *challenge.UserPoolIdInput) (*challenge.Empty, error)
	CreateUserPoolClient(ctx context.Context, in *challenge.UserPoolClientInput) (*challenge.UserPoolClientOutput, error)
	DescribeUserPoolClient(ctx context.Context, in *challenge.ClientIdInput) (*challenge.UserPoolClientOutput, error)
	ListUserPoolClients(ctx context.Context, in *challenge.ListUserPoolClientsInput) (*challenge.ListUserPoolClientsOutput, error)
	UpdateUserPoolClient(ctx context.Context, in *challenge.UserPoolClientInput) (*challenge.UserPoolClientOutput, error)
	DeleteUserPoolClient(ctx context.Context, in *challenge.ClientIdInput) (*challenge.Empty, error)
	SetUserPoolMfaConfig(ctx context.Context, in *challenge.UserPoolMfaConfig) (*challenge.UserPoolMfaConfig, error)
	GetUserPoolMfaConfig(ctx context.Context, in *challenge.UserPoolIdInput) (*challenge.UserPoolMfaConfig, error)

	// Administration of users.
	AdminCreateUser(ctx context.Context, in *challenge.AdminCreateUserInput) (*challenge.AdminCreateUserOutput, error)
	AdminGetUser(ctx context.Context, in *challenge.AdminUserInput) (*challenge.AdminGetUserOutput, error)
	AdminDeleteUser(ctx context.Context, in *challenge.AdminUserInput) (*challenge.Empty, error)
	AdminDisableUser(ctx context.Context, in *challenge.AdminUserInput) (*challenge.Empty, error)
	AdminEnableUser(ctx context.Context, in *challenge.AdminUserInput) (*challenge.Empty, error)
	AdminSetUserPassword(ctx context.Context, in *challenge.AdminSetUserPasswordInput) (*challenge.Empty, error)
	AdminResetUserPassword(ctx context.Context, in *challenge.AdminResetUserPasswordInput) (*challenge.Empty, error)
	AdminUpdateUserAttributes(ctx context.Context, in *challenge.AdminUpdateUserAttributesInput) (*challenge.Empty, error)
	AdminSetUserMFAPreference(ctx context.Context, in *challenge.SetUserMFAPreferenceInput) (*challenge.Empty, error)
	AdminUserGlobalSignOut(ctx context.Context, in *challenge.AdminUserInput) (*challenge.Empty, error)

	// The user's own attributes and account.
	AdminConfirmSignUp(ctx context.Context, in *challenge.AdminConfirmSignUpInput) (*challenge.Empty, error)
	DeleteUser(ctx context.Context, in *challenge.AccessTokenInput) (*challenge.Empty, error)
	UpdateUserAttributes(ctx context.Context, in *challenge.UpdateUserAttributesInput) (*challenge.UpdateUserAttributesOutput, error)
	GetUserAttributeVerificationCode(ctx context.Context, in *challenge.GetUserAttributeVerificationCodeInput) (*challenge.CodeDeliveryOutput, error)
	VerifyUserAttribute(ctx context.Context, in *challenge.VerifyUserAttributeInput) (*challenge.Empty, error)
	DeleteUserAttributes(ctx context.Context, in *challenge.DeleteUserAttributesInput) (*challenge.Empty, error)
	AdminDeleteUserAttributes(ctx context.Context, in *challenge.AdminDeleteUserAttributesInput) (*challenge.Empty, error)
	SetUserSettings(ctx context.Context, in *challenge.SetUserSettingsInput) (*challenge.Empty, error)
	AdminSetUserSettings(ctx context.Context, in *challenge.AdminSetUserSettingsInput) (*challenge.Empty, error)
	ListUsers(ctx context.Context, in *challenge.ListUsersInput) (*challenge.ListUsersOutput, error)

	// Groups.
	CreateGroup(ctx context.Context, in *challenge.CreateGroupInput) (*challenge.GroupOutput, error)
	GetGroup(ctx context.Context, in *challenge.GroupInput) (*challenge.GroupOutput, error)
	UpdateGroup(ctx context.Context, in *challenge.UpdateGroupInput) (*challenge.GroupOutput, error)
	DeleteGroup(ctx context.Context, in *challenge.GroupInput) (*challenge.Empty, error)
	ListGroups(ctx context.Context, in *challenge.ListGroupsInput) (*challenge.ListGroupsOutput, error)
	AdminAddUserToGroup(ctx context.Context, in *challenge.AdminUserGroupInput) (*challenge.Empty, error)
	AdminRemoveUserFromGroup(ctx context.Context, in *challenge.AdminUserGroupInput) (*challenge.Empty, error)
	AdminListGroupsForUser(ctx context.Context, in *challenge.AdminListGroupsForUserInput) (*challenge.ListGroupsOutput, error)
	ListUsersInGroup(ctx context.Context, in *challenge.ListUsersInGroupInput) (*challenge.ListUsersInGroupOutput, error)

	// The user's own operations (AccessToken or Session in the body).
	GetUser(ctx context.Context, in *challenge.AccessTokenInput) (*challenge.GetUserOutput, error)
	ChangePassword(ctx context.Context, in *challenge.ChangePasswordInput) (*challenge.Empty, error)
	GlobalSignOut(ctx context.Context, in *challenge.AccessTokenInput) (*challenge.Empty, error)
	AssociateSoftwareToken(ctx context.Context, in *challenge.AssociateSoftwareTokenInput) (*challenge.AssociateSoftwareTokenOutput, error)
	VerifySoftwareToken(ctx context.Context, in *challenge.VerifySoftwareTokenInput) (*challenge.VerifySoftwareTokenOutput, error)
	SetUserMFAPreference(ctx context.Context, in *challenge.SetUserMFAPreferenceInput) (*challenge.Empty, error)

	// Passkeys.
	StartWebAuthnRegistration(ctx context.Context, in *challenge.StartWebAuthnRegistrationInput) (*challenge.StartWebAuthnRegistrationOutput, error)
	CompleteWebAuthnRegistration(ctx context.Context, in *challenge.CompleteWebAuthnRegistrationInput) (*challenge.Empty, error)
	ListWebAuthnCredentials(ctx context.Context, in *challenge.ListWebAuthnCredentialsInput) (*challenge.ListWebAuthnCredentialsOutput, error)
	DeleteWebAuthnCredential(ctx context.Context, in *challenge.DeleteWebAuthnCredentialInput) (*challenge.Empty, error)
	GetUserAuthFactors(ctx context.Context, in *challenge.AccessTokenInput) (*challenge.GetUserAuthFactorsOutput, error)

	// Remembered devices.
	ConfirmDevice(ctx context.Context, in *challenge.ConfirmDeviceInput) (*challenge.ConfirmDeviceOutput, error)
	UpdateDeviceStatus(ctx context.Context, in *challenge.DeviceInput) (*challenge.Empty, error)
	GetDevice(ctx context.Context, in *challenge.DeviceInput) (*challenge.GetDeviceOutput, error)
	ForgetDevice(ctx context.Context, in *challenge.DeviceInput) (*challenge.Empty, error)
	ListDevices(ctx context.Context, in *challenge.ListDevicesInput) (*challenge.ListDevicesOutput, error)
	AdminUpdateDeviceStatus(ctx context.Context, in *challenge.DeviceInput) (*challenge.Empty, error)
	AdminGetDevice(ctx context.Context, in *challenge.DeviceInput) (*challenge.GetDeviceOutput, error)
	AdminForgetDevice(ctx context.Context, in *challenge.DeviceInput) (*challenge.Empty, error)
	AdminListDevices(ctx context.Context, in *challenge.ListDevicesInput) (*challenge.ListDevicesOutput, error)

	// Sign-up and forgotten passwords.
	SignUp(ctx context.Context, in *challenge.SignUpInput) (*challenge.SignUpOutput, error)
	ConfirmSignUp(ctx context.Context, in *challenge.ConfirmSignUpInput) (*challenge.ConfirmSignUpOutput, error)
	ResendConfirmationCode(ctx context.Context, in *challenge.UsernameInput) (*challenge.CodeDeliveryOutput, error)
	ForgotPassword(ctx context.Context, in *challenge.UsernameInput) (*challenge.CodeDeliveryOutput, error)
	ConfirmForgotPassword(ctx context.Context, in *challenge.ConfirmForgotPasswordInput) (*challenge.Empty, error)

	// Tokens.
	GetTokensFromRefreshToken(ctx context.Context, in *challenge.GetTokensFromRefreshTokenInput) (*challenge.GetTokensFromRefreshTokenOutput, error)
	RevokeToken(ctx context.Context, in *challenge.RevokeTokenInput) (*challenge.Empty, error)

	// Threat protection (auth events, risk configuration) and tags.
	AdminListUserAuthEvents(ctx context.Context, in *challenge.AdminListUserAuthEventsInput) (*challenge.AdminListUserAuthEventsOutput, error)
	AdminUpdateAuthEventFeedback(ctx context.Context, in *challenge.AdminUpdateAuthEventFeedbackInput) (*challenge.Empty, error)
	UpdateAuthEventFeedback(ctx context.Context, in *challenge.UpdateAuthEventFeedbackInput) (*challenge.Empty, error)
	SetRiskConfiguration(ctx context.Context, in *challenge.SetRiskConfigurationInput) (*challenge.RiskConfigurationOutput, error)
	DescribeRiskConfiguration(ctx context.Context, in *challenge.DescribeRiskConfigurationInput) (*challenge.RiskConfigurationOutput, error)
	TagResource(ctx context.Context, in *challenge.TagResourceInput) (*challenge.Empty, error)
	UntagResource(ctx context.Context, in *challenge.UntagResourceInput) (*challenge.Empty, error)
	ListTagsForResource(ctx context.Context, in *challenge.ResourceArnInput) (*challenge.ListTagsForResourceOutput, error)
	// User pool domains and resource servers (managed login).
	CreateUserPoolDomain(ctx context.Context, in *challenge.UserPoolDomainInput) (*challenge.UserPoolDomainOutput, error)
	DescribeUserPoolDomain(ctx context.Context, in *challenge.DescribeUserPoolDomainInput) (*challenge.DescribeUserPoolDomainOutput, error)
	UpdateUserPoolDomain(ctx context.Context, in *challenge.UserPoolDomainInput) (*challenge.UserPoolDomainOutput, error)
	DeleteUserPoolDomain(ctx context.Context, in *challenge.DeleteUserPoolDomainInput) (*challenge.Empty, error)
	CreateResourceServer(ctx context.Context, in *challenge.ResourceServerInput) (*challenge.ResourceServerOutput, error)
	DescribeResourceServer(ctx context.Context, in *challenge.ResourceServerIdInput) (*challenge.ResourceServerOutput, error)
	UpdateResourceServer(ctx context.Context, in *challenge.ResourceServerInput) (*challenge.ResourceServerOutput, error)
	DeleteResourceServer(ctx context.Context, in *challenge.ResourceServerIdInput) (*challenge.Empty, error)
	ListResourceServers(ctx context.Context, in *challenge.ListResourceServersInput) (*challenge.ListResourceServersOutput, error)
}

// handlerFunc runs one operation of s on a raw JSON request body and
// returns the value to encode as the response.
type handlerFunc func(s Service, ctx context.Context, body []byte) (any, error)

// op turns a method of Service into a handlerFunc: it decodes the body
// into a new In with challenge.Decode (null is absent, unknown members are
// ignored), calls fn, and answers {} for a nil result.
func op[In, Out any](fn func(Service, context.Context, *In) (*Out, error)) handlerFunc {
	return func(s Service, ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if err := challenge.Decode(body, in); err != nil {
			return nil, err
		}
		out, err := fn(s, ctx, in)
		if err != nil {
			return nil, err
		}
		if out == nil {
			return challenge.Empty{}, nil
		}
		return out, nil
	}
}

// auth says how a request must be authenticated.
type auth uint8

const (
	// public operations are sent unsigned by every SDK (the user's
	// AccessToken, when needed, is in the body).
	public auth = iota
	// sigV4 operations are IAM-authorized: Admin* and pool management.
	sigV4
)

// operation is one row of the dispatch table.
type operation struct {
	name string
	auth auth
	call handlerFunc
}

// operations is the dispatch table: every Cognito operation the handler
// serves, with how it is authenticated. It is the only place an operation
// is registered; Service declares the same methods.
func operations() []operation {
	return []operation{
		// Sign-in.
		{"InitiateAuth", public, op(Service.InitiateAuth)},
		{"RespondToAuthChallenge", public, op(Service.RespondToAuthChallenge)},
		{"AdminInitiateAuth", sigV4, op(Service.AdminInitiateAuth)},
		{"AdminRespondToAuthChallenge", sigV4, op(Service.AdminRespondToAuthChallenge)},

		// Pools, app clients and their MFA configuration.
		{"CreateUserPool", sigV4, op(Service.CreateUserPool)},
		{"DescribeUserPool", sigV4, op(Service.DescribeUserPool)},
		{"ListUserPools", sigV4, op(Service.ListUserPools)},
		{"UpdateUserPool", sigV4, op(Service.UpdateUserPool)},
		{"AddCustomAttributes", sigV4, op(Service.AddCustomAttributes)},
		{"DeleteUserPool", sigV4, op(Service.DeleteUserPool)},
		{"CreateUserPoolClient", sigV4, op(Service.CreateUserPoolClient)},
		{"DescribeUserPoolClient", sigV4, op(Service.DescribeUserPoolClient)},
		{"ListUserPoolClients", sigV4, op(Service.ListUserPoolClients)},
		{"UpdateUserPoolClient", sigV4, op(Service.UpdateUserPoolClient)},
		{"DeleteUserPoolClient", sigV4, op(Service.DeleteUserPoolClient)},
		{"SetUserPoolMfaConfig", sigV4, op(Service.SetUserPoolMfaConfig)},
		{"GetUserPoolMfaConfig", sigV4, op(Service.GetUserPoolMfaConfig)},

		// Administration of users.
		{"AdminCreateUser", sigV4, op(Service.AdminCreateUser)},
		{"AdminGetUser", sigV4, op(Service.AdminGetUser)},
		{"AdminDeleteUser", sigV4, op(Service.AdminDeleteUser)},
		{"AdminDisableUser", sigV4, op(Service.AdminDisableUser)},
		{"AdminEnableUser", sigV4, op(Service.AdminEnableUser)},
		{"AdminSetUserPassword", sigV4, op(Service.AdminSetUserPassword)},
		{"AdminResetUserPassword", sigV4, op(Service.AdminResetUserPassword)},
		{"AdminUpdateUserAttributes", sigV4, op(Service.AdminUpdateUserAttributes)},
		{"AdminSetUserMFAPreference", sigV4, op(Service.AdminSetUserMFAPreference)},
		{"AdminUserGlobalSignOut", sigV4, op(Service.AdminUserGlobalSignOut)},
		{"ListUsers", sigV4, op(Service.ListUsers)},

		// Groups.
		{"CreateGroup", sigV4, op(Service.CreateGroup)},
		{"GetGroup", sigV4, op(Service.GetGroup)},
		{"UpdateGroup", sigV4, op(Service.UpdateGroup)},
		{"DeleteGroup", sigV4, op(Service.DeleteGroup)},
		{"ListGroups", sigV4, op(Service.ListGroups)},
		{"AdminAddUserToGroup", sigV4, op(Service.AdminAddUserToGroup)},
		{"AdminRemoveUserFromGroup", sigV4, op(Service.AdminRemoveUserFromGroup)},
		{"AdminListGroupsForUser", sigV4, op(Service.AdminListGroupsForUser)},
		{"ListUsersInGroup", sigV4, op(Service.ListUsersInGroup)},

		// The user's own attributes and account.
		{"AdminConfirmSignUp", sigV4, op(Service.AdminConfirmSignUp)},
		{"DeleteUser", public, op(Service.DeleteUser)},
		{"UpdateUserAttributes", public, op(Service.UpdateUserAttributes)},
		{"GetUserAttributeVerificationCode", public, op(Service.GetUserAttributeVerificationCode)},
		{"VerifyUserAttribute", public, op(Service.VerifyUserAttribute)},
		{"DeleteUserAttributes", public, op(Service.DeleteUserAttributes)},
		{"AdminDeleteUserAttributes", sigV4, op(Service.AdminDeleteUserAttributes)},
		{"SetUserSettings", public, op(Service.SetUserSettings)},
		{"AdminSetUserSettings", sigV4, op(Service.AdminSetUserSettings)},

		// The user's own operations (AccessToken or Session in the body).
		{"GetUser", public, op(Service.GetUser)},
		{"ChangePassword", public, op(Service.ChangePassword)},
		{"GlobalSignOut", public, op(Service.GlobalSignOut)},
		{"AssociateSoftwareToken", public, op(Service.AssociateSoftwareToken)},
		{"VerifySoftwareToken", public, op(Service.VerifySoftwareToken)},
		{"SetUserMFAPreference", public, op(Service.SetUserMFAPreference)},

		// Passkeys.
		{"StartWebAuthnRegistration", public, op(Service.StartWebAuthnRegistration)},
		{"CompleteWebAuthnRegistration", public, op(Service.CompleteWebAuthnRegistration)},
		{"ListWebAuthnCredentials", public, op(Service.ListWebAuthnCredentials)},
		{"DeleteWebAuthnCredential", public, op(Service.DeleteWebAuthnCredential)},
		{"GetUserAuthFactors", public, op(Service.GetUserAuthFactors)},

		// Remembered devices.
		{"ConfirmDevice", public, op(Service.ConfirmDevice)},
		{"UpdateDeviceStatus", public, op(Service.UpdateDeviceStatus)},
		{"GetDevice", public, op(Service.GetDevice)},
		{"ForgetDevice", public, op(Service.ForgetDevice)},
		{"ListDevices", public, op(Service.ListDevices)},
		{"AdminUpdateDeviceStatus", sigV4, op(Service.AdminUpdateDeviceStatus)},
		{"AdminGetDevice", sigV4, op(Service.AdminGetDevice)},
		{"AdminForgetDevice", sigV4, op(Service.AdminForgetDevice)},
		{"AdminListDevices", sigV4, op(Service.AdminListDevices)},

		// Sign-up and forgotten passwords.
		{"SignUp", public, op(Service.SignUp)},
		{"ConfirmSignUp", public, op(Service.ConfirmSignUp)},
		{"ResendConfirmationCode", public, op(Service.ResendConfirmationCode)},
		{"ForgotPassword", public, op(Service.ForgotPassword)},
		{"ConfirmForgotPassword", public, op(Service.ConfirmForgotPassword)},

		// Tokens.
		{"GetTokensFromRefreshToken", public, op(Service.GetTokensFromRefreshToken)},
		{"RevokeToken", public, op(Service.RevokeToken)},

		// Threat protection (auth events, risk configuration) and tags.
		{"AdminListUserAuthEvents", sigV4, op(Service.AdminListUserAuthEvents)},
		{"AdminUpdateAuthEventFeedback", sigV4, op(Service.AdminUpdateAuthEventFeedback)},
		{"UpdateAuthEventFeedback", public, op(Service.UpdateAuthEventFeedback)},
		{"SetRiskConfiguration", sigV4, op(Service.SetRiskConfiguration)},
		{"DescribeRiskConfiguration", sigV4, op(Service.DescribeRiskConfiguration)},
		{"TagResource", sigV4, op(Service.TagResource)},
		{"UntagResource", sigV4, op(Service.UntagResource)},
		{"ListTagsForResource", sigV4, op(Service.ListTagsForResource)},
		// User pool domains and resource servers (managed login).
		{"CreateUserPoolDomain", sigV4, op(Service.CreateUserPoolDomain)},
		{"DescribeUserPoolDomain", sigV4, op(Service.DescribeUserPoolDomain)},
		{"UpdateUserPoolDomain", sigV4, op(Service.UpdateUserPoolDomain)},
		{"DeleteUserPoolDomain", sigV4, op(Service.DeleteUserPoolDomain)},
		{"CreateResourceServer", sigV4, op(Service.CreateResourceServer)},
		{"DescribeResourceServer", sigV4, op(Service.DescribeResourceServer)},
		{"UpdateResourceServer", sigV4, op(Service.UpdateResourceServer)},
		{"DeleteResourceServer", sigV4, op(Service.DeleteResourceServer)},
		{"ListResourceServers", sigV4, op(Service.ListResourceServers)},
	}
}

// signedOperations names the operations that need SigV4, for the client
// transport, which has no engine to build the table from. A test checks it
// against the table.
var signedOperations = func() map[string]bool {
	m := map[string]bool{}
	for _, o := range operations() {
		if o.auth == sigV4 {
			m[o.name] = true
		}
	}
	return m
}()

// Operations returns the names of the operations a handler dispatches,
// sorted.
func Operations() []string {
	var names []string
	for _, o := range operations() {
		names = append(names, o.name)
	}
	slices.Sort(names)
	return names
}

// RequiresSignature reports whether an operation must carry a SigV4
// Authorization header (Admin* and pool management operations).
func RequiresSignature(operation string) bool { return signedOperations[operation] }
