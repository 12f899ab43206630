package directorytest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/authflow/authflow/directory/internal/contract"
	"github.com/authflow/authflow/flow"
)

// TestClones checks that the copies the stores rely on share no memory
// with their source, for every field (fill sets them all).
func TestClones(t *testing.T) {
	var u, wantU flow.User
	fill(t, &u, 5)
	fill(t, &wantU, 5)
	assert.Empty(t, zeroFields(&u))
	c := u.Clone()
	assert.Equal(t, &wantU, c)
	mutate(c)
	assert.Equal(t, &wantU, &u, "flow.User.Clone shares memory with its source")

	var p, wantP flow.Pool
	fill(t, &p, 6)
	fill(t, &wantP, 6)
	assert.Empty(t, zeroFields(&p))
	cp := contract.ClonePool(&p)
	assert.Equal(t, &wantP, cp)
	mutate(cp)
	assert.Equal(t, &wantP, &p, "ClonePool shares memory with its source")

	var a, wantA flow.AppClient
	fill(t, &a, 7)
	fill(t, &wantA, 7)
	assert.Empty(t, zeroFields(&a))
	ca := contract.CloneClient(&a)
	assert.Equal(t, &wantA, ca)
	mutate(ca)
	assert.Equal(t, &wantA, &a, "CloneClient shares memory with its source")

	assert.Nil(t, contract.ClonePool(nil))
	assert.Nil(t, contract.CloneClient(nil))
}
