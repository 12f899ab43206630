package userpool_test

import (
	"context"
	"fmt"
	"time"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/directory"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/session"
	"github.com/authflow/authflow/userpool"
)

// A pool's schema: a custom attribute added with AddCustomAttributes is
// written within its constraints; an undeclared one is refused.
func ExampleService_AddCustomAttributes() {
	ctx := context.Background()
	clock := flowtest.NewClock(time.Time{})
	dir := directory.NewMemory()
	srv, err := userpool.New(userpool.Config{Directory: dir, Catalog: dir,
		Sessions: session.NewMemory(session.WithClock(clock.Now)), Issuer: flowtest.NewIssuer(clock.Now), Now: clock.Now})
	if err != nil {
		panic(err)
	}
	pool, _ := srv.CreateUserPool(ctx, &challenge.CreateUserPoolInput{PoolName: "shop"})
	poolID := pool.UserPool.Id
	_, err = srv.AddCustomAttributes(ctx, &challenge.AddCustomAttributesInput{UserPoolId: poolID,
		CustomAttributes: []challenge.SchemaAttributeType{{Name: "tier", AttributeDataType: "String",
			StringAttributeConstraints: &challenge.StringAttributeConstraintsType{MaxLength: "8"}}}})
	fmt.Println(err)

	_, err = srv.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: poolID, Username: "alice", MessageAction: "SUPPRESS",
		UserAttributes: []challenge.AttributeType{{Name: "custom:tier", Value: "gold"}}})
	fmt.Println(err)
	_, err = srv.AdminUpdateUserAttributes(ctx, &challenge.AdminUpdateUserAttributesInput{UserPoolId: poolID, Username: "alice",
		UserAttributes: []challenge.AttributeType{{Name: "custom:team", Value: "blue"}}})
	fmt.Println(challenge.MessageOf(err))
	// Output:
	// <nil>
	// <nil>
	// Attributes did not conform to the schema: custom:team: Attribute does not exist in the schema.
}
