package flow

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/authflow/authflow/srp"
)

// Config wires a Server. Directory, Catalog, Sessions and Issuer are
// required; the rest have defaults.
type Config struct {
	Directory Directory
	Catalog   Catalog
	Sessions  Store
	Issuer    Issuer
	// Limiter counts attempts that no user record holds (guesses for
	// unknown names, code requests, new sign-in sessions). Default: Sessions
	// when it implements Limiter (session.Memory and redisstore.Store do),
	// else a bounded in-process counter. Nodes that share users must share
	// it.
	Limiter Limiter
	// Sender delivers codes; nil means SMS and email codes are never offered.
	Sender Sender
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Rand is the source of every random value: SRP exponents, salts,
	// secret blocks, codes, identifiers (default crypto/rand.Reader). A
	// seeded reader makes a whole run reproducible. It must be safe for
	// concurrent use when the Server is used concurrently.
	Rand io.Reader
	// DecoyKey keys the decoy SRP values shown for unknown users under
	// PreventUserExistenceErrors; random when nil.
	DecoyKey []byte
	// Region names the region of the pools this server creates (default us-east-1).
	Region string
	Limits Limits
	Hooks  Hooks
	// SRP is the server side of SRP (nil: DefaultSRP, package srp).
	SRP SRP
	// Passkeys runs WebAuthn ceremonies (webauthn.Ceremonies); nil means
	// passkeys are off. PasskeyOrigins are origins allowed besides
	// https://<relying party id> (e.g. a local development origin).
	Passkeys       Passkeys
	PasskeyOrigins []string
	// Trace, when set, is called with the transitions of Transitions that
	// each step takes (tests and transcripts record them).
	Trace func([]Transition)
	// Events records the sign-in events of pools with threat protection
	// (DirectoryEvents keeps them in the user record); nil records none.
	Events EventRecorder
}

// Server is the sign-in engine's driver: it loads state, looks things up,
// steps the machine, spends sessions and applies effects. It is safe for
// concurrent use.
type Server struct {
	dir      Directory
	cat      Catalog
	sessions Store
	limiter  Limiter
	issuer   Issuer
	sender   Sender
	now      func() time.Time
	rand     io.Reader
	decoyKey []byte
	region   string
	limits   Limits
	hooks    Hooks
	srp      SRP
	passkeys Passkeys
	origins  []string
	pad      padder // unknown names' guesses take as long as users'
	trace    func([]Transition)
	events   EventRecorder
}

// New checks cfg and returns a Server.
func New(cfg Config) (*Server, error) {
	if cfg.Directory == nil || cfg.Catalog == nil || cfg.Sessions == nil || cfg.Issuer == nil {
		return nil, errors.New("flow: Config needs Directory, Catalog, Sessions and Issuer")
	}
	s := &Server{
		dir: cfg.Directory, cat: cfg.Catalog, sessions: cfg.Sessions, issuer: cfg.Issuer,
		sender: cfg.Sender, now: cfg.Now, rand: cfg.Rand, decoyKey: cfg.DecoyKey,
		region: cfg.Region, limits: cfg.Limits.withDefaults(), hooks: cfg.Hooks, srp: cfg.SRP,
		passkeys: cfg.Passkeys, origins: cfg.PasskeyOrigins, limiter: cfg.Limiter, trace: cfg.Trace,
		events: cfg.Events,
	}
	if s.srp == nil {
		s.srp = DefaultSRP{}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.limiter == nil {
		if l, ok := cfg.Sessions.(Limiter); ok {
			s.limiter = l
		} else {
			s.limiter = &memLimiter{now: s.now}
		}
	}
	if s.rand == nil {
		s.rand = rand.Reader
	} else {
		s.rand = &lockedReader{r: s.rand}
	}
	if s.region == "" {
		s.region = "us-east-1"
	}
	if s.decoyKey == nil {
		s.decoyKey = make([]byte, 32)
		if _, err := io.ReadFull(s.rand, s.decoyKey); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// lockedReader serialises a caller's reader, which need not be safe for
// concurrent use (seeded test readers are not).
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}

// clientAndPool looks up an app client and its pool. adminPoolID, when not
// empty, must be the client's pool.
func (s *Server) clientAndPool(ctx context.Context, clientID, adminPoolID string) (*AppClient, *Pool, error) {
	if clientID == "" {
		return nil, nil, errMissing("ClientId")
	}
	if len(clientID) > 128 {
		return nil, nil, errParam("ClientId is too long.")
	}
	if adminPoolID != "" {
		p, err := s.cat.Pool(ctx, adminPoolID)
		if err != nil {
			return nil, nil, errInternal(err)
		}
		if p == nil {
			return nil, nil, errNoPool(adminPoolID)
		}
	}
	c, err := s.cat.Client(ctx, clientID)
	if err != nil {
		return nil, nil, errInternal(err)
	}
	if c == nil || (adminPoolID != "" && c.PoolID != adminPoolID) {
		return nil, nil, errNoClient(clientID)
	}
	p, err := s.cat.Pool(ctx, c.PoolID)
	if err != nil {
		return nil, nil, errInternal(err)
	}
	if p == nil {
		return nil, nil, errNoClient(clientID)
	}
	return c, p, nil
}

// canonicalUsername applies the pool's case sensitivity.
func canonicalUsername(p *Pool, name string) string {
	if p.CaseSensitive {
		return name
	}
	return strings.ToLower(name)
}

// findUser finds a user by username or by a sign-in alias.
func (s *Server) findUser(ctx context.Context, p *Pool, name string) (*User, error) {
	if name == "" {
		return nil, nil
	}
	u, err := s.dir.User(ctx, p.ID, canonicalUsername(p, name))
	if err != nil || u != nil {
		return u, err
	}
	for _, attr := range signInAttributes(p, name) {
		value := name
		if attr == "email" || attr == "preferred_username" {
			if !p.CaseSensitive || attr == "email" {
				value = strings.ToLower(name)
			}
		}
		u, err := s.dir.UserByAttribute(ctx, p.ID, attr, value)
		if err != nil {
			return nil, err
		}
		if u == nil {
			continue
		}
		// An alias signs in only when verified; a username attribute always does.
		aliasOnly := !contains(p.UsernameAttributes, attr)
		if aliasOnly && attr != "preferred_username" && u.Attributes[attr+"_verified"] != "true" {
			continue
		}
		return u, nil
	}
	return nil, nil
}

// signInAttributes lists the attributes a name may be, by its shape.
func signInAttributes(p *Pool, name string) []string {
	var out []string
	for _, a := range append(append([]string(nil), p.UsernameAttributes...), p.AliasAttributes...) {
		switch a {
		case "email":
			if strings.Contains(name, "@") {
				out = append(out, a)
			}
		case "phone_number":
			if strings.HasPrefix(name, "+") {
				out = append(out, a)
			}
		case "preferred_username":
			out = append(out, a)
		}
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// checkSecretHash verifies SECRET_HASH for a secret client. username is
// the name the hash must cover; alt, when not empty, is also accepted.
func checkSecretHash(c *AppClient, hash string, names ...string) error {
	if c.Secret == "" {
		return nil
	}
	if hash == "" {
		return errSecretHash(c.ID)
	}
	for _, n := range names {
		if n != "" && srp.VerifySecretHash(c.Secret, n, c.ID, hash) {
			return nil
		}
	}
	return errSecretHash(c.ID)
}
