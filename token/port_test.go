package token_test

import (
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/token"
	"github.com/authflow/authflow/userpool"
)

// token.Issuer is the engine's default Issuer, and the user-pool service's.
var (
	_ flow.Issuer     = (*token.Issuer)(nil)
	_ userpool.Issuer = (*token.Issuer)(nil)
)
