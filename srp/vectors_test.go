package srp

// Vector tests against testdata/vectors/*.json.
//
// Source of srp-cognito.json: amazon-cognito-identity-js 6.3.21 driven as an
// oracle with fixed private values and a frozen clock (copied verbatim from
// shared/vectors/srp-cognito.json; see testdata/vectors/README.md).
//
// This is an internal test so that u and S, which the API never exposes, are
// checked directly, in both roles.
//
// Why this test fails if PadHex were replaced by RFC 5054's fixed 384-byte
// PAD(): k is checked against k_hex, and k = SHA256(padHex(N)||padHex(g))
// hashes 386 bytes while SHA256(PAD(N)||PAD(g)) hashes 768; x hashes the
// 15/16/17-byte padHex(salt), never a 384-byte one; and every vector's u
// hashes A and B of 383 or 385 bytes (user-short, user-00-prefix), where
// PAD() gives 384. TestVectorsRejectRFC5054Padding below checks that for
// each value, and replacing PadHex by PAD() was tried by hand: k, x, v, u,
// S, the keys and the signatures all fail.

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

type vectorFile struct {
	Description string            `json:"description"`
	Set         string            `json:"set"`
	Oracle      string            `json:"oracle"`
	Encoding    map[string]string `json:"encoding"`
	Group       struct {
		NHex     string            `json:"N_hex"`
		GHex     string            `json:"g_hex"`
		KHex     string            `json:"k_hex"`
		Formulas map[string]string `json:"formulas"`
	} `json:"group"`
	UserSRP    []userVector     `json:"user_srp"`
	DeviceSRP  []deviceVector   `json:"device_srp"`
	Negative   []negativeVector `json:"negative"`
	Timestamps []struct {
		ClockUTC  string `json:"clock_utc"`
		Timestamp string `json:"timestamp"`
	} `json:"timestamps"`
}

// exchangeVector holds the fields that user and device logins share.
type exchangeVector struct {
	SaltHexSent      string `json:"salt_hex_sent"`
	PrivAHex         string `json:"a_hex"`
	AHex             string `json:"A_hex"`
	APadHex          string `json:"A_padhex"`
	PrivBHex         string `json:"b_hex"`
	BHex             string `json:"B_hex"`
	BPadHex          string `json:"B_padhex"`
	UHex             string `json:"u_hex"`
	UPadHex          string `json:"u_padhex"`
	SHex             string `json:"S_hex"`
	SPadHex          string `json:"S_padhex"`
	KeyHex           string `json:"hkdf_key_hex"`
	SecretBlockB64   string `json:"secret_block_b64"`
	Timestamp        string `json:"timestamp"`
	ClockUTC         string `json:"clock_utc"`
	SignedMessageHex string `json:"signed_message_hex"`
	Signature        string `json:"password_claim_signature"`
	Properties       struct {
		APadBytes    int  `json:"A_padhex_bytes"`
		BPadBytes    int  `json:"B_padhex_bytes"`
		UPadBytes    int  `json:"u_padhex_bytes"`
		SPadBytes    int  `json:"S_padhex_bytes"`
		SaltPadBytes int  `json:"salt_padhex_bytes"`
		BBits        int  `json:"b_bits"`
		ABits        *int `json:"a_bits"`
	} `json:"properties"`
}

type userVector struct {
	Name           string `json:"name"`
	Description    string `json:"description"`
	UserPoolID     string `json:"user_pool_id"`
	PoolName       string `json:"pool_name"`
	Username       string `json:"username"`
	UserIDForSRP   string `json:"user_id_for_srp"`
	Password       string `json:"password"`
	SaltPadHex     string `json:"salt_padhex"`
	XHex           string `json:"x_hex"`
	VerifierHex    string `json:"verifier_hex"`
	VerifierPadHex string `json:"verifier_padhex"`
	exchangeVector
	InitiateAuth wireRequest `json:"initiate_auth_request"`
	Respond      wireRequest `json:"respond_to_auth_challenge_request"`
}

type deviceVector struct {
	Name           string `json:"name"`
	Description    string `json:"description"`
	UserPoolID     string `json:"user_pool_id"`
	Username       string `json:"username"`
	UserIDForSRP   string `json:"user_id_for_srp"`
	DeviceKey      string `json:"device_key"`
	DeviceGroupKey string `json:"device_group_key"`
	ConfirmDevice  struct {
		RandomPassword       string `json:"random_password"`
		PasswordSourceHex    string `json:"random_password_source_bytes_hex"`
		SaltRandomHex        string `json:"device_salt_random_bytes_hex"`
		SaltPadHex           string `json:"device_salt_padhex"`
		XHex                 string `json:"x_hex"`
		VerifierHex          string `json:"verifier_hex"`
		VerifierPadHex       string `json:"verifier_padhex"`
		ConfirmDeviceRequest struct {
			DeviceKey                  string `json:"DeviceKey"`
			DeviceSecretVerifierConfig struct {
				PasswordVerifier string `json:"PasswordVerifier"`
				Salt             string `json:"Salt"`
			} `json:"DeviceSecretVerifierConfig"`
		} `json:"confirm_device_request"`
		ClientCache struct {
			DeviceKey         string `json:"deviceKey"`
			DeviceGroupKey    string `json:"deviceGroupKey"`
			RandomPasswordKey string `json:"randomPasswordKey"`
		} `json:"client_cache"`
	} `json:"confirm_device"`
	DeviceSRP struct {
		PoolNameUsed string `json:"pool_name_used"`
		UserUsed     string `json:"user_used"`
		PasswordUsed string `json:"password_used"`
		exchangeVector
		DeviceSRPAuth          wireRequest `json:"device_srp_auth_request"`
		DevicePasswordVerifier wireRequest `json:"device_password_verifier_request"`
	} `json:"device_srp"`
	FlowRequests []struct {
		Op        string   `json:"op"`
		Challenge string   `json:"challenge"`
		Keys      []string `json:"keys"`
	} `json:"flow_requests"`
}

type wireRequest struct {
	AuthFlow           string            `json:"AuthFlow"`
	ChallengeName      string            `json:"ChallengeName"`
	ClientID           string            `json:"ClientId"`
	AuthParameters     map[string]string `json:"AuthParameters"`
	ChallengeResponses map[string]string `json:"ChallengeResponses"`
	ClientMetadata     map[string]string `json:"ClientMetadata"`
	Session            string            `json:"Session"`
}

type negativeVector struct {
	Name      string `json:"name"`
	Base      string `json:"base"`
	Password  string `json:"password"`
	Timestamp string `json:"timestamp"`
	Signature string `json:"password_claim_signature"`
	Note      string `json:"note"`
}

func loadVectorFile(t *testing.T, path string) vectorFile {
	t.Helper()
	data, err := os.ReadFile(path)
	mustNoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a field we do not check must not slip in unnoticed
	var vf vectorFile
	mustNoError(t, dec.Decode(&vf))
	mustTrue(t, vf.Oracle != "", "vector file must name its oracle")
	return vf
}

func vectorFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "vectors", "*.json"))
	mustNoError(t, err)
	mustTrue(t, len(files) > 0, "no vector files in testdata/vectors")
	return files
}

func mustInt(t *testing.T, name, h string) *big.Int {
	t.Helper()
	x, err := ParseHexInt(h, 1<<20)
	mustNoError(t, err, "%s is not hex", name)
	return x
}

func mustHexBytes(t *testing.T, name, h string) []byte {
	t.Helper()
	b, err := hex.DecodeString(h)
	mustNoError(t, err, "%s is not even-length hex", name)
	return b
}

func mustB64(t *testing.T, name, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	mustNoError(t, err, "%s is not base64", name)
	return b
}

func mustClock(t *testing.T, s string) time.Time {
	t.Helper()
	c, err := time.Parse(time.RFC3339Nano, s)
	mustNoError(t, err, "clock_utc %q", s)
	return c
}

// checkPad checks HexInt(x), hex(PadHex(x)) and, when given, len(PadHex(x)).
func checkPad(t *testing.T, name string, x *big.Int, wantHex, wantPad string, wantLen int) {
	t.Helper()
	expectEqual(t, wantHex, HexInt(x), "%s (minimal hex)", name)
	expectEqual(t, wantPad, hex.EncodeToString(PadHex(x)), "%s (padHex)", name)
	if wantLen != 0 {
		expectEqual(t, wantLen, len(PadHex(x)), "%s: padHex length", name)
	}
}

func TestVectors(t *testing.T) {
	for _, path := range vectorFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			vf := loadVectorFile(t, path)
			t.Logf("oracle: %s (%d user, %d device logins)", vf.Oracle, len(vf.UserSRP), len(vf.DeviceSRP))

			t.Run("group", func(t *testing.T) {
				expectEqual(t, vf.Group.NHex, HexInt(N()))
				expectEqual(t, vf.Group.GHex, HexInt(G()))
				expectEqual(t, vf.Group.KHex, HexInt(K()))
			})

			users := map[string]userVector{}
			for _, uv := range vf.UserSRP {
				users[uv.Name] = uv
				t.Run("user/"+uv.Name, func(t *testing.T) { checkUserVector(t, uv) })
			}
			for _, dv := range vf.DeviceSRP {
				t.Run("device/"+dv.Name, func(t *testing.T) { checkDeviceVector(t, dv, vf.UserSRP) })
			}
			for _, nv := range vf.Negative {
				t.Run("negative/"+nv.Name, func(t *testing.T) {
					base, ok := users[nv.Base]
					mustTrue(t, ok, "negative case names unknown base %q", nv.Base)
					checkNegativeVector(t, nv, base)
				})
			}
			for _, tv := range vf.Timestamps {
				t.Run("timestamp/"+tv.ClockUTC, func(t *testing.T) {
					clock := mustClock(t, tv.ClockUTC)
					expectEqual(t, tv.Timestamp, FormatTimestamp(clock))
					parsed, err := ParseTimestamp(tv.Timestamp)
					mustNoError(t, err)
					expectTrue(t, parsed.Equal(clock), "ParseTimestamp(%q) = %v, want %v", tv.Timestamp, parsed, clock)
				})
			}
		})
	}
}

func checkUserVector(t *testing.T, uv userVector) {
	expectEqual(t, uv.PoolName, PoolName(uv.UserPoolID))

	// Salt as the client sees it: the integer value of SALT.
	salt, err := ParseSalt(uv.SaltHexSent)
	mustNoError(t, err)
	expectEqual(t, uv.SaltPadHex, hex.EncodeToString(PadHex(salt)), "salt_padhex")
	expectEqual(t, uv.Properties.SaltPadBytes, len(PadHex(salt)), "salt padHex length")

	x := ComputeX(salt, uv.PoolName, uv.UserIDForSRP, uv.Password)
	expectEqual(t, uv.XHex, HexInt(x), "x")
	v := ComputeVerifier(salt, uv.PoolName, uv.UserIDForSRP, uv.Password)
	checkPad(t, "verifier", v, uv.VerifierHex, uv.VerifierPadHex, 0)

	// Server-side storage: the 16 random bytes the salt was made from go
	// through GenerateSalt (leading zeros dropped, sign byte added).
	if raw := mustHexBytes(t, "salt_hex_sent", uv.SaltHexSent); len(raw) == saltRandomBytes {
		storedSalt, storedV, err := NewPasswordVerifier(bytes.NewReader(raw), uv.PoolName, uv.UserIDForSRP, uv.Password)
		mustNoError(t, err)
		expectEqual(t, uv.SaltPadHex, hex.EncodeToString(storedSalt), "stored salt")
		expectEqual(t, uv.VerifierPadHex, hex.EncodeToString(storedV), "stored verifier")
		expectTrue(t, CheckPassword(storedSalt, storedV, uv.PoolName, uv.UserIDForSRP, uv.Password))
		expectTrue(t, !CheckPassword(storedSalt, storedV, uv.PoolName, uv.UserIDForSRP, uv.Password+"x"), "CheckPassword accepted a wrong password")
	}

	client, key := checkExchange(t, uv.exchangeVector, uv.PoolName, uv.UserIDForSRP, uv.Password, salt, v, x, false)

	// The recorded requests carry what our client computes.
	ia := uv.InitiateAuth
	expectEqual(t, "USER_SRP_AUTH", ia.AuthFlow)
	expectTrue(t, ia.ClientID != "", "ClientId missing")
	expectEqual(t, uv.Username, ia.AuthParameters["USERNAME"])
	expectEqual(t, HexInt(client.A()), ia.AuthParameters["SRP_A"])
	expectEqual(t, 0, len(ia.ClientMetadata), "ClientMetadata")

	rs := uv.Respond
	expectEqual(t, "PASSWORD_VERIFIER", rs.ChallengeName)
	expectEqual(t, ia.ClientID, rs.ClientID)
	expectEqual(t, 0, len(rs.ClientMetadata), "ClientMetadata")
	cr := rs.ChallengeResponses
	expectEqual(t, uv.UserIDForSRP, cr["USERNAME"], "the response USERNAME is USER_ID_FOR_SRP")
	expectEqual(t, uv.SecretBlockB64, cr["PASSWORD_CLAIM_SECRET_BLOCK"])
	expectEqual(t, uv.Timestamp, cr["TIMESTAMP"])
	secret := mustB64(t, "PASSWORD_CLAIM_SECRET_BLOCK", cr["PASSWORD_CLAIM_SECRET_BLOCK"])
	expectEqual(t, Signature(key, uv.PoolName, cr["USERNAME"], secret, cr["TIMESTAMP"]), cr["PASSWORD_CLAIM_SIGNATURE"])
	expectNoError(t, VerifySignature(key, uv.PoolName, cr["USERNAME"], secret, cr["TIMESTAMP"], cr["PASSWORD_CLAIM_SIGNATURE"]))
}

func checkDeviceVector(t *testing.T, dv deviceVector, users []userVector) {
	cd := dv.ConfirmDevice

	// ConfirmDevice: 40 password bytes, then 16 salt bytes.
	random := append(mustHexBytes(t, "random_password_source_bytes_hex", cd.PasswordSourceHex),
		mustHexBytes(t, "device_salt_random_bytes_hex", cd.SaltRandomHex)...)
	password, salt, verifier, err := NewDeviceSecret(bytes.NewReader(random), dv.DeviceGroupKey, dv.DeviceKey)
	mustNoError(t, err)
	expectEqual(t, cd.RandomPassword, password, "random_password")
	expectEqual(t, cd.SaltPadHex, hex.EncodeToString(salt), "device_salt_padhex")
	expectEqual(t, cd.VerifierPadHex, hex.EncodeToString(verifier), "verifier_padhex")
	saltInt := new(big.Int).SetBytes(salt)
	x := ComputeX(saltInt, dv.DeviceGroupKey, dv.DeviceKey, password)
	expectEqual(t, cd.XHex, HexInt(x), "x")
	expectEqual(t, cd.VerifierHex, HexInt(new(big.Int).SetBytes(verifier)), "verifier_hex")
	expectTrue(t, CheckPassword(salt, verifier, dv.DeviceGroupKey, dv.DeviceKey, password))

	req := cd.ConfirmDeviceRequest
	expectEqual(t, dv.DeviceKey, req.DeviceKey)
	expectEqual(t, base64.StdEncoding.EncodeToString(salt), req.DeviceSecretVerifierConfig.Salt)
	expectEqual(t, base64.StdEncoding.EncodeToString(verifier), req.DeviceSecretVerifierConfig.PasswordVerifier)
	expectEqual(t, dv.DeviceKey, cd.ClientCache.DeviceKey)
	expectEqual(t, dv.DeviceGroupKey, cd.ClientCache.DeviceGroupKey)
	expectEqual(t, password, cd.ClientCache.RandomPasswordKey)

	// The server stores what ConfirmDevice sent and sends SALT = hex(stored salt).
	storedSalt := mustB64(t, "Salt", req.DeviceSecretVerifierConfig.Salt)
	storedV := new(big.Int).SetBytes(mustB64(t, "PasswordVerifier", req.DeviceSecretVerifierConfig.PasswordVerifier))
	ds := dv.DeviceSRP
	expectEqual(t, hex.EncodeToString(storedSalt), ds.SaltHexSent, "SALT sent for the device")
	expectEqual(t, dv.DeviceGroupKey, ds.PoolNameUsed)
	expectEqual(t, dv.DeviceKey, ds.UserUsed)
	expectEqual(t, password, ds.PasswordUsed)
	clientSalt, err := ParseSalt(ds.SaltHexSent)
	mustNoError(t, err)
	expectEqual(t, ds.Properties.SaltPadBytes, len(PadHex(clientSalt)), "salt padHex length")

	client, key := checkExchange(t, ds.exchangeVector, dv.DeviceGroupKey, dv.DeviceKey, password, clientSalt, storedV, x, true)

	auth := ds.DeviceSRPAuth
	expectEqual(t, "DEVICE_SRP_AUTH", auth.ChallengeName)
	expectTrue(t, auth.ClientID != "", "ClientId missing")
	expectTrue(t, auth.Session != "", "Session missing")
	expectEqual(t, dv.Username, auth.ChallengeResponses["USERNAME"])
	expectEqual(t, dv.DeviceKey, auth.ChallengeResponses["DEVICE_KEY"])
	expectEqual(t, HexInt(client.A()), auth.ChallengeResponses["SRP_A"])

	pv := ds.DevicePasswordVerifier
	expectEqual(t, "DEVICE_PASSWORD_VERIFIER", pv.ChallengeName)
	expectEqual(t, auth.ClientID, pv.ClientID)
	expectTrue(t, pv.Session != "", "Session missing")
	cr := pv.ChallengeResponses
	expectEqual(t, dv.UserIDForSRP, cr["USERNAME"])
	expectEqual(t, dv.DeviceKey, cr["DEVICE_KEY"])
	expectEqual(t, ds.SecretBlockB64, cr["PASSWORD_CLAIM_SECRET_BLOCK"])
	expectEqual(t, ds.Timestamp, cr["TIMESTAMP"])
	secret := mustB64(t, "PASSWORD_CLAIM_SECRET_BLOCK", cr["PASSWORD_CLAIM_SECRET_BLOCK"])
	expectEqual(t, Signature(key, dv.DeviceGroupKey, cr["DEVICE_KEY"], secret, cr["TIMESTAMP"]), cr["PASSWORD_CLAIM_SIGNATURE"])
	expectNoError(t, VerifySignature(key, dv.DeviceGroupKey, cr["DEVICE_KEY"], secret, cr["TIMESTAMP"], cr["PASSWORD_CLAIM_SIGNATURE"]))

	// The recorded request sequence: the two device steps carry exactly the
	// keys of the requests above; the two user steps carry the user-login
	// keys plus DEVICE_KEY.
	keysOf := func(m map[string]string) []string {
		ks := make([]string, 0, len(m)+1)
		for k := range m {
			ks = append(ks, k)
		}
		return ks
	}
	withDevice := func(ks []string) []string { ks = append(ks, "DEVICE_KEY"); slices.Sort(ks); return ks }
	sorted := func(ks []string) []string { ks = slices.Clone(ks); slices.Sort(ks); return ks }
	want := map[string][]string{
		"DEVICE_SRP_AUTH":          sorted(keysOf(auth.ChallengeResponses)),
		"DEVICE_PASSWORD_VERIFIER": sorted(keysOf(cr)),
	}
	if len(users) > 0 {
		want["USER_SRP_AUTH"] = withDevice(keysOf(users[0].InitiateAuth.AuthParameters))
		want["PASSWORD_VERIFIER"] = withDevice(keysOf(users[0].Respond.ChallengeResponses))
	}
	mustTrue(t, len(dv.FlowRequests) > 0, "flow_requests missing")
	for i, fr := range dv.FlowRequests {
		expectTrue(t, fr.Op == "InitiateAuth" || fr.Op == "RespondToAuthChallenge", "flow_requests[%d]: unexpected op %q", i, fr.Op)
		expectEqual(t, fr.Op == "InitiateAuth", fr.Challenge == "USER_SRP_AUTH", "flow_requests[%d] op", i)
		w, ok := want[fr.Challenge]
		expectTrue(t, ok, "flow_requests[%d]: unexpected challenge %q", i, fr.Challenge)
		expectTrue(t, slices.Equal(w, sorted(fr.Keys)), "flow_requests[%d] (%s) keys: got %v, want %v", i, fr.Challenge, sorted(fr.Keys), w)
	}
}

// checkExchange checks one SRP exchange in both roles and returns the client
// and the session key.
func checkExchange(t *testing.T, ev exchangeVector, pool, user, password string, salt, v, x *big.Int, device bool) (*Client, []byte) {
	t.Helper()
	p := ev.Properties

	// Client: a -> A.
	a := mustInt(t, "a_hex", ev.PrivAHex)
	if p.ABits != nil {
		expectEqual(t, *p.ABits, a.BitLen(), "a bits")
	}
	client, err := NewClientWithSecret(a)
	mustNoError(t, err)
	checkPad(t, "A", client.A(), ev.AHex, ev.APadHex, p.APadBytes)

	// Server: parse the wire SRP_A, b -> B and key.
	A, err := ParseA(ev.AHex)
	mustNoError(t, err)
	b := mustInt(t, "b_hex", ev.PrivBHex)
	expectEqual(t, p.BBits, b.BitLen(), "b bits")
	B, serverKey, err := ServerHandshakeWithB(b, A, v)
	mustNoError(t, err)
	checkPad(t, "B", B, ev.BHex, ev.BPadHex, p.BPadBytes)

	// u and S, both roles, through the unexported helpers.
	u := computeU(A, B)
	checkPad(t, "u", u, ev.UHex, ev.UPadHex, p.UPadBytes)
	wireB, err := ParseB(ev.BHex)
	mustNoError(t, err)
	sClient := clientS(a, wireB, x, u)
	sServer := serverS(A, v, u, b)
	checkPad(t, "S (client)", sClient, ev.SHex, ev.SPadHex, p.SPadBytes)
	checkPad(t, "S (server)", sServer, ev.SHex, ev.SPadHex, p.SPadBytes)
	derived, err := deriveKey(sServer, u)
	mustNoError(t, err)
	expectEqual(t, ev.KeyHex, hex.EncodeToString(derived), "hkdf key (helper)")
	expectEqual(t, ev.KeyHex, hex.EncodeToString(serverKey), "hkdf key (server)")

	// Client key through the public API, from the wire SALT and SRP_B.
	var clientKey []byte
	if device {
		clientKey, err = client.DeviceSessionKey(pool, user, password, salt, wireB)
	} else {
		clientKey, err = client.SessionKey(pool, user, password, salt, wireB)
	}
	mustNoError(t, err)
	expectEqual(t, ev.KeyHex, hex.EncodeToString(clientKey), "hkdf key (client)")

	// TIMESTAMP from the frozen clock, the signed message and the signature.
	ts := FormatTimestamp(mustClock(t, ev.ClockUTC))
	expectEqual(t, ev.Timestamp, ts, "TIMESTAMP from clock_utc")
	secret := mustB64(t, "secret_block_b64", ev.SecretBlockB64)
	expectEqual(t, ev.SignedMessageHex, hex.EncodeToString(claimMessage(pool, user, secret, ev.Timestamp)), "signed message")
	expectEqual(t, ev.Signature, Signature(clientKey, pool, user, secret, ev.Timestamp), "signature (client)")
	expectNoError(t, VerifySignature(serverKey, pool, user, secret, ev.Timestamp, ev.Signature), "signature (server)")
	return client, clientKey
}

func checkNegativeVector(t *testing.T, nv negativeVector, base userVector) {
	salt, err := ParseSalt(base.SaltHexSent)
	mustNoError(t, err)
	v := ComputeVerifier(salt, base.PoolName, base.UserIDForSRP, base.Password)
	A, err := ParseA(base.AHex)
	mustNoError(t, err)
	B, serverKey, err := ServerHandshakeWithB(mustInt(t, "b_hex", base.PrivBHex), A, v)
	mustNoError(t, err)
	secret := mustB64(t, "secret_block_b64", base.SecretBlockB64)

	// Reproduce the oracle's (bad) signature, so we know the server sees
	// exactly what a real client would send.
	signingKey := serverKey
	if nv.Password != "" {
		client, err := NewClientWithSecret(mustInt(t, "a_hex", base.PrivAHex))
		mustNoError(t, err)
		signingKey, err = client.SessionKey(base.PoolName, base.UserIDForSRP, nv.Password, salt, B)
		mustNoError(t, err)
		expectTrue(t, !bytes.Equal(serverKey, signingKey), "wrong password gave the right key")
	}
	expectEqual(t, nv.Signature, Signature(signingKey, base.PoolName, base.UserIDForSRP, secret, nv.Timestamp), "oracle signature reproduced")

	err = VerifySignature(serverKey, base.PoolName, base.UserIDForSRP, secret, nv.Timestamp, nv.Signature)
	expectErrorIs(t, err, ErrSignatureMismatch, nv.Note)
}

// pad5054 is RFC 5054's PAD(): big-endian, left-padded to len(N) = 384 bytes.
func pad5054(x *big.Int) []byte { return x.FillBytes(make([]byte, 384)) }

// TestVectorsRejectRFC5054Padding shows that the vectors tell padHex from
// RFC 5054's PAD(): with PAD() k, every x and the u of every exchange whose
// A or B is not exactly 384 bytes in padHex would differ, so TestVectors
// cannot pass with the wrong padding.
func TestVectorsRejectRFC5054Padding(t *testing.T) {
	for _, path := range vectorFiles(t) {
		vf := loadVectorFile(t, path)
		kPad := new(big.Int).SetBytes(hashBytes(pad5054(groupN), pad5054(groupG)))
		expectTrue(t, vf.Group.KHex != HexInt(kPad), "k with PAD() equals k_hex")
		exchanges := []exchangeVector{}
		for _, uv := range vf.UserSRP {
			exchanges = append(exchanges, uv.exchangeVector)
		}
		for _, dv := range vf.DeviceSRP {
			exchanges = append(exchanges, dv.DeviceSRP.exchangeVector)
		}
		discriminating := 0
		for i, ev := range exchanges {
			A, B := mustInt(t, "A", ev.AHex), mustInt(t, "B", ev.BHex)
			uPad := new(big.Int).SetBytes(hashBytes(pad5054(A), pad5054(B)))
			if len(PadHex(A)) == 384 && len(PadHex(B)) == 384 {
				// padHex and PAD() coincide here; k and x still differ.
				expectEqual(t, ev.UHex, HexInt(uPad), "%s exchange %d: u", path, i)
				continue
			}
			expectTrue(t, ev.UHex != HexInt(uPad), "%s exchange %d: u with PAD() equals u_hex", path, i)
			discriminating++
		}
		expectTrue(t, discriminating > 0, "no exchange has A or B whose padHex differs from PAD()")
		for _, uv := range vf.UserSRP {
			salt := mustInt(t, "salt", uv.SaltHexSent)
			inner := hashBytes([]byte(uv.PoolName), []byte(uv.UserIDForSRP), []byte(":"), []byte(uv.Password))
			xPad := new(big.Int).SetBytes(hashBytes(pad5054(salt), inner))
			expectTrue(t, uv.XHex != HexInt(xPad), "%s: x with PAD(salt) equals x_hex", uv.Name)
		}
	}
}

// TestInternalHelpersAgree checks, on random values, that the client and
// server formulas for S agree and that errors never leak inputs.
func TestInternalHelpersAgree(t *testing.T) {
	salt := big.NewInt(0x1234)
	x := ComputeX(salt, "pool", "user", "pw")
	v := new(big.Int).Exp(groupG, x, groupN)
	a, b := big.NewInt(987654321), big.NewInt(123456789)
	A := new(big.Int).Exp(groupG, a, groupN)
	B := serverB(b, v)
	u := computeU(A, B)
	expectEqual(t, 0, clientS(a, B, x, u).Cmp(serverS(A, v, u, b)))

	err := errorf(ErrInvalidA, "reason")
	expectTrue(t, errors.Is(err, ErrInvalidA))
	expectEqual(t, "srp: invalid SRP_A: reason", err.Error())
	inner := errorf(ErrTooLarge, "big")
	outer := within(ErrInvalidB, inner)
	expectErrorIs(t, outer, ErrInvalidB)
	expectErrorIs(t, outer, ErrTooLarge)
	expectEqual(t, "srp: invalid SRP_B: value too large: big", outer.Error())
}

// Small assertion helpers. The package's tests use only the standard
// library, so they run with the module's go.mod as it is.

func message(msgAndArgs []any) string {
	if len(msgAndArgs) == 0 {
		return ""
	}
	if f, ok := msgAndArgs[0].(string); ok {
		return ": " + fmt.Sprintf(f, msgAndArgs[1:]...)
	}
	return ": " + fmt.Sprint(msgAndArgs...)
}

func expectEqual[T comparable](t testing.TB, want, got T, msgAndArgs ...any) {
	t.Helper()
	if want != got {
		t.Errorf("got %v, want %v%s", got, want, message(msgAndArgs))
	}
}

func expectTrue(t testing.TB, cond bool, msgAndArgs ...any) {
	t.Helper()
	if !cond {
		t.Errorf("check failed%s", message(msgAndArgs))
	}
}

func mustTrue(t testing.TB, cond bool, msgAndArgs ...any) {
	t.Helper()
	if !cond {
		t.Fatalf("check failed%s", message(msgAndArgs))
	}
}

func expectNoError(t testing.TB, err error, msgAndArgs ...any) {
	t.Helper()
	if err != nil {
		t.Errorf("unexpected error %v%s", err, message(msgAndArgs))
	}
}

func mustNoError(t testing.TB, err error, msgAndArgs ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error %v%s", err, message(msgAndArgs))
	}
}

func expectErrorIs(t testing.TB, err, target error, msgAndArgs ...any) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("got error %v, want %v%s", err, target, message(msgAndArgs))
	}
}
