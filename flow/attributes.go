package flow

import (
	"context"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/authflow/authflow/challenge"
)

// Who may write what, and which aliases may be held by whom.
//
// An email or phone number marked verified is a proof of ownership: it
// signs the user in as an alias, receives reset codes and is asserted in
// the ID token. So the *_verified attributes are written only by an
// administrator (AdminCreateUser, AdminUpdateUserAttributes), by the engine
// once a code sent there came back (ConfirmSignUp), or by an app client
// whose WriteAttributes names them explicitly. A client that writes one
// otherwise is refused as Cognito refuses any attribute outside its write
// permissions: NotAuthorizedException "A client attempted to write
// unauthorized attribute" (Cognito's default write set, used when
// WriteAttributes is empty, is the standard attributes without the two
// *_verified ones).
//
// At every write that leaves an email or phone alias verified, no other
// user of the pool may hold the same value as a verified alias:
// AliasExistsException, unless the operation supports ForceAliasCreation
// and the caller set it, in which case the other user's copy is marked
// unverified in the same directory write.

// mask hides most of a delivery destination, as Cognito does.
func mask(medium, dest string) string {
	if medium == challenge.DeliveryMediumEmail {
		local, domain, ok := strings.Cut(dest, "@")
		if !ok || local == "" || domain == "" {
			return "***"
		}
		return firstRune(local) + "***@" + firstRune(domain) + "***"
	}
	if len(dest) <= 4 {
		return "+***"
	}
	return "+" + strings.Repeat("*", max(len(dest)-5, 1)) + dest[len(dest)-4:]
}

// firstRune returns the first character of s (never half of one).
func firstRune(s string) string {
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}

func aliasValue(p *Pool, attr, v string) string {
	if attr == "email" || (attr == "preferred_username" && !p.CaseSensitive) {
		return strings.ToLower(v)
	}
	return v
}

// verifiedAttributes maps each verifiable attribute to its *_verified flag.
var verifiedAttributes = map[string]string{"email": "email_verified", "phone_number": "phone_number_verified"}

// isVerifiedFlag reports whether name is one of the *_verified attributes.
func isVerifiedFlag(name string) bool {
	return name == "email_verified" || name == "phone_number_verified"
}

func errUnauthorizedAttribute() error {
	return errNotAuthorized("A client attempted to write unauthorized attribute")
}

func errAliasExists(attr string) error {
	return challenge.New(challenge.ErrAliasExists, "An account with the given "+attr+" already exists.")
}

// checkClientAttributeWrite checks attributes an app client writes on its
// user's behalf (SignUp, the userAttributes.* of NEW_PASSWORD_REQUIRED):
// names it may not write are refused, and *_verified only when its
// WriteAttributes names them. When u is the user written to (nil for a
// new one), a changed email or phone_number that was verified loses its
// verification: attrs gains "<name>_verified"="false" unless the client
// (allowed to) set it itself.
func checkClientAttributeWrite(c *AppClient, u *User, attrs map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		if err := checkWritableAttribute(c, name); err != nil {
			return err
		}
		if isVerifiedFlag(name) && !slices.Contains(c.WriteAttributes, name) {
			return errUnauthorizedAttribute()
		}
	}
	unverifyChanged(u, attrs)
	return nil
}

// unverifyChanged adds "<name>_verified"="false" to a write that changes a
// verified email or phone_number of u without saying whether the new value
// is verified: a verification belongs to the value it was made for.
func unverifyChanged(u *User, attrs map[string]string) {
	if u == nil {
		return
	}
	for attr, flag := range verifiedAttributes {
		v, writes := attrs[attr]
		if !writes || v == u.Attributes[attr] || u.Attributes[flag] != "true" {
			continue
		}
		if _, set := attrs[flag]; !set {
			attrs[flag] = "false"
		}
	}
}

// isAlias reports whether attr is a sign-in name of the pool (alias or
// username attribute).
func isAlias(p *Pool, attr string) bool {
	return contains(p.AliasAttributes, attr) || contains(p.UsernameAttributes, attr)
}

// aliasMoves checks the aliases of attrs, the complete attributes a user
// is about to have, against the other users of the pool. username is the
// user written (empty for a user being created). A username attribute or a
// preferred_username alias may belong to one user only, verified or not;
// an email or phone alias only matters once verified, and then no other
// user may hold it verified. With force, such a verified alias of another
// user is taken over instead: the returned changes mark it unverified
// there, to be applied in the same directory write as the user's own.
func (s *Server) aliasMoves(ctx context.Context, p *Pool, username string, attrs map[string]string, force bool) ([]Change, error) {
	var moves []Change
	for _, attr := range []string{"email", "phone_number", "preferred_username"} {
		v := attrs[attr]
		if v == "" || !isAlias(p, attr) {
			continue
		}
		unique := contains(p.UsernameAttributes, attr) || attr == "preferred_username"
		flag := verifiedAttributes[attr]
		if !unique && attrs[flag] != "true" {
			continue
		}
		other, err := s.dir.UserByAttribute(ctx, p.ID, attr, aliasValue(p, attr, v))
		if err != nil {
			return nil, errInternal(err)
		}
		if other == nil || other.Username == username {
			continue
		}
		if unique {
			return nil, errAliasExists(attr)
		}
		// The directory prefers a verified holder: an unverified one means
		// nobody holds the alias verified.
		if other.Attributes[flag] != "true" {
			continue
		}
		if !force {
			return nil, errAliasExists(attr)
		}
		other.Attributes[flag] = "false"
		other.LastModified = s.now()
		moves = append(moves, Change{Kind: ChangeUpdate, User: other, Version: other.Version})
	}
	return moves, nil
}

// normalizeAliases stores alias values in the form sign-in looks them up
// (emails in lower case, preferred_username as the pool's case rule says).
func normalizeAliases(p *Pool, attrs map[string]string) {
	for name, v := range attrs {
		if isAlias(p, name) {
			attrs[name] = aliasValue(p, name, v)
		}
	}
}

// checkAliasWrite refuses attributes a sign-in step is about to write to u
// (the userAttributes.* of NEW_PASSWORD_REQUIRED) when they would give u a
// sign-in name or a verified alias another user holds. It runs before the
// session is spent, so the user can answer again with other attributes.
func (s *Server) checkAliasWrite(ctx context.Context, p *Pool, u *User, set map[string]string) error {
	if u == nil || len(set) == 0 {
		return nil
	}
	attrs := maps.Clone(u.Attributes)
	if attrs == nil {
		attrs = map[string]string{}
	}
	changed := false
	for name, v := range set {
		if isAlias(p, name) {
			v = aliasValue(p, name, v)
			set[name] = v
		}
		if attrs[name] != v {
			changed = true
		}
		attrs[name] = v
	}
	if !changed {
		return nil
	}
	_, err := s.aliasMoves(ctx, p, u.Username, attrs, false)
	return err
}
