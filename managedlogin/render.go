package managedlogin

import (
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/client"
	"rsc.io/qr"
)

//go:embed page.html
var pageHTML string

var pageTmpl = template.Must(template.New("page").Parse(pageHTML))

// view is what page.html renders.
type view struct {
	Title, Step, Action, CSRF, Nonce string
	Username, Error, Notice, Help    string
	CodeLabel                        string
	Choices                          []choiceView
	Attributes                       []attrView
	Params                           []paramView
	QR                               template.HTML
	Secret                           string
	PasskeyOptions                   string
	Options, Passkeys                bool
	ForgotURL, SignUpURL, LoginURL   string
}

type choiceView struct {
	Value, Label      string
	Password, Passkey bool
}

type attrView struct{ Name, Label, Type, Autocomplete, Value string }

type paramView struct{ Name, Value string }

var choiceLabels = map[challenge.Name]string{
	challenge.Password: "Sign in with your password", challenge.PasswordSRP: "Sign in with your password",
	challenge.EmailOTP: "Email me a code", challenge.SMSOTP: "Text me a code", challenge.WebAuthn: "Use a passkey",
	challenge.SoftwareTokenMFA: "Authenticator app", challenge.SMSMFA: "Text message",
}

// render writes the page with the security headers of an HTML answer.
func (h *Handler) render(w http.ResponseWriter, status int, v view) {
	nonce, err := h.randomToken(16)
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	v.Nonce = nonce
	hdr := w.Header()
	// No form-action: Chromium applies it to the redirect that follows a
	// form's POST, and the last one goes to the client's callback.
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+nonce+"'; style-src 'nonce-"+nonce+
		"'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'")
	w.WriteHeader(status)
	if err := pageTmpl.Execute(w, v); err != nil {
		h.log.Error("managed login: rendering", "err", err)
	}
}

// errorPage shows an error to the user (never to the client's redirect URI).
func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	h.log.Info("managed login error page", "path", r.URL.Path, "status", status, "message", msg)
	h.render(w, status, view{Title: "Sign-in error", Step: "message", Error: msg})
}

func (h *Handler) internalPage(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("managed login failed", "path", r.URL.Path, "err", err)
	h.render(w, http.StatusInternalServerError, view{Title: "Sign-in error", Step: "message", Error: "Something went wrong. Try again later."})
}

// requestSite returns the site of the request's domain, or answers with
// an error page (siteError) and reports false.
func (h *Handler) requestSite(w http.ResponseWriter, r *http.Request) (*site, bool) {
	s, err := h.site(r.Context(), r.PathValue("domain"))
	if err != nil {
		h.siteError(w, r, err)
		return nil, false
	}
	return s, true
}

// siteError answers a failed domain look-up.
func (h *Handler) siteError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errNoSite) || challenge.CodeOf(err) == challenge.ErrResourceNotFound {
		h.errorPage(w, r, http.StatusNotFound, "No user pool has this domain.")
		return
	}
	h.internalPage(w, r, err)
}

// base is the view of every page of a login session.
func (lc *loginCtx) base(title, step, errMsg string) view {
	d := "/" + lc.s.domain
	v := view{Title: title, Step: step, Action: d + "/login", CSRF: lc.st.csrf, Username: lc.st.username, Error: errMsg,
		Notice: lc.notice, ForgotURL: d + "/forgotPassword", LoginURL: d + "/login"}
	if cfg := lc.s.pool.AdminCreateUserConfig; cfg == nil || !cfg.AllowAdminCreateUserOnly {
		v.SignUpURL = d + "/signup"
	}
	return v
}

// render writes a page of the login session: status 400 when it shows an
// error (a refused answer), 200 otherwise.
func (lc *loginCtx) render(v view) {
	status := http.StatusOK
	if v.Error != "" {
		status = http.StatusBadRequest
	}
	lc.h.render(lc.w, status, v)
}

// show renders the current step of the sign-in, with errMsg.
func (lc *loginCtx) show(errMsg string) {
	st := lc.st
	if st.reply == nil {
		v := lc.base("Sign in", "signin", errMsg)
		if slices.Contains(lc.c.ExplicitAuthFlows, challenge.ExplicitAllowUserAuth) {
			factors := lc.poolFactors()
			v.Options = len(factors) > 1
			v.Passkeys = slices.Contains(factors, string(challenge.WebAuthn))
		}
		lc.render(v)
		return
	}
	_, p, err := lc.resume()
	if err != nil {
		lc.restart(err)
		return
	}
	var v view
	switch p.Kind {
	case client.PromptTOTPCode:
		v = lc.base("Authenticator code", "code", errMsg)
		v.CodeLabel, v.Help = "Code from your authenticator app", "Enter the code your authenticator app shows."
	case client.PromptSMSCode:
		v = lc.base("Text message code", "code", errMsg)
		v.CodeLabel, v.Help = "Code from the text message", "We sent a code to "+p.Destination+"."
	case client.PromptEmailCode:
		v = lc.base("Email code", "code", errMsg)
		v.CodeLabel, v.Help = "Code from the email", "We sent a code to "+p.Destination+"."
	case client.PromptNewPassword:
		v = lc.base("New password", "newpassword", errMsg)
		for _, name := range p.Required {
			v.Attributes = append(v.Attributes, attributeField(name, p.Attributes[name]))
		}
	case client.PromptSelectMFA:
		v = lc.base("Verify it's you", "choose", errMsg)
		v.Help = "How do you want to verify your identity?"
		for _, c := range p.Choices {
			v.Choices = append(v.Choices, choiceView{Value: string(c), Label: label(c)})
		}
	case client.PromptSelectChallenge:
		v = lc.base("Sign in", "choose", errMsg)
		v.Help = "How do you want to sign in?"
		for _, c := range p.Choices {
			v.Choices = append(v.Choices, choiceView{Value: string(c), Label: label(c),
				Password: c == challenge.Password || c == challenge.PasswordSRP, Passkey: c == challenge.WebAuthn})
		}
	case client.PromptMFASetup:
		v = lc.base("Set up an authenticator", "totpsetup", errMsg)
		l, _, _ := lc.resume()
		tp := l.TOTPSetup(p, st.setupSecret)
		v.Secret = st.setupSecret
		svg, err := qrSVG(tp.URI)
		if err != nil {
			lc.restart(err)
			return
		}
		v.QR = svg
	case client.PromptEmailSetup:
		v = lc.base("Set up email codes", "emailsetup", errMsg)
	case client.PromptCustomAnswer:
		v = lc.base("Answer the challenge", "custom", errMsg)
		for k, val := range p.Params {
			if k == challenge.KeyUsername || k == challenge.KeyUserIDForSRP {
				continue
			}
			v.Params = append(v.Params, paramView{Name: k, Value: val})
		}
		slices.SortFunc(v.Params, func(a, b paramView) int { return strings.Compare(a.Name, b.Name) })
	case client.PromptPasskey:
		v = lc.base("Use a passkey", "passkey", errMsg)
		v.PasskeyOptions = p.Options
	default:
		lc.restart(fmt.Errorf("managedlogin: no page for %s", p.Kind))
		return
	}
	lc.render(v)
}

func label(c challenge.Name) string {
	if l, ok := choiceLabels[c]; ok {
		return l
	}
	return string(c)
}

// poolFactors returns the pool's AllowedFirstAuthFactors (PASSWORD when none).
func (lc *loginCtx) poolFactors() []string {
	if pol := lc.s.pool.Policies; pol != nil && pol.SignInPolicy != nil && len(pol.SignInPolicy.AllowedFirstAuthFactors) > 0 {
		return pol.SignInPolicy.AllowedFirstAuthFactors
	}
	return []string{"PASSWORD"}
}

// attributeField describes the input of a required attribute.
func attributeField(name, value string) attrView {
	a := attrView{Name: name, Label: name, Type: "text", Autocomplete: "off", Value: value}
	switch name {
	case "email":
		a.Label, a.Type, a.Autocomplete = "Email address", "email", "email"
	case "phone_number":
		a.Label, a.Type, a.Autocomplete = "Phone number", "tel", "tel"
	case "name":
		a.Label, a.Autocomplete = "Name", "name"
	case "given_name":
		a.Label, a.Autocomplete = "Given name", "given-name"
	case "family_name":
		a.Label, a.Autocomplete = "Family name", "family-name"
	}
	return a
}

// qrSVG draws the QR code of s as an inline SVG.
func qrSVG(s string) (template.HTML, error) {
	code, err := qr.Encode(s, qr.M)
	if err != nil {
		return "", err
	}
	n := code.Size
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-4 -4 %d %d" shape-rendering="crispEdges"><rect x="-4" y="-4" width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n+8, n+8, n+8, n+8)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if code.Black(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String()), nil // only digits and fixed markup
}
