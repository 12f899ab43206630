package userpool_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/userpool"
)

// TestResourceServerRefusals: Create refuses a taken identifier and a 26th
// server, Update and Delete an unknown one, and a refused change stores
// nothing.
func TestResourceServerRefusals(t *testing.T) {
	ctx := context.Background()
	dir := directory.NewMemory()
	srv, err := userpool.New(userpool.Config{Directory: dir, Catalog: dir, Sessions: session.NewMemory(), Issuer: flowtest.NewIssuer(nil)})
	require.NoError(t, err)
	pool, err := srv.CreateUserPool(ctx, &challenge.CreateUserPoolInput{PoolName: "shop"})
	require.NoError(t, err)
	id := pool.UserPool.Id
	put := func(create bool, ident, name string) error {
		in := &challenge.ResourceServerInput{UserPoolId: id, Identifier: ident, Name: name}
		if create {
			_, err := srv.CreateResourceServer(ctx, in)
			return err
		}
		_, err := srv.UpdateResourceServer(ctx, in)
		return err
	}
	names := func() []string {
		l, err := srv.ListResourceServers(ctx, &challenge.ListResourceServersInput{UserPoolId: id, MaxResults: 50})
		require.NoError(t, err)
		var out []string
		for _, rs := range l.ResourceServers {
			out = append(out, rs.Identifier+"="+rs.Name)
		}
		return out
	}

	err = put(false, "orders", "Orders")
	assert.Equal(t, challenge.ErrResourceNotFound, challenge.CodeOf(err), "update of an unknown server")
	_, err = srv.DeleteResourceServer(ctx, &challenge.ResourceServerIdInput{UserPoolId: id, Identifier: "orders"})
	assert.Equal(t, challenge.ErrResourceNotFound, challenge.CodeOf(err), "delete of an unknown server")
	assert.Empty(t, names())

	require.NoError(t, put(true, "orders", "Orders"))
	err = put(true, "orders", "Again")
	assert.Equal(t, challenge.ErrInvalidParameter, challenge.CodeOf(err))
	assert.ErrorContains(t, err, "orders already exists in pool "+id+".")
	require.NoError(t, put(false, "orders", "Orders v2"))
	assert.Equal(t, []string{"orders=Orders v2"}, names())

	for i := 1; i < userpool.MaxResourceServersPerPool; i++ {
		require.NoError(t, put(true, fmt.Sprintf("api%02d", i), "API"))
	}
	err = put(true, "one-too-many", "API")
	assert.Equal(t, challenge.ErrLimitExceeded, challenge.CodeOf(err))
	all := names()
	assert.Len(t, all, userpool.MaxResourceServersPerPool)
	assert.Equal(t, "api01=API", all[0], "kept in identifier order")
	assert.Equal(t, "orders=Orders v2", all[len(all)-1])
}
