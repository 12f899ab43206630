package srp_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/authflow/authflow/srp"
)

func FuzzParseHexInt(f *testing.F) {
	for _, s := range []string{"", "0", "00", "abc", "ABCdef", "0x1", "-1", " 1", "１", "ffffffffffffffffffff", "0000000001"} {
		f.Add(s, 4)
	}
	f.Add(strings.Repeat("f", 770), 385)
	f.Fuzz(func(t *testing.T, s string, maxBytes int) {
		maxBytes %= 400 // keeps the interesting inputs short enough to minimise quickly
		x, err := srp.ParseHexInt(s, maxBytes)
		if err != nil {
			if x != nil || !(errors.Is(err, srp.ErrMalformedHex) || errors.Is(err, srp.ErrTooLarge)) {
				t.Fatalf("ParseHexInt(%q, %d) = %v, %v", s, maxBytes, x, err)
			}
			if len(s) > 12 && strings.Contains(err.Error(), s) {
				t.Fatal("error echoes the input")
			}
			return
		}
		if len(s) == 0 || len(s) > 2*maxBytes || x.Sign() < 0 {
			t.Fatalf("ParseHexInt(%q, %d) accepted", s, maxBytes)
		}
		want := strings.TrimLeft(strings.ToLower(s), "0")
		if want == "" {
			want = "0"
		}
		if srp.HexInt(x) != want {
			t.Fatalf("ParseHexInt(%q) = %s", s, srp.HexInt(x))
		}
		// ParseSalt is ParseHexInt with MaxSaltBytes.
		if _, err := srp.ParseSalt(s); (err == nil) != (len(s) <= 2*srp.MaxSaltBytes) {
			t.Fatalf("ParseSalt(%q): %v", s, err)
		}
	})
}

func fuzzPublicValue(f *testing.F, parse func(string) (*big.Int, error), kind error) {
	for _, s := range []string{"", "0", "1", "2", "00", "xyz", "0x10", srp.HexInt(srp.N()), "00" + srp.HexInt(srp.N()),
		srp.HexInt(new(big.Int).Lsh(srp.N(), 1)), strings.Repeat("f", 770), strings.Repeat("f", 771)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x, err := parse(s)
		if err != nil {
			if x != nil || !errors.Is(err, kind) {
				t.Fatalf("parse(%.40q) = %v, %v", s, x, err)
			}
			return
		}
		if x.Sign() <= 0 || x.BitLen() > 8*srp.MaxPublicValueBytes || new(big.Int).Mod(x, srp.N()).Sign() == 0 {
			t.Fatalf("parse(%.40q) accepted %v", s, x)
		}
		if y, ok := new(big.Int).SetString(s, 16); !ok || y.Cmp(x) != 0 {
			t.Fatalf("parse(%.40q) = %v", s, x)
		}
	})
}

func FuzzParseA(f *testing.F) { fuzzPublicValue(f, srp.ParseA, srp.ErrInvalidA) }

func FuzzParseB(f *testing.F) { fuzzPublicValue(f, srp.ParseB, srp.ErrInvalidB) }

func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{
		"Tue Nov 3 09:05:07 UTC 2026", "Tue Nov 03 09:05:07 UTC 2026", "Sat Feb 14 23:59:59 UTC 2026",
		"Fri Jan 1 00:00:00 UTC 2027", "tue nov  3 9:05:07 UTC 2026", "Wed Nov 3 09:05:07 UTC 2026",
		"Tue Nov 3 09:05:07.123 UTC 2026", "Mon Jan 1 00:00:00 UTC 0000", "Fri Dec 31 23:59:59 UTC 9999",
		"Tue Nov 3 09:05:07 GMT 2026", "", "Mon Feb 29 00:00:00 UTC 2027",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := srp.ParseTimestamp(s)
		if err != nil {
			if !errors.Is(err, srp.ErrTimestampFormat) {
				t.Fatalf("ParseTimestamp(%q): %v", s, err)
			}
			return
		}
		canonical := srp.FormatTimestamp(ts)
		again, err := srp.ParseTimestamp(canonical)
		if err != nil {
			t.Fatalf("canonical %q of %q does not parse: %v", canonical, s, err)
		}
		if !again.Equal(ts) {
			t.Fatalf("%q -> %v -> %q -> %v", s, ts, canonical, again)
		}
		if srp.FormatTimestamp(again) != canonical {
			t.Fatalf("canonical form %q is not a fixed point", canonical)
		}
	})
}

func FuzzVerifySignature(f *testing.F) {
	key := []byte("0123456789abcdef")
	ts := "Tue Nov 3 09:05:07 UTC 2026"
	f.Add(key, "Pool", "user", []byte("secret"), ts, srp.Signature(key, "Pool", "user", []byte("secret"), ts))
	f.Add(key, "Pool", "user", []byte("secret"), "Tue Nov 03 09:05:07 UTC 2026", srp.Signature(key, "Pool", "user", []byte("secret"), ts))
	f.Add(key, "Pool", "user", []byte("secret"), ts, "not base64")
	f.Add([]byte{}, "", "", []byte{}, "", "")
	f.Add(key, "-AbCdEfGhI", "us-east-1_device", []byte{0, 1, 2}, "garbage", "AAAA")
	f.Fuzz(func(t *testing.T, key []byte, pool, user string, secret []byte, ts, sig string) {
		err := srp.VerifySignature(key, pool, user, secret, ts, sig)
		if err != nil {
			if !errors.Is(err, srp.ErrSignatureMismatch) && !errors.Is(err, srp.ErrTimestampFormat) && !errors.Is(err, srp.ErrInvalidArgument) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		// Accepted: sig must be the canonical encoding of the HMAC over the
		// canonical TIMESTAMP.
		parsed, perr := srp.ParseTimestamp(ts)
		if perr != nil || len(key) == 0 {
			t.Fatalf("accepted with bad timestamp or key")
		}
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(pool + user))
		mac.Write(secret)
		mac.Write([]byte(srp.FormatTimestamp(parsed)))
		if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); sig != want {
			t.Fatalf("accepted %q, want %q", sig, want)
		}
	})
}

func FuzzVerifySecretHash(f *testing.F) {
	f.Add("secret", "user", "client", "wvW87lzZoI+qQCVGmWVBJLlucdJ65huAVP1z+0MgA6E=")
	f.Add("secret", "user", "client", "wvW87lzZoI+qQCVGmWVBJLlucdJ65huAVP1z+0MgA6E")
	f.Add("", "user", "client", srp.SecretHash("", "user", "client"))
	f.Add("s", "", "", "")
	f.Fuzz(func(t *testing.T, secret, user, client, got string) {
		ok := srp.VerifySecretHash(secret, user, client, got)
		want := secret != "" && got == srp.SecretHash(secret, user, client)
		if ok != want {
			t.Fatalf("VerifySecretHash(%q, %q, %q, %q) = %v, want %v", secret, user, client, got, ok, want)
		}
		if ok && !bytes.Equal([]byte(got), []byte(srp.SecretHash(secret, user, client))) {
			t.Fatal("accepted a different hash")
		}
	})
}
