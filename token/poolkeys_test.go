package token_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
)

// memSecrets is a token.SecretStore in memory, counting reads.
type memSecrets struct {
	mu    sync.Mutex
	m     map[string][]byte
	reads int
}

func newMemSecrets() *memSecrets { return &memSecrets{m: map[string][]byte{}} }

func (s *memSecrets) Secret(_ context.Context, name string, create func() ([]byte, error)) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	if v, ok := s.m[name]; ok {
		return append([]byte(nil), v...), nil
	}
	if create == nil {
		return nil, nil
	}
	v, err := create()
	if err != nil {
		return nil, err
	}
	s.m[name] = append([]byte(nil), v...)
	return v, nil
}

func (s *memSecrets) PutSecret(_ context.Context, name string, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[name] = append([]byte(nil), value...)
	return nil
}

func (s *memSecrets) names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.m {
		out = append(out, k)
	}
	return out
}

// verifyWithJWKS verifies a compact JWS against a JWKS document with
// go-jose, as a resource server would.
func verifyWithJWKS(t *testing.T, tok string, jwks []byte) error {
	t.Helper()
	var set jose.JSONWebKeySet
	require.NoError(t, json.Unmarshal(jwks, &set))
	sig, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS256})
	require.NoError(t, err)
	keys := set.Key(sig.Signatures[0].Header.KeyID)
	if len(keys) == 0 {
		return assert.AnError
	}
	_, err = sig.Verify(keys[0])
	return err
}

const otherPool = "eu-west-1_OtherPool9"

// TestAttackTokenOfOnePoolVerifiesAgainstAnother: with one key for every
// pool, a token of pool A verified against pool B's JWKS (issue 13, item
// 4). With PoolKeys each pool has its own keys.
func TestAttackTokenOfOnePoolVerifiesAgainstAnother(t *testing.T) {
	ctx := context.Background()
	store := newMemSecrets()
	pk := token.NewPoolKeys(store, nil)
	c := newClock()
	iss, err := token.New(token.Config{PoolKeys: pk, Now: c.Now, Rand: seeded(3)})
	require.NoError(t, err)

	res, err := iss.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	jwksA, err := iss.PoolJWKS(ctx, testPool)
	require.NoError(t, err)
	jwksB, err := iss.PoolJWKS(ctx, otherPool)
	require.NoError(t, err)
	assert.NotEqual(t, string(jwksA), string(jwksB))

	require.NoError(t, verifyWithJWKS(t, res.AccessToken, jwksA), "A's token verifies with A's keys")
	require.NoError(t, verifyWithJWKS(t, res.IdToken, jwksA))
	assert.Error(t, verifyWithJWKS(t, res.AccessToken, jwksB), "A's token must not verify with B's keys")
	assert.Error(t, verifyWithJWKS(t, res.IdToken, jwksB))

	_, err = iss.VerifyAccess(ctx, res.AccessToken)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"token-keys/" + testPool, "token-keys/" + otherPool}, store.names())

	// A second process on the same store signs and verifies with the same keys.
	iss2, err := token.New(token.Config{PoolKeys: token.NewPoolKeys(store, nil), Now: c.Now, Rand: seeded(4), State: nil})
	require.NoError(t, err)
	jwksA2, err := iss2.PoolJWKS(ctx, testPool)
	require.NoError(t, err)
	assert.JSONEq(t, string(jwksA), string(jwksA2))
	g := grant("bob")
	g.PoolID = otherPool
	resB, err := iss2.Issue(ctx, g)
	require.NoError(t, err)
	require.NoError(t, verifyWithJWKS(t, resB.AccessToken, jwksB))
	assert.Error(t, verifyWithJWKS(t, resB.AccessToken, jwksA))
}

// TestPoolKeysVerificationNeverCreates: verifying a token that names a
// pool without keys creates nothing (forged tokens cannot make keys).
func TestPoolKeysVerificationNeverCreates(t *testing.T) {
	ctx := context.Background()
	store := newMemSecrets()
	iss, err := token.New(token.Config{PoolKeys: token.NewPoolKeys(store, nil)})
	require.NoError(t, err)
	// A token signed with the shared test keys for a pool this store has never seen.
	legacy, _ := setup(t)
	res, err := legacy.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	_, err = iss.VerifyAccess(ctx, res.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidAccessToken)
	assert.Empty(t, store.names())
}

// TestPoolKeysRotation: a rotation saved by one process is picked up by
// another when it meets a token of the new key.
func TestPoolKeysRotation(t *testing.T) {
	ctx := context.Background()
	store := newMemSecrets()
	pkA, pkB := token.NewPoolKeys(store, nil), token.NewPoolKeys(store, nil)
	c := newClock()
	a, err := token.New(token.Config{PoolKeys: pkA, Now: c.Now})
	require.NoError(t, err)
	b, err := token.New(token.Config{PoolKeys: pkB, Now: c.Now, State: nil})
	require.NoError(t, err)

	ks, err := pkA.PoolKeySet(ctx, testPool)
	require.NoError(t, err)
	_, err = b.PoolJWKS(ctx, testPool) // b caches the set before the rotation
	require.NoError(t, err)
	old := ks.Active()
	kid, err := ks.Generate(nil)
	require.NoError(t, err)
	require.NoError(t, ks.Activate(kid))
	require.NoError(t, pkA.Save(ctx, testPool, ks))

	res, err := a.Issue(ctx, grant("alice"))
	require.NoError(t, err)
	// b has its own MemoryState, which never saw the session: only the
	// signature is at stake here.
	_, err = b.VerifyAccess(ctx, res.AccessToken)
	require.NoError(t, err, "b re-reads the pool's keys for the new kid")
	jwks, err := b.PoolJWKS(ctx, testPool)
	require.NoError(t, err)
	assert.Contains(t, string(jwks), kid)
	assert.Contains(t, string(jwks), old)
}

// TestPoolKeysConcurrentCreation: a burst of first uses of a pool ends
// with one key set, the same for every caller.
func TestPoolKeysConcurrentCreation(t *testing.T) {
	ctx := context.Background()
	store := newMemSecrets()
	pk := token.NewPoolKeys(store, nil)
	kids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range kids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ks, err := pk.PoolKeySet(ctx, testPool)
			assert.NoError(t, err)
			if ks != nil {
				kids[i] = ks.Active()
			}
		}()
	}
	wg.Wait()
	for _, k := range kids {
		assert.Equal(t, kids[0], k)
	}
	assert.NotEmpty(t, kids[0])
	assert.Equal(t, []string{"token-keys/" + testPool}, store.names())
	_, err := pk.PoolKeySet(ctx, "not a pool/id")
	assert.Error(t, err)
}
