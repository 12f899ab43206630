// Package managedlogin serves a user pool domain as Cognito's managed
// login does: the OAuth 2.0 / OpenID Connect endpoints (/oauth2/authorize,
// /oauth2/token, /oauth2/userInfo, /oauth2/revoke, /logout) and a
// server-rendered login page, all driving the engine through the user
// pool's public operations (InitiateAuth, RespondToAuthChallenge,
// AssociateSoftwareToken, ...). The page never checks a password, a code
// or a passkey itself: the engine does, with its limits and lockouts.
//
// # Routing
//
// A server has one origin, so a domain is a path prefix: the pool whose
// domain is "myapp" (CreateUserPoolDomain) is served under
// <public URL>/myapp/, e.g. http://127.0.0.1:9229/myapp/oauth2/authorize,
// where Cognito would serve https://myapp.auth.<region>.amazoncognito.com/
// oauth2/authorize. Patterns lists the routes to mount. The pool's
// discovery document (/<poolId>/.well-known/openid-configuration, served
// by package cognitohttp) names these endpoints once the pool has a
// domain.
//
// # Tokens
//
// The tokens are the engine's: the sign-in that the page completes issues
// them through the engine's issuer, with the same keys, claims and
// revocation as InitiateAuth; token.WithOAuth makes the access token's
// scope the scopes granted and puts the request's nonce and the at_hash in
// the ID token. The client-credentials grant asks the issuer for an access
// token without a user (token.Issuer.IssueClientCredentials). The
// authorization server is hand-written rather than built on
// github.com/zitadel/oidc's op package: op wants to create, sign and store
// tokens through its own Storage and key interfaces, while here the engine
// must issue them (its sign-in ends in tokens) and the handlers only carry
// them to the client.
//
// # State
//
// Login sessions (a cookie naming a server-side record: the pending
// challenge and the engine's session, never the password), authorization
// codes (single use, MaxCodeAge) and the scopes behind each refresh token
// live in the memory of one process: behind a load balancer, pin a user
// pool domain to one node. After a restart, refresh tokens issued through
// /oauth2/token are refused by the refresh_token grant (invalid_grant);
// they still work with InitiateAuth.
package managedlogin
