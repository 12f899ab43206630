package managedlogin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/authflow/authflow/challenge"
)

// Bounds of the authorization request's parameters.
const (
	maxState     = 2048
	maxNonce     = 512
	maxScope     = 4096
	maxLoginHint = 256
	maxRedirect  = 1024
)

// AuthorizeRequest is a parsed /oauth2/authorize request.
type AuthorizeRequest struct {
	ResponseType        string // "code" or "token"
	ClientID            string
	RedirectURI         string
	State               string
	Scopes              []string // as requested; nil when scope was absent
	Nonce               string
	CodeChallenge       string
	CodeChallengeMethod string // "S256" or "plain" when CodeChallenge is set
	Prompt              string // "", "login", "none", "consent", "select_account"
	LoginHint           string
	IdentityProvider    string
}

// AuthorizeError is a refusal of an authorization request. Once the client
// and its redirect URI are known good, it goes back to the client
// (Redirect); otherwise the user sees an error page.
type AuthorizeError struct {
	Code        string // RFC 6749 §4.1.2.1 error code
	Description string
	Redirect    bool
}

func (e *AuthorizeError) Error() string { return e.Code + ": " + e.Description }

func authzErr(code, desc string) *AuthorizeError {
	return &AuthorizeError{Code: code, Description: desc, Redirect: true}
}

// ParseAuthorize reads the parameters of an authorization request. It
// checks their syntax only: a parameter given twice, one too long, an
// unknown response_type or PKCE method, or a malformed code_challenge is
// an invalid_request (unsupported_response_type for response_type). The
// errors whose client_id or redirect_uri is at fault have Redirect false.
func ParseAuthorize(q url.Values) (*AuthorizeRequest, error) {
	one := func(name string, max int) (string, error) {
		v := q[name]
		if len(v) > 1 {
			return "", authzErr("invalid_request", "Parameter "+name+" is repeated.")
		}
		if len(v) == 0 {
			return "", nil
		}
		if len(v[0]) > max {
			return "", authzErr("invalid_request", "Parameter "+name+" is too long.")
		}
		return v[0], nil
	}
	var a AuthorizeRequest
	var err error
	if a.ClientID, err = one("client_id", 128); err != nil || a.ClientID == "" {
		return nil, &AuthorizeError{Code: "invalid_request", Description: "client_id is missing or invalid."}
	}
	if a.RedirectURI, err = one("redirect_uri", maxRedirect); err != nil {
		return nil, &AuthorizeError{Code: "invalid_request", Description: "redirect_uri is invalid."}
	}
	fields := []struct {
		dst  *string
		name string
		max  int
	}{
		{&a.ResponseType, "response_type", 64}, {&a.State, "state", maxState}, {&a.Nonce, "nonce", maxNonce},
		{&a.CodeChallenge, "code_challenge", 128}, {&a.CodeChallengeMethod, "code_challenge_method", 16},
		{&a.Prompt, "prompt", 64}, {&a.LoginHint, "login_hint", maxLoginHint}, {&a.IdentityProvider, "identity_provider", 128},
	}
	for _, f := range fields {
		if *f.dst, err = one(f.name, f.max); err != nil {
			return nil, err
		}
	}
	scope, err := one("scope", maxScope)
	if err != nil {
		return nil, err
	}
	if _, ok := q["scope"]; ok {
		a.Scopes = strings.Fields(scope)
		if len(a.Scopes) == 0 {
			return nil, authzErr("invalid_scope", "The scope parameter is empty.")
		}
	}
	switch a.ResponseType {
	case "code", "token":
	case "":
		return nil, authzErr("invalid_request", "response_type is missing.")
	default:
		return nil, authzErr("unsupported_response_type", "response_type must be code or token.")
	}
	if a.CodeChallenge != "" {
		if !validVerifier(a.CodeChallenge) {
			return nil, authzErr("invalid_request", "code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~].")
		}
		switch a.CodeChallengeMethod {
		case "":
			a.CodeChallengeMethod = "plain"
		case "S256", "plain":
		default:
			return nil, authzErr("invalid_request", "code_challenge_method must be S256 or plain.")
		}
	} else if a.CodeChallengeMethod != "" {
		return nil, authzErr("invalid_request", "code_challenge_method without code_challenge.")
	}
	for _, p := range strings.Fields(a.Prompt) {
		switch p {
		case "none", "login", "consent", "select_account":
		default:
			return nil, authzErr("invalid_request", "Unsupported prompt value.")
		}
	}
	if a.IdentityProvider != "" && a.IdentityProvider != challenge.IdentityProviderCognito {
		return nil, authzErr("invalid_request", "identity_provider must be COGNITO.")
	}
	return &a, nil
}

// validVerifier reports an RFC 7636 code verifier (or plain challenge):
// 43 to 128 unreserved characters.
func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// authorization is an authorization request checked against its client.
type authorization struct {
	AuthorizeRequest
	poolID string
	scopes []string // granted
}

// check validates a parsed request against the client (nil: unknown) and
// the pool's resource servers; it resolves the redirect URI and the
// scopes granted.
func (h *Handler) check(ctx context.Context, s *site, a *AuthorizeRequest, c *challenge.UserPoolClientType) (*authorization, error) {
	if c == nil {
		return nil, &AuthorizeError{Code: "invalid_request", Description: "The client does not exist."}
	}
	o := c.OAuthClientSettings
	if a.RedirectURI == "" {
		a.RedirectURI = o.DefaultRedirectURI
		if a.RedirectURI == "" && len(o.CallbackURLs) == 1 {
			a.RedirectURI = o.CallbackURLs[0]
		}
	}
	if a.RedirectURI == "" || !slices.Contains(o.CallbackURLs, a.RedirectURI) {
		return nil, &AuthorizeError{Code: "redirect_mismatch", Description: "The redirect_uri is not one of the client's callback URLs."}
	}
	if !o.AllowedOAuthFlowsUserPoolClient || !slices.Contains(o.SupportedIdentityProviders, challenge.IdentityProviderCognito) {
		return nil, authzErr("unauthorized_client", "The client is not allowed to sign users in with OAuth flows.")
	}
	flow := challenge.OAuthFlowCode
	if a.ResponseType == "token" {
		flow = challenge.OAuthFlowImplicit
	}
	if !slices.Contains(o.AllowedOAuthFlows, flow) {
		return nil, authzErr("unauthorized_client", "The client is not allowed the "+flow+" flow.")
	}
	if a.ResponseType == "token" && a.CodeChallenge != "" {
		return nil, authzErr("invalid_request", "PKCE applies to the code flow only.")
	}
	requested := a.Scopes
	if requested == nil {
		requested = o.AllowedOAuthScopes
	}
	custom, err := h.customScopes(ctx, s.pool.Id)
	if err != nil {
		return nil, err
	}
	var granted []string
	for _, sc := range requested {
		if !slices.Contains(o.AllowedOAuthScopes, sc) || (!standardScope(sc) && !slices.Contains(custom, sc)) {
			return nil, authzErr("invalid_scope", "The scope "+truncate(sc, 64)+" is not allowed for this client.")
		}
		if !slices.Contains(granted, sc) {
			granted = append(granted, sc)
		}
	}
	if len(granted) == 0 {
		return nil, authzErr("invalid_scope", "No scope is allowed for this client.")
	}
	return &authorization{AuthorizeRequest: *a, poolID: s.pool.Id, scopes: granted}, nil
}

func standardScope(s string) bool {
	switch s {
	case "openid", "email", "phone", "profile", "aws.cognito.signin.user.admin":
		return true
	}
	return false
}

// customScopes lists the "<identifier>/<scope>" scopes of a pool.
func (h *Handler) customScopes(ctx context.Context, poolID string) ([]string, error) {
	var out []string
	next := ""
	for range 10 {
		l, err := h.svc.ListResourceServers(ctx, &challenge.ListResourceServersInput{UserPoolId: poolID, MaxResults: 50, NextToken: next})
		if err != nil {
			return nil, err
		}
		for _, rs := range l.ResourceServers {
			for _, sc := range rs.Scopes {
				out = append(out, rs.Identifier+"/"+sc.ScopeName)
			}
		}
		if next = l.NextToken; next == "" {
			break
		}
	}
	return out, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// redirectError sends an error back to the client's redirect URI
// (RFC 6749 §4.1.2.1), in the query for the code flow and in the fragment
// for the implicit flow.
func redirectError(w http.ResponseWriter, r *http.Request, a *AuthorizeRequest, e *AuthorizeError) {
	v := url.Values{"error": {e.Code}}
	if e.Description != "" {
		v.Set("error_description", e.Description)
	}
	if a.State != "" {
		v.Set("state", a.State)
	}
	http.Redirect(w, r, withParams(a.RedirectURI, a.ResponseType == "token", v), http.StatusFound)
}

// withParams adds v to u's query, or (fragment) as its fragment.
func withParams(u string, fragment bool, v url.Values) string {
	if fragment {
		return u + "#" + v.Encode()
	}
	if strings.Contains(u, "?") {
		return u + "&" + v.Encode()
	}
	return u + "?" + v.Encode()
}

// authorize serves GET /oauth2/authorize: it checks the request, opens a
// login session and sends the browser to the login page.
func (h *Handler) authorize(w http.ResponseWriter, r *http.Request) {
	h.begin(w, r, "login")
}

// begin checks an authorization request, opens a login session and sends
// the browser to page (login, signup or forgotPassword).
func (h *Handler) begin(w http.ResponseWriter, r *http.Request, page string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET")
		h.errorPage(w, r, http.StatusMethodNotAllowed, "The authorization endpoint takes GET requests.")
		return
	}
	ctx := r.Context()
	s, ok := h.requestSite(w, r)
	if !ok {
		return
	}
	a, err := ParseAuthorize(r.URL.Query())
	var ae *AuthorizeError
	if err != nil {
		errors.As(err, &ae)
		// The redirect URI is not trusted yet: check the client first so
		// that a good redirect URI still hears of the error.
		q := r.URL.Query()
		c, cerr := h.appClient(ctx, s, q.Get("client_id"))
		if cerr == nil && c != nil && ae.Redirect && len(q["redirect_uri"]) == 1 && slices.Contains(c.CallbackURLs, q.Get("redirect_uri")) {
			redirectError(w, r, &AuthorizeRequest{RedirectURI: q.Get("redirect_uri"), State: firstOrEmpty(q["state"], maxState),
				ResponseType: q.Get("response_type")}, ae)
			return
		}
		h.errorPage(w, r, http.StatusBadRequest, ae.Description)
		return
	}
	c, err := h.appClient(ctx, s, a.ClientID)
	if err != nil {
		h.internalPage(w, r, err)
		return
	}
	az, err := h.check(ctx, s, a, c)
	if err != nil {
		if errors.As(err, &ae) {
			if ae.Redirect {
				redirectError(w, r, a, ae)
			} else {
				h.errorPage(w, r, http.StatusBadRequest, ae.Description)
			}
			return
		}
		h.internalPage(w, r, err)
		return
	}
	if slices.Contains(strings.Fields(a.Prompt), "none") {
		// No single sign-on session is kept: a silent request cannot
		// succeed.
		redirectError(w, r, a, authzErr("login_required", "The user must sign in."))
		return
	}
	if _, err := h.startLogin(w, r, s, az); err != nil {
		h.internalPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/"+s.domain+"/"+page, http.StatusFound)
}

func firstOrEmpty(v []string, max int) string {
	if len(v) != 1 || len(v[0]) > max {
		return ""
	}
	return v[0]
}
