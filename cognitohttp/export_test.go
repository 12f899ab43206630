package cognitohttp

// Internals exposed to the external tests.
var (
	VerifySigV4 = verifySigV4
	SignRequest = signRequest
)
