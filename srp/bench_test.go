package srp_test

import (
	"bytes"
	"math/big"
	"testing"
	"time"

	"github.com/authflow/authflow/srp"
)

// BenchmarkServerVerify measures what a server does per sign-in: one
// ServerHandshake (B and the key: g^b, v^u and (A*v^u)^b, each with a
// 256-bit exponent) and one VerifySignature of a valid claim.
func BenchmarkServerVerify(b *testing.B) {
	r := seededReader(1)
	salt, verifier, err := srp.NewPasswordVerifier(r, "Pool", "user", "password")
	mustOK(b, err, "NewPasswordVerifier")
	client, err := srp.NewClient(r)
	mustOK(b, err, "NewClient")
	A, err := srp.ParseA(srp.HexInt(client.A()))
	mustOK(b, err, "ParseA")
	v := new(big.Int).SetBytes(verifier)
	bRaw := bytes.Repeat([]byte{0x3c}, 32) // the same b every time, so the claim stays valid
	B, _, err := srp.ServerHandshake(bytes.NewReader(bRaw), A, v)
	mustOK(b, err, "ServerHandshake")
	key, err := client.SessionKey("Pool", "user", "password", new(big.Int).SetBytes(salt), B)
	mustOK(b, err, "SessionKey")
	secret := bytes.Repeat([]byte{7}, 256)
	ts := srp.FormatTimestamp(time.Date(2026, 11, 3, 9, 5, 7, 0, time.UTC))
	sig := srp.Signature(key, "Pool", "user", secret, ts)

	for b.Loop() {
		_, serverKey, err := srp.ServerHandshake(bytes.NewReader(bRaw), A, v)
		if err != nil {
			b.Fatal(err)
		}
		if err := srp.VerifySignature(serverKey, "Pool", "user", secret, ts, sig); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClientLogin measures a client sign-in: NewClient (g^a with a
// 1024-bit a), SessionKey (g^x, then a ~1024-bit exponentiation) and
// Signature.
func BenchmarkClientLogin(b *testing.B) {
	r := seededReader(2)
	salt, verifier, err := srp.NewPasswordVerifier(r, "Pool", "user", "password")
	mustOK(b, err, "NewPasswordVerifier")
	saltInt := new(big.Int).SetBytes(salt)
	B, _, err := srp.ServerHandshake(r, big.NewInt(12345), new(big.Int).SetBytes(verifier))
	mustOK(b, err, "ServerHandshake")
	secret := bytes.Repeat([]byte{7}, 256)
	ts := srp.FormatTimestamp(time.Date(2026, 11, 3, 9, 5, 7, 0, time.UTC))

	for b.Loop() {
		c, err := srp.NewClient(r)
		if err != nil {
			b.Fatal(err)
		}
		key, err := c.SessionKey("Pool", "user", "password", saltInt, B)
		if err != nil {
			b.Fatal(err)
		}
		_ = srp.Signature(key, "Pool", "user", secret, ts)
	}
}

// BenchmarkBaselineExp is the unit for the figures above: one math/big
// g^b mod N with the 3072-bit N and a 256-bit b.
func BenchmarkBaselineExp(b *testing.B) {
	g, n := srp.G(), srp.N()
	e := new(big.Int).SetBytes(bytes.Repeat([]byte{0xa7}, 32))
	out := new(big.Int)
	for b.Loop() {
		out.Exp(g, e, n)
	}
}
