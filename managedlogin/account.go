package managedlogin

import (
	"net/http"

	"github.com/authflow/authflow/challenge"
)

// The sign-up and forgotten-password pages run inside a login session, so
// that the user comes back to the sign-in of the application that sent
// them. They call SignUp, ConfirmSignUp, ForgotPassword and
// ConfirmForgotPassword; the engine checks the password policy and the
// codes.

// signup serves /signup: the account form, then its confirmation code.
func (h *Handler) signup(w http.ResponseWriter, r *http.Request) {
	lc, ok := h.lockedLogin(w, r, "signup")
	if !ok {
		return
	}
	defer lc.st.mu.Unlock()
	page := lc.accountPage("Create an account", "signup")
	if cfg := lc.s.pool.AdminCreateUserConfig; cfg != nil && cfg.AllowAdminCreateUserOnly {
		h.errorPage(w, r, http.StatusForbidden, "Sign-up is not allowed for this application.")
		return
	}
	if r.Method != http.MethodPost {
		lc.st.view = "signup"
		page("signup", "", "")
		return
	}
	if !lc.checkForm() {
		return
	}
	switch lc.field("step", 32) {
	case "signup":
		username := lc.field("username", 128)
		lc.st.username = username
		in := &challenge.SignUpInput{ClientId: lc.c.ClientId, Username: username, Password: lc.secret("new_password"),
			SecretHash: lc.secretHash(username)}
		if email := lc.field("email", 256); email != "" {
			in.UserAttributes = append(in.UserAttributes, challenge.AttributeType{Name: "email", Value: email})
		}
		out, err := h.svc.SignUp(lc.ctx, in)
		if err != nil {
			page("signup", message(err), "")
			return
		}
		if out.UserConfirmed {
			lc.st.view, lc.notice = "", "Your account is ready. Sign in."
			lc.show("")
			return
		}
		lc.st.view = "confirm"
		page("confirm", "", deliveryHelp(out.CodeDeliveryDetails))
	case "confirm":
		if lc.st.view != "confirm" {
			page("signup", "Start again.", "")
			return
		}
		_, err := h.svc.ConfirmSignUp(lc.ctx, &challenge.ConfirmSignUpInput{ClientId: lc.c.ClientId, Username: lc.st.username,
			ConfirmationCode: lc.field("code", 16), SecretHash: lc.secretHash(lc.st.username)})
		if err != nil {
			page("confirm", message(err), "Enter the code we sent you.")
			return
		}
		lc.st.view, lc.notice = "", "Your account is confirmed. Sign in."
		lc.show("")
	default:
		page("signup", "Fill in the form.", "")
	}
}

// forgot serves /forgotPassword: the username, then the code and the new
// password.
func (h *Handler) forgot(w http.ResponseWriter, r *http.Request) {
	lc, ok := h.lockedLogin(w, r, "forgotPassword")
	if !ok {
		return
	}
	defer lc.st.mu.Unlock()
	page := lc.accountPage("Reset your password", "forgotPassword")
	if r.Method != http.MethodPost {
		lc.st.view = "forgot"
		page("forgot", "", "")
		return
	}
	if !lc.checkForm() {
		return
	}
	switch lc.field("step", 32) {
	case "forgot":
		username := lc.field("username", 128)
		lc.st.username = username
		out, err := h.svc.ForgotPassword(lc.ctx, &challenge.UsernameInput{ClientId: lc.c.ClientId, Username: username,
			SecretHash: lc.secretHash(username)})
		if err != nil {
			page("forgot", message(err), "")
			return
		}
		lc.st.view = "reset"
		page("reset", "", deliveryHelp(out.CodeDeliveryDetails))
	case "reset":
		if lc.st.view != "reset" {
			page("forgot", "Start again.", "")
			return
		}
		_, err := h.svc.ConfirmForgotPassword(lc.ctx, &challenge.ConfirmForgotPasswordInput{ClientId: lc.c.ClientId,
			Username: lc.st.username, ConfirmationCode: lc.field("code", 16), Password: lc.secret("new_password"),
			SecretHash: lc.secretHash(lc.st.username)})
		if err != nil {
			page("reset", message(err), "Enter the code we sent you and a new password.")
			return
		}
		lc.st.view, lc.notice = "", "Your password was reset. Sign in."
		lc.show("")
	default:
		page("forgot", "Fill in the form.", "")
	}
}

// accountPage returns the renderer of the steps of an account page titled
// title, whose forms post to /<domain>/<path>: step, with errMsg (status
// 400) or not, and help.
func (lc *loginCtx) accountPage(title, path string) func(step, errMsg, help string) {
	action := "/" + lc.s.domain + "/" + path
	return func(step, errMsg, help string) {
		v := lc.base(title, step, errMsg)
		v.Action, v.Help = action, help
		lc.render(v)
	}
}

// message is the user-facing message of an engine error.
func message(err error) string {
	if ce, ok := err.(*challenge.Error); ok && ce.Code != challenge.ErrInternalError {
		return ce.Message
	}
	return "Something went wrong. Try again."
}

func deliveryHelp(d *challenge.CodeDeliveryDetailsType) string {
	if d == nil || d.Destination == "" {
		return "Enter the code we sent you."
	}
	return "We sent a code to " + d.Destination + "."
}
