package flow

import (
	"context"
	"time"

	"github.com/authflow/authflow/challenge"
)

// Directory is where users live, as sign-in needs it: read a user by name
// or by an alias, apply changes. Implementations: directory.Memory and
// sqldir.SQL (which also list users, for package userpool). Usernames
// passed in are canonical (the engine lower-cases them in case-insensitive
// pools); a Directory compares them exactly.
//
// Methods return (nil, nil) for a user that does not exist; an error only
// for an infrastructure failure. Implementations must be safe for
// concurrent use and must return copies: the engine mutates what it reads.
type Directory interface {
	// User returns the user with the given canonical username.
	User(ctx context.Context, poolID, username string) (*User, error)
	// UserByAttribute returns the user whose attribute name has exactly the
	// given value (aliases: email, phone_number, preferred_username), or nil.
	UserByAttribute(ctx context.Context, poolID, name, value string) (*User, error)
	// Apply applies all changes or none. A change whose Version does not
	// match the stored user's version fails with ErrConflict.
	Apply(ctx context.Context, changes ...Change) error
}

// Catalog is where user pools and app clients live, as sign-in reads them.
// directory.Memory and sqldir.SQL implement it beside Directory (and
// the create, list and delete operations package userpool adds). Both
// methods return (nil, nil) for one that does not exist.
type Catalog interface {
	Pool(ctx context.Context, poolID string) (*Pool, error)
	Client(ctx context.Context, clientID string) (*AppClient, error)
}

// ChangeKind says what a Change does.
type ChangeKind uint8

// The kinds of Change.
const (
	ChangeCreate ChangeKind = iota + 1 // insert a new user; ErrConflict if the username exists
	ChangeUpdate                       // replace an existing user
	ChangeDelete                       // remove a user
)

// Change is one write to the Directory.
type Change struct {
	Kind ChangeKind
	// User is the whole new record (create, update) or names the user to
	// delete (PoolID and Username).
	User *User
	// Version is the version the stored user must have for an update or a
	// delete to apply (optimistic concurrency); 0 skips the check. The
	// directory sets the stored version to 1 on create and increments it on
	// every update.
	Version uint64
}

// Store keeps flow state between two calls, addressed by the opaque handle
// that Cognito clients send back as `Session`. Implementations:
// session.Memory and redisstore.Store. err is for infrastructure failures only.
type Store interface {
	// Save stores blob until ttl elapses and returns a new unguessable handle.
	Save(ctx context.Context, blob []byte, ttl time.Duration) (handle string, err error)
	// Load returns the blob of a live handle; ok=false when unknown, expired or spent.
	Load(ctx context.Context, handle string) (blob []byte, ok bool, err error)
	// Swap overwrites the blob of a live handle, keeping its expiry, only
	// if it still holds old: of concurrent swaps from one blob exactly one
	// succeeds, so parallel wrong answers cannot each count from the same
	// number.
	Swap(ctx context.Context, handle string, old, blob []byte) (ok bool, err error)
	// Spend atomically ends a live handle: exactly one of any number of
	// concurrent callers gets ok=true.
	Spend(ctx context.Context, handle string) (ok bool, err error)
}

// Limiter counts attempts per key in fixed windows. It bounds what no
// user record can: guesses for names that do not exist, code requests, new
// sign-in sessions. It must be shared by every node that serves the same
// pools (redisstore.Store is; session.Memory and the engine's default are
// per process). Implementations: session.Memory, redisstore.Store.
type Limiter interface {
	// Take counts one attempt under key and returns how many attempts the
	// key's current window holds, this one included. A window starts with
	// the first attempt after the previous window ended and lasts window.
	// Take is atomic: concurrent callers (on any node) get distinct counts.
	// A window <= 0 only reads: it returns the count of the current window
	// (0 when there is none) without counting an attempt. err is for
	// infrastructure failures only; callers must then refuse the attempt.
	Take(ctx context.Context, key string, window time.Duration) (count int, err error)
}

// Issuer turns grants into tokens, as sign-in needs it. The default is
// token.Issuer (which also verifies and revokes, for package userpool).
// Errors are *challenge.Error values (NotAuthorizedException for invalid,
// expired or revoked tokens).
type Issuer interface {
	// Issue signs access and ID tokens (and a refresh token for a new
	// sign-in or a rotation) for a grant.
	Issue(ctx context.Context, g challenge.TokenGrant) (*challenge.AuthenticationResult, error)
	// Refresh checks a refresh token presented by clientID and returns what
	// it is bound to (REFRESH_TOKEN_AUTH).
	Refresh(ctx context.Context, clientID, refreshToken string) (*challenge.RefreshSession, error)
}

// Sender delivers one-time codes. Without a Sender the challenges that need
// one (SMS and email codes) are never offered.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Message is one code delivery.
type Message struct {
	PoolID      string
	Username    string
	Medium      string // challenge.DeliveryMediumSMS or challenge.DeliveryMediumEmail
	Destination string // phone number or email address (unmasked)
	Purpose     string // "SIGN_UP", "FORGOT_PASSWORD", "MFA", "OTP", "INVITATION", ...
	Code        string // the code or temporary password
}

// String never prints the code.
func (m Message) String() string {
	return "Message{" + m.Purpose + " to " + m.Medium + " for " + m.Username + "}"
}

// Passkeys runs WebAuthn ceremonies; package webauthn implements it on
// go-webauthn. Without it, WEB_AUTHN is never offered and the passkey
// operations answer WebAuthnNotEnabledException. Errors are
// *challenge.Error values (the WebAuthn* exceptions, NotAuthorizedException).
// Session bytes are opaque to the engine, which keeps them and spends them
// on use.
type Passkeys interface {
	BeginRegistration(rp challenge.RelyingParty, u challenge.PasskeyUser) (optionsJSON, session []byte, err error)
	FinishRegistration(rp challenge.RelyingParty, u challenge.PasskeyUser, session, credentialJSON []byte) (*challenge.PasskeyCredential, error)
	BeginLogin(rp challenge.RelyingParty, u challenge.PasskeyUser) (requestOptionsJSON, session []byte, err error)
	FinishLogin(rp challenge.RelyingParty, u challenge.PasskeyUser, session, credentialJSON []byte) (credentialID []byte, signCount uint32, err error)
}
