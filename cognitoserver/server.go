// Package cognitoserver is authflow's Cognito-compatible identity server as
// a library: Run is the whole program behind "authflow serve" (and the
// annotated example in examples/server). It speaks Amazon Cognito user
// pools' JSON protocol, so the AWS SDKs, amazon-cognito-identity-js and
// Amplify sign in against it unchanged.
//
//	authflow serve                       # http://127.0.0.1:9229, data in ./authflow-data
//	authflow serve -dev                  # memory only, a ready pool, client and user, codes in the outbox
//	authflow serve -config pools.json    # pools, clients and users declared up front
//
// Passkeys work for pools whose SignInPolicy allows WEB_AUTHN and whose
// WebAuthnConfiguration (SetUserPoolMfaConfig) names a relying party.
//
// Users and pools live in a SQLite file (or PostgreSQL with -postgres, or
// memory with -dev), and so do each pool's token signing keys and the
// decoy key (which also keys the hashes of one-time codes): every node on
// the same database shares them. Sign-in sessions live in memory (or Redis
// with -redis), refresh tokens and revocations in the users' database (or
// Redis with -redis), so they survive a restart. One-time codes (sign-up,
// forgotten password, MFA, invitations) are not sent anywhere: with
// -outbox they are kept in an outbox, readable at GET
// /local/outbox?pool=<id>&username=<name> and on the admin page; without
// it they are dropped (the log says so).
//
// The server refuses to listen beyond loopback without -credentials (any
// well-formed signature would reach the admin operations) unless
// -insecure-no-credentials says so. SECURITY.md at the repository root
// describes every such choice. "authflow serve -h" lists the flags and the
// environment variables that set them.
//
// The server prints "authflow: listening on http://HOST:PORT" on stdout
// once it accepts connections, logs one structured line per request on
// stderr, and shuts down gracefully on SIGINT or SIGTERM (and, under "go
// run", when the go command is killed).
package cognitoserver

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
	"strconv"
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

// options are the parsed flags.
type options struct {
	addr, region, data, redisURL, postgres, config, publicURL string
	logFormat, logLevel                                       string
	credentials                                               map[string]string
	passkeyOrigins                                            []string
	customAnswer                                              string
	lambdaEndpoint                                            string
	lambdaByName                                              bool
	corsOrigins                                               []string
	outbox, localIssuer, insecureNoCredentials                bool
	shutdownTimeout                                           time.Duration
	admin                                                     bool
	dev                                                       devOptions
	// set records the flags given on the command line or in the
	// environment (dev mode changes only the defaults of the others).
	set map[string]bool
}

// flagEnv names the environment variable of each flag that has one.
var flagEnv = map[string]string{
	"addr":                    "AUTHFLOW_ADDR",
	"region":                  "AUTHFLOW_REGION",
	"data":                    "AUTHFLOW_DATA",
	"redis":                   "AUTHFLOW_REDIS",
	"postgres":                "AUTHFLOW_POSTGRES",
	"config":                  "AUTHFLOW_CONFIG",
	"public-url":              "AUTHFLOW_PUBLIC_URL",
	"credentials":             "AUTHFLOW_CREDENTIALS",
	"cors-origins":            "AUTHFLOW_CORS_ORIGINS",
	"log-format":              "AUTHFLOW_LOG_FORMAT",
	"log-level":               "AUTHFLOW_LOG_LEVEL",
	"custom-challenge-answer": "AUTHFLOW_CUSTOM_CHALLENGE_ANSWER",
	"outbox":                  "AUTHFLOW_OUTBOX",
	"local-issuer":            "AUTHFLOW_LOCAL_ISSUER",
	"dev":                     "AUTHFLOW_DEV",
	"dev-code":                "AUTHFLOW_DEV_CODE",
	"admin":                   "AUTHFLOW_ADMIN",
	"lambda-endpoint":         "AUTHFLOW_LAMBDA_ENDPOINT",
	"lambda-by-name":          "AUTHFLOW_LAMBDA_BY_NAME",
}

// parseFlags reads args and the AUTHFLOW_* environment (flags win). prog
// names the command in messages ("authflow serve").
func parseFlags(prog string, args []string, stderr io.Writer) (*options, error) {
	o := &options{credentials: map[string]string{}, set: map[string]bool{}}
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:9229", "listen `address` (\":0\" picks a free port)")
	fs.StringVar(&o.region, "region", "us-east-1", "`region` of the pools created here")
	fs.StringVar(&o.data, "data", "./authflow-data", "data `directory` (SQLite file); with -dev, memory unless given")
	fs.StringVar(&o.redisURL, "redis", "", "Redis `URL` for sign-in sessions, refresh tokens and revocations (default: memory and the database)")
	fs.StringVar(&o.postgres, "postgres", "", "PostgreSQL `DSN` for users and pools (default: SQLite in -data)")
	fs.StringVar(&o.config, "config", "", "JSON `file` of pools, clients and users to create at start")
	fs.StringVar(&o.publicURL, "public-url", "", "this server's `URL` as clients reach it (default http://<addr>; http://localhost:<port> on 0.0.0.0)")
	fs.BoolVar(&o.outbox, "outbox", false, "keep one-time codes in memory and serve them at /local/outbox?pool=<id>&username=<name> (on with -dev on loopback)")
	fs.BoolVar(&o.insecureNoCredentials, "insecure-no-credentials", false,
		"allow listening on a non-loopback address without -credentials (anyone who reaches the server can run admin operations)")
	fs.BoolVar(&o.localIssuer, "local-issuer", false, "issue tokens with iss <public-url>/<poolId> instead of Cognito's issuer (on with -dev)")
	fs.BoolVar(&o.admin, "admin", true, "serve the admin page at / (on loopback, or behind -credentials as HTTP basic auth)")
	fs.StringVar(&o.logFormat, "log-format", "text", "log `format`: text or json")
	fs.StringVar(&o.logLevel, "log-level", "info", "log `level`: debug (adds the sign-in state transitions), info, warn or error")
	fs.StringVar(&o.customAnswer, "custom-challenge-answer", "",
		"turn on the demo CUSTOM_AUTH hooks: one CUSTOM_CHALLENGE whose answer is `VALUE`")
	fs.StringVar(&o.lambdaEndpoint, "lambda-endpoint", "",
		"invoke the pools' LambdaConfig triggers through the Lambda Invoke API at `URL` (sam local start-lambda, LocalStack); without it they are stored but never run")
	fs.BoolVar(&o.lambdaByName, "lambda-by-name", false,
		"invoke a trigger by the function name of its ARN rather than the ARN (for endpoints such as sam local that know names only)")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 10*time.Second, "how long to wait for requests at shutdown")
	addCred := func(s string) error {
		for _, c := range strings.Split(s, ",") {
			key, secret, ok := strings.Cut(strings.TrimSpace(c), ":")
			if !ok || key == "" || secret == "" {
				return errors.New("want KEY:SECRET")
			}
			o.credentials[key] = secret
		}
		return nil
	}
	fs.Func("credentials", "verify SigV4 against `KEY:SECRET` (repeatable, comma-separated); without it any well-formed signature passes", addCred)
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
	fs.Func("cors-origins", "web `origins` whose pages may call the admin (SigV4-signed) operations (repeatable, comma-separated); every origin may call the public ones", addOrigins)
	fs.Func("passkey-origin", "also accept passkeys from this `origin` (repeatable; e.g. http://localhost:3000)", func(s string) error {
		if !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://") {
			return errors.New("want an origin such as https://app.example.com")
		}
		o.passkeyOrigins = append(o.passkeyOrigins, strings.TrimSuffix(s, "/"))
		return nil
	})
	o.dev.register(fs)
	fs.Usage = func() { usage(fs, prog) }

	// The environment first, then the command line over it.
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		name, ok := flagEnv[f.Name]
		if !ok || envErr != nil {
			return
		}
		if v, ok := os.LookupEnv(name); ok && v != "" {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("%s: %w", name, err)
			}
			o.set[f.Name] = true
		}
	})
	if envErr != nil {
		return nil, envErr
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &FlagError{err}
	}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.logFormat != "text" && o.logFormat != "json" {
		return nil, fmt.Errorf("-log-format must be text or json")
	}
	if !validRegion(o.region) {
		return nil, fmt.Errorf("-region %q is not a region name", o.region)
	}
	if err := o.dev.check(o); err != nil {
		return nil, err
	}
	return o, nil
}

// FlagError is a command line error that Run has already printed, with
// the usage, on its stderr.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// usage prints the flags with the environment variable of each.
func usage(fs *flag.FlagSet, prog string) {
	w := fs.Output()
	fmt.Fprintf(w, "Usage: %s [flags]\n\n", prog)
	fmt.Fprintln(w, "A Cognito-compatible user-pool server. Flags (environment variable in brackets; a flag wins over it):")
	fmt.Fprintln(w)
	fs.VisitAll(func(f *flag.Flag) {
		name, u := flag.UnquoteUsage(f)
		line := "  -" + f.Name
		if name != "" {
			line += " " + name
		}
		if e, ok := flagEnv[f.Name]; ok {
			line += "  [$" + e + "]"
		}
		fmt.Fprintln(w, line)
		def := ""
		if f.DefValue == "true" {
			def = " (default on)"
		} else if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" {
			def = " (default " + strconv.Quote(f.DefValue) + ")"
		}
		fmt.Fprintf(w, "    \t%s%s\n", strings.ReplaceAll(u, "\n", "\n    \t"), def)
	})
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Reference: https://github.com/authflow/authflow/blob/main/cognitoserver/README.md; security choices: SECURITY.md.")
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

func newLogger(o *options, w io.Writer) (*slog.Logger, slog.Level, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return nil, 0, fmt.Errorf("-log-level: %w", err)
	}
	ho := &slog.HandlerOptions{Level: level}
	if o.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, ho)), level, nil
	}
	return slog.New(slog.NewTextHandler(w, ho)), level, nil
}

// store is what the server keeps users, pools and shared secrets in:
// sqldir.SQL or directory.Memory.
type store interface {
	userpool.Directory
	userpool.Catalog
	token.SecretStore
}

// Run is the whole server program: it parses args (flags as "authflow
// serve -h" lists them, over the AUTHFLOW_* environment), serves until ctx
// ends or the process gets SIGINT or SIGTERM, and shuts down gracefully.
// prog names the command in help and errors. It prints the ready line
// "authflow: listening on http://HOST:PORT" (and, with -dev, how to
// configure clients) on stdout and logs on stderr. A -h prints the help
// and returns flag.ErrHelp.
func Run(ctx context.Context, prog string, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(prog, args, stderr)
	if err != nil {
		return err
	}
	log, level, err := newLogger(o, stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	if underGoRun() {
		go watchParent(ctx, stopWatch, log)
	}

	// Users, pools and clients.
	var db store
	var sqlDB *sqldir.SQL
	dialect := "sqlite"
	switch {
	case o.postgres != "":
		dialect = "postgres"
		sqlDB, err = postgresdir.Open(o.postgres)
		if err != nil {
			return err
		}
		log.Info("directory", "backend", "postgres")
	case o.dev.on && !o.set["data"]:
		dialect = "memory"
		db = directory.NewMemory()
		o.dev.memory = true
		log.Info("directory", "backend", "memory", "note", "dev mode: everything is lost at exit; give -data DIR to keep it")
	default:
		if err := os.MkdirAll(o.data, 0o700); err != nil {
			return fmt.Errorf("data directory: %w", err)
		}
		path := filepath.Join(o.data, "authflow.db")
		sqlDB, err = sqlitedir.Open(path)
		if err != nil {
			return err
		}
		log.Info("directory", "backend", "sqlite", "path", path)
	}
	if sqlDB != nil {
		defer sqlDB.Close()
		db = sqlDB
	}

	// Sign-in sessions, and refresh tokens and revocations: in Redis with
	// -redis (shared by every node on it), otherwise sessions in memory and
	// tokens in the directory's database (they survive a restart).
	var sessions flow.Store = session.NewMemory()
	var tokenState token.RefreshState
	switch {
	case o.redisURL != "":
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
	case sqlDB != nil:
		tokenState, err = sqlstate.New(sqlDB.DB(), dialect)
		if err != nil {
			return err
		}
		log.Info("sessions", "backend", "memory")
		log.Info("refresh tokens", "backend", dialect)
	default:
		tokenState = token.NewMemoryState(time.Now)
		log.Info("sessions", "backend", "memory")
		log.Info("refresh tokens", "backend", "memory")
	}

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	loopback := isLoopback(ln.Addr())
	if !loopback && len(o.credentials) == 0 {
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
		publicURL = defaultPublicURL(ln.Addr())
		if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
			log.Warn("listening on every interface without -public-url: jwks_uri (and, with -local-issuer, the tokens' iss) "+
				"name "+publicURL+", which only this machine (or a mapped container port) reaches; give -public-url "+
				"with the URL clients use", "public_url", publicURL)
		}
	}
	serveOutbox := o.outbox
	if o.dev.on && !o.set["outbox"] {
		serveOutbox = loopback
		if !loopback {
			log.Warn("dev mode: the outbox stays off beyond loopback (it would hand every code to anyone who reaches the server); give -outbox to turn it on anyway")
		}
	}
	switch {
	case serveOutbox && !loopback:
		log.Warn("the outbox serves one-time codes to anyone who reaches this server and knows a pool ID and username")
	case !serveOutbox:
		log.Warn("the outbox is off: one-time codes (sign-up, forgotten password, MFA, invitations) are dropped; give -outbox to read them at /local/outbox")
	}
	if o.dev.code != "" && !serveOutbox {
		return errors.New("-dev-code needs the outbox (dev mode on loopback, or -outbox)")
	}
	localIssuer := o.localIssuer || (o.dev.on && !o.set["local-issuer"])

	// Tokens: each pool has its own signing keys, kept in the database.
	issuerURL := token.DefaultIssuerURL
	if localIssuer {
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
		if sqlDB == nil {
			return newKey()
		}
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
	if o.dev.on && cfg == nil {
		cfg = o.dev.config(o.region)
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

	var userHooks userpool.Hooks
	if o.lambdaEndpoint == "" && cfg != nil {
		o.lambdaEndpoint = cfg.LambdaEndpoint
	}
	if o.lambdaEndpoint != "" {
		if hooks, userHooks, err = lambdaHooks(o, db, hooks); err != nil {
			return err
		}
		log.Info("Lambda triggers on: the pools' LambdaConfig functions run at the endpoint", "lambda_endpoint", redactedURL(o.lambdaEndpoint))
	}

	outbox := NewOutbox(log, publicURL, serveOutbox)
	signins := newSignInLog(signInLogSize)
	var limiter flow.Limiter
	if l, ok := sessions.(flow.Limiter); ok {
		limiter = l
	}
	engine, err := userpool.New(userpool.Config{Directory: db, Catalog: db, Sessions: observeSessions(sessions), Limiter: limiter,
		Issuer: issuer, Sender: outbox, Region: o.region, DecoyKey: decoy, Hooks: hooks, UserHooks: userHooks,
		Passkeys: webauthn.New(webauthn.Options{}), PasskeyOrigins: o.passkeyOrigins})
	if err != nil {
		return err
	}

	if cfg != nil {
		name := o.config
		if name == "" {
			name = "dev mode"
		}
		if err := cfg.Apply(ctx, engine, db, log); err != nil {
			var ce *ConfigError
			if errors.As(err, &ce) {
				return err
			}
			return fmt.Errorf("%s: %w", name, err)
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
		Logger:      slog.New(captureHandler{}),
		// Managed login: each pool's domain under publicURL/<domain>/.
		ManagedLogin: true,
	})
	var handler http.Handler = api
	if o.dev.code != "" {
		handler = devCodes(handler, o.dev.code, outbox, db)
		log.Warn("dev mode: every one-time code is also accepted as "+o.dev.code+" (-dev-code); never use this beyond tests", "dev_code", true)
	}
	mux := http.NewServeMux()
	if serveOutbox {
		mux.Handle("GET /local/outbox", outbox)
	}
	if o.admin && (loopback || creds != nil) {
		adm, err := newAdmin(adminConfig{engine: engine, dir: db, catalog: db, outbox: outbox, outboxOn: serveOutbox,
			signins: signins, credentials: creds, publicURL: publicURL, loopback: loopback, log: log})
		if err != nil {
			return err
		}
		adm.routes(mux)
	}
	mux.Handle("/", handler)
	if err := mountManagedLogin(mux, engine, issuer, publicURL, log); err != nil {
		return err
	}
	srv := &http.Server{
		Handler: logRequests(mux, log, level, signins, func(ctx context.Context, id string) string {
			if c, err := db.Client(ctx, id); err == nil && c != nil {
				return c.PoolID
			}
			return ""
		}),
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
		"local_issuer", localIssuer, "cors_signed_origins", strings.Join(o.corsOrigins, ","), "pid", os.Getpid())
	fmt.Fprintf(stdout, "authflow: listening on http://%s\n", ln.Addr())
	if o.dev.on {
		printDevBanner(ctx, stdout, devBanner{cfg: cfg, catalog: db, publicURL: publicURL, region: o.region,
			outbox: serveOutbox, admin: o.admin && (loopback || creds != nil), code: o.dev.code, localIssuer: localIssuer, dev: &o.dev})
	}

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

// run is Run under the example's name (for the tests).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return Run(ctx, "authflow serve", args, stdout, stderr)
}

// defaultPublicURL is http://<listen address>, except that an unspecified
// address (0.0.0.0, [::]) becomes localhost: clients cannot connect to it.
func defaultPublicURL(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		return "http://localhost:" + strconv.Itoa(tcp.Port)
	}
	return "http://" + a.String()
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
	_ store             = (*sqldir.SQL)(nil)
	_ store             = (*directory.Memory)(nil)
)

// decoySecretName is the name of the decoy key among the database's secrets.
const decoySecretName = "flow-decoy-key"

func newKey() ([]byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return b, nil
}

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
	return newKey()
}
