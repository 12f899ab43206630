package cognitoserver

import (
	"net/http"

	"github.com/authflow/authflow/flow"
)

func devCodes(next http.Handler, code string, outbox *Outbox, cat flow.Catalog) http.Handler {
	return next
}
