package token_test

import (
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/token"
)

// token.Issuer is the engine's default Issuer.
var _ flow.Issuer = (*token.Issuer)(nil)
