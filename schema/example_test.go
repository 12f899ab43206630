package schema_test

import (
	"fmt"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/schema"
)

func Example() {
	s, err := schema.New([]challenge.SchemaAttributeType{
		{Name: "email", Required: b(true)},
		{Name: "tier", AttributeDataType: "String",
			StringAttributeConstraints: &challenge.StringAttributeConstraintsType{MaxLength: "8"}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(schema.Check(s, schema.SignUp, nil, map[string]string{"email": "ana@example.com", "custom:tier": "gold"}))
	fmt.Println(schema.Check(s, schema.SignUp, nil, map[string]string{"custom:tier": "platinum+"}))
	fmt.Println(schema.Check(s, schema.Update, nil, map[string]string{"custom:team": "blue"}))
	// Output:
	// <nil>
	// InvalidParameterException: Attributes did not conform to the schema: custom:tier: String must be no longer than 8 characters
	// email: The attribute is required
	// InvalidParameterException: Attributes did not conform to the schema: custom:team: Attribute does not exist in the schema.
}
