package cognitoserver

import (
	"context"
	"crypto/subtle"

	"github.com/authflow/authflow/flow"
)

// demoQuestion is what the demo CUSTOM_CHALLENGE asks.
const demoQuestion = "What is the answer to the demo question?"

// demoCustomAuth returns the demo custom-authentication hooks: one
// CUSTOM_CHALLENGE (after PASSWORD_VERIFIER when the client starts with
// SRP_A) whose answer is answer; a wrong answer fails the sign-in. The
// engine runs them for every app client that allows CUSTOM_AUTH.
func demoCustomAuth(answer string) flow.Hooks {
	return flow.Hooks{
		DefineAuthChallenge: func(_ context.Context, in flow.DefineAuthChallengeInput) (*flow.DefineAuthChallengeOutput, error) {
			h := in.Session
			switch {
			case len(h) == 0:
				return &flow.DefineAuthChallengeOutput{ChallengeName: "CUSTOM_CHALLENGE"}, nil
			case !h[len(h)-1].ChallengeResult:
				return &flow.DefineAuthChallengeOutput{FailAuthentication: true}, nil
			case h[len(h)-1].ChallengeName == "SRP_A":
				return &flow.DefineAuthChallengeOutput{ChallengeName: "PASSWORD_VERIFIER"}, nil
			case h[len(h)-1].ChallengeName == "PASSWORD_VERIFIER":
				return &flow.DefineAuthChallengeOutput{ChallengeName: "CUSTOM_CHALLENGE"}, nil
			}
			return &flow.DefineAuthChallengeOutput{IssueTokens: true}, nil
		},
		CreateAuthChallenge: func(context.Context, flow.CreateAuthChallengeInput) (*flow.CreateAuthChallengeOutput, error) {
			return &flow.CreateAuthChallengeOutput{PublicChallengeParameters: map[string]string{"question": demoQuestion},
				ChallengeMetadata: "DEMO_QUESTION"}, nil
		},
		VerifyAuthChallenge: func(_ context.Context, in flow.VerifyAuthChallengeInput) (*flow.VerifyAuthChallengeOutput, error) {
			ok := subtle.ConstantTimeCompare([]byte(in.ChallengeAnswer), []byte(answer)) == 1
			return &flow.VerifyAuthChallengeOutput{AnswerCorrect: ok}, nil
		},
	}
}
