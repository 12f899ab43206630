package managedlogin

import (
	"net/http"
	"slices"
	"strings"

	"github.com/authflow/authflow/challenge"
)

// userInfoClaims maps the standard scopes to the attributes /oauth2/userInfo
// returns for them (openid gives sub; aws.cognito.signin.user.admin every
// attribute).
var userInfoClaims = map[string][]string{
	"email": {"email", "email_verified"},
	"phone": {"phone_number", "phone_number_verified"},
	"profile": {"name", "family_name", "given_name", "middle_name", "nickname", "preferred_username", "profile",
		"picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at", "address"},
}

// userInfo serves GET and POST /oauth2/userInfo: the user's attributes
// that the access token's scopes cover. The token must come from this
// domain's pool and carry openid.
func (h *Handler) userInfo(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		h.fail(w, r, http.StatusMethodNotAllowed, "invalid_request", "Use GET or POST.")
		return
	}
	bearerFail := func(status int, code, desc string) {
		w.Header().Set("WWW-Authenticate", `Bearer error="`+code+`", error_description="`+desc+`"`)
		h.fail(w, r, status, code, desc)
	}
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		bearerFail(http.StatusUnauthorized, "invalid_request", "An access token is required.")
		return
	}
	ctx := r.Context()
	s, ok := h.requestSite(w, r)
	if !ok {
		return
	}
	claims, err := h.tokens.VerifyAccess(ctx, strings.TrimSpace(tok))
	if err != nil {
		if challenge.CodeOf(err) == challenge.ErrNotAuthorized {
			bearerFail(http.StatusUnauthorized, "invalid_token", "Access token is invalid, expired or revoked.")
		} else {
			h.internal(w, r, err)
		}
		return
	}
	if claims.PoolID != s.pool.Id {
		bearerFail(http.StatusUnauthorized, "invalid_token", "The access token is of another user pool.")
		return
	}
	if !slices.Contains(claims.Scopes, "openid") {
		bearerFail(http.StatusForbidden, "insufficient_scope", "The access token lacks the openid scope.")
		return
	}
	u, err := h.svc.AdminGetUser(ctx, &challenge.AdminUserInput{UserPoolId: s.pool.Id, Username: claims.Username})
	if err != nil {
		if challenge.CodeOf(err) == challenge.ErrUserNotFound {
			bearerFail(http.StatusUnauthorized, "invalid_token", "The user no longer exists.")
		} else {
			h.internal(w, r, err)
		}
		return
	}
	all := slices.Contains(claims.Scopes, "aws.cognito.signin.user.admin")
	var allowed []string
	for _, sc := range claims.Scopes {
		allowed = append(allowed, userInfoClaims[sc]...)
	}
	out := map[string]any{"sub": claims.Sub, "username": u.Username}
	for _, a := range u.UserAttributes {
		if a.Name == "sub" || !all && !slices.Contains(allowed, a.Name) {
			continue
		}
		out[a.Name] = a.Value
	}
	writeJSON(w, http.StatusOK, out)
}

// revoke serves POST /oauth2/revoke (RFC 7009): the client revokes one of
// its refresh tokens, and with it the tokens issued from it.
func (h *Handler) revoke(w http.ResponseWriter, r *http.Request) {
	if !h.readPostForm(w, r, "revocation") {
		return
	}
	ctx := r.Context()
	s, ok := h.requestSite(w, r)
	if !ok {
		return
	}
	form := r.PostForm
	tok := form.Get("token")
	form.Set("grant_type", "revoke") // ParseTokenRequest wants one; the value is not used
	t, err := ParseTokenRequest(form, r.Header.Get("Authorization"))
	var c *challenge.UserPoolClientType
	if err == nil {
		c, err = h.authenticate(r, s, t)
	}
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	if tok == "" {
		h.fail(w, r, http.StatusBadRequest, "invalid_request", "token is missing.")
		return
	}
	_, err = h.svc.RevokeToken(ctx, &challenge.RevokeTokenInput{ClientId: c.ClientId, ClientSecret: c.ClientSecret, Token: tok})
	switch challenge.CodeOf(err) {
	case "", challenge.ErrNotAuthorized, challenge.ErrUnauthorized:
		// RFC 7009 §2.2: an invalid token is not an error.
		h.mu.Lock()
		delete(h.refreshS, hashKey(tok))
		h.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	case challenge.ErrUnsupportedOperation:
		h.fail(w, r, http.StatusBadRequest, "unsupported_token_type", "Token revocation is disabled for this client.")
	case challenge.ErrUnsupportedTokenType:
		h.fail(w, r, http.StatusBadRequest, "unsupported_token_type", "Only refresh tokens can be revoked.")
	default:
		h.internal(w, r, err)
	}
}

// logout serves GET /logout: it ends the login session and sends the
// browser to one of the client's logout URLs.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s, ok := h.requestSite(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	c, err := h.appClient(ctx, s, q.Get("client_id"))
	if err != nil {
		h.internalPage(w, r, err)
		return
	}
	if c == nil {
		h.errorPage(w, r, http.StatusBadRequest, "The client does not exist.")
		return
	}
	target := q.Get("logout_uri")
	if target == "" || len(q["logout_uri"]) != 1 || !slices.Contains(c.LogoutURLs, target) {
		h.errorPage(w, r, http.StatusBadRequest, "The logout_uri is not one of the client's sign-out URLs.")
		return
	}
	h.endLogin(w, r, s.domain)
	http.Redirect(w, r, target, http.StatusFound)
}
