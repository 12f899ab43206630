package challenge

import "errors"

// Code is a Cognito exception name, the `__type` of an error on the wire.
// A Code is itself an error, so errors.Is(err, ErrNotAuthorized) matches any
// *Error carrying that code.
type Code string

// Error returns the exception name.
func (c Code) Error() string { return string(c) }

// The exception names of shared/spec/errors.md, plus the transport's own
// UnknownOperationException.
const (
	ErrAliasExists                     Code = "AliasExistsException"
	ErrCodeDeliveryFailure             Code = "CodeDeliveryFailureException"
	ErrCodeMismatch                    Code = "CodeMismatchException"
	ErrConcurrentModification          Code = "ConcurrentModificationException"
	ErrEnableSoftwareTokenMFA          Code = "EnableSoftwareTokenMFAException"
	ErrExpiredCode                     Code = "ExpiredCodeException"
	ErrFeatureUnavailableInTier        Code = "FeatureUnavailableInTierException"
	ErrForbidden                       Code = "ForbiddenException"
	ErrInternalError                   Code = "InternalErrorException"
	ErrInvalidEmailRoleAccessPolicy    Code = "InvalidEmailRoleAccessPolicyException"
	ErrInvalidLambdaResponse           Code = "InvalidLambdaResponseException"
	ErrInvalidOAuthFlow                Code = "InvalidOAuthFlowException"
	ErrInvalidParameter                Code = "InvalidParameterException"
	ErrInvalidPassword                 Code = "InvalidPasswordException"
	ErrInvalidSmsRoleAccessPolicy      Code = "InvalidSmsRoleAccessPolicyException"
	ErrInvalidSmsRoleTrustRelationship Code = "InvalidSmsRoleTrustRelationshipException"
	ErrInvalidUserPoolConfiguration    Code = "InvalidUserPoolConfigurationException"
	ErrLimitExceeded                   Code = "LimitExceededException"
	ErrMFAMethodNotFound               Code = "MFAMethodNotFoundException"
	ErrNotAuthorized                   Code = "NotAuthorizedException"
	ErrPasswordHistoryPolicyViolation  Code = "PasswordHistoryPolicyViolationException"
	ErrPasswordResetRequired           Code = "PasswordResetRequiredException"
	ErrPreconditionNotMet              Code = "PreconditionNotMetException"
	ErrResourceNotFound                Code = "ResourceNotFoundException"
	ErrScopeDoesNotExist               Code = "ScopeDoesNotExistException"
	ErrSoftwareTokenMFANotFound        Code = "SoftwareTokenMFANotFoundException"
	ErrTierChangeNotAllowed            Code = "TierChangeNotAllowedException"
	ErrTooManyFailedAttempts           Code = "TooManyFailedAttemptsException"
	ErrTooManyRequests                 Code = "TooManyRequestsException"
	ErrUnauthorized                    Code = "UnauthorizedException"
	ErrUnexpectedLambda                Code = "UnexpectedLambdaException"
	ErrUnsupportedOperation            Code = "UnsupportedOperationException"
	ErrUnsupportedTokenType            Code = "UnsupportedTokenTypeException"
	ErrUnsupportedUserState            Code = "UnsupportedUserStateException"
	ErrUserImportInProgress            Code = "UserImportInProgressException"
	ErrUserLambdaValidation            Code = "UserLambdaValidationException"
	ErrUserNotConfirmed                Code = "UserNotConfirmedException"
	ErrUserNotFound                    Code = "UserNotFoundException"
	ErrUserPoolAddOnNotEnabled         Code = "UserPoolAddOnNotEnabledException"
	ErrUserPoolTagging                 Code = "UserPoolTaggingException"
	ErrUsernameExists                  Code = "UsernameExistsException"
	ErrWebAuthnChallengeNotFound       Code = "WebAuthnChallengeNotFoundException"
	ErrWebAuthnClientMismatch          Code = "WebAuthnClientMismatchException"
	ErrWebAuthnCredentialNotSupported  Code = "WebAuthnCredentialNotSupportedException"
	ErrWebAuthnNotEnabled              Code = "WebAuthnNotEnabledException"
	ErrWebAuthnOriginNotAllowed        Code = "WebAuthnOriginNotAllowedException"
	ErrWebAuthnRelyingPartyMismatch    Code = "WebAuthnRelyingPartyMismatchException"
	ErrUnknownOperation                Code = "UnknownOperationException"
	ErrGroupExists                     Code = "GroupExistsException"
)

// Codes lists every Code constant.
var Codes = []Code{
	ErrAliasExists, ErrGroupExists, ErrCodeDeliveryFailure, ErrCodeMismatch, ErrConcurrentModification,
	ErrEnableSoftwareTokenMFA, ErrExpiredCode, ErrFeatureUnavailableInTier, ErrForbidden,
	ErrInternalError, ErrInvalidEmailRoleAccessPolicy, ErrInvalidLambdaResponse, ErrInvalidOAuthFlow,
	ErrInvalidParameter, ErrInvalidPassword, ErrInvalidSmsRoleAccessPolicy,
	ErrInvalidSmsRoleTrustRelationship, ErrInvalidUserPoolConfiguration, ErrLimitExceeded,
	ErrMFAMethodNotFound, ErrNotAuthorized, ErrPasswordHistoryPolicyViolation,
	ErrPasswordResetRequired, ErrPreconditionNotMet, ErrResourceNotFound, ErrScopeDoesNotExist,
	ErrSoftwareTokenMFANotFound, ErrTierChangeNotAllowed, ErrTooManyFailedAttempts,
	ErrTooManyRequests, ErrUnauthorized, ErrUnexpectedLambda, ErrUnsupportedOperation,
	ErrUnsupportedTokenType, ErrUnsupportedUserState, ErrUserImportInProgress,
	ErrUserLambdaValidation, ErrUserNotConfirmed, ErrUserNotFound, ErrUserPoolAddOnNotEnabled,
	ErrUserPoolTagging, ErrUsernameExists, ErrWebAuthnChallengeNotFound, ErrWebAuthnClientMismatch,
	ErrWebAuthnCredentialNotSupported, ErrWebAuthnNotEnabled, ErrWebAuthnOriginNotAllowed,
	ErrWebAuthnRelyingPartyMismatch, ErrUnknownOperation,
}

// Error is the one error type of authflow's operations.
//
// Code is the exception name sent on the wire; Message is safe to show a
// client (it never holds a secret); Err is the cause, for logs only, and is
// never serialized.
type Error struct {
	Code    Code
	Message string
	Err     error
}

// Errorf-free constructors keep messages literal and reviewable.

// New returns an *Error with the given code and client-safe message.
func New(code Code, message string) *Error { return &Error{Code: code, Message: message} }

// Wrap returns an *Error with the given code and message and a cause kept for logs.
func Wrap(code Code, message string, cause error) *Error {
	return &Error{Code: code, Message: message, Err: cause}
}

// Error returns "Code: Message". The cause is not included, so the string is
// as safe to show as the message.
func (e *Error) Error() string {
	if e.Message == "" {
		return string(e.Code)
	}
	return string(e.Code) + ": " + e.Message
}

// Unwrap exposes the code and the cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Code}
	}
	return []error{e.Code, e.Err}
}

// CodeOf returns the exception name for err: the Code of the first *Error
// in its chain, a bare Code, or ErrInternalError for anything else. nil has
// no code and returns "".
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != "" {
		return e.Code
	}
	var c Code
	if errors.As(err, &c) {
		return c
	}
	return ErrInternalError
}

// MessageOf returns the client-safe message for err: the Message of the first
// *Error in its chain, or a generic text for errors without one.
func MessageOf(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != "" {
		return e.Message
	}
	var c Code
	if errors.As(err, &c) {
		return ""
	}
	return "An internal error occurred."
}

// Often-used messages, worded as Cognito words them.
const (
	MsgIncorrectCredentials = "Incorrect username or password."
	MsgInvalidSession       = "Invalid session for the user."
	MsgPasswordAttempts     = "Password attempts exceeded"
	MsgUserDisabled         = "User is disabled."
	MsgUserNotFound         = "User does not exist."
	MsgUserNotConfirmed     = "User is not confirmed."
	MsgPasswordReset        = "Password reset required for the user"
	MsgAccessTokenRevoked   = "Access Token has been revoked"
	MsgInvalidAccessToken   = "Invalid Access Token"
	MsgInvalidRefreshToken  = "Invalid Refresh Token"
	MsgRefreshTokenRevoked  = "Refresh Token has been revoked"
	MsgInvalidCode          = "Invalid code provided, please request a code again."
	MsgInvalidCodeReceived  = "Invalid code received for user"
	MsgExpiredCode          = "Invalid code provided, please request a code again."
	MsgTemporaryExpired     = "Temporary password has expired and must be reset by an administrator."
)
