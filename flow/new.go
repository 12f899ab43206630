package flow

import (
	"crypto/rand"
	"io"
	"maps"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/srp"
)

// Constructors: the pools, app clients and users an embedder stores in its
// Catalog and Directory before anyone signs in, built in Go rather than
// through Cognito's management operations. They check what they are given
// but look nothing up: storing the results is the caller's (Catalog.PutPool,
// Catalog.PutClient, Directory.Apply with ChangeCreate).

// NewPool returns the configuration of the user pool id with the settings
// Cognito gives a pool created with nothing but a name: the default
// password policy (DefaultPasswordPolicy), PASSWORD as the only first
// factor, MFA off, no device tracking, no sign-in aliases, codes valid for
// 3 minutes. Unlike CreateUserPool's API default, usernames are
// case-insensitive (Cognito's recommendation and its console's default):
// "Alice" and "alice" are one user.
//
// id is "<region>_<name>", as "us-east-1_Example"; the part after "_"
// enters every SRP proof ([srp.PoolName]) and the part before is the
// pool's Region. Name (the human-readable PoolName) is set to that part
// too. NewPool does not check id; the stores refuse an empty one and the
// token issuer one with spaces, '/', '?' or '#'.
//
// Change the returned fields freely before storing the pool: for example
// MFA, TOTPMFAEnabled, UsernameAttributes or AliasAttributes.
func NewPool(id string) *Pool {
	region, name, _ := strings.Cut(id, "_")
	if name == "" {
		name = id
	}
	now := time.Now()
	return &Pool{
		ID: id, Name: name,
		Arn:                       "arn:aws:cognito-idp:" + region + ":000000000000:userpool/" + id,
		PasswordPolicy:            DefaultPasswordPolicy(),
		AllowedFirstAuthFactors:   []string{"PASSWORD"},
		MFA:                       MFAOff,
		UserPoolTier:              "ESSENTIALS",
		UnusedAccountValidityDays: 7,
		DeletionProtection:        "INACTIVE",
		AdvancedSecurityMode:      "OFF",
		CodeValidity:              3 * time.Minute,
		Created:                   now,
		LastModified:              now,
	}
}

// NewAppClient returns a public app client (no secret) of pool with the ID
// id, set as Cognito sets a new app client: the flows of
// DefaultExplicitAuthFlows (USER_SRP_AUTH, REFRESH_TOKEN_AUTH,
// CUSTOM_AUTH), token revocation on, sign-in sessions valid for 3 minutes,
// access and ID tokens for an hour and refresh tokens for 30 days. One
// setting differs from CreateUserPoolClient's API default and follows the
// console's: PreventUserExistenceErrors is ENABLED, so a name that does not
// exist gets a decoy SRP challenge and the same error as a wrong password.
//
// The client ID is what clients send as ClientId; Cognito's are 26
// lower-case letters and digits, but any non-empty string up to 128 bytes
// works. Set Secret for a confidential client (clients then send
// SECRET_HASH) and ExplicitAuthFlows to allow other flows (for example
// ALLOW_USER_PASSWORD_AUTH, or ALLOW_USER_AUTH for choice-based sign-in).
// A nil pool leaves PoolID empty, which the stores refuse.
func NewAppClient(pool *Pool, id string) *AppClient {
	now := time.Now()
	c := &AppClient{
		ID: id, Name: id,
		PreventUserExistenceErrors: challenge.PreventUserExistenceErrorsOn,
		EnableTokenRevocation:      true,
		AuthSessionValidity:        3 * time.Minute,
		AccessTokenValidity:        time.Hour,
		IDTokenValidity:            time.Hour,
		RefreshTokenValidity:       30 * 24 * time.Hour,
		AccessTokenUnit:            "hours",
		IDTokenUnit:                "hours",
		RefreshTokenUnit:           "days",
		Created:                    now,
		LastModified:               now,
	}
	if pool != nil {
		c.PoolID = pool.ID
	}
	return c
}

// UserOption adjusts what NewUser makes.
type UserOption func(*userOptions)

type userOptions struct {
	attrs     map[string]string
	rand      io.Reader
	now       time.Time
	temporary bool
}

// WithAttributes gives the user attributes (email, phone_number,
// given_name, custom:tier, ...). Values of email, and of
// preferred_username in a case-insensitive pool, are lower-cased, as the
// engine looks them up. To let a user sign in with an alias (the pool's
// AliasAttributes), mark it verified: "email_verified": "true". The
// attribute "sub" cannot be set (NewUser draws it).
func WithAttributes(attrs map[string]string) UserOption {
	return func(o *userOptions) {
		if o.attrs == nil {
			o.attrs = map[string]string{}
		}
		maps.Copy(o.attrs, attrs)
	}
}

// WithRand sets the source of the user's sub and password salt (default
// crypto/rand.Reader); a seeded reader makes NewUser reproducible.
func WithRand(r io.Reader) UserOption { return func(o *userOptions) { o.rand = r } }

// WithTime sets when the user was created (default time.Now()); a
// temporary password expires a number of days after it.
func WithTime(t time.Time) UserOption { return func(o *userOptions) { o.now = t } }

// WithTemporaryPassword makes the password temporary, as AdminCreateUser
// does: the user's status is FORCE_CHANGE_PASSWORD, the first sign-in ends
// with a NEW_PASSWORD_REQUIRED challenge, and the password expires after
// the pool's TemporaryPasswordValidityDays (7 when 0).
func WithTemporaryPassword() UserOption { return func(o *userOptions) { o.temporary = true } }

// Bounds NewUser checks, as AdminCreateUser does.
const (
	maxUsernameRunes    = 128
	maxAttributes       = 64
	maxAttributeName    = 64
	maxAttributeValue   = 2048
	msgUsernameInvalid  = "Username is not valid."
	msgUsernameRequired = "Username should be an email or a phone number."
)

// NewUser returns a confirmed, enabled user of pool who signs in with
// username and password. Only an SRP salt and verifier are kept, made from
// password ([srp.NewPasswordVerifier]); the password itself is not. An
// empty password makes a user without one, who signs in with other first
// factors (EMAIL_OTP, SMS_OTP, passkeys). The username is stored in its
// canonical form (lower-cased in a case-insensitive pool). In a pool whose
// UsernameAttributes are email or phone_number, username must be one of
// those: it is stored as that attribute and the username is the user's
// sub, as Cognito does.
//
// NewUser looks nothing up: Directory.Apply refuses a username that exists
// (ErrConflict), but keeping aliases unique across users is the caller's
// job. Errors are *challenge.Error values: InvalidParameterException for a
// nil pool, a username or attribute Cognito would refuse;
// InvalidPasswordException for a password the pool's policy refuses;
// InternalErrorException when the random source fails.
func NewUser(pool *Pool, username, password string, opts ...UserOption) (*User, error) {
	o := userOptions{rand: rand.Reader}
	for _, opt := range opts {
		opt(&o)
	}
	if o.now.IsZero() {
		o.now = time.Now()
	}
	if pool == nil {
		return nil, challenge.New(challenge.ErrInvalidParameter, "Missing user pool.")
	}
	if username == "" || utf8.RuneCountInString(username) > maxUsernameRunes || !utf8.ValidString(username) ||
		strings.ContainsAny(username, " \t\r\n") {
		return nil, challenge.New(challenge.ErrInvalidParameter, msgUsernameInvalid)
	}
	if len(o.attrs) > maxAttributes {
		return nil, challenge.New(challenge.ErrInvalidParameter, "Too many attributes.")
	}
	attrs := make(map[string]string, len(o.attrs)+1)
	for name, v := range o.attrs {
		if name == "" || len(name) > maxAttributeName || !utf8.ValidString(name) {
			return nil, challenge.New(challenge.ErrInvalidParameter, "Invalid attribute name.")
		}
		if len(v) > maxAttributeValue || !utf8.ValidString(v) {
			return nil, challenge.New(challenge.ErrInvalidParameter, "Invalid value for attribute "+name+".")
		}
		switch name {
		case "sub", "identities", "cognito:user_status", "cognito:mfa_enabled":
			return nil, challenge.New(challenge.ErrInvalidParameter, "Cannot modify the non-mutable attribute "+name)
		}
		attrs[name] = lookupForm(pool, name, v)
	}
	if o.temporary && password == "" {
		return nil, challenge.New(challenge.ErrInvalidParameter, "A temporary password is required.")
	}
	if password != "" {
		if err := pool.PasswordPolicy.Check(password); err != nil {
			return nil, err
		}
	}
	id, err := uuid.NewRandomFromReader(o.rand)
	if err != nil {
		return nil, challenge.Wrap(challenge.ErrInternalError, "An internal error occurred.", err)
	}
	sub := id.String()
	canonical := canonicalUsername(pool, username)
	if len(pool.UsernameAttributes) > 0 {
		attr := ""
		switch {
		case strings.Contains(username, "@"):
			attr = "email"
		case strings.HasPrefix(username, "+"):
			attr = "phone_number"
		}
		if attr == "" || !contains(pool.UsernameAttributes, attr) {
			return nil, challenge.New(challenge.ErrInvalidParameter, msgUsernameRequired)
		}
		attrs[attr] = lookupForm(pool, attr, username)
		canonical = sub
	}
	u := &User{PoolID: pool.ID, Username: canonical, Sub: sub, Status: StatusConfirmed, Enabled: true,
		Created: o.now, LastModified: o.now}
	if len(attrs) > 0 {
		u.Attributes = attrs
	}
	if password != "" {
		if u.Salt, u.Verifier, err = srp.NewPasswordVerifier(o.rand, srp.PoolName(pool.ID), canonical, password); err != nil {
			return nil, challenge.Wrap(challenge.ErrInternalError, "An internal error occurred.", err)
		}
	}
	if o.temporary {
		days := pool.PasswordPolicy.TemporaryPasswordValidityDays
		if days <= 0 {
			days = 7
		}
		u.Status = StatusForceChangePassword
		u.TemporaryPasswordExpires = o.now.Add(time.Duration(days) * 24 * time.Hour)
	}
	return u, nil
}

// lookupForm is the stored form of an attribute value the engine finds
// users by: emails are compared lower-cased, and so is preferred_username
// in a case-insensitive pool.
func lookupForm(p *Pool, name, v string) string {
	if name == "email" || (name == "preferred_username" && !p.CaseSensitive) {
		return strings.ToLower(v)
	}
	return v
}
