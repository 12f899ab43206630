package totp_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/pquerna/otp"

	"github.com/authflow/authflow/totp"
)

func TestURIRoundTrip(t *testing.T) {
	secret, err := totp.NewSecret(&counterReader{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ issuer, account string }{
		{"AWSCognito", "alice"},
		{"authflow", "alice@example.com"},
		{"My Company", "bob smith"},
		{"A&B=C?D#E+F%G/H", "x&y=z?#+%/w"},
		{"Ünïcode ✓", "ユーザー"},
		{"Issuer", "acct:with:colons"},
	} {
		u := totp.URI(secret, tc.issuer, tc.account)
		if strings.Contains(u, "+") {
			t.Errorf("URI %q contains '+'", u)
		}
		if _, err := url.Parse(u); err != nil {
			t.Errorf("url.Parse(%q): %v", u, err)
			continue
		}
		k, err := otp.NewKeyFromURL(u)
		if err != nil {
			t.Errorf("NewKeyFromURL(%q): %v", u, err)
			continue
		}
		if k.Type() != "totp" || k.Issuer() != tc.issuer || k.AccountName() != tc.account ||
			k.Secret() != secret || k.Period() != 30 || k.Digits() != otp.DigitsSix ||
			k.Algorithm() != otp.AlgorithmSHA1 {
			t.Errorf("URI %q parsed as type %q issuer %q account %q secret %q period %d digits %d alg %v",
				u, k.Type(), k.Issuer(), k.AccountName(), k.Secret(), k.Period(), k.Digits(), k.Algorithm())
		}
		q := must(url.ParseQuery(strings.SplitN(u, "?", 2)[1]))
		if q.Get("issuer") != tc.issuer || q.Get("secret") != secret || q.Get("algorithm") != "SHA1" ||
			q.Get("digits") != "6" || q.Get("period") != "30" {
			t.Errorf("URI %q query %v", u, q)
		}
	}
}

func TestURIForm(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXP"
	want := "otpauth://totp/AWSCognito:alice?secret=JBSWY3DPEHPK3PXP&issuer=AWSCognito&algorithm=SHA1&digits=6&period=30"
	if got := totp.URI(secret, "AWSCognito", "alice"); got != want {
		t.Errorf("URI = %q\nwant  %q", got, want)
	}
	// Lower-case and padded secrets are written in canonical form.
	if got := totp.URI(strings.ToLower(secret), "AWSCognito", "alice"); got != want {
		t.Errorf("lower-case secret: %q", got)
	}
	if got := totp.URI("nbswy3dpeb3w64tmmq======", "I", "a"); !strings.Contains(got, "secret=NBSWY3DPEB3W64TMMQ&") {
		t.Errorf("padded secret: %q", got)
	}
	// No issuer: the label is the account and there is no issuer parameter.
	if got := totp.URI(secret, "", "alice"); got != "otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30" {
		t.Errorf("no issuer: %q", got)
	}
	// An issuer with a colon stays out of the label but is kept as a parameter.
	got := totp.URI(secret, "a:b", "alice")
	if !strings.HasPrefix(got, "otpauth://totp/alice?") {
		t.Errorf("colon issuer: %q", got)
	}
	k, _ := otp.NewKeyFromURL(got)
	if k.Issuer() != "a:b" || k.AccountName() != "alice" {
		t.Errorf("colon issuer parsed as %q / %q", k.Issuer(), k.AccountName())
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
