package token_test

import (
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
	"github.com/stretchr/testify/require"
)

// testKeyFile holds two RSA-2048 keys made by GenerateKeySet for these tests
// only (see testdata/README.md). The first is active.
const testKeyFile = "testdata/keyset.json"

// t0 is the fixed start of every test clock.
var t0 = time.Date(2026, time.November, 22, 10, 0, 0, 0, time.UTC)

const (
	testPool   = "eu-west-1_AbCdEf123"
	testClient = "3n4b5urk1ft4fl3mg5e62d9ado"
	testIss    = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123"
)

// clock is a manual clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

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

// grant returns a sign-in grant for user in the test pool and client.
func grant(user string) challenge.TokenGrant {
	return challenge.TokenGrant{
		PoolID:   testPool,
		ClientID: testClient,
		Username: user,
		Sub:      "sub-" + user,
		AuthTime: t0,
	}
}

// refreshGrant returns the grant the engine builds to refresh s with rt.
func refreshGrant(s *challenge.RefreshSession, rt string, rotate bool) challenge.TokenGrant {
	return challenge.TokenGrant{
		PoolID:        s.PoolID,
		ClientID:      s.ClientID,
		Username:      s.Username,
		Sub:           s.Sub,
		DeviceKey:     s.DeviceKey,
		AuthTime:      s.AuthTime,
		Origin:        s.Origin,
		Refresh:       rt,
		RotateRefresh: rotate,
	}
}

// requireCode asserts that err is a *challenge.Error with code and message.
func requireCode(tb testing.TB, err error, code challenge.Code, msg string) {
	tb.Helper()
	require.Error(tb, err)
	require.ErrorIs(tb, err, code)
	var e *challenge.Error
	require.True(tb, errors.As(err, &e), "not a *challenge.Error: %T", err)
	require.Equal(tb, code, e.Code)
	require.Equal(tb, msg, e.Message)
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
