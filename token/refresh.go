package token

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/authflow/authflow/challenge"
)

// refreshBytes is the number of random bytes in a refresh token; the token
// is their unpadded base64url encoding (refreshLen characters).
const (
	refreshBytes = 32
	refreshLen   = 43
)

// Client-safe messages of this package that challenge does not define.
const (
	// MsgAccessTokenExpired is the message for an expired access token.
	MsgAccessTokenExpired = "Access Token has expired"
	// MsgInvalidIDToken, MsgIDTokenExpired and MsgIDTokenRevoked are
	// VerifyID's messages.
	MsgInvalidIDToken = "Invalid ID Token"
	MsgIDTokenExpired = "ID Token has expired"
	MsgIDTokenRevoked = "ID Token has been revoked"
	// MsgUnsupportedTokenType is Revoke's message for a token that is not a
	// refresh token.
	MsgUnsupportedTokenType = "Unsupported token type"
	// MsgTokenOtherClient is Revoke's message for a refresh token of
	// another app client.
	MsgTokenOtherClient = "Token was not issued to this client"
)

// Refresh checks a refresh token presented by clientID and returns what it
// is bound to: pool, client, username, sub, origin (origin_jti), auth time
// and device key. It changes nothing; to get new tokens the engine then
// calls Issue with a grant whose Refresh is the token (and Origin,
// AuthTime and DeviceKey from the session).
//
// Errors: NotAuthorizedException "Invalid Refresh Token" for a token that
// is unknown, malformed, longer than MaxTokenBytes, expired (including a
// rotated-out token past its grace period) or issued to another client;
// NotAuthorizedException "Refresh Token has been revoked" after Revoke or
// RevokeUser; InternalErrorException when the state fails.
func (i *Issuer) Refresh(ctx context.Context, clientID, refreshToken string) (*challenge.RefreshSession, error) {
	s, err := i.lookupRefresh(ctx, clientID, refreshToken, i.now())
	if err != nil {
		return nil, err
	}
	rs := s.RefreshSession
	return &rs, nil
}

// lookupRefresh returns the live, unrevoked session of a refresh token
// presented by clientID, or the *challenge.Error that Refresh returns.
func (i *Issuer) lookupRefresh(ctx context.Context, clientID, token string, now time.Time) (*Session, error) {
	invalid := func(why string) error {
		return challenge.Wrap(challenge.ErrNotAuthorized, challenge.MsgInvalidRefreshToken, errors.New("token: refresh token "+why))
	}
	if !refreshShaped(token) {
		return nil, invalid("is malformed")
	}
	rec, err := i.state.GetRefresh(ctx, hashToken(token))
	if err != nil {
		return nil, internal(err)
	}
	if rec == nil {
		return nil, invalid("is unknown")
	}
	if !now.Before(rec.Expires) {
		return nil, invalid("has expired")
	}
	s, err := i.state.GetSession(ctx, rec.Origin)
	if err != nil {
		return nil, internal(err)
	}
	if s == nil {
		return nil, invalid("has no session")
	}
	if s.ClientID != clientID {
		return nil, invalid("belongs to another client")
	}
	revoked, err := i.sessionRevoked(ctx, s)
	if err != nil {
		return nil, err
	}
	if revoked {
		return nil, challenge.New(challenge.ErrNotAuthorized, challenge.MsgRefreshTokenRevoked)
	}
	return s, nil
}

// sessionRevoked reports whether s was revoked by Revoke or RevokeUser.
func (i *Issuer) sessionRevoked(ctx context.Context, s *Session) (bool, error) {
	if s.Revoked {
		return true, nil
	}
	ur, err := i.state.GetUserRevocation(ctx, s.PoolID, s.Username)
	if err != nil {
		return false, internal(err)
	}
	return ur.Generation > s.UserGeneration, nil
}

// Revoke revokes a refresh token presented by clientID together with its
// whole sign-in: every refresh token rotated from it or into it, and every
// access and ID token issued from that sign-in (same origin_jti), which
// VerifyAccess and VerifyID refuse from then on. Tokens of the user's other
// sign-ins are not affected. Whether the client may revoke at all
// (EnableTokenRevocation) is the engine's check.
//
// As RFC 7009 §2.2 asks, a string that is not a known refresh token (never
// issued, already forgotten, malformed) is accepted silently: Revoke
// returns nil. Revoking a revoked or expired token is also nil.
//
// Errors: UnsupportedTokenTypeException "Unsupported token type" for a
// JWT-shaped string (three dot-separated base64url parts: an access or ID
// token, which cannot be revoked on its own); UnauthorizedException when
// the refresh token was issued to another client; InternalErrorException
// when the state fails.
func (i *Issuer) Revoke(ctx context.Context, clientID, refreshToken string) error {
	if len(refreshToken) > MaxTokenBytes {
		return nil
	}
	if jwtShaped(refreshToken) {
		return challenge.New(challenge.ErrUnsupportedTokenType, MsgUnsupportedTokenType)
	}
	if !refreshShaped(refreshToken) {
		return nil
	}
	rec, err := i.state.GetRefresh(ctx, hashToken(refreshToken))
	if err != nil {
		return internal(err)
	}
	if rec == nil {
		return nil
	}
	s, err := i.state.GetSession(ctx, rec.Origin)
	if err != nil {
		return internal(err)
	}
	if s == nil {
		return nil // every token of the sign-in has expired
	}
	if s.ClientID != clientID {
		return challenge.New(challenge.ErrUnauthorized, MsgTokenOtherClient)
	}
	if err := i.state.RevokeSession(ctx, s.Origin); err != nil {
		return internal(err)
	}
	return nil
}

// RevokeUser signs a user out globally: every refresh token of the user
// stops working, and every access and ID token issued to the user before
// this call is refused ("Access Token has been revoked"). Tokens of sign-ins
// that complete after the call are not affected, even when the clock has
// not moved in between. It returns InternalErrorException when the state
// fails or poolID or username is empty.
func (i *Issuer) RevokeUser(ctx context.Context, poolID, username string) error {
	if poolID == "" || username == "" {
		return internal(errors.New("token: RevokeUser needs a pool ID and a username"))
	}
	now := i.now()
	// Every token issued before now expires within MaxValidity; a day more
	// covers an issuance that raced with this call.
	keep := now.Add(MaxValidity + 24*time.Hour)
	if err := i.state.RevokeUser(ctx, poolID, username, now, keep); err != nil {
		return internal(err)
	}
	return nil
}

// refreshShaped reports whether s has the form of this package's refresh
// tokens: 43 unpadded base64url characters.
func refreshShaped(s string) bool {
	if len(s) != refreshLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isB64URL(s[i]) {
			return false
		}
	}
	return true
}

// jwtShaped reports whether s looks like a compact JWS: three base64url
// parts separated by dots, the first two non-empty.
func jwtShaped(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return false
	}
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			if !isB64URL(p[i]) {
				return false
			}
		}
	}
	return true
}

func isB64URL(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}
