package userpool

import (
	"context"
	"errors"
	"strings"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// Hooks are the Cognito triggers of the service's own operations, as Go
// functions (the sign-in triggers are [flow.Hooks]). A nil hook is
// disabled. Errors are handled as flow.Hooks errors are: a
// *challenge.Error answers as it is; any other error becomes a
// UserLambdaValidationException "<Trigger> failed with error <message>.".
type Hooks struct {
	// PreSignUp runs before SignUp (TriggerSource PreSignUp_SignUp) and
	// AdminCreateUser (PreSignUp_AdminCreateUser) create a user; an error
	// refuses the creation. Its output may confirm the user at once
	// (SignUp only) and mark the email or phone number verified.
	PreSignUp func(ctx context.Context, in PreSignUpInput) (*PreSignUpOutput, error)
	// PostConfirmation runs after ConfirmSignUp and AdminConfirmSignUp
	// (PostConfirmation_ConfirmSignUp) and ConfirmForgotPassword
	// (PostConfirmation_ConfirmForgotPassword) saved the user; an error
	// fails the call, the confirmation staying done (as in Cognito).
	PostConfirmation func(ctx context.Context, in PostConfirmationInput) error
	// CustomMessage may compose the text of every code the Sender
	// delivers (sign-up, resend, forgot password, invitation, attribute
	// verification, and the engine's MFA and OTP codes). The text reaches
	// a Sender that implements [TextSender]; others get the code only.
	CustomMessage func(ctx context.Context, in CustomMessageInput) (*CustomMessageOutput, error)
}

// PreSignUpInput is what the pre sign-up hook sees. Attributes are those
// of the new user (no sub yet).
type PreSignUpInput struct {
	flow.TriggerUser
	TriggerSource  string // PreSignUp_SignUp or PreSignUp_AdminCreateUser
	ValidationData map[string]string
	ClientMetadata map[string]string
}

// PreSignUpOutput is the pre sign-up hook's answer.
type PreSignUpOutput struct {
	AutoConfirmUser bool // SignUp only: the user is CONFIRMED, no code is sent
	AutoVerifyEmail bool // email_verified=true (when the user has an email)
	AutoVerifyPhone bool // phone_number_verified=true (when the user has a phone number)
}

// PostConfirmationInput is what the post confirmation hook sees.
// Attributes include sub and cognito:user_status.
type PostConfirmationInput struct {
	flow.TriggerUser
	TriggerSource  string // PostConfirmation_ConfirmSignUp or PostConfirmation_ConfirmForgotPassword
	ClientMetadata map[string]string
}

// The placeholders a custom message must use for the code and, in an
// invitation, the username.
const (
	CodeParameter     = "{####}"
	UsernameParameter = "{username}"
)

// CustomMessageInput is what the custom message hook sees.
type CustomMessageInput struct {
	flow.TriggerUser
	// TriggerSource is CustomMessage_SignUp, _ResendCode, _ForgotPassword,
	// _AdminCreateUser, _UpdateUserAttribute, _VerifyUserAttribute or
	// _Authentication.
	TriggerSource string
	// CodeParameter and UsernameParameter are the placeholders the answer
	// uses ([CodeParameter], [UsernameParameter]); never the code itself.
	CodeParameter     string
	UsernameParameter string
	ClientMetadata    map[string]string
}

// CustomMessageOutput is the composed text; empty members keep the
// default. The code replaces CodeParameter, the username UsernameParameter.
type CustomMessageOutput struct {
	SMSMessage   string
	EmailMessage string
	EmailSubject string
}

// MessageText is the text a CustomMessage hook composed for one message,
// the code and username already in place.
type MessageText struct {
	SMSMessage   string
	EmailMessage string
	EmailSubject string
}

// String never prints the text (it holds the code).
func (MessageText) String() string { return "MessageText{…}" }

// TextSender is a flow.Sender that can also deliver a custom text. When
// a CustomMessage hook answered, the service calls SendText instead of Send.
type TextSender interface {
	flow.Sender
	SendText(ctx context.Context, m flow.Message, text MessageText) error
}

// triggerCall is what an operation tells the hooks it runs (the context
// carries it to the Sender): the app client, ClientMetadata, and the
// CustomMessage trigger source when the message purpose does not say it.
type triggerCall struct {
	clientID string
	metadata map[string]string
	source   string
}

type triggerCallKey struct{}

func withTriggerCall(ctx context.Context, clientID string, metadata map[string]string, source string) context.Context {
	return context.WithValue(ctx, triggerCallKey{}, triggerCall{clientID: clientID, metadata: metadata, source: source})
}

// adminClientID is the clientId Cognito gives triggers of administrator operations.
const adminClientID = "CLIENT_ID_NOT_APPLICABLE"

// callUserHook runs a hook as flow does: a plain error becomes a
// UserLambdaValidationException, a panic an UnexpectedLambdaException.
func callUserHook[T any](name string, f func() (T, error)) (out T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = challenge.New(challenge.ErrUnexpectedLambda, name+" failed unexpectedly.")
		}
	}()
	out, err = f()
	if err != nil {
		var ce *challenge.Error
		if !errors.As(err, &ce) {
			err = challenge.Wrap(challenge.ErrUserLambdaValidation, name+" failed with error "+truncate(err.Error(), 200)+".", err)
		}
	}
	return out, err
}

// hookUser is the user as a hook sees it: attributes with sub and
// cognito:user_status (no sub before the user exists).
func hookUser(p *flow.Pool, clientID string, u *flow.User) flow.TriggerUser {
	t := flow.TriggerUser{PoolID: p.ID, ClientID: clientID, Username: u.Username, Attributes: map[string]string{}}
	for k, v := range u.Attributes {
		t.Attributes[k] = v
	}
	if u.Sub != "" && u.Version > 0 {
		t.Attributes["sub"] = u.Sub
		t.Attributes["cognito:user_status"] = string(u.Status)
	}
	return t
}

// preSignUp runs the PreSignUp hook for a user about to be created and
// applies its auto-verification; it reports whether to confirm the user.
func (s *Service) preSignUp(ctx context.Context, p *flow.Pool, clientID, source string, u *flow.User, validation []challenge.AttributeType, metadata map[string]string) (bool, error) {
	if s.triggers.PreSignUp == nil {
		return false, nil
	}
	vd := map[string]string{}
	for _, a := range validation {
		vd[a.Name] = a.Value
	}
	out, err := callUserHook("PreSignUp", func() (*PreSignUpOutput, error) {
		return s.triggers.PreSignUp(ctx, PreSignUpInput{TriggerUser: hookUser(p, clientID, u), TriggerSource: source,
			ValidationData: vd, ClientMetadata: metadata})
	})
	if err != nil || out == nil {
		return false, err
	}
	if out.AutoVerifyEmail && u.Attributes["email"] != "" {
		u.Attributes["email_verified"] = "true"
	}
	if out.AutoVerifyPhone && u.Attributes["phone_number"] != "" {
		u.Attributes["phone_number_verified"] = "true"
	}
	return out.AutoConfirmUser, nil
}

// postConfirmation runs the PostConfirmation hook for a saved user.
func (s *Service) postConfirmation(ctx context.Context, p *flow.Pool, clientID, source string, u *flow.User, metadata map[string]string) error {
	if s.triggers.PostConfirmation == nil {
		return nil
	}
	_, err := callUserHook("PostConfirmation", func() (struct{}, error) {
		return struct{}{}, s.triggers.PostConfirmation(ctx, PostConfirmationInput{TriggerUser: hookUser(p, clientID, u),
			TriggerSource: source, ClientMetadata: metadata})
	})
	return err
}

// messageSources maps a Message purpose to its CustomMessage trigger source.
var messageSources = map[string]string{
	"SIGN_UP": "CustomMessage_SignUp", "FORGOT_PASSWORD": "CustomMessage_ForgotPassword",
	"INVITATION": "CustomMessage_AdminCreateUser", "VERIFY_ATTRIBUTE": "CustomMessage_VerifyUserAttribute",
}

// send delivers m, through the CustomMessage hook when there is one. u is
// the user the message is for (nil: read from the directory).
func (s *Service) send(ctx context.Context, u *flow.User, m flow.Message) error {
	if s.sender == nil {
		return nil
	}
	if s.triggers.CustomMessage == nil {
		return s.sender.Send(ctx, m)
	}
	call, _ := ctx.Value(triggerCallKey{}).(triggerCall)
	source := call.source
	if source == "" {
		if source = messageSources[m.Purpose]; source == "" {
			source = "CustomMessage_Authentication"
		}
	}
	if u == nil {
		var err error
		if u, err = s.dir.User(ctx, m.PoolID, m.Username); err != nil {
			return errInternal(err)
		}
		if u == nil {
			u = &flow.User{PoolID: m.PoolID, Username: m.Username}
		}
	}
	p := &flow.Pool{ID: m.PoolID}
	out, err := callUserHook("CustomMessage", func() (*CustomMessageOutput, error) {
		return s.triggers.CustomMessage(ctx, CustomMessageInput{TriggerUser: hookUser(p, call.clientID, u), TriggerSource: source,
			CodeParameter: CodeParameter, UsernameParameter: UsernameParameter, ClientMetadata: call.metadata})
	})
	if err != nil {
		return err
	}
	ts, ok := s.sender.(TextSender)
	if out == nil || !ok {
		return s.sender.Send(ctx, m)
	}
	fill := strings.NewReplacer(CodeParameter, m.Code, UsernameParameter, m.Username)
	return ts.SendText(ctx, m, MessageText{SMSMessage: fill.Replace(out.SMSMessage),
		EmailMessage: fill.Replace(out.EmailMessage), EmailSubject: out.EmailSubject})
}

// isLambdaError reports an error of a trigger, which a failed delivery
// passes on as it is rather than as a delivery failure.
func isLambdaError(err error) bool {
	var ce *challenge.Error
	if !errors.As(err, &ce) {
		return false
	}
	switch ce.Code {
	case challenge.ErrUserLambdaValidation, challenge.ErrUnexpectedLambda, challenge.ErrInvalidLambdaResponse:
		return true
	}
	return false
}

// hookSender is the engine's Sender when a CustomMessage hook is set: the
// engine's codes (MFA, OTP) go through the hook too.
type hookSender struct{ s *Service }

func (h *hookSender) Send(ctx context.Context, m flow.Message) error { return h.s.send(ctx, nil, m) }
