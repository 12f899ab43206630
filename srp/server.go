package srp

import (
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"io"
	"math/big"
)

const (
	serverSecretBytes = 32 // b: 256 bits, top bit forced
	handshakeAttempts = 4  // fresh b values tried before giving up on degenerate B or u
	hkdfInfo          = "Caldera Derived Key"
)

// ParseA parses SRP_A as sent by a client (hexadecimal, any case, leading
// zeros allowed, at most MaxPublicValueBytes bytes) and refuses A ≡ 0
// (mod N). Every error it returns matches ErrInvalidA; a malformed or
// oversized string also matches ErrMalformedHex or ErrTooLarge.
func ParseA(s string) (*big.Int, error) {
	A, err := ParseHexInt(s, MaxPublicValueBytes)
	if err != nil {
		return nil, within(ErrInvalidA, err)
	}
	if err := checkA(A); err != nil {
		return nil, err
	}
	return A, nil
}

// ServerHandshake runs the server side of a sign-in once the client's A is
// known (from ParseA) and the user's verifier v (1 <= v < N) is loaded. It
// draws a 256-bit secret b from r (32 bytes, top bit forced), computes
// B = (k*v + g^b) mod N, u = SHA256(padHex(A) || padHex(B)),
// S = (A * v^u)^b mod N and the 16-byte session key
// HKDF-SHA256(ikm = padHex(S), salt = padHex(u), info = "Caldera Derived Key").
// Send HexInt(B) as SRP_B; keep key for VerifySignature; b is discarded.
// In the (astronomically unlikely) case that b gives B ≡ 0 or u = 0, it draws
// a new b. Errors: ErrInvalidA, ErrInvalidVerifier, a wrapped read error from
// r, or ErrInvalidArgument for a nil A, v or r.
func ServerHandshake(r io.Reader, A, v *big.Int) (B *big.Int, key []byte, err error) {
	if err := checkA(A); err != nil {
		return nil, nil, err
	}
	if err := checkVerifier(v); err != nil {
		return nil, nil, err
	}
	for range handshakeAttempts {
		raw, err := readRandom(r, serverSecretBytes)
		if err != nil {
			return nil, nil, err
		}
		raw[0] |= 0x80
		B, key, err = serverHandshake(new(big.Int).SetBytes(raw), A, v)
		if errors.Is(err, ErrInvalidB) || errors.Is(err, ErrZeroU) {
			continue
		}
		return B, key, err
	}
	return nil, nil, errorf(ErrInvalidB, "random source keeps producing degenerate values")
}

// ServerHandshakeWithB is ServerHandshake with a caller-chosen secret
// exponent b > 0 (for test vectors and deterministic tests; production code
// should use ServerHandshake). It returns ErrInvalidB when b gives B ≡ 0
// (mod N), ErrZeroU when u = 0, and otherwise the errors of ServerHandshake.
func ServerHandshakeWithB(b, A, v *big.Int) (B *big.Int, key []byte, err error) {
	if b == nil || b.Sign() <= 0 {
		return nil, nil, errorf(ErrInvalidArgument, "secret exponent b must be positive")
	}
	if err := checkA(A); err != nil {
		return nil, nil, err
	}
	if err := checkVerifier(v); err != nil {
		return nil, nil, err
	}
	return serverHandshake(b, A, v)
}

// serverHandshake assumes validated inputs.
func serverHandshake(b, A, v *big.Int) (*big.Int, []byte, error) {
	B := serverB(b, v)
	if B.Sign() == 0 {
		return nil, nil, errorf(ErrInvalidB, "b yields B ≡ 0 (mod N)")
	}
	u := computeU(A, B)
	if u.Sign() == 0 {
		return nil, nil, errorf(ErrZeroU, "H(A, B) = 0")
	}
	key, err := deriveKey(serverS(A, v, u, b), u)
	if err != nil {
		return nil, nil, err
	}
	return B, key, nil
}

func checkA(A *big.Int) error {
	switch {
	case A == nil:
		return errorf(ErrInvalidA, "missing")
	case A.Sign() < 0:
		return errorf(ErrInvalidA, "negative")
	case A.BitLen() > 8*MaxPublicValueBytes:
		return errorf(ErrInvalidA, "longer than %d bytes", MaxPublicValueBytes)
	case isZeroModN(A):
		return errorf(ErrInvalidA, "A ≡ 0 (mod N)")
	case isUnitModN(A):
		// A ≡ ±1 makes S = (A·v^u)^b take at most a few values a client can
		// predict without the password.
		return errorf(ErrInvalidA, "A ≡ ±1 (mod N)")
	}
	return nil
}

func checkVerifier(v *big.Int) error {
	if v == nil || v.Sign() <= 0 || v.Cmp(groupN) >= 0 {
		return errorf(ErrInvalidVerifier, "verifier must be in 1..N-1")
	}
	return nil
}

// serverB returns B = (k*v + g^b) mod N.
func serverB(b, v *big.Int) *big.Int {
	B := new(big.Int).Mul(groupK, v)
	B.Add(B, expG(b))
	return B.Mod(B, groupN)
}

// computeU returns u = SHA256(padHex(A) || padHex(B)).
func computeU(A, B *big.Int) *big.Int {
	return hashInt(PadHex(A), PadHex(B))
}

// serverS returns S = (A * v^u)^b mod N.
func serverS(A, v, u, b *big.Int) *big.Int {
	S := new(big.Int).Exp(v, u, groupN)
	S.Mul(S, A).Mod(S, groupN)
	return S.Exp(S, b, groupN)
}

// clientS returns S = (B - k*g^x)^(a + u*x) mod N.
func clientS(a, B, x, u *big.Int) *big.Int {
	base := expG(x)
	base.Mul(base, groupK)
	base.Sub(B, base).Mod(base, groupN) // Mod is Euclidean: result in [0, N)
	exp := new(big.Int).Mul(u, x)
	exp.Add(exp, a)
	return base.Exp(base, exp, groupN)
}

// deriveKey returns HKDF-SHA256(ikm = padHex(S), salt = padHex(u),
// info = "Caldera Derived Key", length 16).
func deriveKey(S, u *big.Int) ([]byte, error) {
	key, err := hkdf.Key(sha256.New, PadHex(S), PadHex(u), hkdfInfo, KeyLen)
	if err != nil {
		return nil, errorf(ErrInvalidArgument, "key derivation failed")
	}
	return key, nil
}
