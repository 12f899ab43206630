package cognitoserver

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/lambdatrigger/lambdatest"
)

// requireAPIError asserts an SDK error's code and message.
func requireAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var api smithy.APIError
	require.True(t, errors.As(err, &api), "not an API error: %v", err)
	assert.Equal(t, code, api.ErrorCode())
	assert.Equal(t, msg, api.ErrorMessage())
}

// jwtClaims decodes a token's payload.
func jwtClaims(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	require.Len(t, parts, 3)
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var c map[string]any
	require.NoError(t, json.Unmarshal(b, &c))
	return c
}

// TestLambdaTriggersOverTheWire configures triggers through CreateUserPool's
// LambdaConfig with the AWS SDK for Go and runs them at a Lambda-compatible
// endpoint given with -lambda-endpoint.
func TestLambdaTriggersOverTheWire(t *testing.T) {
	fns := lambdatest.NewServer()
	defer fns.Close()
	echo := func(fill func(req, resp map[string]any)) lambdatest.Func {
		return func(ev map[string]any) (any, error) {
			fill(lambdatest.Request(ev), lambdatest.Response(ev))
			return ev, nil
		}
	}
	fns.Handle("PreSignUp", func(ev map[string]any) (any, error) {
		lambdatest.Response(ev)["autoConfirmUser"] = ev["userName"] != "dave"
		return ev, nil
	})
	fns.Handle("PreAuth", func(ev map[string]any) (any, error) {
		if ev["userName"] == "mallory" {
			return nil, errors.New("mallory is banned")
		}
		return ev, nil
	})
	fns.Handle("PostConfirm", echo(func(req, resp map[string]any) {}))
	fns.Handle("PreToken", echo(func(req, resp map[string]any) {
		resp["claimsAndScopeOverrideDetails"] = map[string]any{
			"idTokenGeneration": map[string]any{"claimsToAddOrOverride": map[string]any{"tier": "gold"}}}
	}))
	fns.Handle("Define", echo(func(req, resp map[string]any) {
		if s, _ := req["session"].([]any); len(s) == 0 {
			resp["challengeName"] = "CUSTOM_CHALLENGE"
		} else {
			resp["issueTokens"] = s[len(s)-1].(map[string]any)["challengeResult"] == true
			resp["failAuthentication"] = s[len(s)-1].(map[string]any)["challengeResult"] != true
		}
	}))
	fns.Handle("Create", echo(func(req, resp map[string]any) {
		resp["publicChallengeParameters"] = map[string]any{"question": "2 + 2?"}
		resp["privateChallengeParameters"] = map[string]any{"answer": "4"}
	}))
	fns.Handle("Verify", echo(func(req, resp map[string]any) {
		resp["answerCorrect"] = req["challengeAnswer"] == "4"
	}))

	endpoint, stderr, _ := startInProcess(t, "-dev", "-addr", "127.0.0.1:0", "-lambda-endpoint", fns.URL)
	assert.Contains(t, stderr.String(), "Lambda triggers on")
	api := sdkFor(endpoint)
	ctx := context.Background()
	arn := func(name string) *string { return aws.String(lambdatest.ARN(name)) }
	pool, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("triggers"),
		LambdaConfig: &types.LambdaConfigType{PreSignUp: arn("PreSignUp"), PreAuthentication: arn("PreAuth"),
			PostConfirmation: arn("PostConfirm"), DefineAuthChallenge: arn("Define"), CreateAuthChallenge: arn("Create"),
			VerifyAuthChallengeResponse: arn("Verify"),
			PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{LambdaArn: arn("PreToken"),
				LambdaVersion: types.PreTokenGenerationLambdaVersionTypeV20}}})
	require.NoError(t, err)
	poolID := aws.ToString(pool.UserPool.Id)
	require.NotNil(t, pool.UserPool.LambdaConfig)
	assert.Equal(t, lambdatest.ARN("PreAuth"), aws.ToString(pool.UserPool.LambdaConfig.PreAuthentication))
	desc, err := api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})
	require.NoError(t, err)
	assert.Equal(t, types.PreTokenGenerationLambdaVersionTypeV20, desc.UserPool.LambdaConfig.PreTokenGenerationConfig.LambdaVersion)
	client, err := api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})
	require.NoError(t, err)
	clientID := client.UserPoolClient.ClientId
	signUp := func(name string) *cip.SignUpOutput {
		out, err := api.SignUp(ctx, &cip.SignUpInput{ClientId: clientID, Username: aws.String(name), Password: aws.String("Passw0rd!")})
		require.NoError(t, err)
		return out
	}
	passwordAuth := func(name string) (*cip.InitiateAuthOutput, error) {
		return api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: clientID,
			AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": "Passw0rd!"}})
	}

	// PreSignUp confirms the user at once; PreTokenGeneration V2_0 adds a claim.
	assert.True(t, signUp("carol").UserConfirmed)
	res, err := passwordAuth("carol")
	require.NoError(t, err)
	id := jwtClaims(t, aws.ToString(res.AuthenticationResult.IdToken))
	assert.Equal(t, "gold", id["tier"])
	assert.Equal(t, "carol", id["cognito:username"])

	// PreAuthentication refuses a user.
	assert.True(t, signUp("mallory").UserConfirmed)
	_, err = passwordAuth("mallory")
	requireAPIError(t, err, "UserLambdaValidationException", "PreAuthentication failed with error mallory is banned.")
	preAuth := fns.Calls("PreAuth")
	require.Len(t, preAuth, 2)
	assert.Equal(t, "PreAuthentication_Authentication", preAuth[1].Event["triggerSource"])
	assert.Equal(t, poolID, preAuth[1].Event["userPoolId"])

	// PostConfirmation runs once on AdminConfirmSignUp.
	assert.False(t, signUp("dave").UserConfirmed)
	assert.Empty(t, fns.Calls("PostConfirm"))
	_, err = api.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(poolID), Username: aws.String("dave")})
	require.NoError(t, err)
	post := fns.Calls("PostConfirm")
	require.Len(t, post, 1)
	assert.Equal(t, "dave", post[0].Event["userName"])
	assert.Equal(t, "PostConfirmation_ConfirmSignUp", post[0].Event["triggerSource"])

	// Custom auth from end to end.
	start, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeCustomAuth, ClientId: clientID,
		AuthParameters: map[string]string{"USERNAME": "carol"}})
	require.NoError(t, err)
	assert.Equal(t, types.ChallengeNameTypeCustomChallenge, start.ChallengeName)
	assert.Equal(t, "2 + 2?", start.ChallengeParameters["question"])
	done, err := api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: clientID,
		ChallengeName: types.ChallengeNameTypeCustomChallenge, Session: start.Session,
		ChallengeResponses: map[string]string{"USERNAME": "carol", "ANSWER": "4"}})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)
	assert.Equal(t, "gold", jwtClaims(t, aws.ToString(done.AuthenticationResult.IdToken))["tier"])
	assert.Len(t, fns.Calls("Define"), 2)
	assert.Len(t, fns.Calls("Verify"), 1)

	// A malformed ARN is refused as Cognito refuses it.
	_, err = api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("bad"),
		LambdaConfig: &types.LambdaConfigType{PreAuthentication: aws.String("PreAuth")}})
	var api2 smithy.APIError
	require.True(t, errors.As(err, &api2))
	assert.Equal(t, "InvalidParameterException", api2.ErrorCode())
}

func TestLambdaEndpointMustBeAURL(t *testing.T) {
	err := runUntilReady(t, "-dev", "-addr", "127.0.0.1:0", "-lambda-endpoint", "localhost:3001")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-lambda-endpoint")
}

// TestLambdaFromConfigFile: the config file names the endpoint and a
// pool's LambdaConfig, which a restart (the pool then updated) keeps.
func TestLambdaFromConfigFile(t *testing.T) {
	fns := lambdatest.NewServer()
	defer fns.Close()
	fns.Handle("PreAuth", func(map[string]any) (any, error) { return nil, errors.New("closed for maintenance") })
	cfg := filepath.Join(t.TempDir(), "pools.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"LambdaEndpoint": "`+fns.URL+`", "Pools": [{
	  "Id": "us-east-1_Lambda1", "PoolName": "lambda",
	  "LambdaConfig": {"PreAuthentication": "`+lambdatest.ARN("PreAuth")+`"},
	  "Clients": [{"ClientId": "lambdaclient00000000000001", "ClientName": "web", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}],
	  "Users": [{"Username": "alice", "Password": "Passw0rd!"}]}]}`), 0o600))
	data := t.TempDir()
	for range 2 {
		endpoint, _, stop := startInProcess(t, "-addr", "127.0.0.1:0", "-data", data, "-config", cfg)
		_, err := sdkFor(endpoint).InitiateAuth(context.Background(), &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			ClientId: aws.String("lambdaclient00000000000001"), AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!"}})
		requireAPIError(t, err, "UserLambdaValidationException", "PreAuthentication failed with error closed for maintenance.")
		require.NoError(t, stop())
	}
	assert.Len(t, fns.Calls("PreAuth"), 2)
}
