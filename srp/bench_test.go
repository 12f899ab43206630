package srp_test

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"math/big"
	"runtime"
	"testing"
	"time"

	"github.com/authflow/authflow/srp"
)

// BenchmarkServerVerify measures what a server does per sign-in: one
// ServerHandshake (B and the key: g^b, v^u and (A*v^u)^b, each with a
// 256-bit exponent) and one VerifySignature of a valid claim. In the same
// loop it times three independent math/big exponentiations of 3072-bit
// bases with 256-bit exponents and reports the ratio ("server/3exp"; goal:
// at most 0.75). Both are timed as CPU time of the benchmark's locked
// thread, so other load on the machine does not skew the ratio:
//
//	go test ./srp -run '^$' -bench 'ServerVerify|ClientLogin' -benchtime 2s
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

	bases, exps := threeExps()
	var server, baseline time.Duration
	out := new(big.Int)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for b.Loop() {
		t0 := cpuNow()
		_, serverKey, err := srp.ServerHandshake(bytes.NewReader(bRaw), A, v)
		if err != nil {
			b.Fatal(err)
		}
		if err := srp.VerifySignature(serverKey, "Pool", "user", secret, ts, sig); err != nil {
			b.Fatal(err)
		}
		t1 := cpuNow()
		for i := range bases {
			out.Exp(bases[i], exps[i], srp.N())
		}
		server += t1 - t0
		baseline += cpuNow() - t1
	}
	b.ReportMetric(float64(server)/float64(baseline), "server/3exp")
}

// threeExps returns three 3072-bit bases and three 256-bit exponents (top
// bit set), fixed so runs compare.
func threeExps() (bases, exps [3]*big.Int) {
	r := seededReader(9)
	for i := range bases {
		raw := make([]byte, 384+32)
		if _, err := r.Read(raw); err != nil {
			panic(err)
		}
		bases[i] = new(big.Int).Mod(new(big.Int).SetBytes(raw[:384]), srp.N())
		raw[384] |= 0x80
		exps[i] = new(big.Int).SetBytes(raw[384:])
	}
	return bases, exps
}

// referenceLogin is the client login as the package computed it before
// its fixed-base tables: math/big's Exp for g^a (1024-bit a), g^x and
// (B - k·g^x)^(a+u·x). BenchmarkClientLogin reports its time over this.
func referenceLogin(a, salt, B *big.Int, pool, user, password string) []byte {
	N, g, k := srp.N(), srp.G(), srp.K()
	A := new(big.Int).Exp(g, a, N)
	h := sha256.New()
	h.Write(srp.PadHex(A))
	h.Write(srp.PadHex(B))
	u := new(big.Int).SetBytes(h.Sum(nil))
	x := srp.ComputeX(salt, pool, user, password)
	base := new(big.Int).Exp(g, x, N)
	base.Mul(base, k)
	base.Sub(B, base).Mod(base, N)
	e := new(big.Int).Mul(u, x)
	e.Add(e, a)
	S := base.Exp(base, e, N)
	key, err := hkdf.Key(sha256.New, srp.PadHex(S), srp.PadHex(u), "Caldera Derived Key", srp.KeyLen)
	if err != nil {
		panic(err)
	}
	return key
}

// BenchmarkClientLogin measures a client sign-in: NewClient (g^a with a
// 1024-bit a), SessionKey (g^x, then a ~1024-bit exponentiation) and
// Signature, and in the same loop referenceLogin (the same key computed as
// before the fixed-base tables, with math/big's Exp throughout); it reports
// the ratio ("login/before"; goal: at most 0.5).
func BenchmarkClientLogin(b *testing.B) { benchClientLogin(b, 128) }

// BenchmarkClientLoginShortSecret is BenchmarkClientLogin with a 256-bit
// a (NewClientWithSecret), still against the 1024-bit reference: what a
// client drawing a as long as the server's b would cost. NewClient keeps
// Cognito's 1024 bits.
func BenchmarkClientLoginShortSecret(b *testing.B) { benchClientLogin(b, 32) }

func benchClientLogin(b *testing.B, secretBytes int) {
	r := seededReader(2)
	salt, verifier, err := srp.NewPasswordVerifier(r, "Pool", "user", "password")
	mustOK(b, err, "NewPasswordVerifier")
	saltInt := new(big.Int).SetBytes(salt)
	B, _, err := srp.ServerHandshake(r, big.NewInt(12345), new(big.Int).SetBytes(verifier))
	mustOK(b, err, "ServerHandshake")
	secret := bytes.Repeat([]byte{7}, 256)
	ts := srp.FormatTimestamp(time.Date(2026, 11, 3, 9, 5, 7, 0, time.UTC))

	var now, before time.Duration
	raw := make([]byte, 128)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for b.Loop() {
		if _, err := r.Read(raw); err != nil {
			b.Fatal(err)
		}
		t0 := cpuNow()
		c, err := srp.NewClient(bytes.NewReader(raw))
		if secretBytes < len(raw) {
			c, err = srp.NewClientWithSecret(new(big.Int).SetBytes(raw[:secretBytes]))
		}
		if err != nil {
			b.Fatal(err)
		}
		key, err := c.SessionKey("Pool", "user", "password", saltInt, B)
		if err != nil {
			b.Fatal(err)
		}
		_ = srp.Signature(key, "Pool", "user", secret, ts)
		t1 := cpuNow()
		ref := referenceLogin(new(big.Int).SetBytes(raw), saltInt, B, "Pool", "user", "password")
		_ = srp.Signature(ref, "Pool", "user", secret, ts)
		now += t1 - t0
		before += cpuNow() - t1
		if secretBytes == len(raw) && !bytes.Equal(key, ref) {
			b.Fatal("the reference login derived another key")
		}
	}
	b.ReportMetric(float64(now)/float64(before), "login/before")
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
