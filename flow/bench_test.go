package flow_test

import (
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"testing"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/srp"
)

// BenchmarkSRPSignIn is a whole USER_SRP_AUTH + PASSWORD_VERIFIER sign-in
// through flow.Server on memory stores and the fake issuer, client math
// included. Compare with BenchmarkSRPMath, the same sign-in's SRP
// arithmetic alone, to see the engine's overhead.
func BenchmarkSRPSignIn(b *testing.B) {
	// The manual clock never moves: lift the per-user session budget.
	e := flowtest.New(b, flowtest.Options{Seed: 90, Limits: flow.Limits{PendingSessions: 1 << 30}})
	e.AddUser("bench", "Correct-horse1", flow.StatusConfirmed, nil)
	for b.Loop() {
		out, err := e.SRPSignIn(ctx, "bench", "Correct-horse1")
		if err != nil || out.AuthenticationResult == nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSRPMath is the raw srp work of one sign-in, both roles: client A,
// server B and key, client key and signature, server signature check.
func BenchmarkSRPMath(b *testing.B) {
	r := flowtest.Rand(91)
	salt, verifier, _ := srp.NewPasswordVerifier(r, "TestPool1", "bench", "Correct-horse1")
	saltInt, _ := srp.ParseSalt(hexOf(salt))
	secret := make([]byte, 48)
	for b.Loop() {
		c, _ := srp.NewClient(r)
		v := new(big.Int).SetBytes(verifier)
		B, key, err := srp.ServerHandshake(r, c.A(), v)
		if err != nil {
			b.Fatal(err)
		}
		ck, err := c.SessionKey("TestPool1", "bench", "Correct-horse1", saltInt, B)
		if err != nil {
			b.Fatal(err)
		}
		ts := "Tue Nov 3 09:05:07 UTC 2026"
		sig := srp.Signature(ck, "TestPool1", "bench", secret, ts)
		if err := srp.VerifySignature(key, "TestPool1", "bench", secret, ts, sig); err != nil {
			b.Fatal(err)
		}
		_ = base64.StdEncoding
	}
}

// BenchmarkPasswordSignIn is USER_PASSWORD_AUTH through flow.Server.
func BenchmarkPasswordSignIn(b *testing.B) {
	e := flowtest.New(b, flowtest.Options{Seed: 92})
	e.AddUser("bench", "Correct-horse1", flow.StatusConfirmed, nil)
	for b.Loop() {
		out, err := e.PasswordSignIn(ctx, "bench", "Correct-horse1")
		if err != nil || out.AuthenticationResult == nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPasswordCheck is the password check alone (one verifier
// recomputation), the baseline of BenchmarkPasswordSignIn.
func BenchmarkPasswordCheck(b *testing.B) {
	salt, verifier, _ := srp.NewPasswordVerifier(flowtest.Rand(93), "TestPool1", "bench", "Correct-horse1")
	for b.Loop() {
		if !srp.CheckPassword(salt, verifier, "TestPool1", "bench", "Correct-horse1") {
			b.Fatal("mismatch")
		}
	}
}

var _ = challenge.FlowUserSRPAuth

func hexOf(b []byte) string { return hex.EncodeToString(b) }
