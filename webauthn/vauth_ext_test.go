package webauthn_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"

	"github.com/descope/virtualwebauthn"
)

// newEC2Credential is virtualwebauthn.NewCredential(KeyTypeEC2) without its
// bug: virtualwebauthn encodes the COSE x and y coordinates with
// big.Int.Bytes, so about one key in 128 has a coordinate shorter than 32
// bytes, which go-webauthn rightly rejects. Keys are drawn until both
// coordinates are full length.
func newEC2Credential() virtualwebauthn.Credential {
	for {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		point, err := k.PublicKey.Bytes() // 0x04 | x | y, 32 bytes each
		if err != nil {
			panic(err)
		}
		if point[1] == 0 || point[33] == 0 { // a leading zero byte: big.Int.Bytes would drop it
			continue
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			panic(err)
		}
		return virtualwebauthn.NewCredentialWithImportedKey(virtualwebauthn.KeyTypeEC2, der)
	}
}
