package challenge

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// MaxRequestBytes bounds a request body. Cognito's largest string members
// (session handles, WebAuthn credentials) are well below it.
const MaxRequestBytes = 128 << 10

// Decode parses a JSON request body into v (a pointer to a request struct).
// Unknown members are ignored and null is treated as absent, as every AWS
// SDK expects; a body that is not a single JSON object, is larger than
// MaxRequestBytes, or has a member of the wrong type is an
// InvalidParameterException naming the problem but never echoing values.
func Decode(body []byte, v any) error {
	if len(body) > MaxRequestBytes {
		return New(ErrInvalidParameter, "Request body is too large.")
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		trimmed = []byte("{}")
	}
	if trimmed[0] != '{' {
		return New(ErrInvalidParameter, "Request body must be a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return Wrap(ErrInvalidParameter, "Invalid type for member "+te.Field+".", err)
		}
		return Wrap(ErrInvalidParameter, "Request body is not valid JSON.", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return New(ErrInvalidParameter, "Request body must be a single JSON object.")
	}
	return nil
}
