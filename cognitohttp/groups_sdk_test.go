package cognitohttp_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/token"
)

// jwtPayload decodes a token's claims without checking it (the issuer's
// tests check signatures).
func jwtPayload(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var c map[string]any
	require.NoError(t, json.Unmarshal(b, &c))
	return c
}

// TestSDKGroups: the nine group operations through the AWS SDK, and the
// groups of a member in fresh ID and access tokens, in precedence order.
func TestSDKGroups(t *testing.T) {
	keys, err := token.LoadKeySet("../token/testdata/keyset.json")
	require.NoError(t, err)
	iss, err := token.New(token.Config{Keys: keys, Rand: flowtest.Rand(77)})
	require.NoError(t, err)
	f := newSDKFixtureWith(t, flowtest.Options{Issuer: iss})
	ctx := f.ctx()
	const pw = "Passw0rd!"
	f.createUser("gina", pw, true, "gina@example.com")
	f.createUser("hal", pw, true, "")
	pool := aws.String(f.pool)

	// "zeta" sorts after "alpha" by name but comes first by precedence.
	z, err := f.api.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: aws.String("zeta"),
		Precedence: aws.Int32(1), RoleArn: aws.String("arn:aws:iam::123456789012:role/zeta"), Description: aws.String("first")})
	require.NoError(t, err)
	assert.Equal(t, "zeta", aws.ToString(z.Group.GroupName))
	assert.Equal(t, int32(1), aws.ToInt32(z.Group.Precedence))
	require.NotNil(t, z.Group.CreationDate)
	require.NotNil(t, z.Group.LastModifiedDate)
	_, err = f.api.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: aws.String("alpha"),
		Precedence: aws.Int32(5), RoleArn: aws.String("arn:aws:iam::123456789012:role/alpha")})
	require.NoError(t, err)
	_, err = f.api.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: aws.String("unused")})
	require.NoError(t, err)

	_, err = f.api.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: aws.String("alpha")})
	requireAPIError[*types.GroupExistsException](t, err)
	_, err = f.api.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: aws.String("bad\tname")})
	requireAPIError[*types.InvalidParameterException](t, err)
	_, err = f.api.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: aws.String("neg"), Precedence: aws.Int32(-1)})
	requireAPIError[*types.InvalidParameterException](t, err)
	_, err = f.api.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: aws.String("arn"), RoleArn: aws.String("not-an-arn")})
	requireAPIError[*types.InvalidParameterException](t, err)
	_, err = f.api.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String("us-east-1_nope"), GroupName: aws.String("x")})
	requireAPIError[*types.ResourceNotFoundException](t, err)
	_, err = f.api.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: pool, GroupName: aws.String("nope")})
	requireAPIError[*types.ResourceNotFoundException](t, err)

	up, err := f.api.UpdateGroup(ctx, &cip.UpdateGroupInput{UserPoolId: pool, GroupName: aws.String("zeta"), Description: aws.String("changed")})
	require.NoError(t, err)
	assert.Equal(t, "changed", aws.ToString(up.Group.Description))
	assert.Equal(t, int32(1), aws.ToInt32(up.Group.Precedence), "precedence left out keeps its value")
	g, err := f.api.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: pool, GroupName: aws.String("zeta")})
	require.NoError(t, err)
	assert.Equal(t, "changed", aws.ToString(g.Group.Description))
	assert.Equal(t, "arn:aws:iam::123456789012:role/zeta", aws.ToString(g.Group.RoleArn))

	// Pagination: 3 groups, 2 per page, in name order.
	page, err := f.api.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: pool, Limit: aws.Int32(2)})
	require.NoError(t, err)
	require.Len(t, page.Groups, 2)
	assert.Equal(t, "alpha", aws.ToString(page.Groups[0].GroupName))
	assert.Equal(t, "unused", aws.ToString(page.Groups[1].GroupName))
	require.NotNil(t, page.NextToken)
	page, err = f.api.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: pool, Limit: aws.Int32(2), NextToken: page.NextToken})
	require.NoError(t, err)
	require.Len(t, page.Groups, 1)
	assert.Equal(t, "zeta", aws.ToString(page.Groups[0].GroupName))
	assert.Nil(t, page.NextToken)
	_, err = f.api.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: pool, Limit: aws.Int32(61)})
	requireAPIError[*types.InvalidParameterException](t, err)

	for _, name := range []string{"alpha", "zeta"} {
		_, err = f.api.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: pool, Username: aws.String("gina"), GroupName: aws.String(name)})
		require.NoError(t, err)
	}
	_, err = f.api.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: pool, Username: aws.String("hal"), GroupName: aws.String("alpha")})
	require.NoError(t, err)
	_, err = f.api.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: pool, Username: aws.String("nobody"), GroupName: aws.String("alpha")})
	requireAPIError[*types.UserNotFoundException](t, err)
	_, err = f.api.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: pool, Username: aws.String("gina"), GroupName: aws.String("nope")})
	requireAPIError[*types.ResourceNotFoundException](t, err)

	mine, err := f.api.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: pool, Username: aws.String("gina")})
	require.NoError(t, err)
	require.Len(t, mine.Groups, 2)
	assert.Equal(t, "alpha", aws.ToString(mine.Groups[0].GroupName))
	assert.Equal(t, "zeta", aws.ToString(mine.Groups[1].GroupName))

	members, err := f.api.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: pool, GroupName: aws.String("alpha"), Limit: aws.Int32(1)})
	require.NoError(t, err)
	require.Len(t, members.Users, 1)
	assert.Equal(t, "gina", aws.ToString(members.Users[0].Username))
	require.NotNil(t, members.NextToken)
	members, err = f.api.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: pool, GroupName: aws.String("alpha"), NextToken: members.NextToken})
	require.NoError(t, err)
	require.Len(t, members.Users, 1)
	assert.Equal(t, "hal", aws.ToString(members.Users[0].Username))
	assert.Nil(t, members.NextToken)

	// Fresh tokens: precedence order (zeta=1 before alpha=5), roles in the ID token.
	out, err := f.passwordSignIn(f.public, "gina", pw)
	require.NoError(t, err)
	res := out.AuthenticationResult
	require.NotNil(t, res)
	id, access := jwtPayload(t, aws.ToString(res.IdToken)), jwtPayload(t, aws.ToString(res.AccessToken))
	assert.Equal(t, []any{"zeta", "alpha"}, id["cognito:groups"])
	assert.Equal(t, []any{"zeta", "alpha"}, access["cognito:groups"])
	assert.Equal(t, []any{"arn:aws:iam::123456789012:role/zeta", "arn:aws:iam::123456789012:role/alpha"}, id["cognito:roles"])
	assert.Equal(t, "arn:aws:iam::123456789012:role/zeta", id["cognito:preferred_role"])
	assert.NotContains(t, access, "cognito:roles")

	// A change of precedence reorders the next tokens.
	_, err = f.api.UpdateGroup(ctx, &cip.UpdateGroupInput{UserPoolId: pool, GroupName: aws.String("zeta"), Precedence: aws.Int32(9)})
	require.NoError(t, err)
	out, err = f.passwordSignIn(f.public, "gina", pw)
	require.NoError(t, err)
	id = jwtPayload(t, aws.ToString(out.AuthenticationResult.IdToken))
	assert.Equal(t, []any{"alpha", "zeta"}, id["cognito:groups"])
	assert.Equal(t, "arn:aws:iam::123456789012:role/alpha", id["cognito:preferred_role"])

	// Removal and deletion.
	_, err = f.api.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupInput{UserPoolId: pool, Username: aws.String("gina"), GroupName: aws.String("zeta")})
	require.NoError(t, err)
	_, err = f.api.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: pool, GroupName: aws.String("alpha")})
	require.NoError(t, err)
	_, err = f.api.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: pool, GroupName: aws.String("alpha")})
	requireAPIError[*types.ResourceNotFoundException](t, err)
	mine, err = f.api.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: pool, Username: aws.String("gina")})
	require.NoError(t, err)
	assert.Empty(t, mine.Groups)
	// A group recreated under a deleted one's name has no members.
	_, err = f.api.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: aws.String("alpha")})
	require.NoError(t, err)
	members, err = f.api.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: pool, GroupName: aws.String("alpha")})
	require.NoError(t, err)
	assert.Empty(t, members.Users)
	out, err = f.passwordSignIn(f.public, "gina", pw)
	require.NoError(t, err)
	id = jwtPayload(t, aws.ToString(out.AuthenticationResult.IdToken))
	assert.NotContains(t, id, "cognito:groups")
}
