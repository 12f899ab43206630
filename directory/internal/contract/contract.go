// Package contract holds what the implementations of package directory
// share: the checks of their arguments, the errors of the contract and the
// deep copies. Package directory re-exports the errors.
package contract

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/schema"
)

// ErrInvalid is re-exported as directory.ErrInvalid.
var ErrInvalid = errors.New("directory: invalid argument")

// ErrPoolNotFound is re-exported as directory.ErrPoolNotFound.
var ErrPoolNotFound = errors.New("directory: user pool not found")

// kindName names a change kind in error messages.
func kindName(k flow.ChangeKind) string {
	switch k {
	case flow.ChangeCreate:
		return "create"
	case flow.ChangeUpdate:
		return "update"
	case flow.ChangeDelete:
		return "delete"
	}
	return fmt.Sprintf("kind %d", k)
}

// CheckChanges reports the first change that is malformed, whatever the
// state of the store.
func CheckChanges(changes []flow.Change) error {
	for i, ch := range changes {
		switch ch.Kind {
		case flow.ChangeCreate, flow.ChangeUpdate, flow.ChangeDelete:
		default:
			return fmt.Errorf("%w: change %d: unknown kind %d", ErrInvalid, i, ch.Kind)
		}
		if ch.User == nil {
			return fmt.Errorf("%w: change %d (%s): nil user", ErrInvalid, i, kindName(ch.Kind))
		}
		if ch.User.PoolID == "" || ch.User.Username == "" {
			return fmt.Errorf("%w: change %d (%s): empty pool ID or username", ErrInvalid, i, kindName(ch.Kind))
		}
	}
	return nil
}

// Conflict is the error of change i that does not apply.
func Conflict(i int, ch flow.Change, reason string) error {
	return fmt.Errorf("%w: change %d (%s): %s", flow.ErrConflict, i, kindName(ch.Kind), reason)
}

// CheckPool refuses a nil pool and an empty pool ID.
func CheckPool(p *flow.Pool) error {
	if p == nil {
		return fmt.Errorf("%w: nil pool", ErrInvalid)
	}
	if p.ID == "" {
		return fmt.Errorf("%w: empty pool ID", ErrInvalid)
	}
	return nil
}

// CheckClient refuses a nil app client and an empty client or pool ID.
func CheckClient(c *flow.AppClient) error {
	if c == nil {
		return fmt.Errorf("%w: nil app client", ErrInvalid)
	}
	if c.ID == "" || c.PoolID == "" {
		return fmt.Errorf("%w: empty client ID or pool ID", ErrInvalid)
	}
	return nil
}

// ClonePool returns a deep copy of p, with empty slices as nil.
func ClonePool(p *flow.Pool) *flow.Pool {
	if p == nil {
		return nil
	}
	c := *p
	c.AllowedFirstAuthFactors = cloneStrings(p.AllowedFirstAuthFactors)
	if p.Devices != nil {
		d := *p.Devices
		c.Devices = &d
	}
	c.UsernameAttributes = cloneStrings(p.UsernameAttributes)
	c.AliasAttributes = cloneStrings(p.AliasAttributes)
	c.AutoVerifiedAttributes = cloneStrings(p.AutoVerifiedAttributes)
	c.SchemaRequired = cloneStrings(p.SchemaRequired)
	c.LambdaConfig = p.LambdaConfig.Clone()
	c.Schema = schema.Clone(p.Schema)
	c.AttributesRequireVerificationBeforeUpdate = cloneStrings(p.AttributesRequireVerificationBeforeUpdate)
	c.Groups = nil
	for _, g := range p.Groups {
		if g.Precedence != nil {
			n := *g.Precedence
			g.Precedence = &n
		}
		c.Groups = append(c.Groups, g)
	}
	c.RiskConfigurations = nil
	for _, r := range p.RiskConfigurations {
		r.AccountTakeover, r.CompromisedCredentials, r.RiskException = r.AccountTakeover.Clone(), r.CompromisedCredentials.Clone(), r.RiskException.Clone()
		c.RiskConfigurations = append(c.RiskConfigurations, r)
	}
	c.Tags = maps.Clone(p.Tags)
	c.ResourceServers = nil
	for _, rs := range p.ResourceServers {
		if len(rs.Scopes) == 0 {
			rs.Scopes = nil
		} else {
			rs.Scopes = slices.Clone(rs.Scopes)
		}
		c.ResourceServers = append(c.ResourceServers, rs)
	}
	return &c
}

// CloneClient returns a deep copy of a, with empty slices as nil.
func CloneClient(a *flow.AppClient) *flow.AppClient {
	if a == nil {
		return nil
	}
	c := *a
	c.ExplicitAuthFlows = cloneStrings(a.ExplicitAuthFlows)
	c.ReadAttributes = cloneStrings(a.ReadAttributes)
	c.WriteAttributes = cloneStrings(a.WriteAttributes)
	c.OAuth.AllowedOAuthFlows = cloneStrings(a.OAuth.AllowedOAuthFlows)
	c.OAuth.AllowedOAuthScopes = cloneStrings(a.OAuth.AllowedOAuthScopes)
	c.OAuth.CallbackURLs = cloneStrings(a.OAuth.CallbackURLs)
	c.OAuth.LogoutURLs = cloneStrings(a.OAuth.LogoutURLs)
	c.OAuth.SupportedIdentityProviders = cloneStrings(a.OAuth.SupportedIdentityProviders)
	return &c
}

func cloneStrings(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}

// IndexedAttrs calls f for every (name, value) that UserByAttribute finds u
// by: its attributes with a non-empty value, and "sub".
func IndexedAttrs(u *flow.User, f func(name, value string)) {
	for name, value := range u.Attributes {
		if name == "sub" || value == "" {
			continue
		}
		f(name, value)
	}
	if u.Sub != "" {
		f("sub", u.Sub)
	}
}

// MaxSecretBytes bounds one secret.
const MaxSecretBytes = 1 << 20

// CheckSecret refuses a secret name or value out of bounds; a nil value is
// not checked.
func CheckSecret(name string, value []byte) error {
	if name == "" || len(name) > 200 {
		return fmt.Errorf("%w: secret name must have 1 to 200 bytes", ErrInvalid)
	}
	if value != nil && (len(value) == 0 || len(value) > MaxSecretBytes) {
		return fmt.Errorf("%w: secret must have 1 byte to 1 MiB", ErrInvalid)
	}
	return nil
}
