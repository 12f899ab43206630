package cognitoserver

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/authflow/authflow/managedlogin"
	"github.com/authflow/authflow/token"
	"github.com/authflow/authflow/userpool"
)

// mountManagedLogin serves every pool's domain (CreateUserPoolDomain)
// under publicURL/<domain>/: the OAuth 2.0 endpoints and the login page of
// package managedlogin, over the engine and its token issuer.
func mountManagedLogin(mux *http.ServeMux, engine *userpool.Service, issuer *token.Issuer, publicURL string, log *slog.Logger) error {
	ml, err := managedlogin.New(managedlogin.Config{Service: engine, Tokens: issuer, Logger: log,
		SecureCookies: strings.HasPrefix(publicURL, "https://")})
	if err != nil {
		return err
	}
	for _, p := range ml.Patterns() {
		mux.Handle(p, ml)
	}
	return nil
}
