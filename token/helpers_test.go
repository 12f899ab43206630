package token_test

import (
	"encoding/hex"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/authflow/authflow/token"
	"github.com/authflow/authflow/token/statetest"
	"github.com/stretchr/testify/require"
)

// testKeyFile holds two RSA-2048 keys made by GenerateKeySet for these tests
// only (see testdata/README.md). The first is active.
const testKeyFile = "testdata/keyset.json"

// The clock, pool, client and grants of these tests are the conformance
// suite's (package statetest), under short names.
var (
	t0           = statetest.T0
	newClock     = statetest.NewClock
	grant        = statetest.Grant
	refreshGrant = statetest.RefreshGrant
	requireCode  = statetest.RequireCode
)

type clock = statetest.Clock

const (
	testPool   = statetest.Pool
	testClient = statetest.Client
	testIss    = "https://cognito-idp.eu-west-1.amazonaws.com/" + testPool
)

// seeded returns a deterministic reader.
func seeded(seed byte) io.Reader { return rand.NewChaCha8([32]byte{seed}) }

// loadKeys returns a fresh copy of the test key set (two keys, first active).
func loadKeys(tb testing.TB) *token.KeySet {
	tb.Helper()
	ks, err := token.LoadKeySet(testKeyFile)
	require.NoError(tb, err)
	require.Len(tb, ks.KeyIDs(), 2)
	return ks
}

// setup returns an Issuer on the test keys, a manual clock and a seeded Rand.
func setup(tb testing.TB, mod ...func(*token.Config)) (*token.Issuer, *clock) {
	tb.Helper()
	c := newClock()
	cfg := token.Config{Keys: loadKeys(tb), Now: c.Now, Rand: seeded(1)}
	for _, m := range mod {
		m(&cfg)
	}
	iss, err := token.New(cfg)
	require.NoError(tb, err)
	return iss, c
}

// uuidFrom is an independent formatter of a version 4 UUID from 16 bytes.
func uuidFrom(b []byte) string {
	u := make([]byte, 16)
	copy(u, b)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
