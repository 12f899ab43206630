package challenge_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
)

func TestErrorsIsAndCodeOf(t *testing.T) {
	cause := errors.New("database down")
	err := fmt.Errorf("wrapped: %w", challenge.Wrap(challenge.ErrCodeMismatch, "Invalid code received for user", cause))
	assert.True(t, errors.Is(err, challenge.ErrCodeMismatch), "errors.Is matches the code")
	assert.False(t, errors.Is(err, challenge.ErrNotAuthorized))
	assert.True(t, errors.Is(err, cause), "the cause stays reachable for logs")
	assert.Equal(t, challenge.ErrCodeMismatch, challenge.CodeOf(err))
	assert.Equal(t, "Invalid code received for user", challenge.MessageOf(err))
	assert.Equal(t, "CodeMismatchException: Invalid code received for user", challenge.Wrap(challenge.ErrCodeMismatch, "Invalid code received for user", cause).Error(),
		"Error() never shows the cause")

	assert.Equal(t, challenge.ErrInternalError, challenge.CodeOf(errors.New("boom")), "anything without a code is internal")
	assert.Equal(t, "An internal error occurred.", challenge.MessageOf(errors.New("secret detail")))
	assert.Equal(t, challenge.ErrNotAuthorized, challenge.CodeOf(challenge.ErrNotAuthorized), "a bare code")
	assert.Equal(t, challenge.Code(""), challenge.CodeOf(nil))
}

func TestCodesAreDistinctExceptionNames(t *testing.T) {
	seen := map[challenge.Code]bool{}
	for _, c := range challenge.Codes {
		require.False(t, seen[c], "duplicate %s", c)
		seen[c] = true
		require.True(t, strings.HasSuffix(string(c), "Exception"), c)
	}
	// Every exception of shared/spec/errors.md is here.
	for _, name := range []string{"NotAuthorizedException", "UserNotFoundException", "CodeMismatchException",
		"ExpiredCodeException", "PasswordResetRequiredException", "UserNotConfirmedException", "InvalidParameterException",
		"InvalidPasswordException", "PasswordHistoryPolicyViolationException", "MFAMethodNotFoundException",
		"SoftwareTokenMFANotFoundException", "EnableSoftwareTokenMFAException", "UnauthorizedException",
		"UnsupportedTokenTypeException", "UnsupportedOperationException", "WebAuthnChallengeNotFoundException",
		"WebAuthnRelyingPartyMismatchException", "WebAuthnOriginNotAllowedException", "WebAuthnClientMismatchException",
		"WebAuthnCredentialNotSupportedException", "WebAuthnNotEnabledException", "TooManyFailedAttemptsException"} {
		assert.True(t, seen[challenge.Code(name)], name)
	}
}

func TestNamesAndFlows(t *testing.T) {
	assert.Len(t, challenge.AuthFlows, 8)
	assert.Len(t, challenge.Names, 16)
	assert.True(t, challenge.FlowRefreshToken.Valid(), "REFRESH_TOKEN is the alias of REFRESH_TOKEN_AUTH")
	assert.False(t, challenge.AuthFlow("PLAIN").Valid())
	assert.True(t, challenge.PasswordSRP.Valid())
	assert.False(t, challenge.Name("SOFTWARE_TOKEN_SETUP").Valid(), "named in prose, in no enum")
}

// TestDecodeToleratesNullAndUnknownKeys: what amazon-cognito-identity-js
// sends (ClientMetadata {}, null members, extra keys) decodes.
func TestDecodeToleratesNullAndUnknownKeys(t *testing.T) {
	body := `{"AuthFlow":"USER_SRP_AUTH","ClientId":"abc","AuthParameters":{"USERNAME":"alice","SRP_A":"0f"},
	  "ClientMetadata":{},"Session":null,"UserContextData":null,"SomethingNew":{"x":1}}`
	var in challenge.InitiateAuthInput
	require.NoError(t, challenge.Decode([]byte(body), &in))
	assert.Equal(t, challenge.FlowUserSRPAuth, in.AuthFlow)
	assert.Equal(t, "alice", in.AuthParameters["USERNAME"])
	assert.Empty(t, in.Session)
	assert.Nil(t, in.UserContextData)

	var empty challenge.RespondToAuthChallengeInput
	require.NoError(t, challenge.Decode(nil, &empty), "an empty body is {}")
}

func TestDecodeRefusesBadBodies(t *testing.T) {
	cases := map[string]string{
		"not an object": `["x"]`,
		"not JSON":      `{"AuthFlow":`,
		"wrong type":    `{"AuthParameters":"text"}`,
		"two objects":   `{} {}`,
		"too large":     `{"ClientId":"` + strings.Repeat("a", challenge.MaxRequestBytes) + `"}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			var in challenge.InitiateAuthInput
			err := challenge.Decode([]byte(body), &in)
			require.Error(t, err)
			assert.Equal(t, challenge.ErrInvalidParameter, challenge.CodeOf(err))
			assert.NotContains(t, challenge.MessageOf(err), "text", "values are never echoed")
		})
	}
}

func TestResponseFieldNames(t *testing.T) {
	out := challenge.InitiateAuthOutput{AuthenticationResult: &challenge.AuthenticationResult{AccessToken: "a", IdToken: "i",
		RefreshToken: "r", ExpiresIn: 3600, TokenType: "Bearer", NewDeviceMetadata: &challenge.NewDeviceMetadata{DeviceKey: "k", DeviceGroupKey: "g"}},
		AvailableChallenges: []challenge.Name{challenge.Password}}
	b, err := json.Marshal(out)
	require.NoError(t, err)
	assert.JSONEq(t, `{"AuthenticationResult":{"AccessToken":"a","IdToken":"i","RefreshToken":"r","ExpiresIn":3600,"TokenType":"Bearer",
		"NewDeviceMetadata":{"DeviceKey":"k","DeviceGroupKey":"g"}},"AvailableChallenges":["PASSWORD"],"ChallengeParameters":{}}`, string(b))
	assert.NotContains(t, out.AuthenticationResult.String(), "a\"", "String never prints tokens")
	assert.Contains(t, out.AuthenticationResult.String(), "<redacted>")
}

func TestTimeIsEpochSeconds(t *testing.T) {
	b, err := json.Marshal(struct{ T challenge.Time }{challenge.At(time.Unix(1795313211, 900))})
	require.NoError(t, err)
	assert.JSONEq(t, `{"T":1795313211}`, string(b))
	var v struct{ T challenge.Time }
	require.NoError(t, json.Unmarshal([]byte(`{"T":1795313211.5}`), &v))
	assert.Equal(t, time.Unix(1795313211, 500_000_000).UTC(), v.T.Time)
	require.NoError(t, json.Unmarshal([]byte(`{"T":null}`), &v))
	assert.True(t, v.T.IsZero())
	assert.Error(t, json.Unmarshal([]byte(`{"T":"yesterday"}`), &v))
	zero, _ := json.Marshal(struct{ T challenge.Time }{})
	assert.JSONEq(t, `{"T":null}`, string(zero))
}

func fuzzDecode[T any](f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var v T
		err := challenge.Decode(body, &v)
		if err != nil && challenge.CodeOf(err) != challenge.ErrInvalidParameter {
			t.Fatalf("decode error with code %s", challenge.CodeOf(err))
		}
		if err == nil {
			if _, err := json.Marshal(v); err != nil {
				t.Fatalf("a decoded request does not encode again: %v", err)
			}
		}
	})
}

func FuzzDecodeInitiateAuth(f *testing.F) {
	fuzzDecode[challenge.InitiateAuthInput](f, `{"AuthFlow":"USER_SRP_AUTH","ClientId":"c","AuthParameters":{"USERNAME":"u","SRP_A":"ab"}}`, `{}`, `null`)
}

func FuzzDecodeAdminInitiateAuth(f *testing.F) {
	fuzzDecode[challenge.AdminInitiateAuthInput](f, `{"AuthFlow":"ADMIN_USER_PASSWORD_AUTH","UserPoolId":"us-east-1_X","ClientId":"c","ContextData":{"HttpHeaders":[{"headerName":"a"}]}}`)
}

func FuzzDecodeRespondToAuthChallenge(f *testing.F) {
	fuzzDecode[challenge.RespondToAuthChallengeInput](f, `{"ChallengeName":"PASSWORD_VERIFIER","ClientId":"c","Session":"s","ChallengeResponses":{"TIMESTAMP":"Tue Nov 3 09:05:07 UTC 2026"}}`)
}

func FuzzDecodeAdminRespondToAuthChallenge(f *testing.F) {
	fuzzDecode[challenge.AdminRespondToAuthChallengeInput](f, `{"ChallengeName":"NEW_PASSWORD_REQUIRED","UserPoolId":"p","ClientId":"c","ChallengeResponses":{"userAttributes.name":"x"}}`)
}

// Example shows how an engine error maps to the wire.
func ExampleCodeOf() {
	err := challenge.New(challenge.ErrNotAuthorized, challenge.MsgIncorrectCredentials)
	fmt.Println(challenge.CodeOf(err), "-", challenge.MessageOf(err))
	fmt.Println(errors.Is(err, challenge.ErrNotAuthorized))
	// Output:
	// NotAuthorizedException - Incorrect username or password.
	// true
}

// TestTokensCarryEmptyChallengeParameters: a step that issues tokens has
// "ChallengeParameters": {} on the wire, as Cognito's answers do; a
// challenge keeps its parameters.
func TestTokensCarryEmptyChallengeParameters(t *testing.T) {
	res := &challenge.AuthenticationResult{AccessToken: "a", TokenType: "Bearer"}
	for _, out := range []any{
		challenge.InitiateAuthOutput{AuthenticationResult: res},
		&challenge.AdminInitiateAuthOutput{AuthenticationResult: res},
		challenge.RespondToAuthChallengeOutput{AuthenticationResult: res},
		&challenge.AdminRespondToAuthChallengeOutput{AuthenticationResult: res},
	} {
		b, err := json.Marshal(out)
		require.NoError(t, err)
		var got map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(b, &got))
		assert.Equal(t, "{}", string(got["ChallengeParameters"]), "%T: %s", out, b)
	}
	b, err := json.Marshal(challenge.RespondToAuthChallengeOutput{ChallengeName: challenge.SoftwareTokenMFA,
		ChallengeParameters: map[string]string{"USER_ID_FOR_SRP": "alice"}, Session: "s"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"ChallengeName":"SOFTWARE_TOKEN_MFA","ChallengeParameters":{"USER_ID_FOR_SRP":"alice"},"Session":"s"}`, string(b))
}
