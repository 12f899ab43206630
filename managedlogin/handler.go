package managedlogin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/client"
	"github.com/authflow/authflow/token"
)

// Limits and lifetimes.
const (
	// MaxCodeAge is how long an authorization code may be exchanged
	// (Cognito's 5 minutes).
	MaxCodeAge = 5 * time.Minute
	// LoginSessionAge bounds a login session (the cookie and its record).
	LoginSessionAge = 15 * time.Minute
	// MaxPending bounds each of the login sessions, codes and refresh
	// records kept in memory. A new login session past it replaces the
	// oldest; a new code past it is refused (500) until old ones expire;
	// refresh records past it are not kept (their refreshes then fail
	// with invalid_grant).
	MaxPending = 100000
	// maxFormBytes bounds a request body of the token, revoke and login
	// endpoints.
	maxFormBytes = 16 << 10
)

// Service is what managed login needs of a user pool: the sign-in
// operations it drives, the look-ups of the domain, pool and client, and
// the self-service and token operations behind its pages and endpoints.
// userpool.Service implements it.
type Service interface {
	client.Service
	DescribeUserPoolDomain(ctx context.Context, in *challenge.DescribeUserPoolDomainInput) (*challenge.DescribeUserPoolDomainOutput, error)
	DescribeUserPool(ctx context.Context, in *challenge.UserPoolIdInput) (*challenge.UserPoolOutput, error)
	DescribeUserPoolClient(ctx context.Context, in *challenge.ClientIdInput) (*challenge.UserPoolClientOutput, error)
	ListResourceServers(ctx context.Context, in *challenge.ListResourceServersInput) (*challenge.ListResourceServersOutput, error)
	AdminGetUser(ctx context.Context, in *challenge.AdminUserInput) (*challenge.AdminGetUserOutput, error)
	GetTokensFromRefreshToken(ctx context.Context, in *challenge.GetTokensFromRefreshTokenInput) (*challenge.GetTokensFromRefreshTokenOutput, error)
	RevokeToken(ctx context.Context, in *challenge.RevokeTokenInput) (*challenge.Empty, error)
	SignUp(ctx context.Context, in *challenge.SignUpInput) (*challenge.SignUpOutput, error)
	ConfirmSignUp(ctx context.Context, in *challenge.ConfirmSignUpInput) (*challenge.ConfirmSignUpOutput, error)
	ForgotPassword(ctx context.Context, in *challenge.UsernameInput) (*challenge.CodeDeliveryOutput, error)
	ConfirmForgotPassword(ctx context.Context, in *challenge.ConfirmForgotPasswordInput) (*challenge.Empty, error)
	StartWebAuthnRegistration(ctx context.Context, in *challenge.StartWebAuthnRegistrationInput) (*challenge.StartWebAuthnRegistrationOutput, error)
	CompleteWebAuthnRegistration(ctx context.Context, in *challenge.CompleteWebAuthnRegistrationInput) (*challenge.Empty, error)
	ListWebAuthnCredentials(ctx context.Context, in *challenge.ListWebAuthnCredentialsInput) (*challenge.ListWebAuthnCredentialsOutput, error)
}

// Tokens is what managed login needs of the engine's token issuer beyond
// sign-in (token.Issuer implements it): checking the access tokens that
// /oauth2/userInfo receives, and the client-credentials grant.
type Tokens interface {
	VerifyAccess(ctx context.Context, accessToken string) (*challenge.AccessClaims, error)
	IssueClientCredentials(ctx context.Context, g token.ClientGrant) (string, int32, error)
}

// Config configures a Handler. Service and Tokens are required; Tokens
// must be the issuer the Service's engine signs with, so that the tokens
// of every endpoint share keys, claims and revocation.
type Config struct {
	Service Service
	Tokens  Tokens
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand draws codes, login session ids and CSRF tokens; nil means
	// crypto/rand.Reader.
	Rand io.Reader
	// Logger receives one line per refused request (never a password,
	// code, token or secret); nil discards.
	Logger *slog.Logger
	// SecureCookies sets Secure on the login cookie even when the request
	// did not come over TLS (a TLS-terminating proxy in front).
	SecureCookies bool
	// TOTPIssuer names the service in the otpauth:// URI of an
	// authenticator set up on the page; "authflow" when empty.
	TOTPIssuer string
	// MaxPending replaces the package's MaxPending when positive.
	MaxPending int
}

// Handler serves the user pool domains of one user pool service. It is
// safe for concurrent use.
type Handler struct {
	svc    Service
	tokens Tokens
	now    func() time.Time
	log    *slog.Logger
	secure bool
	issuer string
	max    int

	randMu sync.Mutex
	rand   io.Reader

	mu        sync.Mutex
	nextSweep time.Time
	logins    map[string]*loginState // by hash of the cookie value
	codes     map[string]*codeGrant  // by hash of the code
	refreshS  map[string]refreshRecord
	mux       *http.ServeMux
}

// New returns a Handler for cfg.
func New(cfg Config) (*Handler, error) {
	if cfg.Service == nil || cfg.Tokens == nil {
		return nil, errors.New("managedlogin: Config needs Service and Tokens")
	}
	h := &Handler{svc: cfg.Service, tokens: cfg.Tokens, now: cfg.Now, rand: cfg.Rand, log: cfg.Logger,
		secure: cfg.SecureCookies, issuer: cfg.TOTPIssuer, max: cfg.MaxPending,
		logins: map[string]*loginState{}, codes: map[string]*codeGrant{}, refreshS: map[string]refreshRecord{}}
	if h.now == nil {
		h.now = time.Now
	}
	if h.rand == nil {
		h.rand = rand.Reader
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.max <= 0 {
		h.max = MaxPending
	}
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("/{domain}/oauth2/authorize", h.authorize)
	h.mux.HandleFunc("/{domain}/oauth2/token", h.token)
	h.mux.HandleFunc("/{domain}/oauth2/userInfo", h.userInfo)
	h.mux.HandleFunc("/{domain}/oauth2/revoke", h.revoke)
	h.mux.HandleFunc("/{domain}/logout", h.logout)
	h.mux.HandleFunc("/{domain}/login", h.login)
	h.mux.HandleFunc("/{domain}/signup", h.signup)
	h.mux.HandleFunc("/{domain}/forgotPassword", h.forgot)
	return h, nil
}

// Patterns returns the http.ServeMux patterns of the routes a server
// mounts the Handler on (every one under /{domain}/).
func (h *Handler) Patterns() []string {
	return []string{"/{domain}/oauth2/{endpoint}", "/{domain}/logout", "/{domain}/login", "/{domain}/signup", "/{domain}/forgotPassword"}
}

// Endpoints are the URLs of a domain under a server's public URL.
type Endpoints struct {
	Authorize, Token, UserInfo, Revoke, Logout, Login string
}

// EndpointsOf returns the endpoints of domain under base (the server's
// public URL, without a trailing slash).
func EndpointsOf(base, domain string) Endpoints {
	p := strings.TrimSuffix(base, "/") + "/" + domain
	return Endpoints{Authorize: p + "/oauth2/authorize", Token: p + "/oauth2/token", UserInfo: p + "/oauth2/userInfo",
		Revoke: p + "/oauth2/revoke", Logout: p + "/logout", Login: p + "/login"}
}

// ServeHTTP serves the routes of Patterns.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Pragma", "no-cache")
	if apiEndpoint(r.URL.Path) {
		// Browser apps (PKCE public clients) call these with fetch from
		// their own origin. No cookie is read here, so any origin may,
		// without credentials.
		hdr.Set("Access-Control-Allow-Origin", "*")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			hdr.Set("Access-Control-Allow-Methods", "GET, POST")
			hdr.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			hdr.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	h.mux.ServeHTTP(w, r)
}

// apiEndpoint reports the paths that apps call from scripts: the token,
// userInfo and revocation endpoints.
func apiEndpoint(path string) bool {
	return strings.HasSuffix(path, "/oauth2/token") || strings.HasSuffix(path, "/oauth2/userInfo") ||
		strings.HasSuffix(path, "/oauth2/revoke")
}

// site is a domain's pool, as the page and endpoints see it.
type site struct {
	domain string
	pool   *challenge.UserPoolType
}

// errNoSite is a domain no pool has.
var errNoSite = errors.New("managedlogin: no such domain")

func (h *Handler) site(ctx context.Context, domain string) (*site, error) {
	if domain == "" || len(domain) > 253 {
		return nil, errNoSite
	}
	d, err := h.svc.DescribeUserPoolDomain(ctx, &challenge.DescribeUserPoolDomainInput{Domain: domain})
	if err != nil {
		return nil, err
	}
	if d.DomainDescription.UserPoolId == "" {
		return nil, errNoSite
	}
	p, err := h.svc.DescribeUserPool(ctx, &challenge.UserPoolIdInput{UserPoolId: d.DomainDescription.UserPoolId})
	if err != nil {
		return nil, err
	}
	return &site{domain: domain, pool: p.UserPool}, nil
}

// appClient returns the app client clientID of the site's pool, or nil.
func (h *Handler) appClient(ctx context.Context, s *site, clientID string) (*challenge.UserPoolClientType, error) {
	if clientID == "" || len(clientID) > 128 {
		return nil, nil
	}
	out, err := h.svc.DescribeUserPoolClient(ctx, &challenge.ClientIdInput{UserPoolId: s.pool.Id, ClientId: clientID})
	if err != nil {
		if challenge.CodeOf(err) == challenge.ErrResourceNotFound || challenge.CodeOf(err) == challenge.ErrInvalidParameter {
			return nil, nil
		}
		return nil, err
	}
	return out.UserPoolClient, nil
}

// randomToken returns n random bytes, base64url-encoded.
func (h *Handler) randomToken(n int) (string, error) {
	b := make([]byte, n)
	h.randMu.Lock()
	_, err := io.ReadFull(h.rand, b)
	h.randMu.Unlock()
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashKey is the map key of a bearer value (code, cookie, refresh token):
// the memory never holds the values themselves as keys.
func hashKey(v string) string {
	sum := sha256.Sum256([]byte(v))
	return string(sum[:])
}

// oauthError is an RFC 6749 §5.2 error body.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fail answers an RFC 6749 error as JSON.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, status int, code, desc string) {
	h.log.Info("managed login refused", "path", r.URL.Path, "error", code, "description", desc)
	if code == "invalid_client" && r.Header.Get("Authorization") != "" {
		w.Header().Set("WWW-Authenticate", `Basic realm="token"`)
	}
	writeJSON(w, status, oauthError{Error: code, Description: desc})
}

// failErr answers err: a *TokenError with the OAuth error it carries,
// another error as an internal failure.
func (h *Handler) failErr(w http.ResponseWriter, r *http.Request, err error) {
	var te *TokenError
	if errors.As(err, &te) {
		h.fail(w, r, te.Status, te.Code, te.Description)
		return
	}
	h.internal(w, r, err)
}

// internal answers a failure of the service or of the randomness.
func (h *Handler) internal(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("managed login failed", "path", r.URL.Path, "err", err)
	writeJSON(w, http.StatusInternalServerError, oauthError{Error: "server_error"})
}
