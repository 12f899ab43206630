package userpool

import (
	"context"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// The service's ports are the engine's (package flow) widened by what the
// management and self-service operations need besides sign-in: listing
// users, creating and deleting pools and app clients, verifying and
// revoking tokens. directory.Memory, sqldir.SQL and token.Issuer
// implement them.

// Directory is flow.Directory with the listing ListUsers needs.
type Directory interface {
	flow.Directory
	// Users lists up to limit users of a pool in username order, starting
	// after the username `after` ("" = from the start).
	Users(ctx context.Context, poolID string, after string, limit int) ([]*flow.User, error)
}

// Catalog is flow.Catalog with the create, list and delete operations of
// pools and app clients.
type Catalog interface {
	flow.Catalog
	// Pools lists every pool.
	Pools(ctx context.Context) ([]*flow.Pool, error)
	// PutPool creates or replaces a pool.
	PutPool(ctx context.Context, p *flow.Pool) error
	// DeletePool removes a pool, with its app clients and users.
	DeletePool(ctx context.Context, poolID string) error
	// Clients lists the app clients of a pool.
	Clients(ctx context.Context, poolID string) ([]*flow.AppClient, error)
	// PutClient creates or replaces an app client.
	PutClient(ctx context.Context, c *flow.AppClient) error
	// DeleteClient removes an app client.
	DeleteClient(ctx context.Context, clientID string) error
}

// Issuer is flow.Issuer with the checks and revocations of the token
// operations (GetUser and every AccessToken operation, RevokeToken,
// GlobalSignOut, AdminUserGlobalSignOut).
type Issuer interface {
	flow.Issuer
	// VerifyAccess checks an access token: signature, expiry, token_use and revocation.
	VerifyAccess(ctx context.Context, accessToken string) (*challenge.AccessClaims, error)
	// Revoke revokes a refresh token of clientID and every token issued from it.
	Revoke(ctx context.Context, clientID, refreshToken string) error
	// RevokeUser revokes every refresh token of a user, and the access
	// tokens issued before now (global sign-out).
	RevokeUser(ctx context.Context, poolID, username string) error
}
