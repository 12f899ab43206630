package webauthn_test

import (
	"fmt"

	"github.com/descope/virtualwebauthn"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/internal/passkeytest"
	"github.com/authflow/authflow/webauthn"
)

// Example registers a passkey and signs in with it, with a virtual
// authenticator standing in for the browser. The caller stores each session
// server side and spends it on use; it persists the credential and, after
// each sign-in, the new sign count.
func Example() {
	rp := challenge.RelyingParty{ID: "auth.example.com", Name: "Example", Origins: []string{"https://auth.example.com"}}
	user := challenge.PasskeyUser{Handle: []byte("8f14e45f-ceea-467f-a0e6-1f4a5b2c3d4e"), Name: "alice"}
	c := webauthn.New(webauthn.Options{})

	browser := virtualwebauthn.RelyingParty{ID: rp.ID, Name: rp.Name, Origin: rp.Origins[0]}
	authenticator := virtualwebauthn.NewAuthenticator()
	key := passkeytest.NewCredential() // an ES256 key for the authenticator

	// StartWebAuthnRegistration, then CompleteWebAuthnRegistration.
	creationOptions, session, _ := c.BeginRegistration(rp, user)
	att, _ := virtualwebauthn.ParseAttestationOptions(string(creationOptions))
	registration := virtualwebauthn.CreateAttestationResponse(browser, authenticator, key, *att)
	passkey, err := c.FinishRegistration(rp, user, session, []byte(registration))
	fmt.Println("registered:", err == nil, passkey.AttestationFormat)
	user.Credentials = append(user.Credentials, *passkey)
	authenticator.AddCredential(key)

	// The WEB_AUTHN challenge: CREDENTIAL_REQUEST_OPTIONS out, CREDENTIAL in.
	requestOptions, session, _ := c.BeginLogin(rp, user)
	asr, _ := virtualwebauthn.ParseAssertionOptions(string(requestOptions))
	key.Counter = 1
	assertion := []byte(virtualwebauthn.CreateAssertionResponse(browser, authenticator, key, *asr))
	_, signCount, err := c.FinishLogin(rp, user, session, assertion)
	fmt.Println("signed in:", err == nil, "sign count", signCount)
	user.Credentials[0].SignCount = signCount // persist

	// The same assertion against a new ceremony is refused.
	_, session2, _ := c.BeginLogin(rp, user)
	_, _, err = c.FinishLogin(rp, user, session2, assertion)
	fmt.Println(challenge.CodeOf(err), challenge.MessageOf(err))
	// Output:
	// registered: true packed
	// signed in: true sign count 1
	// NotAuthorizedException Invalid passkey.
}

func ExampleValidateRelyingParty() {
	fmt.Println(webauthn.ValidateRelyingParty(challenge.RelyingParty{ID: "auth.example.com", UserVerification: "required"}))
	err := webauthn.ValidateRelyingParty(challenge.RelyingParty{ID: "https://auth.example.com"})
	fmt.Println(challenge.CodeOf(err))
	// Output:
	// <nil>
	// InvalidUserPoolConfigurationException
}
