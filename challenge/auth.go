package challenge

import (
	"context"
	"encoding/json"
)

// AuthenticationResult carries the tokens of a completed sign-in.
type AuthenticationResult struct {
	AccessToken       string             `json:"AccessToken,omitempty"`
	ExpiresIn         int32              `json:"ExpiresIn,omitempty"`
	IdToken           string             `json:"IdToken,omitempty"`
	NewDeviceMetadata *NewDeviceMetadata `json:"NewDeviceMetadata,omitempty"`
	RefreshToken      string             `json:"RefreshToken,omitempty"`
	TokenType         string             `json:"TokenType,omitempty"`
}

// String never prints the tokens.
func (r AuthenticationResult) String() string {
	s := "AuthenticationResult{TokenType:" + r.TokenType
	if r.AccessToken != "" {
		s += " AccessToken:<redacted>"
	}
	if r.IdToken != "" {
		s += " IdToken:<redacted>"
	}
	if r.RefreshToken != "" {
		s += " RefreshToken:<redacted>"
	}
	if r.NewDeviceMetadata != nil {
		s += " NewDeviceMetadata:" + r.NewDeviceMetadata.DeviceKey
	}
	return s + "}"
}

// NewDeviceMetadata names a device the client may confirm with ConfirmDevice.
type NewDeviceMetadata struct {
	DeviceGroupKey string `json:"DeviceGroupKey,omitempty"`
	DeviceKey      string `json:"DeviceKey,omitempty"`
}

// UserContextData feeds threat protection on the public operations.
type UserContextData struct {
	EncodedData string `json:"EncodedData,omitempty"`
	IpAddress   string `json:"IpAddress,omitempty"`
}

// HTTPHeader is one header of ContextData.
type HTTPHeader struct {
	HeaderName  string `json:"headerName,omitempty"`
	HeaderValue string `json:"headerValue,omitempty"`
}

// ContextData feeds threat protection on the admin operations.
type ContextData struct {
	EncodedData string       `json:"EncodedData,omitempty"`
	HttpHeaders []HTTPHeader `json:"HttpHeaders,omitempty"`
	IpAddress   string       `json:"IpAddress,omitempty"`
	ServerName  string       `json:"ServerName,omitempty"`
	ServerPath  string       `json:"ServerPath,omitempty"`
}

// AnalyticsMetadata is accepted and ignored.
type AnalyticsMetadata struct {
	AnalyticsEndpointId string `json:"AnalyticsEndpointId,omitempty"`
}

// InitiateAuthInput is the request of InitiateAuth.
type InitiateAuthInput struct {
	AuthFlow          AuthFlow           `json:"AuthFlow"`
	AuthParameters    map[string]string  `json:"AuthParameters,omitempty"`
	ClientId          string             `json:"ClientId"`
	ClientMetadata    map[string]string  `json:"ClientMetadata,omitempty"`
	Session           string             `json:"Session,omitempty"`
	UserContextData   *UserContextData   `json:"UserContextData,omitempty"`
	AnalyticsMetadata *AnalyticsMetadata `json:"AnalyticsMetadata,omitempty"`
}

// InitiateAuthOutput is the response of InitiateAuth: either an
// AuthenticationResult, or a ChallengeName with its parameters and Session.
type InitiateAuthOutput struct {
	AuthenticationResult *AuthenticationResult `json:"AuthenticationResult,omitempty"`
	AvailableChallenges  []Name                `json:"AvailableChallenges,omitempty"`
	ChallengeName        Name                  `json:"ChallengeName,omitempty"`
	ChallengeParameters  map[string]string     `json:"ChallengeParameters"`
	Session              string                `json:"Session,omitempty"`
}

// AdminInitiateAuthInput is the request of AdminInitiateAuth.
type AdminInitiateAuthInput struct {
	AuthFlow          AuthFlow           `json:"AuthFlow"`
	AuthParameters    map[string]string  `json:"AuthParameters,omitempty"`
	ClientId          string             `json:"ClientId"`
	ClientMetadata    map[string]string  `json:"ClientMetadata,omitempty"`
	UserPoolId        string             `json:"UserPoolId"`
	Session           string             `json:"Session,omitempty"`
	ContextData       *ContextData       `json:"ContextData,omitempty"`
	AnalyticsMetadata *AnalyticsMetadata `json:"AnalyticsMetadata,omitempty"`
}

// AdminInitiateAuthOutput is the response of AdminInitiateAuth. The newest
// API reference has no AvailableChallenges member here; authflow sends it
// anyway for USER_AUTH, since an admin caller has no other way to learn the
// choices (SDKs ignore unknown members).
type AdminInitiateAuthOutput struct {
	AuthenticationResult *AuthenticationResult `json:"AuthenticationResult,omitempty"`
	AvailableChallenges  []Name                `json:"AvailableChallenges,omitempty"`
	ChallengeName        Name                  `json:"ChallengeName,omitempty"`
	ChallengeParameters  map[string]string     `json:"ChallengeParameters"`
	Session              string                `json:"Session,omitempty"`
}

// RespondToAuthChallengeInput is the request of RespondToAuthChallenge.
type RespondToAuthChallengeInput struct {
	ChallengeName      Name               `json:"ChallengeName"`
	ChallengeResponses map[string]string  `json:"ChallengeResponses,omitempty"`
	ClientId           string             `json:"ClientId"`
	ClientMetadata     map[string]string  `json:"ClientMetadata,omitempty"`
	Session            string             `json:"Session,omitempty"`
	UserContextData    *UserContextData   `json:"UserContextData,omitempty"`
	AnalyticsMetadata  *AnalyticsMetadata `json:"AnalyticsMetadata,omitempty"`
}

// RespondToAuthChallengeOutput is the response of RespondToAuthChallenge.
type RespondToAuthChallengeOutput struct {
	AuthenticationResult *AuthenticationResult `json:"AuthenticationResult,omitempty"`
	ChallengeName        Name                  `json:"ChallengeName,omitempty"`
	ChallengeParameters  map[string]string     `json:"ChallengeParameters"`
	Session              string                `json:"Session,omitempty"`
}

// AdminRespondToAuthChallengeInput is the request of AdminRespondToAuthChallenge.
type AdminRespondToAuthChallengeInput struct {
	ChallengeName      Name               `json:"ChallengeName"`
	ChallengeResponses map[string]string  `json:"ChallengeResponses,omitempty"`
	ClientId           string             `json:"ClientId"`
	ClientMetadata     map[string]string  `json:"ClientMetadata,omitempty"`
	Session            string             `json:"Session,omitempty"`
	UserPoolId         string             `json:"UserPoolId"`
	ContextData        *ContextData       `json:"ContextData,omitempty"`
	AnalyticsMetadata  *AnalyticsMetadata `json:"AnalyticsMetadata,omitempty"`
}

// AdminRespondToAuthChallengeOutput is the response of AdminRespondToAuthChallenge.
type AdminRespondToAuthChallengeOutput struct {
	AuthenticationResult *AuthenticationResult `json:"AuthenticationResult,omitempty"`
	ChallengeName        Name                  `json:"ChallengeName,omitempty"`
	ChallengeParameters  map[string]string     `json:"ChallengeParameters"`
	Session              string                `json:"Session,omitempty"`
}

// Service is the sign-in surface shared by the engine (flow.Server), the
// HTTP client transport (cognitohttp.Client) and anything that drives
// sign-in (client.Run). Every method returns *Error values only.
type Service interface {
	InitiateAuth(ctx context.Context, in *InitiateAuthInput) (*InitiateAuthOutput, error)
	AdminInitiateAuth(ctx context.Context, in *AdminInitiateAuthInput) (*AdminInitiateAuthOutput, error)
	RespondToAuthChallenge(ctx context.Context, in *RespondToAuthChallengeInput) (*RespondToAuthChallengeOutput, error)
	AdminRespondToAuthChallenge(ctx context.Context, in *AdminRespondToAuthChallengeInput) (*AdminRespondToAuthChallengeOutput, error)
}

// Cognito answers a sign-in step that issues tokens with an empty
// "ChallengeParameters": {} beside the AuthenticationResult; the four
// outputs marshal a nil map as {} (never null, never left out).

// MarshalJSON implements json.Marshaler.
func (o InitiateAuthOutput) MarshalJSON() ([]byte, error) {
	type plain InitiateAuthOutput
	o.ChallengeParameters = nonNilParams(o.ChallengeParameters)
	return json.Marshal(plain(o))
}

// MarshalJSON implements json.Marshaler.
func (o AdminInitiateAuthOutput) MarshalJSON() ([]byte, error) {
	type plain AdminInitiateAuthOutput
	o.ChallengeParameters = nonNilParams(o.ChallengeParameters)
	return json.Marshal(plain(o))
}

// MarshalJSON implements json.Marshaler.
func (o RespondToAuthChallengeOutput) MarshalJSON() ([]byte, error) {
	type plain RespondToAuthChallengeOutput
	o.ChallengeParameters = nonNilParams(o.ChallengeParameters)
	return json.Marshal(plain(o))
}

// MarshalJSON implements json.Marshaler.
func (o AdminRespondToAuthChallengeOutput) MarshalJSON() ([]byte, error) {
	type plain AdminRespondToAuthChallengeOutput
	o.ChallengeParameters = nonNilParams(o.ChallengeParameters)
	return json.Marshal(plain(o))
}

func nonNilParams(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
