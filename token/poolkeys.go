package token

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// SecretStore keeps small named secrets where every server process of a
// deployment sees them: the users' database (sqldir.SQL), or memory
// for a single process (directory.Memory). PoolKeys keeps each pool's
// signing keys in one.
type SecretStore interface {
	// Secret returns the secret called name. When there is none and create
	// is not nil, it stores the value create returns, atomically: of
	// concurrent callers, in any process sharing the store, all get the
	// value of the first that stored one. When there is none and create is
	// nil, it returns (nil, nil).
	Secret(ctx context.Context, name string, create func() ([]byte, error)) ([]byte, error)
	// PutSecret stores value under name, replacing any value.
	PutSecret(ctx context.Context, name string, value []byte) error
}

// KeySource gives each user pool its own signing keys (Config.PoolKeys).
// PoolKeys is the implementation authflow provides.
type KeySource interface {
	// PoolKeySet returns the key set of poolID, creating one (with an
	// active key) when the pool has none.
	PoolKeySet(ctx context.Context, poolID string) (*KeySet, error)
	// LookupPoolKeySet returns the key set of poolID, or nil when the pool
	// has none; it never creates one (token verification uses it, so a
	// forged token cannot make keys for made-up pools). When fresh is
	// true the caller has met a kid the set does not hold: the source
	// should re-read the shared copy (another process may have rotated)
	// unless it did so recently.
	LookupPoolKeySet(ctx context.Context, poolID string, fresh bool) (*KeySet, error)
}

// poolKeyReloadEvery bounds how often LookupPoolKeySet re-reads a pool's
// keys for unknown kids, so forged tokens cannot turn into a flood of
// reads.
const poolKeyReloadEvery = 5 * time.Second

// PoolKeys is a KeySource that keeps each pool's KeySet in a SecretStore,
// under the name "token-keys/<poolId>", in the key file format (see
// LoadKeySet): every process sharing the store signs a pool's tokens with
// the same keys, and a token of one pool never verifies with another
// pool's keys or JWKS. A pool's set is created (one RSA-2048 key) the
// first time it is needed and cached in memory.
//
// Rotation per pool: get the set with PoolKeySet, Generate (or Add),
// Activate and Retire keys on it as KeySet describes, and Save it. Other
// processes read the saved set when they meet a token signed by a key
// they do not know (at most every 5 seconds per pool) or on Reload; call
// Reload on every process after retiring a key.
//
// A PoolKeys is safe for concurrent use. The store holds private keys:
// protect it as you would the key file.
type PoolKeys struct {
	store SecretStore
	rand  io.Reader
	now   func() time.Time

	createMu sync.Mutex // one key set created at a time, so a burst makes one RSA key

	mu       sync.Mutex
	sets     map[string]*KeySet
	reloaded map[string]time.Time // last re-read for an unknown kid
}

// NewPoolKeys returns a PoolKeys on store. r is the randomness of new keys
// (see GenerateKeySet; nil means crypto/rand.Reader).
func NewPoolKeys(store SecretStore, r io.Reader) *PoolKeys {
	if store == nil {
		panic("token: NewPoolKeys with a nil store")
	}
	return &PoolKeys{store: store, rand: r, now: time.Now, sets: map[string]*KeySet{}, reloaded: map[string]time.Time{}}
}

// poolKeyName is the secret name of a pool's key set.
func poolKeyName(poolID string) string { return "token-keys/" + poolID }

// PoolKeySet implements KeySource.
func (p *PoolKeys) PoolKeySet(ctx context.Context, poolID string) (*KeySet, error) {
	if !validPoolID(poolID) {
		return nil, errors.New("token: invalid pool ID")
	}
	p.mu.Lock()
	ks := p.sets[poolID]
	p.mu.Unlock()
	if ks != nil {
		return ks, nil
	}
	p.createMu.Lock()
	defer p.createMu.Unlock()
	p.mu.Lock()
	ks = p.sets[poolID]
	p.mu.Unlock()
	if ks != nil {
		return ks, nil // made while this call waited
	}
	data, err := p.store.Secret(ctx, poolKeyName(poolID), func() ([]byte, error) {
		fresh, err := GenerateKeySet(p.rand)
		if err != nil {
			return nil, err
		}
		return fresh.MarshalKeyFile()
	})
	if err != nil {
		return nil, fmt.Errorf("token: keys of pool: %w", err)
	}
	return p.remember(poolID, data)
}

// LookupPoolKeySet implements KeySource.
func (p *PoolKeys) LookupPoolKeySet(ctx context.Context, poolID string, fresh bool) (*KeySet, error) {
	p.mu.Lock()
	ks := p.sets[poolID]
	if ks != nil && fresh {
		if last, ok := p.reloaded[poolID]; ok && p.now().Sub(last) < poolKeyReloadEvery {
			fresh = false
		} else {
			p.reloaded[poolID] = p.now()
		}
	}
	p.mu.Unlock()
	if ks != nil && !fresh {
		return ks, nil
	}
	// Unknown pools are read every time rather than remembered, so made-up
	// pool IDs cannot grow this process's memory.
	return p.reload(ctx, poolID)
}

// Reload re-reads the pool's keys from the store (after another process
// saved a rotation) and returns them, or nil when the pool has none.
func (p *PoolKeys) Reload(ctx context.Context, poolID string) (*KeySet, error) {
	return p.reload(ctx, poolID)
}

func (p *PoolKeys) reload(ctx context.Context, poolID string) (*KeySet, error) {
	if !validPoolID(poolID) {
		return nil, nil
	}
	data, err := p.store.Secret(ctx, poolKeyName(poolID), nil)
	if err != nil {
		return nil, fmt.Errorf("token: keys of pool: %w", err)
	}
	if data == nil {
		return nil, nil
	}
	return p.remember(poolID, data)
}

// remember parses a stored key file and caches it; a set already cached
// is updated in place, so Issuers holding it see the change.
func (p *PoolKeys) remember(poolID string, data []byte) (*KeySet, error) {
	parsed, err := ParseKeyFile(data)
	if err != nil {
		return nil, fmt.Errorf("token: keys of pool: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if ks := p.sets[poolID]; ks != nil {
		ks.replaceWith(parsed)
		return ks, nil
	}
	p.sets[poolID] = parsed
	return parsed, nil
}

// Save stores ks as the pool's key set (after a rotation) and makes it the
// set this PoolKeys uses.
func (p *PoolKeys) Save(ctx context.Context, poolID string, ks *KeySet) error {
	if !validPoolID(poolID) {
		return errors.New("token: invalid pool ID")
	}
	data, err := ks.MarshalKeyFile()
	if err != nil {
		return err
	}
	if err := p.store.PutSecret(ctx, poolKeyName(poolID), data); err != nil {
		return fmt.Errorf("token: saving keys of pool: %w", err)
	}
	_, err = p.remember(poolID, data)
	return err
}

// replaceWith makes ks hold the keys of other (and its active key).
func (ks *KeySet) replaceWith(other *KeySet) {
	if ks == other {
		return
	}
	other.mu.RLock()
	keys, active := append([]*signingKey(nil), other.keys...), other.active
	other.mu.RUnlock()
	ks.mu.Lock()
	ks.keys, ks.active = keys, active
	ks.mu.Unlock()
}
