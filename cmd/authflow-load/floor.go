package main

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"math/big"
	"runtime"
	"time"

	"golang.org/x/sys/unix"

	"github.com/authflow/authflow/srp"
)

// The crypto floor is the cryptography a sign-in cannot avoid, measured in
// this process with the same packages the server uses:
//
//   - USER_PASSWORD_AUTH: one verifier check (srp.CheckPassword: g^x mod N
//     for the password's x) and two RS256 signatures (ID and access token;
//     the refresh token is opaque).
//   - USER_SRP_AUTH: the server's SRP work (ParseA, ServerHandshake:
//     g^b, v^u and (A·v^u)^b, and VerifySignature) and two RS256 signatures.
//
// It is measured as the CPU time of one locked OS thread, so other
// processes on the machine do not inflate it.

// floors holds the per-sign-in floor of each flow.
type floors map[flowName]time.Duration

// tokenBytes is about the size of the header and claims an RS256
// signature covers in an access or ID token.
const tokenBytes = 900

func measureFloors(iterations int) (floors, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	signTwice := func() error {
		for range 2 {
			sum := sha256.Sum256(bytes.Repeat([]byte{'x'}, tokenBytes))
			if _, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:]); err != nil {
				return err
			}
		}
		return nil
	}
	const pool, user = "Load", "user000"
	salt, verifier, err := srp.NewPasswordVerifier(rand.Reader, pool, user, password)
	if err != nil {
		return nil, err
	}
	c, err := srp.NewClient(rand.Reader)
	if err != nil {
		return nil, err
	}
	aHex := srp.HexInt(c.A())
	v := new(big.Int).SetBytes(verifier)
	secret := bytes.Repeat([]byte{7}, 256)
	ts := srp.FormatTimestamp(time.Now().UTC())

	out := floors{}
	out[flowPassword], err = threadCPU(iterations, func() error {
		if !srp.CheckPassword(salt, verifier, pool, user, password) {
			return fmt.Errorf("verifier check failed")
		}
		return signTwice()
	})
	if err != nil {
		return nil, err
	}
	out[flowSRP], err = threadCPU(iterations, func() error {
		A, err := srp.ParseA(aHex)
		if err != nil {
			return err
		}
		B, key, err := srp.ServerHandshake(rand.Reader, A, v)
		if err != nil {
			return err
		}
		// The client's claim over the same key (one HMAC, negligible
		// beside the exponentiations), so the check succeeds.
		sig := srp.Signature(key, pool, user, secret, ts)
		if B.Sign() == 0 {
			return fmt.Errorf("zero B")
		}
		if err := srp.VerifySignature(key, pool, user, secret, ts, sig); err != nil {
			return err
		}
		return signTwice()
	})
	return out, err
}

// threadCPU runs fn n times on one locked OS thread and returns the mean
// CPU time of that thread per run.
func threadCPU(n int, fn func() error) (time.Duration, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := fn(); err != nil { // warm up
		return 0, err
	}
	t0, err := threadTime()
	if err != nil {
		return 0, err
	}
	for range n {
		if err := fn(); err != nil {
			return 0, err
		}
	}
	t1, err := threadTime()
	if err != nil {
		return 0, err
	}
	return (t1 - t0) / time.Duration(n), nil
}

// threadTime is the calling thread's CPU time, to the nanosecond
// (CLOCK_THREAD_CPUTIME_ID; getrusage's is only as fine as the tick).
func threadTime() (time.Duration, error) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0, err
	}
	return time.Duration(ts.Nano()), nil
}
