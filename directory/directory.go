package directory

import (
	"github.com/authflow/authflow/directory/internal/contract"
	"github.com/authflow/authflow/flow"
)

// ErrInvalid is wrapped by the errors of a call that cannot be carried out
// as given: a nil user, pool or app client, an empty pool ID, username or
// client ID, or an unknown [flow.ChangeKind]. It reports a bug in the
// caller, not a state of the store, and nothing is changed.
var ErrInvalid = contract.ErrInvalid

// ErrPoolNotFound is wrapped by the error of PutClient when the app client's
// pool does not exist. Nothing is changed.
var ErrPoolNotFound = contract.ErrPoolNotFound

var (
	_ flow.Directory = (*Memory)(nil)
	_ flow.Catalog   = (*Memory)(nil)
)
