package userpool

import (
	"context"
	"io"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// Config wires a Service. Directory, Catalog, Sessions and Issuer are
// required; the rest have defaults, the engine's (see flow.Config).
type Config struct {
	Directory Directory
	Catalog   Catalog
	Sessions  flow.Store
	Issuer    Issuer
	// Limiter counts attempts that no user record holds; see flow.Config.
	Limiter flow.Limiter
	// Sender delivers codes; nil means SMS and email codes are never sent.
	Sender flow.Sender
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Rand is the source of every random value (default crypto/rand.Reader).
	Rand io.Reader
	// DecoyKey keys decoys and code hashes; random when nil. Nodes that
	// serve the same pools must share it.
	DecoyKey []byte
	// Region names the region of the pools this service creates (default us-east-1).
	Region string
	Limits flow.Limits
	Hooks  flow.Hooks
	// UserHooks are the triggers of sign-up, confirmation and messages
	// (PreSignUp, PostConfirmation, CustomMessage); see Hooks.
	UserHooks Hooks
	// SRP is the server side of SRP (nil: flow.DefaultSRP).
	SRP flow.SRP
	// Passkeys runs WebAuthn ceremonies; nil means passkeys are off.
	// PasskeyOrigins are origins allowed besides https://<relying party id>.
	Passkeys       flow.Passkeys
	PasskeyOrigins []string
	// Trace receives the transitions of every engine step (see
	// flow.Config.Trace); nil means none.
	Trace func([]flow.Transition)
}

// Service is the Cognito user-pool service: the management and
// self-service operations over the sign-in engine, which it builds and to
// which it hands the four sign-in calls. It is safe for concurrent use.
type Service struct {
	engine   *flow.Server
	kit      flow.Kit
	dir      Directory
	cat      Catalog
	sessions flow.Store
	limiter  flow.Limiter
	issuer   Issuer
	sender   flow.Sender
	now      func() time.Time
	rand     io.Reader
	decoyKey []byte
	region   string
	limits   flow.Limits
	hooks    flow.Hooks
	triggers Hooks
	passkeys flow.Passkeys
	origins  []string
	pads     selfServicePads
}

// New builds the engine from cfg and the service over it.
func New(cfg Config) (*Service, error) {
	engineSender, hooked := cfg.Sender, &hookSender{}
	if cfg.Sender != nil && cfg.UserHooks.CustomMessage != nil {
		engineSender = hooked
	}
	engine, err := flow.New(flow.Config{
		Directory: cfg.Directory, Catalog: cfg.Catalog, Sessions: cfg.Sessions, Issuer: cfg.Issuer,
		Limiter: cfg.Limiter, Sender: engineSender, Now: cfg.Now, Rand: cfg.Rand, DecoyKey: cfg.DecoyKey,
		Region: cfg.Region, Limits: cfg.Limits, Hooks: cfg.Hooks, SRP: cfg.SRP,
		Passkeys: cfg.Passkeys, PasskeyOrigins: cfg.PasskeyOrigins, Trace: cfg.Trace,
		Events: flow.DirectoryEvents{Directory: cfg.Directory},
	})
	if err != nil {
		return nil, err
	}
	kit := engine.Kit()
	hooked.s = &Service{
		engine: engine, kit: kit,
		dir: cfg.Directory, cat: cfg.Catalog, sessions: cfg.Sessions, issuer: cfg.Issuer,
		limiter: kit.Limiter(), sender: cfg.Sender, now: kit.Now, rand: kit.Rand(), decoyKey: kit.Key(),
		region: kit.Region(), limits: kit.Limits(), hooks: cfg.Hooks, passkeys: cfg.Passkeys, origins: cfg.PasskeyOrigins,
		triggers: cfg.UserHooks,
	}
	return hooked.s, nil
}

// Engine returns the sign-in engine the service drives.
func (s *Service) Engine() *flow.Server { return s.engine }

// InitiateAuth starts a sign-in on the engine (flow.Server.InitiateAuth).
func (s *Service) InitiateAuth(ctx context.Context, in *challenge.InitiateAuthInput) (*challenge.InitiateAuthOutput, error) {
	return s.engine.InitiateAuth(ctx, in)
}

// RespondToAuthChallenge answers a challenge on the engine
// (flow.Server.RespondToAuthChallenge).
func (s *Service) RespondToAuthChallenge(ctx context.Context, in *challenge.RespondToAuthChallengeInput) (*challenge.RespondToAuthChallengeOutput, error) {
	return s.engine.RespondToAuthChallenge(ctx, in)
}

// AdminInitiateAuth starts an administrator's sign-in on the engine
// (flow.Server.AdminInitiateAuth).
func (s *Service) AdminInitiateAuth(ctx context.Context, in *challenge.AdminInitiateAuthInput) (*challenge.AdminInitiateAuthOutput, error) {
	return s.engine.AdminInitiateAuth(ctx, in)
}

// AdminRespondToAuthChallenge answers a challenge of an administrator's
// sign-in on the engine (flow.Server.AdminRespondToAuthChallenge).
func (s *Service) AdminRespondToAuthChallenge(ctx context.Context, in *challenge.AdminRespondToAuthChallengeInput) (*challenge.AdminRespondToAuthChallengeOutput, error) {
	return s.engine.AdminRespondToAuthChallenge(ctx, in)
}
