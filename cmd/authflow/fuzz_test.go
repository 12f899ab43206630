package main

import (
	"encoding/base64"
	"testing"
)

// FuzzClaims: the token summary decodes whatever the server sends as a
// token without panicking.
func FuzzClaims(f *testing.F) {
	f.Add("h." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"s","exp":1.9e9,"cognito:username":"u"}`)) + ".s")
	f.Add("a.b.c")
	f.Add("h." + base64.RawURLEncoding.EncodeToString([]byte(`{"exp":"x","sub":7}`)) + ".s")
	f.Add("....")
	f.Fuzz(func(t *testing.T, jwt string) {
		m := claims(jwt)
		_ = firstString(m, "sub", "email")
		_ = expiry(m)
	})
}
