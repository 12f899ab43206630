package managedlogin

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/client"
	"github.com/authflow/authflow/srp"
	"github.com/authflow/authflow/token"
)

// cookieName is the login session cookie. Its value names a server-side
// loginState; it is HttpOnly, SameSite=Lax, Secure over TLS, and scoped to
// the domain's path.
const cookieName = "authflow_login"

// loginState is one login session: the authorization request being
// served and where the sign-in stands. It never holds a password: the
// engine's pending challenge (reply) is enough to rebuild the client-side
// Login for the next answer.
type loginState struct {
	mu      sync.Mutex
	az      *authorization
	domain  string
	csrf    string
	expires time.Time

	username string        // as typed
	reply    *client.Reply // the pending challenge; nil at the username step
	// The authenticator being set up (MFA_SETUP): the session
	// AssociateSoftwareToken returned and its secret, to show again after
	// a wrong code.
	setupSession, setupSecret string
	// view is a page other than the sign-in steps (sign-up, confirmation,
	// forgotten password, the passkey offer).
	view string
	// done holds the tokens of a finished sign-in while the page offers
	// to register a passkey; passkeyOptions are the creation options.
	done           *challenge.AuthenticationResult
	passkeyOptions string
	offered        bool // the offer was made once: never again in this session
}

// startLogin opens a login session for az and sets its cookie.
func (h *Handler) startLogin(w http.ResponseWriter, r *http.Request, s *site, az *authorization) (*loginState, error) {
	id, err := h.randomToken(32)
	if err != nil {
		return nil, err
	}
	csrf, err := h.randomToken(32)
	if err != nil {
		return nil, err
	}
	now := h.now()
	st := &loginState{az: az, domain: s.domain, csrf: csrf, expires: now.Add(LoginSessionAge), username: az.LoginHint}
	h.mu.Lock()
	h.sweep(now)
	if len(h.logins) >= h.max {
		// Full (a flood of authorization requests): the session closest
		// to its end makes room, so that new sign-ins still start.
		oldest := ""
		for k, o := range h.logins {
			if oldest == "" || o.expires.Before(h.logins[oldest].expires) {
				oldest = k
			}
		}
		delete(h.logins, oldest)
	}
	if old, err := r.Cookie(cookieName); err == nil {
		delete(h.logins, hashKey(old.Value))
	}
	h.logins[hashKey(id)] = st
	h.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: id, Path: "/" + s.domain + "/", MaxAge: int(LoginSessionAge / time.Second),
		HttpOnly: true, Secure: h.secure || r.TLS != nil, SameSite: http.SameSiteLaxMode})
	return st, nil
}

// sweepEvery is how often sweep scans the maps.
const sweepEvery = time.Minute

// sweep drops expired login sessions, codes and refresh records, at most
// once per sweepEvery (look-ups check expiry themselves). h.mu is held.
func (h *Handler) sweep(now time.Time) {
	if now.Before(h.nextSweep) {
		return
	}
	h.nextSweep = now.Add(sweepEvery)
	for k, st := range h.logins {
		if !now.Before(st.expires) {
			delete(h.logins, k)
		}
	}
	for k, c := range h.codes {
		if !now.Before(c.expires) {
			delete(h.codes, k)
		}
	}
	for k, rr := range h.refreshS {
		if !now.Before(rr.expires) {
			delete(h.refreshS, k)
		}
	}
}

// session returns the login session of the request's cookie for domain,
// or nil.
func (h *Handler) session(r *http.Request, domain string) *loginState {
	c, err := r.Cookie(cookieName)
	if err != nil || len(c.Value) > 64 {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	st := h.logins[hashKey(c.Value)]
	if st == nil || st.domain != domain || !h.now().Before(st.expires) {
		return nil
	}
	return st
}

// endLogin forgets the request's login session and clears its cookie.
func (h *Handler) endLogin(w http.ResponseWriter, r *http.Request, domain string) {
	if c, err := r.Cookie(cookieName); err == nil {
		h.mu.Lock()
		delete(h.logins, hashKey(c.Value))
		h.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/" + domain + "/", MaxAge: -1,
		HttpOnly: true, Secure: h.secure || r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// loginCtx is one request to the login page: the site, the client, the
// session and what the page shows next.
type loginCtx struct {
	h      *Handler
	w      http.ResponseWriter
	r      *http.Request
	s      *site
	c      *challenge.UserPoolClientType
	st     *loginState
	ctx    context.Context
	notice string // an information line for the page
}

// clientConfig is the client-side Login configuration of the page.
func (lc *loginCtx) clientConfig() client.Config {
	return client.Config{ClientID: lc.c.ClientId, ClientSecret: lc.c.ClientSecret, PoolID: lc.s.pool.Id,
		Rand: lockedReader{lc.h}, Now: lc.h.now, TOTPIssuer: lc.h.issuer}
}

// lockedReader reads the Handler's randomness under its lock.
type lockedReader struct{ h *Handler }

func (l lockedReader) Read(p []byte) (int, error) {
	l.h.randMu.Lock()
	defer l.h.randMu.Unlock()
	return l.h.rand.Read(p)
}

// secretHash is the SECRET_HASH of username for the client ("" without a secret).
func (lc *loginCtx) secretHash(username string) string {
	if lc.c.ClientSecret == "" {
		return ""
	}
	return srp.SecretHash(lc.c.ClientSecret, username, lc.c.ClientId)
}

// login serves the login page: GET shows the current step, POST answers it.
// A GET with the parameters of an authorization request (client_id, ...)
// starts a new sign-in, as Cognito's /login?client_id=... does.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	lc, ok := h.lockedLogin(w, r, "login")
	if !ok {
		return
	}
	defer lc.st.mu.Unlock()
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if lc.st.view == viewPasskeyOffer {
			lc.showOffer("")
			return
		}
		lc.st.view = ""
		lc.show("")
	case http.MethodPost:
		if !lc.checkForm() {
			return
		}
		lc.answer()
	default:
		w.Header().Set("Allow", "GET, POST")
		h.errorPage(w, r, http.StatusMethodNotAllowed, "Method not allowed.")
	}
}

// lockedLogin serves the start of a page of the login session: a request
// with the parameters of an authorization request starts a new sign-in
// (see beginFromQuery), another finds its session (see loginContext) and
// locks it. It reports false when it has answered; otherwise the caller
// answers and unlocks lc.st.mu.
func (h *Handler) lockedLogin(w http.ResponseWriter, r *http.Request, page string) (*loginCtx, bool) {
	if h.beginFromQuery(w, r, page) {
		return nil, false
	}
	lc, ok := h.loginContext(w, r)
	if !ok {
		return nil, false
	}
	lc.st.mu.Lock()
	return lc, true
}

// loginContext finds the site, the session and its client, or answers
// with an error page.
func (h *Handler) loginContext(w http.ResponseWriter, r *http.Request) (*loginCtx, bool) {
	ctx := r.Context()
	s, ok := h.requestSite(w, r)
	if !ok {
		return nil, false
	}
	st := h.session(r, s.domain)
	if st == nil {
		h.errorPage(w, r, http.StatusBadRequest, "Your sign-in session has expired or was not found. Go back to the application and sign in again.")
		return nil, false
	}
	c, err := h.appClient(ctx, s, st.az.ClientID)
	if err != nil {
		h.internalPage(w, r, err)
		return nil, false
	}
	if c == nil {
		h.errorPage(w, r, http.StatusBadRequest, "The application no longer exists.")
		return nil, false
	}
	octx := token.WithOAuth(ctx, token.OAuth{Scopes: st.az.scopes, Nonce: st.az.Nonce})
	return &loginCtx{h: h, w: w, r: r, s: s, c: c, st: st, ctx: octx}, true
}

// checkForm parses a POSTed form and checks its CSRF token.
func (lc *loginCtx) checkForm() bool {
	lc.r.Body = http.MaxBytesReader(lc.w, lc.r.Body, maxFormBytes)
	if err := lc.r.ParseForm(); err != nil {
		lc.h.errorPage(lc.w, lc.r, http.StatusBadRequest, "The form could not be read.")
		return false
	}
	got := lc.r.PostForm.Get("csrf")
	if subtle.ConstantTimeCompare([]byte(got), []byte(lc.st.csrf)) != 1 {
		lc.h.log.Warn("managed login: CSRF token mismatch", "path", lc.r.URL.Path)
		lc.h.errorPage(lc.w, lc.r, http.StatusForbidden, "The form has expired. Go back to the application and sign in again.")
		return false
	}
	return true
}

// field returns a bounded form value.
func (lc *loginCtx) field(name string, max int) string {
	return truncate(strings.TrimSpace(lc.r.PostForm.Get(name)), max)
}

// secret returns a form value that must not be trimmed (a password).
func (lc *loginCtx) secret(name string) string {
	return truncate(lc.r.PostForm.Get(name), 256)
}

// resume rebuilds the client-side Login at the pending challenge.
func (lc *loginCtx) resume() (*client.Login, client.Prompt, error) {
	l := client.NewUserAuthLogin(lc.clientConfig(), lc.st.username, "", "")
	if _, err := l.Start(); err != nil {
		return nil, client.Prompt{}, err
	}
	p, req, err := l.Next(*lc.st.reply)
	if err == nil && req != nil {
		err = errors.New("managedlogin: the pending challenge needs no user")
	}
	return l, p, err
}

// answer handles a POSTed step.
func (lc *loginCtx) answer() {
	step := lc.field("step", 32)
	st := lc.st
	if st.view == viewPasskeyOffer {
		lc.passkeyOffer(step)
		return
	}
	if step == "restart" {
		st.reply, st.setupSession, st.setupSecret = nil, "", ""
		lc.show("")
		return
	}
	if st.reply == nil {
		lc.start(step)
		return
	}
	l, p, err := lc.resume()
	if err != nil {
		lc.restart(err)
		return
	}
	var req *challenge.RespondToAuthChallengeInput
	switch p.Kind {
	case client.PromptTOTPCode, client.PromptSMSCode, client.PromptEmailCode:
		p, req, err = l.Answer(p, client.Input{Value: lc.field("code", 16)})
	case client.PromptNewPassword:
		attrs := map[string]string{}
		for _, name := range p.Required {
			attrs[name] = lc.field("attr."+name, 2048)
		}
		pw := lc.secret("new_password")
		if pw != lc.secret("confirm_password") {
			lc.show("The passwords do not match.")
			return
		}
		p, req, err = l.Answer(p, client.Input{Value: pw, Attributes: attrs})
	case client.PromptSelectMFA, client.PromptSelectChallenge:
		choice := lc.field("choice", 32)
		if !slices.Contains(p.Choices, challenge.Name(choice)) {
			lc.show("Choose one of the options.")
			return
		}
		p, req, err = l.Answer(p, client.Input{Value: choice})
		if err == nil && p.Kind == client.PromptPassword {
			p, req, err = l.Answer(p, client.Input{Value: lc.secret("password")})
		}
	case client.PromptMFASetup:
		lc.verifyTOTP(l, p)
		return
	case client.PromptEmailSetup:
		p, req, err = l.Answer(p, client.Input{Value: lc.field("email", 256)})
	case client.PromptCustomAnswer:
		p, req, err = l.Answer(p, client.Input{Value: lc.field("answer", 2048)})
	case client.PromptPasskey:
		p, req, err = l.Answer(p, client.Input{Value: truncate(lc.r.PostForm.Get("credential"), 8192)})
	default:
		lc.restart(errors.New("managedlogin: unexpected prompt " + p.Kind.String()))
		return
	}
	if err != nil {
		lc.show(inputMessage(err))
		return
	}
	lc.drive(l, p, req)
}

// inputMessage is what the page says of an answer the client-side Login
// refused before sending it.
func inputMessage(err error) string {
	if errors.Is(err, client.ErrInvalidInput) {
		return "Fill in the form."
	}
	return "This step cannot be completed here."
}

// start handles the username step: it starts the engine's sign-in with
// the password (SRP, computed here) or, without one, with the first
// factor the user chose.
func (lc *loginCtx) start(step string) {
	st := lc.st
	username := lc.field("username", 128)
	if username == "" {
		lc.show("Enter your username.")
		return
	}
	st.username = username
	cfg := lc.clientConfig()
	password := lc.secret("password")
	var l *client.Login
	allows := func(f string) bool { return slices.Contains(lc.c.ExplicitAuthFlows, f) }
	switch {
	case step == "passkey" && allows(challenge.ExplicitAllowUserAuth):
		l = client.NewUserAuthLogin(cfg, username, "", challenge.WebAuthn)
	case step == "options" && allows(challenge.ExplicitAllowUserAuth):
		l = client.NewUserAuthLogin(cfg, username, "", "")
	case password == "":
		lc.show("Enter your password.")
		return
	case allows(challenge.ExplicitAllowUserSRPAuth) || !allows(challenge.ExplicitAllowUserAuth) && !allows(challenge.ExplicitAllowUserPasswordAuth):
		l = client.NewSRPLogin(cfg, username, password)
	case allows(challenge.ExplicitAllowUserAuth):
		l = client.NewUserAuthLogin(cfg, username, password, challenge.PasswordSRP)
	default:
		l = client.NewPasswordLogin(cfg, username, password)
	}
	in, err := l.Start()
	if err != nil {
		lc.show(inputMessage(err))
		return
	}
	out, err := lc.h.svc.InitiateAuth(lc.ctx, in)
	if err != nil {
		lc.fail(err)
		return
	}
	rep := client.FromInitiate(out)
	p, req, err := l.Next(rep)
	if err != nil {
		lc.restart(err)
		return
	}
	if p.Kind != client.PromptNone && p.Kind != client.PromptDone {
		st.reply = &rep
	}
	lc.drive(l, p, req)
}

// drive sends requests until the user has something to do, then shows
// it (or finishes the sign-in).
func (lc *loginCtx) drive(l *client.Login, p client.Prompt, req *challenge.RespondToAuthChallengeInput) {
	st := lc.st
	for i := 0; req != nil; i++ {
		if i > 16 {
			lc.restart(errors.New("managedlogin: no end to the sign-in"))
			return
		}
		out, err := lc.h.svc.RespondToAuthChallenge(lc.ctx, req)
		if err != nil {
			lc.fail(err)
			return
		}
		rep := client.FromRespond(out)
		var nerr error
		p, req, nerr = l.Next(rep)
		if nerr != nil {
			lc.restart(nerr)
			return
		}
		if p.Kind != client.PromptNone && p.Kind != client.PromptDone {
			st.reply = &rep
		}
	}
	switch p.Kind {
	case client.PromptDone:
		lc.finish(p.Result)
	case client.PromptMFASetup:
		out, err := lc.h.svc.AssociateSoftwareToken(lc.ctx, &challenge.AssociateSoftwareTokenInput{Session: p.Session})
		if err != nil {
			lc.fail(err)
			return
		}
		st.setupSession, st.setupSecret = out.Session, out.SecretCode
		lc.show("")
	default:
		lc.show("")
	}
}

// verifyTOTP checks the code of the authenticator being set up, then
// answers MFA_SETUP.
func (lc *loginCtx) verifyTOTP(l *client.Login, p client.Prompt) {
	st := lc.st
	if st.setupSession == "" {
		lc.restart(errors.New("managedlogin: MFA_SETUP without an authenticator"))
		return
	}
	out, err := lc.h.svc.VerifySoftwareToken(lc.ctx, &challenge.VerifySoftwareTokenInput{Session: st.setupSession,
		UserCode: lc.field("code", 16), FriendlyDeviceName: lc.field("device_name", 128)})
	if err != nil {
		lc.fail(err)
		return
	}
	st.setupSession, st.setupSecret = "", ""
	p, req, err := l.Answer(p, client.Input{Value: out.Session})
	if err != nil {
		lc.restart(err)
		return
	}
	lc.drive(l, p, req)
}

// fail shows an engine error: a wrong answer keeps the step (the engine
// bounds the retries); anything else starts the sign-in over.
func (lc *loginCtx) fail(err error) {
	msg := "Something went wrong. Try again."
	var ce *challenge.Error
	if errors.As(err, &ce) && ce.Code != challenge.ErrInternalError {
		msg = ce.Message
	} else {
		lc.h.log.Error("managed login: sign-in failed", "err", err)
	}
	switch challenge.CodeOf(err) {
	case challenge.ErrCodeMismatch, challenge.ErrInvalidPassword, challenge.ErrInvalidParameter, challenge.ErrEnableSoftwareTokenMFA:
		if lc.st.reply != nil {
			lc.show(msg)
			return
		}
	}
	lc.st.reply, lc.st.setupSession, lc.st.setupSecret = nil, "", ""
	lc.show(msg)
}

// restart starts the sign-in over after an unexpected answer.
func (lc *loginCtx) restart(err error) {
	lc.h.log.Warn("managed login: sign-in restarted", "err", err)
	lc.st.reply, lc.st.setupSession, lc.st.setupSecret = nil, "", ""
	lc.show("The sign-in could not continue. Start again.")
}

// finish ends a successful sign-in: a code (or, for the implicit flow,
// the tokens) goes to the client's redirect URI. When the pool offers
// passkeys and the user has none, the page first offers to register one.
func (lc *loginCtx) finish(res *challenge.AuthenticationResult) {
	az := lc.st.az
	h := lc.h
	if res == nil || res.AccessToken == "" {
		lc.h.endLogin(lc.w, lc.r, lc.s.domain)
		h.internalPage(lc.w, lc.r, errors.New("managedlogin: sign-in ended without tokens"))
		return
	}
	if lc.offerPasskey(res) {
		return
	}
	lc.h.endLogin(lc.w, lc.r, lc.s.domain)
	v := url.Values{}
	if az.ResponseType == "token" {
		v.Set("access_token", res.AccessToken)
		if slices.Contains(az.scopes, "openid") {
			v.Set("id_token", res.IdToken)
		}
		v.Set("token_type", "Bearer")
		v.Set("expires_in", strconv.Itoa(int(res.ExpiresIn)))
		if az.State != "" {
			v.Set("state", az.State)
		}
		http.Redirect(lc.w, lc.r, withParams(az.RedirectURI, true, v), http.StatusFound)
		return
	}
	code, err := h.newCode(az, lc.c, res)
	if err != nil {
		h.internalPage(lc.w, lc.r, err)
		return
	}
	v.Set("code", code)
	if az.State != "" {
		v.Set("state", az.State)
	}
	http.Redirect(lc.w, lc.r, withParams(az.RedirectURI, false, v), http.StatusSeeOther)
}

// beginFromQuery starts a sign-in from a page's URL that carries an
// authorization request (a GET with client_id), and reports whether it did.
func (h *Handler) beginFromQuery(w http.ResponseWriter, r *http.Request, page string) bool {
	if r.Method != http.MethodGet || !r.URL.Query().Has("client_id") {
		return false
	}
	h.begin(w, r, page)
	return true
}
