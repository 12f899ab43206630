// Package challenge is authflow's wire vocabulary: the names, keys, messages
// and errors that the sign-in engine (package flow), the client driver
// (package client) and the HTTP transport (package cognitohttp) share.
//
// It mirrors Amazon Cognito user pools (API version 2016-04-18): the AuthFlow
// and ChallengeName values, the AuthParameters / ChallengeParameters /
// ChallengeResponses keys, the request and response structures with
// Cognito's exact JSON field names, and the exception names that every AWS
// SDK turns into a typed error.
//
// Errors are always *Error values carrying a Code (the Cognito exception
// name), a Message that is safe to show a client, and an optional cause for
// logs that is never serialized. Code values are themselves errors, so
//
//	errors.Is(err, challenge.ErrCodeMismatch)
//
// works on any error returned by the engine. CodeOf maps any error to the code
// sent on the wire; an error without a code is an InternalErrorException.
//
// The package depends on the standard library only.
package challenge
