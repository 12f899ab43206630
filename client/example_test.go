package client_test

import (
	"fmt"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/client"
)

// A Login does no I/O: it gives the request to send and turns each answer
// into the next request or the Prompt to show.
func ExampleLogin() {
	cfg := client.Config{ClientID: "client123", ClientSecret: "shh", PoolID: "us-east-1_Example"}
	l := client.NewPasswordLogin(cfg, "alice", "Correct-horse1")

	in, _ := l.Start()
	fmt.Println(in.AuthFlow, in.AuthParameters["USERNAME"], in.AuthParameters["SECRET_HASH"])

	// The server asks for an authenticator code.
	p, req, _ := l.Next(client.Reply{ChallengeName: challenge.SoftwareTokenMFA, Session: "session-1",
		ChallengeParameters: map[string]string{"USER_ID_FOR_SRP": "alice-id"}})
	fmt.Println(p.Kind, req == nil)

	_, req, _ = l.Answer(p, client.Input{Value: "123456"})
	fmt.Println(req.ChallengeName, req.Session, req.ChallengeResponses["USERNAME"], req.ChallengeResponses["SOFTWARE_TOKEN_MFA_CODE"])

	p, _, _ = l.Next(client.Reply{AuthenticationResult: &challenge.AuthenticationResult{AccessToken: "a", TokenType: "Bearer"}})
	fmt.Println(p.Kind, p.Result)
	// Output:
	// USER_PASSWORD_AUTH alice M6xh8i8Z1PXOVInqrMYhbdJpUXgud2GSTvimTY4vdLA=
	// TOTPCode true
	// SOFTWARE_TOKEN_MFA session-1 alice-id 123456
	// Done AuthenticationResult{TokenType:Bearer AccessToken:<redacted>}
}

// During sign-in the pool may require an authenticator app (MFA_SETUP).
// Run associates one and shows PromptTOTPSetup; a program driving a Login
// by hand builds the same prompt from AssociateSoftwareToken's secret.
func ExampleLogin_TOTPSetup() {
	cfg := client.Config{ClientID: "client123", PoolID: "us-east-1_Example", TOTPIssuer: "Example Corp"}
	l := client.NewPasswordLogin(cfg, "alice", "Correct-horse1")
	_, _ = l.Start()
	p, _, _ := l.Next(client.Reply{ChallengeName: challenge.MFASetup, Session: "session-1",
		ChallengeParameters: map[string]string{"MFAS_CAN_SETUP": `["SOFTWARE_TOKEN_MFA"]`}})
	fmt.Println(p.Kind, p.Choices)

	shown := l.TOTPSetup(p, "JBSWY3DPEHPK3PXP") // AssociateSoftwareToken's SecretCode
	fmt.Println(shown.URI)
	fmt.Println(shown)
	// Output:
	// MFASetup [SOFTWARE_TOKEN_MFA]
	// otpauth://totp/Example%20Corp:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Corp&algorithm=SHA1&digits=6&period=30
	// Prompt{TOTPSetup MFA_SETUP choices=[SOFTWARE_TOKEN_MFA] secret=<redacted>}
}
