package webauthn

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/descope/virtualwebauthn"

	"github.com/authflow/authflow/challenge"
)

func TestRegisterAndSignIn(t *testing.T) {
	f := newFixture(t)
	pc := f.register()

	if !bytes.Equal(pc.ID, f.vcred.ID) {
		t.Errorf("credential id %x, want %x", pc.ID, f.vcred.ID)
	}
	if len(pc.PublicKey) == 0 || pc.AttestationFormat != "packed" || pc.RelyingPartyID != "auth.example.com" {
		t.Errorf("credential = %+v", pc)
	}
	if !pc.Created.Equal(epoch) {
		t.Errorf("Created %v, want the manual clock %v", pc.Created, epoch)
	}
	if !pc.UserVerified || pc.BackupEligible || pc.SignCount != 0 || !bytes.Equal(pc.AAGUID, f.auth.Aaguid[:]) {
		t.Errorf("flags/counter/aaguid = %+v", pc)
	}

	for want := uint32(1); want <= 3; want++ {
		f.clock.Advance(time.Minute)
		session, cred := f.assert(f.vrp)
		id, count, err := f.c.FinishLogin(f.rp, f.user, session, cred)
		if err != nil {
			t.Fatalf("sign-in %d: %v", want, err)
		}
		if !bytes.Equal(id, pc.ID) || count != want {
			t.Fatalf("sign-in %d: id %x count %d", want, id, count)
		}
		f.persist(id, count)
	}
}

func TestFinishLoginCredential(t *testing.T) {
	f := newFixture(t)
	f.auth.Options.BackupEligible = true
	pc := f.register()
	if !pc.BackupEligible || pc.BackupState {
		t.Fatalf("registered %+v", pc)
	}
	f.user.Credentials[0].FriendlyName = "Laptop"
	f.auth.Options.BackupState = true // synced since registration
	session, cred := f.assert(f.vrp)
	got, err := f.c.FinishLoginCredential(f.rp, f.user, session, cred)
	if err != nil {
		t.Fatal(err)
	}
	want := f.user.Credentials[0]
	want.SignCount, want.BackupState = 1, true
	if !jsonEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}

	// The backup-eligible flag may never change.
	f.auth.Options.BackupEligible, f.auth.Options.BackupState = false, false
	f.user.Credentials[0] = *got
	session, cred = f.assert(f.vrp)
	_, err = f.c.FinishLoginCredential(f.rp, f.user, session, cred)
	wantCode(t, err, challenge.ErrNotAuthorized)
}

func TestRegisterRS256(t *testing.T) {
	f := newFixture(t)
	f.vcred = virtualwebauthn.NewCredential(virtualwebauthn.KeyTypeRSA)
	f.register()
	session, cred := f.assert(f.vrp)
	if _, n, err := f.c.FinishLogin(f.rp, f.user, session, cred); err != nil || n != 1 {
		t.Fatalf("FinishLogin = %d, %v", n, err)
	}
}

// TestNoneAttestationAmplifyShape registers with the hand-written "none"
// authenticator, in the exact shape Amplify sends (extra members, an
// unrequested credProps output).
func TestNoneAttestationAmplifyShape(t *testing.T) {
	f := newFixture(t)
	opts, session, err := f.c.BeginRegistration(f.rp, f.user)
	if err != nil {
		t.Fatal(err)
	}
	credID := []byte("none-credential-0001")
	cred := noneAttestation(t, f.rp.ID, f.rp.Origins[0], opts, credID, newES256Key(t), "none")
	pc, err := f.c.FinishRegistration(f.rp, f.user, session, cred)
	if err != nil {
		t.Fatalf("FinishRegistration: %v", err)
	}
	if pc.AttestationFormat != "none" || !bytes.Equal(pc.ID, credID) || !slices.Equal(pc.Transports, []string{"internal", "hybrid"}) {
		t.Fatalf("credential = %+v", pc)
	}
}

func TestAmplifyShapedAssertion(t *testing.T) {
	f := newFixture(t)
	f.register()
	session, cred := f.assert(f.vrp)
	cred = mutateJSON(t, cred, func(m map[string]any) {
		m["authenticatorAttachment"] = "platform"
		m["clientExtensionResults"] = map[string]any{}
		m["somethingNew"] = 42
	})
	if _, _, err := f.c.FinishLogin(f.rp, f.user, session, cred); err != nil {
		t.Fatal(err)
	}
}

func TestCreationOptionsShape(t *testing.T) {
	f := newFixture(t)
	f.register()
	opts, _, err := f.c.BeginRegistration(f.rp, f.user)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(opts, &m); err != nil {
		t.Fatal(err)
	}
	keys := slices.Sorted(maps.Keys(m))
	want := []string{"attestation", "authenticatorSelection", "challenge", "excludeCredentials", "pubKeyCredParams", "rp", "timeout", "user"}
	if !slices.Equal(keys, want) {
		t.Fatalf("keys %v, want %v (flat, no publicKey wrapper)", keys, want)
	}
	var o struct {
		Challenge string
		RP        struct{ ID, Name string }
		User      struct {
			ID          string
			Name        string
			DisplayName string
		}
		PubKeyCredParams []struct {
			Type string
			Alg  int
		}
		Timeout            int
		ExcludeCredentials []struct {
			Type string
			ID   string
		}
		AuthenticatorSelection map[string]any
		Attestation            string
	}
	if err := json.Unmarshal(opts, &o); err != nil {
		t.Fatal(err)
	}
	if c, err := b64.DecodeString(o.Challenge); err != nil || len(c) != 32 {
		t.Errorf("challenge %q is not 32 bytes of unpadded base64url (%v)", o.Challenge, err)
	}
	if o.RP.ID != "auth.example.com" || o.RP.Name != "Example" {
		t.Errorf("rp = %+v", o.RP)
	}
	if id, err := b64.DecodeString(o.User.ID); err != nil || !bytes.Equal(id, f.user.Handle) || o.User.Name != "alice" || o.User.DisplayName != "Alice" {
		t.Errorf("user = %+v (%v)", o.User, err)
	}
	var algs []int
	for _, p := range o.PubKeyCredParams {
		if p.Type != "public-key" {
			t.Errorf("pubKeyCredParams type %q", p.Type)
		}
		algs = append(algs, p.Alg)
	}
	if !slices.Equal(algs, []int{-7, -257}) {
		t.Errorf("algs %v, want [-7 -257]", algs)
	}
	if o.Timeout != 300000 {
		t.Errorf("timeout %d, want 300000", o.Timeout)
	}
	if len(o.ExcludeCredentials) != 1 || o.ExcludeCredentials[0].Type != "public-key" || o.ExcludeCredentials[0].ID != b64.EncodeToString(f.vcred.ID) {
		t.Errorf("excludeCredentials = %+v", o.ExcludeCredentials)
	}
	if o.AuthenticatorSelection["residentKey"] != "required" || o.AuthenticatorSelection["userVerification"] != "preferred" || o.AuthenticatorSelection["requireResidentKey"] != true {
		t.Errorf("authenticatorSelection = %v", o.AuthenticatorSelection)
	}
	if o.Attestation != "none" {
		t.Errorf("attestation %q", o.Attestation)
	}
	if strings.Contains(string(opts), "=") {
		t.Errorf("padding in %s", opts)
	}

	// A user without passkeys still gets "excludeCredentials": [].
	f2 := newFixture(t)
	f2.rp.UserVerification = "required"
	opts, _, err = f2.c.BeginRegistration(f2.rp, f2.user)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(opts, []byte(`"excludeCredentials":[]`)) || !bytes.Contains(opts, []byte(`"userVerification":"required"`)) {
		t.Errorf("options %s", opts)
	}
}

func TestRequestOptionsShape(t *testing.T) {
	f := newFixture(t)
	f.register()
	f.user.Credentials[0].Transports = []string{"internal"}
	opts, _, err := f.c.BeginLogin(f.rp, f.user)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(opts, &m); err != nil {
		t.Fatal(err)
	}
	keys := slices.Sorted(maps.Keys(m))
	if want := []string{"allowCredentials", "challenge", "rpId", "timeout", "userVerification"}; !slices.Equal(keys, want) {
		t.Fatalf("keys %v, want %v", keys, want)
	}
	var o struct {
		Challenge        string
		Timeout          int
		RPID             string `json:"rpId"`
		AllowCredentials []map[string]any
		UserVerification string
	}
	if err := json.Unmarshal(opts, &o); err != nil {
		t.Fatal(err)
	}
	if c, err := b64.DecodeString(o.Challenge); err != nil || len(c) != 32 {
		t.Errorf("challenge %q (%v)", o.Challenge, err)
	}
	if o.Timeout != 300000 || o.RPID != "auth.example.com" || o.UserVerification != "preferred" {
		t.Errorf("options %+v", o)
	}
	want := map[string]any{"type": "public-key", "id": b64.EncodeToString(f.vcred.ID), "transports": []any{"internal"}}
	if len(o.AllowCredentials) != 1 || !jsonEqual(o.AllowCredentials[0], want) {
		t.Errorf("allowCredentials %v, want [%v]", o.AllowCredentials, want)
	}

	// Timeout follows the relying party.
	f.rp.Timeout = 90 * time.Second
	opts, _, err = f.c.BeginLogin(f.rp, f.user)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(opts, []byte(`"timeout":90000`)) {
		t.Errorf("options %s", opts)
	}
}

// TestFinishLoginIsStateless documents that FinishLogin does not spend the
// session: the engine must. A replay against a new session fails on the
// challenge; against the same session it is refused only by the counter, and
// not at all for an authenticator whose counter stays 0.
func TestFinishLoginIsStateless(t *testing.T) {
	f := newFixture(t)
	f.register()
	session, cred := f.assert(f.vrp)
	id, n, err := f.c.FinishLogin(f.rp, f.user, session, cred)
	if err != nil {
		t.Fatal(err)
	}

	// Same credential against a fresh session: wrong challenge.
	_, session2, err := f.c.BeginLogin(f.rp, f.user)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = f.c.FinishLogin(f.rp, f.user, session2, cred)
	wantCode(t, err, challenge.ErrNotAuthorized)

	// Same session again, before the counter was persisted: accepted.
	if _, _, err := f.c.FinishLogin(f.rp, f.user, session, cred); err != nil {
		t.Fatalf("same session, same credential: %v (FinishLogin is stateless)", err)
	}
	// After persisting the counter: refused as a clone.
	f.persist(id, n)
	_, _, err = f.c.FinishLogin(f.rp, f.user, session, cred)
	wantCode(t, err, challenge.ErrNotAuthorized)

	// Counter-less authenticator (always 0, like synced passkeys): only
	// spending the session stops the replay.
	g := newFixture(t)
	g.register()
	_, session, err = g.c.BeginLogin(g.rp, g.user)
	if err != nil {
		t.Fatal(err)
	}
	credZero := g.respondZero(session)
	for i := range 2 {
		id, n, err := g.c.FinishLogin(g.rp, g.user, session, credZero)
		if err != nil || n != 0 {
			t.Fatalf("zero counter, attempt %d: %d, %v", i, n, err)
		}
		g.persist(id, n)
	}
}

func TestWrongRelyingPartyID(t *testing.T) {
	f := newFixture(t)
	evil := f.vrp
	evil.ID = "evil.example"

	session, cred := f.attest(evil)
	_, err := f.c.FinishRegistration(f.rp, f.user, session, cred)
	wantCode(t, err, challenge.ErrWebAuthnRelyingPartyMismatch)

	f.register()
	session, cred = f.assert(evil)
	_, _, err = f.c.FinishLogin(f.rp, f.user, session, cred)
	wantCode(t, err, challenge.ErrWebAuthnRelyingPartyMismatch)

	// The pool's relying party id changed between begin and finish.
	session, cred = f.assert(f.vrp)
	moved := f.rp
	moved.ID, moved.Origins = "login.example.com", []string{"https://auth.example.com"}
	_, _, err = f.c.FinishLogin(moved, f.user, session, cred)
	wantCode(t, err, challenge.ErrWebAuthnRelyingPartyMismatch)
}

func TestWrongOrigin(t *testing.T) {
	f := newFixture(t)
	evil := f.vrp
	evil.Origin = "https://evil.example"

	session, cred := f.attest(evil)
	_, err := f.c.FinishRegistration(f.rp, f.user, session, cred)
	wantCode(t, err, challenge.ErrWebAuthnOriginNotAllowed)

	f.register()
	session, cred = f.assert(evil)
	_, _, err = f.c.FinishLogin(f.rp, f.user, session, cred)
	wantCode(t, err, challenge.ErrWebAuthnOriginNotAllowed)

	// A second allowed origin works; origins compare case-insensitively on host.
	f.rp.Origins = []string{"https://auth.example.com", "https://app.example.com"}
	other := f.vrp
	other.Origin = "https://APP.example.com"
	session, cred = f.assert(other)
	if _, _, err := f.c.FinishLogin(f.rp, f.user, session, cred); err != nil {
		t.Fatalf("second origin: %v", err)
	}
}

func TestExpiredCeremony(t *testing.T) {
	f := newFixture(t)

	session, cred := f.attest(f.vrp)
	f.clock.Advance(5*time.Minute + time.Nanosecond)
	_, err := f.c.FinishRegistration(f.rp, f.user, session, cred)
	wantCode(t, err, challenge.ErrWebAuthnChallengeNotFound)

	f.register()
	session, cred = f.assert(f.vrp)
	f.clock.Advance(5 * time.Minute) // exactly at the deadline: still valid
	id, n, err := f.c.FinishLogin(f.rp, f.user, session, cred)
	if err != nil {
		t.Fatalf("at the deadline: %v", err)
	}
	f.persist(id, n)
	session, cred = f.assert(f.vrp)
	f.clock.Advance(5*time.Minute + time.Nanosecond)
	_, _, err = f.c.FinishLogin(f.rp, f.user, session, cred)
	wantCode(t, err, challenge.ErrWebAuthnChallengeNotFound)

	// A shorter relying-party timeout.
	f.rp.Timeout = 30 * time.Second
	session, cred = f.assert(f.vrp)
	f.clock.Advance(31 * time.Second)
	_, _, err = f.c.FinishLogin(f.rp, f.user, session, cred)
	wantCode(t, err, challenge.ErrWebAuthnChallengeNotFound)
}

func TestTamperedSignature(t *testing.T) {
	f := newFixture(t)
	f.register()
	for _, field := range []string{"signature", "authenticatorData", "clientDataJSON"} {
		t.Run(field, func(t *testing.T) {
			session, cred := f.assert(f.vrp)
			cred = mutateJSON(t, cred, func(m map[string]any) {
				resp := m["response"].(map[string]any)
				raw, err := b64.DecodeString(resp[field].(string))
				if err != nil {
					t.Fatal(err)
				}
				switch field {
				case "clientDataJSON":
					raw = bytes.Replace(raw, []byte(`"type"`), []byte(`"other":1,"type"`), 1)
				case "authenticatorData":
					raw[len(raw)-1] ^= 0x80 // sign count
				default:
					raw[len(raw)-1] ^= 0x01
				}
				resp[field] = b64.EncodeToString(raw)
			})
			_, _, err := f.c.FinishLogin(f.rp, f.user, session, cred)
			wantCode(t, err, challenge.ErrNotAuthorized)
			if msg := challenge.MessageOf(err); msg != "Invalid passkey." {
				t.Errorf("message %q", msg)
			}
		})
	}
}

func TestMalformedJSON(t *testing.T) {
	f := newFixture(t)
	f.register()
	loginSession, _ := f.assert(f.vrp)
	regSession, _ := f.attest(f.vrp)
	cases := map[string][]byte{
		"empty":          nil,
		"truncated":      []byte(`{"id":`),
		"null":           []byte(`null`),
		"array":          []byte(`[]`),
		"no id":          []byte(`{"type":"public-key","response":{}}`),
		"bad base64":     []byte(`{"id":"!!","rawId":"!!","type":"public-key","response":{}}`),
		"wrong type":     []byte(`{"id":"AAAA","rawId":"AAAA","type":"password","response":{}}`),
		"id != rawId":    []byte(`{"id":"AAAA","rawId":"AAAB","type":"public-key","response":{}}`),
		"bad clientData": []byte(`{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","attestationObject":"oA"}}`),
		"too large":      append(append([]byte(`{"id":"`), bytes.Repeat([]byte("A"), MaxCredentialJSON)...), `"}`...),
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := f.c.FinishLogin(f.rp, f.user, loginSession, body)
			wantCode(t, err, challenge.ErrInvalidParameter)
			_, err = f.c.FinishRegistration(f.rp, f.user, regSession, body)
			wantCode(t, err, challenge.ErrInvalidParameter)
		})
	}
}

func TestCloneDetection(t *testing.T) {
	f := newFixture(t)
	f.register()
	f.vcred.Counter = 9
	session, cred := f.assert(f.vrp) // counter 10
	id, n, err := f.c.FinishLogin(f.rp, f.user, session, cred)
	if err != nil || n != 10 {
		t.Fatalf("%d, %v", n, err)
	}
	f.persist(id, n)

	for _, counter := range []uint32{4, 9} { // went back, stood still
		f.vcred.Counter = counter // assert adds one
		session, cred = f.assert(f.vrp)
		_, _, err = f.c.FinishLogin(f.rp, f.user, session, cred)
		wantCode(t, err, challenge.ErrNotAuthorized)
		if !strings.Contains(causeOf(err), "clone") {
			t.Errorf("cause %q does not mention the clone", causeOf(err))
		}
	}
}

func TestUnsupportedCredential(t *testing.T) {
	f := newFixture(t)
	t.Run("format", func(t *testing.T) {
		opts, session, err := f.c.BeginRegistration(f.rp, f.user)
		if err != nil {
			t.Fatal(err)
		}
		cred := noneAttestation(t, f.rp.ID, f.rp.Origins[0], opts, []byte("cred-fmt"), newES256Key(t), "x-homebrew")
		_, err = f.c.FinishRegistration(f.rp, f.user, session, cred)
		wantCode(t, err, challenge.ErrWebAuthnCredentialNotSupported)
	})
	t.Run("algorithm", func(t *testing.T) {
		opts, session, err := f.c.BeginRegistration(f.rp, f.user)
		if err != nil {
			t.Fatal(err)
		}
		cred := noneAttestation(t, f.rp.ID, f.rp.Origins[0], opts, []byte("cred-alg"), newEd25519Key(t), "none")
		_, err = f.c.FinishRegistration(f.rp, f.user, session, cred)
		wantCode(t, err, challenge.ErrWebAuthnCredentialNotSupported)
	})
}

func TestUserVerificationRequired(t *testing.T) {
	f := newFixture(t)
	f.rp.UserVerification = "required"
	f.auth.Options.UserNotVerified = true
	session, cred := f.attest(f.vrp)
	_, err := f.c.FinishRegistration(f.rp, f.user, session, cred)
	wantCode(t, err, challenge.ErrNotAuthorized)

	f.auth.Options.UserNotVerified = false
	f.register()
	f.auth.Options.UserNotVerified = true
	session, cred = f.assert(f.vrp)
	_, _, err = f.c.FinishLogin(f.rp, f.user, session, cred)
	wantCode(t, err, challenge.ErrNotAuthorized)

	// "preferred" accepts a sign-in without verification.
	f.rp.UserVerification = "preferred"
	session, cred = f.assert(f.vrp)
	if _, _, err := f.c.FinishLogin(f.rp, f.user, session, cred); err != nil {
		t.Fatal(err)
	}
}

func TestSessionChecks(t *testing.T) {
	f := newFixture(t)
	regSession, regCred := f.attest(f.vrp)
	f.register()
	loginSession, loginCred := f.assert(f.vrp)

	t.Run("kind", func(t *testing.T) {
		_, _, err := f.c.FinishLogin(f.rp, f.user, regSession, loginCred)
		wantCode(t, err, challenge.ErrWebAuthnChallengeNotFound)
		_, err = f.c.FinishRegistration(f.rp, f.user, loginSession, regCred)
		wantCode(t, err, challenge.ErrWebAuthnChallengeNotFound)
	})
	t.Run("garbage", func(t *testing.T) {
		for _, s := range [][]byte{nil, []byte("afwa"), []byte("not a session at all"), append(slices.Clone(loginSession[:sessionHeader]), 0xc1), append(slices.Clone(loginSession), 0)} {
			_, _, err := f.c.FinishLogin(f.rp, f.user, s, loginCred)
			wantCode(t, err, challenge.ErrWebAuthnChallengeNotFound)
		}
	})
	t.Run("too large", func(t *testing.T) {
		big := append(slices.Clone(loginSession), make([]byte, MaxSession)...)
		_, _, err := f.c.FinishLogin(f.rp, f.user, big, loginCred)
		wantCode(t, err, challenge.ErrWebAuthnChallengeNotFound)
	})
	t.Run("other user", func(t *testing.T) {
		bob := f.user
		bob.Handle = []byte("another-user")
		_, _, err := f.c.FinishLogin(f.rp, bob, loginSession, loginCred)
		wantCode(t, err, challenge.ErrNotAuthorized)
	})
	t.Run("unknown credential", func(t *testing.T) {
		stranger := f.user
		stranger.Credentials = []challenge.PasskeyCredential{{ID: []byte("someone else"), PublicKey: f.user.Credentials[0].PublicKey}}
		_, _, err := f.c.FinishLogin(f.rp, stranger, loginSession, loginCred)
		wantCode(t, err, challenge.ErrNotAuthorized)
	})
	t.Run("replayed registration", func(t *testing.T) {
		u := f.user
		u.Credentials = nil
		_, fresh, err := f.c.BeginRegistration(f.rp, u)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.c.FinishRegistration(f.rp, u, regSession, regCred); err != nil {
			t.Fatalf("original session: %v", err)
		}
		_, err = f.c.FinishRegistration(f.rp, u, fresh, regCred)
		wantCode(t, err, challenge.ErrNotAuthorized)
	})
	t.Run("already registered", func(t *testing.T) {
		session, cred := f.attest(f.vrp)
		_, err := f.c.FinishRegistration(f.rp, f.user, session, cred)
		wantCode(t, err, challenge.ErrInvalidParameter)
	})
}

func TestBeginErrors(t *testing.T) {
	f := newFixture(t)
	_, _, err := f.c.BeginLogin(f.rp, f.user)
	wantCode(t, err, challenge.ErrInvalidParameter)
	if msg := challenge.MessageOf(err); msg != "The user has no passkey." {
		t.Errorf("message %q", msg)
	}

	noHandle := f.user
	noHandle.Handle = nil
	_, _, err = f.c.BeginRegistration(f.rp, noHandle)
	wantCode(t, err, challenge.ErrInvalidParameter)
	noHandle.Handle = bytes.Repeat([]byte("h"), MaxUserHandle+1)
	_, _, err = f.c.BeginRegistration(f.rp, noHandle)
	wantCode(t, err, challenge.ErrInvalidParameter)

	bad := f.rp
	bad.ID = "https://auth.example.com"
	_, _, err = f.c.BeginRegistration(bad, f.user)
	wantCode(t, err, challenge.ErrInvalidUserPoolConfiguration)

	broken := New(Options{Now: f.clock.Now, Rand: io.LimitReader(bytes.NewReader(nil), 0)})
	_, _, err = broken.BeginRegistration(f.rp, f.user)
	wantCode(t, err, challenge.ErrInternalError)
}

func TestValidateRelyingParty(t *testing.T) {
	good := []challenge.RelyingParty{
		{ID: "example.com"},
		{ID: "auth.example.com", Name: "X", Origins: []string{"https://auth.example.com", "https://app.example.com:8443"}, UserVerification: "required"},
		{ID: "localhost", Origins: []string{"http://localhost:3000"}, UserVerification: "preferred", Timeout: time.Minute},
	}
	for _, rp := range good {
		if err := ValidateRelyingParty(rp); err != nil {
			t.Errorf("%+v: %v", rp, err)
		}
	}
	bad := []challenge.RelyingParty{
		{},
		{ID: "https://example.com"},
		{ID: "example.com:443"},
		{ID: "192.0.2.1"},
		{ID: "example.com", UserVerification: "discouraged"},
		{ID: "example.com", Timeout: -time.Second},
		{ID: "example.com", Timeout: time.Microsecond},
		{ID: "example.com", Timeout: MaxTimeout + 1},
		{ID: "example.com", Origins: []string{"example.com"}},
		{ID: "example.com", Origins: []string{"android:apk-key-hash:abc"}},
	}
	for _, rp := range bad {
		err := ValidateRelyingParty(rp)
		wantCode(t, err, challenge.ErrInvalidUserPoolConfiguration)
	}
}

// TestDeterministicChallenge checks that Options.Rand is the challenge source.
func TestDeterministicChallenge(t *testing.T) {
	f := newFixture(t)
	f.register()
	zeros := New(Options{Now: f.clock.Now, Rand: bytes.NewReader(make([]byte, 64))})
	opts, _, err := zeros.BeginLogin(f.rp, f.user)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(opts, []byte(`"challenge":"`+b64.EncodeToString(make([]byte, 32))+`"`)) {
		t.Fatalf("options %s", opts)
	}
}

// TestSessionSize keeps sessions small: 20 passkeys with 1023-byte ids still
// give a session far below MaxSession.
func TestSessionSize(t *testing.T) {
	f := newFixture(t)
	for i := range 20 {
		id := bytes.Repeat([]byte{byte(i)}, 1023)
		f.user.Credentials = append(f.user.Credentials, challenge.PasskeyCredential{ID: id})
	}
	_, session, err := f.c.BeginLogin(f.rp, f.user)
	if err != nil {
		t.Fatal(err)
	}
	_, reg, err := f.c.BeginRegistration(f.rp, f.user)
	if err != nil {
		t.Fatal(err)
	}
	if len(session) > 512 || len(reg) > 512 {
		t.Fatalf("session sizes %d (login), %d (registration)", len(session), len(reg))
	}
	t.Logf("session sizes: %d bytes (login), %d bytes (registration)", len(session), len(reg))
}

// TestMessagesAreSafe checks that no error message carries the challenge or
// other request data.
func TestMessagesAreSafe(t *testing.T) {
	f := newFixture(t)
	f.register()
	session, cred := f.assert(f.vrp)
	evil := mutateJSON(t, cred, func(m map[string]any) { m["response"].(map[string]any)["signature"] = "AAAA" })
	_, _, err := f.c.FinishLogin(f.rp, f.user, session, evil)
	wantCode(t, err, challenge.ErrNotAuthorized)
	s := err.Error()
	if s != "NotAuthorizedException: Invalid passkey." {
		t.Errorf("Error() = %q", s)
	}
}

func TestConcurrentUse(t *testing.T) {
	f := newFixture(t)
	f.register()
	type pair struct{ session, cred []byte }
	var pairs []pair
	for range 8 {
		s, c := f.assert(f.vrp)
		pairs = append(pairs, pair{s, c})
	}
	errs := make(chan error, len(pairs))
	for _, p := range pairs {
		go func() {
			_, _, err := f.c.FinishLogin(f.rp, f.user, p.session, p.cred)
			errs <- err
		}()
	}
	for range pairs {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// respondZero answers the login session's challenge with a counter of 0.
func (f *fixture) respondZero(session []byte) []byte {
	f.t.Helper()
	sd, err := f.c.decodeSession(kindLogin, session)
	if err != nil {
		f.t.Fatal(err)
	}
	opts, _ := json.Marshal(map[string]any{
		"challenge":        sd.Challenge,
		"rpId":             f.rp.ID,
		"allowCredentials": []map[string]any{{"type": "public-key", "id": b64.EncodeToString(f.vcred.ID)}},
	})
	parsed, err := virtualwebauthn.ParseAssertionOptions(string(opts))
	if err != nil {
		f.t.Fatal(err)
	}
	c := f.vcred
	c.Counter = 0
	return []byte(virtualwebauthn.CreateAssertionResponse(f.vrp, f.auth, c, *parsed))
}

func causeOf(err error) string {
	var e *challenge.Error
	if errors.As(err, &e) && e.Err != nil {
		return e.Err.Error()
	}
	return ""
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
