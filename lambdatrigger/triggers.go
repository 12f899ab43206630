package lambdatrigger

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/userpool"
)

// Config wires Triggers. Catalog and Invoker are required.
type Config struct {
	// Catalog is where each pool's LambdaConfig is read, at every call.
	Catalog flow.Catalog
	// Directory, when set, completes the user attributes of events that
	// lack them (sub and cognito:user_status).
	Directory flow.Directory
	// Invoker runs the functions (a *Client for the Invoke API).
	Invoker Invoker
	// Timeout bounds one invocation (default DefaultTimeout, as Cognito).
	Timeout time.Duration
	// Hooks and UserHooks are Go hooks of the embedder; they combine with
	// the pools' functions as the package documentation says.
	Hooks     flow.Hooks
	UserHooks userpool.Hooks
}

// Triggers turns the pools' LambdaConfig into engine and service hooks.
// It is safe for concurrent use.
type Triggers struct {
	cat       flow.Catalog
	dir       flow.Directory
	inv       Invoker
	timeout   time.Duration
	hooks     flow.Hooks
	userHooks userpool.Hooks
}

// New returns Triggers for cfg.
func New(cfg Config) (*Triggers, error) {
	if cfg.Catalog == nil || cfg.Invoker == nil {
		return nil, errors.New("lambdatrigger: Catalog and Invoker are required")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	return &Triggers{cat: cfg.Catalog, dir: cfg.Directory, inv: cfg.Invoker, timeout: cfg.Timeout,
		hooks: cfg.Hooks, userHooks: cfg.UserHooks}, nil
}

// msgCustomNotConfigured is Cognito's answer to CUSTOM_AUTH in a pool
// without the three custom-auth triggers.
const msgCustomNotConfigured = "Custom auth lambda trigger is not configured for the user pool."

// config returns the LambdaConfig of a pool (nil: none).
func (t *Triggers) config(ctx context.Context, poolID string) (*challenge.LambdaConfigType, error) {
	p, err := t.cat.Pool(ctx, poolID)
	if err != nil {
		return nil, challenge.Wrap(challenge.ErrInternalError, "Internal error.", err)
	}
	if p == nil {
		return nil, nil
	}
	return p.LambdaConfig, nil
}

// invoke runs function fn for trigger (the name in exception messages)
// with the event and reads its response into out.
func (t *Triggers) invoke(ctx context.Context, trigger, fn string, ev Event, out any) error {
	ev.Region, _, _ = strings.Cut(ev.UserPoolID, "_")
	ev.CallerContext.AWSSDKVersion = sdkVersion
	if ev.Version == "" {
		ev.Version = "1"
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return challenge.Wrap(challenge.ErrInternalError, "Internal error.", err)
	}
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	r, err := t.inv.Invoke(ctx, fn, payload)
	if err != nil {
		return invocationFailure(trigger, err)
	}
	if r.FunctionError != "" {
		return functionFailure(trigger, r)
	}
	return parseResponse(r.Payload, out)
}

// attributes copies attrs and adds, from the directory, the sub and
// cognito:user_status of an existing user when they are missing.
func (t *Triggers) attributes(ctx context.Context, poolID, username string, attrs map[string]string) map[string]string {
	out := maps.Clone(attrs)
	if out == nil {
		out = map[string]string{}
	}
	if t.dir == nil || username == "" {
		return out
	}
	if _, ok := out["cognito:user_status"]; ok {
		return out
	}
	if u, err := t.dir.User(ctx, poolID, username); err == nil && u != nil {
		out["sub"] = u.Sub
		out["cognito:user_status"] = string(u.Status)
	}
	return out
}

func event(version, source string, u flow.TriggerUser, request, response any) Event {
	return Event{Version: version, UserPoolID: u.PoolID, UserName: u.Username,
		CallerContext: CallerContext{ClientID: u.ClientID}, TriggerSource: source, Request: request, Response: response}
}

// FlowHooks returns the engine's hooks: each looks up the pool's
// function and runs it, or the Go hook, as the package documentation says.
func (t *Triggers) FlowHooks() flow.Hooks {
	return flow.Hooks{
		PreAuthentication:   t.preAuthentication,
		PostAuthentication:  t.postAuthentication,
		PreTokenGeneration:  t.preTokenGeneration,
		UserMigration:       t.userMigration,
		DefineAuthChallenge: t.defineAuthChallenge,
		CreateAuthChallenge: t.createAuthChallenge,
		VerifyAuthChallenge: t.verifyAuthChallenge,
	}
}

// UserHooks returns the user-pool service's hooks, alike.
func (t *Triggers) UserHooks() userpool.Hooks {
	return userpool.Hooks{PreSignUp: t.preSignUp, PostConfirmation: t.postConfirmation, CustomMessage: t.customMessage}
}

func (t *Triggers) preAuthentication(ctx context.Context, in flow.PreAuthenticationInput) error {
	if h := t.hooks.PreAuthentication; h != nil {
		if err := h(ctx, in); err != nil {
			return err
		}
	}
	lc, err := t.config(ctx, in.PoolID)
	if err != nil || lc == nil || lc.PreAuthentication == "" {
		return err
	}
	req := PreAuthenticationRequest{UserAttributes: t.attributes(ctx, in.PoolID, in.Username, in.Attributes), ValidationData: in.ValidationData}
	return t.invoke(ctx, "PreAuthentication", lc.PreAuthentication,
		event("1", "PreAuthentication_Authentication", in.TriggerUser, req, empty{}), &empty{})
}

func (t *Triggers) postAuthentication(ctx context.Context, in flow.PostAuthenticationInput) error {
	if h := t.hooks.PostAuthentication; h != nil {
		if err := h(ctx, in); err != nil {
			return err
		}
	}
	lc, err := t.config(ctx, in.PoolID)
	if err != nil || lc == nil || lc.PostAuthentication == "" {
		return err
	}
	req := PostAuthenticationRequest{UserAttributes: t.attributes(ctx, in.PoolID, in.Username, in.Attributes),
		NewDeviceUsed: in.NewDeviceUsed, ClientMetadata: in.ClientMetadata}
	return t.invoke(ctx, "PostAuthentication", lc.PostAuthentication,
		event("1", "PostAuthentication_Authentication", in.TriggerUser, req, empty{}), &empty{})
}

// preTokenFunction returns the pre token generation function of a pool
// and its event version ("1", "2" or "3"); "" when there is none.
func preTokenFunction(lc *challenge.LambdaConfigType) (fn, version string) {
	if lc == nil {
		return "", ""
	}
	if c := lc.PreTokenGenerationConfig; c != nil && c.LambdaArn != "" {
		switch c.LambdaVersion {
		case "V2_0":
			return c.LambdaArn, "2"
		case "V3_0":
			return c.LambdaArn, "3"
		}
		return c.LambdaArn, "1"
	}
	if lc.PreTokenGeneration != "" {
		return lc.PreTokenGeneration, "1"
	}
	return "", ""
}

// userScope is the scope of access tokens from the sign-in API.
const userScope = "aws.cognito.signin.user.admin"

func (t *Triggers) preTokenGeneration(ctx context.Context, in flow.PreTokenGenerationInput) (*challenge.ClaimsShape, error) {
	p, err := t.cat.Pool(ctx, in.PoolID)
	if err != nil {
		return nil, challenge.Wrap(challenge.ErrInternalError, "Internal error.", err)
	}
	var lc *challenge.LambdaConfigType
	if p != nil {
		lc = p.LambdaConfig
	}
	fn, version := preTokenFunction(lc)
	if fn == "" {
		if h := t.hooks.PreTokenGeneration; h != nil {
			return h(ctx, in)
		}
		return nil, nil
	}
	groups, roles, preferred := p.TokenGroups(in.Groups)
	req := PreTokenGenerationRequest{UserAttributes: t.attributes(ctx, in.PoolID, in.Username, in.Attributes),
		GroupConfiguration: GroupConfiguration{GroupsToOverride: nonNil(groups), IAMRolesToOverride: nonNil(roles)},
		ClientMetadata:     in.ClientMetadata}
	if preferred != "" {
		req.GroupConfiguration.PreferredRole = &preferred
	}
	u := flow.TriggerUser{PoolID: in.PoolID, ClientID: in.ClientID, Username: in.Username}
	source := "TokenGeneration_" + in.Source
	if version == "1" {
		var out PreTokenGenerationResponseV1
		if err := t.invoke(ctx, "PreTokenGeneration", fn, event(version, source, u, req, PreTokenGenerationResponseV1{}), &out); err != nil {
			return nil, err
		}
		d := out.ClaimsOverrideDetails
		if d == nil {
			return nil, nil
		}
		shape := &challenge.ClaimsShape{IDClaimsToSuppress: d.ClaimsToSuppress}
		if len(d.ClaimsToAddOrOverride) > 0 {
			shape.IDClaimsToAdd = map[string]any{}
			for k, v := range d.ClaimsToAddOrOverride {
				shape.IDClaimsToAdd[k] = v
			}
		}
		groupOverride(shape, d.GroupOverrideDetails)
		return shape, nil
	}
	req.Scopes = []string{userScope}
	var out PreTokenGenerationResponseV2
	if err := t.invoke(ctx, "PreTokenGeneration", fn, event(version, source, u, req, PreTokenGenerationResponseV2{}), &out); err != nil {
		return nil, err
	}
	d := out.ClaimsAndScopeOverrideDetails
	if d == nil {
		return nil, nil
	}
	shape := &challenge.ClaimsShape{}
	if g := d.IDTokenGeneration; g != nil {
		shape.IDClaimsToAdd, shape.IDClaimsToSuppress = g.ClaimsToAddOrOverride, g.ClaimsToSuppress
	}
	if g := d.AccessTokenGeneration; g != nil {
		shape.AccessClaimsToAdd, shape.AccessClaimsToSuppress = g.ClaimsToAddOrOverride, g.ClaimsToSuppress
		shape.ScopesToAdd, shape.ScopesToSuppress = g.ScopesToAdd, g.ScopesToSuppress
	}
	groupOverride(shape, d.GroupOverrideDetails)
	return shape, nil
}

func groupOverride(shape *challenge.ClaimsShape, g *GroupConfiguration) {
	if g == nil {
		return
	}
	shape.GroupsOverride, shape.RolesOverride, shape.PreferredRoleOverride = g.GroupsToOverride, g.IAMRolesToOverride, g.PreferredRole
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (t *Triggers) userMigration(ctx context.Context, in flow.UserMigrationInput) (*flow.UserMigrationOutput, error) {
	lc, err := t.config(ctx, in.PoolID)
	if err != nil {
		return nil, err
	}
	if lc == nil || lc.UserMigration == "" {
		if h := t.hooks.UserMigration; h != nil {
			return h(ctx, in)
		}
		return nil, nil
	}
	u := flow.TriggerUser{PoolID: in.PoolID, ClientID: in.ClientID, Username: in.Username}
	req := UserMigrationRequest{Password: in.Password, ValidationData: in.ValidationData, ClientMetadata: in.ValidationData}
	var out UserMigrationResponse
	err = t.invoke(ctx, "UserMigration", lc.UserMigration, event("1", in.TriggerSource, u, req, UserMigrationResponse{}), &out)
	var ce *challenge.Error
	if errors.As(err, &ce) && ce.Code == challenge.ErrUserLambdaValidation {
		// A function that throws does not know the user (Cognito then
		// answers as for a user that does not exist).
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(out.UserAttributes) == 0 {
		return nil, invalidResponse(msgUnrecognizable)
	}
	return &flow.UserMigrationOutput{Attributes: out.UserAttributes, FinalUserStatus: flow.UserStatus(out.FinalUserStatus)}, nil
}

// custom returns the pool's three custom-auth functions, or ok=false when
// the pool does not have all three.
func (t *Triggers) custom(ctx context.Context, poolID string) (lc *challenge.LambdaConfigType, ok bool, err error) {
	lc, err = t.config(ctx, poolID)
	if err != nil || lc == nil {
		return nil, false, err
	}
	return lc, lc.DefineAuthChallenge != "" && lc.CreateAuthChallenge != "" && lc.VerifyAuthChallengeResponse != "", nil
}

// goCustom reports whether the Go hooks can run CUSTOM_AUTH.
func (t *Triggers) goCustom() bool {
	h := t.hooks
	return h.DefineAuthChallenge != nil && h.CreateAuthChallenge != nil && h.VerifyAuthChallenge != nil
}

func notConfigured() error {
	return challenge.New(challenge.ErrInvalidParameter, msgCustomNotConfigured)
}

func session(h []flow.CustomChallengeResult) []ChallengeResult {
	out := []ChallengeResult{}
	for _, r := range h {
		out = append(out, ChallengeResult{ChallengeName: r.ChallengeName, ChallengeResult: r.ChallengeResult, ChallengeMetadata: r.ChallengeMetadata})
	}
	return out
}

func (t *Triggers) defineAuthChallenge(ctx context.Context, in flow.DefineAuthChallengeInput) (*flow.DefineAuthChallengeOutput, error) {
	lc, ok, err := t.custom(ctx, in.PoolID)
	switch {
	case err != nil:
		return nil, err
	case !ok && t.goCustom():
		return t.hooks.DefineAuthChallenge(ctx, in)
	case !ok:
		return nil, notConfigured()
	}
	req := DefineAuthChallengeRequest{UserAttributes: t.attributes(ctx, in.PoolID, in.Username, in.Attributes),
		Session: session(in.Session), ClientMetadata: in.ClientMetadata, UserNotFound: in.UserNotFound}
	var out DefineAuthChallengeResponse
	if err := t.invoke(ctx, "DefineAuthChallenge", lc.DefineAuthChallenge,
		event("1", "DefineAuthChallenge_Authentication", in.TriggerUser, req, DefineAuthChallengeResponse{}), &out); err != nil {
		return nil, err
	}
	d := &flow.DefineAuthChallengeOutput{IssueTokens: out.IssueTokens != nil && *out.IssueTokens,
		FailAuthentication: out.FailAuthentication != nil && *out.FailAuthentication}
	if out.ChallengeName != nil && !d.IssueTokens && !d.FailAuthentication {
		d.ChallengeName = *out.ChallengeName
	}
	if !d.IssueTokens && !d.FailAuthentication && d.ChallengeName == "" {
		return nil, invalidResponse(msgUnrecognizable)
	}
	return d, nil
}

func (t *Triggers) createAuthChallenge(ctx context.Context, in flow.CreateAuthChallengeInput) (*flow.CreateAuthChallengeOutput, error) {
	lc, ok, err := t.custom(ctx, in.PoolID)
	switch {
	case err != nil:
		return nil, err
	case !ok && t.goCustom():
		return t.hooks.CreateAuthChallenge(ctx, in)
	case !ok:
		return nil, notConfigured()
	}
	req := CreateAuthChallengeRequest{UserAttributes: t.attributes(ctx, in.PoolID, in.Username, in.Attributes),
		ChallengeName: in.ChallengeName, Session: session(in.Session), ClientMetadata: in.ClientMetadata, UserNotFound: in.UserNotFound}
	var out CreateAuthChallengeResponse
	if err := t.invoke(ctx, "CreateAuthChallenge", lc.CreateAuthChallenge,
		event("1", "CreateAuthChallenge_Authentication", in.TriggerUser, req, CreateAuthChallengeResponse{}), &out); err != nil {
		return nil, err
	}
	c := &flow.CreateAuthChallengeOutput{PublicChallengeParameters: out.PublicChallengeParameters,
		PrivateChallengeParameters: out.PrivateChallengeParameters}
	if out.ChallengeMetadata != nil {
		c.ChallengeMetadata = *out.ChallengeMetadata
	}
	return c, nil
}

func (t *Triggers) verifyAuthChallenge(ctx context.Context, in flow.VerifyAuthChallengeInput) (*flow.VerifyAuthChallengeOutput, error) {
	lc, ok, err := t.custom(ctx, in.PoolID)
	switch {
	case err != nil:
		return nil, err
	case !ok && t.goCustom():
		return t.hooks.VerifyAuthChallenge(ctx, in)
	case !ok:
		return nil, notConfigured()
	}
	req := VerifyAuthChallengeRequest{UserAttributes: t.attributes(ctx, in.PoolID, in.Username, in.Attributes),
		PrivateChallengeParameters: in.PrivateChallengeParameters, ChallengeAnswer: in.ChallengeAnswer,
		ClientMetadata: in.ClientMetadata, UserNotFound: in.UserNotFound}
	var out VerifyAuthChallengeResponse
	if err := t.invoke(ctx, "VerifyAuthChallengeResponse", lc.VerifyAuthChallengeResponse,
		event("1", "VerifyAuthChallengeResponse_Authentication", in.TriggerUser, req, VerifyAuthChallengeResponse{}), &out); err != nil {
		return nil, err
	}
	if out.AnswerCorrect == nil {
		return nil, invalidResponse(msgUnrecognizable)
	}
	return &flow.VerifyAuthChallengeOutput{AnswerCorrect: *out.AnswerCorrect}, nil
}

func (t *Triggers) preSignUp(ctx context.Context, in userpool.PreSignUpInput) (*userpool.PreSignUpOutput, error) {
	lc, err := t.config(ctx, in.PoolID)
	if err != nil {
		return nil, err
	}
	if lc == nil || lc.PreSignUp == "" {
		if h := t.userHooks.PreSignUp; h != nil {
			return h(ctx, in)
		}
		return nil, nil
	}
	req := PreSignUpRequest{UserAttributes: maps.Clone(in.Attributes), ValidationData: in.ValidationData, ClientMetadata: in.ClientMetadata}
	var out PreSignUpResponse
	if err := t.invoke(ctx, "PreSignUp", lc.PreSignUp, event("1", in.TriggerSource, in.TriggerUser, req, PreSignUpResponse{}), &out); err != nil {
		return nil, err
	}
	return &userpool.PreSignUpOutput{AutoConfirmUser: out.AutoConfirmUser, AutoVerifyEmail: out.AutoVerifyEmail, AutoVerifyPhone: out.AutoVerifyPhone}, nil
}

func (t *Triggers) postConfirmation(ctx context.Context, in userpool.PostConfirmationInput) error {
	if h := t.userHooks.PostConfirmation; h != nil {
		if err := h(ctx, in); err != nil {
			return err
		}
	}
	lc, err := t.config(ctx, in.PoolID)
	if err != nil || lc == nil || lc.PostConfirmation == "" {
		return err
	}
	req := PostConfirmationRequest{UserAttributes: t.attributes(ctx, in.PoolID, in.Username, in.Attributes), ClientMetadata: in.ClientMetadata}
	return t.invoke(ctx, "PostConfirmation", lc.PostConfirmation, event("1", in.TriggerSource, in.TriggerUser, req, empty{}), &empty{})
}

func (t *Triggers) customMessage(ctx context.Context, in userpool.CustomMessageInput) (*userpool.CustomMessageOutput, error) {
	lc, err := t.config(ctx, in.PoolID)
	if err != nil {
		return nil, err
	}
	if lc == nil || lc.CustomMessage == "" {
		if h := t.userHooks.CustomMessage; h != nil {
			return h(ctx, in)
		}
		return nil, nil
	}
	req := CustomMessageRequest{UserAttributes: t.attributes(ctx, in.PoolID, in.Username, in.Attributes),
		CodeParameter: in.CodeParameter, ClientMetadata: in.ClientMetadata}
	if in.TriggerSource == "CustomMessage_AdminCreateUser" {
		req.UsernameParameter = &in.UsernameParameter
	}
	var out CustomMessageResponse
	if err := t.invoke(ctx, "CustomMessage", lc.CustomMessage, event("1", in.TriggerSource, in.TriggerUser, req, CustomMessageResponse{}), &out); err != nil {
		return nil, err
	}
	if out.SMSMessage == nil && out.EmailMessage == nil && out.EmailSubject == nil {
		return nil, nil
	}
	deref := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	return &userpool.CustomMessageOutput{SMSMessage: deref(out.SMSMessage), EmailMessage: deref(out.EmailMessage),
		EmailSubject: deref(out.EmailSubject)}, nil
}
