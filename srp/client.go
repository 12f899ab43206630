package srp

import (
	"fmt"
	"io"
	"math/big"
)

const clientSecretBytes = 128 // a: 1024 bits, as amazon-cognito-identity-js

// Client is the client side of one SRP sign-in (USER_SRP_AUTH or
// DEVICE_SRP_AUTH): a private exponent a and the public value A = g^a mod N.
// Create one per sign-in attempt with NewClient. A Client never changes after
// creation, so its methods are safe for concurrent use. Its String and
// Format methods print only A, never a. The zero Client has no key pair: its
// A method returns nil and SessionKey returns ErrInvalidArgument.
type Client struct {
	a   *big.Int // secret
	pub *big.Int // A
}

// NewClient draws a from r (128 bytes, read as a 1024-bit integer, not
// reduced, as Cognito's JavaScript client does) and computes A = g^a mod N.
// Errors come from r (wrapped) or report an all-zero read.
func NewClient(r io.Reader) (*Client, error) {
	raw, err := readRandom(r, clientSecretBytes)
	if err != nil {
		return nil, err
	}
	a := new(big.Int).SetBytes(raw)
	if a.Sign() == 0 {
		return nil, errorf(ErrInvalidArgument, "random source returned only zero bytes")
	}
	return newClient(a), nil
}

// NewClientWithSecret returns a Client with the given private exponent
// a > 0 (copied). It exists for test vectors and deterministic tests;
// production code should use NewClient. A nil or non-positive a gives
// ErrInvalidArgument.
func NewClientWithSecret(a *big.Int) (*Client, error) {
	if a == nil || a.Sign() <= 0 {
		return nil, errorf(ErrInvalidArgument, "secret exponent a must be positive")
	}
	return newClient(new(big.Int).Set(a)), nil
}

func newClient(a *big.Int) *Client {
	return &Client{a: a, pub: expG(a)}
}

// A returns a copy of the public value A = g^a mod N; send HexInt(A) as
// SRP_A. It returns nil for a nil or zero Client.
func (c *Client) A() *big.Int {
	if c == nil || c.pub == nil {
		return nil
	}
	return new(big.Int).Set(c.pub)
}

// SessionKey computes the 16-byte session key of a USER_SRP_AUTH sign-in
// from the PASSWORD_VERIFIER challenge: poolName is PoolName(pool id),
// userID is the challenge's USER_ID_FOR_SRP, salt and B the parsed SALT and
// SRP_B (see ParseSalt and ParseB). It computes u = SHA256(padHex(A) ||
// padHex(B)), x = ComputeX(salt, poolName, userID, password),
// S = (B - k*g^x)^(a + u*x) mod N and key = HKDF-SHA256(padHex(S),
// padHex(u), "Caldera Derived Key", 16). Sign the claim with Signature.
//
// Errors: ErrInvalidB when B is nil, negative, longer than
// MaxPublicValueBytes, ≡ 0 (mod N), or makes S zero; ErrZeroU when u = 0;
// ErrInvalidArgument for a zero Client or a nil or negative salt.
func (c *Client) SessionKey(poolName, userID, password string, salt, B *big.Int) ([]byte, error) {
	if c == nil || c.a == nil || c.pub == nil {
		return nil, errorf(ErrInvalidArgument, "zero Client; use NewClient")
	}
	if salt == nil || salt.Sign() < 0 {
		return nil, errorf(ErrInvalidArgument, "salt must be a non-negative integer")
	}
	if err := checkB(B); err != nil {
		return nil, err
	}
	u := computeU(c.pub, B)
	if u.Sign() == 0 {
		return nil, errorf(ErrZeroU, "H(A, B) = 0")
	}
	x := ComputeX(salt, poolName, userID, password)
	S := clientS(c.a, B, x, u)
	if S.Sign() == 0 {
		return nil, errorf(ErrInvalidB, "B yields a degenerate shared secret")
	}
	return deriveKey(S, u)
}

// DeviceSessionKey is SessionKey for DEVICE_SRP_AUTH: the same mathematics
// with the DeviceGroupKey in place of the pool name, the DeviceKey in place
// of USER_ID_FOR_SRP and the device password (from NewDeviceSecret) in place
// of the user's password. Sign the claim with
// Signature(key, deviceGroupKey, deviceKey, secretBlock, timestamp).
func (c *Client) DeviceSessionKey(deviceGroupKey, deviceKey, devicePassword string, salt, B *big.Int) ([]byte, error) {
	return c.SessionKey(deviceGroupKey, deviceKey, devicePassword, salt, B)
}

// String returns a description that names only the public value A.
func (c Client) String() string {
	if c.pub == nil {
		return "srp.Client{}"
	}
	h := c.pub.Text(16)
	if len(h) > 16 {
		h = h[:16] + "…"
	}
	return "srp.Client{A:" + h + "}"
}

// Format implements fmt.Formatter so that no verb (%v, %+v, %#v, %d, %x, …)
// can print the private exponent; every verb prints String().
func (c Client) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, c.String())
}

// ParseB parses SRP_B as sent by a server (hexadecimal, any case, at most
// MaxPublicValueBytes bytes) and refuses B ≡ 0 (mod N). Every error it
// returns matches ErrInvalidB; a malformed or oversized string also matches
// ErrMalformedHex or ErrTooLarge.
func ParseB(s string) (*big.Int, error) {
	B, err := ParseHexInt(s, MaxPublicValueBytes)
	if err != nil {
		return nil, within(ErrInvalidB, err)
	}
	if err := checkB(B); err != nil {
		return nil, err
	}
	return B, nil
}

// ParseSalt parses SALT as sent by a server (hexadecimal, any case, leading
// zeros allowed and irrelevant, at most MaxSaltBytes bytes). Errors match
// ErrMalformedHex or ErrTooLarge.
func ParseSalt(s string) (*big.Int, error) {
	return ParseHexInt(s, MaxSaltBytes)
}

func checkB(B *big.Int) error {
	switch {
	case B == nil:
		return errorf(ErrInvalidB, "missing")
	case B.Sign() < 0:
		return errorf(ErrInvalidB, "negative")
	case B.BitLen() > 8*MaxPublicValueBytes:
		return errorf(ErrInvalidB, "longer than %d bytes", MaxPublicValueBytes)
	case isZeroModN(B):
		return errorf(ErrInvalidB, "B ≡ 0 (mod N)")
	}
	return nil
}
