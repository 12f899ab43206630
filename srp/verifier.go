package srp

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
	"strings"
)

const (
	saltRandomBytes           = 16 // Cognito: 16 random bytes, then padHex
	devicePasswordRandomBytes = 40 // Cognito: base64 of 40 random bytes
)

// PoolName returns the part of a user pool id after the first '_'
// ("us-east-1_AbC" gives "AbC"), which Cognito's SRP hashes into x and the
// claim signature. It returns poolID unchanged when it has no '_'.
func PoolName(poolID string) string {
	if _, after, ok := strings.Cut(poolID, "_"); ok {
		return after
	}
	return poolID
}

// ComputeX returns the private value
//
//	x = SHA256(padHex(salt) || SHA256(poolName || userID || ":" || password))
//
// where the inner digest is taken as its 32 raw bytes and the strings as
// their UTF-8 bytes, without normalisation or trimming. userID is
// USER_ID_FOR_SRP, never an alias the user typed. For device SRP, poolName is
// the DeviceGroupKey, userID the DeviceKey and password the device password.
// The salt is used as an integer: leading zero bytes of the SALT on the wire
// do not count. A nil salt counts as zero. The result is a new value.
func ComputeX(salt *big.Int, poolName, userID, password string) *big.Int {
	inner := hashBytes([]byte(poolName), []byte(userID), []byte(":"), []byte(password))
	return hashInt(PadHex(salt), inner)
}

// ComputeVerifier returns v = g^x mod N with x = ComputeX(salt, poolName,
// userID, password). The result is a new value.
func ComputeVerifier(salt *big.Int, poolName, userID, password string) *big.Int {
	x := ComputeX(salt, poolName, userID, password)
	return expG(x)
}

// GenerateSalt reads 16 bytes from r and returns them in canonical padHex
// form (the bytes as an integer, re-encoded with PadHex): 17 bytes when the
// first random byte is 0x80 or more, fewer when it is zero. Store these
// bytes and send hex of them as SALT: hex decoding, reading as an integer and
// PadHex then give the same bytes back, so client and server hash the same
// salt. Errors from r are returned wrapped.
func GenerateSalt(r io.Reader) ([]byte, error) {
	raw, err := readRandom(r, saltRandomBytes)
	if err != nil {
		return nil, err
	}
	return PadHex(new(big.Int).SetBytes(raw)), nil
}

// NewPasswordVerifier creates what a user pool stores for a password: a
// fresh salt from GenerateSalt(r) and verifier = padHex(g^x mod N). Errors
// come only from r.
func NewPasswordVerifier(r io.Reader, poolName, userID, password string) (salt, verifier []byte, err error) {
	salt, err = GenerateSalt(r)
	if err != nil {
		return nil, nil, err
	}
	v := ComputeVerifier(new(big.Int).SetBytes(salt), poolName, userID, password)
	return salt, PadHex(v), nil
}

// CheckPassword reports whether password matches a stored salt and verifier
// (as made by NewPasswordVerifier or received in ConfirmDevice). Both are
// read as big-endian integers, so a verifier with or without its sign byte
// is accepted; the comparison is constant time. It is meant for flows that
// receive the password itself (e.g. USER_PASSWORD_AUTH).
func CheckPassword(salt, verifier []byte, poolName, userID, password string) bool {
	want := PadHex(new(big.Int).SetBytes(verifier))
	got := PadHex(ComputeVerifier(new(big.Int).SetBytes(salt), poolName, userID, password))
	return subtle.ConstantTimeCompare(want, got) == 1
}

// NewDeviceSecret does what Cognito's client does before ConfirmDevice: it
// reads 40 bytes from r for the device password (returned as their standard
// base64), then 16 bytes for the salt (GenerateSalt), and computes
// verifier = padHex(g^x mod N) with x over deviceGroupKey || deviceKey ||
// ":" || password. The client keeps the password; ConfirmDevice sends
// base64(salt) and base64(verifier). Errors come only from r.
func NewDeviceSecret(r io.Reader, deviceGroupKey, deviceKey string) (password string, salt, verifier []byte, err error) {
	raw, err := readRandom(r, devicePasswordRandomBytes)
	if err != nil {
		return "", nil, nil, err
	}
	password = base64.StdEncoding.EncodeToString(raw)
	salt, err = GenerateSalt(r)
	if err != nil {
		return "", nil, nil, err
	}
	v := ComputeVerifier(new(big.Int).SetBytes(salt), deviceGroupKey, deviceKey, password)
	return password, salt, PadHex(v), nil
}

// readRandom reads exactly n bytes from r.
func readRandom(r io.Reader, n int) ([]byte, error) {
	if r == nil {
		return nil, errorf(ErrInvalidArgument, "nil random source")
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("srp: reading random bytes: %w", err)
	}
	return b, nil
}
