package userpool_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow/flowtest"
)

// TestAttackSelfServiceWritesAdminAttributes: an attribute an
// administrator sets for the application to trust (an immutable
// custom:role, a developer-only dev:custom:plan) could be rewritten by
// the user through UpdateUserAttributes with any app client that names
// no WriteAttributes, or given at SignUp: the schema was not enforced.
// Both are now refused, and nothing is written.
func TestAttackSelfServiceWritesAdminAttributes(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 320})
	poolID, clientID := schemaPool(t, e, nil, nil, func(in *challenge.CreateUserPoolInput) {
		in.Schema = append(in.Schema, challenge.SchemaAttributeType{Name: "role", AttributeDataType: "String", Mutable: no()},
			challenge.SchemaAttributeType{Name: "plan", AttributeDataType: "String", DeveloperOnlyAttribute: yes()})
	})
	tok := schemaUser(t, e, poolID, clientID, "mallory", attr("email", "m@example.com"), attr("custom:role", "reader"),
		attr("dev:custom:plan", "free"))

	_, err := e.Server.UpdateUserAttributes(ctx, &challenge.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: []challenge.AttributeType{attr("custom:role", "admin")}})
	requireCode(t, err, challenge.ErrInvalidParameter,
		"Attributes did not conform to the schema: custom:role: Attribute cannot be updated. (changing an immutable attribute)")
	_, err = e.Server.DeleteUserAttributes(ctx, &challenge.DeleteUserAttributesInput{AccessToken: tok, UserAttributeNames: []string{"custom:role"}})
	requireCode(t, err, challenge.ErrInvalidParameter, "")
	_, err = e.Server.UpdateUserAttributes(ctx, &challenge.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: []challenge.AttributeType{attr("dev:custom:plan", "enterprise")}})
	requireCode(t, err, challenge.ErrNotAuthorized, "A client attempted to write unauthorized attribute")
	u := userIn(t, e, poolID, "mallory")
	assert.Equal(t, "reader", u.Attributes["custom:role"])
	assert.Equal(t, "free", u.Attributes["dev:custom:plan"])

	_, err = e.Server.SignUp(ctx, &challenge.SignUpInput{ClientId: clientID, Username: "eve", Password: "Correct-horse1",
		UserAttributes: []challenge.AttributeType{attr("email", "eve@example.com"), attr("dev:custom:plan", "enterprise")}})
	requireCode(t, err, challenge.ErrNotAuthorized, "A client attempted to write unauthorized attribute")
	got, err := e.Dir.User(ctx, poolID, "eve")
	assert.NoError(t, err)
	assert.Nil(t, got)
}
