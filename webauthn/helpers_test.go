package webauthn

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/descope/virtualwebauthn"
	"github.com/go-webauthn/webauthn/protocol/webauthncbor"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/internal/passkeytest"
)

var b64 = base64.RawURLEncoding

// clock is a manual clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// epoch is deliberately far from the wall clock, so that anything reading
// time.Now instead of Options.Now would show.
var epoch = time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)

// fixture is one relying party, one user, one virtual authenticator
// (descope/virtualwebauthn: packed self-attestation) and one credential.
type fixture struct {
	t     testing.TB
	clock *clock
	c     *Ceremonies
	rp    challenge.RelyingParty
	vrp   virtualwebauthn.RelyingParty
	auth  virtualwebauthn.Authenticator
	vcred virtualwebauthn.Credential
	user  challenge.PasskeyUser
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	clk := &clock{t: epoch}
	handle := []byte("5f1d7c2e-9a3b-4c1d-8e2f-0123456789ab")
	f := &fixture{
		t:     t,
		clock: clk,
		c:     New(Options{Now: clk.Now}),
		rp: challenge.RelyingParty{
			ID:               "auth.example.com",
			Name:             "Example",
			Origins:          []string{"https://auth.example.com"},
			UserVerification: "preferred",
		},
		vrp:   virtualwebauthn.RelyingParty{ID: "auth.example.com", Name: "Example", Origin: "https://auth.example.com"},
		auth:  virtualwebauthn.NewAuthenticatorWithOptions(virtualwebauthn.AuthenticatorOptions{UserHandle: handle}),
		vcred: passkeytest.NewCredential(),
		user:  challenge.PasskeyUser{Handle: handle, Name: "alice", DisplayName: "Alice"},
	}
	return f
}

// attest begins a registration and returns the session and the authenticator's
// RegistrationResponseJSON, made with the relying party vrp.
func (f *fixture) attest(vrp virtualwebauthn.RelyingParty) (session, credential []byte) {
	f.t.Helper()
	opts, session, err := f.c.BeginRegistration(f.rp, f.user)
	if err != nil {
		f.t.Fatalf("BeginRegistration: %v", err)
	}
	parsed, err := virtualwebauthn.ParseAttestationOptions(string(opts))
	if err != nil {
		f.t.Fatalf("ParseAttestationOptions: %v", err)
	}
	return session, []byte(virtualwebauthn.CreateAttestationResponse(vrp, f.auth, f.vcred, *parsed))
}

// register registers the fixture's credential and adds it to the user.
func (f *fixture) register() *challenge.PasskeyCredential {
	f.t.Helper()
	session, cred := f.attest(f.vrp)
	pc, err := f.c.FinishRegistration(f.rp, f.user, session, cred)
	if err != nil {
		f.t.Fatalf("FinishRegistration: %v", err)
	}
	f.auth.AddCredential(f.vcred)
	f.user.Credentials = append(f.user.Credentials, *pc)
	return pc
}

// assert begins a sign-in, bumps the authenticator's counter and returns the
// session and the AuthenticationResponseJSON made with vrp.
func (f *fixture) assert(vrp virtualwebauthn.RelyingParty) (session, credential []byte) {
	f.t.Helper()
	opts, session, err := f.c.BeginLogin(f.rp, f.user)
	if err != nil {
		f.t.Fatalf("BeginLogin: %v", err)
	}
	return session, f.respond(vrp, opts)
}

// respond answers request options with the fixture's credential.
func (f *fixture) respond(vrp virtualwebauthn.RelyingParty, opts []byte) []byte {
	f.t.Helper()
	parsed, err := virtualwebauthn.ParseAssertionOptions(string(opts))
	if err != nil {
		f.t.Fatalf("ParseAssertionOptions: %v", err)
	}
	f.vcred.Counter++
	return []byte(virtualwebauthn.CreateAssertionResponse(vrp, f.auth, f.vcred, *parsed))
}

// persist stores a new sign count on the user's credential.
func (f *fixture) persist(id []byte, count uint32) {
	for i := range f.user.Credentials {
		if string(f.user.Credentials[i].ID) == string(id) {
			f.user.Credentials[i].SignCount = count
			return
		}
	}
	f.t.Fatalf("persist: no credential %x", id)
}

// wantCode fails unless err is a *challenge.Error with the given code.
func wantCode(t testing.TB, err error, code challenge.Code) {
	t.Helper()
	var e *challenge.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *challenge.Error; want %s", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("code %s (%v), want %s", e.Code, err, code)
	}
	if e.Message == "" {
		t.Fatalf("%s without a message", code)
	}
}

// mutateJSON decodes a JSON object, applies fn and re-encodes it.
func mutateJSON(t testing.TB, b []byte, fn func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	fn(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// noneKey is a credential key pair for the hand-written "none" authenticator.
type noneKey struct {
	ec   *ecdsa.PrivateKey  // ES256, or nil
	ed   ed25519.PrivateKey // EdDSA (-8), which this package does not offer
	cose []byte
}

func newES256Key(t testing.TB) noneKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := k.PublicKey.Bytes() // 0x04 | X | Y
	if err != nil {
		t.Fatal(err)
	}
	cose, err := webauthncbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: pub[1:33], -3: pub[33:65]})
	if err != nil {
		t.Fatal(err)
	}
	return noneKey{ec: k, cose: cose}
}

func newEd25519Key(t testing.TB) noneKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cose, err := webauthncbor.Marshal(map[int]any{1: 1, 3: -8, -1: 6, -2: []byte(pub)})
	if err != nil {
		t.Fatal(err)
	}
	return noneKey{ed: priv, cose: cose}
}

// noneAttestation is a hand-written RegistrationResponseJSON in the shape
// Amplify's serializePkcWithAttestationToJson sends (transports,
// publicKeyAlgorithm, authenticatorData, publicKey, clientExtensionResults
// with an unrequested credProps, authenticatorAttachment), with attestation
// format format and an empty attStmt.
func noneAttestation(t testing.TB, rpID, origin string, options []byte, credID []byte, key noneKey, format string) []byte {
	t.Helper()
	var opts struct {
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(options, &opts); err != nil {
		t.Fatal(err)
	}
	clientData, _ := json.Marshal(map[string]any{"type": "webauthn.create", "challenge": opts.Challenge, "origin": origin, "crossOrigin": false})
	rpHash := sha256.Sum256([]byte(rpID))
	authData := append([]byte{}, rpHash[:]...)
	authData = append(authData, 0x45)       // UP | UV | AT
	authData = append(authData, 0, 0, 0, 0) // sign count
	authData = append(authData, make([]byte, 16)...)
	authData = binary.BigEndian.AppendUint16(authData, uint16(len(credID)))
	authData = append(authData, credID...)
	authData = append(authData, key.cose...)
	attObj, err := webauthncbor.Marshal(map[string]any{"fmt": format, "attStmt": map[string]any{}, "authData": authData})
	if err != nil {
		t.Fatal(err)
	}
	var spki []byte
	alg := -8
	if key.ec != nil {
		spki, _ = x509.MarshalPKIXPublicKey(&key.ec.PublicKey)
		alg = -7
	} else {
		spki, _ = x509.MarshalPKIXPublicKey(key.ed.Public())
	}
	out, _ := json.Marshal(map[string]any{
		"id":    b64.EncodeToString(credID),
		"rawId": b64.EncodeToString(credID),
		"type":  "public-key",
		"response": map[string]any{
			"clientDataJSON":     b64.EncodeToString(clientData),
			"attestationObject":  b64.EncodeToString(attObj),
			"transports":         []string{"internal", "hybrid"},
			"publicKeyAlgorithm": alg,
			"authenticatorData":  b64.EncodeToString(authData),
			"publicKey":          b64.EncodeToString(spki),
		},
		"clientExtensionResults":  map[string]any{"credProps": map[string]any{"rk": true}},
		"authenticatorAttachment": "platform",
	})
	return out
}
