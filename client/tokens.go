package client

import (
	"context"
	"fmt"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/srp"
)

// TokenService holds the token operations after sign-in: refresh with
// rotation (GetTokensFromRefreshToken), revocation of a refresh token
// (RevokeToken) and sign-out everywhere (GlobalSignOut). The engine
// implements it in process and cognitoclient.Client over HTTP.
type TokenService interface {
	GetTokensFromRefreshToken(ctx context.Context, in *challenge.GetTokensFromRefreshTokenInput) (*challenge.GetTokensFromRefreshTokenOutput, error)
	RevokeToken(ctx context.Context, in *challenge.RevokeTokenInput) (*challenge.Empty, error)
	GlobalSignOut(ctx context.Context, in *challenge.AccessTokenInput) (*challenge.Empty, error)
}

// RefreshRequest returns the InitiateAuth request of REFRESH_TOKEN_AUTH:
// the refresh token, SECRET_HASH over username when the app client has a
// secret (Cognito wants the user's sub or username there), and the
// remembered device's DEVICE_KEY.
func RefreshRequest(cfg Config, username, refreshToken string) *challenge.InitiateAuthInput {
	p := map[string]string{challenge.KeyRefreshToken: refreshToken}
	if cfg.ClientSecret != "" {
		p[challenge.KeySecretHash] = srp.SecretHash(cfg.ClientSecret, username, cfg.ClientID)
	}
	if cfg.Device != nil && cfg.Device.Key != "" {
		p[challenge.KeyDeviceKey] = cfg.Device.Key
	}
	return &challenge.InitiateAuthInput{AuthFlow: challenge.FlowRefreshTokenAuth, ClientId: cfg.ClientID, AuthParameters: p}
}

// Refresh exchanges a refresh token for new access and ID tokens with
// InitiateAuth REFRESH_TOKEN_AUTH, which every app client allowing
// ALLOW_REFRESH_TOKEN_AUTH accepts. The result carries no refresh token:
// keep the old one.
func Refresh(ctx context.Context, svc challenge.Service, cfg Config, username, refreshToken string) (*challenge.AuthenticationResult, error) {
	if refreshToken == "" {
		return nil, fmt.Errorf("%w: empty refresh token", ErrInvalidInput)
	}
	out, err := svc.InitiateAuth(ctx, RefreshRequest(cfg, username, refreshToken))
	if err != nil {
		return nil, err
	}
	if out.AuthenticationResult == nil {
		return nil, fmt.Errorf("%w: refresh gave no tokens", ErrUnexpectedReply)
	}
	return out.AuthenticationResult, nil
}

// RefreshRotating exchanges a refresh token with GetTokensFromRefreshToken,
// which returns a new refresh token when the app client rotates them;
// store the result's RefreshToken in place of the old one when it is set.
func RefreshRotating(ctx context.Context, svc TokenService, cfg Config, refreshToken string) (*challenge.AuthenticationResult, error) {
	if refreshToken == "" {
		return nil, fmt.Errorf("%w: empty refresh token", ErrInvalidInput)
	}
	in := &challenge.GetTokensFromRefreshTokenInput{ClientId: cfg.ClientID, ClientSecret: cfg.ClientSecret, RefreshToken: refreshToken}
	if cfg.Device != nil {
		in.DeviceKey = cfg.Device.Key
	}
	out, err := svc.GetTokensFromRefreshToken(ctx, in)
	if err != nil {
		return nil, err
	}
	if out.AuthenticationResult == nil {
		return nil, fmt.Errorf("%w: refresh gave no tokens", ErrUnexpectedReply)
	}
	return out.AuthenticationResult, nil
}

// SignOut ends this sign-in: RevokeToken on its refresh token, which
// also invalidates the access and ID tokens issued from it.
func SignOut(ctx context.Context, svc TokenService, cfg Config, refreshToken string) error {
	if refreshToken == "" {
		return fmt.Errorf("%w: empty refresh token", ErrInvalidInput)
	}
	_, err := svc.RevokeToken(ctx, &challenge.RevokeTokenInput{ClientId: cfg.ClientID, ClientSecret: cfg.ClientSecret, Token: refreshToken})
	return err
}

// GlobalSignOut signs the user out of every device with GlobalSignOut:
// every refresh token of the user stops working.
func GlobalSignOut(ctx context.Context, svc TokenService, accessToken string) error {
	if accessToken == "" {
		return fmt.Errorf("%w: empty access token", ErrInvalidInput)
	}
	_, err := svc.GlobalSignOut(ctx, &challenge.AccessTokenInput{AccessToken: accessToken})
	return err
}
