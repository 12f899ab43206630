package cognitohttp

import (
	"net/http"
	"time"
)

// Internals exposed to the external tests.
var (
	VerifySigV4 = verifySigV4
	SignRequest = signRequest
)

// SignRequestOver signs r over exactly the given headers (for tests of
// which headers must be signed).
func SignRequestOver(r *http.Request, body []byte, region, accessKey, secret string, now time.Time, headers []string) {
	signRequestOver(r, body, region, accessKey, secret, "", now, headers)
}
