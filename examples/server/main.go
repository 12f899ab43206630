// Command server is authflow's Cognito-compatible identity server: one
// binary that speaks Amazon Cognito user pools' JSON protocol, so the AWS
// SDKs, amazon-cognito-identity-js and Amplify sign in against it unchanged.
//
//	go run ./examples/server                       # http://127.0.0.1:9229, data in ./authflow-data
//	go run ./examples/server -config pools.json    # with pools, clients and users declared up front
//
// Passkeys work for pools whose SignInPolicy allows WEB_AUTHN and whose
// WebAuthnConfiguration (SetUserPoolMfaConfig) names a relying party.
//
// Users and pools live in a SQLite file (or PostgreSQL with -postgres), and
// so do each pool's token signing keys and the decoy key (which also keys
// the hashes of one-time codes): every node on the same database shares
// them. Sign-in sessions live in memory
// (or Redis with -redis), refresh tokens and revocations in the users'
// database (or Redis with -redis), so they survive a restart. One-time codes (sign-up, forgotten password,
// MFA, invitations) are not sent anywhere: with -outbox they are kept in
// an outbox, readable at GET /local/outbox?pool=<id>&username=<name>;
// without it they are dropped (the log says so).
//
// The server refuses to listen beyond loopback without -credentials (any
// well-formed signature would reach the admin operations) unless
// -insecure-no-credentials says so. SECURITY.md at the repository root
// describes every such choice.
//
// Flags (each also read from the environment variable in brackets):
//
//	-addr ADDR            listen address (127.0.0.1:9229) [AUTHFLOW_ADDR]
//	-region REGION        region of the pools created here (us-east-1) [AUTHFLOW_REGION]
//	-data DIR             SQLite database (./authflow-data) [AUTHFLOW_DATA]
//	-redis URL            keep sign-in sessions, refresh tokens and revocations in Redis
//	                      (redis://host:6379/0) [AUTHFLOW_REDIS]
//	-postgres DSN         keep users and pools in PostgreSQL instead of SQLite [AUTHFLOW_POSTGRES]
//	-config FILE          JSON file of pools, app clients and users to create at start [AUTHFLOW_CONFIG]
//	-credentials KEY:SECRET  verify SigV4 signatures against this key pair (repeatable;
//	                      comma-separated in [AUTHFLOW_CREDENTIALS]); without it any
//	                      well-formed signature is accepted
//	-cors-origins ORIGIN  web origins whose pages may call the admin (signed) operations
//	                      (repeatable or comma-separated; [AUTHFLOW_CORS_ORIGINS]); every
//	                      origin may call the public operations
//	-insecure-no-credentials  allow listening beyond loopback without -credentials
//	-outbox               keep codes in memory and serve them at /local/outbox (off by default)
//	-passkey-origin URL   accept passkeys from this origin too, besides https://<relying party id>
//	                      (repeatable; for local development, e.g. http://localhost:3000)
//	-public-url URL       this server's URL as clients see it (default http://<addr>)
//	-local-issuer         tokens' iss is <public-url>/<poolId> instead of Cognito's
//	-log-format text|json, -log-level debug|info|warn|error, -shutdown-timeout DURATION
//
// The server prints "authflow: listening on http://HOST:PORT" on stdout
// once it accepts connections, logs one structured line per request on
// stderr, and shuts down gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/directory/postgresdir"
	"github.com/authflow/authflow/directory/sqldir"
	"github.com/authflow/authflow/directory/sqlitedir"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/session/redisstore"
	"github.com/authflow/authflow/token"
	"github.com/authflow/authflow/token/redisstate"
	"github.com/authflow/authflow/token/sqlstate"
	"github.com/authflow/authflow/userpool"
	"github.com/authflow/authflow/webauthn"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "authflow:", err)
		os.Exit(1)
	}
}

// options are the parsed flags.
type options struct {
	addr, region, data, redisURL, postgres, config, publicURL string
	logFormat, logLevel                                       string
	credentials                                               map[string]string
	passkeyOrigins                                            []string
	customAnswer                                              string
	corsOrigins                                               []string
	outbox, localIssuer, insecureNoCredentials                bool
	shutdownTimeout                                           time.Duration
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// parseFlags reads args (and the AUTHFLOW_* environment).
func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{credentials: map[string]string{}}
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", env("AUTHFLOW_ADDR", "127.0.0.1:9229"), "listen `address`")
	fs.StringVar(&o.region, "region", env("AUTHFLOW_REGION", "us-east-1"), "`region` of the pools created here")
	fs.StringVar(&o.data, "data", env("AUTHFLOW_DATA", "./authflow-data"), "data `directory` (SQLite file)")
	fs.StringVar(&o.redisURL, "redis", env("AUTHFLOW_REDIS", ""), "Redis `URL` for sign-in sessions, refresh tokens and revocations (default: memory and the database)")
	fs.StringVar(&o.postgres, "postgres", env("AUTHFLOW_POSTGRES", ""), "PostgreSQL `DSN` for users and pools (default: SQLite in -data)")
	fs.StringVar(&o.config, "config", env("AUTHFLOW_CONFIG", ""), "JSON `file` of pools, clients and users to create at start")
	fs.StringVar(&o.publicURL, "public-url", env("AUTHFLOW_PUBLIC_URL", ""), "this server's `URL` as clients reach it (default http://<addr>)")
	fs.BoolVar(&o.outbox, "outbox", false, "keep one-time codes in memory and serve them at /local/outbox?pool=<id>&username=<name>")
	fs.BoolVar(&o.insecureNoCredentials, "insecure-no-credentials", false,
		"allow listening on a non-loopback address without -credentials (anyone who reaches the server can run admin operations)")
	fs.BoolVar(&o.localIssuer, "local-issuer", false, "issue tokens with iss <public-url>/<poolId> instead of Cognito's issuer")
	fs.StringVar(&o.logFormat, "log-format", env("AUTHFLOW_LOG_FORMAT", "text"), "log `format`: text or json")
	fs.StringVar(&o.logLevel, "log-level", env("AUTHFLOW_LOG_LEVEL", "info"), "log `level`: debug, info, warn or error")
	fs.StringVar(&o.customAnswer, "custom-challenge-answer", env("AUTHFLOW_CUSTOM_CHALLENGE_ANSWER", ""),
		"turn on the demo CUSTOM_AUTH hooks: one CUSTOM_CHALLENGE whose answer is `VALUE`")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 10*time.Second, "how long to wait for requests at shutdown")
	addCred := func(s string) error {
		key, secret, ok := strings.Cut(s, ":")
		if !ok || key == "" || secret == "" {
			return errors.New("want KEY:SECRET")
		}
		o.credentials[key] = secret
		return nil
	}
	fs.Func("credentials", "verify SigV4 against `KEY:SECRET` (repeatable)", addCred)
	addOrigins := func(s string) error {
		for _, origin := range strings.Split(s, ",") {
			origin = strings.TrimSuffix(strings.TrimSpace(origin), "/")
			if origin == "" {
				continue
			}
			if origin != "*" && !strings.HasPrefix(origin, "https://") && !strings.HasPrefix(origin, "http://") {
				return errors.New("want origins such as https://admin.example.com")
			}
			o.corsOrigins = append(o.corsOrigins, origin)
		}
		return nil
	}
	fs.Func("cors-origins", "web `origins` whose pages may call the admin (SigV4-signed) operations (repeatable, comma-separated)", addOrigins)
	fs.Func("passkey-origin", "also accept passkeys from this `origin` (repeatable; e.g. http://localhost:3000)", func(s string) error {
		if !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://") {
			return errors.New("want an origin such as https://app.example.com")
		}
		o.passkeyOrigins = append(o.passkeyOrigins, strings.TrimSuffix(s, "/"))
		return nil
	})
	if v := os.Getenv("AUTHFLOW_CREDENTIALS"); v != "" {
		for _, c := range strings.Split(v, ",") {
			if err := addCred(strings.TrimSpace(c)); err != nil {
				return nil, fmt.Errorf("AUTHFLOW_CREDENTIALS: %w", err)
			}
		}
	}
	if v := os.Getenv("AUTHFLOW_CORS_ORIGINS"); v != "" {
		if err := addOrigins(v); err != nil {
			return nil, fmt.Errorf("AUTHFLOW_CORS_ORIGINS: %w", err)
		}
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.logFormat != "text" && o.logFormat != "json" {
		return nil, fmt.Errorf("-log-format must be text or json")
	}
	if !validRegion(o.region) {
		return nil, fmt.Errorf("-region %q is not a region name", o.region)
	}
	return o, nil
}

// validRegion accepts region names such as us-east-1 (the prefix of pool IDs).
func validRegion(r string) bool {
	if r == "" || len(r) > 32 {
		return false
	}
	for _, c := range r {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func newLogger(o *options, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return nil, fmt.Errorf("-log-level: %w", err)
	}
	ho := &slog.HandlerOptions{Level: level}
	if o.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, ho)), nil
	}
	return slog.New(slog.NewTextHandler(w, ho)), nil
}

// run is the whole program; it returns when ctx ends, on SIGINT or
// SIGTERM, or on a failure.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	log, err := newLogger(o, stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	if err := os.MkdirAll(o.data, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}

	// Users, pools and clients.
	var db *sqldir.SQL
	dialect := "sqlite"
	if o.postgres != "" {
		dialect = "postgres"
		db, err = postgresdir.Open(o.postgres)
		if err != nil {
			return err
		}
		log.Info("directory", "backend", "postgres")
	} else {
		path := filepath.Join(o.data, "authflow.db")
		db, err = sqlitedir.Open(path)
		if err != nil {
			return err
		}
		log.Info("directory", "backend", "sqlite", "path", path)
	}
	defer db.Close()

	// Sign-in sessions, and refresh tokens and revocations: in Redis with
	// -redis (shared by every node on it), otherwise sessions in memory and
	// tokens in the directory's database (they survive a restart).
	var sessions flow.Store = session.NewMemory()
	var tokenState token.RefreshState
	if o.redisURL != "" {
		ropts, err := redis.ParseURL(o.redisURL)
		if err != nil {
			return fmt.Errorf("-redis: %w", err)
		}
		rc := redis.NewClient(ropts)
		defer rc.Close()
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = rc.Ping(pctx).Err()
		cancel()
		if err != nil {
			return fmt.Errorf("-redis: %w", err)
		}
		sessions = redisstore.New(rc, "authflow:session:")
		tokenState = redisstate.New(rc, "authflow:token:")
		log.Info("sessions", "backend", "redis", "addr", ropts.Addr)
		log.Info("refresh tokens", "backend", "redis", "addr", ropts.Addr)
	} else {
		tokenState, err = sqlstate.New(db.DB(), dialect)
		if err != nil {
			return err
		}
		log.Info("sessions", "backend", "memory")
		log.Info("refresh tokens", "backend", dialect)
	}

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if !isLoopback(ln.Addr()) && len(o.credentials) == 0 {
		if !o.insecureNoCredentials {
			return fmt.Errorf("refusing to listen on %s without -credentials: anyone who reaches it could run "+
				"every admin operation; give -credentials KEY:SECRET, listen on 127.0.0.1, "+
				"or accept the risk with -insecure-no-credentials", ln.Addr())
		}
		log.Warn("INSECURE: listening beyond loopback without -credentials; anyone who reaches this server can " +
			"list pools, read client secrets and set passwords")
	}
	publicURL := strings.TrimSuffix(o.publicURL, "/")
	if publicURL == "" {
		publicURL = "http://" + ln.Addr().String()
	}
	serveOutbox := o.outbox
	if serveOutbox && !isLoopback(ln.Addr()) {
		log.Warn("the outbox serves one-time codes to anyone who reaches this server and knows a pool ID and username")
	}

	// Tokens: each pool has its own signing keys, kept in the database.
	issuerURL := token.DefaultIssuerURL
	if o.localIssuer {
		issuerURL = func(poolID string) string { return publicURL + "/" + poolID }
	}
	issuer, err := token.New(token.Config{PoolKeys: token.NewPoolKeys(db, nil), IssuerURL: issuerURL, State: tokenState})
	if err != nil {
		return err
	}

	// The decoy key keys the decoy SRP values of unknown users and the
	// hashes of one-time codes, so every node must have the same one: it
	// lives in the database.
	decoy, err := db.Secret(ctx, decoySecretName, func() ([]byte, error) {
		return legacyDecoyKey(filepath.Join(o.data, "decoy.key"))
	})
	if err != nil {
		return fmt.Errorf("decoy key: %w", err)
	}
	if len(decoy) != 32 {
		return fmt.Errorf("decoy key: want 32 bytes, have %d", len(decoy))
	}

	var cfg *Config
	if o.config != "" {
		if cfg, err = LoadConfig(o.config); err != nil {
			return err
		}
	}
	var hooks flow.Hooks
	answer := o.customAnswer
	if answer == "" && cfg != nil {
		answer = cfg.CustomChallengeAnswer
	}
	if answer != "" {
		hooks = demoCustomAuth(answer)
		log.Info("demo custom auth on: one CUSTOM_CHALLENGE for app clients that allow CUSTOM_AUTH")
	}

	outbox := NewOutbox(log, publicURL, serveOutbox)
	engine, err := userpool.New(userpool.Config{Directory: db, Catalog: db, Sessions: sessions, Issuer: issuer,
		Sender: outbox, Region: o.region, DecoyKey: decoy, Hooks: hooks,
		Passkeys: webauthn.New(webauthn.Options{}), PasskeyOrigins: o.passkeyOrigins})
	if err != nil {
		return err
	}

	if cfg != nil {
		if err := cfg.Apply(ctx, engine, db, log); err != nil {
			return fmt.Errorf("%s: %w", o.config, err)
		}
	}

	var creds map[string]string
	if len(o.credentials) > 0 {
		creds = o.credentials
	}
	api := cognitohttp.NewHandler(engine, cognitohttp.Options{
		Credentials: creds,
		CORSOrigins: o.corsOrigins,
		JWKS:        issuer.PoolJWKS,
		IssuerURL:   issuerURL,
		PublicURL:   publicURL,
		Logger:      log,
	})
	mux := http.NewServeMux()
	if serveOutbox {
		mux.Handle("GET /local/outbox", outbox)
	}
	mux.Handle("/", api)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("ready", "endpoint", publicURL, "region", o.region, "sigv4", creds != nil, "outbox", serveOutbox,
		"cors_signed_origins", strings.Join(o.corsOrigins, ","))
	fmt.Fprintf(stdout, "authflow: listening on http://%s\n", ln.Addr())

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	stop() // a second signal kills the process the default way
	log.Info("shutting down", "timeout", o.shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), o.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// isLoopback reports whether a listener accepts loopback connections only.
func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// Both directories keep the shared secrets token.PoolKeys needs.
var (
	_ token.SecretStore = (*sqldir.SQL)(nil)
	_ token.SecretStore = (*directory.Memory)(nil)
)

// decoySecretName is the name of the decoy key among the database's secrets.
const decoySecretName = "flow-decoy-key"

// legacyDecoyKey returns the key of the decoy.key file that earlier
// versions kept in the data directory, when there is one (so decoys and
// pending codes stay valid across the upgrade), or a new random key.
func legacyDecoyKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		if len(b) != 32 {
			return nil, fmt.Errorf("%s: want 32 bytes, have %d", path, len(b))
		}
		return b, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return b, nil
}
