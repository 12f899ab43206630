// Package client is the client side of Amazon Cognito user-pool sign-in:
// it does what amazon-cognito-identity-js does between the calls, against
// authflow's engine or real Cognito.
//
// A Login is a pure state machine (no I/O): Start gives the InitiateAuth
// request; Next turns each server answer (a Reply) into either the next
// request to send or the Prompt a user interface must show; Answer turns the
// user's Input for that Prompt into the next request. Login computes the SRP
// proofs (PASSWORD_VERIFIER), the device SRP proofs (DEVICE_SRP_AUTH and
// DEVICE_PASSWORD_VERIFIER, with Config.Device) and SECRET_HASH (with
// Config.ClientSecret) by itself; time and randomness come from Config.
//
// Run loops a Login over any challenge.Service (the engine, or
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
// Server errors come back unchanged (a *challenge.Error, so
// errors.Is(err, challenge.ErrNotAuthorized) works); errors of the client
// itself match ErrUnexpectedReply, ErrUnsupported or ErrInvalidInput.
//
// MFA_SETUP needs AssociateSoftwareToken and VerifySoftwareToken, which are
// not part of challenge.Service: the PromptMFASetup carries the session for
// AssociateSoftwareToken, and the UI answers with the session that
// VerifySoftwareToken returned. WEB_AUTHN (passkeys) is not handled.
package client
