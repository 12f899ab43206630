package cognitohttp_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sdkAttr(name, value string) types.AttributeType {
	return types.AttributeType{Name: aws.String(name), Value: aws.String(value)}
}

// TestSDKSchema: the pool's schema through the AWS SDK: the standard
// attributes DescribeUserPool shows, AddCustomAttributes, attribute
// writes refused as Cognito refuses them, client write permissions
// checked against the schema, and an email change that waits for its
// verification under UserAttributeUpdateSettings.
func TestSDKSchema(t *testing.T) {
	f := newSDKFixture(t)
	ctx := f.ctx()
	pool := aws.String(f.pool)

	d, err := f.api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: pool})
	require.NoError(t, err)
	require.Len(t, d.UserPool.SchemaAttributes, 20)
	sub := d.UserPool.SchemaAttributes[0]
	assert.Equal(t, "sub", aws.ToString(sub.Name))
	assert.Equal(t, types.AttributeDataTypeString, sub.AttributeDataType)
	assert.False(t, aws.ToBool(sub.Mutable))
	assert.True(t, aws.ToBool(sub.Required))
	assert.Equal(t, "1", aws.ToString(sub.StringAttributeConstraints.MinLength))
	updated := d.UserPool.SchemaAttributes[19]
	assert.Equal(t, "updated_at", aws.ToString(updated.Name))
	assert.Equal(t, types.AttributeDataTypeNumber, updated.AttributeDataType)
	assert.Equal(t, "0", aws.ToString(updated.NumberAttributeConstraints.MinValue))

	_, err = f.api.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{UserPoolId: pool, CustomAttributes: []types.SchemaAttributeType{
		{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString,
			StringAttributeConstraints: &types.StringAttributeConstraintsType{MaxLength: aws.String("8")}},
		{Name: aws.String("code"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(false)},
	}})
	require.NoError(t, err)
	_, err = f.api.AddCustomAttributes(ctx, &cip.AddCustomAttributesInput{UserPoolId: pool, CustomAttributes: []types.SchemaAttributeType{
		{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString}}})
	e := requireAPIError[*types.InvalidParameterException](t, err)
	assert.Equal(t, "custom:tier: Existing attribute already has name custom:tier.", e.ErrorMessage())
	d, err = f.api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: pool})
	require.NoError(t, err)
	require.Len(t, d.UserPool.SchemaAttributes, 22)
	tier := d.UserPool.SchemaAttributes[20]
	assert.Equal(t, "custom:tier", aws.ToString(tier.Name))
	assert.Equal(t, "8", aws.ToString(tier.StringAttributeConstraints.MaxLength))
	assert.False(t, aws.ToBool(d.UserPool.SchemaAttributes[21].Mutable))

	_, err = f.api.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(f.public), Username: aws.String("sam"), Password: aws.String("Passw0rd!"),
		UserAttributes: []types.AttributeType{sdkAttr("email", "sam@example.com"), sdkAttr("custom:nope", "1")}})
	e = requireAPIError[*types.InvalidParameterException](t, err)
	assert.Equal(t, "Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.", e.ErrorMessage())
	_, err = f.api.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(f.public), Username: aws.String("sam"), Password: aws.String("Passw0rd!"),
		UserAttributes: []types.AttributeType{sdkAttr("email", "sam.example.com")}})
	e = requireAPIError[*types.InvalidParameterException](t, err)
	assert.Equal(t, "Invalid email address format.", e.ErrorMessage())
	_, err = f.api.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(f.public), Username: aws.String("sam"), Password: aws.String("Passw0rd!"),
		UserAttributes: []types.AttributeType{sdkAttr("email", "sam@example.com"), sdkAttr("custom:code", "S1")}})
	require.NoError(t, err)

	_, err = f.api.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: pool, Username: aws.String("sam"),
		UserAttributes: []types.AttributeType{sdkAttr("custom:code", "S2")}})
	e = requireAPIError[*types.InvalidParameterException](t, err)
	assert.Equal(t, "Attributes did not conform to the schema: custom:code: Attribute cannot be updated. (changing an immutable attribute)", e.ErrorMessage())
	_, err = f.api.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: pool, Username: aws.String("sam"),
		UserAttributes: []types.AttributeType{sdkAttr("phone_number", "+1 555 0100")}})
	e = requireAPIError[*types.InvalidParameterException](t, err)
	assert.Equal(t, "Invalid phone number format.", e.ErrorMessage())

	_, err = f.api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pool, ClientName: aws.String("bad"),
		WriteAttributes: []string{"custom:code"}})
	e = requireAPIError[*types.InvalidParameterException](t, err)
	assert.Equal(t, "Invalid write attributes specified while creating a client", e.ErrorMessage())

	// An email change that waits for verification.
	_, err = f.api.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: pool,
		AutoVerifiedAttributes:      []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		UserAttributeUpdateSettings: &types.UserAttributeUpdateSettingsType{AttributesRequireVerificationBeforeUpdate: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}}})
	require.NoError(t, err)
	d, err = f.api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: pool})
	require.NoError(t, err)
	assert.Equal(t, []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}, d.UserPool.UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate)
	f.createUser("uma", "Passw0rd!", true, "uma@example.com")
	in, err := f.passwordSignIn(f.public, "uma", "Passw0rd!")
	require.NoError(t, err)
	tok := in.AuthenticationResult.AccessToken
	up, err := f.api.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: []types.AttributeType{sdkAttr("email", "uma.new@example.com")}})
	require.NoError(t, err)
	require.Len(t, up.CodeDeliveryDetailsList, 1)
	assert.Equal(t, types.DeliveryMediumTypeEmail, up.CodeDeliveryDetailsList[0].DeliveryMedium)
	g, err := f.api.GetUser(ctx, &cip.GetUserInput{AccessToken: tok})
	require.NoError(t, err)
	got := map[string]string{}
	for _, a := range g.UserAttributes {
		got[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	assert.Equal(t, "uma@example.com", got["email"], "the old email stays until the new one is verified")
	assert.Equal(t, "true", got["email_verified"])
	msg, ok := f.env.Outbox.Last("uma", "VERIFY_ATTRIBUTE")
	require.True(t, ok)
	assert.Equal(t, "uma.new@example.com", msg.Destination)
	_, err = f.api.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok, AttributeName: aws.String("email"), Code: aws.String(msg.Code)})
	require.NoError(t, err)
	g, err = f.api.GetUser(ctx, &cip.GetUserInput{AccessToken: tok})
	require.NoError(t, err)
	for _, a := range g.UserAttributes {
		got[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	assert.Equal(t, "uma.new@example.com", got["email"])
	assert.Equal(t, "true", got["email_verified"])
}
