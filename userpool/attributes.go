package userpool

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/schema"
)

// applyWithMoves writes u (created or updated from version old) together
// with the alias moves, all or nothing.
func (s *Service) applyWithMoves(ctx context.Context, kind flow.ChangeKind, u *flow.User, old uint64, moves []flow.Change) error {
	return s.dir.Apply(ctx, append([]flow.Change{{Kind: kind, User: u, Version: old}}, moves...)...)
}

// The pool's schema (package schema) and what it governs here: every
// attribute write is checked against it (checkSchema), an app client's
// ReadAttributes and WriteAttributes name attributes it has
// (checkClientAttributes), developer-only attributes ("dev:custom:...")
// are written by administrators only (app clients may read them), and
// UserAttributeUpdateSettings keeps a changed email or phone_number
// pending until the new value is verified (pendingUpdates).

// poolSchema is the schema DescribeUserPool shows for p. A pool stored
// before schemas existed has none: it shows the standard attributes, with
// SchemaRequired marked required.
func poolSchema(p *flow.Pool) []challenge.SchemaAttributeType {
	if len(p.Schema) > 0 {
		return schema.Clone(p.Schema)
	}
	out := schema.Standard()
	for _, name := range p.SchemaRequired {
		req := true
		if a := schema.Find(out, name); a != nil {
			a.Required = &req
			continue
		}
		out = append(out, challenge.SchemaAttributeType{Name: name, AttributeDataType: schema.TypeString, Required: &req})
	}
	return out
}

// checkSchema validates attributes set writes to u (nil for a new user)
// against p's schema.
func checkSchema(p *flow.Pool, w schema.Write, u *flow.User, set map[string]string) error {
	var old map[string]string
	if u != nil {
		old = u.Attributes
	}
	return schema.Check(p.Schema, w, old, set)
}

// checkClientWrite refuses a write by an app client (on its user's
// behalf) of a developer-only attribute, as Cognito refuses any attribute
// outside a client's write permissions.
func checkClientWrite(set map[string]string) error {
	for name := range set {
		if schema.IsDeveloperOnly(name) {
			return errNotAuthorized("A client attempted to write unauthorized attribute")
		}
	}
	return nil
}

// readableAttributes keeps the attributes an app client may read: those
// its ReadAttributes name (all when it names none), and sub always.
func readableAttributes(c *flow.AppClient, attrs []challenge.AttributeType) []challenge.AttributeType {
	return slices.DeleteFunc(attrs, func(a challenge.AttributeType) bool {
		return a.Name != "sub" && c != nil && len(c.ReadAttributes) > 0 && !slices.Contains(c.ReadAttributes, a.Name)
	})
}

// checkClientAttributes validates an app client's ReadAttributes and
// WriteAttributes against p's schema: each names an attribute of it; a
// writable one is mutable and not developer-only (those are read-only to
// app clients). verb is "creating" or "updating".
func checkClientAttributes(p *flow.Pool, c *flow.AppClient, verb string) error {
	s := p.Schema
	if len(s) == 0 {
		s = poolSchema(p)
	}
	for _, name := range c.ReadAttributes {
		if schema.Find(s, name) == nil {
			return errParam("Invalid read attributes specified while " + verb + " a client")
		}
	}
	for _, name := range c.WriteAttributes {
		if !schema.IsMutable(s, name) || schema.IsDeveloperOnly(name) {
			return errParam("Invalid write attributes specified while " + verb + " a client")
		}
	}
	return nil
}

// setUpdateSettings applies UserAttributeUpdateSettings: the attributes
// named must be email or phone_number and auto-verified by the pool.
func setUpdateSettings(p *flow.Pool, in *challenge.UserAttributeUpdateSettingsType) error {
	p.AttributesRequireVerificationBeforeUpdate = nil
	if in == nil {
		return nil
	}
	for _, a := range in.AttributesRequireVerificationBeforeUpdate {
		if a != "email" && a != "phone_number" {
			return errParam("AttributesRequireVerificationBeforeUpdate may hold email and phone_number only.")
		}
		if !slices.Contains(p.AutoVerifiedAttributes, a) {
			return errParam("The attribute " + a + " in AttributesRequireVerificationBeforeUpdate must also be in AutoVerifiedAttributes.")
		}
	}
	p.AttributesRequireVerificationBeforeUpdate = slices.Compact(slices.Sorted(slices.Values(in.AttributesRequireVerificationBeforeUpdate)))
	return nil
}

// updateSettings is what DescribeUserPool returns for
// UserAttributeUpdateSettings (an empty list when none).
func updateSettings(p *flow.Pool) *challenge.UserAttributeUpdateSettingsType {
	return &challenge.UserAttributeUpdateSettingsType{AttributesRequireVerificationBeforeUpdate: append([]string{}, p.AttributesRequireVerificationBeforeUpdate...)}
}

// pendingUpdates takes out of set the changes of u's email and
// phone_number that wait for verification under the pool's
// UserAttributeUpdateSettings: a new non-empty value of a verified
// attribute the settings name, unless the same write marks it verified
// (which the caller was allowed to do). It returns them (attribute to new
// value); the user keeps the old value, verified, until
// VerifyUserAttribute accepts the code sent to the new one.
func pendingUpdates(p *flow.Pool, u *flow.User, set map[string]string) map[string]string {
	var pending map[string]string
	for _, attr := range p.AttributesRequireVerificationBeforeUpdate {
		v, writes := set[attr]
		flag, _ := flow.VerifiedFlag(attr)
		if writes && v == u.Attributes[attr] {
			// Back to the current value: nothing waits any more.
			dropPendingUpdates(u, map[string]string{attr: v})
		}
		if !writes || v == "" || v == u.Attributes[attr] || u.Attributes[flag] != "true" || set[flag] == "true" {
			continue
		}
		if pending == nil {
			pending = map[string]string{}
		}
		pending[attr] = v
		delete(set, attr)
		delete(set, flag)
	}
	return pending
}

// attributeMessage is a code for an attribute, to deliver once the user
// is saved.
type attributeMessage struct {
	Attribute string
	Message   flow.Message
}

// pendingCodes records a code for each pending new value (see
// pendingUpdates) in u, in attribute order, and returns the messages that
// deliver them to the new values.
func (s *Service) pendingCodes(p *flow.Pool, u *flow.User, pending map[string]string, now time.Time) ([]attributeMessage, error) {
	var out []attributeMessage
	for _, attr := range slices.Sorted(maps.Keys(pending)) {
		m, err := s.newCodeFor(p, u, attr, pendingCodeKey(attr, pending[attr]), pending[attr], now)
		if err != nil {
			return nil, err
		}
		out = append(out, attributeMessage{Attribute: attr, Message: m})
	}
	return out, nil
}

// pendingCodeKey is the User.Codes key of a code sent to v, the pending
// new value of attr; VerifyUserAttribute with it makes v the value.
func pendingCodeKey(attr, v string) string { return "pending:" + attributeCodeKey(attr, v) }

// pendingValue returns the pending new value of attr (see pendingUpdates),
// if any.
func pendingValue(u *flow.User, attr string) (string, bool) {
	prefix := pendingCodeKey(attr, "")
	for k := range u.Codes {
		if v, ok := strings.CutPrefix(k, prefix); ok {
			return v, true
		}
	}
	return "", false
}

// dropPendingUpdates forgets the pending new value (and its code) of the
// email or phone_number an administrator writes: the administrator's
// value wins.
func dropPendingUpdates(u *flow.User, set map[string]string) {
	for attr := range set {
		if _, ok := pendingValue(u, attr); ok {
			dropAttributeCodes(u, attr)
		}
	}
}

// AddCustomAttributes adds custom attributes to a pool's schema: each is
// new (InvalidParameterException "custom:<name>: Existing attribute
// already has name ..." otherwise), named by at most
// schema.MaxNameLength characters, not required, and the pool keeps at
// most schema.MaxCustomAttributes of them. Errors:
// InvalidParameterException, ResourceNotFoundException,
// InternalErrorException.
func (s *Service) AddCustomAttributes(ctx context.Context, in *challenge.AddCustomAttributesInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	p, err := s.pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	sch, err := schema.AddCustom(poolSchema(p), in.CustomAttributes)
	if err != nil {
		return nil, err
	}
	p.Schema = sch
	p.LastModified = s.now()
	if err := s.cat.PutPool(ctx, p); err != nil {
		return nil, errInternal(err)
	}
	return &challenge.Empty{}, nil
}
