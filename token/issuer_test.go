package token_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/token"
	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/require"
)

// verifyWithJose verifies tok with go-jose against the issuer's JWKS
// document (parsed as a jose.JSONWebKeySet, key looked up by kid) and
// returns its kid and claims. It shares no code with the issuer.
func verifyWithJose(t *testing.T, jwks []byte, tok string) (kid string, claims map[string]any) {
	t.Helper()
	var set jose.JSONWebKeySet
	require.NoError(t, json.Unmarshal(jwks, &set))
	parsed, err := josejwt.ParseSigned(tok, []jose.SignatureAlgorithm{jose.RS256})
	require.NoError(t, err)
	require.Len(t, parsed.Headers, 1)
	kid = parsed.Headers[0].KeyID
	keys := set.Key(kid)
	require.Len(t, keys, 1, "kid %s not in JWKS", kid)
	require.Equal(t, "RS256", keys[0].Algorithm)
	require.Equal(t, "sig", keys[0].Use)
	require.NoError(t, parsed.Claims(keys[0].Key, &claims))
	return kid, claims
}

// fullGrant exercises every input of the claims.
func fullGrant() challenge.TokenGrant {
	return challenge.TokenGrant{
		PoolID:   testPool,
		ClientID: testClient,
		Username: "alice",
		Sub:      "5f6e3c1a-0000-4000-8000-00000000a11c",
		Attributes: map[string]string{
			"email":                 "alice@example.com",
			"email_verified":        "true",
			"phone_number":          "+15555550100",
			"phone_number_verified": "false",
			"name":                  "Alice",
			"custom:tier":           "gold",
			"sub":                   "must-not-override",
			"cognito:mfa_enabled":   "reserved",
		},
		Groups:          []string{"admins", "users"},
		DeviceKey:       "eu-west-1_0d6f7a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
		AuthTime:        t0.Add(-5 * time.Minute),
		IDValidity:      2 * time.Hour,
		RefreshValidity: 0,
	}
}

func TestIssueClaimsVerifiedByGoJose(t *testing.T) {
	iss, _ := setup(t)
	res, err := iss.Issue(context.Background(), fullGrant())
	require.NoError(t, err)

	// The same seed, read in the documented order: origin_jti, event_id,
	// access jti, ID jti, refresh token.
	r := seeded(1)
	next := func(n int) []byte { b := make([]byte, n); _, _ = io.ReadFull(r, b); return b }
	origin, eventID, accessJTI, idJTI := uuidFrom(next(16)), uuidFrom(next(16)), uuidFrom(next(16)), uuidFrom(next(16))
	refresh := base64.RawURLEncoding.EncodeToString(next(32))

	require.Equal(t, int32(3600), res.ExpiresIn)
	require.Equal(t, "Bearer", res.TokenType)
	require.Equal(t, refresh, res.RefreshToken)
	require.Len(t, res.RefreshToken, 43)
	require.NotContains(t, res.RefreshToken, ".", "a refresh token must not be a JWT")
	require.Nil(t, res.NewDeviceMetadata)

	jwks, err := iss.JWKS()
	require.NoError(t, err)
	active := iss.Keys().Active()
	iat := float64(t0.Unix())
	authTime := float64(t0.Add(-5 * time.Minute).Unix())

	kid, access := verifyWithJose(t, jwks, res.AccessToken)
	require.Equal(t, active, kid)
	require.Equal(t, map[string]any{
		"sub":            "5f6e3c1a-0000-4000-8000-00000000a11c",
		"iss":            testIss,
		"client_id":      testClient,
		"origin_jti":     origin,
		"event_id":       eventID,
		"token_use":      "access",
		"scope":          "aws.cognito.signin.user.admin",
		"auth_time":      authTime,
		"exp":            iat + 3600,
		"iat":            iat,
		"jti":            accessJTI,
		"username":       "alice",
		"cognito:groups": []any{"admins", "users"},
		"device_key":     "eu-west-1_0d6f7a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
	}, access)

	kid, id := verifyWithJose(t, jwks, res.IdToken)
	require.Equal(t, active, kid)
	require.Equal(t, map[string]any{
		"sub":                   "5f6e3c1a-0000-4000-8000-00000000a11c",
		"aud":                   testClient,
		"iss":                   testIss,
		"cognito:username":      "alice",
		"origin_jti":            origin,
		"event_id":              eventID,
		"token_use":             "id",
		"auth_time":             authTime,
		"exp":                   iat + 7200,
		"iat":                   iat,
		"jti":                   idJTI,
		"cognito:groups":        []any{"admins", "users"},
		"email":                 "alice@example.com",
		"email_verified":        true,
		"phone_number":          "+15555550100",
		"phone_number_verified": false,
		"name":                  "Alice",
		"custom:tier":           "gold",
	}, id)

	// The header is Cognito's: alg and kid only.
	hdr, err := base64.RawURLEncoding.DecodeString(strings.Split(res.AccessToken, ".")[0])
	require.NoError(t, err)
	require.JSONEq(t, fmt.Sprintf(`{"alg":"RS256","kid":%q}`, active), string(hdr))

	// The issuer's own verification agrees.
	ac, err := iss.VerifyAccess(context.Background(), res.AccessToken)
	require.NoError(t, err)
	require.Equal(t, &challenge.AccessClaims{
		PoolID:    testPool,
		ClientID:  testClient,
		Username:  "alice",
		Sub:       "5f6e3c1a-0000-4000-8000-00000000a11c",
		Origin:    origin,
		JTI:       accessJTI,
		DeviceKey: "eu-west-1_0d6f7a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
		Scopes:    []string{token.AdminScope},
		AuthTime:  t0.Add(-5 * time.Minute),
		IssuedAt:  t0,
		ExpiresAt: t0.Add(time.Hour),
	}, ac)

	ic, err := iss.VerifyID(context.Background(), res.IdToken, testClient)
	require.NoError(t, err)
	require.Equal(t, "alice", ic.Username)
	require.Equal(t, testClient, ic.ClientID)
	require.Equal(t, testPool, ic.PoolID)
	require.Equal(t, origin, ic.Origin)
	require.Equal(t, idJTI, ic.JTI)
	require.Equal(t, eventID, ic.EventID)
	require.Equal(t, []string{"admins", "users"}, ic.Groups)
	require.Equal(t, "alice@example.com", ic.Claims["email"])
	require.Equal(t, true, ic.Claims["email_verified"])
	require.Equal(t, json.Number(fmt.Sprint(int64(iat)+7200)), ic.Claims["exp"])
	_, err = iss.VerifyID(context.Background(), res.IdToken, "another-client")
	requireCode(t, err, challenge.ErrNotAuthorized, token.MsgInvalidIDToken)
}

func TestIssueMinimalGrantOmitsOptionalClaims(t *testing.T) {
	iss, _ := setup(t)
	g := grant("bob")
	g.AuthTime = time.Time{} // zero means now
	res, err := iss.Issue(context.Background(), g)
	require.NoError(t, err)
	jwks, err := iss.JWKS()
	require.NoError(t, err)
	_, access := verifyWithJose(t, jwks, res.AccessToken)
	require.NotContains(t, access, "cognito:groups")
	require.NotContains(t, access, "device_key")
	require.Equal(t, float64(t0.Unix()), access["auth_time"])
	require.Len(t, access, 12)
	_, id := verifyWithJose(t, jwks, res.IdToken)
	require.NotContains(t, id, "cognito:groups")
	require.Len(t, id, 11)
}

func TestIssueIsDeterministic(t *testing.T) {
	a, _ := setup(t)
	b, _ := setup(t)
	ra, err := a.Issue(context.Background(), fullGrant())
	require.NoError(t, err)
	rb, err := b.Issue(context.Background(), fullGrant())
	require.NoError(t, err)
	require.Equal(t, ra, rb)

	c, _ := setup(t, func(c *token.Config) { c.Rand = seeded(2) })
	rc, err := c.Issue(context.Background(), fullGrant())
	require.NoError(t, err)
	require.NotEqual(t, ra.AccessToken, rc.AccessToken)
	require.NotEqual(t, ra.RefreshToken, rc.RefreshToken)
}

func TestIssueValidities(t *testing.T) {
	iss, _ := setup(t)
	g := grant("carol")
	g.AccessValidity = 5 * time.Minute
	g.IDValidity = 90*time.Second + time.Millisecond // rounded up to 91 s
	res, err := iss.Issue(context.Background(), g)
	require.NoError(t, err)
	require.Equal(t, int32(300), res.ExpiresIn)
	ac, err := iss.VerifyAccess(context.Background(), res.AccessToken)
	require.NoError(t, err)
	require.Equal(t, t0.Add(5*time.Minute), ac.ExpiresAt.UTC())
	ic, err := iss.VerifyID(context.Background(), res.IdToken, "")
	require.NoError(t, err)
	require.Equal(t, t0.Add(91*time.Second), ic.ExpiresAt.UTC())

	g.AccessValidity = 100 * 365 * 24 * time.Hour // capped
	res, err = iss.Issue(context.Background(), g)
	require.NoError(t, err)
	require.Equal(t, int32(token.MaxValidity/time.Second), res.ExpiresIn)
}

func TestIssueCustomIssuerURL(t *testing.T) {
	url := func(pool string) string { return "http://localhost:9229/" + pool }
	iss, _ := setup(t, func(c *token.Config) { c.IssuerURL = url })
	res, err := iss.Issue(context.Background(), grant("dave"))
	require.NoError(t, err)
	jwks, _ := iss.JWKS()
	_, claims := verifyWithJose(t, jwks, res.AccessToken)
	require.Equal(t, "http://localhost:9229/"+testPool, claims["iss"])
	ac, err := iss.VerifyAccess(context.Background(), res.AccessToken)
	require.NoError(t, err)
	require.Equal(t, testPool, ac.PoolID)

	// An issuer with the default URL and the same keys refuses it (wrong iss).
	other, _ := setup(t)
	_, err = other.VerifyAccess(context.Background(), res.AccessToken)
	requireCode(t, err, challenge.ErrNotAuthorized, challenge.MsgInvalidAccessToken)
}

func TestIssueRefusesMalformedGrants(t *testing.T) {
	iss, _ := setup(t)
	for name, mod := range map[string]func(*challenge.TokenGrant){
		"no pool":           func(g *challenge.TokenGrant) { g.PoolID = "" },
		"slash in pool":     func(g *challenge.TokenGrant) { g.PoolID = "eu-west-1_a/b" },
		"no client":         func(g *challenge.TokenGrant) { g.ClientID = "" },
		"no username":       func(g *challenge.TokenGrant) { g.Username = "" },
		"no sub":            func(g *challenge.TokenGrant) { g.Sub = "" },
		"origin no refresh": func(g *challenge.TokenGrant) { g.Origin = "x" },
		"rotate no refresh": func(g *challenge.TokenGrant) { g.RotateRefresh = true },
	} {
		t.Run(name, func(t *testing.T) {
			g := grant("erin")
			mod(&g)
			_, err := iss.Issue(context.Background(), g)
			requireCode(t, err, challenge.ErrInternalError, "An internal error occurred.")
		})
	}
}

func TestNewValidatesConfig(t *testing.T) {
	_, err := token.New(token.Config{})
	require.Error(t, err)
	_, err = token.New(token.Config{Keys: &token.KeySet{}})
	require.Error(t, err)
	_, err = token.New(token.Config{Keys: loadKeys(t), RotationGrace: -time.Second})
	require.Error(t, err)
	iss, err := token.New(token.Config{Keys: loadKeys(t)}) // real clock, crypto/rand
	require.NoError(t, err)
	res, err := iss.Issue(context.Background(), grant("frank"))
	require.NoError(t, err)
	_, err = iss.VerifyAccess(context.Background(), res.AccessToken)
	require.NoError(t, err)
}

func TestDefaultIssuerURL(t *testing.T) {
	require.Equal(t, testIss, token.DefaultIssuerURL(testPool))
	require.Equal(t, "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x", token.DefaultIssuerURL("us-east-1_x"))
}

func TestNothingSecretIsPrinted(t *testing.T) {
	iss, _ := setup(t)
	res, err := iss.Issue(context.Background(), fullGrant())
	require.NoError(t, err)
	data, err := iss.Keys().MarshalKeyFile()
	require.NoError(t, err)
	var kf struct {
		Keys []struct {
			PrivateKey string `json:"private_key"`
		} `json:"keys"`
	}
	require.NoError(t, json.Unmarshal(data, &kf))
	pemBody := strings.Split(kf.Keys[0].PrivateKey, "\n")[1]

	secrets := []string{res.AccessToken, res.IdToken, res.RefreshToken, strings.Split(res.AccessToken, ".")[2], pemBody}
	var printed []string
	printed = append(printed, fmt.Sprintf("%v %+v %#v", iss, iss, iss), fmt.Sprintf("%v %+v", iss.Keys(), iss.Keys()), res.String())
	// Errors of every kind, with their causes.
	tampered := res.AccessToken[:len(res.AccessToken)-4] + "AAAA"
	for _, err := range []error{
		func() error { _, err := iss.VerifyAccess(context.Background(), tampered); return err }(),
		func() error { _, err := iss.VerifyAccess(context.Background(), res.IdToken); return err }(),
		func() error { _, err := iss.Refresh(context.Background(), "other", res.RefreshToken); return err }(),
		iss.Revoke(context.Background(), "other", res.RefreshToken),
		iss.Revoke(context.Background(), testClient, res.AccessToken),
	} {
		require.Error(t, err)
		var e *challenge.Error
		require.ErrorAs(t, err, &e)
		printed = append(printed, err.Error(), fmt.Sprintf("%+v", err))
		if e.Err != nil {
			printed = append(printed, e.Err.Error())
		}
	}
	for _, p := range printed {
		for _, s := range secrets {
			require.NotContains(t, p, s)
		}
	}
}

// TestIssueEventIDFromGrant: a grant's EventID (the auth event a sign-in
// recorded) is the event_id of both tokens; without one each issue makes
// its own, and the rest of the randomness is drawn the same either way.
func TestIssueEventIDFromGrant(t *testing.T) {
	const event = "0f8fad5b-d9cb-469f-a165-70867728950e"
	iss, _ := setup(t)
	other, _ := setup(t)
	g := grant("bob")
	g.EventID = event
	res, err := iss.Issue(context.Background(), g)
	require.NoError(t, err)
	plain, err := other.Issue(context.Background(), grant("bob"))
	require.NoError(t, err)
	jwks, err := iss.JWKS()
	require.NoError(t, err)
	_, access := verifyWithJose(t, jwks, res.AccessToken)
	_, id := verifyWithJose(t, jwks, res.IdToken)
	require.Equal(t, event, access["event_id"])
	require.Equal(t, event, id["event_id"])
	_, plainAccess := verifyWithJose(t, jwks, plain.AccessToken)
	require.NotEqual(t, event, plainAccess["event_id"])
	require.Regexp(t, `^[0-9a-f-]{36}$`, plainAccess["event_id"])
	require.Equal(t, plainAccess["jti"], access["jti"], "the same randomness is drawn")
	require.Equal(t, plain.RefreshToken, res.RefreshToken)
}
