package flowtest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/authflow/authflow/challenge"
)

// Issuer is a fake flow.Issuer: tokens are readable strings
// ("access-3.<user>"), not JWTs, and every fact is kept in maps. It
// enforces expiry (with Now), client binding and revocation exactly, so the
// engine's refresh and sign-out rules can be tested without cryptography.
type Issuer struct {
	Now func() time.Time

	mu      sync.Mutex
	n       int
	refresh map[string]*refreshEntry
	access  map[string]*challenge.AccessClaims
	revoked map[string]bool // origin -> revoked
	// Grants records every grant, in order.
	Grants []challenge.TokenGrant
}

type refreshEntry struct {
	rs      challenge.RefreshSession
	expires time.Time
}

// NewIssuer returns a fake issuer reading the time from now.
func NewIssuer(now func() time.Time) *Issuer {
	return &Issuer{Now: now, refresh: map[string]*refreshEntry{}, access: map[string]*challenge.AccessClaims{},
		revoked: map[string]bool{}}
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Issue implements flow.Issuer.
func (f *Issuer) Issue(_ context.Context, g challenge.TokenGrant) (*challenge.AuthenticationResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Grants = append(f.Grants, g)
	f.n++
	now := f.Now()
	origin := g.Origin
	if origin == "" {
		origin = fmt.Sprintf("origin-%d", f.n)
	}
	access := fmt.Sprintf("access-%d.%s", f.n, g.Username)
	av := orDefault(g.AccessValidity, time.Hour)
	f.access[access] = &challenge.AccessClaims{PoolID: g.PoolID, ClientID: g.ClientID, Username: g.Username,
		Sub: g.Sub, Origin: origin, JTI: access, DeviceKey: g.DeviceKey, Scopes: []string{challenge.ScopeSigninUserAdmin},
		AuthTime: g.AuthTime, IssuedAt: now, ExpiresAt: now.Add(av)}
	r := &challenge.AuthenticationResult{AccessToken: access, IdToken: fmt.Sprintf("id-%d.%s", f.n, g.Username),
		ExpiresIn: int32(av / time.Second), TokenType: challenge.TokenTypeBearer}
	if g.Refresh == "" || g.RotateRefresh {
		rt := fmt.Sprintf("refresh-%d.%s", f.n, g.Username)
		f.refresh[rt] = &refreshEntry{rs: challenge.RefreshSession{PoolID: g.PoolID, ClientID: g.ClientID,
			Username: g.Username, Sub: g.Sub, Origin: origin, AuthTime: g.AuthTime, DeviceKey: g.DeviceKey},
			expires: now.Add(orDefault(g.RefreshValidity, 30*24*time.Hour))}
		r.RefreshToken = rt
		if g.RotateRefresh {
			delete(f.refresh, g.Refresh)
		}
	}
	return r, nil
}

// Refresh implements flow.Issuer.
func (f *Issuer) Refresh(_ context.Context, clientID, token string) (*challenge.RefreshSession, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.refresh[token]
	if e == nil || e.rs.ClientID != clientID || !f.Now().Before(e.expires) || f.revoked[e.rs.Origin] {
		return nil, challenge.New(challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken)
	}
	rs := e.rs
	return &rs, nil
}

// VerifyAccess implements flow.Issuer.
func (f *Issuer) VerifyAccess(_ context.Context, token string) (*challenge.AccessClaims, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.access[token]
	if c == nil {
		return nil, challenge.New(challenge.ErrNotAuthorized, challenge.MsgInvalidAccessToken)
	}
	if !f.Now().Before(c.ExpiresAt) {
		return nil, challenge.New(challenge.ErrNotAuthorized, "Access Token has expired")
	}
	if f.revoked[c.Origin] {
		return nil, challenge.New(challenge.ErrNotAuthorized, challenge.MsgAccessTokenRevoked)
	}
	cc := *c
	return &cc, nil
}

// Revoke implements flow.Issuer.
func (f *Issuer) Revoke(_ context.Context, clientID, token string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.refresh[token]
	if e == nil {
		return nil
	}
	if e.rs.ClientID != clientID {
		return challenge.New(challenge.ErrUnauthorized, "The token was not issued to this client.")
	}
	f.revoked[e.rs.Origin] = true
	return nil
}

// RevokeUser implements flow.Issuer.
func (f *Issuer) RevokeUser(_ context.Context, poolID, username string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range f.refresh {
		if e.rs.PoolID == poolID && e.rs.Username == username {
			f.revoked[e.rs.Origin] = true
		}
	}
	return nil
}

// Username extracts the username from a fake token.
func Username(token string) string {
	_, u, _ := strings.Cut(token, ".")
	return u
}
