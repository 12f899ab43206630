package sqldir_test

import (
	"github.com/authflow/authflow/directory/sqldir"
	"github.com/authflow/authflow/userpool"
)

// SQL also serves the user-pool service's wider ports (listing users,
// creating and deleting pools and app clients).
var (
	_ userpool.Directory = (*sqldir.SQL)(nil)
	_ userpool.Catalog   = (*sqldir.SQL)(nil)
)
