package challenge

import "time"

// TokenGrant is what the engine asks a token issuer to sign once a sign-in
// (or a refresh) has proven everything the pool requires. It is the whole
// input of an issuer: an issuer never reads the user directory.
type TokenGrant struct {
	PoolID   string
	ClientID string
	Username string // the real username (cognito:username)
	Sub      string // the user's immutable id
	// Attributes are the user's attributes as the ID token carries them
	// (email, email_verified, ...); "sub" is not repeated here.
	Attributes map[string]string
	Groups     []string
	// Roles are the IAM roles of the groups (ID token cognito:roles) and
	// PreferredRole the first of them (cognito:preferred_role).
	Roles         []string
	PreferredRole string
	DeviceKey     string    // the device used, if any (access token device_key)
	AuthTime      time.Time // when the user authenticated (auth_time)
	// Origin is the origin_jti of the sign-in a refresh continues; empty for
	// a new sign-in, for which the issuer makes a new origin and refresh token.
	Origin string
	// Refresh, when not empty, is the refresh token being exchanged.
	Refresh string
	// RotateRefresh asks for a new refresh token in place of Refresh.
	RotateRefresh bool
	// RotationGrace is how long the rotated-out token stays valid (the app
	// client's RetryGracePeriod); zero means the issuer's default.
	RotationGrace time.Duration
	// Validities from the app client. Zero means the Cognito default
	// (1 hour, 1 hour, 30 days).
	AccessValidity  time.Duration
	IDValidity      time.Duration
	RefreshValidity time.Duration
	// Claims shaping from a pre token generation hook.
	Shape *ClaimsShape
	// EventID, when not empty, is the event_id claim: the auth event the
	// sign-in recorded. Empty means a fresh random one.
	EventID string
}

// ClaimsShape is what a pre token generation hook may change.
type ClaimsShape struct {
	IDClaimsToAdd          map[string]any
	IDClaimsToSuppress     []string
	AccessClaimsToAdd      map[string]any
	AccessClaimsToSuppress []string
	ScopesToAdd            []string
	ScopesToSuppress       []string
	// GroupsOverride, when not nil, replaces the user's groups.
	GroupsOverride []string
	// RolesOverride, when not nil, replaces the roles (iamRolesToOverride)
	// and PreferredRoleOverride, when not nil, the preferred role.
	RolesOverride         []string
	PreferredRoleOverride *string
}

// RefreshSession is what a valid refresh token is bound to.
type RefreshSession struct {
	PoolID    string
	ClientID  string
	Username  string
	Sub       string
	Origin    string
	AuthTime  time.Time
	DeviceKey string
}

// AccessClaims are the facts of a valid access token that operations
// authorized by it need.
type AccessClaims struct {
	PoolID    string
	ClientID  string
	Username  string
	Sub       string
	Origin    string
	JTI       string
	DeviceKey string
	Scopes    []string
	AuthTime  time.Time
	IssuedAt  time.Time
	ExpiresAt time.Time
}
