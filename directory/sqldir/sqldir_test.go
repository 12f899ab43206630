package sqldir_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/directory/sqldir"
	"github.com/authflow/authflow/directory/sqlitedir"
)

// TestNewRefuses: New refuses a nil database and an unknown dialect with
// ErrInvalid, and leaves the database it was given open.
func TestNewRefuses(t *testing.T) {
	_, err := sqldir.New(nil, sqldir.SQLite)
	assert.ErrorIs(t, err, directory.ErrInvalid)

	db, err := sqlitedir.OpenDB(":memory:")
	require.NoError(t, err)
	defer db.Close()
	_, err = sqldir.New(db, "mysql")
	assert.ErrorIs(t, err, directory.ErrInvalid)
	assert.ErrorContains(t, err, `"mysql"`)
	require.NoError(t, db.Ping(), "a refused database stays open")

	s, err := sqldir.New(db, sqldir.SQLite)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	assert.Error(t, db.Ping(), "Close closes the database New was given")
}
