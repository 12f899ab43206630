package token_test

import (
	"context"
	"strings"
	"testing"

	"github.com/authflow/authflow/challenge"
)

// FuzzVerifyAccess feeds arbitrary strings to the parsers of untrusted
// tokens. None may panic; VerifyAccess accepts only the one access token
// the issuer signed (RS256 signatures cannot be forged, and the strict
// decoder admits one encoding per token); every refusal is a
// NotAuthorizedException. Refresh and Revoke get the same input.
func FuzzVerifyAccess(f *testing.F) {
	iss, _ := setup(f)
	ctx := context.Background()
	res, err := iss.Issue(ctx, fullGrant())
	if err != nil {
		f.Fatal(err)
	}
	parts := strings.Split(res.AccessToken, ".")
	for _, seed := range []string{
		res.AccessToken,
		res.IdToken,
		res.RefreshToken,
		"",
		"a.b.c",
		"..",
		parts[0] + "." + parts[1] + ".",
		parts[0] + ".." + parts[2],
		"eyJhbGciOiJub25lIn0." + parts[1] + ".",
		res.AccessToken + "=",
		strings.ToUpper(res.AccessToken),
		parts[0] + "." + parts[1] + "." + parts[2][:10],
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ac, err := iss.VerifyAccess(ctx, s)
		if err == nil {
			if s != res.AccessToken {
				t.Fatalf("verified a string the issuer never signed: %q", s)
			}
			if ac.Username != "alice" {
				t.Fatalf("wrong claims: %+v", ac)
			}
		} else if code := challenge.CodeOf(err); code != challenge.ErrNotAuthorized {
			t.Fatalf("VerifyAccess code %s", code)
		}

		if _, err := iss.Refresh(ctx, testClient, s); err == nil && s != res.RefreshToken {
			t.Fatalf("Refresh accepted a string the issuer never issued: %q", s)
		} else if err != nil && challenge.CodeOf(err) != challenge.ErrNotAuthorized {
			t.Fatalf("Refresh code %s", challenge.CodeOf(err))
		}

		// Another client: nothing may be revoked, whatever the input.
		switch code := challenge.CodeOf(iss.Revoke(ctx, "another-client", s)); code {
		case "", challenge.ErrUnsupportedTokenType:
		case challenge.ErrUnauthorized:
			if s != res.RefreshToken {
				t.Fatalf("UnauthorizedException for a string the issuer never issued: %q", s)
			}
		default:
			t.Fatalf("Revoke code %s", code)
		}
	})
}
