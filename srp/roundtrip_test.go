package srp_test

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/authflow/authflow/srp"
)

// Characters for random names and passwords: ASCII, spaces, Latin-1,
// symbols, CJK, an emoji, a combining accent and a no-break space (no
// Unicode normalisation may happen anywhere).
var passwordRunes = []rune("abcXYZ019 !:_-@.äöüßé✓中文😀\u0301\u00a0")

func randString(rng *rand.Rand, alphabet []rune, minLen, maxLen int) string {
	n := minLen + rng.IntN(maxLen-minLen+1)
	var sb strings.Builder
	for range n {
		sb.WriteRune(alphabet[rng.IntN(len(alphabet))])
	}
	return sb.String()
}

// saltShapes force the first random salt bytes so that every padHex shape
// occurs: leading zero bytes dropped (15 and 14 bytes), a zero byte followed
// by a high byte (16 bytes starting 00), a high first byte (17 bytes).
var saltShapes = []struct {
	prefix  []byte
	wantLen int
}{
	{[]byte{0x00, 0x12}, 15},
	{[]byte{0x00, 0x00, 0x05}, 14},
	{[]byte{0x00, 0x9a}, 16},
	{[]byte{0xc3}, 17},
	{[]byte{0x41}, 16},
}

// login runs one complete SRP exchange over the wire encodings and returns
// the server's verdict on the client's claim.
func login(t *testing.T, r *rand.ChaCha8, rng *rand.Rand, pool, user, typed string, salt, verifier []byte, device bool, wireSaltPrefix string) error {
	t.Helper()
	client, err := srp.NewClient(r)
	mustOK(t, err, "NewClient")

	// Client -> server: SRP_A.
	A, err := srp.ParseA(srp.HexInt(client.A()))
	mustOK(t, err, "ParseA")
	B, serverKey, err := srp.ServerHandshake(r, A, new(big.Int).SetBytes(verifier))
	mustOK(t, err, "ServerHandshake")

	// Server -> client: SALT, SRP_B, SECRET_BLOCK.
	secretBlock := make([]byte, 16+rng.IntN(512))
	_, _ = r.Read(secretBlock)
	wireSalt, err := srp.ParseSalt(wireSaltPrefix + hex.EncodeToString(salt))
	mustOK(t, err, "ParseSalt")
	wireB, err := srp.ParseB(srp.HexInt(B))
	mustOK(t, err, "ParseB")
	var key []byte
	if device {
		key, err = client.DeviceSessionKey(pool, user, typed, wireSalt, wireB)
	} else {
		key, err = client.SessionKey(pool, user, typed, wireSalt, wireB)
	}
	mustOK(t, err, "SessionKey")
	if len(key) != srp.KeyLen {
		t.Fatalf("key has %d bytes, want %d", len(key), srp.KeyLen)
	}

	// Client -> server: the claim, TIMESTAMP at a random second of 2000-2099.
	ts := srp.FormatTimestamp(time.Unix(946684800+rng.Int64N(100*365*86400), 0))
	sig := srp.Signature(key, pool, user, secretBlock, ts)
	return srp.VerifySignature(serverKey, pool, user, secretBlock, ts, sig)
}

func TestRoundTrip(t *testing.T) {
	for seed := range uint64(5) {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			var s [32]byte
			s[0], s[31] = byte(seed), 0xa5
			r := rand.NewChaCha8(s)
			rng := rand.New(rand.NewPCG(seed, 7))

			for i, shape := range saltShapes {
				pool := srp.PoolName("eu-west-1_" + randString(rng, passwordRunes[:9], 1, 12))
				user := randString(rng, passwordRunes, 1, 20)
				password := randString(rng, passwordRunes, 0, 40)
				if i == 0 {
					password = " pässwörd ✓ with spaces " // fixed spaces and non-ASCII
				}

				salt, verifier, err := srp.NewPasswordVerifier(&prefixReader{r: r, prefix: shape.prefix}, pool, user, password)
				mustOK(t, err, "NewPasswordVerifier")
				if len(salt) != shape.wantLen {
					t.Errorf("salt %x: %d bytes, want %d", salt, len(salt), shape.wantLen)
				}
				// Canonical form: hex(salt) round-trips through an integer.
				back, err := srp.ParseSalt(hex.EncodeToString(salt))
				mustOK(t, err, "ParseSalt")
				equalBytes(t, "salt round trip", srp.PadHex(back), salt)
				if !srp.CheckPassword(salt, verifier, pool, user, password) {
					t.Errorf("CheckPassword refused the right password")
				}
				if srp.CheckPassword(salt, verifier, pool, user, password+" ") {
					t.Errorf("CheckPassword accepted a wrong password")
				}

				if err := login(t, r, rng, pool, user, password, salt, verifier, false, ""); err != nil {
					t.Errorf("%s/%q: right password refused: %v", pool, user, err)
				}
				// A SALT sent with extra leading zeros means the same integer.
				if err := login(t, r, rng, pool, user, password, salt, verifier, false, "0000"); err != nil {
					t.Errorf("%s/%q: zero-prefixed SALT refused: %v", pool, user, err)
				}
				wrong := password + "x"
				if i%2 == 0 && password != "" {
					wrong = password[:len(password)-1]
				}
				wantErr(t, login(t, r, rng, pool, user, wrong, salt, verifier, false, ""), srp.ErrSignatureMismatch)
				// The same password for a different USER_ID_FOR_SRP must fail.
				wantErr(t, login(t, r, rng, pool, user+"2", password, salt, verifier, false, ""), srp.ErrSignatureMismatch)
			}

			// Devices: ConfirmDevice, then DEVICE_SRP_AUTH.
			for range 2 {
				group := "-" + randString(rng, passwordRunes[:9], 5, 10)
				deviceKey := "us-east-1_" + randString(rng, passwordRunes[:9], 8, 36)
				password, salt, verifier, err := srp.NewDeviceSecret(r, group, deviceKey)
				mustOK(t, err, "NewDeviceSecret")
				if raw, err := base64.StdEncoding.DecodeString(password); err != nil || len(raw) != 40 {
					t.Errorf("device password %q is not base64 of 40 bytes", password)
				}
				// The server stores what ConfirmDevice sends in base64.
				storedSalt, _ := base64.StdEncoding.DecodeString(base64.StdEncoding.EncodeToString(salt))
				storedV, _ := base64.StdEncoding.DecodeString(base64.StdEncoding.EncodeToString(verifier))
				if err := login(t, r, rng, group, deviceKey, password, storedSalt, storedV, true, ""); err != nil {
					t.Errorf("device claim refused: %v", err)
				}
				wantErr(t, login(t, r, rng, group, deviceKey, password[1:], storedSalt, storedV, true, ""), srp.ErrSignatureMismatch)
				wantErr(t, login(t, r, rng, group+"x", deviceKey, password, storedSalt, storedV, true, ""), srp.ErrSignatureMismatch)
			}
		})
	}
}

// TestDeterministic checks that the same seed gives the same transcript.
func TestDeterministic(t *testing.T) {
	run := func() string {
		r := seededReader(42)
		salt, verifier, err := srp.NewPasswordVerifier(r, "Pool", "user", "pw")
		mustOK(t, err, "NewPasswordVerifier")
		c, err := srp.NewClient(r)
		mustOK(t, err, "NewClient")
		B, key, err := srp.ServerHandshake(r, c.A(), new(big.Int).SetBytes(verifier))
		mustOK(t, err, "ServerHandshake")
		return fmt.Sprintf("%x %s %s %x", salt, srp.HexInt(c.A()), srp.HexInt(B), key)
	}
	if a, b := run(), run(); a != b {
		t.Fatalf("same seed, different transcripts:\n%s\n%s", a, b)
	}
}
