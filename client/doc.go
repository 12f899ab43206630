// Package client is the client side of Amazon Cognito user-pool sign-in:
// it does what amazon-cognito-identity-js does between the calls, against
// authflow's engine or real Cognito, and answers every challenge the
// engine can send.
//
// A Login is a pure state machine (no I/O): Start gives the InitiateAuth
// request; Next turns each server answer (a Reply) into either the next
// request to send or the Prompt a user interface must show; Answer turns the
// user's Input for that Prompt into the next request. Login computes the SRP
// proofs (PASSWORD_VERIFIER, PASSWORD_SRP), the device SRP proofs
// (DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER, with Config.Device) and
// SECRET_HASH (with Config.ClientSecret) by itself; time and randomness
// come from Config.
//
// Run loops a Login over a Service (the engine in process, or
// cognitoclient.Client over HTTP) and calls a UI function for each Prompt:
//
//	l := client.NewSRPLogin(cfg, "alice", password)
//	res, err := client.Run(ctx, svc, l, func(p client.Prompt) (client.Input, error) {
//		switch p.Kind {
//		case client.PromptTOTPCode:
//			return client.Input{Value: askCode()}, nil
//		}
//		return client.Input{}, errors.New("unsupported step")
//	})
//
// The prompts cover the whole server: the password (PromptPassword), a new
// password with required attributes (PromptNewPassword), codes by
// authenticator, SMS and email (PromptTOTPCode, PromptSMSCode,
// PromptEmailCode), the choice of MFA (PromptSelectMFA) and of first
// factor (PromptSelectChallenge), custom challenges (PromptCustomAnswer),
// passkeys (PromptPasskey: WebAuthn request options out, the credential
// JSON in), and MFA set up during sign-in: Run calls
// AssociateSoftwareToken and VerifySoftwareToken itself and shows
// PromptTOTPSetup with the secret and its otpauth:// URI (PromptEmailSetup
// asks for an address when the pool offers email MFA instead).
//
// After sign-in: RememberDevice confirms the device (its DeviceSecret then
// goes in Config.Device and DEVICE_SRP_AUTH replaces MFA), ForgetDevice
// drops it; Refresh (REFRESH_TOKEN_AUTH) and RefreshRotating
// (GetTokensFromRefreshToken) renew tokens; SignOut revokes a refresh token
// and GlobalSignOut every session of the user. The services these helpers
// take (Service, TokenService, DeviceService) are small interfaces that
// both the engine and cognitoclient.Client implement.
//
// Server errors come back unchanged (a *challenge.Error, so
// errors.Is(err, challenge.ErrNotAuthorized) works); errors of the client
// itself match ErrUnexpectedReply, ErrUnsupported or ErrInvalidInput.
// String methods of Prompt and DeviceSecret never print secrets.
package client
