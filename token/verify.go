package token

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/golang-jwt/jwt/v5"
)

// wireClaims are the claims VerifyAccess and VerifyID read.
type wireClaims struct {
	jwt.RegisteredClaims
	TokenUse        string   `json:"token_use"`
	ClientID        string   `json:"client_id"`
	OriginJTI       string   `json:"origin_jti"`
	EventID         string   `json:"event_id"`
	Scope           string   `json:"scope"`
	AuthTime        int64    `json:"auth_time"`
	Username        string   `json:"username"`
	CognitoUsername string   `json:"cognito:username"`
	DeviceKey       string   `json:"device_key"`
	Groups          []string `json:"cognito:groups"`
}

// messages are the client-safe messages of one token kind.
type messages struct{ invalid, expired, revoked string }

var (
	accessMessages = messages{challenge.MsgInvalidAccessToken, MsgAccessTokenExpired, challenge.MsgAccessTokenRevoked}
	idMessages     = messages{MsgInvalidIDToken, MsgIDTokenExpired, MsgIDTokenRevoked}
)

// VerifyAccess checks an access token issued by this Issuer (or by another
// sharing its keys and state) and returns its facts (times in UTC).
//
// It refuses, with NotAuthorizedException:
//   - "Invalid Access Token": a string longer than MaxTokenBytes (not
//     parsed); anything that is not a compact JWS signed with RS256 by a
//     key the KeySet still publishes (by kid; retired keys are refused);
//     a token whose token_use is not "access", whose iss is not
//     Config.IssuerURL of its pool, or that lacks sub, client_id,
//     username, origin_jti, jti, iat or exp;
//   - "Access Token has expired": exp at or before the Issuer's clock;
//   - "Access Token has been revoked": its sign-in was revoked (Revoke), or
//     the user was signed out globally after it was issued (RevokeUser),
//     or the state is a FailClosedState that no longer holds its sign-in
//     (it lost data, so the token may have been revoked).
//
// It returns InternalErrorException when the state fails.
func (i *Issuer) VerifyAccess(ctx context.Context, accessToken string) (*challenge.AccessClaims, error) {
	c, pool, err := i.verify(ctx, accessToken, "access", accessMessages)
	if err != nil {
		return nil, err
	}
	return &challenge.AccessClaims{
		PoolID:    pool,
		ClientID:  c.ClientID,
		Username:  c.Username,
		Sub:       c.Subject,
		Origin:    c.OriginJTI,
		JTI:       c.ID,
		DeviceKey: c.DeviceKey,
		Scopes:    strings.Fields(c.Scope),
		AuthTime:  time.Unix(c.AuthTime, 0).UTC(),
		IssuedAt:  c.IssuedAt.UTC(),
		ExpiresAt: c.ExpiresAt.UTC(),
	}, nil
}

// IDClaims are the facts of a valid ID token. Times are in UTC.
type IDClaims struct {
	PoolID    string
	ClientID  string // aud
	Username  string // cognito:username
	Sub       string
	Origin    string // origin_jti
	JTI       string
	EventID   string
	Groups    []string // cognito:groups
	AuthTime  time.Time
	IssuedAt  time.Time
	ExpiresAt time.Time
	// Claims holds every claim of the token as decoded JSON (numbers are
	// json.Number), user attributes and hook-added claims included.
	Claims map[string]any
}

// VerifyID checks an ID token as VerifyAccess checks an access token
// (token_use "id"; cognito:username and aud instead of username and
// client_id) and returns its claims. When clientID is not empty the token's
// aud must equal it. Its NotAuthorizedException messages are "Invalid ID
// Token", "ID Token has expired" and "ID Token has been revoked". No
// Cognito operation takes an ID token; VerifyID is for tests, tools and
// resource servers embedding the issuer.
func (i *Issuer) VerifyID(ctx context.Context, idToken, clientID string) (*IDClaims, error) {
	c, pool, err := i.verify(ctx, idToken, "id", idMessages)
	if err != nil {
		return nil, err
	}
	if clientID != "" && c.Audience[0] != clientID {
		return nil, challenge.Wrap(challenge.ErrNotAuthorized, MsgInvalidIDToken, errors.New("token: ID token of another client"))
	}
	all, err := decodePayload(idToken)
	if err != nil {
		return nil, challenge.Wrap(challenge.ErrNotAuthorized, MsgInvalidIDToken, err)
	}
	return &IDClaims{
		PoolID:    pool,
		ClientID:  c.Audience[0],
		Username:  c.CognitoUsername,
		Sub:       c.Subject,
		Origin:    c.OriginJTI,
		JTI:       c.ID,
		EventID:   c.EventID,
		Groups:    c.Groups,
		AuthTime:  time.Unix(c.AuthTime, 0).UTC(),
		IssuedAt:  c.IssuedAt.UTC(),
		ExpiresAt: c.ExpiresAt.UTC(),
		Claims:    all,
	}, nil
}

// verify parses and checks a token of kind use ("access" or "id"): size,
// signature, claims, expiry, revocation. It returns the claims and the pool.
func (i *Issuer) verify(ctx context.Context, tok, use string, msg messages) (*wireClaims, string, error) {
	invalid := func(cause error) error {
		return challenge.Wrap(challenge.ErrNotAuthorized, msg.invalid, cause)
	}
	if tok == "" || len(tok) > MaxTokenBytes {
		return nil, "", invalid(errors.New("token: empty or oversized token"))
	}
	var c wireClaims
	var stateErr error
	keyFunc := func(t *jwt.Token) (any, error) {
		pub, err := i.verificationKey(ctx, t, &c)
		if err != nil && !errors.Is(err, errNoKey) {
			stateErr = err
		}
		return pub, err
	}
	if _, err := i.parser.ParseWithClaims(tok, &c, keyFunc); err != nil {
		if stateErr != nil {
			return nil, "", internal(stateErr)
		}
		return nil, "", invalid(err)
	}
	pool, err := i.checkClaims(&c, use)
	if err != nil {
		return nil, "", invalid(err)
	}
	if !i.now().Before(c.ExpiresAt.Time) {
		return nil, "", challenge.New(challenge.ErrNotAuthorized, msg.expired)
	}
	username := c.Username
	if use == "id" {
		username = c.CognitoUsername
	}
	revoked, err := i.tokenRevoked(ctx, &c, pool, username)
	if err != nil {
		return nil, "", err
	}
	if revoked {
		return nil, "", challenge.New(challenge.ErrNotAuthorized, msg.revoked)
	}
	return &c, pool, nil
}

// errNoKey is the keyFunc failure of a token no published key verifies.
var errNoKey = errors.New("token: kid is not a published key of the token's pool")

// verificationKey returns the published key the token's kid names: with
// Config.PoolKeys, a key of the pool its (not yet verified) iss names,
// never another pool's. Other errors than errNoKey are failures of the
// key source.
func (i *Issuer) verificationKey(ctx context.Context, t *jwt.Token, c *wireClaims) (any, error) {
	kid, ok := t.Header["kid"].(string)
	if !ok {
		return nil, fmt.Errorf("%w: no kid in header", errNoKey)
	}
	if i.poolKeys == nil {
		pub, ok := i.keys.PublicKey(kid)
		if !ok {
			return nil, errNoKey
		}
		return pub, nil
	}
	slash := strings.LastIndexByte(c.Issuer, '/')
	pool := c.Issuer[slash+1:]
	if slash < 0 || !validPoolID(pool) || i.issuerURL(pool) != c.Issuer {
		return nil, fmt.Errorf("%w: unexpected iss", errNoKey)
	}
	for _, fresh := range []bool{false, true} {
		ks, err := i.poolKeys.LookupPoolKeySet(ctx, pool, fresh)
		if err != nil {
			return nil, err
		}
		if ks == nil {
			return nil, errNoKey
		}
		if pub, ok := ks.PublicKey(kid); ok {
			return pub, nil
		}
	}
	return nil, errNoKey
}

// checkClaims checks the claims every token of kind use must have and
// returns the pool ID recovered from iss.
func (i *Issuer) checkClaims(c *wireClaims, use string) (string, error) {
	if c.TokenUse != use {
		return "", errors.New("token: wrong token_use")
	}
	slash := strings.LastIndexByte(c.Issuer, '/')
	pool := c.Issuer[slash+1:]
	if slash < 0 || !validPoolID(pool) || i.issuerURL(pool) != c.Issuer {
		return "", errors.New("token: unexpected iss")
	}
	if c.Subject == "" || c.ID == "" || c.OriginJTI == "" || c.ExpiresAt == nil || c.IssuedAt == nil {
		return "", errors.New("token: missing claims")
	}
	switch use {
	case "access":
		if c.ClientID == "" || c.Username == "" {
			return "", errors.New("token: missing claims")
		}
	case "id":
		if len(c.Audience) != 1 || c.Audience[0] == "" || c.CognitoUsername == "" {
			return "", errors.New("token: missing claims")
		}
	}
	return pool, nil
}

// tokenRevoked reports whether the sign-in of a token was revoked, or its
// user signed out globally after it was issued.
func (i *Issuer) tokenRevoked(ctx context.Context, c *wireClaims, pool, username string) (bool, error) {
	s, err := i.state.GetSession(ctx, c.OriginJTI)
	if err != nil {
		return false, internal(err)
	}
	if s != nil {
		if s.PoolID != pool || s.Username != username {
			return true, nil // cannot happen for tokens of this issuer
		}
		return i.sessionRevoked(ctx, s)
	}
	// The state has forgotten the session. A state that keeps every
	// session while its tokens live has lost data: fail closed.
	if fc, ok := i.state.(FailClosedState); ok && fc.FailsClosed() {
		return true, nil
	}
	// A state that may never have seen it (MemoryState of another process):
	// fall back on the time of the user's latest global sign-out, in whole
	// seconds as iat is, refusing tokens of that very second.
	ur, err := i.state.GetUserRevocation(ctx, pool, username)
	if err != nil {
		return false, internal(err)
	}
	return ur.Generation > 0 && c.IssuedAt.Unix() <= ur.At.Unix(), nil
}

// decodePayload returns the claims of an already verified token as a map.
func decodePayload(tok string) (map[string]any, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errors.New("token: not a compact JWS")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}
