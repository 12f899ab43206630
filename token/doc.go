// Package token is authflow's default token issuer: it turns the engine's
// grants (challenge.TokenGrant) into the three tokens of a Cognito
// AuthenticationResult and checks them afterwards. [Issuer] implements the
// Issuer port of package flow:
//
//	Issue(ctx, grant) (*challenge.AuthenticationResult, error)
//	Refresh(ctx, clientID, refreshToken) (*challenge.RefreshSession, error)
//	VerifyAccess(ctx, accessToken) (*challenge.AccessClaims, error)
//	Revoke(ctx, clientID, refreshToken) error
//	RevokeUser(ctx, poolID, username) error
//
// # Tokens
//
// Access and ID tokens are RS256 JWTs with a kid header, carrying Cognito's
// claims, which the JavaScript and Go clients decode:
//
//   - access: sub, iss, client_id, origin_jti, event_id, token_use
//     ("access"), scope ("aws.cognito.signin.user.admin" plus or minus the
//     hook's scopes), auth_time, exp, iat, jti, username, cognito:groups
//     (when the user has groups), device_key (when a device was used);
//   - ID: sub, aud (the client ID), iss, cognito:username, origin_jti,
//     event_id, token_use ("id"), auth_time, exp, iat, jti, cognito:groups,
//     and the user's attributes (email_verified and phone_number_verified
//     as JSON booleans).
//
// iss is https://cognito-idp.<region>.amazonaws.com/<poolId> unless
// Config.IssuerURL says otherwise. A pre token generation hook's
// [challenge.ClaimsShape] adds and suppresses claims and scopes and
// overrides groups; claims the tokens rely on are reserved and never
// changed (see [ReservedAccessClaim] and [ReservedIDClaim]).
//
// Refresh tokens are not JWTs: they are 32 random bytes in base64url,
// bound to their sign-in (pool, client, user, origin_jti, auth time, device)
// in a [RefreshState], which stores only their SHA-256: [MemoryState] (the
// default, in process memory), redisstate.State (package token/redisstate)
// or sqlstate.State (package token/sqlstate; SQLite or PostgreSQL), the
// last two shared by every server process on them. Only those subpackages
// link a Redis client or database/sql, so an Issuer on MemoryState links
// neither. Every state runs the conformance suite of package
// token/statetest. Rotation
// (TokenGrant.RotateRefresh) replaces a refresh token with a new one; the
// old one stays usable for Config.RotationGrace (0 by default).
//
// # Sign-ins, revocation and global sign-out
//
// Every new sign-in gets an origin_jti, shared by all tokens issued from it
// and its refreshes (its "session" in the RefreshState). [Issuer.Revoke]
// revokes a refresh token together with its whole sign-in, so VerifyAccess
// refuses the access tokens issued from it ("Access Token has been
// revoked"). [Issuer.RevokeUser] revokes every sign-in of a user that
// exists when it is called; later sign-ins are not affected. Access tokens
// are checked against the state on every VerifyAccess; resource servers
// that verify signatures on their own (with the JWKS) do not see
// revocations, as with Cognito.
//
// # Keys
//
// A [KeySet] holds several RSA-2048 keys: one active key signs, all of them
// are published in the JWKS document and verify. Keys are rotated by adding
// a key, activating it, and retiring the old one once its tokens have
// expired; [LoadOrCreateKeySet] keeps them in a JSON file of PEM-encoded
// PKCS#8 keys (mode 0600).
//
// As in Cognito, each user pool should have its own keys, so that a token
// of one pool never verifies with another pool's JWKS: give the Issuer a
// [PoolKeys] (Config.PoolKeys), which keeps one KeySet per pool in a
// [SecretStore] shared by every server process (the users' database), and
// serve [Issuer.PoolJWKS]. Config.Keys instead signs every pool's tokens
// with one set.
//
// A shared state that loses data (Redis restarted empty, keys evicted, a
// table emptied) no longer knows which sign-ins were revoked: redisstate.State
// and sqlstate.State are [FailClosedState]s, and a token whose sign-in the
// state no longer holds is refused as revoked.
//
// # Errors and untrusted input
//
// Every error of an Issuer method is a *challenge.Error carrying a
// Cognito exception name (NotAuthorizedException for invalid, expired or
// revoked tokens). Tokens longer than [MaxTokenBytes] are refused without
// being parsed; the parser accepts RS256 only, with a kid naming a
// published key. No error, log or String output contains a token or a key.
//
// Time and randomness are injected (Config.Now, Config.Rand), so a fixed
// clock and a seeded reader give the same tokens byte for byte (RSA
// PKCS#1 v1.5 signatures are deterministic).
package token
