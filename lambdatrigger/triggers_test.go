package lambdatrigger_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/lambdatrigger/lambdatest"
)

var arn = lambdatest.ARN

func TestPreSignUpAutoConfirmsAndVerifies(t *testing.T) {
	e := newEnv(t, envOptions{lambda: &challenge.LambdaConfigType{PreSignUp: arn("pre-sign-up")}, autoEmail: true})
	e.fns.Handle("pre-sign-up", echo(func(req, resp map[string]any) {
		resp["autoConfirmUser"] = true
		resp["autoVerifyEmail"] = true
	}))
	out, err := e.svc.SignUp(ctx, &challenge.SignUpInput{ClientId: e.client, Username: "ana", Password: "Passw0rd!",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: "ana@example.com"}},
		ValidationData: []challenge.AttributeType{{Name: "invite", Value: "K1"}}, ClientMetadata: map[string]string{"src": "web"}})
	require.NoError(t, err)
	assert.True(t, out.UserConfirmed)
	assert.Nil(t, out.CodeDeliveryDetails, "an auto-confirmed user gets no code")
	u := e.user(t, "ana")
	assert.Equal(t, flow.StatusConfirmed, u.Status)
	assert.Equal(t, "true", u.Attributes["email_verified"])

	calls := e.fns.Calls("pre-sign-up")
	require.Len(t, calls, 1)
	ev := calls[0].Event
	requireCommon(t, ev, e.poolID, "ana", e.client, "PreSignUp_SignUp")
	req := lambdatest.Request(ev)
	assert.Equal(t, map[string]any{"email": "ana@example.com"}, req["userAttributes"])
	assert.Equal(t, map[string]any{"invite": "K1"}, req["validationData"])
	assert.Equal(t, map[string]any{"src": "web"}, req["clientMetadata"])
	assert.Equal(t, map[string]any{"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false}, ev["response"])

	// The user signs in at once.
	signIn, err := e.passwordSignIn("ana", "Passw0rd!", nil)
	require.NoError(t, err)
	require.NotNil(t, signIn.AuthenticationResult)
}

func TestPreSignUpRefuses(t *testing.T) {
	e := newEnv(t, envOptions{lambda: &challenge.LambdaConfigType{PreSignUp: arn("pre-sign-up")}})
	e.fns.Handle("pre-sign-up", fail("Sign-ups are closed"))
	_, err := e.svc.SignUp(ctx, &challenge.SignUpInput{ClientId: e.client, Username: "bo", Password: "Passw0rd!"})
	requireCode(t, err, challenge.ErrUserLambdaValidation, "PreSignUp failed with error Sign-ups are closed.")
	assert.Nil(t, e.user(t, "bo"), "a refused sign-up stores nothing")

	_, err = e.svc.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: e.poolID, Username: "cy"})
	requireCode(t, err, challenge.ErrUserLambdaValidation, "PreSignUp failed with error Sign-ups are closed.")
	assert.Nil(t, e.user(t, "cy"))
	calls := e.fns.Calls("pre-sign-up")
	require.Len(t, calls, 2)
	requireCommon(t, calls[1].Event, e.poolID, "cy", "CLIENT_ID_NOT_APPLICABLE", "PreSignUp_AdminCreateUser")
}

func TestPreSignUpWithoutAutoConfirmSendsTheCode(t *testing.T) {
	e := newEnv(t, envOptions{lambda: &challenge.LambdaConfigType{PreSignUp: arn("pre-sign-up")}, autoEmail: true})
	e.fns.Handle("pre-sign-up", echo(nil))
	out, err := e.svc.SignUp(ctx, &challenge.SignUpInput{ClientId: e.client, Username: "dee", Password: "Passw0rd!",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: "dee@example.com"}}})
	require.NoError(t, err)
	assert.False(t, out.UserConfirmed)
	require.NotNil(t, out.CodeDeliveryDetails)
	assert.Equal(t, flow.StatusUnconfirmed, e.user(t, "dee").Status)
	assert.Empty(t, e.user(t, "dee").Attributes["email_verified"])
}

func TestPostConfirmation(t *testing.T) {
	e := newEnv(t, envOptions{lambda: &challenge.LambdaConfigType{PostConfirmation: arn("post-confirm")}, autoEmail: true})
	e.fns.Handle("post-confirm", echo(nil))

	// ConfirmSignUp with the emailed code.
	_, err := e.svc.SignUp(ctx, &challenge.SignUpInput{ClientId: e.client, Username: "eve", Password: "Passw0rd!",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: "eve@example.com"}}})
	require.NoError(t, err)
	assert.Empty(t, e.fns.Calls("post-confirm"), "not before confirmation")
	_, err = e.svc.ConfirmSignUp(ctx, &challenge.ConfirmSignUpInput{ClientId: e.client, Username: "eve",
		ConfirmationCode: e.out.last(t).m.Code, ClientMetadata: map[string]string{"k": "v"}})
	require.NoError(t, err)
	calls := e.fns.Calls("post-confirm")
	require.Len(t, calls, 1)
	requireCommon(t, calls[0].Event, e.poolID, "eve", e.client, "PostConfirmation_ConfirmSignUp")
	req := lambdatest.Request(calls[0].Event)
	attrs := req["userAttributes"].(map[string]any)
	assert.Equal(t, "CONFIRMED", attrs["cognito:user_status"], "the function runs after the confirmation")
	assert.Equal(t, e.user(t, "eve").Sub, attrs["sub"])
	assert.Equal(t, "true", attrs["email_verified"])
	assert.Equal(t, map[string]any{"k": "v"}, req["clientMetadata"])

	// AdminConfirmSignUp: exactly one more call.
	_, err = e.svc.SignUp(ctx, &challenge.SignUpInput{ClientId: e.client, Username: "fay", Password: "Passw0rd!"})
	require.NoError(t, err)
	_, err = e.svc.AdminConfirmSignUp(ctx, &challenge.AdminConfirmSignUpInput{UserPoolId: e.poolID, Username: "fay"})
	require.NoError(t, err)
	calls = e.fns.Calls("post-confirm")
	require.Len(t, calls, 2)
	requireCommon(t, calls[1].Event, e.poolID, "fay", "CLIENT_ID_NOT_APPLICABLE", "PostConfirmation_ConfirmSignUp")

	// A function that throws fails the call; the user stays confirmed, as in Cognito.
	e.fns.Handle("post-confirm", fail("CRM is down"))
	_, err = e.svc.SignUp(ctx, &challenge.SignUpInput{ClientId: e.client, Username: "gus", Password: "Passw0rd!"})
	require.NoError(t, err)
	_, err = e.svc.AdminConfirmSignUp(ctx, &challenge.AdminConfirmSignUpInput{UserPoolId: e.poolID, Username: "gus"})
	requireCode(t, err, challenge.ErrUserLambdaValidation, "PostConfirmation failed with error CRM is down.")
	assert.Equal(t, flow.StatusConfirmed, e.user(t, "gus").Status)

	// ConfirmForgotPassword.
	e.fns.Handle("post-confirm", echo(nil))
	_, err = e.svc.ForgotPassword(ctx, &challenge.UsernameInput{ClientId: e.client, Username: "eve"})
	require.NoError(t, err)
	_, err = e.svc.ConfirmForgotPassword(ctx, &challenge.ConfirmForgotPasswordInput{ClientId: e.client, Username: "eve",
		ConfirmationCode: e.out.last(t).m.Code, Password: "N3w-passw0rd!"})
	require.NoError(t, err)
	calls = e.fns.Calls("post-confirm")
	require.Len(t, calls, 4)
	requireCommon(t, calls[3].Event, e.poolID, "eve", e.client, "PostConfirmation_ConfirmForgotPassword")
}

func TestPreAuthenticationRefuses(t *testing.T) {
	e := newEnv(t, envOptions{lambda: &challenge.LambdaConfigType{PreAuthentication: arn("pre-auth")}})
	e.confirmedUser(t, "hal", "Passw0rd!", challenge.AttributeType{Name: "email", Value: "hal@example.com"})
	e.fns.Handle("pre-auth", func(ev map[string]any) (any, error) {
		if lambdatest.Request(ev)["validationData"].(map[string]any)["device"] == "kiosk" {
			return nil, errors.New("Kiosks may not sign in")
		}
		return ev, nil
	})
	_, err := e.passwordSignIn("hal", "Passw0rd!", map[string]string{"device": "kiosk"})
	requireCode(t, err, challenge.ErrUserLambdaValidation, "PreAuthentication failed with error Kiosks may not sign in.")
	out, err := e.passwordSignIn("hal", "Passw0rd!", map[string]string{"device": "phone"})
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)

	calls := e.fns.Calls("pre-auth")
	require.Len(t, calls, 2)
	requireCommon(t, calls[0].Event, e.poolID, "hal", e.client, "PreAuthentication_Authentication")
	attrs := lambdatest.Request(calls[0].Event)["userAttributes"].(map[string]any)
	assert.Equal(t, "hal@example.com", attrs["email"])
	assert.Equal(t, "CONFIRMED", attrs["cognito:user_status"])
	assert.Equal(t, e.user(t, "hal").Sub, attrs["sub"])
}

func TestPostAuthentication(t *testing.T) {
	e := newEnv(t, envOptions{lambda: &challenge.LambdaConfigType{PostAuthentication: arn("post-auth")}})
	e.confirmedUser(t, "ida", "Passw0rd!")
	e.fns.Handle("post-auth", echo(nil))
	_, err := e.passwordSignIn("ida", "wrong-Passw0rd!", nil)
	requireCode(t, err, challenge.ErrNotAuthorized, "")
	assert.Empty(t, e.fns.Calls("post-auth"), "not after a failed sign-in")
	out, err := e.passwordSignIn("ida", "Passw0rd!", map[string]string{"m": "1"})
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
	calls := e.fns.Calls("post-auth")
	require.Len(t, calls, 1)
	requireCommon(t, calls[0].Event, e.poolID, "ida", e.client, "PostAuthentication_Authentication")
	req := lambdatest.Request(calls[0].Event)
	assert.Equal(t, false, req["newDeviceUsed"])
	assert.Equal(t, map[string]any{"m": "1"}, req["clientMetadata"])

	e.fns.Handle("post-auth", fail("audit log full"))
	_, err = e.passwordSignIn("ida", "Passw0rd!", nil)
	requireCode(t, err, challenge.ErrUserLambdaValidation, "PostAuthentication failed with error audit log full.")
}

func TestPreTokenGenerationV1(t *testing.T) {
	e := newEnv(t, envOptions{lambda: &challenge.LambdaConfigType{PreTokenGeneration: arn("pre-token")}})
	e.confirmedUser(t, "jo", "Passw0rd!", challenge.AttributeType{Name: "email", Value: "jo@example.com"})
	_, err := e.svc.CreateGroup(ctx, &challenge.CreateGroupInput{UserPoolId: e.poolID, GroupName: "staff"})
	require.NoError(t, err)
	_, err = e.svc.AdminAddUserToGroup(ctx, &challenge.AdminUserGroupInput{UserPoolId: e.poolID, Username: "jo", GroupName: "staff"})
	require.NoError(t, err)
	e.fns.Handle("pre-token", echo(func(req, resp map[string]any) {
		resp["claimsOverrideDetails"] = map[string]any{
			"claimsToAddOrOverride": map[string]any{"tier": "gold"},
			"claimsToSuppress":      []any{"email"},
			"groupOverrideDetails":  map[string]any{"groupsToOverride": []any{"admins", "staff"}},
		}
	}))
	out, err := e.passwordSignIn("jo", "Passw0rd!", nil)
	require.NoError(t, err)
	id := claims(t, out.AuthenticationResult.IdToken)
	assert.Equal(t, "gold", id["tier"])
	assert.NotContains(t, id, "email")
	assert.Equal(t, []any{"admins", "staff"}, id["cognito:groups"])
	access := claims(t, out.AuthenticationResult.AccessToken)
	assert.NotContains(t, access, "tier", "version 1 shapes the ID token only")

	calls := e.fns.Calls("pre-token")
	require.Len(t, calls, 1)
	requireCommon(t, calls[0].Event, e.poolID, "jo", e.client, "TokenGeneration_Authentication")
	req := lambdatest.Request(calls[0].Event)
	assert.Equal(t, map[string]any{"groupsToOverride": []any{"staff"}, "iamRolesToOverride": []any{}, "preferredRole": nil},
		req["groupConfiguration"])
	assert.NotContains(t, req, "scopes")
	assert.Equal(t, "jo@example.com", req["userAttributes"].(map[string]any)["email"])
}

func TestPreTokenGenerationV2(t *testing.T) {
	e := newEnv(t, envOptions{lambda: &challenge.LambdaConfigType{
		PreTokenGenerationConfig: &challenge.PreTokenGenerationConfig{LambdaArn: arn("pre-token-2"), LambdaVersion: "V2_0"}}})
	e.confirmedUser(t, "kit", "Passw0rd!")
	e.fns.Handle("pre-token-2", echo(func(req, resp map[string]any) {
		resp["claimsAndScopeOverrideDetails"] = map[string]any{
			"idTokenGeneration":     map[string]any{"claimsToAddOrOverride": map[string]any{"plan": map[string]any{"seats": 3.0}}},
			"accessTokenGeneration": map[string]any{"claimsToAddOrOverride": map[string]any{"tenant": "t1"}, "scopesToAdd": []any{"orders/read"}},
		}
	}))
	out, err := e.passwordSignIn("kit", "Passw0rd!", nil)
	require.NoError(t, err)
	id := claims(t, out.AuthenticationResult.IdToken)
	assert.Equal(t, map[string]any{"seats": 3.0}, id["plan"])
	access := claims(t, out.AuthenticationResult.AccessToken)
	assert.Equal(t, "t1", access["tenant"])
	assert.Contains(t, access["scope"], "orders/read")

	calls := e.fns.Calls("pre-token-2")
	require.Len(t, calls, 1)
	ev := calls[0].Event
	assert.Equal(t, "2", ev["version"])
	assert.Equal(t, "TokenGeneration_Authentication", ev["triggerSource"])
	assert.Equal(t, []any{"aws.cognito.signin.user.admin"}, lambdatest.Request(ev)["scopes"])

	// A refresh runs it again with its own source.
	_, err = e.svc.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowRefreshTokenAuth, ClientId: e.client,
		AuthParameters: map[string]string{"REFRESH_TOKEN": out.AuthenticationResult.RefreshToken}})
	require.NoError(t, err)
	calls = e.fns.Calls("pre-token-2")
	require.Len(t, calls, 2)
	assert.Equal(t, "TokenGeneration_RefreshTokens", calls[1].Event["triggerSource"])
}

func TestUserMigration(t *testing.T) {
	e := newEnv(t, envOptions{lambda: &challenge.LambdaConfigType{UserMigration: arn("migrate")}})
	e.fns.Handle("migrate", func(ev map[string]any) (any, error) {
		if ev["userName"] != "legacy" || lambdatest.Request(ev)["password"] != "Old-passw0rd!" {
			return nil, errors.New("Bad password")
		}
		resp := lambdatest.Response(ev)
		resp["userAttributes"] = map[string]any{"email": "legacy@example.com", "email_verified": "true"}
		resp["finalUserStatus"] = "CONFIRMED"
		return ev, nil
	})
	_, err := e.passwordSignIn("legacy", "wrong", nil)
	requireCode(t, err, challenge.ErrUserNotFound, "")
	assert.Nil(t, e.user(t, "legacy"))
	out, err := e.passwordSignIn("legacy", "Old-passw0rd!", map[string]string{"from": "v1"})
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
	u := e.user(t, "legacy")
	require.NotNil(t, u)
	assert.Equal(t, "legacy@example.com", u.Attributes["email"])

	calls := e.fns.Calls("migrate")
	require.Len(t, calls, 2)
	requireCommon(t, calls[1].Event, e.poolID, "legacy", e.client, "UserMigration_Authentication")
	assert.Equal(t, map[string]any{"from": "v1"}, lambdatest.Request(calls[1].Event)["validationData"])
}

// customAuth defines the three custom-auth functions: one question whose
// answer is "42".
func customAuth(e *env) {
	e.fns.Handle("define", echo(func(req, resp map[string]any) {
		s, _ := req["session"].([]any)
		switch {
		case len(s) == 0:
			resp["challengeName"] = "CUSTOM_CHALLENGE"
		case s[len(s)-1].(map[string]any)["challengeResult"] == true:
			resp["issueTokens"] = true
		default:
			resp["failAuthentication"] = true
		}
	}))
	e.fns.Handle("create", echo(func(req, resp map[string]any) {
		resp["publicChallengeParameters"] = map[string]any{"question": "6 x 7?"}
		resp["privateChallengeParameters"] = map[string]any{"answer": "42"}
		resp["challengeMetadata"] = "QUESTION-1"
	}))
	e.fns.Handle("verify", echo(func(req, resp map[string]any) {
		resp["answerCorrect"] = req["challengeAnswer"] == req["privateChallengeParameters"].(map[string]any)["answer"]
	}))
}

var customConfig = &challenge.LambdaConfigType{DefineAuthChallenge: arn("define"), CreateAuthChallenge: arn("create"),
	VerifyAuthChallengeResponse: arn("verify")}

func TestCustomAuthEndToEnd(t *testing.T) {
	e := newEnv(t, envOptions{lambda: customConfig})
	e.confirmedUser(t, "lou", "Passw0rd!")
	customAuth(e)
	start, err := e.svc.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowCustomAuth, ClientId: e.client,
		AuthParameters: map[string]string{"USERNAME": "lou"}})
	require.NoError(t, err)
	require.Equal(t, challenge.CustomChallenge, start.ChallengeName)
	assert.Equal(t, "6 x 7?", start.ChallengeParameters["question"])
	assert.NotContains(t, start.ChallengeParameters, "answer", "private parameters stay private")

	done, err := e.svc.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ClientId: e.client,
		ChallengeName: challenge.CustomChallenge, Session: start.Session,
		ChallengeResponses: map[string]string{"USERNAME": "lou", "ANSWER": "42"}, ClientMetadata: map[string]string{"r": "1"}})
	require.NoError(t, err)
	require.NotNil(t, done.AuthenticationResult)

	defines := e.fns.Calls("define")
	require.Len(t, defines, 2)
	requireCommon(t, defines[0].Event, e.poolID, "lou", e.client, "DefineAuthChallenge_Authentication")
	assert.Equal(t, []any{}, lambdatest.Request(defines[0].Event)["session"])
	assert.Equal(t, []any{map[string]any{"challengeName": "CUSTOM_CHALLENGE", "challengeResult": true, "challengeMetadata": "QUESTION-1"}},
		lambdatest.Request(defines[1].Event)["session"])
	assert.Equal(t, map[string]any{"challengeName": nil, "issueTokens": nil, "failAuthentication": nil}, defines[0].Event["response"])
	creates := e.fns.Calls("create")
	require.Len(t, creates, 1)
	requireCommon(t, creates[0].Event, e.poolID, "lou", e.client, "CreateAuthChallenge_Authentication")
	assert.Equal(t, "CUSTOM_CHALLENGE", lambdatest.Request(creates[0].Event)["challengeName"])
	verifies := e.fns.Calls("verify")
	require.Len(t, verifies, 1)
	requireCommon(t, verifies[0].Event, e.poolID, "lou", e.client, "VerifyAuthChallengeResponse_Authentication")
	vreq := lambdatest.Request(verifies[0].Event)
	assert.Equal(t, "42", vreq["challengeAnswer"])
	assert.Equal(t, map[string]any{"r": "1"}, vreq["clientMetadata"])
	assert.Equal(t, false, vreq["userNotFound"])

	// A wrong answer fails the sign-in, as the define function says.
	start, err = e.svc.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowCustomAuth, ClientId: e.client,
		AuthParameters: map[string]string{"USERNAME": "lou"}})
	require.NoError(t, err)
	_, err = e.svc.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ClientId: e.client,
		ChallengeName: challenge.CustomChallenge, Session: start.Session,
		ChallengeResponses: map[string]string{"USERNAME": "lou", "ANSWER": "41"}})
	requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")
}

func TestCustomAuthNotConfigured(t *testing.T) {
	e := newEnv(t, envOptions{lambda: &challenge.LambdaConfigType{DefineAuthChallenge: arn("define")}})
	e.confirmedUser(t, "max", "Passw0rd!")
	_, err := e.svc.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowCustomAuth, ClientId: e.client,
		AuthParameters: map[string]string{"USERNAME": "max"}})
	requireCode(t, err, challenge.ErrInvalidParameter, "Custom auth lambda trigger is not configured for the user pool.")
	assert.Empty(t, e.fns.Calls(""), "nothing is invoked")
}

func TestCustomAuthGoHooksServePoolsWithoutFunctions(t *testing.T) {
	defined := 0
	hooks := flow.Hooks{
		DefineAuthChallenge: func(_ context.Context, in flow.DefineAuthChallengeInput) (*flow.DefineAuthChallengeOutput, error) {
			defined++
			return &flow.DefineAuthChallengeOutput{FailAuthentication: true}, nil
		},
		CreateAuthChallenge: func(context.Context, flow.CreateAuthChallengeInput) (*flow.CreateAuthChallengeOutput, error) {
			return nil, errors.New("unused")
		},
		VerifyAuthChallenge: func(context.Context, flow.VerifyAuthChallengeInput) (*flow.VerifyAuthChallengeOutput, error) {
			return nil, errors.New("unused")
		},
	}
	e := newEnv(t, envOptions{hooks: hooks})
	e.confirmedUser(t, "ned", "Passw0rd!")
	_, err := e.svc.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowCustomAuth, ClientId: e.client,
		AuthParameters: map[string]string{"USERNAME": "ned"}})
	requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")
	assert.Equal(t, 1, defined)
}

func TestGoHookRunsBeforeTheFunction(t *testing.T) {
	hooks := flow.Hooks{PreAuthentication: func(_ context.Context, in flow.PreAuthenticationInput) error {
		if in.Username == "ollie" {
			return errors.New("blocked in Go")
		}
		return nil
	}}
	e := newEnv(t, envOptions{lambda: &challenge.LambdaConfigType{PreAuthentication: arn("pre-auth")}, hooks: hooks})
	e.fns.Handle("pre-auth", echo(nil))
	e.confirmedUser(t, "ollie", "Passw0rd!")
	e.confirmedUser(t, "pam", "Passw0rd!")
	_, err := e.passwordSignIn("ollie", "Passw0rd!", nil)
	requireCode(t, err, challenge.ErrUserLambdaValidation, "PreAuthentication failed with error blocked in Go.")
	assert.Empty(t, e.fns.Calls("pre-auth"))
	_, err = e.passwordSignIn("pam", "Passw0rd!", nil)
	require.NoError(t, err)
	assert.Len(t, e.fns.Calls("pre-auth"), 1)
}

func TestCustomMessage(t *testing.T) {
	e := newEnv(t, envOptions{lambda: &challenge.LambdaConfigType{CustomMessage: arn("message")}, autoEmail: true})
	e.fns.Handle("message", echo(func(req, resp map[string]any) {
		resp["emailSubject"] = "Welcome"
		resp["emailMessage"] = "Your code is " + req["codeParameter"].(string) + "."
	}))
	_, err := e.svc.SignUp(ctx, &challenge.SignUpInput{ClientId: e.client, Username: "quin", Password: "Passw0rd!",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: "quin@example.com"}}})
	require.NoError(t, err)
	m := e.out.last(t)
	require.NotNil(t, m.text, "the text goes to a TextSender")
	assert.Equal(t, "Welcome", m.text.EmailSubject)
	assert.Equal(t, "Your code is "+m.m.Code+".", m.text.EmailMessage)
	assert.Len(t, m.m.Code, 6)

	_, err = e.svc.ResendConfirmationCode(ctx, &challenge.UsernameInput{ClientId: e.client, Username: "quin"})
	require.NoError(t, err)
	calls := e.fns.Calls("message")
	require.Len(t, calls, 2)
	requireCommon(t, calls[0].Event, e.poolID, "quin", e.client, "CustomMessage_SignUp")
	requireCommon(t, calls[1].Event, e.poolID, "quin", e.client, "CustomMessage_ResendCode")
	req := lambdatest.Request(calls[0].Event)
	assert.Equal(t, "{####}", req["codeParameter"])
	assert.Nil(t, req["usernameParameter"])
	assert.NotContains(t, string(calls[0].Body), m.m.Code, "the function never sees the code")

	_, err = e.svc.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: e.poolID, Username: "rex",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: "rex@example.com"}}})
	require.NoError(t, err)
	calls = e.fns.Calls("message")
	require.Len(t, calls, 3)
	requireCommon(t, calls[2].Event, e.poolID, "rex", "CLIENT_ID_NOT_APPLICABLE", "CustomMessage_AdminCreateUser")
	assert.Equal(t, "{username}", lambdatest.Request(calls[2].Event)["usernameParameter"])
}

func TestCustomMessageFailureFailsTheDelivery(t *testing.T) {
	e := newEnv(t, envOptions{lambda: &challenge.LambdaConfigType{CustomMessage: arn("message")}, autoEmail: true})
	e.fns.Handle("message", fail("template missing"))
	_, err := e.svc.SignUp(ctx, &challenge.SignUpInput{ClientId: e.client, Username: "sal", Password: "Passw0rd!",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: "sal@example.com"}}})
	requireCode(t, err, challenge.ErrUserLambdaValidation, "CustomMessage failed with error template missing.")
	assert.Nil(t, e.user(t, "sal"))
}

func TestInvocationFailures(t *testing.T) {
	e := newEnv(t, envOptions{lambda: &challenge.LambdaConfigType{PreAuthentication: arn("pre-auth")}, timeout: 200 * time.Millisecond})
	e.confirmedUser(t, "ted", "Passw0rd!")

	// No such function at the endpoint.
	_, err := e.passwordSignIn("ted", "Passw0rd!", nil)
	requireCode(t, err, challenge.ErrUnexpectedLambda, "PreAuthentication invocation failed due to error ResourceNotFoundException.")

	// Output that is not JSON.
	e.fns.Handle("pre-auth", func(map[string]any) (any, error) { return lambdatest.Raw("not json"), nil })
	_, err = e.passwordSignIn("ted", "Passw0rd!", nil)
	requireCode(t, err, challenge.ErrInvalidLambdaResponse, "Invalid lambda function output : Invalid JSON")

	// A function that does not answer within the timeout.
	release := make(chan struct{})
	defer close(release)
	e.fns.Handle("pre-auth", func(ev map[string]any) (any, error) {
		<-release
		return ev, nil
	})
	_, err = e.passwordSignIn("ted", "Passw0rd!", nil)
	requireCode(t, err, challenge.ErrUnexpectedLambda, "PreAuthentication invocation failed due to error Socket timeout while invoking Lambda function.")
}

func TestUnreachableEndpoint(t *testing.T) {
	dead := httptest.NewServer(nil)
	url := dead.URL
	dead.Close()
	e := newEnv(t, envOptions{lambda: &challenge.LambdaConfigType{PreAuthentication: arn("pre-auth")}, endpoint: url})
	e.confirmedUser(t, "uma", "Passw0rd!")
	_, err := e.passwordSignIn("uma", "Passw0rd!", nil)
	requireCode(t, err, challenge.ErrUnexpectedLambda, "PreAuthentication invocation failed due to error Connection refused while invoking Lambda function.")
}

func TestPoolsWithoutTriggersInvokeNothing(t *testing.T) {
	e := newEnv(t, envOptions{autoEmail: true})
	e.confirmedUser(t, "val", "Passw0rd!")
	out, err := e.passwordSignIn("val", "Passw0rd!", nil)
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
	_, err = e.svc.SignUp(ctx, &challenge.SignUpInput{ClientId: e.client, Username: "wes", Password: "Passw0rd!",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: "wes@example.com"}}})
	require.NoError(t, err)
	assert.Nil(t, e.out.last(t).text, "no CustomMessage: plain Send")
	_, err = e.passwordSignIn("nobody", "Passw0rd!", nil)
	requireCode(t, err, challenge.ErrUserNotFound, "")
	assert.Empty(t, e.fns.Calls(""))
}

func TestLambdaConfigIsKeptAndChecked(t *testing.T) {
	e := newEnv(t, envOptions{lambda: customConfig})
	d, err := e.svc.DescribeUserPool(ctx, &challenge.UserPoolIdInput{UserPoolId: e.poolID})
	require.NoError(t, err)
	assert.Equal(t, customConfig, d.UserPool.LambdaConfig)
	_, err = e.svc.UpdateUserPool(ctx, &challenge.UpdateUserPoolInput{UserPoolId: e.poolID,
		LambdaConfig: &challenge.LambdaConfigType{PreSignUp: "not-an-arn"}})
	requireCode(t, err, challenge.ErrInvalidParameter, "")
	_, err = e.svc.UpdateUserPool(ctx, &challenge.UpdateUserPoolInput{UserPoolId: e.poolID,
		LambdaConfig: &challenge.LambdaConfigType{PreTokenGenerationConfig: &challenge.PreTokenGenerationConfig{LambdaArn: arn("x"), LambdaVersion: "V9_0"}}})
	requireCode(t, err, challenge.ErrInvalidParameter, "")
	_, err = e.svc.UpdateUserPool(ctx, &challenge.UpdateUserPoolInput{UserPoolId: e.poolID})
	require.NoError(t, err)
	d, err = e.svc.DescribeUserPool(ctx, &challenge.UserPoolIdInput{UserPoolId: e.poolID})
	require.NoError(t, err)
	assert.Nil(t, d.UserPool.LambdaConfig, "UpdateUserPool without LambdaConfig removes the triggers, as Cognito does")
}
