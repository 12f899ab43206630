package flow

import (
	"context"
	"errors"
	"fmt"

	"github.com/authflow/authflow/challenge"
)

// Hooks are the Cognito triggers, as Go functions on the engine's
// configuration. A nil hook is disabled. A hook that returns a
// *challenge.Error answers with that error; any other error becomes a
// UserLambdaValidationException "<Trigger> failed with error <message>.";
// a hook that panics becomes an UnexpectedLambdaException; a response the
// engine cannot use is an InvalidLambdaResponseException.
type Hooks struct {
	// PreAuthentication runs when an existing user starts a sign-in
	// (password, SRP or custom), before anything is proven; an error
	// refuses the sign-in.
	PreAuthentication func(ctx context.Context, in PreAuthenticationInput) error
	// PostAuthentication runs after a sign-in succeeded, before tokens are
	// issued; an error refuses the tokens.
	PostAuthentication func(ctx context.Context, in PostAuthenticationInput) error
	// PreTokenGeneration may shape the claims before tokens are signed.
	PreTokenGeneration func(ctx context.Context, in PreTokenGenerationInput) (*challenge.ClaimsShape, error)
	// UserMigration imports an unknown user who signs in with
	// USER_PASSWORD_AUTH (or ADMIN_USER_PASSWORD_AUTH) or asks for a
	// password reset. A nil result with a nil error means "no such user".
	UserMigration func(ctx context.Context, in UserMigrationInput) (*UserMigrationOutput, error)
	// DefineAuthChallenge, CreateAuthChallenge and VerifyAuthChallenge
	// drive CUSTOM_AUTH; all three are needed for it.
	DefineAuthChallenge func(ctx context.Context, in DefineAuthChallengeInput) (*DefineAuthChallengeOutput, error)
	CreateAuthChallenge func(ctx context.Context, in CreateAuthChallengeInput) (*CreateAuthChallengeOutput, error)
	VerifyAuthChallenge func(ctx context.Context, in VerifyAuthChallengeInput) (*VerifyAuthChallengeOutput, error)
}

// TriggerUser is the user as the triggers see it.
type TriggerUser struct {
	PoolID, ClientID, Username string
	// Attributes include "sub".
	Attributes map[string]string
}

// PreAuthenticationInput is what the pre authentication hook sees.
// ValidationData is the ClientMetadata of InitiateAuth / AdminInitiateAuth.
type PreAuthenticationInput struct {
	TriggerUser
	ValidationData map[string]string
}

// PostAuthenticationInput is what the post authentication hook sees.
type PostAuthenticationInput struct {
	TriggerUser
	NewDeviceUsed  bool
	ClientMetadata map[string]string
}

// PreTokenGenerationInput is what the pre token generation hook sees.
type PreTokenGenerationInput struct {
	PoolID, ClientID, Username string
	Attributes                 map[string]string
	Groups                     []string
	// Source is "Authentication", "RefreshTokens" or "NewPasswordChallenge".
	Source         string
	ClientMetadata map[string]string
}

// UserMigrationInput is what the user migration hook sees. Password is
// empty for a password reset.
type UserMigrationInput struct {
	PoolID, ClientID, Username, Password string
	// TriggerSource is "UserMigration_Authentication" or "UserMigration_ForgotPassword".
	TriggerSource  string
	ValidationData map[string]string
}

// UserMigrationOutput describes the imported user.
type UserMigrationOutput struct {
	Attributes map[string]string
	// FinalUserStatus is CONFIRMED (the default at sign-in) or
	// RESET_REQUIRED (the only status after a password reset request).
	FinalUserStatus UserStatus
}

// CustomChallengeResult is one round of a custom sign-in, as the define
// hook sees the history.
type CustomChallengeResult struct {
	ChallengeName     string `json:"n"` // "SRP_A", "PASSWORD_VERIFIER" or "CUSTOM_CHALLENGE"
	ChallengeResult   bool   `json:"r"`
	ChallengeMetadata string `json:"m,omitempty"`
}

// DefineAuthChallengeInput is what the define hook sees. ClientMetadata is
// set on RespondToAuthChallenge calls only, as Cognito passes it.
type DefineAuthChallengeInput struct {
	TriggerUser
	Session        []CustomChallengeResult
	UserNotFound   bool
	ClientMetadata map[string]string
}

// DefineAuthChallengeOutput decides what follows: tokens, failure, or a
// challenge ("CUSTOM_CHALLENGE", or "PASSWORD_VERIFIER" after SRP_A).
type DefineAuthChallengeOutput struct {
	IssueTokens        bool
	FailAuthentication bool
	ChallengeName      string
}

// CreateAuthChallengeInput is what the create hook sees.
type CreateAuthChallengeInput struct {
	TriggerUser
	ChallengeName  string
	Session        []CustomChallengeResult
	UserNotFound   bool
	ClientMetadata map[string]string
}

// CreateAuthChallengeOutput is a challenge: public parameters go to the
// client, private ones to the verify hook.
type CreateAuthChallengeOutput struct {
	PublicChallengeParameters  map[string]string
	PrivateChallengeParameters map[string]string
	ChallengeMetadata          string
}

// VerifyAuthChallengeInput is what the verify hook sees.
type VerifyAuthChallengeInput struct {
	TriggerUser
	PrivateChallengeParameters map[string]string
	ChallengeAnswer            string
	UserNotFound               bool
	ClientMetadata             map[string]string
}

// VerifyAuthChallengeOutput says whether the answer was right.
type VerifyAuthChallengeOutput struct {
	AnswerCorrect bool
}

// callHook runs a hook, turning its failures into the Lambda exceptions.
func callHook[T any](name string, f func() (T, error)) (out T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = challenge.Wrap(challenge.ErrUnexpectedLambda, name+" failed unexpectedly.", fmt.Errorf("panic: %v", r))
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

func invalidLambda(name, why string) error {
	return challenge.New(challenge.ErrInvalidLambdaResponse, "Invalid "+name+" response: "+why)
}

func triggerUser(p *Pool, c *AppClient, u *User, username string) TriggerUser {
	t := TriggerUser{PoolID: p.ID, ClientID: c.ID, Username: username, Attributes: map[string]string{}}
	if u != nil {
		t.Username = u.Username
		for k, v := range u.Attributes {
			t.Attributes[k] = v
		}
		t.Attributes["sub"] = u.Sub
	}
	return t
}
