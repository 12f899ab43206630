package flow

import (
	"context"
	"errors"
	"maps"
	"time"

	"github.com/authflow/authflow/challenge"
)

// call is one sign-in call, normalised across the public and admin entry
// points.
type call struct {
	admin bool
	// decoy says session is a sealed decoy handle (decoysession.go) that
	// had taken decoyWrong wrong answers.
	decoy      bool
	decoyWrong int
	poolID     string // admin only
	clientID   string
	flow       challenge.AuthFlow
	answer     challenge.Name
	params     map[string]string
	metadata   map[string]string
	session    string
	ctxData    challenge.EventContextDataType // where the call came from (auth events)
}

// reply is the answer to a call, before it is shaped into one of the four
// output structs.
type reply struct {
	result    *challenge.AuthenticationResult
	available []challenge.Name
	name      challenge.Name
	params    map[string]string
	session   string
}

// InitiateAuth starts a sign-in (public entry point). Errors:
// InvalidParameterException, NotAuthorizedException, UserNotFoundException,
// UserNotConfirmedException, PasswordResetRequiredException,
// ResourceNotFoundException, InternalErrorException.
func (s *Server) InitiateAuth(ctx context.Context, in *challenge.InitiateAuthInput) (*challenge.InitiateAuthOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	r, err := s.initiate(ctx, call{clientID: in.ClientId, flow: in.AuthFlow, params: in.AuthParameters,
		metadata: in.ClientMetadata, session: in.Session, ctxData: EventContext(in.UserContextData, nil)})
	if err != nil {
		return nil, err
	}
	return &challenge.InitiateAuthOutput{AuthenticationResult: r.result, AvailableChallenges: r.available,
		ChallengeName: r.name, ChallengeParameters: r.params, Session: r.session}, nil
}

// AdminInitiateAuth starts a sign-in (administrator entry point); it takes
// the admin-only flows. Errors as InitiateAuth, plus MFAMethodNotFoundException.
func (s *Server) AdminInitiateAuth(ctx context.Context, in *challenge.AdminInitiateAuthInput) (*challenge.AdminInitiateAuthOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if in.UserPoolId == "" {
		return nil, errMissing("UserPoolId")
	}
	r, err := s.initiate(ctx, call{admin: true, poolID: in.UserPoolId, clientID: in.ClientId, flow: in.AuthFlow,
		params: in.AuthParameters, metadata: in.ClientMetadata, session: in.Session, ctxData: EventContext(nil, in.ContextData)})
	if err != nil {
		return nil, err
	}
	return &challenge.AdminInitiateAuthOutput{AuthenticationResult: r.result, AvailableChallenges: r.available,
		ChallengeName: r.name, ChallengeParameters: r.params, Session: r.session}, nil
}

// RespondToAuthChallenge answers the pending challenge of a sign-in.
// Errors: InvalidParameterException, NotAuthorizedException (wrong answer,
// unknown, spent or expired session), CodeMismatchException,
// ExpiredCodeException, InvalidPasswordException,
// PasswordHistoryPolicyViolationException, UserNotConfirmedException,
// PasswordResetRequiredException, ResourceNotFoundException, InternalErrorException.
func (s *Server) RespondToAuthChallenge(ctx context.Context, in *challenge.RespondToAuthChallengeInput) (*challenge.RespondToAuthChallengeOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	r, err := s.respond(ctx, call{clientID: in.ClientId, answer: in.ChallengeName, params: in.ChallengeResponses,
		metadata: in.ClientMetadata, session: in.Session, ctxData: EventContext(in.UserContextData, nil)})
	if err != nil {
		return nil, err
	}
	return &challenge.RespondToAuthChallengeOutput{AuthenticationResult: r.result, ChallengeName: r.name,
		ChallengeParameters: r.params, Session: r.session}, nil
}

// AdminRespondToAuthChallenge answers a challenge through the
// administrator entry point. Errors as RespondToAuthChallenge.
func (s *Server) AdminRespondToAuthChallenge(ctx context.Context, in *challenge.AdminRespondToAuthChallengeInput) (*challenge.AdminRespondToAuthChallengeOutput, error) {
	if in == nil {
		return nil, errParam("Missing request.")
	}
	if in.UserPoolId == "" {
		return nil, errMissing("UserPoolId")
	}
	r, err := s.respond(ctx, call{admin: true, poolID: in.UserPoolId, clientID: in.ClientId, answer: in.ChallengeName,
		params: in.ChallengeResponses, metadata: in.ClientMetadata, session: in.Session, ctxData: EventContext(nil, in.ContextData)})
	if err != nil {
		return nil, err
	}
	return &challenge.AdminRespondToAuthChallengeOutput{AuthenticationResult: r.result, ChallengeName: r.name,
		ChallengeParameters: r.params, Session: r.session}, nil
}

// expiredGrace is how long an expired session is remembered as expired.
const expiredGrace = time.Minute

// maxParams bounds the AuthParameters / ChallengeResponses maps.
const (
	maxParams     = 64
	maxParamBytes = 32 << 10
	maxSession    = 4096
)

func checkParams(params map[string]string) error {
	if len(params) > maxParams {
		return errParam("Too many parameters.")
	}
	for k, v := range params {
		if len(k) > 256 || len(v) > maxParamBytes {
			return errParam("Parameter " + truncate(k, 64) + " is too long.")
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// entryAllows reports whether a flow may start at an entry point.
func entryAllows(admin bool, f challenge.AuthFlow) bool {
	switch f {
	case challenge.FlowUserPasswordAuth:
		return !admin
	case challenge.FlowAdminUserPasswordAuth, challenge.FlowAdminNoSRPAuth:
		return admin
	}
	return true
}

func (s *Server) event(c call, cl *AppClient, p *Pool, u *User) *Event {
	h := &s.hooks
	return &Event{Admin: c.admin, Flow: c.flow, Answer: c.answer, Params: c.params, Now: s.now(),
		Pool: p, Client: cl, User: u, Limits: s.limits, DecoyKey: s.decoyKey, CanSend: s.sender != nil, SRP: s.srp,
		Metadata: c.metadata, Origins: s.origins, CanPasskey: s.passkeys != nil,
		CanCustomAuth: h.DefineAuthChallenge != nil && h.CreateAuthChallenge != nil && h.VerifyAuthChallenge != nil}
}

func (s *Server) initiate(ctx context.Context, c call) (*reply, error) {
	start := time.Now()
	if c.flow == "" {
		return nil, errMissing("AuthFlow")
	}
	if !c.flow.Valid() {
		return nil, errParam("1 validation error detected: Value '" + truncate(string(c.flow), 64) +
			"' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: " +
			"[USER_AUTH, USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH]")
	}
	if err := checkParams(c.params); err != nil {
		return nil, err
	}
	cl, p, err := s.clientAndPool(ctx, c.clientID, c.poolID)
	if err != nil {
		return nil, err
	}
	if !entryAllows(c.admin, c.flow) {
		return nil, errParam("Initiate Auth method not supported.")
	}
	if !cl.Allows(c.flow) {
		return nil, errParam(string(c.flow) + " flow not enabled for this client")
	}
	switch c.flow {
	case challenge.FlowRefreshTokenAuth, challenge.FlowRefreshToken:
		return s.refreshFlow(ctx, c, cl, p)
	case challenge.FlowUserSRPAuth, challenge.FlowUserPasswordAuth, challenge.FlowAdminUserPasswordAuth, challenge.FlowAdminNoSRPAuth, challenge.FlowCustomAuth, challenge.FlowUserAuth:
	default:
		return nil, errParam("Initiate Auth method not supported.")
	}
	username := c.params[challenge.KeyUsername]
	if username == "" {
		return nil, errMissing(challenge.KeyUsername)
	}
	if err := checkSecretHash(cl, c.params[challenge.KeySecretHash], username); err != nil {
		return nil, err
	}
	u, err := s.findUser(ctx, p, username)
	if err != nil {
		return nil, errInternal(err)
	}
	if u == nil && (c.flow == challenge.FlowUserPasswordAuth || c.flow == challenge.FlowAdminUserPasswordAuth) {
		if u, err = s.migrate(ctx, p, cl, username, c.params[challenge.KeyPassword], c.metadata); err != nil {
			return nil, err
		}
	}
	if u != nil && s.hooks.PreAuthentication != nil {
		if _, err := callHook("PreAuthentication", func() (struct{}, error) {
			return struct{}{}, s.hooks.PreAuthentication(ctx, PreAuthenticationInput{TriggerUser: triggerUser(p, cl, u, username), ValidationData: c.metadata})
		}); err != nil {
			return nil, err
		}
	}
	ev := s.event(c, cl, p, u)
	if c.session != "" {
		// The Session of a confirmed sign-up signs the user in with USER_AUTH.
		if c.flow != challenge.FlowUserAuth || u == nil {
			return nil, errInvalidSession()
		}
		if err := s.spendSignUpSession(ctx, c.session, cl, u); err != nil {
			return nil, err
		}
		ev.SignedUp = true
	}
	if u == nil && cl.PreventUserExistenceErrors == challenge.PreventUserExistenceErrorsOn && !guesses(nil, ev) {
		// (A step that guesses learns the lockout from its reservation.)
		if ev.DecoyLocked, err = s.unknownLocked(ctx, p, decoyUserID(s.decoyKey, p, username)); err != nil {
			return nil, err
		}
	}
	g, err := s.reserveFor(ctx, nil, ev, username)
	if err != nil {
		return nil, err
	}
	start0 := s.eventStart(ev)
	o := s.step(ctx, start0, ev)
	r, err := s.carryOut(ctx, c, ev, "", nil, o, g)
	s.recordEvent(ctx, c, ev, start0, o, err)
	s.padGuess(ctx, g, start, err)
	return r, err
}

// padGuess makes a failed guess for an unknown name take as long as one
// for a user (see padder): a user's records its duration, and both wait
// for the same percentile of those. Timing then does not tell who exists,
// whatever the directory costs. A right guess is not held.
func (s *Server) padGuess(ctx context.Context, g *guess, start time.Time, err error) {
	if g == nil || err == nil {
		return
	}
	if g.known {
		s.pad.record(time.Since(start))
	}
	s.pad.wait(ctx, start)
}

// reserveFor reserves a guess before a step that evaluates a secret (see
// guesses): for the user, or for the name of a decoy sign-in. It returns
// nil when the step guesses nothing or the answer will not depend on a
// secret (a disabled user, an unknown user without
// PreventUserExistenceErrors).
func (s *Server) reserveFor(ctx context.Context, st *State, ev *Event, name string) (*guess, error) {
	if !guesses(st, ev) {
		return nil, nil
	}
	if st != nil && (int(st.Steps) >= ev.Limits.MaxSteps || ev.Params[challenge.KeyUsername] != st.Username ||
		(ev.User == nil && !st.Decoy)) {
		return nil, nil // refused before any secret is looked at
	}
	switch {
	case ev.User != nil && !ev.User.Enabled:
		return nil, nil
	case ev.User != nil:
		name = ev.User.Username
	case ev.Client.PreventUserExistenceErrors != challenge.PreventUserExistenceErrorsOn:
		return nil, nil
	case st != nil:
		name = st.Username
	default:
		name = decoyUserID(s.decoyKey, ev.Pool, name)
	}
	return s.reserve(ctx, ev.Pool, name, ev.Now)
}

// settle settles the guess reserved for a step by its outcome: a recorded
// failure keeps it (even when the answer then lost its session to a
// concurrent one: it was evaluated), a completed sign-in clears the
// counter, anything else (a right secret with more to prove, nothing
// evaluated, or a right answer that lost the session) takes it back. The
// outcome's own lockout effects are then already applied.
func (s *Server) settle(ctx context.Context, g *guess, o Outcome, lost bool) Outcome {
	if g == nil {
		return o
	}
	switch {
	case o.Effects.RecordFailure:
	case o.Effects.ResetFailures && !lost:
		_ = g.reset(ctx) // a failed reset leaves the counter high: the safe side
	default:
		_ = g.refund(ctx)
	}
	o.Effects.RecordFailure, o.Effects.ResetFailures = false, false
	return o
}

func (s *Server) respond(ctx context.Context, c call) (*reply, error) {
	start := time.Now()
	if c.answer == "" {
		return nil, errMissing("ChallengeName")
	}
	if !c.answer.Valid() {
		return nil, errParam("1 validation error detected: Value '" + truncate(string(c.answer), 64) +
			"' at 'challengeName' failed to satisfy constraint: Member must satisfy enum value set")
	}
	if c.answer == challenge.AdminNoSRPAuth && !c.admin {
		return nil, errParam("ADMIN_NO_SRP_AUTH is not a valid challenge for RespondToAuthChallenge.")
	}
	if err := checkParams(c.params); err != nil {
		return nil, err
	}
	cl, p, err := s.clientAndPool(ctx, c.clientID, c.poolID)
	if err != nil {
		return nil, err
	}
	if c.session == "" {
		return nil, errMissing("Session")
	}
	if len(c.session) > maxSession {
		return nil, errInvalidSession()
	}
	blob, ok, err := s.sessions.Load(ctx, c.session)
	if err != nil {
		return nil, errInternal(err)
	}
	var st State
	now := s.now()
	if ok {
		if err := st.UnmarshalBinary(blob); err != nil {
			return nil, errInvalidSession()
		}
	} else if st, ok = s.openDecoy(c.session, cl, p, c.params[challenge.KeyUsername]); ok {
		// A sealed decoy session: live until spent, and remembered (as the
		// store remembers a session) until a minute after it expires.
		live, wrong, err := s.decoyLive(ctx, c.session)
		if err != nil {
			return nil, errInternal(err)
		}
		if !live || !now.Before(st.Expires.Add(expiredGrace)) {
			return nil, errInvalidSession()
		}
		st.Wrong = uint8(min(wrong, 255))
		c.decoy, c.decoyWrong = true, wrong
	} else {
		return nil, errInvalidSession()
	}
	// A session answers only at the entry point that opened it: an
	// AdminInitiateAuth session (IAM-authorised) is not completed through
	// the unsigned RespondToAuthChallenge, nor the reverse.
	if st.ClientID != cl.ID || st.PoolID != p.ID || st.Admin != c.admin {
		return nil, errInvalidSession()
	}
	if !now.Before(st.Expires) {
		if _, err := s.spendHandle(ctx, c, cl); err != nil {
			return nil, errInternal(err)
		}
		return nil, errExpiredSession()
	}
	if c.answer != st.Challenge {
		return nil, errParam("The challenge name does not match the pending challenge " + string(st.Challenge) + ".")
	}
	if err := checkSecretHash(cl, c.params[challenge.KeySecretHash], c.params[challenge.KeyUsername]); err != nil {
		return nil, err
	}
	var u *User
	if !st.Decoy {
		if u, err = s.dir.User(ctx, p.ID, st.Username); err != nil {
			return nil, errInternal(err)
		}
	}
	// A client may answer with the name it signed in with (an alias or
	// another case); it stands for the real username when it names the
	// same user.
	if name := c.params[challenge.KeyUsername]; name != "" && name != st.Username {
		same := st.Decoy && decoyUserID(s.decoyKey, p, name) == st.Username
		if u != nil {
			other, err := s.findUser(ctx, p, name)
			same = err == nil && other != nil && other.Username == st.Username
		}
		if same {
			params := maps.Clone(c.params)
			params[challenge.KeyUsername] = st.Username
			c.params = params
		}
	}
	ev := s.event(c, cl, p, u)
	if st.Decoy && !guesses(&st, ev) {
		if ev.DecoyLocked, err = s.unknownLocked(ctx, p, st.Username); err != nil {
			return nil, err
		}
	}
	g, err := s.reserveFor(ctx, &st, ev, st.Username)
	if err != nil {
		if challenge.MessageOf(err) == challenge.MsgPasswordAttempts {
			// A locked-out user's sign-in ends, as any refused answer does.
			if ok, serr := s.spendHandle(ctx, c, cl); serr != nil {
				return nil, errInternal(serr)
			} else if !ok {
				return nil, errInvalidSession() // a concurrent answer ended it first
			}
		}
		return nil, err
	}
	prev := st
	o := s.step(ctx, &st, ev)
	r, err := s.carryOut(ctx, c, ev, c.session, blob, o, g)
	s.recordEvent(ctx, c, ev, &prev, o, err)
	s.padGuess(ctx, g, start, err)
	return r, err
}

// carryOut performs an outcome: it spends (or keeps) the session, applies
// the user effects, saves the next state and issues tokens. The handle is
// spent before anything is applied, so of two concurrent correct answers
// only one proceeds.
func (s *Server) carryOut(ctx context.Context, c call, ev *Event, handle string, prev []byte, o Outcome, g *guess) (*reply, error) {
	if err := s.checkAliasWrite(ctx, ev.Pool, ev.User, o.Effects.SetAttributes); err != nil {
		s.settle(ctx, g, o, true)
		return nil, err
	}
	// cont: the next state goes under the answered handle (DEVICE_SRP_AUTH
	// after an MFA answer; see Outcome.Continue), keeping its expiry.
	cont := o.Continue && handle != "" && o.Err == nil && !o.Grant && !c.decoy
	if cont {
		var old State
		if old.UnmarshalBinary(prev) == nil {
			o.Next.Expires = old.Expires
		}
	}
	if handle != "" {
		var ok bool
		var err error
		switch {
		case o.Retry && c.decoy:
			ok, err = s.decoySwap(ctx, handle, c.decoyWrong, ev.Client.sessionValidity()+expiredGrace)
		case o.Retry || cont:
			var blob []byte
			if blob, err = o.Next.MarshalBinary(); err == nil {
				ok, err = s.sessions.Swap(ctx, handle, prev, blob)
			}
		default:
			ok, err = s.spendHandle(ctx, c, ev.Client)
		}
		if err != nil || !ok {
			s.settle(ctx, g, o, true)
			if err != nil {
				return nil, errInternal(err)
			}
			return nil, errInvalidSession()
		}
	}
	o = s.settle(ctx, g, o, false)
	if ev.User != nil && o.Effects.userEffects() {
		if err := s.applyEffects(ctx, ev.Pool, ev.User.Username, ev.Now, o.Effects); err != nil {
			return nil, errInternal(err)
		}
	}
	if o.Err != nil {
		return nil, o.Err
	}
	if err := s.chargeCodes(ctx, ev, o); err != nil {
		return nil, err
	}
	if !o.Grant && !cont {
		// A session will be opened: at most PendingSessions per name and
		// session validity.
		if n, err := s.limiter.Take(ctx, "sessions\x00"+ev.Pool.ID+"\x00"+o.Next.Username, ev.Client.sessionValidity()); err != nil {
			return nil, errInternal(err)
		} else if n > s.limits.PendingSessions {
			return nil, challenge.New(challenge.ErrTooManyRequests, "Too many sign-in attempts for the user, please try after some time.")
		}
	}
	for _, msg := range o.Effects.Messages {
		if err := s.sender.Send(ctx, msg); err != nil {
			code := challenge.ErrInvalidSmsRoleAccessPolicy
			if msg.Medium == challenge.DeliveryMediumEmail {
				code = challenge.ErrInvalidEmailRoleAccessPolicy
			}
			return nil, challenge.Wrap(code, "The code could not be delivered.", err)
		}
	}
	next := o.Next
	if o.Grant && s.hooks.PostAuthentication != nil {
		if _, err := callHook("PostAuthentication", func() (struct{}, error) {
			return struct{}{}, s.hooks.PostAuthentication(ctx, PostAuthenticationInput{
				TriggerUser: triggerUser(ev.Pool, ev.Client, ev.User, ev.User.Username), NewDeviceUsed: o.NewDevice != nil, ClientMetadata: c.metadata})
		}); err != nil {
			return nil, err
		}
	}
	if o.Grant {
		result, err := s.issue(ctx, c, ev, next)
		if err != nil {
			return nil, err
		}
		result.NewDeviceMetadata = o.NewDevice
		return &reply{result: result}, nil
	}
	if cont {
		return &reply{name: o.Challenge, params: o.Params, session: handle, available: o.Available}, nil
	}
	next.Expires = ev.Now.Add(ev.Client.sessionValidity())
	blob, err := next.MarshalBinary()
	if err != nil {
		return nil, errInternal(err)
	}
	var h string
	if sealable(next) {
		// A decoy keeps nothing in the store: its state is its handle.
		h, err = s.sealDecoy(next)
	} else {
		// The store keeps the state a little longer than it is valid, so
		// an answer that comes late is told the session expired.
		h, err = s.sessions.Save(ctx, blob, ev.Client.sessionValidity()+expiredGrace)
	}
	if err != nil {
		return nil, errInternal(err)
	}
	return &reply{name: o.Challenge, params: o.Params, session: h, available: o.Available}, nil
}

// applyEffects writes a step's effects to the freshest copy of the user,
// retrying when a concurrent write moved its version.
func (s *Server) applyEffects(ctx context.Context, p *Pool, username string, now time.Time, e Effects) error {
	for attempt := 0; ; attempt++ {
		u, err := s.dir.User(ctx, p.ID, username)
		if err != nil || u == nil {
			return err
		}
		old := u.Version
		s.applyTo(u, p, now, e)
		err = s.dir.Apply(ctx, Change{Kind: ChangeUpdate, User: u, Version: old})
		if !errors.Is(err, ErrConflict) || attempt >= 4 {
			return err
		}
	}
}

func (s *Server) applyTo(u *User, p *Pool, now time.Time, e Effects) {
	if e.RecordFailure {
		u.FailedAttempts++
		if over := u.FailedAttempts - s.limits.LockoutThreshold; over >= 0 {
			d := s.limits.LockoutMax
			if over < 20 {
				d = min(time.Second<<over, s.limits.LockoutMax)
			}
			u.LockedUntil = now.Add(d)
		}
	}
	if e.ResetFailures {
		u.FailedAttempts = 0
		u.LockedUntil = time.Time{}
	}
	if e.SetPassword != nil {
		setPassword(u, p, *e.SetPassword)
	}
	if e.SetStatus != "" {
		u.Status = e.SetStatus
		if e.SetStatus != StatusForceChangePassword {
			u.TemporaryPasswordExpires = time.Time{}
		}
	}
	if e.TOTPStep > u.MFA.TOTPLastStep {
		u.MFA.TOTPLastStep = e.TOTPStep
	}
	if pk := e.PasskeyUsed; pk != nil {
		for i := range u.Passkeys {
			if string(u.Passkeys[i].ID) == string(pk.ID) {
				u.Passkeys[i].SignCount = pk.SignCount
			}
		}
	}
	if d := u.device(e.DeviceAuthenticated); d != nil {
		d.LastAuthenticated = now
	}
	if t := e.SetTOTP; t != nil {
		u.MFA.TOTPSecret, u.MFA.TOTPPending, u.MFA.TOTPEnabled = t.Secret, "", true
		u.MFA.TOTPFriendlyName = t.Name
		u.MFA.TOTPLastStep = max(u.MFA.TOTPLastStep, t.Step)
	}
	for k, v := range e.SetAttributes {
		if u.Attributes == nil {
			u.Attributes = map[string]string{}
		}
		if v == "" {
			delete(u.Attributes, k)
		} else {
			u.Attributes[k] = v
		}
	}
	u.LastModified = now
}

// setPassword replaces the verifier, keeping the history the policy asks for.
func setPassword(u *User, p *Pool, r PasswordRecord) {
	if n := p.PasswordPolicy.PasswordHistorySize; n > 0 && len(u.Verifier) > 0 {
		u.PasswordHistory = append([]PasswordRecord{{Salt: u.Salt, Verifier: u.Verifier}}, u.PasswordHistory...)
		if len(u.PasswordHistory) > n {
			u.PasswordHistory = u.PasswordHistory[:n]
		}
	} else {
		u.PasswordHistory = nil
	}
	u.Salt, u.Verifier = r.Salt, r.Verifier
}

// issue turns a completed sign-in into tokens.
func (s *Server) issue(ctx context.Context, c call, ev *Event, st *State) (*challenge.AuthenticationResult, error) {
	u, err := s.dir.User(ctx, ev.Pool.ID, ev.User.Username)
	if err != nil {
		return nil, errInternal(err)
	}
	if u == nil {
		return nil, errIncorrect()
	}
	source := "Authentication"
	if st.Proven&FactorNewPassword != 0 {
		source = "NewPasswordChallenge"
	}
	g := s.grant(ev.Pool, ev.Client, u, st.AuthTime, st.DeviceKey)
	g.EventID = st.EventID
	if err := s.shapeClaims(ctx, &g, source, c.metadata); err != nil {
		return nil, err
	}
	return s.issuer.Issue(ctx, g)
}

// grant builds the token grant for a user.
// The user's groups are ordered by the pool's precedence.
func (s *Server) grant(p *Pool, cl *AppClient, u *User, authTime time.Time, deviceKey string) challenge.TokenGrant {
	attrs := map[string]string{}
	for k, v := range u.Attributes {
		if len(cl.ReadAttributes) == 0 || contains(cl.ReadAttributes, k) {
			attrs[k] = v
		}
	}
	groups, roles, preferred := p.TokenGroups(u.Groups)
	return challenge.TokenGrant{
		PoolID: u.PoolID, ClientID: cl.ID, Username: u.Username, Sub: u.Sub,
		Attributes: attrs, Groups: groups, Roles: roles, PreferredRole: preferred, DeviceKey: deviceKey,
		AuthTime: authTime, AccessValidity: cl.AccessTokenValidity, IDValidity: cl.IDTokenValidity,
		RefreshValidity: cl.RefreshTokenValidity,
	}
}

func (s *Server) shapeClaims(ctx context.Context, g *challenge.TokenGrant, source string, metadata map[string]string) error {
	if s.hooks.PreTokenGeneration == nil {
		return nil
	}
	shape, err := callHook("PreTokenGeneration", func() (*challenge.ClaimsShape, error) {
		return s.hooks.PreTokenGeneration(ctx, PreTokenGenerationInput{
			PoolID: g.PoolID, ClientID: g.ClientID, Username: g.Username, Attributes: g.Attributes,
			Groups: g.Groups, Source: source, ClientMetadata: metadata,
		})
	})
	if err != nil {
		return err
	}
	g.Shape = shape
	return nil
}

// refreshFlow runs REFRESH_TOKEN_AUTH / REFRESH_TOKEN.
func (s *Server) refreshFlow(ctx context.Context, c call, cl *AppClient, p *Pool) (*reply, error) {
	token := c.params[challenge.KeyRefreshToken]
	if token == "" {
		return nil, errMissing(challenge.KeyRefreshToken)
	}
	result, err := s.refresh(ctx, cl, p, token, c.params[challenge.KeySecretHash], c.params[challenge.KeyDeviceKey], false, c.metadata, true)
	if err != nil {
		return nil, err
	}
	return &reply{result: result}, nil
}

// refresh exchanges a refresh token for new tokens. hashed says whether a
// secret client proves itself with SECRET_HASH (REFRESH_TOKEN_AUTH) rather
// than its secret (GetTokensFromRefreshToken, checked by the caller).
func (s *Server) refresh(ctx context.Context, cl *AppClient, p *Pool, token, secretHash, deviceKey string, rotate bool, metadata map[string]string, hashed bool) (*challenge.AuthenticationResult, error) {
	rs, err := s.issuer.Refresh(ctx, cl.ID, token)
	if err != nil {
		return nil, err
	}
	if rs.PoolID != p.ID {
		return nil, errNotAuthorized(challenge.MsgInvalidRefreshToken)
	}
	if hashed {
		if err := checkSecretHash(cl, secretHash, rs.Username, rs.Sub); err != nil {
			return nil, err
		}
	}
	u, err := s.dir.User(ctx, p.ID, rs.Username)
	if err != nil {
		return nil, errInternal(err)
	}
	if u == nil || u.Sub != rs.Sub {
		return nil, errNotAuthorized(challenge.MsgInvalidRefreshToken)
	}
	if !u.Enabled {
		return nil, errNotAuthorized(challenge.MsgUserDisabled)
	}
	if u.Status == StatusResetRequired {
		return nil, challenge.New(challenge.ErrPasswordResetRequired, challenge.MsgPasswordReset)
	}
	// The refresh runs through the machine's table like any other sign-in.
	if err := s.take(evTokensIssued, PhaseStart, PhaseTokens); err != nil {
		return nil, err
	}
	dk := rs.DeviceKey
	if deviceKey != "" {
		if p.Devices == nil || u.device(deviceKey) == nil {
			return nil, errNoDevice()
		}
		dk = deviceKey
	}
	g := s.grant(p, cl, u, rs.AuthTime, dk)
	g.Origin = rs.Origin
	g.Refresh = token
	g.RotateRefresh = rotate
	g.RotationGrace = cl.RetryGracePeriod
	if err := s.shapeClaims(ctx, &g, "RefreshTokens", metadata); err != nil {
		return nil, err
	}
	return s.issuer.Issue(ctx, g)
}

// chargeCodes takes the code budget of the user (or decoy name) a step
// sends a sign-in code to: at most Limits.CodeSends codes per
// Limits.CodeSendWindow, so codes cannot be sent (or sessions with a
// fresh code opened) without end. A decoy that pretends to send is
// charged the same.
func (s *Server) chargeCodes(ctx context.Context, ev *Event, o Outcome) error {
	if len(o.Effects.Messages) == 0 && !o.DecoyCode {
		return nil
	}
	n, err := s.limiter.Take(ctx, "codes\x00"+ev.Pool.ID+"\x00"+o.Next.Username, s.limits.CodeSendWindow)
	if err != nil {
		return errInternal(err)
	}
	if n > s.limits.CodeSends {
		return errTooManyCodes()
	}
	return nil
}

// spendHandle ends the session a call answered: exactly one of concurrent
// callers gets ok.
func (s *Server) spendHandle(ctx context.Context, c call, cl *AppClient) (bool, error) {
	if c.decoy {
		return s.decoySpend(ctx, c.session, cl.sessionValidity()+expiredGrace)
	}
	return s.sessions.Spend(ctx, c.session)
}
