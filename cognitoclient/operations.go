package cognitoclient

import (
	"context"

	"github.com/authflow/authflow/challenge"
)

// The typed operations: those of challenge.Service and the user's own
// operations a sign-in program needs (package client's interfaces). Any
// other operation is reached with Call.

var _ challenge.Service = (*Client)(nil)

// InitiateAuth starts a sign-in (challenge.Service).
func (c *Client) InitiateAuth(ctx context.Context, in *challenge.InitiateAuthInput) (*challenge.InitiateAuthOutput, error) {
	return call[challenge.InitiateAuthOutput](ctx, c, "InitiateAuth", in)
}

// AdminInitiateAuth starts a server-side sign-in (challenge.Service). It
// needs WithCredentials unless the server skips signature checks.
func (c *Client) AdminInitiateAuth(ctx context.Context, in *challenge.AdminInitiateAuthInput) (*challenge.AdminInitiateAuthOutput, error) {
	return call[challenge.AdminInitiateAuthOutput](ctx, c, "AdminInitiateAuth", in)
}

// RespondToAuthChallenge answers a challenge (challenge.Service).
func (c *Client) RespondToAuthChallenge(ctx context.Context, in *challenge.RespondToAuthChallengeInput) (*challenge.RespondToAuthChallengeOutput, error) {
	return call[challenge.RespondToAuthChallengeOutput](ctx, c, "RespondToAuthChallenge", in)
}

// AdminRespondToAuthChallenge answers a challenge of a server-side sign-in
// (challenge.Service). It needs WithCredentials unless the server skips
// signature checks.
func (c *Client) AdminRespondToAuthChallenge(ctx context.Context, in *challenge.AdminRespondToAuthChallengeInput) (*challenge.AdminRespondToAuthChallengeOutput, error) {
	return call[challenge.AdminRespondToAuthChallengeOutput](ctx, c, "AdminRespondToAuthChallenge", in)
}

// AssociateSoftwareToken starts an authenticator-app enrolment, with the
// Session of an MFA_SETUP challenge or an AccessToken.
func (c *Client) AssociateSoftwareToken(ctx context.Context, in *challenge.AssociateSoftwareTokenInput) (*challenge.AssociateSoftwareTokenOutput, error) {
	return call[challenge.AssociateSoftwareTokenOutput](ctx, c, "AssociateSoftwareToken", in)
}

// VerifySoftwareToken completes an authenticator-app enrolment with a code.
func (c *Client) VerifySoftwareToken(ctx context.Context, in *challenge.VerifySoftwareTokenInput) (*challenge.VerifySoftwareTokenOutput, error) {
	return call[challenge.VerifySoftwareTokenOutput](ctx, c, "VerifySoftwareToken", in)
}

// GetTokensFromRefreshToken exchanges a refresh token for new tokens
// (and, with rotation on, a new refresh token).
func (c *Client) GetTokensFromRefreshToken(ctx context.Context, in *challenge.GetTokensFromRefreshTokenInput) (*challenge.GetTokensFromRefreshTokenOutput, error) {
	return call[challenge.GetTokensFromRefreshTokenOutput](ctx, c, "GetTokensFromRefreshToken", in)
}

// RevokeToken revokes a refresh token and the tokens issued from it.
func (c *Client) RevokeToken(ctx context.Context, in *challenge.RevokeTokenInput) (*challenge.Empty, error) {
	return call[challenge.Empty](ctx, c, "RevokeToken", in)
}

// GlobalSignOut signs the user out of every device: every refresh token
// of the user is revoked.
func (c *Client) GlobalSignOut(ctx context.Context, in *challenge.AccessTokenInput) (*challenge.Empty, error) {
	return call[challenge.Empty](ctx, c, "GlobalSignOut", in)
}

// GetUser returns the signed-in user's attributes and MFA settings.
func (c *Client) GetUser(ctx context.Context, in *challenge.AccessTokenInput) (*challenge.GetUserOutput, error) {
	return call[challenge.GetUserOutput](ctx, c, "GetUser", in)
}

// ConfirmDevice registers the device of a sign-in with its SRP verifier.
func (c *Client) ConfirmDevice(ctx context.Context, in *challenge.ConfirmDeviceInput) (*challenge.ConfirmDeviceOutput, error) {
	return call[challenge.ConfirmDeviceOutput](ctx, c, "ConfirmDevice", in)
}

// UpdateDeviceStatus marks a device remembered or not_remembered.
func (c *Client) UpdateDeviceStatus(ctx context.Context, in *challenge.DeviceInput) (*challenge.Empty, error) {
	return call[challenge.Empty](ctx, c, "UpdateDeviceStatus", in)
}

// ForgetDevice removes a device of the signed-in user.
func (c *Client) ForgetDevice(ctx context.Context, in *challenge.DeviceInput) (*challenge.Empty, error) {
	return call[challenge.Empty](ctx, c, "ForgetDevice", in)
}

// ListDevices lists the signed-in user's devices.
func (c *Client) ListDevices(ctx context.Context, in *challenge.ListDevicesInput) (*challenge.ListDevicesOutput, error) {
	return call[challenge.ListDevicesOutput](ctx, c, "ListDevices", in)
}
