package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"regexp"
	"slices"

	"github.com/google/uuid"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// Auth events are recorded by the engine (flow.EventRecorder; the service
// wires flow.DirectoryEvents, which keeps the newest flow.MaxAuthEvents of
// each user in the user record) for pools whose AdvancedSecurityMode is
// AUDIT or ENFORCED. Risk is not evaluated: every event reads NoRisk, Low,
// no compromised credentials.

// Limits of the auth event operations.
const (
	maxEventPage  = 60 // Cognito's page size and maximum
	maxEventID    = 50
	maxFeedback   = 256
	feedbackLabel = "authflow auth event feedback\x00"
)

// FeedbackProviderAdmin and FeedbackProviderUser are the Provider of
// feedback given by AdminUpdateAuthEventFeedback and by
// UpdateAuthEventFeedback.
const (
	FeedbackProviderAdmin = "Admin"
	FeedbackProviderUser  = "User"
)

var eventIDRE = regexp.MustCompile(`^[\w+-]+$`)

func errAddOnOff(poolID string) error {
	return challenge.New(challenge.ErrUserPoolAddOnNotEnabled,
		"Threat protection (UserPoolAddOns.AdvancedSecurityMode AUDIT or ENFORCED) is not enabled for user pool "+poolID+".")
}

func errNoEvent() error {
	return challenge.New(challenge.ErrResourceNotFound, "Auth event not found.")
}

// threatPool returns a pool with threat protection on, or
// UserPoolAddOnNotEnabledException.
func (s *Service) threatPool(ctx context.Context, poolID string) (*flow.Pool, error) {
	p, err := s.pool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	if !p.ThreatProtection() {
		return nil, errAddOnOff(p.ID)
	}
	return p, nil
}

// FeedbackToken returns the feedback token of an auth event: what Cognito
// puts in the notification email of a risky sign-in, and what
// UpdateAuthEventFeedback needs. authflow sends no such email, so an
// application that wants its users' feedback hands it out itself. The
// token is an HMAC of the pool and event id under the service's key
// (Config.DecoyKey, shared by every node): it cannot be derived for
// another event.
func (s *Service) FeedbackToken(poolID, eventID string) string {
	h := hmac.New(sha256.New, s.decoyKey)
	h.Write([]byte(feedbackLabel + poolID + "\x00" + eventID))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// authEventType shapes a recorded event for the wire.
func authEventType(e *flow.AuthEvent) challenge.AuthEventType {
	t := challenge.AuthEventType{EventId: e.ID, EventType: e.Type, CreationDate: challenge.At(e.Created),
		EventResponse: e.Response, ChallengeResponses: slices.Clone(e.Challenges),
		EventRisk: &challenge.EventRiskType{RiskDecision: challenge.RiskDecisionNoRisk, RiskLevel: challenge.RiskLevelLow}}
	if e.Context != (challenge.EventContextDataType{}) {
		c := e.Context
		t.EventContextData = &c
	}
	if f := e.Feedback; f != nil {
		t.EventFeedback = &challenge.EventFeedbackType{FeedbackValue: f.Value, Provider: f.Provider, FeedbackDate: challenge.At(f.Date)}
	}
	return t
}

// AdminListUserAuthEvents lists a user's auth events, newest first.
// MaxResults 0 means 60 (the maximum); NextToken is the id of the last
// event of the previous page. Errors: InvalidParameterException,
// ResourceNotFoundException, UserNotFoundException,
// UserPoolAddOnNotEnabledException, InternalErrorException.
func (s *Service) AdminListUserAuthEvents(ctx context.Context, in *challenge.AdminListUserAuthEventsInput) (*challenge.AdminListUserAuthEventsOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	limit := in.MaxResults
	if limit == 0 {
		limit = maxEventPage
	}
	if limit < 0 || limit > maxEventPage {
		return nil, errParam("1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60")
	}
	if _, err := s.threatPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	_, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	i := len(u.AuthEvents) - 1
	if in.NextToken != "" {
		i = slices.IndexFunc(u.AuthEvents, func(e flow.AuthEvent) bool { return e.ID == in.NextToken }) - 1
		if i < -1 {
			return nil, errParam("Invalid pagination token.")
		}
	}
	out := &challenge.AdminListUserAuthEventsOutput{AuthEvents: []challenge.AuthEventType{}}
	for ; i >= 0 && len(out.AuthEvents) < limit; i-- {
		out.AuthEvents = append(out.AuthEvents, authEventType(&u.AuthEvents[i]))
	}
	if i >= 0 {
		out.NextToken = out.AuthEvents[len(out.AuthEvents)-1].EventId
	}
	return out, nil
}

func checkFeedback(eventID, value string) error {
	if eventID == "" {
		return errMissing("EventId")
	}
	if len(eventID) > maxEventID || !eventIDRE.MatchString(eventID) {
		return errParam("1 validation error detected: Value at 'eventId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+-]+")
	}
	switch value {
	case challenge.FeedbackValid, challenge.FeedbackInvalid:
		return nil
	case "":
		return errMissing("FeedbackValue")
	}
	return errParam("1 validation error detected: Value '" + truncate(value, 32) +
		"' at 'feedbackValue' failed to satisfy constraint: Member must satisfy enum value set: [Valid, Invalid]")
}

// AdminUpdateAuthEventFeedback records an administrator's feedback on an
// auth event (Provider "Admin"). Errors: InvalidParameterException,
// ResourceNotFoundException (no such pool or event),
// UserNotFoundException, UserPoolAddOnNotEnabledException,
// TooManyRequestsException (a concurrent change of the user),
// InternalErrorException.
func (s *Service) AdminUpdateAuthEventFeedback(ctx context.Context, in *challenge.AdminUpdateAuthEventFeedbackInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if err := checkFeedback(in.EventId, in.FeedbackValue); err != nil {
		return nil, err
	}
	if _, err := s.threatPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	_, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return s.setFeedback(ctx, u, in.EventId, in.FeedbackValue, FeedbackProviderAdmin)
}

// UpdateAuthEventFeedback records a user's feedback on an auth event,
// proven with the event's feedback token (see FeedbackToken), which is
// checked, in constant time, before anything about the user is looked
// up (Provider "User"). Errors: InvalidParameterException,
// NotAuthorizedException (a wrong token), ResourceNotFoundException (no
// such pool or event), UserNotFoundException,
// UserPoolAddOnNotEnabledException, TooManyRequestsException,
// InternalErrorException.
func (s *Service) UpdateAuthEventFeedback(ctx context.Context, in *challenge.UpdateAuthEventFeedbackInput) (*challenge.Empty, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if err := checkFeedback(in.EventId, in.FeedbackValue); err != nil {
		return nil, err
	}
	if in.FeedbackToken == "" {
		return nil, errMissing("FeedbackToken")
	}
	if in.Username == "" {
		return nil, errMissing("Username")
	}
	p, err := s.threatPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	want := s.FeedbackToken(p.ID, in.EventId)
	if len(in.FeedbackToken) > maxFeedback || !hmac.Equal([]byte(want), []byte(in.FeedbackToken)) {
		return nil, errNotAuthorized("Invalid feedback token.")
	}
	_, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return s.setFeedback(ctx, u, in.EventId, in.FeedbackValue, FeedbackProviderUser)
}

func (s *Service) setFeedback(ctx context.Context, u *flow.User, eventID, value, provider string) (*challenge.Empty, error) {
	e := u.Event(eventID)
	if e == nil {
		return nil, errNoEvent()
	}
	e.Feedback = &flow.EventFeedback{Value: value, Provider: provider, Date: s.now()}
	old := u.Version
	if err := s.dir.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: old}); err != nil {
		if errors.Is(err, flow.ErrConflict) {
			return nil, challenge.Wrap(challenge.ErrTooManyRequests, "The user was changed concurrently; try again.", err)
		}
		return nil, errInternal(err)
	}
	return &challenge.Empty{}, nil
}

// noteEvent adds a Pass event of eventType to u, to be saved with it, in a
// pool with threat protection (nothing otherwise).
func (s *Service) noteEvent(p *flow.Pool, u *flow.User, eventType string) {
	if !p.ThreatProtection() {
		return
	}
	id, err := uuid.NewRandomFromReader(s.rand)
	if err != nil {
		return
	}
	u.ApplyEvent(flow.EventUpdate{ID: id.String(), Type: eventType, Now: s.now(), Response: challenge.EventResponsePass})
}

// recordEvent records an event of a self-service operation (SignUp,
// ForgotPassword, ...) of a pool with threat protection: one event, Pass
// or Fail, at once. It does nothing for other pools, and a failure to
// record does not fail the operation.
func (s *Service) recordEvent(ctx context.Context, p *flow.Pool, username, eventType string, err error) {
	if p == nil || !p.ThreatProtection() || username == "" {
		return
	}
	id, ierr := uuid.NewRandomFromReader(s.rand)
	if ierr != nil {
		return
	}
	response := challenge.EventResponsePass
	if err != nil {
		response = challenge.EventResponseFail
	}
	_ = flow.DirectoryEvents{Directory: s.dir}.RecordEvent(context.WithoutCancel(ctx), p.ID, username,
		flow.EventUpdate{ID: id.String(), Type: eventType, Now: s.now(), Response: response})
}
