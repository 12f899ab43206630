package userpool

import "github.com/authflow/authflow/challenge"

// Helpers that build the *challenge.Error values the service returns, with
// the messages Cognito uses (the engine's sign-in errors say the same
// things). Every message is safe to show a client.

func errParam(msg string) error { return challenge.New(challenge.ErrInvalidParameter, msg) }

func errMissing(key string) error {
	return challenge.New(challenge.ErrInvalidParameter, "Missing required parameter "+key)
}

func errNotAuthorized(msg string) error { return challenge.New(challenge.ErrNotAuthorized, msg) }

func errIncorrect() error { return errNotAuthorized(challenge.MsgIncorrectCredentials) }

func errInvalidSession() error { return errNotAuthorized(challenge.MsgInvalidSession) }

func errUserNotFound() error {
	return challenge.New(challenge.ErrUserNotFound, challenge.MsgUserNotFound)
}

func errInternal(cause error) error {
	return challenge.Wrap(challenge.ErrInternalError, "An internal error occurred.", cause)
}

func errNoPool(poolID string) error {
	return challenge.New(challenge.ErrResourceNotFound, "User pool "+poolID+" does not exist.")
}

func errNoClient(clientID string) error {
	return challenge.New(challenge.ErrResourceNotFound, "User pool client "+clientID+" does not exist.")
}

func errNoDevice() error {
	return challenge.New(challenge.ErrResourceNotFound, "Device does not exist.")
}

// truncate cuts an echoed input to n bytes.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
