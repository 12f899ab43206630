package challenge

// Wire types of the user pool domain and resource server operations, and
// the OAuth 2.0 settings of an app client, with Cognito's JSON names.

// The AllowedOAuthFlows values of an app client.
const (
	OAuthFlowCode              = "code"
	OAuthFlowImplicit          = "implicit"
	OAuthFlowClientCredentials = "client_credentials"
)

// IdentityProviderCognito is the SupportedIdentityProviders value of the
// pool's own users (the only provider authflow serves).
const IdentityProviderCognito = "COGNITO"

// OAuthClientSettings are the OAuth 2.0 members of CreateUserPoolClient,
// UpdateUserPoolClient and UserPoolClientType; UserPoolClientInput and
// UserPoolClientType embed them.
type OAuthClientSettings struct {
	AllowedOAuthFlows               []string `json:"AllowedOAuthFlows,omitempty"`
	AllowedOAuthScopes              []string `json:"AllowedOAuthScopes,omitempty"`
	AllowedOAuthFlowsUserPoolClient bool     `json:"AllowedOAuthFlowsUserPoolClient,omitempty"`
	CallbackURLs                    []string `json:"CallbackURLs,omitempty"`
	LogoutURLs                      []string `json:"LogoutURLs,omitempty"`
	DefaultRedirectURI              string   `json:"DefaultRedirectURI,omitempty"`
	SupportedIdentityProviders      []string `json:"SupportedIdentityProviders,omitempty"`
}

// CustomDomainConfigType is the certificate of a custom domain.
type CustomDomainConfigType struct {
	CertificateArn string `json:"CertificateArn"`
}

// UserPoolDomainInput is the request of CreateUserPoolDomain and
// UpdateUserPoolDomain.
type UserPoolDomainInput struct {
	Domain              string                  `json:"Domain"`
	UserPoolId          string                  `json:"UserPoolId"`
	ManagedLoginVersion int                     `json:"ManagedLoginVersion,omitempty"`
	CustomDomainConfig  *CustomDomainConfigType `json:"CustomDomainConfig,omitempty"`
}

// UserPoolDomainOutput is the response of CreateUserPoolDomain and
// UpdateUserPoolDomain (CloudFrontDomain only for a custom domain).
type UserPoolDomainOutput struct {
	CloudFrontDomain    string `json:"CloudFrontDomain,omitempty"`
	ManagedLoginVersion int    `json:"ManagedLoginVersion,omitempty"`
}

// DeleteUserPoolDomainInput is the request of DeleteUserPoolDomain.
type DeleteUserPoolDomainInput struct {
	Domain     string `json:"Domain"`
	UserPoolId string `json:"UserPoolId"`
}

// DescribeUserPoolDomainInput is the request of DescribeUserPoolDomain.
type DescribeUserPoolDomainInput struct {
	Domain string `json:"Domain"`
}

// DomainDescriptionType describes a user pool domain.
type DomainDescriptionType struct {
	UserPoolId             string                  `json:"UserPoolId,omitempty"`
	AWSAccountId           string                  `json:"AWSAccountId,omitempty"`
	Domain                 string                  `json:"Domain,omitempty"`
	S3Bucket               string                  `json:"S3Bucket,omitempty"`
	CloudFrontDistribution string                  `json:"CloudFrontDistribution,omitempty"`
	Version                string                  `json:"Version,omitempty"`
	Status                 string                  `json:"Status,omitempty"`
	CustomDomainConfig     *CustomDomainConfigType `json:"CustomDomainConfig,omitempty"`
	ManagedLoginVersion    int                     `json:"ManagedLoginVersion,omitempty"`
}

// DescribeUserPoolDomainOutput is the response of DescribeUserPoolDomain:
// an empty DomainDescription when no pool has the domain, as Cognito answers.
type DescribeUserPoolDomainOutput struct {
	DomainDescription DomainDescriptionType `json:"DomainDescription"`
}

// ResourceServerScopeType is one custom scope of a resource server.
type ResourceServerScopeType struct {
	ScopeName        string `json:"ScopeName"`
	ScopeDescription string `json:"ScopeDescription"`
}

// ResourceServerType describes a resource server.
type ResourceServerType struct {
	UserPoolId string                    `json:"UserPoolId"`
	Identifier string                    `json:"Identifier"`
	Name       string                    `json:"Name"`
	Scopes     []ResourceServerScopeType `json:"Scopes,omitempty"`
}

// ResourceServerInput is the request of CreateResourceServer and
// UpdateResourceServer.
type ResourceServerInput struct {
	UserPoolId string                    `json:"UserPoolId"`
	Identifier string                    `json:"Identifier"`
	Name       string                    `json:"Name"`
	Scopes     []ResourceServerScopeType `json:"Scopes,omitempty"`
}

// ResourceServerIdInput names a resource server (DescribeResourceServer,
// DeleteResourceServer).
type ResourceServerIdInput struct {
	UserPoolId string `json:"UserPoolId"`
	Identifier string `json:"Identifier"`
}

// ResourceServerOutput is the response of Create, Describe and
// UpdateResourceServer.
type ResourceServerOutput struct {
	ResourceServer ResourceServerType `json:"ResourceServer"`
}

// ListResourceServersInput is the request of ListResourceServers.
type ListResourceServersInput struct {
	UserPoolId string `json:"UserPoolId"`
	MaxResults int    `json:"MaxResults"`
	NextToken  string `json:"NextToken,omitempty"`
}

// ListResourceServersOutput is the response of ListResourceServers.
type ListResourceServersOutput struct {
	ResourceServers []ResourceServerType `json:"ResourceServers"`
	NextToken       string               `json:"NextToken,omitempty"`
}
