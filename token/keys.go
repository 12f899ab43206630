package token

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// KeyBits is the size of the RSA keys GenerateKeySet and KeySet.Generate make.
const KeyBits = 2048

// minKeyBits is the smallest RSA key KeySet.Add accepts.
const minKeyBits = 2048

// maxKeyFileBytes bounds a key file read by LoadKeySet.
const maxKeyFileBytes = 1 << 20

// keyFileVersion is the version of the key file format.
const keyFileVersion = 1

// ErrUnknownKey is returned by KeySet.Activate and KeySet.Retire for a kid
// that the set does not hold.
var ErrUnknownKey = errors.New("token: unknown key id")

// ErrActiveKey is returned by KeySet.Retire for the active signing key:
// activate another key first.
var ErrActiveKey = errors.New("token: cannot retire the active signing key")

// KeySet holds the RSA keys of an Issuer: exactly one active key that signs
// new tokens, and any number of other published keys that still verify the
// tokens they signed and stay in the JWKS document.
//
// Rotation without invalidating live tokens:
//
//  1. Generate (or Add) the new key: it is published at once (resource
//     servers fetch the JWKS and learn it) but does not sign yet.
//  2. Activate it once caches have refreshed: new tokens carry its kid, and
//     tokens signed by the previous key keep verifying.
//  3. Retire the previous key once every token it signed has expired (the
//     longest access/ID token validity after step 2): its tokens are refused
//     from then on, and it disappears from the JWKS.
//
// A KeySet is safe for concurrent use. Its String method prints key ids
// only; private keys are never printed or put in errors. The zero value is
// an empty set with no active key, which cannot sign.
type KeySet struct {
	mu     sync.RWMutex
	keys   []*signingKey // published keys, in the order they were added
	active *signingKey
}

// signingKey is one RSA key and its derived, public parts.
type signingKey struct {
	kid  string
	priv *rsa.PrivateKey
}

// KeyID returns the key id authflow uses for an RSA public key: the first 16
// bytes of the SHA-256 of its PKIX (SubjectPublicKeyInfo) DER encoding, in
// unpadded base64url (22 characters). It is stable across restarts and
// processes, so a key id names one key everywhere.
func KeyID(pub *rsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("token: encoding public key: %w", err)
	}
	sum := sha256.Sum256(der)
	return base64.RawURLEncoding.EncodeToString(sum[:16]), nil
}

// GenerateKeySet returns a set with one new RSA-2048 key, active.
//
// r is the randomness for the key; nil means crypto/rand.Reader. Since Go
// 1.26 crypto/rsa ignores a caller's reader and always uses a secure source
// (unless GODEBUG=cryptocustomrand=1), so r cannot make keys reproducible:
// tests that need fixed keys load them from a file (LoadKeySet) or use
// testing/cryptotest.SetGlobalRandom.
func GenerateKeySet(r io.Reader) (*KeySet, error) {
	ks := &KeySet{}
	kid, err := ks.Generate(r)
	if err != nil {
		return nil, err
	}
	if err := ks.Activate(kid); err != nil {
		return nil, err
	}
	return ks, nil
}

// NewKeySet returns a set holding the given keys; the first one is active.
// Each key must be RSA of at least 2048 bits. With no keys it returns an
// empty set, which cannot sign until a key is added and activated.
func NewKeySet(keys ...*rsa.PrivateKey) (*KeySet, error) {
	ks := &KeySet{}
	for i, k := range keys {
		kid, err := ks.Add(k)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			if err := ks.Activate(kid); err != nil {
				return nil, err
			}
		}
	}
	return ks, nil
}

// Generate creates a new RSA-2048 key (see GenerateKeySet about r), adds it
// to the set as a published, not yet active key, and returns its kid.
func (ks *KeySet) Generate(r io.Reader) (kid string, err error) {
	if r == nil {
		r = rand.Reader
	}
	priv, err := rsa.GenerateKey(r, KeyBits)
	if err != nil {
		return "", fmt.Errorf("token: generating RSA key: %w", err)
	}
	return ks.Add(priv)
}

// Add publishes priv (RSA, at least 2048 bits, valid) without activating it
// and returns its kid. Adding a key that is already in the set is not an
// error and returns its kid. The set keeps priv; the caller must not modify
// it afterwards.
func (ks *KeySet) Add(priv *rsa.PrivateKey) (kid string, err error) {
	if priv == nil {
		return "", errors.New("token: nil RSA key")
	}
	if priv.N == nil || priv.N.BitLen() < minKeyBits {
		return "", fmt.Errorf("token: RSA key too small (need at least %d bits)", minKeyBits)
	}
	if err := priv.Validate(); err != nil {
		return "", errors.New("token: invalid RSA private key")
	}
	priv.Precompute()
	kid, err = KeyID(&priv.PublicKey)
	if err != nil {
		return "", err
	}
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if ks.find(kid) != nil {
		return kid, nil
	}
	ks.keys = append(ks.keys, &signingKey{kid: kid, priv: priv})
	return kid, nil
}

// Activate makes the published key kid the one that signs new tokens. The
// previously active key stays published and keeps verifying its tokens.
// It returns ErrUnknownKey when the set does not hold kid.
func (ks *KeySet) Activate(kid string) error {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	k := ks.find(kid)
	if k == nil {
		return ErrUnknownKey
	}
	ks.active = k
	return nil
}

// Retire removes the key kid from the set: it no longer appears in the JWKS
// and tokens it signed no longer verify. It returns ErrActiveKey for the
// active key and ErrUnknownKey for a kid the set does not hold.
func (ks *KeySet) Retire(kid string) error {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	k := ks.find(kid)
	if k == nil {
		return ErrUnknownKey
	}
	if k == ks.active {
		return ErrActiveKey
	}
	ks.keys = slices.DeleteFunc(ks.keys, func(x *signingKey) bool { return x == k })
	return nil
}

// Active returns the kid of the signing key, or "" when there is none.
func (ks *KeySet) Active() string {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	if ks.active == nil {
		return ""
	}
	return ks.active.kid
}

// KeyIDs returns the kids of all published keys, in the order they were added.
func (ks *KeySet) KeyIDs() []string {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	ids := make([]string, len(ks.keys))
	for i, k := range ks.keys {
		ids[i] = k.kid
	}
	return ids
}

// PublicKey returns the published public key kid, or nil and false.
func (ks *KeySet) PublicKey(kid string) (*rsa.PublicKey, bool) {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	k := ks.find(kid)
	if k == nil {
		return nil, false
	}
	return &k.priv.PublicKey, true
}

// String lists the key ids and the active one; it never prints key material.
func (ks *KeySet) String() string {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	var b strings.Builder
	b.WriteString("KeySet{")
	for i, k := range ks.keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k.kid)
		if k == ks.active {
			b.WriteString("(active)")
		}
	}
	b.WriteByte('}')
	return b.String()
}

// signer returns the active key, or an error when there is none.
func (ks *KeySet) signer() (*signingKey, error) {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	if ks.active == nil {
		return nil, errors.New("token: the key set has no active signing key")
	}
	return ks.active, nil
}

// find returns the key kid; ks.mu must be held.
func (ks *KeySet) find(kid string) *signingKey {
	for _, k := range ks.keys {
		if k.kid == kid {
			return k
		}
	}
	return nil
}

// JWK is one RSA public key as a JSON Web Key (RFC 7517, RFC 7518 §6.3.1).
type JWK struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// JWKSet is a JWKS document: what Cognito serves at
// https://cognito-idp.<region>.amazonaws.com/<poolId>/.well-known/jwks.json.
type JWKSet struct {
	Keys []JWK `json:"keys"`
}

// JWKSet returns the published public keys, in the order they were added.
func (ks *KeySet) JWKSet() JWKSet {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	set := JWKSet{Keys: make([]JWK, 0, len(ks.keys))}
	for _, k := range ks.keys {
		pub := &k.priv.PublicKey
		set.Keys = append(set.Keys, JWK{
			Kty: "RSA",
			Kid: k.kid,
			Use: "sig",
			Alg: "RS256",
			N:   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
			E:   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		})
	}
	return set
}

// JWKS returns the JWKS document of the published keys:
//
//	{"keys":[{"kty":"RSA","kid":"...","use":"sig","alg":"RS256","n":"...","e":"AQAB"}]}
//
// It holds public keys only and may be served to anyone.
func (ks *KeySet) JWKS() ([]byte, error) {
	return json.Marshal(ks.JWKSet())
}

// keyFile is the key file format; LoadKeySet documents it.
type keyFile struct {
	Version int           `json:"version"`
	Active  string        `json:"active"`
	Keys    []keyFileItem `json:"keys"`
}

type keyFileItem struct {
	Kid        string `json:"kid"`
	PrivateKey string `json:"private_key"`
}

// MarshalKeyFile encodes the set in the key file format (see LoadKeySet).
// The result holds private keys: keep it secret.
func (ks *KeySet) MarshalKeyFile() ([]byte, error) {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	if ks.active == nil {
		return nil, errors.New("token: the key set has no active signing key")
	}
	f := keyFile{Version: keyFileVersion, Active: ks.active.kid}
	for _, k := range ks.keys {
		der, err := x509.MarshalPKCS8PrivateKey(k.priv)
		if err != nil {
			return nil, fmt.Errorf("token: encoding key %s: %w", k.kid, err)
		}
		block := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		f.Keys = append(f.Keys, keyFileItem{Kid: k.kid, PrivateKey: string(block)})
	}
	return json.MarshalIndent(f, "", "  ")
}

// ParseKeyFile decodes a key file (see LoadKeySet). Errors never quote the
// file's contents.
func ParseKeyFile(data []byte) (*KeySet, error) {
	var f keyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, errors.New("token: key file is not valid JSON")
	}
	if f.Version != keyFileVersion {
		return nil, fmt.Errorf("token: key file version %d is not supported", f.Version)
	}
	if len(f.Keys) == 0 {
		return nil, errors.New("token: key file holds no keys")
	}
	ks := &KeySet{}
	for i, item := range f.Keys {
		block, rest := pem.Decode([]byte(item.PrivateKey))
		if block == nil || block.Type != "PRIVATE KEY" || len(strings.TrimSpace(string(rest))) != 0 {
			return nil, fmt.Errorf("token: key file entry %d is not one PEM \"PRIVATE KEY\" block", i)
		}
		parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("token: key file entry %d is not a PKCS#8 key", i)
		}
		priv, ok := parsed.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("token: key file entry %d is not an RSA key", i)
		}
		kid, err := ks.Add(priv)
		if err != nil {
			return nil, fmt.Errorf("token: key file entry %d: %w", i, err)
		}
		if item.Kid != "" && item.Kid != kid {
			return nil, fmt.Errorf("token: key file entry %d: kid %q does not match its key (%s)", i, item.Kid, kid)
		}
	}
	if err := ks.Activate(f.Active); err != nil {
		return nil, fmt.Errorf("token: key file names active key %q, which it does not hold", f.Active)
	}
	return ks, nil
}

// LoadKeySet reads a key file written by KeySet.WriteFile or
// LoadOrCreateKeySet. The format is JSON:
//
//	{
//	  "version": 1,
//	  "active": "<kid of the signing key>",
//	  "keys": [
//	    {"kid": "<kid>", "private_key": "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n"}
//	  ]
//	}
//
// where each private_key is a PEM block of type "PRIVATE KEY" holding a
// PKCS#8 RSA key of at least 2048 bits, "keys" lists every published key,
// and "active" names the signing key. kid may be omitted; when present it
// must equal KeyID of the key. The file holds private keys: keep it mode 0600.
func LoadKeySet(path string) (*KeySet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxKeyFileBytes {
		return nil, errors.New("token: key file is too large")
	}
	return ParseKeyFile(data)
}

// LoadOrCreateKeySet loads the key file at path, or, when there is none,
// generates a set with one RSA-2048 key (see GenerateKeySet about r), writes
// it to path with mode 0600 and returns it. The file is created atomically:
// a crash leaves either no file or a complete one, and when several
// processes start at once they all end up with the keys of the one that
// created the file first. The directory must exist.
func LoadOrCreateKeySet(path string, r io.Reader) (*KeySet, error) {
	ks, err := LoadKeySet(path)
	if err == nil {
		return ks, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	ks, err = GenerateKeySet(r)
	if err != nil {
		return nil, err
	}
	data, err := ks.MarshalKeyFile()
	if err != nil {
		return nil, err
	}
	tmp, err := writeTemp(path, data)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	// Link fails when path exists, so the first creator wins; everyone else
	// loads its file.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return LoadKeySet(path)
		}
		// File systems without hard links: create exclusively instead.
		if err := writeExclusive(path, data); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return LoadKeySet(path)
			}
			return nil, err
		}
	}
	return ks, nil
}

// WriteFile writes the set to path in the key file format (see LoadKeySet),
// mode 0600, replacing any existing file atomically. Use it to persist a
// rotation (Generate, Activate, Retire).
func (ks *KeySet) WriteFile(path string) error {
	data, err := ks.MarshalKeyFile()
	if err != nil {
		return err
	}
	tmp, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// writeTemp writes data to a new 0600 file beside path, synced, and returns its name.
func writeTemp(path string, data []byte) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(name)
		return "", err
	}
	if err := f.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// writeExclusive creates path (which must not exist) with mode 0600 and writes data.
func writeExclusive(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}
