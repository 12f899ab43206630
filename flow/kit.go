package flow

import (
	"context"
	"io"
	"time"

	"github.com/authflow/authflow/challenge"
)

// Kit is the part of the engine that a service layered on it (package
// userpool, the Cognito user-pool service) shares with it, so that both
// enforce one implementation of the rules they have in common: the guess
// budget and lockout of a user, the keyed hash of one-time codes, the
// uniqueness of aliases, user lookup by alias, the sign-up sessions (whose
// format is the engine's), refresh and user migration. An
// embedder that only signs users in never needs it.
type Kit struct{ s *Server }

// Kit returns the engine's shared part, for a service layered on it.
func (s *Server) Kit() Kit { return Kit{s} }

// Now reads the engine's clock.
func (k Kit) Now() time.Time { return k.s.now() }

// Rand is the engine's source of randomness (safe for concurrent use).
func (k Kit) Rand() io.Reader { return k.s.rand }

// Key is the engine's secret key (Config.DecoyKey, or the random one
// chosen for it): it keys decoys and code hashes. Never log it.
func (k Kit) Key() []byte { return k.s.decoyKey }

// Region is the region of the engine's pools.
func (k Kit) Region() string { return k.s.region }

// Limits are the engine's limits with defaults filled in.
func (k Kit) Limits() Limits { return k.s.limits }

// Limiter is the engine's attempt counter (Config.Limiter or its default).
func (k Kit) Limiter() Limiter { return k.s.limiter }

// ClientAndPool looks up an app client and its pool, with Cognito's errors
// (ResourceNotFoundException, InvalidParameterException). adminPoolID, when
// not empty, must be the client's pool.
func (k Kit) ClientAndPool(ctx context.Context, clientID, adminPoolID string) (*AppClient, *Pool, error) {
	return k.s.clientAndPool(ctx, clientID, adminPoolID)
}

// FindUser finds a user by username or by a verified sign-in alias, as
// sign-in does; (nil, nil) when there is none.
func (k Kit) FindUser(ctx context.Context, p *Pool, name string) (*User, error) {
	return k.s.findUser(ctx, p, name)
}

// AliasMoves checks the aliases of attrs, the complete attributes a user
// is about to have, against the other users of the pool (username is the
// user written, "" for a new one): AliasExistsException when another user
// holds one, unless force, in which case the returned changes mark the
// other user's copy unverified, to be applied in the same directory write.
func (k Kit) AliasMoves(ctx context.Context, p *Pool, username string, attrs map[string]string, force bool) ([]Change, error) {
	return k.s.aliasMoves(ctx, p, username, attrs, force)
}

// CodeHash keys a one-time code for purpose so that only its MAC is
// stored (in User.Codes).
func (k Kit) CodeHash(purpose, code string) []byte { return k.s.codeHash(purpose, code) }

// ReserveGuess counts one guess of a secret of the named user against the
// user's lockout before it is checked, as a password guess at sign-in is.
// settle(ok) records the outcome; a user in a lockout gets an error.
func (k Kit) ReserveGuess(ctx context.Context, p *Pool, username string, now time.Time) (settle func(ok bool) error, err error) {
	return k.s.reserveGuess(ctx, p, username, now)
}

// SignUpSession saves a session naming a user who just signed up
// (confirmed false; ConfirmSignUp takes it) or confirmed (true; InitiateAuth
// with USER_AUTH signs in with it) and returns its handle.
func (k Kit) SignUpSession(ctx context.Context, c *AppClient, u *User, confirmed bool) (string, error) {
	return k.s.signUpSession(ctx, c, u, confirmed)
}

// SpendPendingSignUpSession checks and spends a session that SignUpSession
// saved unconfirmed for the client c and user u.
func (k Kit) SpendPendingSignUpSession(ctx context.Context, handle string, c *AppClient, u *User) error {
	return k.s.checkSignUpSession(ctx, handle, "pending", c, u)
}

// Refresh exchanges a refresh token presented by c for new tokens, running
// the pool's pre token generation hook and device checks as
// REFRESH_TOKEN_AUTH does (GetTokensFromRefreshToken; rotate issues a new
// refresh token).
func (k Kit) Refresh(ctx context.Context, c *AppClient, p *Pool, token, deviceKey string, rotate bool, metadata map[string]string) (*challenge.AuthenticationResult, error) {
	return k.s.refresh(ctx, c, p, token, "", deviceKey, rotate, metadata, false)
}

// Migrate runs the pool's user migration hook for a name that is not in the
// directory (password "" means a forgotten password) and stores the user it
// returns; (nil, nil) when there is no hook or it finds nobody.
func (k Kit) Migrate(ctx context.Context, p *Pool, c *AppClient, username, password string, metadata map[string]string) (*User, error) {
	return k.s.migrate(ctx, p, c, username, password, metadata)
}

// CanonicalUsername applies the pool's case sensitivity to a username.
func CanonicalUsername(p *Pool, name string) string { return canonicalUsername(p, name) }

// SignInAttributes lists the attributes of the pool a sign-in name may be,
// by its shape (an email, a phone number, a preferred username).
func SignInAttributes(p *Pool, name string) []string { return signInAttributes(p, name) }

// AliasValue is the form in which an alias attribute is stored and looked
// up (emails in lower case, preferred_username by the pool's case rule).
func AliasValue(p *Pool, attr, v string) string { return aliasValue(p, attr, v) }

// NormalizeAliases stores alias values of attrs in the form AliasValue gives.
func NormalizeAliases(p *Pool, attrs map[string]string) { normalizeAliases(p, attrs) }

// VerifiedFlag names the *_verified attribute of a verifiable attribute
// (email, phone_number).
func VerifiedFlag(attr string) (flag string, ok bool) {
	flag, ok = verifiedAttributes[attr]
	return flag, ok
}

// CheckClientAttributeWrite checks attributes an app client writes on its
// user's behalf (u nil for a new user): names it may not write are refused
// (NotAuthorizedException), and a changed verified email or phone number
// loses its verification unless the client (allowed to) says otherwise.
func CheckClientAttributeWrite(c *AppClient, u *User, attrs map[string]string) error {
	return checkClientAttributeWrite(c, u, attrs)
}

// UnverifyChanged marks a verified email or phone_number of u unverified in
// attrs when attrs changes its value without saying it is verified.
func UnverifyChanged(u *User, attrs map[string]string) { unverifyChanged(u, attrs) }

// CheckSecretHash verifies SECRET_HASH for a client with a secret against
// any of names (NotAuthorizedException when none matches); nil for a
// client without a secret.
func CheckSecretHash(c *AppClient, hash string, names ...string) error {
	return checkSecretHash(c, hash, names...)
}

// SessionValidity is how long a sign-in session of the client lives.
func (c *AppClient) SessionValidity() time.Duration { return c.sessionValidity() }

// LockedAt reports whether the user is in a sign-in lockout at now.
func (u *User) LockedAt(now time.Time) bool { return lockedAt(u, now) }

// PasswordReused refuses a password the pool's history forbids (the
// current one or one of PasswordHistorySize before it).
func PasswordReused(u *User, p *Pool, pw string) error { return passwordReused(u, p, pw) }

// SetPassword replaces the user's verifier, keeping the history the pool's
// policy asks for.
func SetPassword(u *User, p *Pool, r PasswordRecord) { setPassword(u, p, r) }

// MaskDestination hides most of a code's destination, as Cognito does in
// CodeDeliveryDetails.
func MaskDestination(medium, dest string) string { return mask(medium, dest) }

// DeviceGroupKey is the device group of a user's devices under the key.
func DeviceGroupKey(key []byte, u *User) string { return deviceGroupKey(key, u) }

// RelyingParty is the WebAuthn relying party of the pool, allowing origins
// besides https://<relying party id>.
func RelyingParty(p *Pool, origins []string) challenge.RelyingParty { return relyingParty(p, origins) }

// PasskeyUser is the user as a WebAuthn ceremony names it.
func PasskeyUser(u *User) challenge.PasskeyUser { return passkeyUser(u) }

// NewUUID returns a random (version 4) UUID read from r.
func NewUUID(r io.Reader) (string, error) { return newUUID(r) }

// RandomDigits returns n random decimal digits read from r (a code).
func RandomDigits(r io.Reader, n int) (string, error) { return randomDigits(r, n) }

// RandomIndex returns a uniform random integer in [0, n) read from r.
func RandomIndex(r io.Reader, n int) (int, error) { return randIntN(r, n) }

// TemporaryPassword makes a random password that satisfies the policy.
func TemporaryPassword(r io.Reader, p PasswordPolicy) (string, error) { return temporaryPassword(r, p) }

// Device returns the user's device with key (a pointer into u.Devices), or nil.
func (u *User) Device(key string) *Device { return u.device(key) }
