package userpool

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
)

// The standard OAuth 2.0 / OpenID Connect scopes an app client may allow,
// besides its pool's resource-server scopes.
var standardScopes = []string{"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"}

// StandardScope reports whether scope is one of Cognito's standard scopes
// (openid, email, phone, profile, aws.cognito.signin.user.admin).
func StandardScope(scope string) bool { return slices.Contains(standardScopes, scope) }

// Limits of an app client's OAuth settings (Cognito's).
const (
	maxRedirectURLs   = 100
	maxRedirectURLLen = 1024
	maxOAuthScopes    = 50
)

// ValidRedirectURL reports whether u may be a callback or logout URL as
// Cognito accepts them: an absolute URL without a fragment, using https, or
// http only for localhost (any port). Custom schemes (myapp://callback)
// are accepted for native apps, as in Cognito.
func ValidRedirectURL(u string) bool {
	if u == "" || len(u) > maxRedirectURLLen || strings.ContainsAny(u, " \t\r\n#") {
		return false
	}
	p, err := url.Parse(u)
	if err != nil || !p.IsAbs() {
		return false
	}
	switch p.Scheme {
	case "https":
		return p.Host != ""
	case "http":
		return p.Hostname() == "localhost"
	case "javascript", "data", "file", "vbscript":
		return false
	}
	return true
}

// setOAuthClient validates in as Cognito does and stores it in c (whose
// Secret is already set). Errors: InvalidParameterException,
// InvalidOAuthFlowException, ScopeDoesNotExistException,
// ResourceNotFoundException, InternalErrorException.
func (s *Service) setOAuthClient(ctx context.Context, c *flow.AppClient, in *challenge.OAuthClientSettings) error {
	p, err := s.pool(ctx, c.PoolID)
	if err != nil {
		return err
	}
	for _, f := range in.AllowedOAuthFlows {
		switch f {
		case challenge.OAuthFlowCode, challenge.OAuthFlowImplicit, challenge.OAuthFlowClientCredentials:
		default:
			return errParam("1 validation error detected: Value at 'allowedOAuthFlows' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [implicit, client_credentials, code]]")
		}
	}
	if len(in.AllowedOAuthScopes) > maxOAuthScopes {
		return errParam("1 validation error detected: Value at 'allowedOAuthScopes' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	for _, sc := range in.AllowedOAuthScopes {
		if !StandardScope(sc) && !PoolHasScope(p, sc) {
			return challenge.New(challenge.ErrScopeDoesNotExist, "Invalid scope requested: "+truncate(sc, 256))
		}
	}
	if len(in.CallbackURLs) > maxRedirectURLs || len(in.LogoutURLs) > maxRedirectURLs {
		return errParam("1 validation error detected: Value at 'callbackURLs' failed to satisfy constraint: Member must have length less than or equal to 100")
	}
	for _, u := range in.CallbackURLs {
		if !ValidRedirectURL(u) {
			return errParam("Invalid CallbackURL: " + truncate(u, 256) + ". Use https, or http for localhost, and no fragment.")
		}
	}
	for _, u := range in.LogoutURLs {
		if !ValidRedirectURL(u) {
			return errParam("Invalid LogoutURL: " + truncate(u, 256) + ". Use https, or http for localhost, and no fragment.")
		}
	}
	if in.DefaultRedirectURI != "" && !slices.Contains(in.CallbackURLs, in.DefaultRedirectURI) {
		return errParam("DefaultRedirectURI must be one of the CallbackURLs.")
	}
	for _, idp := range in.SupportedIdentityProviders {
		if idp != challenge.IdentityProviderCognito {
			return errParam("The provider " + truncate(idp, 128) + " does not exist for User Pool " + p.ID)
		}
	}
	flows := in.AllowedOAuthFlows
	cc := slices.Contains(flows, challenge.OAuthFlowClientCredentials)
	browser := slices.Contains(flows, challenge.OAuthFlowCode) || slices.Contains(flows, challenge.OAuthFlowImplicit)
	if in.AllowedOAuthFlowsUserPoolClient {
		if len(flows) == 0 || len(in.AllowedOAuthScopes) == 0 {
			return challenge.New(challenge.ErrInvalidOAuthFlow, "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.")
		}
		if browser && len(in.CallbackURLs) == 0 {
			return challenge.New(challenge.ErrInvalidOAuthFlow, "CallbackURLs are required when AllowedOAuthFlows has code or implicit.")
		}
	}
	if cc {
		if browser {
			return challenge.New(challenge.ErrInvalidOAuthFlow, "client_credentials flow can not be selected along with code flow or implicit flow.")
		}
		if c.Secret == "" {
			return challenge.New(challenge.ErrInvalidOAuthFlow, "client_credentials flow can not be selected if client does not have a client secret.")
		}
		for _, sc := range in.AllowedOAuthScopes {
			if StandardScope(sc) {
				return challenge.New(challenge.ErrInvalidOAuthFlow, "client_credentials flow can only be used with custom scopes.")
			}
		}
	}
	c.OAuth = challenge.OAuthClientSettings{
		AllowedOAuthFlows:               slices.Clone(in.AllowedOAuthFlows),
		AllowedOAuthScopes:              slices.Clone(in.AllowedOAuthScopes),
		AllowedOAuthFlowsUserPoolClient: in.AllowedOAuthFlowsUserPoolClient,
		CallbackURLs:                    slices.Clone(in.CallbackURLs),
		LogoutURLs:                      slices.Clone(in.LogoutURLs),
		DefaultRedirectURI:              in.DefaultRedirectURI,
		SupportedIdentityProviders:      slices.Clone(in.SupportedIdentityProviders),
	}
	return nil
}

// oauthSettings returns a copy of the client's OAuth settings, for
// UserPoolClientType.
func oauthSettings(c *flow.AppClient) challenge.OAuthClientSettings {
	o := c.OAuth
	o.AllowedOAuthFlows = slices.Clone(o.AllowedOAuthFlows)
	o.AllowedOAuthScopes = slices.Clone(o.AllowedOAuthScopes)
	o.CallbackURLs = slices.Clone(o.CallbackURLs)
	o.LogoutURLs = slices.Clone(o.LogoutURLs)
	o.SupportedIdentityProviders = slices.Clone(o.SupportedIdentityProviders)
	return o
}
