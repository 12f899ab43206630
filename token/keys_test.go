package token_test

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/require"
)

func TestKeyRotation(t *testing.T) {
	ks, err := token.GenerateKeySet(nil)
	require.NoError(t, err)
	keyA := ks.Active()
	c := newClock()
	iss, err := token.New(token.Config{Keys: ks, Now: c.Now, Rand: seeded(3)})
	require.NoError(t, err)
	ctx := context.Background()

	old, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)

	// Introduce key B and make it sign; retire nothing.
	keyB, err := ks.Generate(nil)
	require.NoError(t, err)
	require.NotEqual(t, keyA, keyB)
	require.Equal(t, keyA, ks.Active(), "Generate must not activate")
	require.NoError(t, ks.Activate(keyB))
	require.Equal(t, []string{keyA, keyB}, ks.KeyIDs())

	fresh, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	jwks, err := ks.JWKS()
	require.NoError(t, err)
	kid, _ := verifyWithJose(t, jwks, fresh.AccessToken)
	require.Equal(t, keyB, kid)
	kid, _ = verifyWithJose(t, jwks, old.AccessToken) // old token, still published key
	require.Equal(t, keyA, kid)
	_, err = iss.VerifyAccess(ctx, old.AccessToken)
	require.NoError(t, err)
	_, err = iss.VerifyID(ctx, old.IdToken, testClient)
	require.NoError(t, err)

	// Retire A: its tokens are refused, B's still verify, A leaves the JWKS.
	require.NoError(t, ks.Retire(keyA))
	_, err = iss.VerifyAccess(ctx, old.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidAccessToken)
	_, err = iss.VerifyID(ctx, old.IdToken, testClient)
	requireCode(t, err, challenge.ErrNotAuthorized, token.MsgInvalidIDToken)
	_, err = iss.VerifyAccess(ctx, fresh.AccessToken)
	require.NoError(t, err)
	jwks, err = ks.JWKS()
	require.NoError(t, err)
	var set jose.JSONWebKeySet
	require.NoError(t, json.Unmarshal(jwks, &set))
	require.Len(t, set.Keys, 1)
	require.Equal(t, keyB, set.Keys[0].KeyID)

	// Guard rails.
	require.ErrorIs(t, ks.Retire(keyB), token.ErrActiveKey)
	require.ErrorIs(t, ks.Retire(keyA), token.ErrUnknownKey)
	require.ErrorIs(t, ks.Activate(keyA), token.ErrUnknownKey)
	require.Equal(t, keyB, ks.Active())
}

func TestJWKSDocument(t *testing.T) {
	ks := loadKeys(t)
	doc, err := ks.JWKS()
	require.NoError(t, err)
	var raw struct {
		Keys []map[string]string `json:"keys"`
	}
	require.NoError(t, json.Unmarshal(doc, &raw))
	require.Len(t, raw.Keys, 2)
	for i, k := range raw.Keys {
		require.Equal(t, []string{"alg", "e", "kid", "kty", "n", "use"}, sortedKeys(k))
		require.Equal(t, "RSA", k["kty"])
		require.Equal(t, "sig", k["use"])
		require.Equal(t, "RS256", k["alg"])
		require.Equal(t, "AQAB", k["e"])
		require.Equal(t, ks.KeyIDs()[i], k["kid"])
		// kid is the base64url of the first 16 bytes of SHA-256(PKIX DER).
		pub, ok := ks.PublicKey(k["kid"])
		require.True(t, ok)
		der, err := x509.MarshalPKIXPublicKey(pub)
		require.NoError(t, err)
		sum := sha256.Sum256(der)
		require.Equal(t, base64.RawURLEncoding.EncodeToString(sum[:16]), k["kid"])
		n, err := base64.RawURLEncoding.DecodeString(k["n"])
		require.NoError(t, err)
		require.Len(t, n, 256) // RSA-2048
	}
	// go-jose reads the same keys.
	var set jose.JSONWebKeySet
	require.NoError(t, json.Unmarshal(doc, &set))
	for _, k := range set.Keys {
		pub, ok := ks.PublicKey(k.KeyID)
		require.True(t, ok)
		require.True(t, pub.Equal(k.Key))
		require.True(t, k.IsPublic())
	}
	require.NotContains(t, string(doc), `"d"`)
}

func sortedKeys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

func TestLoadOrCreateKeySet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	first, err := token.LoadOrCreateKeySet(path, nil)
	require.NoError(t, err)
	require.Len(t, first.KeyIDs(), 1)
	require.Equal(t, first.KeyIDs()[0], first.Active())

	st, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var f struct {
		Version int    `json:"version"`
		Active  string `json:"active"`
		Keys    []struct {
			Kid        string `json:"kid"`
			PrivateKey string `json:"private_key"`
		} `json:"keys"`
	}
	require.NoError(t, json.Unmarshal(data, &f))
	require.Equal(t, 1, f.Version)
	require.Equal(t, first.Active(), f.Active)
	require.Len(t, f.Keys, 1)
	require.Equal(t, first.Active(), f.Keys[0].Kid)
	require.True(t, strings.HasPrefix(f.Keys[0].PrivateKey, "-----BEGIN PRIVATE KEY-----\n"))

	second, err := token.LoadOrCreateKeySet(path, nil)
	require.NoError(t, err)
	require.Equal(t, first.KeyIDs(), second.KeyIDs())
	require.Equal(t, first.Active(), second.Active())
	j1, _ := first.JWKS()
	j2, _ := second.JWKS()
	require.Equal(t, j1, j2)

	// A token signed before the restart verifies after it.
	c := newClock()
	a, err := token.New(token.Config{Keys: first, Now: c.Now})
	require.NoError(t, err)
	b, err := token.New(token.Config{Keys: second, Now: c.Now})
	require.NoError(t, err)
	res, err := a.Issue(context.Background(), grant("alice"))
	require.NoError(t, err)
	_, err = b.VerifyAccess(context.Background(), res.AccessToken)
	require.NoError(t, err)

	// A persisted rotation survives a reload.
	kid, err := second.Generate(nil)
	require.NoError(t, err)
	require.NoError(t, second.Activate(kid))
	require.NoError(t, second.WriteFile(path))
	third, err := token.LoadOrCreateKeySet(path, nil)
	require.NoError(t, err)
	require.Equal(t, kid, third.Active())
	require.Equal(t, second.KeyIDs(), third.KeyIDs())
	st, err = os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary files left behind")
}

func TestLoadOrCreateKeySetConcurrentStartsAgree(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	const n = 4
	sets := make([]*token.KeySet, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ks, err := token.LoadOrCreateKeySet(path, nil)
			if err == nil {
				sets[i] = ks
			}
		}()
	}
	wg.Wait()
	onDisk, err := token.LoadKeySet(path)
	require.NoError(t, err)
	for _, ks := range sets {
		require.NotNil(t, ks)
		require.Equal(t, onDisk.Active(), ks.Active())
	}
}

func TestParseKeyFileRefusesBadFiles(t *testing.T) {
	good, err := loadKeys(t).MarshalKeyFile()
	require.NoError(t, err)
	var f map[string]any
	require.NoError(t, json.Unmarshal(good, &f))
	pemBody := strings.Split(f["keys"].([]any)[0].(map[string]any)["private_key"].(string), "\n")[1]

	mutate := func(fn func(m map[string]any)) []byte {
		var m map[string]any
		require.NoError(t, json.Unmarshal(good, &m))
		fn(m)
		b, err := json.Marshal(m)
		require.NoError(t, err)
		return b
	}
	key0 := func(m map[string]any) map[string]any { return m["keys"].([]any)[0].(map[string]any) }
	cases := map[string][]byte{
		"not json":       []byte("{"),
		"version":        mutate(func(m map[string]any) { m["version"] = 2 }),
		"no keys":        mutate(func(m map[string]any) { m["keys"] = []any{} }),
		"unknown active": mutate(func(m map[string]any) { m["active"] = "nope" }),
		"kid mismatch":   mutate(func(m map[string]any) { key0(m)["kid"] = "AAAAAAAAAAAAAAAAAAAAAA" }),
		"not pem":        mutate(func(m map[string]any) { key0(m)["private_key"] = "garbage" }),
		"corrupt der": mutate(func(m map[string]any) {
			key0(m)["private_key"] = strings.Replace(key0(m)["private_key"].(string), pemBody, strings.Repeat("A", len(pemBody)), 1)
		}),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := token.ParseKeyFile(data)
			require.Error(t, err)
			require.NotContains(t, err.Error(), pemBody)
		})
	}
	ks, err := token.ParseKeyFile(good)
	require.NoError(t, err)
	require.Equal(t, loadKeys(t).Active(), ks.Active())
}

func TestKeySetAddRefusesWeakKeys(t *testing.T) {
	small, err := rsa.GenerateKey(nil, 1024)
	require.NoError(t, err)
	ks := &token.KeySet{}
	_, err = ks.Add(small)
	require.Error(t, err)
	_, err = ks.Add(nil)
	require.Error(t, err)
	_, err = token.NewKeySet(small)
	require.Error(t, err)
	require.Equal(t, "", ks.Active())
	require.Equal(t, "KeySet{}", ks.String())

	set := loadKeys(t)
	ids := set.KeyIDs()
	require.Equal(t, "KeySet{"+ids[0]+"(active) "+ids[1]+"}", set.String())
}
