package directory

import "github.com/authflow/authflow/userpool"

// Memory also serves the user-pool service's wider ports (listing users,
// creating and deleting pools and app clients).
var (
	_ userpool.Directory = (*Memory)(nil)
	_ userpool.Catalog   = (*Memory)(nil)
)
