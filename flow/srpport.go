package flow

import (
	"io"
	"math/big"

	"github.com/authflow/authflow/srp"
)

// SRP is the server side of SRP as the machine uses it, for passwords
// and for devices. The default is package srp with a 256-bit secret
// exponent and a 48-byte SECRET_BLOCK; a test can plug in fixed values to
// replay recorded vectors through the engine.
type SRP interface {
	// Handshake returns B and the session key for a client's A and a
	// stored verifier v, drawing the secret exponent from r.
	Handshake(r io.Reader, A, v *big.Int) (B *big.Int, key []byte, err error)
	// SecretBlock returns a new SECRET_BLOCK.
	SecretBlock(r io.Reader) ([]byte, error)
}

// DefaultSRP is package srp's server role.
type DefaultSRP struct{}

// Handshake implements SRP with srp.ServerHandshake.
func (DefaultSRP) Handshake(r io.Reader, A, v *big.Int) (*big.Int, []byte, error) {
	return srp.ServerHandshake(r, A, v)
}

// SecretBlock implements SRP: 48 random bytes.
func (DefaultSRP) SecretBlock(r io.Reader) ([]byte, error) {
	b := make([]byte, 48)
	_, err := io.ReadFull(r, b)
	return b, err
}
