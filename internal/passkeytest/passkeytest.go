// Package passkeytest makes virtual authenticator credentials for tests
// that sign in with passkeys (github.com/descope/virtualwebauthn).
package passkeytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"

	"github.com/descope/virtualwebauthn"
)

// NewCredential returns a P-256 credential whose public key coordinates are
// both 32 bytes long. virtualwebauthn writes the coordinates of its keys
// without their leading zero bytes, and a verifier rightly refuses such a
// COSE key ("Invalid passkey."), so about one credential in 64 it makes
// itself fails registration; this one never does.
func NewCredential() virtualwebauthn.Credential {
	for {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic("passkeytest: " + err.Error())
		}
		if len(key.X.Bytes()) != 32 || len(key.Y.Bytes()) != 32 {
			continue
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			panic("passkeytest: " + err.Error())
		}
		return virtualwebauthn.NewCredentialWithImportedKey(virtualwebauthn.KeyTypeEC2, der)
	}
}
