package token

import (
	"context"
	"sync"
)

// NewMemoryIssuer returns an Issuer that needs nothing else, for a server
// that runs as one process (and for tests and examples): every user pool
// gets its own RSA-2048 signing key the first time one of its tokens is
// issued (or its JWKS is asked for), drawn from crypto/rand and kept in
// process memory, and refresh tokens and revocations are kept in a
// MemoryState. Serve the keys with [Issuer.PoolJWKS].
//
// Nothing outlives the process: after a restart the tokens it issued no
// longer verify and its refresh tokens are refused. Servers that restart
// or run as several processes use New with a PoolKeys on a shared
// SecretStore (the SQL directory) and a shared RefreshState instead.
//
// It uses the system clock and crypto/rand; for a fixed clock or seeded
// randomness call New.
func NewMemoryIssuer() *Issuer {
	i, err := New(Config{PoolKeys: NewPoolKeys(&memorySecrets{}, nil)})
	if err != nil {
		// New fails only for a missing key source or a negative
		// RotationGrace, neither of which this Config has.
		panic("token: NewMemoryIssuer: " + err.Error())
	}
	return i
}

// memorySecrets is a SecretStore in process memory, for NewMemoryIssuer.
type memorySecrets struct {
	mu sync.Mutex
	m  map[string][]byte
}

// Secret implements SecretStore. create runs under the lock, so
// concurrent callers all get the first value stored.
func (s *memorySecrets) Secret(_ context.Context, name string, create func() ([]byte, error)) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
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
	if s.m == nil {
		s.m = map[string][]byte{}
	}
	s.m[name] = append([]byte(nil), v...)
	return append([]byte(nil), v...), nil
}

// PutSecret implements SecretStore.
func (s *memorySecrets) PutSecret(_ context.Context, name string, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string][]byte{}
	}
	s.m[name] = append([]byte(nil), value...)
	return nil
}
