package srp_test

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"time"

	"github.com/authflow/authflow/srp"
)

func ExampleSecretHash() {
	fmt.Println(srp.SecretHash("secret", "user", "client"))
	// Output: wvW87lzZoI+qQCVGmWVBJLlucdJ65huAVP1z+0MgA6E=
}

func ExampleFormatTimestamp() {
	fmt.Println(srp.FormatTimestamp(time.Date(2026, 11, 3, 9, 5, 7, 0, time.UTC)))
	fmt.Println(srp.FormatTimestamp(time.Date(2027, 1, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600))))
	// Output:
	// Tue Nov 3 09:05:07 UTC 2026
	// Fri Jan 1 00:00:00 UTC 2027
}

func ExamplePoolName() {
	fmt.Println(srp.PoolName("us-east-1_AbCdEf123"))
	// Output: AbCdEf123
}

// Example_handshake runs a USER_SRP_AUTH sign-in, both roles, over the wire
// encodings. Real code uses crypto/rand.Reader; a seeded reader makes the
// example deterministic.
func Example_handshake() {
	random := rand.NewChaCha8([32]byte{1, 2, 3})
	const poolID, userID, password = "us-east-1_AbCdEf123", "alice", "Correct-Horse-9!"
	pool := srp.PoolName(poolID)

	// Sign-up: the server stores salt and verifier, never the password.
	salt, verifier, _ := srp.NewPasswordVerifier(random, pool, userID, password)

	// InitiateAuth: the client sends SRP_A.
	client, _ := srp.NewClient(random)
	srpA := srp.HexInt(client.A())

	// Server: PASSWORD_VERIFIER challenge with SALT, SRP_B, SECRET_BLOCK.
	A, err := srp.ParseA(srpA)
	if err != nil {
		fmt.Println("bad SRP_A:", err)
		return
	}
	B, serverKey, _ := srp.ServerHandshake(random, A, new(big.Int).SetBytes(verifier))
	saltHex, srpB := hex.EncodeToString(salt), srp.HexInt(B)
	secretBlock := base64.StdEncoding.EncodeToString([]byte("opaque session reference"))

	// Client: the claim.
	s, _ := srp.ParseSalt(saltHex)
	b, _ := srp.ParseB(srpB)
	key, _ := client.SessionKey(pool, userID, password, s, b)
	block, _ := base64.StdEncoding.DecodeString(secretBlock)
	timestamp := srp.FormatTimestamp(time.Date(2026, 11, 3, 9, 5, 7, 0, time.UTC))
	signature := srp.Signature(key, pool, userID, block, timestamp)

	// Server: RespondToAuthChallenge.
	if err := srp.VerifySignature(serverKey, pool, userID, block, timestamp, signature); err == nil {
		fmt.Println("claim accepted")
	}

	// The same claim with a zero-padded day is refused.
	err = srp.VerifySignature(serverKey, pool, userID, block, "Tue Nov 03 09:05:07 UTC 2026",
		srp.Signature(key, pool, userID, block, "Tue Nov 03 09:05:07 UTC 2026"))
	fmt.Println(errors.Is(err, srp.ErrSignatureMismatch))
	// Output:
	// claim accepted
	// true
}

// ExampleNewDeviceSecret remembers a device (ConfirmDevice) and signs in
// with it (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER).
func ExampleNewDeviceSecret() {
	random := rand.NewChaCha8([32]byte{4, 5, 6})
	const groupKey, deviceKey = "-AbCdEfGhI", "us-east-1_5d1b6a0e-2c3f-4e8a-9b7d-1f2e3d4c5b6a"

	// Client, after a sign-in that returned NewDeviceMetadata.
	devicePassword, salt, verifier, _ := srp.NewDeviceSecret(random, groupKey, deviceKey)
	fmt.Println(len(devicePassword), "character device password")
	// ConfirmDevice sends base64(salt) and base64(verifier); the server stores the bytes.

	client, _ := srp.NewClient(random)
	B, serverKey, _ := srp.ServerHandshake(random, client.A(), new(big.Int).SetBytes(verifier))
	key, _ := client.DeviceSessionKey(groupKey, deviceKey, devicePassword, new(big.Int).SetBytes(salt), B)
	ts := srp.FormatTimestamp(time.Date(2026, 5, 9, 14, 3, 9, 0, time.UTC))
	sig := srp.Signature(key, groupKey, deviceKey, []byte("block"), ts)
	fmt.Println(srp.VerifySignature(serverKey, groupKey, deviceKey, []byte("block"), ts, sig) == nil)
	// Output:
	// 56 character device password
	// true
}
