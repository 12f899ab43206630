package managedlogin_test

import (
	"errors"
	"net/url"
	"slices"
	"testing"

	"github.com/authflow/authflow/managedlogin"
)

// FuzzParseAuthorize: any query parses or is refused with an
// *AuthorizeError, never panics, and what parses respects the bounds.
func FuzzParseAuthorize(f *testing.F) {
	f.Add("client_id=abc&response_type=code&redirect_uri=https%3A%2F%2Fa.example%2Fcb&scope=openid+email&state=x&nonce=n")
	f.Add("client_id=abc&response_type=code&code_challenge=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk&code_challenge_method=S256")
	f.Add("client_id=a&client_id=b&response_type=token&prompt=none+login")
	f.Add("client_id=abc&response_type=code&scope=&identity_provider=Google")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		a, err := managedlogin.ParseAuthorize(q)
		if err != nil {
			var ae *managedlogin.AuthorizeError
			if !errors.As(err, &ae) || a != nil {
				t.Fatalf("error %v (%T) with request %v", err, err, a)
			}
			return
		}
		if a.ClientID == "" || (a.ResponseType != "code" && a.ResponseType != "token") {
			t.Fatalf("accepted %+v", a)
		}
		if a.CodeChallenge != "" && !slices.Contains([]string{"S256", "plain"}, a.CodeChallengeMethod) {
			t.Fatalf("method %q", a.CodeChallengeMethod)
		}
		if len(a.State) > 2048 || len(a.Nonce) > 512 || len(a.RedirectURI) > 1024 {
			t.Fatal("a bound was not kept")
		}
	})
}

// FuzzParseTokenRequest: any form and Authorization header parse or are
// refused with a *TokenError, never panic.
func FuzzParseTokenRequest(f *testing.F) {
	f.Add("grant_type=authorization_code&code=abc&client_id=c&redirect_uri=https%3A%2F%2Fa.example", "")
	f.Add("grant_type=client_credentials&scope=orders%2Fread", "Basic Yzpz")
	f.Add("grant_type=refresh_token&refresh_token=r&client_secret=s", "Basic %%%")
	f.Add("grant_type=a&grant_type=b", "Bearer x")
	f.Fuzz(func(t *testing.T, raw, authz string) {
		form, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		r, err := managedlogin.ParseTokenRequest(form, authz)
		if err != nil {
			var te *managedlogin.TokenError
			if !errors.As(err, &te) || r != nil || te.Status < 400 {
				t.Fatalf("error %v (%T) with request %v", err, err, r)
			}
			return
		}
		if r.GrantType == "" || r.ClientID == "" || len(r.ClientID) > 128 {
			t.Fatalf("accepted %+v", r)
		}
	})
}
