package cognitohttp

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/authflow/authflow/challenge"
)

// DefaultIssuerURL returns Cognito's issuer for a pool:
// https://cognito-idp.<region>.amazonaws.com/<poolId>, the region being the
// part of the pool ID before "_".
func DefaultIssuerURL(poolID string) string {
	region, _, _ := strings.Cut(poolID, "_")
	return "https://cognito-idp." + region + ".amazonaws.com/" + poolID
}

// OpenIDConfiguration is the document served at
// /<poolId>/.well-known/openid-configuration: what a resource server needs
// to find the keys that verify a pool's tokens. Issuer is the iss of the
// pool's tokens and JWKSURI serves the keys that sign them. The OAuth 2.0
// members (endpoints, response types, scopes, PKCE methods) are present
// only when the server serves managed login (Options.ManagedLogin) and the
// pool has a domain: the document advertises only what is served.
type OpenIDConfiguration struct {
	Issuer                            string   `json:"issuer"`
	JWKSURI                           string   `json:"jwks_uri"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint,omitempty"`
	TokenEndpoint                     string   `json:"token_endpoint,omitempty"`
	UserInfoEndpoint                  string   `json:"userinfo_endpoint,omitempty"`
	RevocationEndpoint                string   `json:"revocation_endpoint,omitempty"`
	ResponseTypesSupported            []string `json:"response_types_supported,omitempty"`
	ScopesSupported                   []string `json:"scopes_supported,omitempty"`
	GrantTypesSupported               []string `json:"grant_types_supported,omitempty"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported,omitempty"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported,omitempty"`
}

// validPoolID reports whether id has Cognito's "<region>_<name>" shape
// (^[\w-]+_[0-9a-zA-Z]+$, at most 55 characters).
func validPoolID(id string) bool {
	region, name, ok := strings.Cut(id, "_")
	if !ok || region == "" || name == "" || len(id) > 55 {
		return false
	}
	for _, c := range []byte(region) {
		if !(isAlnum(c) || c == '_' || c == '-') {
			return false
		}
	}
	for _, c := range []byte(name) {
		if !isAlnum(c) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// get serves the two well-known documents of a pool.
func (h *handler) get(x *exchange) {
	parts := strings.Split(x.r.URL.Path, "/")
	if len(parts) != 4 || parts[0] != "" || parts[2] != ".well-known" {
		x.op = "GET"
		if x.r.URL.Path == "/" {
			x.w.Header().Set("Allow", corsAllowMethods)
			x.failStatus(http.StatusMethodNotAllowed, challenge.New(challenge.ErrUnknownOperation, "Operations are sent with POST."))
			return
		}
		x.failStatus(http.StatusNotFound, challenge.New(challenge.ErrResourceNotFound, "Not found."))
		return
	}
	poolID, doc := parts[1], parts[3]
	switch doc {
	case "jwks.json":
		x.op = "GET jwks.json"
	case "openid-configuration":
		x.op = "GET openid-configuration"
	default:
		x.op = "GET"
		x.failStatus(http.StatusNotFound, challenge.New(challenge.ErrResourceNotFound, "Not found."))
		return
	}
	ctx := x.r.Context()
	if !validPoolID(poolID) {
		x.failStatus(http.StatusNotFound, challenge.New(challenge.ErrResourceNotFound, "User pool "+sanitize(poolID)+" does not exist."))
		return
	}
	pool, err := h.s.DescribeUserPool(ctx, &challenge.UserPoolIdInput{UserPoolId: poolID})
	if err != nil {
		if challenge.CodeOf(err) == challenge.ErrResourceNotFound {
			x.failStatus(http.StatusNotFound, err)
		} else {
			x.fail(err)
		}
		return
	}
	issuer := DefaultIssuerURL(poolID)
	if h.opts.IssuerURL != nil {
		issuer = h.opts.IssuerURL(poolID)
	}
	x.w.Header().Set("Content-Type", "application/json")
	switch doc {
	case "jwks.json":
		if h.opts.JWKS == nil {
			x.failStatus(http.StatusNotFound, challenge.New(challenge.ErrResourceNotFound, "This server does not publish signing keys."))
			return
		}
		keys, err := h.opts.JWKS(ctx, poolID)
		if err != nil {
			x.fail(challenge.Wrap(challenge.ErrInternalError, "An internal error occurred.", err))
			return
		}
		if !json.Valid(keys) {
			x.fail(challenge.New(challenge.ErrInternalError, "An internal error occurred."))
			return
		}
		x.w.Header().Set("Cache-Control", "public, max-age=300")
		x.write(http.StatusOK, "ok", keys)
	case "openid-configuration":
		// The keys are served here, whatever the issuer: Cognito's own
		// issuer URL does not serve this server's keys.
		base := h.opts.PublicURL
		if base == "" {
			scheme := "http"
			if x.r.TLS != nil {
				scheme = "https"
			}
			base = scheme + "://" + x.r.Host
		}
		x.w.Header().Set("Cache-Control", "public, max-age=300")
		doc := OpenIDConfiguration{
			Issuer:                           issuer,
			JWKSURI:                          base + "/" + poolID + "/.well-known/jwks.json",
			IDTokenSigningAlgValuesSupported: []string{"RS256"},
			SubjectTypesSupported:            []string{"public"},
		}
		if d := pool.UserPool.Domain; h.opts.ManagedLogin && d != "" {
			addManagedLogin(&doc, base+"/"+d)
		}
		x.reply(http.StatusOK, doc)
	}
}

// addManagedLogin adds the OAuth 2.0 endpoints of a domain served at base
// (package managedlogin serves them) to doc.
func addManagedLogin(doc *OpenIDConfiguration, base string) {
	doc.AuthorizationEndpoint = base + "/oauth2/authorize"
	doc.TokenEndpoint = base + "/oauth2/token"
	doc.UserInfoEndpoint = base + "/oauth2/userInfo"
	doc.RevocationEndpoint = base + "/oauth2/revoke"
	doc.ResponseTypesSupported = []string{"code", "token"}
	doc.ScopesSupported = []string{"openid", "email", "phone", "profile"}
	doc.GrantTypesSupported = []string{"authorization_code", "implicit", "refresh_token", "client_credentials"}
	doc.TokenEndpointAuthMethodsSupported = []string{"client_secret_basic", "client_secret_post"}
	doc.CodeChallengeMethodsSupported = []string{"S256", "plain"}
}
