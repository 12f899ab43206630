package token

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"github.com/authflow/authflow/challenge"
)

// TokenHash is the SHA-256 of a refresh token. RefreshState sees only
// hashes: a leaked state does not leak usable refresh tokens.
type TokenHash [sha256.Size]byte

// String returns the hash in hex (a hash is not a secret).
func (h TokenHash) String() string { return hex.EncodeToString(h[:]) }

// hashToken returns the TokenHash of a refresh token.
func hashToken(token string) TokenHash { return sha256.Sum256([]byte(token)) }

// Session is the state of one sign-in: one origin_jti, shared by every
// access, ID and refresh token issued from that sign-in and its refreshes.
type Session struct {
	// RefreshSession holds what the session's refresh tokens are bound to:
	// pool, client, username, sub, origin (the key of the session), auth
	// time and device key.
	challenge.RefreshSession
	// Created is when the sign-in completed.
	Created time.Time
	// UserGeneration is the user's revocation generation when the session
	// was created (see UserRevocation). A session is revoked when the
	// user's generation has moved past it.
	UserGeneration uint64
	// Revoked is set by RevokeSession and never cleared.
	Revoked bool
	// Expires is when the last token issued from the session expires; the
	// state may forget the session from then on.
	Expires time.Time
}

// RefreshRecord is what the state keeps of one refresh token.
type RefreshRecord struct {
	// Origin is the session the token belongs to.
	Origin string
	// Expires is when the token stops working: its validity, or the end of
	// its grace period once it has been rotated out.
	Expires time.Time
	// Keep is when the state may forget the record (at or after Expires).
	// Until then Revoke can still find the session through the token.
	Keep time.Time
}

// UserRevocation is the global sign-out state of one user.
type UserRevocation struct {
	// Generation counts the user's global sign-outs. Sessions created
	// before the latest one carry a smaller generation and are revoked.
	// Counting rather than comparing times keeps "issued before/after the
	// sign-out" exact even when a clock does not advance between calls.
	Generation uint64
	// At is the time of the latest global sign-out. It is used only for
	// access tokens whose session the state no longer holds: those with
	// iat at or before At (in seconds) are refused.
	At time.Time
	// Keep is when the state may forget the record.
	Keep time.Time
}

// RefreshState is where an Issuer keeps refresh tokens (as hashes) and
// revocations. MemoryState is the default; redisstate.State and
// sqlstate.State (packages token/redisstate and token/sqlstate) keep it in
// Redis or a SQL database, where it survives a restart and several server
// processes share it.
//
// Each method must be atomic on its own (the Issuer needs no transactions)
// and safe for concurrent use. Getters return (nil, nil) or the zero value
// for an unknown or forgotten entry; a non-nil error means the state itself
// failed. Times are the Issuer's clock. An implementation may forget an
// entry once its Expires/Keep time has passed, and must not before.
type RefreshState interface {
	// PutSession stores s under s.Origin. When a session with that origin
	// exists already, only its Expires changes, to the later of the two:
	// Revoked, Created and the bindings are kept.
	PutSession(ctx context.Context, s Session) error
	// GetSession returns the session origin, or nil.
	GetSession(ctx context.Context, origin string) (*Session, error)
	// RevokeSession marks the session origin revoked (for good). Unknown
	// origins are ignored.
	RevokeSession(ctx context.Context, origin string) error
	// PutRefresh stores the record of a new refresh token.
	PutRefresh(ctx context.Context, h TokenHash, r RefreshRecord) error
	// GetRefresh returns the record of a refresh token, or nil.
	GetRefresh(ctx context.Context, h TokenHash) (*RefreshRecord, error)
	// TouchRefresh updates the record of a refresh token after a refresh:
	// Expires becomes expireBy when that is earlier (a rotation; the zero
	// time leaves Expires alone), Keep becomes keepUntil when that is later
	// (so Revoke can find the session as long as tokens issued from it
	// live). It returns the Expires the record had before the call, or the
	// zero time for an unknown hash. The read and the update must be one
	// atomic step: of two concurrent rotations of one token, only the first
	// sees the original expiry.
	TouchRefresh(ctx context.Context, h TokenHash, expireBy, keepUntil time.Time) (prev time.Time, err error)
	// RevokeUser records a global sign-out: the generation increases by
	// one, At and Keep become the later of the stored and given values.
	RevokeUser(ctx context.Context, poolID, username string, at, keep time.Time) error
	// GetUserRevocation returns the user's record, or the zero value.
	GetUserRevocation(ctx context.Context, poolID, username string) (UserRevocation, error)
}

// FailClosedState is implemented by a RefreshState that holds the session
// of every token issued through it for as long as the token lives
// (redisstate.State and sqlstate.State do; a session's Expires is the
// latest expiry of its tokens). For such a state a missing session can only mean that the
// state lost data: Redis restarted empty or evicted keys, a failover went
// to a lagging replica, a table was emptied. The Issuer then refuses the
// token as revoked ("Access Token has been revoked"), since it can no
// longer tell whether the token was revoked: after a loss every user signs
// in again, and no revoked token comes back to life.
//
// MemoryState does not implement it: it is lost with its process, and a
// token it never saw (from another process, or from before a restart) is
// accepted unless its user signed out globally since (a revocation that
// this state holds).
type FailClosedState interface {
	RefreshState
	// FailsClosed reports whether a missing session means lost data.
	FailsClosed() bool
}

// SessionRefreshPutter is implemented by a RefreshState that can store a
// session and a new refresh token of it in one write (sqlstate.State: one
// transaction, so one commit; redisstate.State: one round trip). The
// Issuer then uses it for every token grant that hands out a new refresh
// token, instead of PutSession followed by PutRefresh; the effect must be
// the same as those two calls.
type SessionRefreshPutter interface {
	RefreshState
	PutSessionRefresh(ctx context.Context, s Session, h TokenHash, r RefreshRecord) error
}

// sweepEvery is how often (by the state's clock) MemoryState reclaims
// expired entries; it also does so every sweepWrites writes.
const (
	sweepEvery  = time.Minute
	sweepWrites = 4096
)

// MemoryState is a RefreshState in process memory: the default, for a
// single server process and for tests. It is safe for concurrent use.
// Entries past their expiry are dropped on access and reclaimed by a sweep
// that runs at most once a minute (by the state's clock) or every few
// thousand writes. Its contents are lost when the process exits: refresh
// tokens stop working and revocations are forgotten (access tokens of a
// forgotten session are accepted until they expire).
type MemoryState struct {
	now func() time.Time

	mu        sync.Mutex
	sessions  map[string]*Session
	refresh   map[TokenHash]*RefreshRecord
	users     map[userKey]*UserRevocation
	lastSweep time.Time
	writes    int
}

type userKey struct{ pool, username string }

// NewMemoryState returns an empty MemoryState whose expiry decisions use
// now; nil means time.Now. Pass the Issuer's clock (New does so when
// Config.State is nil): with a different clock, entries could be reclaimed
// while the Issuer still needs them.
func NewMemoryState(now func() time.Time) *MemoryState {
	if now == nil {
		now = time.Now
	}
	return &MemoryState{
		now:      now,
		sessions: make(map[string]*Session),
		refresh:  make(map[TokenHash]*RefreshRecord),
		users:    make(map[userKey]*UserRevocation),
	}
}

// PutSession implements RefreshState.
func (m *MemoryState) PutSession(_ context.Context, s Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.wrote()
	if old, ok := m.sessions[s.Origin]; ok {
		if s.Expires.After(old.Expires) {
			old.Expires = s.Expires
		}
		return nil
	}
	c := s
	m.sessions[s.Origin] = &c
	return nil
}

// GetSession implements RefreshState.
func (m *MemoryState) GetSession(_ context.Context, origin string) (*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[origin]
	if !ok {
		return nil, nil
	}
	if !m.now().Before(s.Expires) {
		delete(m.sessions, origin)
		return nil, nil
	}
	c := *s
	return &c, nil
}

// RevokeSession implements RefreshState.
func (m *MemoryState) RevokeSession(_ context.Context, origin string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.wrote()
	if s, ok := m.sessions[origin]; ok {
		s.Revoked = true
	}
	return nil
}

// PutRefresh implements RefreshState.
func (m *MemoryState) PutRefresh(_ context.Context, h TokenHash, r RefreshRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.wrote()
	if r.Keep.Before(r.Expires) {
		r.Keep = r.Expires
	}
	m.refresh[h] = &r
	return nil
}

// GetRefresh implements RefreshState.
func (m *MemoryState) GetRefresh(_ context.Context, h TokenHash) (*RefreshRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.refresh[h]
	if !ok {
		return nil, nil
	}
	if !m.now().Before(r.Keep) {
		delete(m.refresh, h)
		return nil, nil
	}
	c := *r
	return &c, nil
}

// TouchRefresh implements RefreshState.
func (m *MemoryState) TouchRefresh(_ context.Context, h TokenHash, expireBy, keepUntil time.Time) (time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.wrote()
	r, ok := m.refresh[h]
	if !ok {
		return time.Time{}, nil
	}
	prev := r.Expires
	if !expireBy.IsZero() && expireBy.Before(r.Expires) {
		r.Expires = expireBy
	}
	if keepUntil.After(r.Keep) {
		r.Keep = keepUntil
	}
	return prev, nil
}

// RevokeUser implements RefreshState.
func (m *MemoryState) RevokeUser(_ context.Context, poolID, username string, at, keep time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.wrote()
	k := userKey{poolID, username}
	u, ok := m.users[k]
	if !ok {
		u = &UserRevocation{}
		m.users[k] = u
	}
	u.Generation++
	if at.After(u.At) {
		u.At = at
	}
	if keep.After(u.Keep) {
		u.Keep = keep
	}
	return nil
}

// GetUserRevocation implements RefreshState.
func (m *MemoryState) GetUserRevocation(_ context.Context, poolID, username string) (UserRevocation, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[userKey{poolID, username}]
	if !ok {
		return UserRevocation{}, nil
	}
	return *u, nil
}

// Len returns how many sessions, refresh tokens and user revocations the
// state holds (reclaimed entries excluded once a sweep has run).
func (m *MemoryState) Len() (sessions, refreshTokens, users int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sessions), len(m.refresh), len(m.users)
}

// Sweep reclaims every expired entry now. It runs on its own from time to
// time; calling it is only useful to free memory at a chosen moment.
func (m *MemoryState) Sweep() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(m.now())
}

// wrote counts a write and sweeps when due; m.mu must be held.
func (m *MemoryState) wrote() {
	m.writes++
	now := m.now()
	if m.writes >= sweepWrites || now.Sub(m.lastSweep) >= sweepEvery || now.Before(m.lastSweep) {
		m.sweep(now)
	}
}

// sweep drops expired entries; m.mu must be held.
func (m *MemoryState) sweep(now time.Time) {
	m.writes = 0
	m.lastSweep = now
	for k, s := range m.sessions {
		if !now.Before(s.Expires) {
			delete(m.sessions, k)
		}
	}
	for k, r := range m.refresh {
		if !now.Before(r.Keep) {
			delete(m.refresh, k)
		}
	}
	for k, u := range m.users {
		if !now.Before(u.Keep) {
			delete(m.users, k)
		}
	}
}
