package cognitoserver

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/srp"
)

// customConfig declares a client that allows CUSTOM_AUTH and the demo
// answer in the config file.
const customConfig = `{
  "CustomChallengeAnswer": "from-the-file",
  "Pools": [{
    "Id": "us-east-1_Custom1",
    "PoolName": "custom",
    "Clients": [{"ClientId": "customclient00000000000001", "ClientName": "web",
                 "ExplicitAuthFlows": ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}],
    "Users": [{"Username": "cody", "Password": "Passw0rd!"}]
  }]
}`

// TestDemoCustomAuthOverTheWire: the AWS SDK for Go signs in through the
// demo CUSTOM_CHALLENGE, plain and with the SRP_A variant; the flag's
// answer wins over the config file's.
func TestDemoCustomAuthOverTheWire(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "custom.json")
	require.NoError(t, os.WriteFile(cfg, []byte(customConfig), 0o600))
	endpoint, _, _ := startInProcess(t, "-addr", "127.0.0.1:0", "-data", t.TempDir(), "-config", cfg,
		"-custom-challenge-answer", "forty-two")
	api := sdkFor(endpoint)
	ctx := context.Background()
	const client = "customclient00000000000001"

	start, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: aws.String(client),
		AuthParameters: map[string]string{"USERNAME": "cody"}})
	require.NoError(t, err)
	require.Equal(t, types.ChallengeNameTypeCustomChallenge, start.ChallengeName)
	assert.Equal(t, demoQuestion, start.ChallengeParameters["question"])
	_, err = api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeCustomChallenge,
		ClientId: aws.String(client), Session: start.Session, ChallengeResponses: map[string]string{"USERNAME": "cody", "ANSWER": "from-the-file"}})
	var na *types.NotAuthorizedException
	require.ErrorAs(t, err, &na, "the flag's answer wins over the file's")
	assert.Equal(t, "Incorrect username or password.", aws.ToString(na.Message))

	start, err = api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: aws.String(client),
		AuthParameters: map[string]string{"USERNAME": "cody"}})
	require.NoError(t, err)
	done, err := api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeCustomChallenge,
		ClientId: aws.String(client), Session: start.Session, ChallengeResponses: map[string]string{"USERNAME": "cody", "ANSWER": "forty-two"}})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)
	assert.NotEmpty(t, aws.ToString(done.AuthenticationResult.IdToken))

	// The SRP_A variant: PASSWORD_VERIFIER inside the custom flow, then the question.
	c, err := srp.NewClient(strings.NewReader(strings.Repeat("custom-auth-srp-a!", 16)))
	require.NoError(t, err)
	pv, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: aws.String(client),
		AuthParameters: map[string]string{"USERNAME": "cody", "CHALLENGE_NAME": "SRP_A", "SRP_A": srp.HexInt(c.A())}})
	require.NoError(t, err)
	require.Equal(t, types.ChallengeNameTypePasswordVerifier, pv.ChallengeName)
	p := pv.ChallengeParameters
	salt, err := srp.ParseSalt(p["SALT"])
	require.NoError(t, err)
	B, err := srp.ParseB(p["SRP_B"])
	require.NoError(t, err)
	key, err := c.SessionKey("Custom1", p["USER_ID_FOR_SRP"], "Passw0rd!", salt, B)
	require.NoError(t, err)
	secret, err := base64.StdEncoding.DecodeString(p["SECRET_BLOCK"])
	require.NoError(t, err)
	ts := srp.FormatTimestamp(time.Now())
	q, err := api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier,
		ClientId: aws.String(client), Session: pv.Session, ChallengeResponses: map[string]string{
			"USERNAME": p["USER_ID_FOR_SRP"], "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "TIMESTAMP": ts,
			"PASSWORD_CLAIM_SIGNATURE": srp.Signature(key, "Custom1", p["USER_ID_FOR_SRP"], secret, ts)}})
	require.NoError(t, err)
	require.Equal(t, types.ChallengeNameTypeCustomChallenge, q.ChallengeName)
	done, err = api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeCustomChallenge,
		ClientId: aws.String(client), Session: q.Session, ChallengeResponses: map[string]string{"USERNAME": "cody", "ANSWER": "forty-two"}})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)
}
