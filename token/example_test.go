package token_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
)

// Issuing the tokens of a sign-in and checking the access token, with a
// fixed clock and seeded randomness (so the output never changes).
func ExampleIssuer() {
	keys, err := token.LoadKeySet("testdata/keyset.json")
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, time.November, 22, 10, 0, 0, 0, time.UTC)
	iss, err := token.New(token.Config{
		Keys: keys,
		Now:  func() time.Time { return now },
		Rand: rand.NewChaCha8([32]byte{}),
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	res, err := iss.Issue(ctx, challenge.TokenGrant{
		PoolID:     "us-east-1_Example",
		ClientID:   "exampleclient",
		Username:   "alice",
		Sub:        "8c4f1a2e-3b5d-4e6f-9a0b-1c2d3e4f5a6b",
		Attributes: map[string]string{"email": "alice@example.com", "email_verified": "true"},
		Groups:     []string{"admins"},
		AuthTime:   now,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.TokenType, res.ExpiresIn, len(res.RefreshToken))

	ac, err := iss.VerifyAccess(ctx, res.AccessToken)
	if err != nil {
		panic(err)
	}
	fmt.Println(ac.PoolID, ac.ClientID, ac.Username, ac.Scopes)
	fmt.Println("expires", ac.ExpiresAt.UTC().Format(time.RFC3339))
	fmt.Println("origin_jti", ac.Origin)

	id, err := iss.VerifyID(ctx, res.IdToken, "exampleclient")
	if err != nil {
		panic(err)
	}
	fmt.Println(id.Claims["iss"], id.Claims["email"], id.Claims["email_verified"], id.Groups)
	// Output:
	// Bearer 3600 43
	// us-east-1_Example exampleclient alice [aws.cognito.signin.user.admin]
	// expires 2026-11-22T11:00:00Z
	// origin_jti d9877ece-6d36-4aac-9a6f-419ec627c76b
	// https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example alice@example.com true [admins]
}

// Revoking a refresh token (Cognito's RevokeToken) revokes the access
// tokens of its sign-in as well.
func ExampleIssuer_Revoke() {
	keys, err := token.LoadKeySet("testdata/keyset.json")
	if err != nil {
		panic(err)
	}
	iss, err := token.New(token.Config{Keys: keys})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	res, err := iss.Issue(ctx, challenge.TokenGrant{
		PoolID: "us-east-1_Example", ClientID: "exampleclient", Username: "alice", Sub: "sub-alice",
	})
	if err != nil {
		panic(err)
	}
	if err := iss.Revoke(ctx, "exampleclient", res.RefreshToken); err != nil {
		panic(err)
	}
	_, err = iss.VerifyAccess(ctx, res.AccessToken)
	fmt.Println(err)
	_, err = iss.Refresh(ctx, "exampleclient", res.RefreshToken)
	fmt.Println(err)
	// Output:
	// NotAuthorizedException: Access Token has been revoked
	// NotAuthorizedException: Refresh Token has been revoked
}

// Keys are created on the first start and loaded on the next ones; the
// JWKS document publishes their public halves.
func ExampleLoadOrCreateKeySet() {
	dir, err := os.MkdirTemp("", "authflow-keys")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "keys.json")

	first, err := token.LoadOrCreateKeySet(path, nil)
	if err != nil {
		panic(err)
	}
	again, err := token.LoadOrCreateKeySet(path, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("same key after restart:", first.Active() == again.Active())
	st, err := os.Stat(path)
	if err != nil {
		panic(err)
	}
	fmt.Println("mode:", st.Mode().Perm())

	doc, err := again.JWKS()
	if err != nil {
		panic(err)
	}
	var jwks struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(doc, &jwks); err != nil {
		panic(err)
	}
	k := jwks.Keys[0]
	fmt.Println(len(jwks.Keys), k["kty"], k["alg"], k["use"], k["e"], k["kid"] == first.Active())
	// Output:
	// same key after restart: true
	// mode: -rw-------
	// 1 RSA RS256 sig AQAB true
}

// Rotating keys: publish a new key, make it sign, and retire the old one
// once its tokens have expired.
func ExampleKeySet_Activate() {
	keys, err := token.LoadKeySet("testdata/keyset.json")
	if err != nil {
		panic(err)
	}
	ids := keys.KeyIDs()
	fmt.Println(keys.Active() == ids[0])
	if err := keys.Activate(ids[1]); err != nil {
		panic(err)
	}
	fmt.Println(keys.Active() == ids[1])
	fmt.Println(keys.Retire(ids[1]))
	fmt.Println(keys.Retire(ids[0]), len(keys.KeyIDs()))
	// Output:
	// true
	// true
	// token: cannot retire the active signing key
	// <nil> 1
}
