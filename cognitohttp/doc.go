// Package cognitohttp carries authflow's engine over Amazon Cognito's JSON
// 1.1 wire protocol, so that unmodified AWS SDKs, amazon-cognito-identity-js
// and Amplify can sign in against it, and so Go code can sign in against it
// or against Amazon Cognito itself.
//
// [NewHandler] is the server side: an http.Handler that dispatches
// POST / requests on their X-Amz-Target header
// ("AWSCognitoIdentityProviderService.<Operation>") to the matching method
// of a [Service] (userpool.Service, the user-pool service over the engine),
// answers CORS preflights, and serves each pool's
// jwks.json and openid-configuration. Errors take the one shape every SDK
// maps to a typed exception: HTTP 400 (500 for InternalErrorException),
// body {"__type":"<Exception>","message":"<text>"} and header
// x-amzn-ErrorType "<Exception>:".
//
// The IAM-authorized operations (every Admin* operation, pool and app
// client management, ListUsers) require an AWS Signature Version 4
// Authorization header. By default only its presence and shape are
// checked, which suits local use with dummy credentials; with
// Options.Credentials the signature is verified (any region in the scope,
// at most 15 minutes of clock skew, Host, Content-Type and every x-amz-*
// header signed). Whether or not signatures are verified, browsers may
// send these operations only from the origins of Options.CORSOrigins.
//
// The matching client transport lives in package cognitoclient, so that a
// login program links neither this package nor the engine.
//
// The package imports only challenge and flow from this module. Nothing
// it logs contains a request or response body, a token, a password, a code
// or a session.
package cognitohttp
