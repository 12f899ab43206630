package challenge

import "time"

// The passkey vocabulary shared by the engine (flow) and its WebAuthn
// implementation (package webauthn), which flow must not import.

// RelyingParty is a pool's WebAuthnConfiguration as a ceremony needs it.
type RelyingParty struct {
	ID      string   // relying party id (a domain)
	Name    string   // display name
	Origins []string // allowed origins, e.g. "https://auth.example.com"
	// UserVerification is "required" or "preferred".
	UserVerification string
	// Timeout bounds a ceremony (default 5 minutes).
	Timeout time.Duration
}

// PasskeyCredential is a registered passkey as the engine stores it.
type PasskeyCredential struct {
	ID                []byte
	PublicKey         []byte // COSE key
	SignCount         uint32
	AAGUID            []byte
	Transports        []string
	AttestationFormat string
	BackupEligible    bool
	BackupState       bool
	UserVerified      bool
	RelyingPartyID    string
	FriendlyName      string
	// AuthenticatorAttachment is "platform" or "cross-platform" as the
	// client reported it at registration ("" when it did not).
	AuthenticatorAttachment string
	Created                 time.Time
}

// PasskeyUser is the user of a ceremony: a stable opaque handle (the sub),
// names, and the registered credentials.
type PasskeyUser struct {
	Handle      []byte
	Name        string
	DisplayName string
	Credentials []PasskeyCredential
}

// StartWebAuthnRegistrationInput is the request of StartWebAuthnRegistration.
type StartWebAuthnRegistrationInput struct {
	AccessToken string `json:"AccessToken"`
}

// StartWebAuthnRegistrationOutput carries the PublicKeyCredentialCreationOptions (JSON object).
type StartWebAuthnRegistrationOutput struct {
	CredentialCreationOptions RawJSON `json:"CredentialCreationOptions"`
}

// CompleteWebAuthnRegistrationInput is the request of CompleteWebAuthnRegistration.
type CompleteWebAuthnRegistrationInput struct {
	AccessToken string  `json:"AccessToken"`
	Credential  RawJSON `json:"Credential"`
}

// WebAuthnCredentialDescription is one entry of ListWebAuthnCredentials.
type WebAuthnCredentialDescription struct {
	CredentialId            string   `json:"CredentialId"`
	FriendlyCredentialName  string   `json:"FriendlyCredentialName"`
	RelyingPartyId          string   `json:"RelyingPartyId"`
	AuthenticatorAttachment string   `json:"AuthenticatorAttachment,omitempty"`
	AuthenticatorTransports []string `json:"AuthenticatorTransports,omitempty"`
	CreatedAt               Time     `json:"CreatedAt"`
}

// ListWebAuthnCredentialsInput is the request of ListWebAuthnCredentials.
type ListWebAuthnCredentialsInput struct {
	AccessToken string `json:"AccessToken"`
	MaxResults  int    `json:"MaxResults,omitempty"`
	NextToken   string `json:"NextToken,omitempty"`
}

// ListWebAuthnCredentialsOutput is the response of ListWebAuthnCredentials.
type ListWebAuthnCredentialsOutput struct {
	Credentials []WebAuthnCredentialDescription `json:"Credentials"`
	NextToken   string                          `json:"NextToken,omitempty"`
}

// DeleteWebAuthnCredentialInput is the request of DeleteWebAuthnCredential.
type DeleteWebAuthnCredentialInput struct {
	AccessToken  string `json:"AccessToken"`
	CredentialId string `json:"CredentialId"`
}

// GetUserAuthFactorsOutput is the response of GetUserAuthFactors.
type GetUserAuthFactorsOutput struct {
	Username                  string   `json:"Username"`
	PreferredMfaSetting       string   `json:"PreferredMfaSetting,omitempty"`
	UserMFASettingList        []string `json:"UserMFASettingList,omitempty"`
	ConfiguredUserAuthFactors []string `json:"ConfiguredUserAuthFactors,omitempty"`
}

// RawJSON is a JSON value kept as raw bytes (a JSON document member, not a string).
type RawJSON []byte

// MarshalJSON writes the raw value (null when empty).
func (r RawJSON) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}

// UnmarshalJSON keeps a copy of the raw value.
func (r *RawJSON) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*r = nil
		return nil
	}
	*r = append((*r)[:0], b...)
	return nil
}
