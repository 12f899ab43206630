package managedlogin

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
)

// codeGrant is an authorization code waiting for its exchange: the tokens
// the sign-in produced and what the exchange must match.
type codeGrant struct {
	clientID, redirectURI string
	challenge, method     string
	scopes                []string
	result                *challenge.AuthenticationResult
	expires               time.Time
	used                  bool
}

// refreshRecord is what the refresh_token grant keeps of a refresh token
// issued by /oauth2/token: its client and scopes.
type refreshRecord struct {
	clientID string
	scopes   []string
	expires  time.Time
}

// maxRefreshMemory bounds how long a refresh record is kept.
const maxRefreshMemory = 30 * 24 * time.Hour

// newCode stores the result of a sign-in under a new code.
func (h *Handler) newCode(az *authorization, c *challenge.UserPoolClientType, res *challenge.AuthenticationResult) (string, error) {
	code, err := h.randomToken(32)
	if err != nil {
		return "", err
	}
	now := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sweep(now)
	if len(h.codes) >= h.max {
		return "", errors.New("managedlogin: too many pending codes")
	}
	h.codes[hashKey(code)] = &codeGrant{clientID: c.ClientId, redirectURI: az.RedirectURI, challenge: az.CodeChallenge,
		method: az.CodeChallengeMethod, scopes: az.scopes, result: res, expires: now.Add(MaxCodeAge)}
	return code, nil
}

// TokenRequest is a parsed /oauth2/token request.
type TokenRequest struct {
	GrantType    string
	ClientID     string
	ClientSecret string
	// BasicAuth reports that the client authenticated with HTTP Basic.
	BasicAuth    bool
	Code         string
	RedirectURI  string
	CodeVerifier string
	RefreshToken string
	Scopes       []string // nil when scope was absent
}

// TokenError is a refusal of a token request (RFC 6749 §5.2).
type TokenError struct {
	Status      int
	Code        string
	Description string
}

func (e *TokenError) Error() string { return e.Code + ": " + e.Description }

func tokenErr(code, desc string) *TokenError {
	status := http.StatusBadRequest
	if code == "invalid_client" {
		status = http.StatusUnauthorized
	}
	return &TokenError{Status: status, Code: code, Description: desc}
}

// ParseTokenRequest reads a token request: its form body (already
// parsed into form) and its Authorization header. Parameters may not
// repeat; the client authenticates with Basic or with client_id (and
// client_secret) in the body, not both.
func ParseTokenRequest(form url.Values, authorization string) (*TokenRequest, error) {
	for k, v := range form {
		if len(v) > 1 {
			return nil, tokenErr("invalid_request", "Parameter "+truncate(k, 64)+" is repeated.")
		}
	}
	t := &TokenRequest{GrantType: form.Get("grant_type"), Code: form.Get("code"), RedirectURI: form.Get("redirect_uri"),
		CodeVerifier: form.Get("code_verifier"), RefreshToken: form.Get("refresh_token")}
	if _, ok := form["scope"]; ok {
		t.Scopes = strings.Fields(form.Get("scope"))
	}
	if authorization != "" {
		scheme, cred, _ := strings.Cut(authorization, " ")
		if !strings.EqualFold(scheme, "Basic") {
			return nil, tokenErr("invalid_client", "Only Basic client authentication is supported in the header.")
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
		if err != nil {
			return nil, tokenErr("invalid_client", "Malformed Basic credentials.")
		}
		id, secret, ok := strings.Cut(string(raw), ":")
		if !ok {
			return nil, tokenErr("invalid_client", "Malformed Basic credentials.")
		}
		// RFC 6749 §2.3.1: both are form-urlencoded first.
		if t.ClientID, err = url.QueryUnescape(id); err != nil {
			return nil, tokenErr("invalid_client", "Malformed Basic credentials.")
		}
		if t.ClientSecret, err = url.QueryUnescape(secret); err != nil {
			return nil, tokenErr("invalid_client", "Malformed Basic credentials.")
		}
		t.BasicAuth = true
		if form.Get("client_secret") != "" || (form.Get("client_id") != "" && form.Get("client_id") != t.ClientID) {
			return nil, tokenErr("invalid_request", "The client authenticated twice.")
		}
	} else {
		t.ClientID, t.ClientSecret = form.Get("client_id"), form.Get("client_secret")
	}
	switch {
	case t.GrantType == "":
		return nil, tokenErr("invalid_request", "grant_type is missing.")
	case t.ClientID == "":
		return nil, tokenErr("invalid_client", "The client is not authenticated.")
	case len(t.ClientID) > 128 || len(t.ClientSecret) > 256:
		return nil, tokenErr("invalid_client", "The client is not authenticated.")
	}
	return t, nil
}

// readPostForm parses the form POSTed to the OAuth endpoint called name
// (for the messages) into r.PostForm, at most maxFormBytes. It answers
// with an OAuth error, and reports false, when r is not a POST of
// application/x-www-form-urlencoded or its body cannot be read.
func (h *Handler) readPostForm(w http.ResponseWriter, r *http.Request, name string) bool {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		h.fail(w, r, http.StatusMethodNotAllowed, "invalid_request", "The "+name+" endpoint takes POST requests.")
		return false
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		h.fail(w, r, http.StatusBadRequest, "invalid_request", "The body must be application/x-www-form-urlencoded.")
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, http.StatusBadRequest, "invalid_request", "The body could not be read.")
		return false
	}
	return true
}

// token serves POST /oauth2/token.
func (h *Handler) token(w http.ResponseWriter, r *http.Request) {
	if !h.readPostForm(w, r, "token") {
		return
	}
	ctx := r.Context()
	s, err := h.site(ctx, r.PathValue("domain"))
	if err != nil {
		if errors.Is(err, errNoSite) {
			h.fail(w, r, http.StatusNotFound, "invalid_request", "No user pool has this domain.")
		} else {
			h.internal(w, r, err)
		}
		return
	}
	t, err := ParseTokenRequest(r.PostForm, r.Header.Get("Authorization"))
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	c, err := h.authenticate(r, s, t)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	var body map[string]any
	switch t.GrantType {
	case "authorization_code":
		body, err = h.exchangeCode(r, c, t)
	case "refresh_token":
		body, err = h.refresh(r, c, t)
	case "client_credentials":
		body, err = h.clientCredentials(r, s, c, t)
	default:
		err = tokenErr("unsupported_grant_type", "Unsupported grant_type.")
	}
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// authenticate finds the client of a token request in the site's pool
// and checks its secret (in constant time).
func (h *Handler) authenticate(r *http.Request, s *site, t *TokenRequest) (*challenge.UserPoolClientType, error) {
	c, err := h.appClient(r.Context(), s, t.ClientID)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, tokenErr("invalid_client", "Client authentication failed.")
	}
	if c.ClientSecret == "" {
		if t.ClientSecret != "" {
			return nil, tokenErr("invalid_client", "Client authentication failed.")
		}
		return c, nil
	}
	if subtle.ConstantTimeCompare([]byte(t.ClientSecret), []byte(c.ClientSecret)) != 1 {
		return nil, tokenErr("invalid_client", "Client authentication failed.")
	}
	return c, nil
}

// oauthClient reports whether c may use the OAuth flow.
func oauthClient(c *challenge.UserPoolClientType, flow string) bool {
	return c.AllowedOAuthFlowsUserPoolClient && slices.Contains(c.AllowedOAuthFlows, flow)
}

// pkceMatches checks a code verifier against the challenge of the code.
func pkceMatches(method, chal, verifier string) bool {
	if !validVerifier(verifier) {
		return false
	}
	want := verifier
	if method == "S256" {
		sum := sha256.Sum256([]byte(verifier))
		want = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(chal)) == 1
}

// exchangeCode serves the authorization_code grant: the code is spent on
// first use, right or wrong; using it again revokes what it gave.
func (h *Handler) exchangeCode(r *http.Request, c *challenge.UserPoolClientType, t *TokenRequest) (map[string]any, error) {
	if !oauthClient(c, challenge.OAuthFlowCode) {
		return nil, tokenErr("unauthorized_client", "The client is not allowed the authorization code flow.")
	}
	if t.Code == "" || len(t.Code) > 128 {
		return nil, tokenErr("invalid_request", "code is missing.")
	}
	now := h.now()
	h.mu.Lock()
	g := h.codes[hashKey(t.Code)]
	var replay bool
	if g != nil {
		replay = g.used
		g.used = true
	}
	h.mu.Unlock()
	if g == nil || !now.Before(g.expires) || g.clientID != c.ClientId {
		return nil, tokenErr("invalid_grant", "The code is invalid or expired.")
	}
	if replay {
		// RFC 6749 §4.1.2: a code used twice revokes the tokens it gave.
		if g.result.RefreshToken != "" {
			_, err := h.svc.RevokeToken(r.Context(), &challenge.RevokeTokenInput{ClientId: c.ClientId, ClientSecret: c.ClientSecret, Token: g.result.RefreshToken})
			if err != nil {
				h.log.Warn("managed login: revoking the tokens of a reused code", "err", err)
			}
		}
		return nil, tokenErr("invalid_grant", "The code was already used.")
	}
	if t.RedirectURI != g.redirectURI {
		return nil, tokenErr("invalid_grant", "redirect_uri does not match the authorization request.")
	}
	if g.challenge != "" && !pkceMatches(g.method, g.challenge, t.CodeVerifier) {
		return nil, tokenErr("invalid_grant", "The code_verifier does not match the code_challenge.")
	}
	if g.challenge == "" && t.CodeVerifier != "" {
		return nil, tokenErr("invalid_grant", "code_verifier without a code_challenge.")
	}
	return h.tokenBody(c.ClientId, g.result, g.scopes), nil
}

// tokenBody is the token endpoint's answer for the tokens of res granted
// with scopes: the ID token only with openid; a refresh token is
// remembered with its scopes for its refreshes.
func (h *Handler) tokenBody(clientID string, res *challenge.AuthenticationResult, scopes []string) map[string]any {
	body := map[string]any{"access_token": res.AccessToken, "token_type": "Bearer", "expires_in": res.ExpiresIn}
	if slices.Contains(scopes, "openid") {
		body["id_token"] = res.IdToken
	}
	if res.RefreshToken != "" {
		body["refresh_token"] = res.RefreshToken
		h.rememberRefresh(clientID, res.RefreshToken, scopes)
	}
	return body
}

// rememberRefresh keeps the scopes of a refresh token for its refreshes.
func (h *Handler) rememberRefresh(clientID, refresh string, scopes []string) {
	now := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sweep(now)
	if len(h.refreshS) >= h.max {
		return
	}
	h.refreshS[hashKey(refresh)] = refreshRecord{clientID: clientID, scopes: scopes, expires: now.Add(maxRefreshMemory)}
}

// refresh serves the refresh_token grant through the engine
// (GetTokensFromRefreshToken), with the scopes first granted.
func (h *Handler) refresh(r *http.Request, c *challenge.UserPoolClientType, t *TokenRequest) (map[string]any, error) {
	if !oauthClient(c, challenge.OAuthFlowCode) && !oauthClient(c, challenge.OAuthFlowImplicit) {
		return nil, tokenErr("unauthorized_client", "The client is not allowed OAuth flows.")
	}
	if t.RefreshToken == "" || len(t.RefreshToken) > token.MaxTokenBytes {
		return nil, tokenErr("invalid_request", "refresh_token is missing.")
	}
	h.mu.Lock()
	rec, ok := h.refreshS[hashKey(t.RefreshToken)]
	h.mu.Unlock()
	if !ok || rec.clientID != c.ClientId || !h.now().Before(rec.expires) {
		return nil, tokenErr("invalid_grant", "Invalid refresh token.")
	}
	ctx := token.WithOAuth(r.Context(), token.OAuth{Scopes: rec.scopes})
	out, err := h.svc.GetTokensFromRefreshToken(ctx, &challenge.GetTokensFromRefreshTokenInput{ClientId: c.ClientId,
		ClientSecret: c.ClientSecret, RefreshToken: t.RefreshToken})
	if err != nil {
		switch challenge.CodeOf(err) {
		case challenge.ErrNotAuthorized, challenge.ErrUserNotFound:
			return nil, tokenErr("invalid_grant", "Invalid refresh token.")
		case challenge.ErrInvalidParameter:
			return nil, tokenErr("unauthorized_client", "The client may not refresh tokens.")
		}
		return nil, err
	}
	return h.tokenBody(c.ClientId, out.AuthenticationResult, rec.scopes), nil
}

// clientCredentials serves the client_credentials grant: an access token
// for the client itself with resource-server scopes.
func (h *Handler) clientCredentials(r *http.Request, s *site, c *challenge.UserPoolClientType, t *TokenRequest) (map[string]any, error) {
	if !oauthClient(c, challenge.OAuthFlowClientCredentials) || c.ClientSecret == "" {
		return nil, tokenErr("unauthorized_client", "The client is not allowed the client_credentials flow.")
	}
	custom, err := h.customScopes(r.Context(), s.pool.Id)
	if err != nil {
		return nil, err
	}
	requested := t.Scopes
	if requested == nil {
		requested = c.AllowedOAuthScopes
	}
	var granted []string
	for _, sc := range requested {
		if !slices.Contains(c.AllowedOAuthScopes, sc) || !slices.Contains(custom, sc) {
			return nil, tokenErr("invalid_scope", "The scope "+truncate(sc, 64)+" is not allowed for this client.")
		}
		if !slices.Contains(granted, sc) {
			granted = append(granted, sc)
		}
	}
	if len(granted) == 0 {
		return nil, tokenErr("invalid_scope", "No scope is allowed for this client.")
	}
	tok, exp, err := h.tokens.IssueClientCredentials(r.Context(), token.ClientGrant{PoolID: s.pool.Id, ClientID: c.ClientId,
		Scopes: granted, Validity: accessValidity(c)})
	if err != nil {
		return nil, err
	}
	return map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": exp}, nil
}

// accessValidity is the client's access token validity.
func accessValidity(c *challenge.UserPoolClientType) time.Duration {
	n := time.Duration(c.AccessTokenValidity)
	if n <= 0 {
		return 0
	}
	unit := "hours"
	if c.TokenValidityUnits != nil && c.TokenValidityUnits.AccessToken != "" {
		unit = c.TokenValidityUnits.AccessToken
	}
	switch unit {
	case "seconds":
		return n * time.Second
	case "minutes":
		return n * time.Minute
	case "days":
		return n * 24 * time.Hour
	}
	return n * time.Hour
}
