package totp_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/authflow/authflow/totp"
)

func FuzzValidate(f *testing.F) {
	at := time.Unix(1700000000, 0)
	good, _ := totp.DefaultConfig().Code(rfcSecret, at)
	for _, s := range [][2]string{
		{rfcSecret, good},
		{strings.ToLower(rfcSecret), good},
		{"nbswy3dpeb3w64tmmq======", "123456"},
		{rfcSecret, " " + good[1:]},
		{rfcSecret, "12345a"},
		{rfcSecret, "１２３４５６"},
		{"", ""},
		{"====", "000000"},
		{"\x00\xff", "\x00"},
		{strings.Repeat("A", 300), strings.Repeat("9", 30)},
	} {
		f.Add(s[0], s[1])
	}
	c := totp.DefaultConfig()
	f.Fuzz(func(t *testing.T, secret, code string) {
		step, ok, err := c.Validate(secret, code, at)
		if err != nil {
			if !errors.Is(err, totp.ErrInvalidSecret) || ok || step != 0 {
				t.Fatalf("Validate = %d, %v, %v", step, ok, err)
			}
			if _, nerr := totp.NormalizeSecret(secret); nerr == nil {
				t.Fatal("Validate refused a secret that NormalizeSecret accepts")
			}
			return
		}
		norm, nerr := totp.NormalizeSecret(secret)
		if nerr != nil {
			t.Fatalf("Validate accepted a secret that NormalizeSecret refuses: %v", nerr)
		}
		if again, _ := totp.NormalizeSecret(norm); again != norm {
			t.Fatalf("NormalizeSecret not idempotent: %q -> %q", norm, again)
		}
		if ok {
			if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
				t.Fatalf("accepted ill-formed code %q", code)
			}
			cur, _ := c.Step(at)
			if step+1 < cur || step > cur+1 {
				t.Fatalf("step %d outside the window around %d", step, cur)
			}
			if want, _ := c.Code(secret, time.Unix(int64(step)*30, 0)); want != code {
				t.Fatalf("step %d has code %q, not %q", step, want, code)
			}
		} else if step != 0 {
			t.Fatalf("refusal with step %d", step)
		}
		// Once-only validation never accepts more than plain validation.
		s2, ok2, err2 := c.ValidateOnce(secret, code, at, 0)
		if err2 != nil || ok2 != ok || s2 != step {
			t.Fatalf("ValidateOnce = %d, %v, %v; Validate = %d, %v", s2, ok2, err2, step, ok)
		}
		if ok {
			if _, again, _ := c.ValidateOnce(secret, code, at, step+1); again {
				t.Fatal("ValidateOnce accepted past lastStep")
			}
		}
		// The current code of any accepted secret validates.
		cur, err := c.Code(secret, at)
		if err != nil {
			t.Fatalf("Code: %v", err)
		}
		if _, ok, err := c.Validate(secret, cur, at); !ok || err != nil {
			t.Fatalf("own code refused: %v", err)
		}
	})
}
