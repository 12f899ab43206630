package srp_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/authflow/authflow/srp"
)

func TestGroup(t *testing.T) {
	n := srp.N()
	if n.BitLen() != 3072 || !n.ProbablyPrime(0) {
		t.Fatalf("N is not a 3072-bit prime")
	}
	q := new(big.Int).Rsh(n, 1)
	if !q.ProbablyPrime(0) {
		t.Fatalf("N is not a safe prime")
	}
	if srp.G().Cmp(big.NewInt(2)) != 0 {
		t.Fatalf("g = %v, want 2", srp.G())
	}
	wantK := sha256.Sum256(append(append([]byte{0}, n.Bytes()...), 2))
	if srp.HexInt(srp.K()) != hex.EncodeToString(wantK[:]) {
		t.Fatalf("k = %s, want SHA256(00||N||02)", srp.HexInt(srp.K()))
	}
	// Callers get copies.
	srp.N().SetInt64(5)
	srp.G().SetInt64(5)
	srp.K().SetInt64(5)
	if srp.N().Cmp(n) != 0 || srp.G().Int64() != 2 || srp.HexInt(srp.K()) != hex.EncodeToString(wantK[:]) {
		t.Fatal("mutating a returned value changed the package's group")
	}
}

func TestPadHex(t *testing.T) {
	for _, tc := range []struct {
		x    *big.Int
		want string
	}{
		{nil, "00"},
		{big.NewInt(0), "00"},
		{big.NewInt(1), "01"},
		{big.NewInt(0x7f), "7f"},
		{big.NewInt(0x80), "0080"},
		{big.NewInt(0xff), "00ff"},
		{big.NewInt(0x100), "0100"},
		{big.NewInt(0xff00), "00ff00"},
		{big.NewInt(-1), "ff"},
		{big.NewInt(-128), "80"},
		{big.NewInt(-129), "ff7f"},
		{big.NewInt(-256), "ff00"},
		{big.NewInt(-0x8000), "8000"},
	} {
		if got := hex.EncodeToString(srp.PadHex(tc.x)); got != tc.want {
			t.Errorf("PadHex(%v) = %s, want %s", tc.x, got, tc.want)
		}
	}
	// The result is a fresh slice: changing it changes nothing else.
	x := big.NewInt(0x1234)
	p := srp.PadHex(x)
	p[0] = 0xff
	if x.Int64() != 0x1234 {
		t.Fatal("PadHex aliased its argument")
	}
}

func TestHexInt(t *testing.T) {
	for x, want := range map[int64]string{0: "0", 1: "1", 255: "ff", 256: "100", -255: "-ff"} {
		if got := srp.HexInt(big.NewInt(x)); got != want {
			t.Errorf("HexInt(%d) = %q, want %q", x, got, want)
		}
	}
	if srp.HexInt(nil) != "0" {
		t.Error("HexInt(nil) != 0")
	}
}

func TestParseHexInt(t *testing.T) {
	ok := []struct {
		s    string
		max  int
		want string
	}{
		{"0", 1, "0"},
		{"00", 1, "0"},
		{"abc", 2, "abc"},
		{"ABCdef", 3, "abcdef"},
		{"0001", 2, "1"},
		{"fff", 2, "fff"},
	}
	for _, tc := range ok {
		x, err := srp.ParseHexInt(tc.s, tc.max)
		if err != nil || srp.HexInt(x) != tc.want {
			t.Errorf("ParseHexInt(%q, %d) = %v, %v; want %s", tc.s, tc.max, x, err, tc.want)
		}
	}
	bad := []struct {
		s    string
		max  int
		want error
	}{
		{"", 4, srp.ErrMalformedHex},
		{"0x12", 4, srp.ErrMalformedHex},
		{"-1", 4, srp.ErrMalformedHex},
		{"+1", 4, srp.ErrMalformedHex},
		{" 1", 4, srp.ErrMalformedHex},
		{"1 ", 4, srp.ErrMalformedHex},
		{"1_0", 4, srp.ErrMalformedHex},
		{"g", 4, srp.ErrMalformedHex},
		{"１", 4, srp.ErrMalformedHex}, // full-width digit
		{"\x00", 4, srp.ErrMalformedHex},
		{"00001", 2, srp.ErrTooLarge},
		{"1", 0, srp.ErrTooLarge},
		{"1", -1, srp.ErrTooLarge},
		{strings.Repeat("z", 100), 2, srp.ErrTooLarge}, // length is checked first
	}
	for _, tc := range bad {
		x, err := srp.ParseHexInt(tc.s, tc.max)
		if x != nil || !errors.Is(err, tc.want) {
			t.Errorf("ParseHexInt(%q, %d) = %v, %v; want %v", tc.s, tc.max, x, err, tc.want)
		}
	}
}

func TestParseA(t *testing.T) {
	n := srp.N()
	twoN := new(big.Int).Lsh(n, 1)
	max385 := strings.Repeat("f", 2*srp.MaxPublicValueBytes)
	for _, tc := range []struct {
		name string
		s    string
		errs []error
	}{
		{"zero", "0", []error{srp.ErrInvalidA}},
		{"zeros", "0000", []error{srp.ErrInvalidA}},
		{"N", srp.HexInt(n), []error{srp.ErrInvalidA}},
		{"one", "1", []error{srp.ErrInvalidA}},
		{"N-1", srp.HexInt(new(big.Int).Sub(n, big.NewInt(1))), []error{srp.ErrInvalidA}},
		{"N+1", srp.HexInt(new(big.Int).Add(n, big.NewInt(1))), []error{srp.ErrInvalidA}},
		{"N upper-case", strings.ToUpper(srp.HexInt(n)), []error{srp.ErrInvalidA}},
		{"00N", "00" + srp.HexInt(n), []error{srp.ErrInvalidA}},
		{"2N", srp.HexInt(twoN), []error{srp.ErrInvalidA}},
		{"oversized", "1" + max385, []error{srp.ErrInvalidA, srp.ErrTooLarge}},
		{"huge", strings.Repeat("a", 1<<20), []error{srp.ErrInvalidA, srp.ErrTooLarge}},
		{"non-hex", "xyz", []error{srp.ErrInvalidA, srp.ErrMalformedHex}},
		{"0x prefix", "0x1234", []error{srp.ErrInvalidA, srp.ErrMalformedHex}},
		{"negative", "-1234", []error{srp.ErrInvalidA, srp.ErrMalformedHex}},
		{"space", "12 34", []error{srp.ErrInvalidA, srp.ErrMalformedHex}},
		{"empty", "", []error{srp.ErrInvalidA, srp.ErrMalformedHex}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			A, err := srp.ParseA(tc.s)
			if A != nil {
				t.Errorf("got A = %v", A)
			}
			wantErr(t, err, tc.errs...)
			if len(tc.s) > 8 && strings.Contains(err.Error(), tc.s) {
				t.Errorf("error echoes the input")
			}
		})
	}
	for _, s := range []string{"2", "ABC", "0abc", srp.HexInt(new(big.Int).Add(n, big.NewInt(2))), srp.HexInt(new(big.Int).Sub(n, big.NewInt(2))), max385} {
		A, err := srp.ParseA(s)
		if err != nil {
			t.Errorf("ParseA(%.20q…) refused: %v", s, err)
			continue
		}
		if want, _ := new(big.Int).SetString(s, 16); A.Cmp(want) != 0 {
			t.Errorf("ParseA(%.20q…) = %v", s, A)
		}
	}
}

// TestAttackSRPADegenerate: A ≡ 0, 1 or -1 (mod N) fixes the server's
// S to a value a client can predict without the password (S = 1 or ±1
// whatever b is, for A ≡ ±1 and u·x even/odd), so it is refused like 0.
func TestAttackSRPADegenerate(t *testing.T) {
	n := srp.N()
	one := big.NewInt(1)
	v := srp.ComputeVerifier(big.NewInt(77), "Pool", "user", "pw")
	for name, A := range map[string]*big.Int{
		"0":      new(big.Int),
		"1":      big.NewInt(1),
		"N-1":    new(big.Int).Sub(n, one),
		"N":      new(big.Int).Set(n),
		"N+1":    new(big.Int).Add(n, one),
		"2N-1":   new(big.Int).Sub(new(big.Int).Lsh(n, 1), one),
		"2N+1":   new(big.Int).Add(new(big.Int).Lsh(n, 1), one),
		"2N":     new(big.Int).Lsh(n, 1),
		"3N-1":   new(big.Int).Sub(new(big.Int).Mul(n, big.NewInt(3)), one),
		"000001": big.NewInt(1),
	} {
		if _, err := srp.ParseA(srp.HexInt(A)); !errors.Is(err, srp.ErrInvalidA) {
			t.Errorf("ParseA(%s) = %v, want ErrInvalidA", name, err)
		}
		if _, _, err := srp.ServerHandshake(seededReader(1), A, v); !errors.Is(err, srp.ErrInvalidA) {
			t.Errorf("ServerHandshake(A=%s) = %v, want ErrInvalidA", name, err)
		}
	}
}

func TestServerHandshakeInputs(t *testing.T) {
	v := srp.ComputeVerifier(big.NewInt(77), "Pool", "user", "pw")
	A := big.NewInt(12345)
	n := srp.N()
	for _, tc := range []struct {
		name string
		r    io.Reader
		A, v *big.Int
		want error
	}{
		{"nil A", seededReader(1), nil, v, srp.ErrInvalidA},
		{"A=N", seededReader(1), n, v, srp.ErrInvalidA},
		{"A=0", seededReader(1), new(big.Int), v, srp.ErrInvalidA},
		{"A<0", seededReader(1), big.NewInt(-5), v, srp.ErrInvalidA},
		{"A too large", seededReader(1), new(big.Int).Lsh(big.NewInt(1), 8*srp.MaxPublicValueBytes), v, srp.ErrInvalidA},
		{"nil v", seededReader(1), A, nil, srp.ErrInvalidVerifier},
		{"v=0", seededReader(1), A, new(big.Int), srp.ErrInvalidVerifier},
		{"v=N", seededReader(1), A, n, srp.ErrInvalidVerifier},
		{"v<0", seededReader(1), A, big.NewInt(-1), srp.ErrInvalidVerifier},
		{"nil reader", nil, A, v, srp.ErrInvalidArgument},
		{"broken reader", errReader{}, A, v, errBroken},
		{"short reader", bytes.NewReader(make([]byte, 31)), A, v, io.ErrUnexpectedEOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			B, key, err := srp.ServerHandshake(tc.r, tc.A, tc.v)
			if B != nil || key != nil {
				t.Error("values returned with an error")
			}
			wantErr(t, err, tc.want)
		})
	}
	for _, b := range []*big.Int{nil, new(big.Int), big.NewInt(-3)} {
		_, _, err := srp.ServerHandshakeWithB(b, A, v)
		wantErr(t, err, srp.ErrInvalidArgument)
	}
}

// TestServerHandshakeSecret checks how ServerHandshake derives b: 32 bytes
// from the reader with the top bit forced.
func TestServerHandshakeSecret(t *testing.T) {
	v := srp.ComputeVerifier(big.NewInt(77), "Pool", "user", "pw")
	A := big.NewInt(12345)
	raw := bytes.Repeat([]byte{0x01}, 32) // top bit clear
	B1, key1, err := srp.ServerHandshake(bytes.NewReader(raw), A, v)
	mustOK(t, err, "ServerHandshake")
	b := new(big.Int).SetBytes(raw)
	b.SetBit(b, 255, 1)
	B2, key2, err := srp.ServerHandshakeWithB(b, A, v)
	mustOK(t, err, "ServerHandshakeWithB")
	if B1.Cmp(B2) != 0 || !bytes.Equal(key1, key2) {
		t.Fatal("ServerHandshake does not use b = 32 bytes with the top bit set")
	}
}

func TestClientInputs(t *testing.T) {
	// NewClient: a = 128 bytes as an integer.
	raw := bytes.Repeat([]byte{0x5a}, 128)
	c, err := srp.NewClient(bytes.NewReader(raw))
	mustOK(t, err, "NewClient")
	c2, err := srp.NewClientWithSecret(new(big.Int).SetBytes(raw))
	mustOK(t, err, "NewClientWithSecret")
	if c.A().Cmp(c2.A()) != 0 {
		t.Fatal("NewClient does not use the 128 bytes as a")
	}
	c.A().SetInt64(1) // a copy
	if c.A().Cmp(c2.A()) != 0 {
		t.Fatal("A() returned internal state")
	}
	_, err = srp.NewClient(bytes.NewReader(make([]byte, 128)))
	wantErr(t, err, srp.ErrInvalidArgument)
	_, err = srp.NewClient(bytes.NewReader(make([]byte, 100)))
	wantErr(t, err, io.ErrUnexpectedEOF)
	_, err = srp.NewClient(nil)
	wantErr(t, err, srp.ErrInvalidArgument)
	for _, a := range []*big.Int{nil, new(big.Int), big.NewInt(-1)} {
		_, err := srp.NewClientWithSecret(a)
		wantErr(t, err, srp.ErrInvalidArgument)
	}

	// Zero and nil clients do not panic.
	var zero srp.Client
	if zero.A() != nil {
		t.Error("zero Client has an A")
	}
	_, err = zero.SessionKey("p", "u", "pw", big.NewInt(1), big.NewInt(2))
	wantErr(t, err, srp.ErrInvalidArgument)
	var nilClient *srp.Client
	if nilClient.A() != nil {
		t.Error("nil Client has an A")
	}
	_, err = nilClient.DeviceSessionKey("g", "d", "pw", big.NewInt(1), big.NewInt(2))
	wantErr(t, err, srp.ErrInvalidArgument)
	for _, v := range []any{zero, &zero, nilClient} {
		if out := fmt.Sprintf("%v %+v %#v %d", v, v, v, v); strings.Contains(out, "PANIC") {
			t.Errorf("formatting %T panicked: %s", v, out)
		}
	}

	// Bad salts.
	for _, s := range []*big.Int{nil, big.NewInt(-1)} {
		_, err := c.SessionKey("p", "u", "pw", s, big.NewInt(2))
		wantErr(t, err, srp.ErrInvalidArgument)
	}
}

func TestClientRefusesBadB(t *testing.T) {
	c, err := srp.NewClient(seededReader(9))
	mustOK(t, err, "NewClient")
	n := srp.N()
	for name, B := range map[string]*big.Int{
		"nil":       nil,
		"zero":      new(big.Int),
		"N":         n,
		"2N":        new(big.Int).Lsh(n, 1),
		"negative":  big.NewInt(-2),
		"oversized": new(big.Int).Lsh(big.NewInt(1), 8*srp.MaxPublicValueBytes),
	} {
		key, err := c.SessionKey("Pool", "user", "pw", big.NewInt(1), B)
		if key != nil {
			t.Errorf("%s: key returned", name)
		}
		wantErr(t, err, srp.ErrInvalidB)
	}
	for _, s := range []string{"0", srp.HexInt(n), srp.HexInt(new(big.Int).Lsh(n, 1)), "", "zz", strings.Repeat("1", 771)} {
		B, err := srp.ParseB(s)
		if B != nil {
			t.Errorf("ParseB(%.20q) = %v", s, B)
		}
		wantErr(t, err, srp.ErrInvalidB)
	}
	// B = k*v (mod N) makes the client's base zero: refused rather than
	// deriving a key from S = 0.
	salt := big.NewInt(1)
	v := srp.ComputeVerifier(salt, "Pool", "user", "pw")
	kv := new(big.Int).Mul(srp.K(), v)
	kv.Mod(kv, n)
	_, err = c.SessionKey("Pool", "user", "pw", salt, kv)
	wantErr(t, err, srp.ErrInvalidB)
}

func TestParseSalt(t *testing.T) {
	s, err := srp.ParseSalt("000cf28f1d8d4c753f3d5acc00e0dd72")
	mustOK(t, err, "ParseSalt")
	if got := hex.EncodeToString(srp.PadHex(s)); got != "0cf28f1d8d4c753f3d5acc00e0dd72" {
		t.Errorf("padHex(salt) = %s", got)
	}
	_, err = srp.ParseSalt(strings.Repeat("ab", srp.MaxSaltBytes+1))
	wantErr(t, err, srp.ErrTooLarge)
	_, err = srp.ParseSalt("")
	wantErr(t, err, srp.ErrMalformedHex)
}

func TestPoolName(t *testing.T) {
	for in, want := range map[string]string{
		"us-east-1_AbC":    "AbC",
		"eu-central-1_x_y": "x_y",
		"NoUnderscore":     "NoUnderscore",
		"_lead":            "lead",
		"trail_":           "",
		"":                 "",
	} {
		if got := srp.PoolName(in); got != want {
			t.Errorf("PoolName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSaltsAndVerifiers(t *testing.T) {
	_, err := srp.GenerateSalt(errReader{})
	wantErr(t, err, errBroken)
	_, err = srp.GenerateSalt(nil)
	wantErr(t, err, srp.ErrInvalidArgument)
	_, _, err = srp.NewPasswordVerifier(bytes.NewReader(nil), "p", "u", "pw")
	wantErr(t, err, io.EOF)
	_, _, _, err = srp.NewDeviceSecret(bytes.NewReader(make([]byte, 45)), "g", "d")
	wantErr(t, err, io.ErrUnexpectedEOF)

	// An all-zero salt is the single byte 00 and still round-trips.
	salt, err := srp.GenerateSalt(bytes.NewReader(make([]byte, 16)))
	mustOK(t, err, "GenerateSalt")
	equalBytes(t, "zero salt", salt, []byte{0})

	// Many random salts are canonical.
	r := seededReader(3)
	for range 200 {
		salt, err := srp.GenerateSalt(r)
		mustOK(t, err, "GenerateSalt")
		if len(salt) < 1 || len(salt) > 17 {
			t.Fatalf("salt of %d bytes", len(salt))
		}
		equalBytes(t, "canonical", srp.PadHex(new(big.Int).SetBytes(salt)), salt)
	}

	// CheckPassword reads the verifier as an integer (sign byte optional).
	salt, verifier, err := srp.NewPasswordVerifier(&prefixReader{r: r}, "Pool", "user", "pw")
	mustOK(t, err, "NewPasswordVerifier")
	trimmed := bytes.TrimLeft(verifier, "\x00")
	for _, v := range [][]byte{verifier, trimmed, append([]byte{0, 0}, trimmed...)} {
		if !srp.CheckPassword(salt, v, "Pool", "user", "pw") {
			t.Errorf("CheckPassword refused verifier %x…", v[:4])
		}
	}
	for _, v := range [][]byte{nil, {0}, verifier[:len(verifier)-1]} {
		if srp.CheckPassword(salt, v, "Pool", "user", "pw") {
			t.Errorf("CheckPassword accepted verifier %x", v)
		}
	}
	if srp.CheckPassword(salt, verifier, "Pool", "user", "PW") {
		t.Error("CheckPassword is case-insensitive")
	}
}

// claimFixture is a server key and a claim over TIMESTAMPs of our choice.
type claimFixture struct {
	key    []byte
	pool   string
	user   string
	secret []byte
}

func newClaimFixture(t *testing.T) claimFixture {
	t.Helper()
	r := seededReader(11)
	salt, verifier, err := srp.NewPasswordVerifier(r, "Pool", "user", "pw")
	mustOK(t, err, "NewPasswordVerifier")
	c, err := srp.NewClient(r)
	mustOK(t, err, "NewClient")
	B, serverKey, err := srp.ServerHandshake(r, c.A(), new(big.Int).SetBytes(verifier))
	mustOK(t, err, "ServerHandshake")
	key, err := c.SessionKey("Pool", "user", "pw", new(big.Int).SetBytes(salt), B)
	mustOK(t, err, "SessionKey")
	equalBytes(t, "keys", key, serverKey)
	return claimFixture{key: key, pool: "Pool", user: "user", secret: []byte("opaque secret block")}
}

func (f claimFixture) sign(ts string) string {
	return srp.Signature(f.key, f.pool, f.user, f.secret, ts)
}

func (f claimFixture) verify(ts, sig string) error {
	return srp.VerifySignature(f.key, f.pool, f.user, f.secret, ts, sig)
}

func TestTimestampStrictness(t *testing.T) {
	f := newClaimFixture(t)
	for _, tc := range []struct {
		name string
		ts   string // what the client sends and signs
		want error  // nil = accepted
	}{
		{"canonical", "Tue Nov 3 09:05:07 UTC 2026", nil},
		{"canonical two-digit day", "Sat Feb 14 23:59:59 UTC 2026", nil},
		{"midnight", "Fri Jan 1 00:00:00 UTC 2027", nil},
		// cognito-srp (Go) sends 12-hour strings without AM/PM; they are
		// self-consistent, so only a clock-skew check could refuse them.
		{"12-hour without AM/PM", "Sat Feb 14 11:59:59 UTC 2026", nil},
		{"zero-padded day", "Tue Nov 03 09:05:07 UTC 2026", srp.ErrSignatureMismatch},
		{"unpadded hour", "Tue Nov 3 9:05:07 UTC 2026", srp.ErrSignatureMismatch},
		{"lower-case names", "tue nov 3 09:05:07 UTC 2026", srp.ErrSignatureMismatch},
		{"upper-case names", "TUE NOV 3 09:05:07 UTC 2026", srp.ErrSignatureMismatch},
		{"double space", "Tue Nov  3 09:05:07 UTC 2026", srp.ErrSignatureMismatch},
		{"wrong weekday", "Wed Nov 3 09:05:07 UTC 2026", srp.ErrSignatureMismatch},
		{"12-hour with PM", "Tue Nov 3 09:05:07 PM UTC 2026", srp.ErrTimestampFormat},
		{"lower-case zone", "Tue Nov 3 09:05:07 utc 2026", srp.ErrTimestampFormat},
		{"GMT", "Tue Nov 3 09:05:07 GMT 2026", srp.ErrTimestampFormat},
		{"offset", "Tue Nov 3 09:05:07 +0000 2026", srp.ErrTimestampFormat},
		{"fractional seconds", "Tue Nov 3 09:05:07.5 UTC 2026", srp.ErrTimestampFormat},
		{"full names", "Tuesday November 3 09:05:07 UTC 2026", srp.ErrTimestampFormat},
		{"ISO 8601", "2026-11-03T09:05:07Z", srp.ErrTimestampFormat},
		{"Feb 30", "Mon Feb 30 09:05:07 UTC 2026", srp.ErrTimestampFormat},
		{"hour 24", "Tue Nov 3 24:05:07 UTC 2026", srp.ErrTimestampFormat},
		{"leap second", "Tue Nov 3 23:59:60 UTC 2026", srp.ErrTimestampFormat},
		{"two-digit year", "Tue Nov 3 09:05:07 UTC 26", srp.ErrTimestampFormat},
		{"leading space", " Tue Nov 3 09:05:07 UTC 2026", srp.ErrTimestampFormat},
		{"trailing space", "Tue Nov 3 09:05:07 UTC 2026 ", srp.ErrTimestampFormat},
		{"empty", "", srp.ErrTimestampFormat},
		{"too long", "Tue Nov 3 09:05:07 UTC 2026" + strings.Repeat(" ", 40), srp.ErrTimestampFormat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := f.verify(tc.ts, f.sign(tc.ts))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantErr(t, err, tc.want)
			if tc.want == srp.ErrTimestampFormat {
				if _, perr := srp.ParseTimestamp(tc.ts); !errors.Is(perr, srp.ErrTimestampFormat) {
					t.Errorf("ParseTimestamp accepted %q", tc.ts)
				}
			}
		})
	}

	// A client that sends a non-canonical TIMESTAMP but signs the canonical
	// one is accepted: the server compares over the canonical string.
	if err := f.verify("Tue Nov 03 09:05:07 UTC 2026", f.sign("Tue Nov 3 09:05:07 UTC 2026")); err != nil {
		t.Errorf("canonical signature over a zero-padded TIMESTAMP refused: %v", err)
	}
}

func TestVerifySignatureInputs(t *testing.T) {
	f := newClaimFixture(t)
	ts := "Tue Nov 3 09:05:07 UTC 2026"
	good := f.sign(ts)
	raw, _ := base64.StdEncoding.DecodeString(good)
	// The same 32 bytes with non-zero (ignored) padding bits in the last digit.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	loose := good[:42] + string(alphabet[strings.IndexByte(alphabet, good[42])^1]) + "="
	for name, sig := range map[string]string{
		"empty":           "",
		"padding bits":    loose,
		"not base64":      "!!!!",
		"unpadded":        strings.TrimRight(good, "="),
		"url alphabet":    base64.URLEncoding.EncodeToString(append([]byte{0xfb, 0xff}, raw[2:]...)),
		"truncated":       base64.StdEncoding.EncodeToString(raw[:31]),
		"extended":        base64.StdEncoding.EncodeToString(append(raw, 0)),
		"too long":        strings.Repeat("A", 4096),
		"other user":      srp.Signature(f.key, f.pool, "user2", f.secret, ts),
		"other secret":    srp.Signature(f.key, f.pool, f.user, []byte("other"), ts),
		"other pool":      srp.Signature(f.key, "Pool2", f.user, f.secret, ts),
		"flipped bit":     base64.StdEncoding.EncodeToString(append([]byte{raw[0] ^ 1}, raw[1:]...)),
		"with whitespace": good[:10] + "\n" + good[10:],
	} {
		err := f.verify(ts, sig)
		if !errors.Is(err, srp.ErrSignatureMismatch) {
			t.Errorf("%s: got %v, want ErrSignatureMismatch", name, err)
		} else if strings.Contains(err.Error(), good) || (len(sig) > 8 && strings.Contains(err.Error(), sig)) {
			t.Errorf("%s: error message contains a signature", name)
		}
	}
	// Cognito's message has no separators, so moving the boundary between
	// pool name and user id gives the same signature. This is inherent to the
	// format; the server must take both from its own state, never from the
	// client. The same holds for SECRET_HASH (username || clientID).
	if err := f.verify(ts, srp.Signature(f.key, "Poo", "luser", f.secret, ts)); err != nil {
		t.Errorf("boundary shift: %v (Cognito's format cannot tell these apart)", err)
	}
	// An unparseable TIMESTAMP is reported before the signature is looked at.
	wantErr(t, f.verify("yesterday", "!!!"), srp.ErrTimestampFormat)
	wantErr(t, srp.VerifySignature(nil, "p", "u", nil, ts, good), srp.ErrInvalidArgument)
	if err := f.verify(ts, good); err != nil {
		t.Fatalf("good signature refused: %v", err)
	}
	// Errors never contain the key.
	err := f.verify(ts, srp.Signature([]byte("other key 123456"), f.pool, f.user, f.secret, ts))
	for _, secret := range []string{hex.EncodeToString(f.key), base64.StdEncoding.EncodeToString(f.key), string(f.key)} {
		if strings.Contains(err.Error(), secret) {
			t.Error("error contains the key")
		}
	}
}

func TestFormatTimestamp(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 11, 3, 9, 5, 7, 0, time.UTC), "Tue Nov 3 09:05:07 UTC 2026"},
		{time.Date(2026, 11, 3, 9, 5, 7, 999_999_999, time.UTC), "Tue Nov 3 09:05:07 UTC 2026"},
		{time.Date(2027, 1, 1, 1, 0, 0, 0, paris), "Fri Jan 1 00:00:00 UTC 2027"},
		{time.Date(2026, 2, 14, 23, 59, 59, 0, time.UTC), "Sat Feb 14 23:59:59 UTC 2026"},
		{time.Date(2028, 2, 29, 13, 1, 2, 0, time.UTC), "Tue Feb 29 13:01:02 UTC 2028"},
		{time.Date(999, 3, 4, 5, 6, 7, 0, time.UTC), "Mon Mar 4 05:06:07 UTC 0999"},
	} {
		if got := srp.FormatTimestamp(tc.t); got != tc.want {
			t.Errorf("FormatTimestamp(%v) = %q, want %q", tc.t, got, tc.want)
		}
		back, err := srp.ParseTimestamp(tc.want)
		mustOK(t, err, "ParseTimestamp")
		if !back.Equal(tc.t.Truncate(time.Second)) || back.Location() != time.UTC {
			t.Errorf("ParseTimestamp(%q) = %v", tc.want, back)
		}
	}
}

func TestSecretHash(t *testing.T) {
	mac := hmac.New(sha256.New, []byte("secret"))
	mac.Write([]byte("userclient"))
	inline := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	const fixed = "wvW87lzZoI+qQCVGmWVBJLlucdJ65huAVP1z+0MgA6E=" // computed once with Python's hmac module
	got := srp.SecretHash("secret", "user", "client")
	if got != inline || got != fixed {
		t.Fatalf("SecretHash = %q, inline HMAC %q, fixed %q", got, inline, fixed)
	}
	if !srp.VerifySecretHash("secret", "user", "client", fixed) {
		t.Error("VerifySecretHash refused the right hash")
	}
	for name, tc := range map[string][4]string{
		"wrong secret":      {"secreT", "user", "client", fixed},
		"swapped":           {"secret", "client", "user", fixed},
		"unpadded":          {"secret", "user", "client", strings.TrimRight(fixed, "=")},
		"empty":             {"secret", "user", "client", ""},
		"empty secret":      {"", "user", "client", srp.SecretHash("", "user", "client")},
		"flipped character": {"secret", "user", "client", "x" + fixed[1:]},
	} {
		if srp.VerifySecretHash(tc[0], tc[1], tc[2], tc[3]) {
			t.Errorf("%s: VerifySecretHash accepted", name)
		}
	}
}

func TestClientFormattingHidesSecret(t *testing.T) {
	a := new(big.Int).SetBytes(bytes.Repeat([]byte{0xab, 0xcd}, 64))
	c, err := srp.NewClientWithSecret(a)
	mustOK(t, err, "NewClientWithSecret")
	secrets := []string{a.Text(16)[:16], a.Text(10)[:16], fmt.Sprint(a.Bits()[0])}
	out := fmt.Sprintf("%v %+v %#v %s %d %x %q %v %+v %#v %d", c, c, c, c, c, c, c, *c, *c, *c, []*srp.Client{c})
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Fatalf("formatted Client reveals a: %s", out)
		}
	}
	if !strings.Contains(out, srp.HexInt(c.A())[:16]) {
		t.Errorf("formatted Client does not show A: %s", out)
	}
}
