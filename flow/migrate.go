package flow

import (
	"context"
	"errors"

	"github.com/authflow/authflow/srp"
)

// migrate asks the user migration hook about an unknown user and, when it
// knows them, creates the user with the password just presented (empty for
// a password reset, which leaves the user RESET_REQUIRED). It returns nil
// when there is no hook or the hook does not know the user.
func (s *Server) migrate(ctx context.Context, p *Pool, c *AppClient, username, password string, metadata map[string]string) (*User, error) {
	if s.hooks.UserMigration == nil || username == "" {
		return nil, nil
	}
	source := "UserMigration_Authentication"
	if password == "" {
		source = "UserMigration_ForgotPassword"
	}
	out, err := callHook("UserMigration", func() (*UserMigrationOutput, error) {
		return s.hooks.UserMigration(ctx, UserMigrationInput{PoolID: p.ID, ClientID: c.ID, Username: username,
			Password: password, TriggerSource: source, ValidationData: metadata})
	})
	if err != nil || out == nil {
		return nil, err
	}
	status := out.FinalUserStatus
	switch {
	case status == "" && password != "":
		status = StatusConfirmed
	case status == "" || password == "":
		status = StatusResetRequired
	case status != StatusConfirmed && status != StatusResetRequired:
		return nil, invalidLambda("UserMigration", "FinalUserStatus must be CONFIRMED or RESET_REQUIRED")
	}
	attrs := map[string]string{}
	for k, v := range out.Attributes {
		if k == "sub" || k == "username" {
			continue
		}
		attrs[k] = v
	}
	sub, err := newUUID(s.rand)
	if err != nil {
		return nil, errInternal(err)
	}
	now := s.now()
	u := &User{PoolID: p.ID, Username: canonicalUsername(p, username), Sub: sub, Status: status, Enabled: true,
		Attributes: attrs, Created: now, LastModified: now}
	if len(p.UsernameAttributes) > 0 {
		u.Username = sub
	}
	if password != "" {
		if u.Salt, u.Verifier, err = srp.NewPasswordVerifier(s.rand, srp.PoolName(p.ID), u.Username, password); err != nil {
			return nil, errInternal(err)
		}
	}
	if err := s.dir.Apply(ctx, Change{Kind: ChangeCreate, User: u}); err != nil {
		if errors.Is(err, ErrConflict) {
			return s.findUser(ctx, p, username)
		}
		return nil, errInternal(err)
	}
	return u, nil
}
