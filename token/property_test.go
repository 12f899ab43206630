package token_test

import (
	"context"
	"testing"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
	"pgregory.net/rapid"
)

// The property test drives an Issuer with random sequences of sign-ins,
// refreshes (with and without rotation, by the right or a wrong client),
// revocations, global sign-outs and clock advances, against a model of
// what must hold. Named invariants, checked after every step for every
// token ever issued:
//
//   - "a revoked token never works again": once a token's sign-in has been
//     revoked (Revoke, RevokeUser), VerifyAccess / Refresh refuse it, with
//     the revoked message unless it has also expired;
//   - "an expired token never works": from exp on (access) or its expiry
//     (refresh, including the end of a rotation grace period), it is
//     refused;
//   - "the model agrees": every other token works.

const (
	propGrace = time.Minute
)

var (
	propUsers   = []string{"alice", "bob"}
	propClients = []string{"client-a", "client-b"}
)

type propSession struct {
	user, client string
	gen          int // the user's generation at sign-in
	revoked      bool
	expires      time.Time // the last expiry of any token issued from it
	accessV, idV time.Duration
	refreshV     time.Duration
	authTime     time.Time
	sub          string
}

type propRefresh struct {
	tok, origin string
	expires     time.Time
	keep        time.Time // when the state may forget it
	everRevoked bool
	everExpired bool
}

type propAccess struct {
	tok, origin string
	exp         time.Time
	everRevoked bool
	everExpired bool
}

type propModel struct {
	iss      *token.Issuer
	clk      *clock
	sessions map[string]*propSession
	refresh  []*propRefresh
	access   []*propAccess
	gen      map[string]int
}

func (m *propModel) now() time.Time { return m.clk.Now() }

// sessionRevoked is the model's revocation rule.
func (m *propModel) sessionRevoked(s *propSession) bool {
	return s.revoked || s.gen < m.gen[s.user]
}

func (m *propModel) signIn(t *rapid.T) {
	user := rapid.SampledFrom(propUsers).Draw(t, "user")
	client := rapid.SampledFrom(propClients).Draw(t, "client")
	s := &propSession{
		user: user, client: client, gen: m.gen[user], sub: "sub-" + user, authTime: m.now(),
		accessV:  rapid.SampledFrom([]time.Duration{5 * time.Minute, time.Hour}).Draw(t, "accessV"),
		idV:      rapid.SampledFrom([]time.Duration{5 * time.Minute, time.Hour}).Draw(t, "idV"),
		refreshV: rapid.SampledFrom([]time.Duration{30 * time.Minute, 2 * time.Hour}).Draw(t, "refreshV"),
	}
	g := challenge.TokenGrant{
		PoolID: testPool, ClientID: client, Username: user, Sub: s.sub, AuthTime: s.authTime,
		AccessValidity: s.accessV, IDValidity: s.idV, RefreshValidity: s.refreshV,
	}
	res, err := m.iss.Issue(context.Background(), g)
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	ac, err := m.iss.VerifyAccess(context.Background(), res.AccessToken)
	if err != nil {
		t.Fatalf("a fresh access token does not verify: %v", err)
	}
	m.sessions[ac.Origin] = s
	m.issued(t, s, ac.Origin, res, nil)
}

// issued records the tokens of res, issued from session origin (via the
// refresh token via, if any).
func (m *propModel) issued(t *rapid.T, s *propSession, origin string, res *challenge.AuthenticationResult, via *propRefresh) {
	now := m.now()
	exp := time.Unix(now.Unix(), 0).Add(s.accessV)
	idExp := time.Unix(now.Unix(), 0).Add(s.idV)
	last := maxT(exp, idExp)
	m.access = append(m.access, &propAccess{tok: res.AccessToken, origin: origin, exp: exp})
	if via != nil {
		via.keep = maxT(via.keep, last) // kept while what it issued lives
	}
	if res.RefreshToken != "" {
		rexp := now.Add(s.refreshV)
		last = maxT(last, rexp)
		m.refresh = append(m.refresh, &propRefresh{tok: res.RefreshToken, origin: origin, expires: rexp, keep: last})
	}
	s.expires = maxT(s.expires, last)
}

func maxT(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func (m *propModel) refreshValid(r *propRefresh) bool {
	return m.now().Before(r.expires) && !m.sessionRevoked(m.sessions[r.origin])
}

func (m *propModel) refreshOnce(t *rapid.T) {
	if len(m.refresh) == 0 {
		t.Skip("no refresh token yet")
	}
	r := rapid.SampledFrom(m.refresh).Draw(t, "refresh token")
	s := m.sessions[r.origin]
	client := s.client
	if rapid.Bool().Draw(t, "wrong client") {
		client = "client-z"
	}
	rotate := rapid.Bool().Draw(t, "rotate")
	want := client == s.client && m.refreshValid(r)

	rs, err := m.iss.Refresh(context.Background(), client, r.tok)
	if (err == nil) != want {
		t.Fatalf("Refresh: got err %v, model expects success=%v", err, want)
	}
	if err != nil {
		if challenge.CodeOf(err) != challenge.ErrNotAuthorized {
			t.Fatalf("Refresh error code %s", challenge.CodeOf(err))
		}
		return
	}
	if rs.Origin != r.origin || rs.Username != s.user || rs.ClientID != s.client {
		t.Fatalf("Refresh returned another sign-in: %+v", rs)
	}
	g := refreshGrant(rs, r.tok, rotate)
	g.AccessValidity, g.IDValidity, g.RefreshValidity = s.accessV, s.idV, s.refreshV
	res, err := m.iss.Issue(context.Background(), g)
	if err != nil {
		t.Fatalf("Issue after a successful Refresh: %v", err)
	}
	if rotate != (res.RefreshToken != "") {
		t.Fatalf("rotate=%v but RefreshToken present=%v", rotate, res.RefreshToken != "")
	}
	m.issued(t, s, r.origin, res, r)
	if rotate {
		r.expires = minT(r.expires, m.now().Add(propGrace))
	}
}

func minT(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func (m *propModel) revoke(t *rapid.T) {
	if len(m.refresh) == 0 {
		t.Skip("no refresh token yet")
	}
	r := rapid.SampledFrom(m.refresh).Draw(t, "refresh token")
	s := m.sessions[r.origin]
	known := m.now().Before(r.keep) && m.now().Before(s.expires)
	if rapid.Bool().Draw(t, "wrong client") {
		err := m.iss.Revoke(context.Background(), "client-z", r.tok)
		if known && challenge.CodeOf(err) != challenge.ErrUnauthorized {
			t.Fatalf("Revoke by another client: %v", err)
		}
		if !known && err != nil {
			t.Fatalf("Revoke of a forgotten token: %v", err)
		}
		return
	}
	if err := m.iss.Revoke(context.Background(), s.client, r.tok); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if known {
		s.revoked = true
	}
}

func (m *propModel) revokeUser(t *rapid.T) {
	user := rapid.SampledFrom(propUsers).Draw(t, "user")
	if err := m.iss.RevokeUser(context.Background(), testPool, user); err != nil {
		t.Fatalf("RevokeUser: %v", err)
	}
	m.gen[user]++
}

func (m *propModel) advance(t *rapid.T) {
	secs := rapid.Int64Range(0, 90*60).Draw(t, "seconds")
	m.clk.Advance(time.Duration(secs) * time.Second)
}

func (m *propModel) check(t *rapid.T) {
	ctx := context.Background()
	now := m.now()
	for _, a := range m.access {
		s := m.sessions[a.origin]
		expired := !now.Before(a.exp)
		revoked := m.sessionRevoked(s)
		a.everExpired = a.everExpired || expired
		a.everRevoked = a.everRevoked || revoked
		_, err := m.iss.VerifyAccess(ctx, a.tok)
		switch {
		case a.everRevoked && err == nil:
			t.Fatalf("invariant \"a revoked token never works again\" broken by an access token")
		case a.everExpired && err == nil:
			t.Fatalf("invariant \"an expired token never works\" broken by an access token")
		case expired && challenge.MessageOf(err) != token.MsgAccessTokenExpired:
			t.Fatalf("expired access token: %v", err)
		case !expired && revoked && challenge.MessageOf(err) != challenge.MsgAccessTokenRevoked:
			t.Fatalf("revoked access token: %v", err)
		case !expired && !revoked && err != nil:
			t.Fatalf("invariant \"the model agrees\": a live access token is refused: %v", err)
		}
	}
	for _, r := range m.refresh {
		s := m.sessions[r.origin]
		expired := !now.Before(r.expires)
		revoked := m.sessionRevoked(s)
		r.everExpired = r.everExpired || expired
		r.everRevoked = r.everRevoked || revoked
		_, err := m.iss.Refresh(ctx, s.client, r.tok)
		switch {
		case r.everRevoked && err == nil:
			t.Fatalf("invariant \"a revoked token never works again\" broken by a refresh token")
		case r.everExpired && err == nil:
			t.Fatalf("invariant \"an expired token never works\" broken by a refresh token")
		case expired && challenge.MessageOf(err) != challenge.MsgInvalidRefreshToken:
			t.Fatalf("expired refresh token: %v", err)
		case !expired && revoked && challenge.MessageOf(err) != challenge.MsgRefreshTokenRevoked:
			t.Fatalf("revoked refresh token: %v", err)
		case !expired && !revoked && err != nil:
			t.Fatalf("invariant \"the model agrees\": a live refresh token is refused: %v", err)
		}
	}
}

func TestPropertyRevokedAndExpiredTokensNeverWork(t *testing.T) {
	keys := loadKeys(t)
	rapid.Check(t, func(t *rapid.T) {
		c := newClock()
		seed := rapid.Byte().Draw(t, "seed")
		iss, err := token.New(token.Config{Keys: keys, Now: c.Now, Rand: seeded(seed), RotationGrace: propGrace})
		if err != nil {
			t.Fatal(err)
		}
		m := &propModel{iss: iss, clk: c, sessions: map[string]*propSession{}, gen: map[string]int{}}
		t.Repeat(map[string]func(*rapid.T){
			"signIn":     m.signIn,
			"refresh":    m.refreshOnce,
			"revoke":     m.revoke,
			"revokeUser": m.revokeUser,
			"advance":    m.advance,
			"":           m.check,
		})
	})
}
