package passkeytest

import (
	"crypto/ecdsa"
	"crypto/x509"
	"testing"
)

// TestCoordinatesAreFullLength: every credential's key has two 32-byte
// coordinates (a plain virtualwebauthn credential misses this about once
// in 64).
func TestCoordinatesAreFullLength(t *testing.T) {
	for range 500 {
		c := NewCredential()
		k, err := x509.ParsePKCS8PrivateKey(c.Key.Data)
		if err != nil {
			t.Fatal(err)
		}
		pk := k.(*ecdsa.PrivateKey)
		if len(pk.X.Bytes()) != 32 || len(pk.Y.Bytes()) != 32 {
			t.Fatalf("coordinates of %d and %d bytes", len(pk.X.Bytes()), len(pk.Y.Bytes()))
		}
	}
}
