package cognitoserver

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/userpool"
)

// The admin page: GET / shows the pools, app clients, users (status,
// enabled, MFA), the newest codes of the outbox and the newest sign-in
// steps; POST /admin/action confirms, disables, enables, resets the
// password of, or deletes a user. It is served only on a loopback
// listener, or behind -credentials (HTTP basic auth with an access key ID
// and its secret).
//
// Cross-site requests cannot use it: every request must name this server
// in Host (a DNS-rebinding page names its own), a request with an Origin
// of another site or Sec-Fetch-Site other than same-origin/none is
// refused, and an action needs a POST form whose token matches both a
// per-process secret and a SameSite=Strict cookie, with this server's
// Origin. The page runs no script, and its Content-Security-Policy
// forbids scripts, framing and forms to other origins.

//go:embed admin.html
var adminFS embed.FS

var adminTemplate = template.Must(template.New("admin.html").Funcs(template.FuncMap{
	"ago": func(t time.Time) string { return time.Since(t).Round(time.Second).String() + " ago" },
}).ParseFS(adminFS, "admin.html"))

// adminCookie holds the page's anti-forgery token.
const adminCookie = "authflow_admin"

// adminUsersShown bounds the users listed per pool.
const adminUsersShown = 60

type adminConfig struct {
	engine      *userpool.Service
	dir         userpool.Directory
	catalog     userpool.Catalog
	outbox      *Outbox
	outboxOn    bool
	signins     *signInLog
	credentials map[string]string
	publicURL   string
	loopback    bool
	log         *slog.Logger
}

type admin struct {
	adminConfig
	secret []byte // keys the anti-forgery token; new for each process
	token  string
	host   string // the host of publicURL
}

func newAdmin(c adminConfig) (*admin, error) {
	a := &admin{adminConfig: c, secret: make([]byte, 32)}
	if _, err := rand.Read(a.secret); err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, a.secret)
	m.Write([]byte("authflow admin form"))
	a.token = base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	if u, err := url.Parse(c.publicURL); err == nil {
		a.host = u.Host
	}
	return a, nil
}

func (a *admin) routes(mux *http.ServeMux) {
	mux.Handle("GET /{$}", a.guard(http.HandlerFunc(a.page)))
	mux.Handle("POST /admin/action", a.guard(http.HandlerFunc(a.action)))
}

// guard lets through only requests from this server's own pages (or a
// typed URL), with the credentials when there are any.
func (a *admin) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin") // no-referrer would make form posts send "Origin: null"
		h.Set("Cache-Control", "no-store")
		if !a.hostAllowed(r.Host) {
			http.Error(w, "admin page: unknown Host", http.StatusForbidden)
			return
		}
		if a.credentials == nil && proxied(r) {
			http.Error(w, "admin page: refused through a proxy without -credentials", http.StatusForbidden)
			return
		}
		if o := r.Header.Get("Origin"); o != "" && o != a.origin(r) {
			http.Error(w, "admin page: cross-origin requests are refused", http.StatusForbidden)
			return
		}
		if s := r.Header.Get("Sec-Fetch-Site"); s != "" && s != "same-origin" && s != "none" {
			http.Error(w, "admin page: cross-site requests are refused", http.StatusForbidden)
			return
		}
		if a.credentials != nil && !a.authorized(r) {
			h.Set("WWW-Authenticate", `Basic realm="authflow admin", charset="UTF-8"`)
			http.Error(w, "admin page: give an access key ID and its secret (-credentials)", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// origin is this server's origin as the request reaches it.
func (a *admin) origin(r *http.Request) string { return "http://" + r.Host }

// hostAllowed accepts loopback names, and with credentials the host of
// -public-url (a DNS-rebinding page would send its own name).
func (a *admin) hostAllowed(host string) bool {
	if host == "" {
		return false
	}
	if host == a.host && a.credentials != nil {
		// A public name reaches the page only behind credentials: on
		// loopback without them, a reverse proxy would hand it to anyone.
		return true
	}
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.Trim(name, "[]")
	if name == "localhost" {
		return true
	}
	ip := net.ParseIP(name)
	return ip != nil && ip.IsLoopback()
}

// proxied reports whether a request came through a reverse proxy that
// says so.
func proxied(r *http.Request) bool {
	for _, h := range []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-Ip"} {
		if r.Header.Get(h) != "" {
			return true
		}
	}
	return false
}

// authorized checks HTTP basic credentials against -credentials.
func (a *admin) authorized(r *http.Request) bool {
	key, secret, ok := r.BasicAuth()
	if !ok {
		return false
	}
	want, found := a.credentials[key]
	if !found {
		want = "\x00no such key"
	}
	return subtle.ConstantTimeCompare([]byte(secret), []byte(want)) == 1 && found
}

// Page data.
type adminPage struct {
	Token    string
	Notice   string
	Pools    []adminPool
	OutboxOn bool
	Codes    []OutboxMessage
	SignIns  []SignIn
	Now      time.Time
}

type adminPool struct {
	*flow.Pool
	Clients   []*flow.AppClient
	Users     []adminUser
	MoreUsers bool
}

type adminUser struct {
	*flow.User
	Email     string
	MFA       string
	Preferred string
}

func (a *admin) page(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	data := adminPage{Token: a.token, OutboxOn: a.outboxOn, Now: time.Now(), Notice: notices[r.URL.Query().Get("done")]}
	pools, err := a.catalog.Pools(ctx)
	if err != nil {
		a.fail(w, err)
		return
	}
	slices.SortFunc(pools, func(x, y *flow.Pool) int { return strings.Compare(x.ID, y.ID) })
	for _, p := range pools {
		ap := adminPool{Pool: p}
		if ap.Clients, err = a.catalog.Clients(ctx, p.ID); err != nil {
			a.fail(w, err)
			return
		}
		users, err := a.dir.Users(ctx, p.ID, "", adminUsersShown+1)
		if err != nil {
			a.fail(w, err)
			return
		}
		if len(users) > adminUsersShown {
			users, ap.MoreUsers = users[:adminUsersShown], true
		}
		for _, u := range users {
			au := adminUser{User: u, Email: u.Attributes["email"], MFA: "none"}
			if g, err := a.engine.AdminGetUser(ctx, &challenge.AdminUserInput{UserPoolId: p.ID, Username: u.Username}); err == nil {
				if len(g.UserMFASettingList) > 0 {
					au.MFA = strings.Join(g.UserMFASettingList, ", ")
				}
				au.Preferred = g.PreferredMfaSetting
			}
			ap.Users = append(ap.Users, au)
		}
		data.Pools = append(data.Pools, ap)
	}
	if a.outboxOn {
		data.Codes = a.outbox.Messages("", "")
		if len(data.Codes) > 20 {
			data.Codes = data.Codes[:20]
		}
	}
	data.SignIns = a.signins.recent(30)
	http.SetCookie(w, &http.Cookie{Name: adminCookie, Value: a.token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := adminTemplate.Execute(w, data); err != nil {
		a.log.Error("admin page", "cause", err.Error())
	}
}

// notices are the messages an action's redirect may show.
var notices = map[string]string{
	"confirmed": "User confirmed.",
	"disabled":  "User disabled.",
	"enabled":   "User enabled.",
	"reset":     "Password reset: the user must set a new one with the code sent (see the outbox).",
	"deleted":   "User deleted.",
}

// action runs one of the page's forms, then redirects back to the page.
func (a *admin) action(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "admin page: bad form", http.StatusBadRequest)
		return
	}
	if r.Header.Get("Origin") != a.origin(r) {
		http.Error(w, "admin page: an action needs this server's Origin", http.StatusForbidden)
		return
	}
	c, err := r.Cookie(adminCookie)
	if err != nil || !equalToken(c.Value, a.token) || !equalToken(r.PostForm.Get("token"), a.token) {
		http.Error(w, "admin page: the form is stale or forged; reload the page", http.StatusForbidden)
		return
	}
	ctx := r.Context()
	in := &challenge.AdminUserInput{UserPoolId: r.PostForm.Get("pool"), Username: r.PostForm.Get("username")}
	op := r.PostForm.Get("op")
	switch op {
	case "confirm":
		err = a.confirm(ctx, in.UserPoolId, in.Username)
		op = "confirmed"
	case "disable":
		_, err = a.engine.AdminDisableUser(ctx, in)
		op = "disabled"
	case "enable":
		_, err = a.engine.AdminEnableUser(ctx, in)
		op = "enabled"
	case "reset":
		_, err = a.engine.AdminResetUserPassword(ctx, &challenge.AdminResetUserPasswordInput{UserPoolId: in.UserPoolId, Username: in.Username})
		op = "reset"
	case "delete":
		_, err = a.engine.AdminDeleteUser(ctx, in)
		op = "deleted"
	default:
		http.Error(w, "admin page: unknown action", http.StatusBadRequest)
		return
	}
	if err != nil {
		a.log.Warn("admin page action refused", "op", op, "pool", sanitizeLog(in.UserPoolId), "username", sanitizeLog(in.Username),
			"exception", string(challenge.CodeOf(err)))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte("admin page: " + string(challenge.CodeOf(err)) + ": " + challenge.MessageOf(err) + "\n"))
		return
	}
	a.log.Info("admin page action", "op", op, "pool", sanitizeLog(in.UserPoolId), "username", sanitizeLog(in.Username))
	http.Redirect(w, r, "/?done="+op, http.StatusSeeOther)
}

// confirm confirms a user's sign-up as AdminConfirmSignUp would.
func (a *admin) confirm(ctx context.Context, pool, username string) error {
	u, err := a.dir.User(ctx, pool, username)
	if err != nil {
		return challenge.Wrap(challenge.ErrInternalError, "An internal error occurred.", err)
	}
	if u == nil {
		return challenge.New(challenge.ErrUserNotFound, "User does not exist.")
	}
	if u.Status != flow.StatusUnconfirmed {
		return challenge.New(challenge.ErrNotAuthorized, "User cannot be confirmed. Current status is "+string(u.Status))
	}
	old := u.Version
	u.Status = flow.StatusConfirmed
	delete(u.Codes, "signup")
	if err := a.dir.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: old}); err != nil {
		if errors.Is(err, flow.ErrConflict) {
			return challenge.New(challenge.ErrNotAuthorized, "The user changed meanwhile; reload the page.")
		}
		return challenge.Wrap(challenge.ErrInternalError, "An internal error occurred.", err)
	}
	return nil
}

func equalToken(got, want string) bool {
	return len(got) == len(want) && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (a *admin) fail(w http.ResponseWriter, err error) {
	a.log.Error("admin page", "cause", err.Error())
	http.Error(w, "admin page: internal error", http.StatusInternalServerError)
}
