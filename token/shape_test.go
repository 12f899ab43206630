package token_test

import (
	"context"
	"testing"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
	"github.com/stretchr/testify/require"
)

func TestPreTokenShaping(t *testing.T) {
	iss, _ := setup(t)
	g := fullGrant()
	g.Shape = &challenge.ClaimsShape{
		AccessClaimsToAdd: map[string]any{
			"tenant":         "acme",
			"tier":           3,
			"both":           "added then suppressed",
			"sub":            "evil",
			"iss":            "https://evil.example",
			"client_id":      "evil",
			"scope":          "evil",
			"username":       "evil",
			"exp":            9999999999,
			"origin_jti":     "evil",
			"event_id":       "evil",
			"auth_time":      1,
			"token_use":      "id",
			"jti":            "evil",
			"iat":            1,
			"device_key":     "evil",
			"cognito:groups": []string{"evil"},
		},
		AccessClaimsToSuppress: []string{"both", "username", "sub", "iss", "client_id", "scope", "jti", "exp", "iat", "origin_jti", "event_id", "auth_time", "token_use", "cognito:groups", "device_key"},
		ScopesToAdd:            []string{"openid", "custom/read", "bad scope", "", "aws.cognito.signin.user.admin", "custom/read"},
		ScopesToSuppress:       []string{"openid"},
		IDClaimsToAdd: map[string]any{
			"email":            "override@example.com",
			"roles":            []string{"reader", "writer"},
			"aud":              "evil",
			"cognito:username": "evil",
			"sub":              "evil",
			"token_use":        "access",
		},
		IDClaimsToSuppress: []string{"phone_number", "phone_number_verified", "sub", "token_use", "aud", "cognito:username", "iss"},
		GroupsOverride:     []string{"g1"},
	}
	res, err := iss.Issue(context.Background(), g)
	require.NoError(t, err)
	jwks, err := iss.JWKS()
	require.NoError(t, err)

	_, access := verifyWithJose(t, jwks, res.AccessToken)
	require.Equal(t, "acme", access["tenant"])
	require.Equal(t, float64(3), access["tier"])
	require.NotContains(t, access, "both", "suppression wins over addition")
	require.Equal(t, "5f6e3c1a-0000-4000-8000-00000000a11c", access["sub"])
	require.Equal(t, testIss, access["iss"])
	require.Equal(t, testClient, access["client_id"])
	require.Equal(t, "alice", access["username"])
	require.Equal(t, "access", access["token_use"])
	require.Equal(t, float64(t0.Unix()+3600), access["exp"])
	require.Equal(t, float64(t0.Unix()), access["iat"])
	require.Equal(t, "eu-west-1_0d6f7a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b", access["device_key"])
	require.Equal(t, "aws.cognito.signin.user.admin custom/read", access["scope"])
	require.Equal(t, []any{"g1"}, access["cognito:groups"])
	for _, name := range []string{"origin_jti", "event_id", "jti", "auth_time"} {
		require.NotEqual(t, "evil", access[name], name)
		require.NotEqual(t, float64(1), access[name], name)
	}
	require.Len(t, access, 16) // the 14 claims + tenant + tier

	_, id := verifyWithJose(t, jwks, res.IdToken)
	require.Equal(t, "override@example.com", id["email"])
	require.Equal(t, []any{"reader", "writer"}, id["roles"])
	require.NotContains(t, id, "phone_number")
	require.NotContains(t, id, "phone_number_verified")
	require.Equal(t, "5f6e3c1a-0000-4000-8000-00000000a11c", id["sub"])
	require.Equal(t, "id", id["token_use"])
	require.Equal(t, testClient, id["aud"])
	require.Equal(t, "alice", id["cognito:username"])
	require.Equal(t, testIss, id["iss"])
	require.Equal(t, []any{"g1"}, id["cognito:groups"])
	require.Equal(t, true, id["email_verified"])

	// The issuer still verifies its shaped tokens and reports the scopes.
	ac, err := iss.VerifyAccess(context.Background(), res.AccessToken)
	require.NoError(t, err)
	require.Equal(t, []string{token.AdminScope, "custom/read"}, ac.Scopes)
	require.Equal(t, "alice", ac.Username)
}

func TestGroupsOverrideEmptyRemovesGroups(t *testing.T) {
	iss, _ := setup(t)
	g := fullGrant()
	g.Shape = &challenge.ClaimsShape{GroupsOverride: []string{}}
	res, err := iss.Issue(context.Background(), g)
	require.NoError(t, err)
	jwks, _ := iss.JWKS()
	_, access := verifyWithJose(t, jwks, res.AccessToken)
	require.NotContains(t, access, "cognito:groups")
	_, id := verifyWithJose(t, jwks, res.IdToken)
	require.NotContains(t, id, "cognito:groups")

	// A nil override keeps the user's groups.
	g.Shape = &challenge.ClaimsShape{}
	res, err = iss.Issue(context.Background(), g)
	require.NoError(t, err)
	_, access = verifyWithJose(t, jwks, res.AccessToken)
	require.Equal(t, []any{"admins", "users"}, access["cognito:groups"])
}

func TestSuppressingEveryScopeOmitsTheClaim(t *testing.T) {
	iss, _ := setup(t)
	g := grant("alice")
	g.Shape = &challenge.ClaimsShape{ScopesToSuppress: []string{token.AdminScope}}
	res, err := iss.Issue(context.Background(), g)
	require.NoError(t, err)
	jwks, _ := iss.JWKS()
	_, access := verifyWithJose(t, jwks, res.AccessToken)
	require.NotContains(t, access, "scope")
	ac, err := iss.VerifyAccess(context.Background(), res.AccessToken)
	require.NoError(t, err)
	require.Empty(t, ac.Scopes)
}

func TestUnencodableClaimIsInvalidLambdaResponse(t *testing.T) {
	iss, _ := setup(t)
	g := grant("alice")
	g.Shape = &challenge.ClaimsShape{IDClaimsToAdd: map[string]any{"bad": make(chan int)}}
	_, err := iss.Issue(context.Background(), g)
	requireCode(t, err, challenge.ErrInvalidLambdaResponse, "Invalid lambda response received")
	g.Shape = &challenge.ClaimsShape{AccessClaimsToAdd: map[string]any{"bad": func() {}}}
	_, err = iss.Issue(context.Background(), g)
	requireCode(t, err, challenge.ErrInvalidLambdaResponse, "Invalid lambda response received")
}

func TestReservedClaims(t *testing.T) {
	for _, name := range []string{"sub", "iss", "token_use", "exp", "iat", "jti", "client_id", "origin_jti", "event_id", "auth_time", "username", "scope", "device_key", "cognito:groups", "cognito:anything", "aud", "nbf", ""} {
		require.True(t, token.ReservedAccessClaim(name), name)
	}
	for _, name := range []string{"sub", "aud", "iss", "cognito:username", "origin_jti", "event_id", "token_use", "auth_time", "exp", "iat", "jti", "cognito:groups", "nonce"} {
		require.True(t, token.ReservedIDClaim(name), name)
	}
	for _, name := range []string{"tenant", "custom:tier", "roles"} {
		require.False(t, token.ReservedAccessClaim(name), name)
		require.False(t, token.ReservedIDClaim(name), name)
	}
	for _, name := range []string{"email", "phone_number", "username", "client_id"} {
		require.False(t, token.ReservedIDClaim(name), name)
	}
}

// TestRolesInIDTokenOnly: cognito:roles and cognito:preferred_role are in
// the ID token, not the access token; the hook's overrides replace them.
func TestRolesInIDTokenOnly(t *testing.T) {
	iss, _ := setup(t)
	g := fullGrant()
	g.Roles, g.PreferredRole = []string{"arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"}, "arn:aws:iam::1:role/a"
	res, err := iss.Issue(context.Background(), g)
	require.NoError(t, err)
	jwks, _ := iss.JWKS()
	_, access := verifyWithJose(t, jwks, res.AccessToken)
	require.NotContains(t, access, "cognito:roles")
	require.NotContains(t, access, "cognito:preferred_role")
	_, id := verifyWithJose(t, jwks, res.IdToken)
	require.Equal(t, []any{"arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"}, id["cognito:roles"])
	require.Equal(t, "arn:aws:iam::1:role/a", id["cognito:preferred_role"])

	preferred := "arn:aws:iam::1:role/c"
	g.Shape = &challenge.ClaimsShape{RolesOverride: []string{preferred}, PreferredRoleOverride: &preferred}
	res, err = iss.Issue(context.Background(), g)
	require.NoError(t, err)
	_, id = verifyWithJose(t, jwks, res.IdToken)
	require.Equal(t, []any{preferred}, id["cognito:roles"])
	require.Equal(t, preferred, id["cognito:preferred_role"])

	// An empty override removes them.
	empty := ""
	g.Shape = &challenge.ClaimsShape{RolesOverride: []string{}, PreferredRoleOverride: &empty}
	res, err = iss.Issue(context.Background(), g)
	require.NoError(t, err)
	_, id = verifyWithJose(t, jwks, res.IdToken)
	require.NotContains(t, id, "cognito:roles")
	require.NotContains(t, id, "cognito:preferred_role")
}
