package token

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/golang-jwt/jwt/v5"
)

// OAuth is what a sign-in through OAuth 2.0 endpoints (managed login)
// changes in the tokens Issue signs: the access token's scope claim is
// the scopes granted (instead of AdminScope), and the ID token carries
// the authorization request's nonce and the at_hash of the access token.
// Package managedlogin puts it in the context of the engine calls that
// may end a sign-in (WithOAuth); the engine passes the context on to
// Issue unchanged.
type OAuth struct {
	// Scopes are the scopes granted, in order; a pre token generation
	// hook's ScopesToAdd and ScopesToSuppress still apply.
	Scopes []string
	// Nonce is the nonce of the authorization request ("" for none).
	Nonce string
}

type oauthKey struct{}

// WithOAuth returns ctx carrying o for the Issue calls made under it.
func WithOAuth(ctx context.Context, o OAuth) context.Context {
	return context.WithValue(ctx, oauthKey{}, &o)
}

// oauthFrom returns the OAuth of ctx, or nil.
func oauthFrom(ctx context.Context) *OAuth {
	o, _ := ctx.Value(oauthKey{}).(*OAuth)
	return o
}

// apply rewrites the claims of one issuance for o (nil: unchanged).
// The at_hash is added by finishOAuth once the access token is signed.
func (o *OAuth) apply(access, id jwt.MapClaims, shape *challenge.ClaimsShape) {
	if o == nil {
		return
	}
	if s := scopesOver(o.Scopes, shape); s != "" {
		access[claimScope] = s
	} else {
		delete(access, claimScope)
	}
	if o.Nonce != "" {
		id["nonce"] = o.Nonce
	}
}

// finish adds the at_hash of the signed access token to the ID claims.
func (o *OAuth) finish(id jwt.MapClaims, accessToken string) {
	if o != nil {
		id["at_hash"] = ATHash(accessToken)
	}
}

// ATHash returns the OpenID Connect at_hash of an RS256 access token: the
// base64url encoding of the left half of its SHA-256.
func ATHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// ClientGrant is a client-credentials grant: an access token for an app
// client itself, with no user.
type ClientGrant struct {
	PoolID   string
	ClientID string
	// Scopes are the resource-server scopes granted (at least one).
	Scopes []string
	// Validity is the client's access token validity; zero means
	// DefaultAccessValidity.
	Validity time.Duration
}

// IssueClientCredentials signs the access token of a client-credentials
// grant as Cognito does: sub and client_id are the client, token_use is
// "access", scope the granted scopes, version 2; no username, no
// origin_jti, no refresh token. Such tokens are not revocable and
// VerifyAccess refuses them (they authorize no Cognito operation); a
// resource server checks them against the pool's JWKS. It returns the
// token and its validity in seconds.
//
// Errors: InternalErrorException for a malformed grant and for failures
// of the keys or of the random source.
func (i *Issuer) IssueClientCredentials(ctx context.Context, g ClientGrant) (string, int32, error) {
	switch {
	case !validPoolID(g.PoolID):
		return "", 0, internal(errors.New("token: grant has an invalid pool ID"))
	case g.ClientID == "":
		return "", 0, internal(errors.New("token: grant has no client ID"))
	case len(g.Scopes) == 0:
		return "", 0, internal(errors.New("token: client-credentials grant without scopes"))
	}
	for _, s := range g.Scopes {
		if !validScope(s) {
			return "", 0, internal(errors.New("token: invalid scope in grant"))
		}
	}
	v := validity(g.Validity, DefaultAccessValidity)
	rnd := make([]byte, 16)
	if err := i.readRand(rnd); err != nil {
		return "", 0, internal(err)
	}
	now := i.now().Unix()
	claims := jwt.MapClaims{
		claimSub:      g.ClientID,
		claimIss:      i.issuerURL(g.PoolID),
		claimClientID: g.ClientID,
		claimTokenUse: "access",
		claimScope:    strings.Join(g.Scopes, " "),
		claimAuthTime: now,
		claimIat:      now,
		claimExp:      now + int64(v/time.Second),
		claimJTI:      formatUUID(rnd),
		"version":     2,
	}
	ks, err := i.signingKeys(ctx, g.PoolID)
	if err != nil {
		return "", 0, internal(err)
	}
	key, err := ks.signer()
	if err != nil {
		return "", 0, internal(err)
	}
	tok, err := sign(key, claims)
	if err != nil {
		return "", 0, err
	}
	return tok, int32(v / time.Second), nil
}
