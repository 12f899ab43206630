package cognitohttp

import (
	"context"
	"slices"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// TargetPrefix is the part of X-Amz-Target before the operation name.
const TargetPrefix = "AWSCognitoIdentityProviderService."

// handlerFunc runs one operation on a raw JSON request body and returns the
// value to encode as the response.
type handlerFunc func(ctx context.Context, body []byte) (any, error)

// op turns an engine method into a handlerFunc: it decodes the body into a
// new In with challenge.Decode (null is absent, unknown members are
// ignored), calls fn, and answers {} for a nil result.
func op[In, Out any](fn func(context.Context, *In) (*Out, error)) handlerFunc {
	return func(ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if err := challenge.Decode(body, in); err != nil {
			return nil, err
		}
		out, err := fn(ctx, in)
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

// operations is the dispatch table: every Cognito operation the engine
// implements, with how it is authenticated. It is the only place an
// operation is registered.
func operations(s *flow.Server) []operation {
	return []operation{
		// Sign-in.
		{"InitiateAuth", public, op(s.InitiateAuth)},
		{"RespondToAuthChallenge", public, op(s.RespondToAuthChallenge)},
		{"AdminInitiateAuth", sigV4, op(s.AdminInitiateAuth)},
		{"AdminRespondToAuthChallenge", sigV4, op(s.AdminRespondToAuthChallenge)},

		// Pools, app clients and their MFA configuration.
		{"CreateUserPool", sigV4, op(s.CreateUserPool)},
		{"DescribeUserPool", sigV4, op(s.DescribeUserPool)},
		{"ListUserPools", sigV4, op(s.ListUserPools)},
		{"UpdateUserPool", sigV4, op(s.UpdateUserPool)},
		{"DeleteUserPool", sigV4, op(s.DeleteUserPool)},
		{"CreateUserPoolClient", sigV4, op(s.CreateUserPoolClient)},
		{"DescribeUserPoolClient", sigV4, op(s.DescribeUserPoolClient)},
		{"ListUserPoolClients", sigV4, op(s.ListUserPoolClients)},
		{"UpdateUserPoolClient", sigV4, op(s.UpdateUserPoolClient)},
		{"DeleteUserPoolClient", sigV4, op(s.DeleteUserPoolClient)},
		{"SetUserPoolMfaConfig", sigV4, op(s.SetUserPoolMfaConfig)},
		{"GetUserPoolMfaConfig", sigV4, op(s.GetUserPoolMfaConfig)},

		// Administration of users.
		{"AdminCreateUser", sigV4, op(s.AdminCreateUser)},
		{"AdminGetUser", sigV4, op(s.AdminGetUser)},
		{"AdminDeleteUser", sigV4, op(s.AdminDeleteUser)},
		{"AdminDisableUser", sigV4, op(s.AdminDisableUser)},
		{"AdminEnableUser", sigV4, op(s.AdminEnableUser)},
		{"AdminSetUserPassword", sigV4, op(s.AdminSetUserPassword)},
		{"AdminResetUserPassword", sigV4, op(s.AdminResetUserPassword)},
		{"AdminUpdateUserAttributes", sigV4, op(s.AdminUpdateUserAttributes)},
		{"AdminSetUserMFAPreference", sigV4, op(s.AdminSetUserMFAPreference)},
		{"AdminUserGlobalSignOut", sigV4, op(s.AdminUserGlobalSignOut)},
		{"ListUsers", sigV4, op(s.ListUsers)},

		// The user's own operations (AccessToken or Session in the body).
		{"GetUser", public, op(s.GetUser)},
		{"ChangePassword", public, op(s.ChangePassword)},
		{"GlobalSignOut", public, op(s.GlobalSignOut)},
		{"AssociateSoftwareToken", public, op(s.AssociateSoftwareToken)},
		{"VerifySoftwareToken", public, op(s.VerifySoftwareToken)},
		{"SetUserMFAPreference", public, op(s.SetUserMFAPreference)},

		// Passkeys.
		{"StartWebAuthnRegistration", public, op(s.StartWebAuthnRegistration)},
		{"CompleteWebAuthnRegistration", public, op(s.CompleteWebAuthnRegistration)},
		{"ListWebAuthnCredentials", public, op(s.ListWebAuthnCredentials)},
		{"DeleteWebAuthnCredential", public, op(s.DeleteWebAuthnCredential)},
		{"GetUserAuthFactors", public, op(s.GetUserAuthFactors)},

		// Remembered devices.
		{"ConfirmDevice", public, op(s.ConfirmDevice)},
		{"UpdateDeviceStatus", public, op(s.UpdateDeviceStatus)},
		{"GetDevice", public, op(s.GetDevice)},
		{"ForgetDevice", public, op(s.ForgetDevice)},
		{"ListDevices", public, op(s.ListDevices)},
		{"AdminUpdateDeviceStatus", sigV4, op(s.AdminUpdateDeviceStatus)},
		{"AdminGetDevice", sigV4, op(s.AdminGetDevice)},
		{"AdminForgetDevice", sigV4, op(s.AdminForgetDevice)},
		{"AdminListDevices", sigV4, op(s.AdminListDevices)},

		// Sign-up and forgotten passwords.
		{"SignUp", public, op(s.SignUp)},
		{"ConfirmSignUp", public, op(s.ConfirmSignUp)},
		{"ResendConfirmationCode", public, op(s.ResendConfirmationCode)},
		{"ForgotPassword", public, op(s.ForgotPassword)},
		{"ConfirmForgotPassword", public, op(s.ConfirmForgotPassword)},

		// Tokens.
		{"GetTokensFromRefreshToken", public, op(s.GetTokensFromRefreshToken)},
		{"RevokeToken", public, op(s.RevokeToken)},
	}
}

// signedOperations names the operations that need SigV4, for the client
// transport, which has no engine to build the table from. A test checks it
// against the table.
var signedOperations = func() map[string]bool {
	m := map[string]bool{}
	for _, o := range operations(nil) {
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
	for _, o := range operations(nil) {
		names = append(names, o.name)
	}
	slices.Sort(names)
	return names
}

// RequiresSignature reports whether an operation must carry a SigV4
// Authorization header (Admin* and pool management operations).
func RequiresSignature(operation string) bool { return signedOperations[operation] }
