package totp_test

import (
	"encoding/base32"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authflow/authflow/totp"
)

// rfcSecret is the RFC 6238 Appendix B SHA-1 seed, base32-encoded.
var rfcSecret = base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))

type rfcFile struct {
	Source        string `json:"source"`
	SeedASCII     string `json:"seed_ascii"`
	PeriodSeconds int    `json:"period_seconds"`
	Digits        int    `json:"digits"`
	Vectors       []struct {
		Unix int64  `json:"unix"`
		Step uint64 `json:"step"`
		Code string `json:"code"`
	} `json:"vectors"`
}

func TestRFC6238Vectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/rfc6238_sha1.json")
	if err != nil {
		t.Fatal(err)
	}
	var f rfcFile
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) != 6 {
		t.Fatalf("want 6 vectors, got %d", len(f.Vectors))
	}
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte(f.SeedASCII))
	c := totp.Config{Period: time.Duration(f.PeriodSeconds) * time.Second, Digits: f.Digits, Skew: 1}
	for _, v := range f.Vectors {
		at := time.Unix(v.Unix, 0).UTC()
		got, err := c.Code(secret, at)
		if err != nil || got != v.Code {
			t.Errorf("Code(T=%d) = %q, %v; want %q", v.Unix, got, err, v.Code)
		}
		step, ok, err := c.Validate(secret, v.Code, at)
		if err != nil || !ok || step != v.Step {
			t.Errorf("Validate(T=%d) = %d, %v, %v; want %d, true, nil", v.Unix, step, ok, err, v.Step)
		}
		if s, err := c.Step(at); err != nil || s != v.Step {
			t.Errorf("Step(T=%d) = %d, %v; want %d", v.Unix, s, err, v.Step)
		}
		// The same code, checked as a 6-digit code, is the wrong shape.
		if _, ok, err := totp.DefaultConfig().Validate(secret, v.Code, at); ok || err != nil {
			t.Errorf("8-digit code accepted by a 6-digit config at T=%d (err %v)", v.Unix, err)
		}
	}
}

func TestDefaultConfig(t *testing.T) {
	c := totp.DefaultConfig()
	if c.Period != 30*time.Second || c.Digits != 6 || c.Skew != 1 {
		t.Fatalf("DefaultConfig() = %+v", c)
	}
	// Zero Period and Digits take the defaults; zero Skew is kept.
	at := time.Unix(1700000000, 0)
	want, err := c.Code(rfcSecret, at)
	if err != nil {
		t.Fatal(err)
	}
	got, err := totp.Config{}.Code(rfcSecret, at)
	if err != nil || got != want || len(got) != 6 {
		t.Fatalf("zero Config code = %q, %v; want %q", got, err, want)
	}
	prev, _ := c.Code(rfcSecret, at.Add(-30*time.Second))
	if _, ok, _ := (totp.Config{}).Validate(rfcSecret, prev, at); ok {
		t.Error("zero Skew accepted the previous step")
	}
	if _, ok, _ := (totp.Config{}).Validate(rfcSecret, want, at); !ok {
		t.Error("zero Config refused the current step")
	}
}

func TestInvalidConfig(t *testing.T) {
	at := time.Unix(1700000000, 0)
	for _, c := range []totp.Config{
		{Period: -time.Second},
		{Period: 500 * time.Millisecond},
		{Period: 1500 * time.Millisecond},
		{Digits: 5},
		{Digits: 9},
		{Digits: -6},
		{Skew: totp.MaxSkew + 1},
		{Skew: ^uint(0)},
	} {
		if _, err := c.Code(rfcSecret, at); !errors.Is(err, totp.ErrInvalidConfig) {
			t.Errorf("%+v: Code err = %v", c, err)
		}
		if _, ok, err := c.Validate(rfcSecret, "123456", at); ok || !errors.Is(err, totp.ErrInvalidConfig) {
			t.Errorf("%+v: Validate = %v, %v", c, ok, err)
		}
		if _, err := c.Step(at); !errors.Is(err, totp.ErrInvalidConfig) {
			t.Errorf("%+v: Step err = %v", c, err)
		}
	}
	// The bounds themselves are fine.
	for _, c := range []totp.Config{{Digits: 7}, {Digits: 8}, {Skew: totp.MaxSkew}, {Period: time.Second}, {Period: time.Hour}} {
		if _, err := c.Code(rfcSecret, at); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
}

func TestWindow(t *testing.T) {
	c := totp.DefaultConfig()
	// Not aligned to a step boundary on purpose; the window is step based.
	at := time.Unix(1700000017, 0)
	cur, _ := c.Step(at)
	for _, tc := range []struct {
		offset time.Duration
		ok     bool
		step   uint64
	}{
		{0, true, cur},
		{30 * time.Second, true, cur + 1},
		{-30 * time.Second, true, cur - 1},
		{60 * time.Second, false, 0},
		{-60 * time.Second, false, 0},
		{90 * time.Second, false, 0},
	} {
		code, err := c.Code(rfcSecret, at.Add(tc.offset))
		if err != nil {
			t.Fatal(err)
		}
		step, ok, err := c.Validate(rfcSecret, code, at)
		if err != nil || ok != tc.ok || step != tc.step {
			t.Errorf("code from %v: Validate = %d, %v, %v; want %d, %v", tc.offset, step, ok, err, tc.step, tc.ok)
		}
	}
	// A wider window accepts ±60 s.
	wide := totp.Config{Skew: 2}
	for _, off := range []time.Duration{-60 * time.Second, 60 * time.Second} {
		code, _ := wide.Code(rfcSecret, at.Add(off))
		if _, ok, err := wide.Validate(rfcSecret, code, at); !ok || err != nil {
			t.Errorf("Skew 2 refused a code from %v (err %v)", off, err)
		}
	}
}

func TestValidateOnce(t *testing.T) {
	c := totp.DefaultConfig()
	at := time.Unix(1700000000, 0)
	code, _ := c.Code(rfcSecret, at)

	step, ok, err := c.ValidateOnce(rfcSecret, code, at, 0)
	if err != nil || !ok {
		t.Fatalf("first use refused: %v, %v", ok, err)
	}
	if want, _ := c.Step(at); step != want {
		t.Fatalf("step = %d, want %d", step, want)
	}
	// The same code again, even a few seconds later, is refused.
	for _, later := range []time.Duration{0, 5 * time.Second, 29 * time.Second, 31 * time.Second} {
		if _, ok, err := c.ValidateOnce(rfcSecret, code, at.Add(later), step); ok || err != nil {
			t.Errorf("replay after %v accepted (err %v)", later, err)
		}
	}
	// An older code, still inside the window, is refused too.
	older, _ := c.Code(rfcSecret, at.Add(-30*time.Second))
	if _, ok, _ := c.Validate(rfcSecret, older, at); !ok {
		t.Fatal("the older code should be inside the window")
	}
	if _, ok, err := c.ValidateOnce(rfcSecret, older, at, step); ok || err != nil {
		t.Errorf("older step accepted (err %v)", err)
	}
	// A newer code is accepted, inside the window and at its own time.
	newer, _ := c.Code(rfcSecret, at.Add(30*time.Second))
	if s, ok, err := c.ValidateOnce(rfcSecret, newer, at, step); !ok || err != nil || s != step+1 {
		t.Errorf("newer code at old time = %d, %v, %v; want %d", s, ok, err, step+1)
	}
	if s, ok, err := c.ValidateOnce(rfcSecret, newer, at.Add(30*time.Second), step); !ok || err != nil || s != step+1 {
		t.Errorf("newer code at its time = %d, %v, %v; want %d", s, ok, err, step+1)
	}
	// lastStep far in the future (clock went back): nothing is accepted.
	if _, ok, _ := c.ValidateOnce(rfcSecret, newer, at, step+10); ok {
		t.Error("accepted a step below lastStep")
	}
}

// Steps 57766335 and 57766336 of rfcSecret share the 6-digit code 251166
// (found by search), which shows which step wins when a code matches twice.
func TestCollidingSteps(t *testing.T) {
	const code = "251166"
	c := totp.DefaultConfig()
	const s0 = 57766335
	for _, s := range []uint64{s0, s0 + 1} {
		if got, _ := c.Code(rfcSecret, time.Unix(int64(s)*30, 0)); got != code {
			t.Fatalf("step %d code %s, want %s", s, got, code)
		}
	}
	at := time.Unix(s0*30+10, 0) // current step s0, s0+1 in the window
	if s, ok, _ := c.Validate(rfcSecret, code, at); !ok || s != s0 {
		t.Errorf("Validate = %d, %v; want the current step %d", s, ok, s0)
	}
	if s, ok, _ := c.ValidateOnce(rfcSecret, code, at, s0); !ok || s != s0+1 {
		t.Errorf("ValidateOnce past s0 = %d, %v; want %d", s, ok, s0+1)
	}
	if _, ok, _ := c.ValidateOnce(rfcSecret, code, at, s0+1); ok {
		t.Error("ValidateOnce accepted a code whose steps are both spent")
	}
	// Seen from step s0+1, the walk order is s0+1, s0+2, s0: the current wins.
	if s, ok, _ := c.Validate(rfcSecret, code, at.Add(30*time.Second)); !ok || s != s0+1 {
		t.Errorf("Validate one step later = %d, %v; want %d", s, ok, s0+1)
	}
}

func TestIllFormedCodes(t *testing.T) {
	c := totp.DefaultConfig()
	at := time.Unix(1700000000, 0)
	good, _ := c.Code(rfcSecret, at)
	for _, code := range []string{
		"",
		good[:5],
		good + "0",
		" " + good,
		good + " ",
		good + "\n",
		good[:3] + " " + good[3:],
		"+" + good[1:],
		"-" + good[1:],
		"12345a",
		"１２３４５６", // full-width digits
		"\x00\x00\x00\x00\x00\x00",
		strings.Repeat("1", 17),
		strings.Repeat("1", 1<<20),
	} {
		step, ok, err := c.Validate(rfcSecret, code, at)
		if ok || err != nil || step != 0 {
			t.Errorf("Validate(%q) = %d, %v, %v; want 0, false, nil", code, step, ok, err)
		}
		if _, ok, err := c.ValidateOnce(rfcSecret, code, at, 0); ok || err != nil {
			t.Errorf("ValidateOnce(%q) = %v, %v", code, ok, err)
		}
	}
	if _, ok, _ := c.Validate(rfcSecret, good, at); !ok {
		t.Fatal("the good code was refused")
	}
}

func TestSecretForms(t *testing.T) {
	c := totp.DefaultConfig()
	at := time.Unix(1700000000, 0)
	want, err := c.Code(rfcSecret, at)
	if err != nil {
		t.Fatal(err)
	}
	// A secret whose length needs padding: 20 bytes is 32 characters, so
	// use 11 bytes (18 characters, 6 '=').
	short := base32.StdEncoding.EncodeToString([]byte("hello world"))
	shortWant, _ := c.Code(strings.TrimRight(short, "="), at)
	for _, tc := range []struct{ secret, code string }{
		{strings.ToLower(rfcSecret), want},
		{"  " + rfcSecret + "\n", want},
		{rfcSecret[:7] + strings.ToLower(rfcSecret[7:]), want},
		{short, shortWant},
		{strings.ToLower(short), shortWant},
	} {
		got, err := c.Code(tc.secret, at)
		if err != nil || got != tc.code {
			t.Errorf("Code(%q) = %q, %v; want %q", tc.secret, got, err, tc.code)
		}
		if _, ok, err := c.Validate(tc.secret, tc.code, at); !ok || err != nil {
			t.Errorf("Validate with secret %q = %v, %v", tc.secret, ok, err)
		}
	}
}

func TestInvalidSecret(t *testing.T) {
	c := totp.DefaultConfig()
	at := time.Unix(1700000000, 0)
	for _, secret := range []string{
		"",
		"AAAAAAAAAAAAAAA",           // 15 characters: too short
		"GEZDGNBVGY3TQOJQGEZDGNBVG", // 25: no byte string has that length
		rfcSecret + "1",             // '1' is not base32
		rfcSecret[:16] + " " + rfcSecret[16:],
		rfcSecret[:16] + "=" + rfcSecret[16:],
		rfcSecret + "========",      // too much padding
		"NBSWY3DPEB3W64TMMQ=====",   // 18 data characters need 6 '='
		"NBSWY3DPEB3W64TMMQ=======", // and not 7
		"NBSWY3DPEB3W64TMMQ",        // (fine, checked below)
		"ÄBCDEFGHIJKLMNO",           // non-ASCII, 16 bytes
		strings.Repeat("A", totp.MaxSecretLen+1),
		strings.Repeat("A", 1<<20),
	} {
		if secret == "NBSWY3DPEB3W64TMMQ" {
			if _, err := totp.NormalizeSecret(secret); err != nil {
				t.Errorf("NormalizeSecret(%q): %v", secret, err)
			}
			continue
		}
		if _, err := totp.NormalizeSecret(secret); !errors.Is(err, totp.ErrInvalidSecret) {
			t.Errorf("NormalizeSecret(%.40q) err = %v", secret, err)
		}
		if _, err := c.Code(secret, at); !errors.Is(err, totp.ErrInvalidSecret) {
			t.Errorf("Code(%.40q) err = %v", secret, err)
		}
		step, ok, err := c.Validate(secret, "123456", at)
		if !errors.Is(err, totp.ErrInvalidSecret) || ok || step != 0 {
			t.Errorf("Validate(%.40q) = %d, %v, %v", secret, step, ok, err)
		}
		// The secret error wins over an ill-formed code.
		if _, _, err := c.ValidateOnce(secret, "x", at, 0); !errors.Is(err, totp.ErrInvalidSecret) {
			t.Errorf("ValidateOnce(%.40q) err = %v", secret, err)
		}
		if secret != "" && strings.Contains(err.Error(), secret) {
			t.Errorf("error message contains the secret")
		}
	}
	// The longest accepted input: 256 characters, here 256 data characters.
	if _, err := totp.NormalizeSecret(strings.Repeat("A", totp.MaxSecretLen)); err != nil {
		t.Errorf("256 characters refused: %v", err)
	}
}

func TestNormalizeSecret(t *testing.T) {
	for in, want := range map[string]string{
		rfcSecret:                     rfcSecret,
		strings.ToLower(rfcSecret):    rfcSecret,
		"nbswy3dpeb3w64tmmq======":    "NBSWY3DPEB3W64TMMQ",
		"\tNBSWY3DPEB3W64TMMQ====== ": "NBSWY3DPEB3W64TMMQ",
	} {
		got, err := totp.NormalizeSecret(in)
		if err != nil || got != want {
			t.Errorf("NormalizeSecret(%q) = %q, %v; want %q", in, got, err, want)
		}
		again, err := totp.NormalizeSecret(got)
		if err != nil || again != got {
			t.Errorf("NormalizeSecret is not idempotent on %q", got)
		}
	}
}

func TestTimeBeforeEpoch(t *testing.T) {
	c := totp.DefaultConfig()
	for _, at := range []time.Time{{}, time.Unix(-1, 0), time.Unix(0, -1)} {
		if _, err := c.Code(rfcSecret, at); !errors.Is(err, totp.ErrInvalidTime) {
			t.Errorf("Code(%v) err = %v", at, err)
		}
		if _, ok, err := c.Validate(rfcSecret, "123456", at); ok || !errors.Is(err, totp.ErrInvalidTime) {
			t.Errorf("Validate(%v) = %v, %v", at, ok, err)
		}
		if _, err := c.Step(at); !errors.Is(err, totp.ErrInvalidTime) {
			t.Errorf("Step(%v) err = %v", at, err)
		}
	}
	// Step 0 has no step before it; the window is simply shorter.
	at := time.Unix(10, 0)
	code, err := c.Code(rfcSecret, at)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok, err := c.Validate(rfcSecret, code, at); !ok || err != nil || s != 0 {
		t.Errorf("step 0: %d, %v, %v", s, ok, err)
	}
}

func TestConcurrentUse(t *testing.T) {
	c := totp.DefaultConfig()
	at := time.Unix(1700000000, 0)
	code, _ := c.Code(rfcSecret, at)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if _, ok, err := c.Validate(rfcSecret, code, at); !ok || err != nil {
					t.Error("concurrent Validate failed")
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkValidate(b *testing.B) {
	c := totp.DefaultConfig()
	at := time.Unix(1700000000, 0)
	// Worst case for an early-exit walk: the match is the last step visited
	// (-1). This implementation does the same work for every position.
	code, err := c.Code(rfcSecret, at.Add(-30*time.Second))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, _ := c.Validate(rfcSecret, code, at); !ok {
			b.Fatal("refused")
		}
	}
}

func BenchmarkValidateWrongCode(b *testing.B) {
	c := totp.DefaultConfig()
	at := time.Unix(1700000000, 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, _ := c.Validate(rfcSecret, "000000", at); ok {
			b.Fatal("accepted")
		}
	}
}
