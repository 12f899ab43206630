package managedlogin_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/managedlogin"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/token"
	"github.com/authflow/authflow/userpool"
	"github.com/authflow/authflow/webauthn"
)

const (
	testDomain   = "myapp"
	testPassword = "Corr3ct-Horse!battery"
)

// outbox keeps the codes the engine sends.
type outbox struct {
	mu   sync.Mutex
	msgs []flow.Message
}

func (o *outbox) Send(_ context.Context, m flow.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, m)
	return nil
}

func (o *outbox) last() flow.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.msgs) == 0 {
		return flow.Message{}
	}
	return o.msgs[len(o.msgs)-1]
}

// fixture is a server as cognitoserver mounts it: the JSON API and its
// well-known documents, and managed login, over one engine.
type fixture struct {
	t        testing.TB
	srv      *httptest.Server
	svc      *userpool.Service
	iss      *token.Issuer
	pool     string
	web      *challenge.UserPoolClientType // public, code + implicit, PKCE
	m2m      *challenge.UserPoolClientType // secret, client_credentials
	logs     *bytes.Buffer
	logMu    *sync.Mutex
	out      *outbox
	endpoint managedlogin.Endpoints
	cb       *callbackServer
	callback string // the web client's redirect URI (cb)
	logout   string // its logout URL
}

type lockedBuffer struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (l lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (f *fixture) logText() string {
	f.logMu.Lock()
	defer f.logMu.Unlock()
	return f.logs.String()
}

func newFixture(t testing.TB, mod ...func(*challenge.CreateUserPoolInput)) *fixture {
	return newFixtureWith(t, managedlogin.Config{}, mod...)
}

// newFixtureWith is newFixture with managed login's Config (Service,
// Tokens and Logger are set here).
func newFixtureWith(t testing.TB, cfg managedlogin.Config, mod ...func(*challenge.CreateUserPoolInput)) *fixture {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	keys, err := token.LoadKeySet("../token/testdata/keyset.json")
	require.NoError(t, err)
	issuerURL := func(pool string) string { return srv.URL + "/" + pool }
	iss, err := token.New(token.Config{Keys: keys, IssuerURL: issuerURL})
	require.NoError(t, err)
	dir := directory.NewMemory()
	out := &outbox{}
	svc, err := userpool.New(userpool.Config{Directory: dir, Catalog: dir, Sessions: session.NewMemory(), Issuer: iss,
		Sender: out, Region: "eu-west-1", Passkeys: webauthn.New(webauthn.Options{}), PasskeyOrigins: []string{srv.URL, localURL(srv.URL)}})
	require.NoError(t, err)
	logs, logMu := &bytes.Buffer{}, &sync.Mutex{}
	logger := slog.New(slog.NewTextHandler(lockedBuffer{logMu, logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg.Service, cfg.Tokens, cfg.Logger = svc, iss, logger
	ml, err := managedlogin.New(cfg)
	require.NoError(t, err)
	api := cognitohttp.NewHandler(svc, cognitohttp.Options{JWKS: iss.PoolJWKS, IssuerURL: issuerURL, PublicURL: srv.URL, ManagedLogin: true})
	mux.Handle("/", api)
	for _, p := range ml.Patterns() {
		mux.Handle(p, ml)
	}

	cb := startCallback(t)
	callback := "http://localhost:" + cb.port + "/callback"
	logout := "http://localhost:" + cb.port + "/bye"
	ctx := context.Background()
	in := &challenge.CreateUserPoolInput{PoolName: "shop"}
	for _, m := range mod {
		m(in)
	}
	p, err := svc.CreateUserPool(ctx, in)
	require.NoError(t, err)
	pool := p.UserPool.Id
	_, err = svc.CreateUserPoolDomain(ctx, &challenge.UserPoolDomainInput{UserPoolId: pool, Domain: testDomain})
	require.NoError(t, err)
	_, err = svc.CreateResourceServer(ctx, &challenge.ResourceServerInput{UserPoolId: pool, Identifier: "orders", Name: "Orders",
		Scopes: []challenge.ResourceServerScopeType{{ScopeName: "read", ScopeDescription: "Read"}, {ScopeName: "write", ScopeDescription: "Write"}}})
	require.NoError(t, err)
	web, err := svc.CreateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: pool, ClientName: "web",
		ExplicitAuthFlows: []string{challenge.ExplicitAllowUserSRPAuth, challenge.ExplicitAllowRefreshTokenAuth, challenge.ExplicitAllowUserAuth},
		OAuthClientSettings: challenge.OAuthClientSettings{AllowedOAuthFlowsUserPoolClient: true,
			AllowedOAuthFlows:  []string{challenge.OAuthFlowCode, challenge.OAuthFlowImplicit},
			AllowedOAuthScopes: []string{"openid", "email", "profile", "orders/read", "aws.cognito.signin.user.admin"}, CallbackURLs: []string{callback},
			LogoutURLs: []string{logout}, SupportedIdentityProviders: []string{challenge.IdentityProviderCognito}}})
	require.NoError(t, err)
	m2m, err := svc.CreateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: pool, ClientName: "m2m", GenerateSecret: true,
		OAuthClientSettings: challenge.OAuthClientSettings{AllowedOAuthFlowsUserPoolClient: true,
			AllowedOAuthFlows: []string{challenge.OAuthFlowClientCredentials}, AllowedOAuthScopes: []string{"orders/read", "orders/write"}}})
	require.NoError(t, err)
	return &fixture{t: t, srv: srv, svc: svc, iss: iss, pool: pool, web: web.UserPoolClient, m2m: m2m.UserPoolClient,
		logs: logs, logMu: logMu, out: out, endpoint: managedlogin.EndpointsOf(srv.URL, testDomain), cb: cb, callback: callback, logout: logout}
}

// user creates a confirmed user with testPassword and an email.
func (f *fixture) user(name string) {
	f.t.Helper()
	ctx := context.Background()
	_, err := f.svc.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: f.pool, Username: name, MessageAction: "SUPPRESS",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: name + "@example.com"}, {Name: "email_verified", Value: "true"}}})
	require.NoError(f.t, err)
	_, err = f.svc.AdminSetUserPassword(ctx, &challenge.AdminSetUserPasswordInput{UserPoolId: f.pool, Username: name, Password: testPassword, Permanent: true})
	require.NoError(f.t, err)
}

// issuer is the pool's issuer URL (the provider URL of go-oidc).
func (f *fixture) issuer() string { return f.srv.URL + "/" + f.pool }

// chromium starts a headless Chromium with a fresh profile (flags as the
// admin page's browser tests), or skips the test without one.
func chromium(t testing.TB) context.Context {
	t.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("Chromium is not installed (apt-get install chromium); the login page's browser tests need it")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	require.NoError(t, chromedp.Do(ctx), "starting %s", path)
	return ctx
}

// callbackServer answers the client's redirect URI and records what
// arrives there.
type callbackServer struct {
	port string
	got  chan string
}

func startCallback(t testing.TB) *callbackServer {
	t.Helper()
	cb := &callbackServer{got: make(chan string, 16)}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" { // the browser also asks for /favicon.ico
			http.NotFound(w, r)
			return
		}
		select {
		case cb.got <- r.URL.RawQuery:
		default:
		}
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<!doctype html><title>done</title><p id=done>done</p>"))
	}), ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	_, cb.port, _ = net.SplitHostPort(ln.Addr().String())
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return cb
}

func (cb *callbackServer) wait(t testing.TB) string {
	t.Helper()
	select {
	case q := <-cb.got:
		return q
	case <-time.After(30 * time.Second):
		t.Fatal("the browser never reached the callback")
		return ""
	}
}

// localURL is u with the host localhost instead of 127.0.0.1: WebAuthn
// needs a domain as relying party id.
func localURL(u string) string { return strings.Replace(u, "127.0.0.1", "localhost", 1) }

// navigate is chromedp.Navigate for a browser that has just reached a
// callback: the callback server has its request before the browser has
// committed the callback page, and a navigation started in between can be
// aborted by that commit (net::ERR_ABORTED), so such a navigation is tried
// again, up to three times.
func navigate(u string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		var v chromedp.Void
		var err error
		for range 3 {
			if v, err = chromedp.Navigate(u)(ctx, tg); err == nil || !strings.Contains(err.Error(), "ERR_ABORTED") {
				return v, err
			}
			time.Sleep(100 * time.Millisecond)
		}
		return v, err
	}
}
