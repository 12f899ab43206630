package managedlogin

import (
	"slices"

	"github.com/authflow/authflow/challenge"
)

// viewPasskeyOffer is the page that offers a passkey after a sign-in.
const viewPasskeyOffer = "passkeyoffer"

// adminScope is the scope of the user's own Cognito operations.
const adminScope = "aws.cognito.signin.user.admin"

// offerPasskey shows the passkey offer when the pool has passkeys as a
// first factor, the client may use them (USER_AUTH), the scopes granted
// include aws.cognito.signin.user.admin (the passkey operations need it,
// as in Cognito) and the user has none yet. It reports whether it did;
// the tokens wait in the login session until the user registers a passkey
// or declines.
func (lc *loginCtx) offerPasskey(res *challenge.AuthenticationResult) bool {
	if lc.st.offered || !slices.Contains(lc.st.az.scopes, adminScope) || !slices.Contains(lc.poolFactors(), string(challenge.WebAuthn)) ||
		!slices.Contains(lc.c.ExplicitAuthFlows, challenge.ExplicitAllowUserAuth) {
		return false
	}
	list, err := lc.h.svc.ListWebAuthnCredentials(lc.ctx, &challenge.ListWebAuthnCredentialsInput{AccessToken: res.AccessToken})
	if err != nil {
		lc.h.log.Warn("managed login: no passkey offer", "err", err)
		return false
	}
	if len(list.Credentials) > 0 {
		return false
	}
	start, err := lc.h.svc.StartWebAuthnRegistration(lc.ctx, &challenge.StartWebAuthnRegistrationInput{AccessToken: res.AccessToken})
	if err != nil {
		lc.h.log.Warn("managed login: no passkey offer", "err", err)
		return false
	}
	st := lc.st
	st.view, st.done, st.passkeyOptions, st.offered = viewPasskeyOffer, res, string(start.CredentialCreationOptions), true
	st.reply, st.setupSession, st.setupSecret = nil, "", ""
	lc.showOffer("")
	return true
}

func (lc *loginCtx) showOffer(errMsg string) {
	v := lc.base("Add a passkey", viewPasskeyOffer, errMsg)
	v.PasskeyOptions = lc.st.passkeyOptions
	lc.render(v)
}

// passkeyOffer answers the offer: "register" completes the registration
// with the credential the script made, "skip" declines; either way the
// sign-in then ends (a failed registration does not undo it).
func (lc *loginCtx) passkeyOffer(step string) {
	st := lc.st
	res := st.done
	switch step {
	case "register":
		cred := lc.r.PostForm.Get("credential")
		if cred == "" || len(cred) > 16<<10 {
			lc.showOffer("The passkey was not created. Try again or skip.")
			return
		}
		_, err := lc.h.svc.CompleteWebAuthnRegistration(lc.ctx, &challenge.CompleteWebAuthnRegistrationInput{AccessToken: res.AccessToken,
			Credential: challenge.RawJSON(cred)})
		if err != nil {
			lc.h.log.Info("managed login: passkey registration refused", "err", err)
			lc.showOffer(message(err))
			return
		}
	case "skip":
	default:
		lc.showOffer("")
		return
	}
	st.view, st.done, st.passkeyOptions = "", nil, ""
	lc.finish(res)
}
