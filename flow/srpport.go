package flow

import (
	"errors"
	"math/big"

	"github.com/authflow/authflow/srp"
)

// SRP is the server side of SRP as the machine uses it, for passwords
// and for devices: arithmetic on the random bytes the machine hands it
// (from Event.Random), no I/O. The default is package srp with a 256-bit
// secret exponent and a 48-byte SECRET_BLOCK; a test can plug in fixed
// values to replay recorded vectors through the engine.
type SRP interface {
	// Handshake returns B and the session key for a client's A and a
	// stored verifier v, the secret exponent made from b
	// (SRPHandshakeBytes random bytes).
	Handshake(b []byte, A, v *big.Int) (B *big.Int, key []byte, err error)
	// SecretBlock returns a new SECRET_BLOCK made from random
	// (SRPSecretBlockBytes random bytes).
	SecretBlock(random []byte) ([]byte, error)
}

// The random bytes the machine draws for one SRP challenge, in this
// order: the secret exponent, then the SECRET_BLOCK.
const (
	SRPHandshakeBytes   = 32
	SRPSecretBlockBytes = 48
)

// DefaultSRP is package srp's server role.
type DefaultSRP struct{}

// Handshake implements SRP with srp.ServerHandshakeWithB, the exponent
// being b with its top bit set (as srp.ServerHandshake draws it). The
// astronomically unlikely exponent that gives a degenerate B is an error
// here, where srp.ServerHandshake would draw again.
func (DefaultSRP) Handshake(b []byte, A, v *big.Int) (*big.Int, []byte, error) {
	if len(b) == 0 {
		return nil, nil, errors.New("flow: no random bytes for the SRP exponent")
	}
	raw := append([]byte(nil), b...)
	raw[0] |= 0x80
	return srp.ServerHandshakeWithB(new(big.Int).SetBytes(raw), A, v)
}

// SecretBlock implements SRP: the random bytes themselves.
func (DefaultSRP) SecretBlock(random []byte) ([]byte, error) {
	return append([]byte(nil), random...), nil
}
