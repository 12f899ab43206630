package userpool

import (
	"context"
	"encoding/base64"
	"math/big"
	"slices"
	"sort"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/srp"
)

func errNoTracking() error {
	return challenge.New(challenge.ErrInvalidUserPoolConfiguration, "Device tracking is not enabled for this user pool.")
}

// deviceUser finds the user of a device operation: by AccessToken, or,
// for the Admin variants (admin true), by UserPoolId and Username. A public
// call never honours the admin members, whatever its body holds.
func (s *Service) deviceUser(ctx context.Context, admin bool, accessToken, poolID, username string) (*flow.Pool, *flow.User, *challenge.AccessClaims, error) {
	var p *flow.Pool
	var u *flow.User
	var claims *challenge.AccessClaims
	var err error
	if admin {
		p, u, err = s.adminUser(ctx, poolID, username)
	} else {
		p, u, claims, err = s.accessUser(ctx, accessToken)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	if p.Devices == nil {
		return nil, nil, nil, errNoTracking()
	}
	return p, u, claims, nil
}

// ConfirmDevice stores a device's SRP salt and verifier after a sign-in
// that returned NewDeviceMetadata; the device is remembered at once unless
// the pool remembers devices only on the user's prompt. Errors:
// InvalidParameterException, NotAuthorizedException,
// ResourceNotFoundException, InvalidUserPoolConfigurationException,
// UsernameExistsException (the device is already confirmed), InternalErrorException.
func (s *Service) ConfirmDevice(ctx context.Context, in *challenge.ConfirmDeviceInput) (*challenge.ConfirmDeviceOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, u, claims, err := s.deviceUser(ctx, false, in.AccessToken, "", "")
	if err != nil {
		return nil, err
	}
	if in.DeviceKey == "" {
		return nil, errMissing("DeviceKey")
	}
	if claims.DeviceKey != in.DeviceKey {
		return nil, errNoDevice()
	}
	if u.Device(in.DeviceKey) != nil {
		return nil, challenge.New(challenge.ErrUsernameExists, "Device already confirmed.")
	}
	cfg := in.DeviceSecretVerifierConfig
	if cfg == nil || cfg.PasswordVerifier == "" || cfg.Salt == "" {
		return nil, errMissing("DeviceSecretVerifierConfig")
	}
	if len(cfg.PasswordVerifier) > 1024 || len(cfg.Salt) > 128 || len(in.DeviceName) > 1024 {
		return nil, errParam("DeviceSecretVerifierConfig is too large.")
	}
	verifier, err1 := base64.StdEncoding.DecodeString(cfg.PasswordVerifier)
	salt, err2 := base64.StdEncoding.DecodeString(cfg.Salt)
	if err1 != nil || err2 != nil || len(salt) == 0 {
		return nil, errParam("DeviceSecretVerifierConfig must hold base64 PasswordVerifier and Salt.")
	}
	if v := new(big.Int).SetBytes(verifier); v.Sign() == 0 || v.Cmp(srp.N()) >= 0 {
		return nil, errParam("PasswordVerifier is not a valid verifier.")
	}
	now := s.now()
	u.Devices = append(u.Devices, flow.Device{Key: in.DeviceKey, GroupKey: flow.DeviceGroupKey(s.decoyKey, u), Name: in.DeviceName,
		Salt: salt, Verifier: verifier, Remembered: !p.Devices.DeviceOnlyRememberedOnUserPrompt,
		Created: now, LastModified: now, LastAuthenticated: now})
	if err := s.update(ctx, u, now); err != nil {
		return nil, err
	}
	return &challenge.ConfirmDeviceOutput{UserConfirmationNecessary: p.Devices.DeviceOnlyRememberedOnUserPrompt}, nil
}

func (s *Service) deviceOf(ctx context.Context, admin bool, in *challenge.DeviceInput) (*flow.User, *flow.Device, error) {
	if in == nil {
		return nil, nil, errParam("Missing request.")
	}
	_, u, _, err := s.deviceUser(ctx, admin, in.AccessToken, in.UserPoolId, in.Username)
	if err != nil {
		return nil, nil, err
	}
	if in.DeviceKey == "" {
		return nil, nil, errMissing("DeviceKey")
	}
	d := u.Device(in.DeviceKey)
	if d == nil {
		return nil, nil, errNoDevice()
	}
	return u, d, nil
}

// UpdateDeviceStatus marks a device remembered or not_remembered.
func (s *Service) UpdateDeviceStatus(ctx context.Context, in *challenge.DeviceInput) (*challenge.Empty, error) {
	return s.updateDeviceStatus(ctx, false, in)
}

func (s *Service) updateDeviceStatus(ctx context.Context, admin bool, in *challenge.DeviceInput) (*challenge.Empty, error) {
	u, d, err := s.deviceOf(ctx, admin, in)
	if err != nil {
		return nil, err
	}
	switch in.DeviceRememberedStatus {
	case "remembered":
		d.Remembered = true
	case "not_remembered":
		d.Remembered = false
	default:
		return nil, errParam("DeviceRememberedStatus must be remembered or not_remembered.")
	}
	now := s.now()
	d.LastModified = now
	if err := s.update(ctx, u, now); err != nil {
		return nil, err
	}
	return &challenge.Empty{}, nil
}

// AdminUpdateDeviceStatus is UpdateDeviceStatus for an administrator.
func (s *Service) AdminUpdateDeviceStatus(ctx context.Context, in *challenge.DeviceInput) (*challenge.Empty, error) {
	if in != nil && in.UserPoolId == "" {
		return nil, errMissing("UserPoolId")
	}
	return s.updateDeviceStatus(ctx, true, in)
}

func deviceType(d *flow.Device) *challenge.DeviceType {
	status := "not_remembered"
	if d.Remembered {
		status = "remembered"
	}
	attrs := []challenge.AttributeType{{Name: "device_status", Value: "valid"}, {Name: "device_remembered_status", Value: status}}
	if d.Name != "" {
		attrs = append(attrs, challenge.AttributeType{Name: "device_name", Value: d.Name})
	}
	names := make([]string, 0, len(d.Attributes))
	for k := range d.Attributes {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		attrs = append(attrs, challenge.AttributeType{Name: k, Value: d.Attributes[k]})
	}
	return &challenge.DeviceType{DeviceKey: d.Key, DeviceAttributes: attrs, DeviceCreateDate: challenge.At(d.Created),
		DeviceLastModifiedDate: challenge.At(d.LastModified), DeviceLastAuthenticatedDate: challenge.At(d.LastAuthenticated)}
}

// GetDevice describes one of the user's devices.
func (s *Service) GetDevice(ctx context.Context, in *challenge.DeviceInput) (*challenge.GetDeviceOutput, error) {
	return s.getDevice(ctx, false, in)
}

func (s *Service) getDevice(ctx context.Context, admin bool, in *challenge.DeviceInput) (*challenge.GetDeviceOutput, error) {
	_, d, err := s.deviceOf(ctx, admin, in)
	if err != nil {
		return nil, err
	}
	return &challenge.GetDeviceOutput{Device: deviceType(d)}, nil
}

// AdminGetDevice is GetDevice for an administrator.
func (s *Service) AdminGetDevice(ctx context.Context, in *challenge.DeviceInput) (*challenge.GetDeviceOutput, error) {
	if in != nil && in.UserPoolId == "" {
		return nil, errMissing("UserPoolId")
	}
	return s.getDevice(ctx, true, in)
}

// ForgetDevice removes a device: it no longer signs in or replaces MFA.
func (s *Service) ForgetDevice(ctx context.Context, in *challenge.DeviceInput) (*challenge.Empty, error) {
	return s.forgetDevice(ctx, false, in)
}

func (s *Service) forgetDevice(ctx context.Context, admin bool, in *challenge.DeviceInput) (*challenge.Empty, error) {
	u, d, err := s.deviceOf(ctx, admin, in)
	if err != nil {
		return nil, err
	}
	key := d.Key
	u.Devices = slices.DeleteFunc(u.Devices, func(x flow.Device) bool { return x.Key == key })
	if err := s.update(ctx, u, s.now()); err != nil {
		return nil, err
	}
	return &challenge.Empty{}, nil
}

// AdminForgetDevice is ForgetDevice for an administrator.
func (s *Service) AdminForgetDevice(ctx context.Context, in *challenge.DeviceInput) (*challenge.Empty, error) {
	if in != nil && in.UserPoolId == "" {
		return nil, errMissing("UserPoolId")
	}
	return s.forgetDevice(ctx, true, in)
}

// ListDevices lists the user's devices, newest first.
func (s *Service) ListDevices(ctx context.Context, in *challenge.ListDevicesInput) (*challenge.ListDevicesOutput, error) {
	return s.listDevices(ctx, false, in)
}

func (s *Service) listDevices(ctx context.Context, admin bool, in *challenge.ListDevicesInput) (*challenge.ListDevicesOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	_, u, _, err := s.deviceUser(ctx, admin, in.AccessToken, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	limit := in.Limit
	if limit == 0 {
		limit = 60
	}
	if limit < 1 || limit > 60 {
		return nil, errParam("Limit must be between 1 and 60.")
	}
	devs := slices.Clone(u.Devices)
	sort.Slice(devs, func(i, j int) bool {
		if !devs[i].Created.Equal(devs[j].Created) {
			return devs[i].Created.After(devs[j].Created)
		}
		return devs[i].Key < devs[j].Key
	})
	start := 0
	if in.PaginationToken != "" {
		start = slices.IndexFunc(devs, func(d flow.Device) bool { return d.Key == in.PaginationToken }) + 1
		if start == 0 {
			return nil, errParam("Invalid PaginationToken.")
		}
	}
	out := &challenge.ListDevicesOutput{Devices: []challenge.DeviceType{}}
	for i := start; i < len(devs) && len(out.Devices) < limit; i++ {
		out.Devices = append(out.Devices, *deviceType(&devs[i]))
		if len(out.Devices) == limit && i+1 < len(devs) {
			out.PaginationToken = devs[i].Key
		}
	}
	return out, nil
}

// AdminListDevices is ListDevices for an administrator.
func (s *Service) AdminListDevices(ctx context.Context, in *challenge.ListDevicesInput) (*challenge.ListDevicesOutput, error) {
	if in != nil && in.UserPoolId == "" {
		return nil, errMissing("UserPoolId")
	}
	return s.listDevices(ctx, true, in)
}
