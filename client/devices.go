package client

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/srp"
)

// DeviceService holds the device operations of a signed-in user. The
// engine implements it in process and cognitoclient.Client over HTTP.
type DeviceService interface {
	ConfirmDevice(ctx context.Context, in *challenge.ConfirmDeviceInput) (*challenge.ConfirmDeviceOutput, error)
	UpdateDeviceStatus(ctx context.Context, in *challenge.DeviceInput) (*challenge.Empty, error)
	ForgetDevice(ctx context.Context, in *challenge.DeviceInput) (*challenge.Empty, error)
}

// DeviceStatusRemembered and DeviceStatusNotRemembered are the values of
// UpdateDeviceStatus's DeviceRememberedStatus.
const (
	DeviceStatusRemembered    = "remembered"
	DeviceStatusNotRemembered = "not_remembered"
)

// RememberDevice confirms the device of a sign-in, as
// amazon-cognito-identity-js does: it makes a random device password and
// its SRP verifier (srp.NewDeviceSecret), sends them with ConfirmDevice,
// and, when the pool lets the user decide (UserConfirmationNecessary),
// marks the device remembered if remember is true. It returns the secret
// to keep for later sign-ins (Config.Device) and whether the device is now
// remembered (a remembered device answers DEVICE_SRP_AUTH, which can
// replace MFA). res must carry NewDeviceMetadata; name is the device's
// display name. Randomness comes from cfg.Rand.
func RememberDevice(ctx context.Context, svc DeviceService, cfg Config, res *challenge.AuthenticationResult, name string, remember bool) (*DeviceSecret, bool, error) {
	if res == nil || res.NewDeviceMetadata == nil || res.NewDeviceMetadata.DeviceKey == "" || res.AccessToken == "" {
		return nil, false, fmt.Errorf("%w: the sign-in has no new device", ErrInvalidInput)
	}
	md := res.NewDeviceMetadata
	r := cfg.Rand
	if r == nil {
		r = rand.Reader
	}
	password, salt, verifier, err := srp.NewDeviceSecret(r, md.DeviceGroupKey, md.DeviceKey)
	if err != nil {
		return nil, false, fmt.Errorf("client: device secret: %w", err)
	}
	out, err := svc.ConfirmDevice(ctx, &challenge.ConfirmDeviceInput{AccessToken: res.AccessToken, DeviceKey: md.DeviceKey,
		DeviceName: name, DeviceSecretVerifierConfig: &challenge.DeviceSecretVerifierConfigType{
			PasswordVerifier: base64.StdEncoding.EncodeToString(verifier), Salt: base64.StdEncoding.EncodeToString(salt)}})
	if err != nil {
		return nil, false, err
	}
	secret := &DeviceSecret{Key: md.DeviceKey, GroupKey: md.DeviceGroupKey, Password: password}
	if !out.UserConfirmationNecessary {
		return secret, true, nil // the pool remembers every device
	}
	if !remember {
		return secret, false, nil
	}
	if _, err := svc.UpdateDeviceStatus(ctx, &challenge.DeviceInput{AccessToken: res.AccessToken, DeviceKey: md.DeviceKey,
		DeviceRememberedStatus: DeviceStatusRemembered}); err != nil {
		return secret, false, err
	}
	return secret, true, nil
}

// ForgetDevice removes a device of the signed-in user (ForgetDevice): it
// no longer answers DEVICE_SRP_AUTH.
func ForgetDevice(ctx context.Context, svc DeviceService, accessToken, deviceKey string) error {
	if accessToken == "" || deviceKey == "" {
		return fmt.Errorf("%w: an access token and a device key are needed", ErrInvalidInput)
	}
	_, err := svc.ForgetDevice(ctx, &challenge.DeviceInput{AccessToken: accessToken, DeviceKey: deviceKey})
	return err
}
