package lambdatrigger

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/userpool"
)

// fixedInvoker answers every invocation with the same result.
type fixedInvoker struct{ r Result }

func (f fixedInvoker) Invoke(context.Context, string, []byte) (*Result, error) {
	r := f.r
	return &r, nil
}

// FuzzFunctionOutput feeds any output (and function error) to every
// trigger: nothing panics, and every failure is one of the three Lambda
// exceptions with a bounded message.
func FuzzFunctionOutput(f *testing.F) {
	f.Add([]byte(`{"response":{"autoConfirmUser":true}}`), "")
	f.Add([]byte(`{"response":{"claimsAndScopeOverrideDetails":{"idTokenGeneration":{"claimsToAddOrOverride":{"a":[1,{"b":null}]}}}}}`), "")
	f.Add([]byte(`{"response":{"claimsOverrideDetails":{"claimsToAddOrOverride":{"a":1}}}}`), "")
	f.Add([]byte(`{"response":{"challengeName":"CUSTOM_CHALLENGE","issueTokens":null}}`), "")
	f.Add([]byte(`{"response":{"userAttributes":{"email":"a@b"},"finalUserStatus":"CONFIRMED"}}`), "")
	f.Add([]byte(`{"errorMessage":"boom\n\x00","errorType":"Error"}`), "Unhandled")
	f.Add([]byte(`[]`), "")
	f.Add([]byte(`{"response":"x"}`), "")
	ctx := context.Background()
	mem := directory.NewMemory()
	fn := "arn:aws:lambda:us-east-1:1:function:f"
	lc := &challenge.LambdaConfigType{PreSignUp: fn, CustomMessage: fn, PostConfirmation: fn, PreAuthentication: fn,
		PostAuthentication: fn, DefineAuthChallenge: fn, CreateAuthChallenge: fn, VerifyAuthChallengeResponse: fn,
		UserMigration: fn, PreTokenGenerationConfig: &challenge.PreTokenGenerationConfig{LambdaArn: fn, LambdaVersion: "V2_0"}}
	if err := mem.PutPool(ctx, &flow.Pool{ID: "us-east-1_fuzz", LambdaConfig: lc}); err != nil {
		f.Fatal(err)
	}
	lc1 := *lc
	lc1.PreTokenGenerationConfig = nil
	lc1.PreTokenGeneration = fn
	if err := mem.PutPool(ctx, &flow.Pool{ID: "us-east-1_fuzz1", LambdaConfig: &lc1}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, payload []byte, functionError string) {
		tr, err := New(Config{Catalog: mem, Invoker: fixedInvoker{Result{Payload: payload, FunctionError: functionError}}})
		if err != nil {
			t.Fatal(err)
		}
		h, uh := tr.FlowHooks(), tr.UserHooks()
		u := flow.TriggerUser{PoolID: "us-east-1_fuzz", ClientID: "c", Username: "u", Attributes: map[string]string{"email": "a@b"}}
		check := func(err error) {
			if err == nil {
				return
			}
			var ce *challenge.Error
			if !errors.As(err, &ce) {
				t.Fatalf("not a *challenge.Error: %v", err)
			}
			switch ce.Code {
			case challenge.ErrUserLambdaValidation, challenge.ErrInvalidLambdaResponse, challenge.ErrUnexpectedLambda:
			default:
				t.Fatalf("unexpected code %s", ce.Code)
			}
			if len(ce.Message) > 400 || strings.ContainsAny(ce.Message, "\n\x00") {
				t.Fatalf("message not bounded: %q", ce.Message)
			}
		}
		check(h.PreAuthentication(ctx, flow.PreAuthenticationInput{TriggerUser: u}))
		check(h.PostAuthentication(ctx, flow.PostAuthenticationInput{TriggerUser: u}))
		for _, pool := range []string{"us-east-1_fuzz", "us-east-1_fuzz1"} {
			_, err := h.PreTokenGeneration(ctx, flow.PreTokenGenerationInput{PoolID: pool, Username: "u", Source: "Authentication"})
			check(err)
		}
		_, err = h.UserMigration(ctx, flow.UserMigrationInput{PoolID: u.PoolID, Username: "u", Password: "p", TriggerSource: "UserMigration_Authentication"})
		check(err)
		_, err = h.DefineAuthChallenge(ctx, flow.DefineAuthChallengeInput{TriggerUser: u})
		check(err)
		_, err = h.CreateAuthChallenge(ctx, flow.CreateAuthChallengeInput{TriggerUser: u})
		check(err)
		_, err = h.VerifyAuthChallenge(ctx, flow.VerifyAuthChallengeInput{TriggerUser: u})
		check(err)
		_, err = uh.PreSignUp(ctx, userpool.PreSignUpInput{TriggerUser: u, TriggerSource: "PreSignUp_SignUp"})
		check(err)
		check(uh.PostConfirmation(ctx, userpool.PostConfirmationInput{TriggerUser: u, TriggerSource: "PostConfirmation_ConfirmSignUp"}))
		_, err = uh.CustomMessage(ctx, userpool.CustomMessageInput{TriggerUser: u, TriggerSource: "CustomMessage_SignUp"})
		check(err)
	})
}
