package challenge

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"time"
)

// Time is a timestamp as Cognito's JSON protocol sends it: a JSON number of
// seconds since the epoch. The zero Time encodes as null.
type Time struct{ time.Time }

// At wraps t; the zero time stays zero.
func At(t time.Time) Time { return Time{t} }

// MarshalJSON writes whole epoch seconds.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, t.Unix(), 10), nil
}

// UnmarshalJSON reads epoch seconds (integer or fractional) or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e11 {
		return &json.UnmarshalTypeError{Value: "timestamp", Type: nil}
	}
	sec, frac := math.Modf(f)
	t.Time = time.Unix(int64(sec), int64(frac*1e9)).UTC()
	return nil
}

// AttributeType is one user attribute.
type AttributeType struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// MFAOptionType is the legacy MFA option list of a user.
type MFAOptionType struct {
	AttributeName  string `json:"AttributeName,omitempty"`
	DeliveryMedium string `json:"DeliveryMedium,omitempty"`
}

// UserType describes a user, as AdminCreateUser and ListUsers return it.
type UserType struct {
	Username             string          `json:"Username"`
	Attributes           []AttributeType `json:"Attributes,omitempty"`
	UserCreateDate       Time            `json:"UserCreateDate"`
	UserLastModifiedDate Time            `json:"UserLastModifiedDate"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
	MFAOptions           []MFAOptionType `json:"MFAOptions,omitempty"`
}

// AdminCreateUserInput is the request of AdminCreateUser.
type AdminCreateUserInput struct {
	UserPoolId             string            `json:"UserPoolId"`
	Username               string            `json:"Username"`
	UserAttributes         []AttributeType   `json:"UserAttributes,omitempty"`
	ValidationData         []AttributeType   `json:"ValidationData,omitempty"`
	TemporaryPassword      string            `json:"TemporaryPassword,omitempty"`
	ForceAliasCreation     bool              `json:"ForceAliasCreation,omitempty"`
	MessageAction          string            `json:"MessageAction,omitempty"`
	DesiredDeliveryMediums []string          `json:"DesiredDeliveryMediums,omitempty"`
	ClientMetadata         map[string]string `json:"ClientMetadata,omitempty"`
}

// AdminCreateUserOutput is the response of AdminCreateUser.
type AdminCreateUserOutput struct {
	User *UserType `json:"User,omitempty"`
}

// AdminUserInput names a user; it is the request of AdminGetUser,
// AdminDeleteUser, AdminDisableUser, AdminEnableUser and AdminUserGlobalSignOut.
type AdminUserInput struct {
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
}

// AdminGetUserOutput is the response of AdminGetUser.
type AdminGetUserOutput struct {
	Username             string          `json:"Username"`
	UserAttributes       []AttributeType `json:"UserAttributes,omitempty"`
	UserCreateDate       Time            `json:"UserCreateDate"`
	UserLastModifiedDate Time            `json:"UserLastModifiedDate"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
	MFAOptions           []MFAOptionType `json:"MFAOptions,omitempty"`
	PreferredMfaSetting  string          `json:"PreferredMfaSetting,omitempty"`
	UserMFASettingList   []string        `json:"UserMFASettingList,omitempty"`
}

// AdminSetUserPasswordInput is the request of AdminSetUserPassword.
type AdminSetUserPasswordInput struct {
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
	Password   string `json:"Password"`
	Permanent  bool   `json:"Permanent,omitempty"`
}

// AdminResetUserPasswordInput is the request of AdminResetUserPassword.
type AdminResetUserPasswordInput struct {
	UserPoolId     string            `json:"UserPoolId"`
	Username       string            `json:"Username"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

// AdminUpdateUserAttributesInput is the request of AdminUpdateUserAttributes.
type AdminUpdateUserAttributesInput struct {
	UserPoolId     string            `json:"UserPoolId"`
	Username       string            `json:"Username"`
	UserAttributes []AttributeType   `json:"UserAttributes"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

// Empty is the response of operations that return nothing: `{}` on the wire.
type Empty struct{}
