package userpool_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/directory/sqldir"
	"github.com/authflow/authflow/directory/sqlitedir"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/userpool"
)

// TestGroupsSurviveRestartSQLite: groups and memberships written through
// the service are there after the SQLite file is closed and opened again
// by a new service.
func TestGroupsSurviveRestartSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "groups.db")
	clock := flowtest.NewClock(time.Time{})
	open := func() (*sqldir.SQL, *userpool.Service) {
		d, err := sqlitedir.Open(path)
		require.NoError(t, err)
		s, err := userpool.New(userpool.Config{Directory: d, Catalog: d, Sessions: session.NewMemory(session.WithClock(clock.Now)),
			Issuer: flowtest.NewIssuer(clock.Now), Now: clock.Now, DecoyKey: []byte("groups decoy key")})
		require.NoError(t, err)
		return d, s
	}
	ctx := context.Background()
	d, s := open()
	pool, err := s.CreateUserPool(ctx, &challenge.CreateUserPoolInput{PoolName: "groups"})
	require.NoError(t, err)
	poolID := pool.UserPool.Id
	_, err = s.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: poolID, Username: "ivy", MessageAction: "SUPPRESS"})
	require.NoError(t, err)
	prec := int32(3)
	_, err = s.CreateGroup(ctx, &challenge.CreateGroupInput{UserPoolId: poolID, GroupName: "admins", Precedence: &prec,
		RoleArn: "arn:aws:iam::123456789012:role/admins", Description: "kept"})
	require.NoError(t, err)
	_, err = s.AdminAddUserToGroup(ctx, &challenge.AdminUserGroupInput{UserPoolId: poolID, Username: "ivy", GroupName: "admins"})
	require.NoError(t, err)
	require.NoError(t, d.Close())

	d, s = open()
	t.Cleanup(func() { d.Close() })
	g, err := s.GetGroup(ctx, &challenge.GroupInput{UserPoolId: poolID, GroupName: "admins"})
	require.NoError(t, err)
	assert.Equal(t, "kept", g.Group.Description)
	assert.Equal(t, "arn:aws:iam::123456789012:role/admins", g.Group.RoleArn)
	require.NotNil(t, g.Group.Precedence)
	assert.Equal(t, int32(3), *g.Group.Precedence)
	mine, err := s.AdminListGroupsForUser(ctx, &challenge.AdminListGroupsForUserInput{UserPoolId: poolID, Username: "ivy"})
	require.NoError(t, err)
	require.Len(t, mine.Groups, 1)
	assert.Equal(t, "admins", mine.Groups[0].GroupName)
}

// TestTokenGroupsOrder: precedence first (unset last), ties by name,
// unknown groups dropped, roles deduplicated, preferred role the first.
func TestTokenGroupsOrder(t *testing.T) {
	i := func(n int32) *int32 { return &n }
	p := &flow.Pool{Groups: []flow.Group{
		{Name: "a", Precedence: i(2), RoleArn: "r2"},
		{Name: "b", Precedence: i(1)},
		{Name: "c"},
		{Name: "d", Precedence: i(2), RoleArn: "r2"},
		{Name: "e", Precedence: i(0), RoleArn: "r0"},
	}}
	groups, roles, preferred := p.TokenGroups([]string{"c", "d", "gone", "a", "b", "e"})
	assert.Equal(t, []string{"e", "b", "a", "d", "c"}, groups)
	assert.Equal(t, []string{"r0", "r2"}, roles)
	assert.Equal(t, "r0", preferred)
}
