package flow

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/authflow/authflow/challenge"
)

// Auth events, as Cognito's threat protection records them: in a pool whose
// AdvancedSecurityMode is AUDIT or ENFORCED, every sign-in is one event,
// created when it starts (its id goes into the session State and into the
// event_id claim of the tokens it ends with) and updated by each later
// step. Risk is not evaluated: every event is NoRisk, Low, no compromised
// credentials, and nothing is blocked or challenged because of risk.

// MaxAuthEvents is how many events a user record keeps (DirectoryEvents):
// the newest; the oldest is dropped first.
const MaxAuthEvents = 50

// maxEventChallenges bounds the factor results of one event.
const maxEventChallenges = 16

// AuthEvent is one recorded event of a user (User.AuthEvents).
type AuthEvent struct {
	ID      string
	Type    string // challenge.EventTypeSignIn, ...
	Created time.Time
	// Response is challenge.EventResponsePass, Fail or InProgress.
	Response string
	// Challenges are the factors answered, in order (Password or Mfa,
	// Success or Failure).
	Challenges []challenge.ChallengeResponseType `json:",omitempty"`
	// Context is where the event came from, as the caller said.
	Context challenge.EventContextDataType `json:",omitzero"`
	// Feedback is the last feedback given (UpdateAuthEventFeedback).
	Feedback *EventFeedback `json:",omitempty"`
}

// EventFeedback is the feedback given on an event.
type EventFeedback struct {
	Value    string // challenge.FeedbackValid or FeedbackInvalid
	Provider string // who gave it
	Date     time.Time
}

// EventUpdate is what one step adds to an event: EventRecorder applies it
// to the event ID of the user, creating the event on its first update.
type EventUpdate struct {
	ID   string
	Type string
	Now  time.Time
	// Response is the event's response after this step. A Pass is never
	// replaced (a concurrent losing answer does not undo a sign-in).
	Response string
	// Challenge is the factor this step answered, if any.
	Challenge *challenge.ChallengeResponseType
	// Context is where the step came from; it fills in an event that has none.
	Context challenge.EventContextDataType
}

// EventRecorder records auth events (Config.Events). The engine calls it
// after each sign-in step of a pool with threat protection, and only
// then; a failure is not the sign-in's (the step is already carried out)
// and is dropped. DirectoryEvents is the implementation that keeps events
// in the user record. It must be safe for concurrent use.
type EventRecorder interface {
	RecordEvent(ctx context.Context, poolID, username string, e EventUpdate) error
}

// DirectoryEvents keeps the newest MaxAuthEvents events of each user in
// User.AuthEvents, with an optimistic read-modify-write of the user (so
// the events live wherever the user does, and survive restarts in every
// directory backend).
type DirectoryEvents struct{ Directory Directory }

// RecordEvent applies e to the user's event e.ID. A user that is gone is
// not an error.
func (d DirectoryEvents) RecordEvent(ctx context.Context, poolID, username string, e EventUpdate) error {
	for attempt := 0; ; attempt++ {
		u, err := d.Directory.User(ctx, poolID, username)
		if err != nil || u == nil {
			return err
		}
		old := u.Version
		u.ApplyEvent(e)
		err = d.Directory.Apply(ctx, Change{Kind: ChangeUpdate, User: u, Version: old})
		if !errors.Is(err, ErrConflict) || attempt >= 4 {
			return err
		}
	}
}

// ApplyEvent applies e to the user's events (see EventUpdate), keeping the
// newest MaxAuthEvents.
func (u *User) ApplyEvent(e EventUpdate) {
	var ae *AuthEvent
	for i := range u.AuthEvents {
		if u.AuthEvents[i].ID == e.ID {
			ae = &u.AuthEvents[i]
		}
	}
	if ae == nil {
		u.AuthEvents = append(u.AuthEvents, AuthEvent{ID: e.ID, Type: e.Type, Created: e.Now})
		if n := len(u.AuthEvents) - MaxAuthEvents; n > 0 {
			u.AuthEvents = append([]AuthEvent(nil), u.AuthEvents[n:]...)
		}
		ae = &u.AuthEvents[len(u.AuthEvents)-1]
	}
	if e.Response != "" && ae.Response != challenge.EventResponsePass {
		ae.Response = e.Response
	}
	if e.Challenge != nil && len(ae.Challenges) < maxEventChallenges {
		ae.Challenges = append(ae.Challenges, *e.Challenge)
	}
	if ae.Context == (challenge.EventContextDataType{}) {
		ae.Context = e.Context
	}
}

// Event returns the user's event with the given id, or nil.
func (u *User) Event(id string) *AuthEvent {
	for i := range u.AuthEvents {
		if u.AuthEvents[i].ID == id {
			return &u.AuthEvents[i]
		}
	}
	return nil
}

// ThreatProtection reports whether the pool records auth events: its
// AdvancedSecurityMode is AUDIT or ENFORCED.
func (p *Pool) ThreatProtection() bool {
	return p.AdvancedSecurityMode == "AUDIT" || p.AdvancedSecurityMode == "ENFORCED"
}

// Bounds of what a caller's context data may leave in an event.
const (
	maxEventIP     = 64
	maxEventDevice = 256
)

// EventContext turns the context data of a sign-in call into an event's
// context: the IP address, and the User-Agent header as the device name
// (no geolocation: City, Country and Timezone stay empty). Values are cut
// to bounded lengths; nothing here is trusted.
func EventContext(user *challenge.UserContextData, admin *challenge.ContextData) challenge.EventContextDataType {
	var c challenge.EventContextDataType
	if user != nil {
		c.IpAddress = bound(user.IpAddress, maxEventIP)
	}
	if admin != nil {
		c.IpAddress = bound(admin.IpAddress, maxEventIP)
		for _, h := range admin.HttpHeaders {
			if strings.EqualFold(h.HeaderName, "User-Agent") {
				c.DeviceName = bound(h.HeaderValue, maxEventDevice)
			}
		}
	}
	return c
}

// bound cuts s to at most n bytes of valid UTF-8.
func bound(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}

// eventStart is the state a sign-in starts from: with a new event id when
// it will be recorded, nil (the machine's zero state) otherwise.
func (s *Server) eventStart(ev *Event) *State {
	if s.events == nil || ev.User == nil || !ev.Pool.ThreatProtection() {
		return nil
	}
	id, err := newUUID(s.rand)
	if err != nil {
		return nil
	}
	return &State{Phase: PhaseStart, EventID: id}
}

// recordEvent records what a sign-in step did to its event: prev is the
// state the step answered (the start state for InitiateAuth), o the
// machine's outcome and err the step's answer.
func (s *Server) recordEvent(ctx context.Context, c call, ev *Event, prev *State, o Outcome, err error) {
	if prev == nil || prev.EventID == "" || s.events == nil || ev.User == nil || c.decoy {
		return
	}
	u := EventUpdate{ID: prev.EventID, Type: challenge.EventTypeSignIn, Now: ev.Now, Context: c.ctxData,
		Response: challenge.EventResponseInProgress}
	switch {
	case o.Grant && err == nil:
		u.Response = challenge.EventResponsePass
	case err != nil && !o.Retry:
		u.Response = challenge.EventResponseFail
	}
	factor := func(name, result string) *challenge.ChallengeResponseType {
		return &challenge.ChallengeResponseType{ChallengeName: name, ChallengeResponse: result}
	}
	var gained Factor
	if o.Next != nil && o.Err == nil {
		gained = o.Next.Proven &^ prev.Proven
	}
	switch {
	case o.Effects.RecordFailure && prev.Phase == PhaseMFA:
		u.Challenge = factor(challenge.EventChallengeMfa, challenge.EventChallengeFailure)
	case o.Effects.RecordFailure:
		u.Challenge = factor(challenge.EventChallengePassword, challenge.EventChallengeFailure)
	case gained&FactorMFA != 0:
		u.Challenge = factor(challenge.EventChallengeMfa, challenge.EventChallengeSuccess)
	case gained&(FactorPassword|FactorPasswordless) != 0:
		u.Challenge = factor(challenge.EventChallengePassword, challenge.EventChallengeSuccess)
	}
	_ = s.events.RecordEvent(context.WithoutCancel(ctx), ev.Pool.ID, ev.User.Username, u)
}
