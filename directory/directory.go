package directory

import (
	"errors"
	"fmt"

	"github.com/authflow/authflow/flow"
)

// ErrInvalid is wrapped by the errors of a call that cannot be carried out
// as given: a nil user, pool or app client, an empty pool ID, username or
// client ID, or an unknown [flow.ChangeKind]. It reports a bug in the
// caller, not a state of the store, and nothing is changed.
var ErrInvalid = errors.New("directory: invalid argument")

// ErrPoolNotFound is wrapped by the error of PutClient when the app client's
// pool does not exist. Nothing is changed.
var ErrPoolNotFound = errors.New("directory: user pool not found")

var (
	_ flow.Directory = (*Memory)(nil)
	_ flow.Catalog   = (*Memory)(nil)
	_ flow.Directory = (*SQL)(nil)
	_ flow.Catalog   = (*SQL)(nil)
)

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

// checkChanges reports the first change that is malformed, whatever the
// state of the store.
func checkChanges(changes []flow.Change) error {
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

// conflict is the error of change i that does not apply.
func conflict(i int, ch flow.Change, reason string) error {
	return fmt.Errorf("%w: change %d (%s): %s", flow.ErrConflict, i, kindName(ch.Kind), reason)
}

func checkPool(p *flow.Pool) error {
	if p == nil {
		return fmt.Errorf("%w: nil pool", ErrInvalid)
	}
	if p.ID == "" {
		return fmt.Errorf("%w: empty pool ID", ErrInvalid)
	}
	return nil
}

func checkClient(c *flow.AppClient) error {
	if c == nil {
		return fmt.Errorf("%w: nil app client", ErrInvalid)
	}
	if c.ID == "" || c.PoolID == "" {
		return fmt.Errorf("%w: empty client ID or pool ID", ErrInvalid)
	}
	return nil
}

// clonePool returns a deep copy of p, with empty slices as nil.
func clonePool(p *flow.Pool) *flow.Pool {
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
	return &c
}

// cloneClient returns a deep copy of a, with empty slices as nil.
func cloneClient(a *flow.AppClient) *flow.AppClient {
	if a == nil {
		return nil
	}
	c := *a
	c.ExplicitAuthFlows = cloneStrings(a.ExplicitAuthFlows)
	c.ReadAttributes = cloneStrings(a.ReadAttributes)
	c.WriteAttributes = cloneStrings(a.WriteAttributes)
	return &c
}

func cloneStrings(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}

// indexedAttrs calls f for every (name, value) that UserByAttribute finds u
// by: its attributes with a non-empty value, and "sub".
func indexedAttrs(u *flow.User, f func(name, value string)) {
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
