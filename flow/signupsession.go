package flow

import (
	"context"
)

// signUpSession saves a session naming a user who just signed up
// (confirmed false) or confirmed (true).
func (s *Server) signUpSession(ctx context.Context, c *AppClient, u *User, confirmed bool) (string, error) {
	now := s.now()
	st := State{Phase: PhaseStart, PoolID: u.PoolID, ClientID: c.ID, Username: u.Username, Created: now,
		Expires: now.Add(c.sessionValidity()), Extra: map[string]string{extraSignedUp: "pending"}}
	event := evSignedUp
	if confirmed {
		st.Extra[extraSignedUp], event = "confirmed", evSignUpConfirmed
	}
	if err := s.take(event, PhaseStart, st.Phase); err != nil {
		return "", err
	}
	blob, err := st.MarshalBinary()
	if err != nil {
		return "", errInternal(err)
	}
	h, err := s.sessions.Save(ctx, blob, c.sessionValidity())
	if err != nil {
		return "", errInternal(err)
	}
	return h, nil
}

// spendSignUpSession checks and spends a sign-up session; want is
// "pending" (ConfirmSignUp) or "confirmed" (InitiateAuth).
func (s *Server) checkSignUpSession(ctx context.Context, handle, want string, c *AppClient, u *User) error {
	if len(handle) > maxSession {
		return errInvalidSession()
	}
	blob, ok, err := s.sessions.Load(ctx, handle)
	if err != nil {
		return errInternal(err)
	}
	var st State
	if !ok || st.UnmarshalBinary(blob) != nil || st.Extra[extraSignedUp] != want || st.ClientID != c.ID || st.Username != u.Username {
		return errInvalidSession()
	}
	if !s.now().Before(st.Expires) {
		return errExpiredSession()
	}
	if ok, err := s.sessions.Spend(ctx, handle); err != nil {
		return errInternal(err)
	} else if !ok {
		return errInvalidSession()
	}
	return nil
}

func (s *Server) spendSignUpSession(ctx context.Context, handle string, c *AppClient, u *User) error {
	return s.checkSignUpSession(ctx, handle, "confirmed", c, u)
}
