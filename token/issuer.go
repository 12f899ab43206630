package token

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Token lifetimes. A zero (or negative) validity in a TokenGrant means the
// Cognito default; validities are rounded up to whole seconds and capped at
// MaxValidity (Cognito's largest refresh token validity, ten years).
const (
	DefaultAccessValidity  = time.Hour
	DefaultIDValidity      = time.Hour
	DefaultRefreshValidity = 30 * 24 * time.Hour
	MaxValidity            = 3650 * 24 * time.Hour
)

// MaxTokenBytes bounds every token the Issuer accepts: longer strings are
// refused without being parsed.
const MaxTokenBytes = 16 << 10

// AdminScope is the scope of every access token from API sign-in: it
// authorizes the user's own Cognito operations (GetUser, ChangePassword, ...).
const AdminScope = "aws.cognito.signin.user.admin"

// TokenType is the AuthenticationResult.TokenType of every result.
const TokenType = "Bearer"

// msgInternal is the client-safe message of an internal failure.
const msgInternal = "An internal error occurred."

// Config configures an Issuer. Keys or PoolKeys is required.
type Config struct {
	// PoolKeys gives each user pool its own signing keys (see PoolKeys):
	// a token of one pool then never verifies with another pool's keys or
	// JWKS, as in Cognito. When set, Keys is not used.
	PoolKeys KeySource
	// Keys signs and verifies the tokens of every pool when PoolKeys is
	// nil. The Issuer uses the set live: keys added, activated or retired
	// later take effect at once. One set for every pool means a token of
	// pool A verifies against pool B's JWKS: prefer PoolKeys.
	Keys *KeySet
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand is the randomness for token ids (jti, event_id, origin_jti) and
	// refresh tokens; nil means crypto/rand.Reader. Reads are serialized,
	// so a reader that is not safe for concurrent use (math/rand/v2's
	// ChaCha8, for reproducible tests) is fine. Outside tests it must be a
	// cryptographically secure source: refresh tokens are bearer secrets.
	Rand io.Reader
	// IssuerURL returns the iss claim of a pool's tokens; nil means
	// DefaultIssuerURL. Its result must end with "/" + poolID: VerifyAccess
	// recovers the pool from the last path segment of iss.
	IssuerURL func(poolID string) string
	// State keeps refresh tokens and revocations; nil means a new
	// MemoryState on the Now clock. Use a shared state when several
	// processes issue and verify tokens.
	State RefreshState
	// RotationGrace is how long a refresh token stays usable after a
	// rotation has replaced it (TokenGrant.RotateRefresh), so a client
	// that lost the answer can retry. 0 (the default) makes the old token
	// invalid at once, and then of two concurrent rotations of one token
	// only one succeeds. Within the grace period each use of the old token
	// rotates again (a new token each time); the deadline never moves.
	RotationGrace time.Duration
}

// Issuer is authflow's default token issuer: RS256 JWTs with Cognito's
// claims, signed by the active key of a KeySet, and opaque refresh tokens
// kept (hashed) in a RefreshState. It implements the flow.Issuer port.
//
// An Issuer is safe for concurrent use. Every error it returns is a
// *challenge.Error; failures of the state or of the random source are
// InternalErrorException with the cause attached for logs. Errors and
// String output never contain tokens or keys.
type Issuer struct {
	keys      *KeySet
	poolKeys  KeySource
	now       func() time.Time
	issuerURL func(string) string
	state     RefreshState
	grace     time.Duration
	parser    *jwt.Parser

	randMu sync.Mutex
	rand   io.Reader
}

// New returns an Issuer for cfg. It fails when both cfg.PoolKeys and
// cfg.Keys are nil, when (without PoolKeys) cfg.Keys has no active key, or
// when RotationGrace is negative.
func New(cfg Config) (*Issuer, error) {
	if cfg.PoolKeys == nil {
		if cfg.Keys == nil {
			return nil, errors.New("token: Config.Keys or Config.PoolKeys is required")
		}
		if cfg.Keys.Active() == "" {
			return nil, errors.New("token: Config.Keys has no active signing key")
		}
	} else {
		cfg.Keys = nil
	}
	if cfg.RotationGrace < 0 {
		return nil, errors.New("token: Config.RotationGrace is negative")
	}
	i := &Issuer{
		keys:      cfg.Keys,
		poolKeys:  cfg.PoolKeys,
		now:       cfg.Now,
		issuerURL: cfg.IssuerURL,
		state:     cfg.State,
		grace:     cfg.RotationGrace,
		rand:      cfg.Rand,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
			jwt.WithStrictDecoding(),
			jwt.WithoutClaimsValidation(), // checked by hand, on the injected clock
		),
	}
	if i.now == nil {
		i.now = time.Now
	}
	if i.issuerURL == nil {
		i.issuerURL = DefaultIssuerURL
	}
	if i.rand == nil {
		i.rand = rand.Reader
	}
	if i.state == nil {
		i.state = NewMemoryState(i.now)
	}
	return i, nil
}

// DefaultIssuerURL returns Cognito's issuer for a pool:
// https://cognito-idp.<region>.amazonaws.com/<poolID>, where the region is
// the part of the pool ID before "_".
func DefaultIssuerURL(poolID string) string {
	region, _, _ := strings.Cut(poolID, "_")
	return "https://cognito-idp." + region + ".amazonaws.com/" + poolID
}

// Keys returns the issuer's key set shared by every pool (Config.Keys), or
// nil when each pool has its own (Config.PoolKeys).
func (i *Issuer) Keys() *KeySet { return i.keys }

// JWKS returns the JWKS document of Config.Keys; with Config.PoolKeys use
// PoolJWKS.
func (i *Issuer) JWKS() ([]byte, error) {
	if i.keys == nil {
		return nil, errors.New("token: each pool has its own keys; use PoolJWKS")
	}
	return i.keys.JWKS()
}

// PoolJWKS returns the JWKS document of the keys that sign poolID's tokens,
// for /<poolId>/.well-known/jwks.json. With Config.PoolKeys the pool's set
// is created when it has none yet.
func (i *Issuer) PoolJWKS(ctx context.Context, poolID string) ([]byte, error) {
	if i.poolKeys == nil {
		return i.keys.JWKS()
	}
	ks, err := i.poolKeys.PoolKeySet(ctx, poolID)
	if err != nil {
		return nil, err
	}
	return ks.JWKS()
}

// signingKeys returns the key set that signs poolID's tokens.
func (i *Issuer) signingKeys(ctx context.Context, poolID string) (*KeySet, error) {
	if i.poolKeys == nil {
		return i.keys, nil
	}
	return i.poolKeys.PoolKeySet(ctx, poolID)
}

// Issue signs an access token and an ID token for g, and returns them with
// ExpiresIn (the access token validity in seconds) and TokenType "Bearer".
//
// A new sign-in (g.Refresh and g.Origin empty) gets a new origin_jti and a
// refresh token. A refresh (g.Refresh set) re-checks the refresh token as
// Refresh does (and that it belongs to g's pool, client, username and sub,
// and to g.Origin when set), keeps its origin_jti, and returns a
// RefreshToken only when g.RotateRefresh asks for a new one, in which case
// the old token expires after Config.RotationGrace. A zero g.AuthTime means
// now for a sign-in and the session's auth time for a refresh.
//
// Errors: NotAuthorizedException for a refresh token Refresh would refuse;
// InvalidLambdaResponseException when g.Shape adds a claim value that
// cannot be encoded as JSON; InternalErrorException for a malformed grant
// (missing pool, client, username or sub; Origin without Refresh) and for
// failures of the state or of the random source.
func (i *Issuer) Issue(ctx context.Context, g challenge.TokenGrant) (*challenge.AuthenticationResult, error) {
	if err := checkGrant(&g); err != nil {
		return nil, internal(err)
	}
	now := i.now()
	accessV := validity(g.AccessValidity, DefaultAccessValidity)
	idV := validity(g.IDValidity, DefaultIDValidity)
	refreshV := validity(g.RefreshValidity, DefaultRefreshValidity)

	var (
		sess       Session
		newRefresh bool
	)
	if g.Refresh == "" {
		ur, err := i.state.GetUserRevocation(ctx, g.PoolID, g.Username)
		if err != nil {
			return nil, internal(err)
		}
		sess = Session{
			RefreshSession: challenge.RefreshSession{
				PoolID:    g.PoolID,
				ClientID:  g.ClientID,
				Username:  g.Username,
				Sub:       g.Sub,
				AuthTime:  g.AuthTime,
				DeviceKey: g.DeviceKey,
			},
			Created:        now,
			UserGeneration: ur.Generation,
		}
		if sess.AuthTime.IsZero() {
			sess.AuthTime = now
		}
		newRefresh = true
	} else {
		s, err := i.lookupRefresh(ctx, g.ClientID, g.Refresh, now)
		if err != nil {
			return nil, err
		}
		if (g.Origin != "" && g.Origin != s.Origin) || g.PoolID != s.PoolID || g.Username != s.Username || g.Sub != s.Sub {
			return nil, challenge.Wrap(challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken,
				errors.New("token: refresh token belongs to another sign-in than the grant"))
		}
		sess = *s
		newRefresh = g.RotateRefresh
	}
	authTime := g.AuthTime
	if authTime.IsZero() {
		authTime = sess.AuthTime
	}

	// Randomness, in this order: origin_jti (new sign-in only), event_id,
	// access jti, ID jti, refresh token (when one is issued).
	n := 3 * 16
	if g.Refresh == "" {
		n += 16
	}
	if newRefresh {
		n += refreshBytes
	}
	rnd := make([]byte, n)
	if err := i.readRand(rnd); err != nil {
		return nil, internal(err)
	}
	take := func(k int) []byte { b := rnd[:k]; rnd = rnd[k:]; return b }
	if g.Refresh == "" {
		sess.Origin = formatUUID(take(16))
	}
	eventID := formatUUID(take(16))
	if g.EventID != "" {
		eventID = g.EventID
	}
	accessJTI := formatUUID(take(16))
	idJTI := formatUUID(take(16))
	var refreshToken string
	if newRefresh {
		refreshToken = base64.RawURLEncoding.EncodeToString(take(refreshBytes))
	}

	iat := now.Unix()
	accessExp := iat + int64(accessV/time.Second)
	idExp := iat + int64(idV/time.Second)
	base := baseClaims{
		iss:      i.issuerURL(g.PoolID),
		sub:      g.Sub,
		clientID: g.ClientID,
		origin:   sess.Origin,
		eventID:  eventID,
		authTime: authTime.Unix(),
		iat:      iat,
	}
	ac, err := accessClaims(&g, base, accessExp, accessJTI)
	if err != nil {
		return nil, err
	}
	ic, err := idClaims(&g, base, idExp, idJTI)
	if err != nil {
		return nil, err
	}
	oauth := oauthFrom(ctx)
	oauth.apply(ac, ic, g.Shape)
	ks, err := i.signingKeys(ctx, g.PoolID)
	if err != nil {
		return nil, internal(err)
	}
	key, err := ks.signer()
	if err != nil {
		return nil, internal(err)
	}
	accessToken, err := sign(key, ac)
	if err != nil {
		return nil, err
	}
	oauth.finish(ic, accessToken)
	idToken, err := sign(key, ic)
	if err != nil {
		return nil, err
	}

	// State: touch the presented token first (so that, without grace, one
	// of two concurrent rotations loses), then extend the session, then
	// store the new token.
	// The presented token's record is kept while the tokens issued with it
	// live (so Revoke can still find the sign-in through it); the session
	// also while the new refresh token does.
	issuedUntil := maxTime(time.Unix(accessExp, 0), time.Unix(idExp, 0))
	expires := issuedUntil
	var refreshExp time.Time
	if newRefresh {
		refreshExp = now.Add(refreshV)
		expires = maxTime(expires, refreshExp)
	}
	if g.Refresh != "" {
		var expireBy time.Time // zero: unchanged
		if newRefresh {
			grace := i.grace
			if g.RotationGrace > 0 {
				grace = g.RotationGrace
			}
			expireBy = now.Add(grace)
		}
		prev, err := i.state.TouchRefresh(ctx, hashToken(g.Refresh), expireBy, issuedUntil)
		if err != nil {
			return nil, internal(err)
		}
		if !now.Before(prev) {
			return nil, challenge.Wrap(challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken,
				errors.New("token: refresh token was rotated or expired concurrently"))
		}
	}
	sess.Expires = expires
	if err := i.putSession(ctx, sess, newRefresh, refreshToken, refreshExp, expires); err != nil {
		return nil, internal(err)
	}
	return &challenge.AuthenticationResult{
		AccessToken:  accessToken,
		IdToken:      idToken,
		RefreshToken: refreshToken,
		ExpiresIn:    int32(accessV / time.Second),
		TokenType:    TokenType,
	}, nil
}

// putSession stores sess and, when newRefresh, the record of refreshToken:
// in one write when the state offers it (SessionRefreshPutter), so a
// sign-in waits for one commit.
func (i *Issuer) putSession(ctx context.Context, sess Session, newRefresh bool, refreshToken string, refreshExp, keep time.Time) error {
	if !newRefresh {
		return i.state.PutSession(ctx, sess)
	}
	rec := RefreshRecord{Origin: sess.Origin, Expires: refreshExp, Keep: keep}
	if p, ok := i.state.(SessionRefreshPutter); ok {
		return p.PutSessionRefresh(ctx, sess, hashToken(refreshToken), rec)
	}
	if err := i.state.PutSession(ctx, sess); err != nil {
		return err
	}
	return i.state.PutRefresh(ctx, hashToken(refreshToken), rec)
}

// checkGrant refuses grants the engine should never build.
func checkGrant(g *challenge.TokenGrant) error {
	switch {
	case !validPoolID(g.PoolID):
		return errors.New("token: grant has an invalid pool ID")
	case g.ClientID == "":
		return errors.New("token: grant has no client ID")
	case g.Username == "":
		return errors.New("token: grant has no username")
	case g.Sub == "":
		return errors.New("token: grant has no sub")
	case g.Origin != "" && g.Refresh == "":
		return errors.New("token: grant has an Origin but no Refresh token")
	case g.RotateRefresh && g.Refresh == "":
		return errors.New("token: grant asks for rotation without a Refresh token")
	}
	return nil
}

// validPoolID reports whether id can be a path segment of iss.
func validPoolID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		if c <= ' ' || c == '/' || c == '?' || c == '#' || c > '~' {
			return false
		}
	}
	return true
}

// validity applies the default and the bounds to a grant's validity.
func validity(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	if d > MaxValidity {
		return MaxValidity
	}
	return (d + time.Second - 1).Truncate(time.Second)
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// readRand fills b from the configured source, one reader at a time.
func (i *Issuer) readRand(b []byte) error {
	i.randMu.Lock()
	defer i.randMu.Unlock()
	if _, err := io.ReadFull(i.rand, b); err != nil {
		return fmt.Errorf("token: reading randomness: %w", err)
	}
	return nil
}

// formatUUID formats 16 random bytes as a version 4 UUID.
func formatUUID(b []byte) string {
	u, err := uuid.NewRandomFromReader(bytes.NewReader(b))
	if err != nil {
		panic("token: formatUUID needs 16 bytes") // callers always pass 16
	}
	return u.String()
}

// internal wraps a failure that is not the client's.
func internal(cause error) error {
	return challenge.Wrap(challenge.ErrInternalError, msgInternal, cause)
}

// sign returns the compact JWS of claims, with Cognito's header {"alg","kid"}.
func sign(key *signingKey, claims jwt.MapClaims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header = map[string]any{"alg": jwt.SigningMethodRS256.Alg(), "kid": key.kid}
	s, err := t.SignedString(key.priv)
	if err != nil {
		return "", internal(fmt.Errorf("token: signing: %w", err))
	}
	return s, nil
}

// baseClaims are the values both tokens of one issuance share.
type baseClaims struct {
	iss, sub, clientID, origin, eventID string
	authTime, iat                       int64
}

// Claim names.
const (
	claimSub             = "sub"
	claimIss             = "iss"
	claimAud             = "aud"
	claimExp             = "exp"
	claimIat             = "iat"
	claimJTI             = "jti"
	claimAuthTime        = "auth_time"
	claimTokenUse        = "token_use"
	claimOriginJTI       = "origin_jti"
	claimEventID         = "event_id"
	claimClientID        = "client_id"
	claimScope           = "scope"
	claimUsername        = "username"
	claimDeviceKey       = "device_key"
	claimGroups          = "cognito:groups"
	claimRoles           = "cognito:roles"
	claimPreferredRole   = "cognito:preferred_role"
	claimCognitoUsername = "cognito:username"
)

// reservedCommon are claims no pre token generation hook may add, override
// or suppress in either token: the registered JWT and OIDC claims and
// Cognito's own. Every "cognito:" claim is reserved too (groups change
// through ClaimsShape.GroupsOverride).
var reservedCommon = map[string]bool{
	claimSub: true, claimIss: true, claimAud: true, claimExp: true, claimIat: true, "nbf": true,
	claimJTI: true, claimAuthTime: true, claimTokenUse: true, claimOriginJTI: true,
	claimEventID: true, "nonce": true, "acr": true, "amr": true, "azp": true,
	"at_hash": true, "c_hash": true, "identities": true,
}

// reservedAccess are the further claims reserved in access tokens.
var reservedAccess = map[string]bool{
	claimClientID: true, claimScope: true, claimUsername: true, claimDeviceKey: true, "version": true,
}

// ReservedAccessClaim reports whether a pre token generation hook may not
// add, override or suppress the access token claim name. Issue silently
// ignores such instructions; an engine that prefers to reject them (as an
// InvalidLambdaResponseException) can check with this function first.
func ReservedAccessClaim(name string) bool {
	return name == "" || reservedCommon[name] || reservedAccess[name] || strings.HasPrefix(name, "cognito:")
}

// ReservedIDClaim is ReservedAccessClaim for the ID token. User attributes
// (email, custom:..., ...) are not reserved: a hook may override or suppress
// them.
func ReservedIDClaim(name string) bool {
	return name == "" || reservedCommon[name] || strings.HasPrefix(name, "cognito:")
}

// accessClaims builds the access token claims.
func accessClaims(g *challenge.TokenGrant, b baseClaims, exp int64, jti string) (jwt.MapClaims, error) {
	c := jwt.MapClaims{
		claimSub:       b.sub,
		claimIss:       b.iss,
		claimClientID:  b.clientID,
		claimOriginJTI: b.origin,
		claimEventID:   b.eventID,
		claimTokenUse:  "access",
		claimAuthTime:  b.authTime,
		claimExp:       exp,
		claimIat:       b.iat,
		claimJTI:       jti,
		claimUsername:  g.Username,
	}
	if s := scopes(g.Shape); s != "" {
		c[claimScope] = s
	}
	if groups := groupsOf(g); len(groups) > 0 {
		c[claimGroups] = groups
	}
	if g.DeviceKey != "" {
		c[claimDeviceKey] = g.DeviceKey
	}
	if g.Shape != nil {
		if err := shape(c, g.Shape.AccessClaimsToAdd, g.Shape.AccessClaimsToSuppress, ReservedAccessClaim); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// idClaims builds the ID token claims.
func idClaims(g *challenge.TokenGrant, b baseClaims, exp int64, jti string) (jwt.MapClaims, error) {
	c := jwt.MapClaims{}
	for name, value := range g.Attributes {
		if ReservedIDClaim(name) {
			continue
		}
		c[name] = attributeValue(name, value)
	}
	c[claimSub] = b.sub
	c[claimAud] = b.clientID
	c[claimIss] = b.iss
	c[claimCognitoUsername] = g.Username
	c[claimOriginJTI] = b.origin
	c[claimEventID] = b.eventID
	c[claimTokenUse] = "id"
	c[claimAuthTime] = b.authTime
	c[claimExp] = exp
	c[claimIat] = b.iat
	c[claimJTI] = jti
	if groups := groupsOf(g); len(groups) > 0 {
		c[claimGroups] = groups
	}
	roles, preferred := rolesOf(g)
	if len(roles) > 0 {
		c[claimRoles] = roles
	}
	if preferred != "" {
		c[claimPreferredRole] = preferred
	}
	if g.Shape != nil {
		if err := shape(c, g.Shape.IDClaimsToAdd, g.Shape.IDClaimsToSuppress, ReservedIDClaim); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// attributeValue renders a user attribute as Cognito does in ID tokens: the
// two *_verified attributes as JSON booleans, everything else as a string.
func attributeValue(name, value string) any {
	if name == "email_verified" || name == "phone_number_verified" {
		switch value {
		case "true":
			return true
		case "false":
			return false
		}
	}
	return value
}

// groupsOf returns the groups of the tokens: the override when there is one.
func groupsOf(g *challenge.TokenGrant) []string {
	groups := g.Groups
	if g.Shape != nil && g.Shape.GroupsOverride != nil {
		groups = g.Shape.GroupsOverride
	}
	return append([]string(nil), groups...)
}

// rolesOf returns the cognito:roles and cognito:preferred_role of the ID
// token: the overrides when there are.
func rolesOf(g *challenge.TokenGrant) ([]string, string) {
	roles, preferred := g.Roles, g.PreferredRole
	if g.Shape != nil && g.Shape.RolesOverride != nil {
		roles = g.Shape.RolesOverride
	}
	if g.Shape != nil && g.Shape.PreferredRoleOverride != nil {
		preferred = *g.Shape.PreferredRoleOverride
	}
	return append([]string(nil), roles...), preferred
}

// scopes returns the scope claim: AdminScope plus ScopesToAdd minus
// ScopesToSuppress, without duplicates, space-separated. Scope tokens that
// RFC 6749 §3.3 does not allow are ignored.
func scopes(s *challenge.ClaimsShape) string { return scopesOver([]string{AdminScope}, s) }

// scopesOver is scopes over another base list (the scopes an OAuth 2.0
// authorization granted).
func scopesOver(base []string, s *challenge.ClaimsShape) string {
	var list []string
	for _, sc := range base {
		if validScope(sc) && !contains(list, sc) {
			list = append(list, sc)
		}
	}
	if s != nil {
		for _, sc := range s.ScopesToAdd {
			if validScope(sc) && !contains(list, sc) {
				list = append(list, sc)
			}
		}
		kept := list[:0]
		for _, sc := range list {
			if !contains(s.ScopesToSuppress, sc) {
				kept = append(kept, sc)
			}
		}
		list = kept
	}
	return strings.Join(list, " ")
}

func validScope(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c == 0x22 || c == 0x5c || c > 0x7e {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// shape applies a hook's additions, then its suppressions (suppression wins),
// skipping reserved claims.
func shape(c jwt.MapClaims, add map[string]any, suppress []string, reserved func(string) bool) error {
	for name, value := range add {
		if reserved(name) {
			continue
		}
		if _, err := json.Marshal(value); err != nil {
			return challenge.Wrap(challenge.ErrInvalidLambdaResponse, "Invalid lambda response received",
				fmt.Errorf("token: claim %q cannot be encoded: %w", name, err))
		}
		c[name] = value
	}
	for _, name := range suppress {
		if reserved(name) {
			continue
		}
		delete(c, name)
	}
	return nil
}
