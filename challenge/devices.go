package challenge

// DeviceSecretVerifierConfigType is the device's SRP salt and verifier,
// base64, as ConfirmDevice sends them.
type DeviceSecretVerifierConfigType struct {
	PasswordVerifier string `json:"PasswordVerifier,omitempty"`
	Salt             string `json:"Salt,omitempty"`
}

// ConfirmDeviceInput is the request of ConfirmDevice.
type ConfirmDeviceInput struct {
	AccessToken                string                          `json:"AccessToken"`
	DeviceKey                  string                          `json:"DeviceKey"`
	DeviceSecretVerifierConfig *DeviceSecretVerifierConfigType `json:"DeviceSecretVerifierConfig,omitempty"`
	DeviceName                 string                          `json:"DeviceName,omitempty"`
}

// ConfirmDeviceOutput is the response of ConfirmDevice.
type ConfirmDeviceOutput struct {
	UserConfirmationNecessary bool `json:"UserConfirmationNecessary"`
}

// DeviceInput names a device: with an AccessToken (GetDevice,
// ForgetDevice, UpdateDeviceStatus) or with UserPoolId and Username (the
// Admin variants). DeviceRememberedStatus is for UpdateDeviceStatus only.
type DeviceInput struct {
	AccessToken            string `json:"AccessToken,omitempty"`
	UserPoolId             string `json:"UserPoolId,omitempty"`
	Username               string `json:"Username,omitempty"`
	DeviceKey              string `json:"DeviceKey"`
	DeviceRememberedStatus string `json:"DeviceRememberedStatus,omitempty"`
}

// DeviceType describes a device.
type DeviceType struct {
	DeviceKey                   string          `json:"DeviceKey"`
	DeviceAttributes            []AttributeType `json:"DeviceAttributes,omitempty"`
	DeviceCreateDate            Time            `json:"DeviceCreateDate"`
	DeviceLastModifiedDate      Time            `json:"DeviceLastModifiedDate"`
	DeviceLastAuthenticatedDate Time            `json:"DeviceLastAuthenticatedDate"`
}

// GetDeviceOutput is the response of GetDevice and AdminGetDevice.
type GetDeviceOutput struct {
	Device *DeviceType `json:"Device,omitempty"`
}

// ListDevicesInput is the request of ListDevices (AccessToken) and
// AdminListDevices (UserPoolId, Username).
type ListDevicesInput struct {
	AccessToken     string `json:"AccessToken,omitempty"`
	UserPoolId      string `json:"UserPoolId,omitempty"`
	Username        string `json:"Username,omitempty"`
	Limit           int    `json:"Limit,omitempty"`
	PaginationToken string `json:"PaginationToken,omitempty"`
}

// ListDevicesOutput is the response of ListDevices and AdminListDevices.
type ListDevicesOutput struct {
	Devices         []DeviceType `json:"Devices"`
	PaginationToken string       `json:"PaginationToken,omitempty"`
}
