package userpool_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

func yes() *bool { v := true; return &v }
func no() *bool  { v := false; return &v }

// schemaPool creates, through the API, a pool with a required email, a
// String custom:tier of at most 8 characters, an immutable custom:code, a
// Number custom:age of 1 to 130 and a developer-only dev:custom:note, and
// an app client (admin and refresh flows) with the given permissions.
func schemaPool(t *testing.T, e *flowtest.Env, read, write []string, mut func(*challenge.CreateUserPoolInput)) (poolID, clientID string) {
	t.Helper()
	in := &challenge.CreateUserPoolInput{PoolName: "schema", AutoVerifiedAttributes: []string{"email"},
		Schema: []challenge.SchemaAttributeType{
			{Name: "email", AttributeDataType: "String", Required: yes(), Mutable: yes()},
			{Name: "tier", AttributeDataType: "String", StringAttributeConstraints: &challenge.StringAttributeConstraintsType{MaxLength: "8"}},
			{Name: "code", AttributeDataType: "String", Mutable: no()},
			{Name: "age", AttributeDataType: "Number", NumberAttributeConstraints: &challenge.NumberAttributeConstraintsType{MinValue: "1", MaxValue: "130"}},
			{Name: "note", AttributeDataType: "String", DeveloperOnlyAttribute: yes()},
		}}
	if mut != nil {
		mut(in)
	}
	p, err := e.Server.CreateUserPool(ctx, in)
	require.NoError(t, err)
	c, err := e.Server.CreateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: p.UserPool.Id, ClientName: "app",
		ExplicitAuthFlows: []string{challenge.ExplicitAllowAdminUserPassword, challenge.ExplicitAllowRefreshTokenAuth},
		ReadAttributes:    read, WriteAttributes: write})
	require.NoError(t, err)
	return p.UserPool.Id, c.UserPoolClient.ClientId
}

// schemaUser creates a confirmed user through AdminCreateUser and a
// permanent password, and returns an access token issued to clientID.
func schemaUser(t *testing.T, e *flowtest.Env, poolID, clientID, name string, attrs ...challenge.AttributeType) string {
	t.Helper()
	_, err := e.Server.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: poolID, Username: name,
		MessageAction: "SUPPRESS", UserAttributes: attrs})
	require.NoError(t, err)
	_, err = e.Server.AdminSetUserPassword(ctx, &challenge.AdminSetUserPasswordInput{UserPoolId: poolID, Username: name,
		Password: "Correct-horse1", Permanent: true})
	require.NoError(t, err)
	out, err := e.Server.AdminInitiateAuth(ctx, &challenge.AdminInitiateAuthInput{UserPoolId: poolID, ClientId: clientID,
		AuthFlow: challenge.FlowAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": "Correct-horse1"}})
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
	return out.AuthenticationResult.AccessToken
}

func attr(name, value string) challenge.AttributeType {
	return challenge.AttributeType{Name: name, Value: value}
}

func attrMap(as []challenge.AttributeType) map[string]string {
	m := map[string]string{}
	for _, a := range as {
		m[a.Name] = a.Value
	}
	return m
}

func TestDescribeUserPoolSchema(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 300})
	poolID, _ := schemaPool(t, e, nil, nil, nil)
	out, err := e.Server.DescribeUserPool(ctx, &challenge.UserPoolIdInput{UserPoolId: poolID})
	require.NoError(t, err)
	s := out.UserPool.SchemaAttributes
	require.Len(t, s, 24, "20 standard attributes and 4 custom ones")
	assert.Equal(t, "sub", s[0].Name)
	assert.False(t, *s[0].Mutable)
	assert.True(t, *s[0].Required)
	byName := map[string]challenge.SchemaAttributeType{}
	for _, a := range s {
		byName[a.Name] = a
	}
	assert.True(t, *byName["email"].Required)
	assert.Equal(t, "8", byName["custom:tier"].StringAttributeConstraints.MaxLength)
	assert.False(t, *byName["custom:code"].Mutable)
	assert.Equal(t, "130", byName["custom:age"].NumberAttributeConstraints.MaxValue)
	assert.True(t, *byName["dev:custom:note"].DeveloperOnlyAttribute)
	assert.Equal(t, "Boolean", byName["phone_number_verified"].AttributeDataType)
	assert.Equal(t, []string{}, out.UserPool.UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate)
	p, err := e.Dir.Pool(ctx, poolID)
	require.NoError(t, err)
	assert.Equal(t, []string{"email"}, p.SchemaRequired, "required attributes still feed NEW_PASSWORD_REQUIRED")

	_, err = e.Server.CreateUserPool(ctx, &challenge.CreateUserPoolInput{PoolName: "bad",
		Schema: []challenge.SchemaAttributeType{{Name: "x", AttributeDataType: "String", Required: yes()}}})
	requireCode(t, err, challenge.ErrInvalidParameter, "Required custom attributes are not supported currently.")
}

func TestAddCustomAttributes(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 301})
	poolID, clientID := schemaPool(t, e, nil, nil, nil)
	add := func(attrs ...challenge.SchemaAttributeType) error {
		_, err := e.Server.AddCustomAttributes(ctx, &challenge.AddCustomAttributesInput{UserPoolId: poolID, CustomAttributes: attrs})
		return err
	}
	require.NoError(t, add(challenge.SchemaAttributeType{Name: "team", AttributeDataType: "String"}))
	out, err := e.Server.DescribeUserPool(ctx, &challenge.UserPoolIdInput{UserPoolId: poolID})
	require.NoError(t, err)
	last := out.UserPool.SchemaAttributes[len(out.UserPool.SchemaAttributes)-1]
	assert.Equal(t, "custom:team", last.Name)
	assert.True(t, *last.Mutable)
	assert.False(t, *last.Required)

	requireCode(t, add(challenge.SchemaAttributeType{Name: "team", AttributeDataType: "Number"}), challenge.ErrInvalidParameter,
		"custom:team: Existing attribute already has name custom:team.")
	requireCode(t, add(challenge.SchemaAttributeType{Name: strings.Repeat("n", 21), AttributeDataType: "String"}), challenge.ErrInvalidParameter,
		"1 validation error detected: Value at 'customAttributes.1.member.name' failed to satisfy constraint: Member must have length less than or equal to 20")
	requireCode(t, add(), challenge.ErrInvalidParameter, "")
	_, err = e.Server.AddCustomAttributes(ctx, &challenge.AddCustomAttributesInput{UserPoolId: "us-east-1_Nope",
		CustomAttributes: []challenge.SchemaAttributeType{{Name: "x", AttributeDataType: "String"}}})
	requireCode(t, err, challenge.ErrResourceNotFound, "")
	// 5 custom attributes so far: 45 more fit, the 46th does not.
	for i := range 45 {
		require.NoError(t, add(challenge.SchemaAttributeType{Name: "extra" + string(rune('a'+i/26)) + string(rune('a'+i%26)), AttributeDataType: "String"}))
	}
	requireCode(t, add(challenge.SchemaAttributeType{Name: "too_many", AttributeDataType: "String"}), challenge.ErrInvalidParameter,
		"A user pool can have at most 50 custom attributes.")

	// The new attribute is writable at once.
	tok := schemaUser(t, e, poolID, clientID, "tess", attr("email", "tess@example.com"))
	_, err = e.Server.UpdateUserAttributes(ctx, &challenge.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: []challenge.AttributeType{attr("custom:team", "blue")}})
	require.NoError(t, err)
}

func TestSignUpValidatesAttributes(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 302})
	poolID, clientID := schemaPool(t, e, nil, nil, nil)
	signUp := func(name string, attrs ...challenge.AttributeType) error {
		_, err := e.Server.SignUp(ctx, &challenge.SignUpInput{ClientId: clientID, Username: name, Password: "Correct-horse1", UserAttributes: attrs})
		return err
	}
	requireCode(t, signUp("a", attr("email", "a@example.com"), attr("custom:nope", "1")), challenge.ErrInvalidParameter,
		"Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.")
	requireCode(t, signUp("a", attr("email", "not-an-email")), challenge.ErrInvalidParameter, "Invalid email address format.")
	requireCode(t, signUp("a", attr("name", "A")), challenge.ErrInvalidParameter,
		"Attributes did not conform to the schema: email: The attribute is required")
	requireCode(t, signUp("a", attr("email", "a@example.com"), attr("phone_number", "0612345678")), challenge.ErrInvalidParameter,
		"Invalid phone number format.")
	requireCode(t, signUp("a", attr("email", "a@example.com"), attr("custom:tier", "platinum+")), challenge.ErrInvalidParameter,
		"Attributes did not conform to the schema: custom:tier: String must be no longer than 8 characters")
	requireCode(t, signUp("a", attr("email", "a@example.com"), attr("custom:age", "old")), challenge.ErrInvalidParameter,
		"Attributes did not conform to the schema: custom:age: Number is not valid")
	requireCode(t, signUp("a", attr("email", "a@example.com"), attr("dev:custom:note", "x")), challenge.ErrNotAuthorized,
		"A client attempted to write unauthorized attribute")
	u, err := e.Dir.User(ctx, poolID, "a")
	require.NoError(t, err)
	assert.Nil(t, u, "a refused sign-up stores nothing")

	require.NoError(t, signUp("a", attr("email", "a@example.com"), attr("custom:code", "K1"), attr("custom:age", "30")))
	u, err = e.Dir.User(ctx, poolID, "a")
	require.NoError(t, err)
	assert.Equal(t, "K1", u.Attributes["custom:code"], "an immutable attribute is set at sign-up")
}

func TestAdminWritesValidateAttributes(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 303})
	poolID, _ := schemaPool(t, e, nil, nil, nil)
	create := func(name string, attrs ...challenge.AttributeType) error {
		_, err := e.Server.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: poolID, Username: name, MessageAction: "SUPPRESS", UserAttributes: attrs})
		return err
	}
	requireCode(t, create("b", attr("custom:nope", "1")), challenge.ErrInvalidParameter,
		"Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.")
	requireCode(t, create("b", attr("email", "b@@example.com")), challenge.ErrInvalidParameter, "Invalid email address format.")
	// An administrator may leave a required attribute for NEW_PASSWORD_REQUIRED, and write developer-only ones.
	require.NoError(t, create("b", attr("custom:code", "K1"), attr("dev:custom:note", "vip")))

	update := func(attrs ...challenge.AttributeType) error {
		_, err := e.Server.AdminUpdateUserAttributes(ctx, &challenge.AdminUpdateUserAttributesInput{UserPoolId: poolID, Username: "b", UserAttributes: attrs})
		return err
	}
	requireCode(t, update(attr("custom:code", "K2")), challenge.ErrInvalidParameter,
		"Attributes did not conform to the schema: custom:code: Attribute cannot be updated. (changing an immutable attribute)")
	requireCode(t, update(attr("custom:age", "131")), challenge.ErrInvalidParameter,
		"Attributes did not conform to the schema: custom:age: Number must be less than or equal to 130")
	requireCode(t, update(attr("email_verified", "maybe")), challenge.ErrInvalidParameter,
		"Attributes did not conform to the schema: email_verified: Boolean must be true or false")
	require.NoError(t, update(attr("email", "b@example.com"), attr("custom:age", "42"), attr("custom:code", "K1")))
	assert.Equal(t, "K1", userIn(t, e, poolID, "b").Attributes["custom:code"])

	_, err := e.Server.AdminDeleteUserAttributes(ctx, &challenge.AdminDeleteUserAttributesInput{UserPoolId: poolID, Username: "b", UserAttributeNames: []string{"email"}})
	requireCode(t, err, challenge.ErrInvalidParameter, "Attributes did not conform to the schema: email: The attribute is required")
	_, err = e.Server.AdminDeleteUserAttributes(ctx, &challenge.AdminDeleteUserAttributesInput{UserPoolId: poolID, Username: "b", UserAttributeNames: []string{"custom:code"}})
	requireCode(t, err, challenge.ErrInvalidParameter, "Attributes did not conform to the schema: custom:code: Attribute cannot be updated. (changing an immutable attribute)")
	assert.Equal(t, "b@example.com", userIn(t, e, poolID, "b").Attributes["email"])
	_, err = e.Server.AdminDeleteUserAttributes(ctx, &challenge.AdminDeleteUserAttributesInput{UserPoolId: poolID, Username: "b", UserAttributeNames: []string{"custom:age"}})
	require.NoError(t, err)
}

func TestNewPasswordRequiredValidatesAttributes(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 304})
	poolID, clientID := schemaPool(t, e, nil, nil, nil)
	_, err := e.Server.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: poolID, Username: "nina",
		MessageAction: "SUPPRESS", TemporaryPassword: "Temp-horse1"})
	require.NoError(t, err)
	start, err := e.Server.AdminInitiateAuth(ctx, &challenge.AdminInitiateAuthInput{UserPoolId: poolID, ClientId: clientID,
		AuthFlow: challenge.FlowAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "nina", "PASSWORD": "Temp-horse1"}})
	require.NoError(t, err)
	require.Equal(t, challenge.NewPasswordRequired, start.ChallengeName)
	assert.Equal(t, `["userAttributes.email"]`, start.ChallengeParameters["requiredAttributes"])
	answer := func(session string, attrs map[string]string) (*challenge.AdminRespondToAuthChallengeOutput, error) {
		r := map[string]string{"USERNAME": "nina", "NEW_PASSWORD": "Correct-horse1"}
		for k, v := range attrs {
			r["userAttributes."+k] = v
		}
		return e.Server.AdminRespondToAuthChallenge(ctx, &challenge.AdminRespondToAuthChallengeInput{UserPoolId: poolID, ClientId: clientID,
			ChallengeName: challenge.NewPasswordRequired, Session: session, ChallengeResponses: r})
	}
	_, err = answer(start.Session, map[string]string{"email": "nina@example.com", "custom:nope": "1"})
	requireCode(t, err, challenge.ErrInvalidParameter, "Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.")
	_, err = answer(start.Session, map[string]string{"email": "nina"})
	requireCode(t, err, challenge.ErrInvalidParameter, "Invalid email address format.")
	_, err = answer(start.Session, map[string]string{"email": "nina@example.com", "dev:custom:note": "mine"})
	requireCode(t, err, challenge.ErrNotAuthorized, "A client attempted to write unauthorized attribute")
	// A wrong answer keeps the session for a limited number of answers: start again.
	start, err = e.Server.AdminInitiateAuth(ctx, &challenge.AdminInitiateAuthInput{UserPoolId: poolID, ClientId: clientID,
		AuthFlow: challenge.FlowAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "nina", "PASSWORD": "Temp-horse1"}})
	require.NoError(t, err)
	out, err := answer(start.Session, map[string]string{"email": "nina@example.com", "custom:code": "N1"})
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
	assert.Equal(t, "N1", userIn(t, e, poolID, "nina").Attributes["custom:code"], "an immutable attribute without a value may be given one here")
}

func TestClientReadWriteAttributes(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 305})
	poolID, clientID := schemaPool(t, e, []string{"email", "custom:tier"}, []string{"name", "custom:tier"}, nil)
	for _, tc := range []struct {
		read, write []string
		msg         string
	}{
		{[]string{"custom:nope"}, nil, "Invalid read attributes specified while creating a client"},
		{nil, []string{"dev:custom:note"}, "Invalid write attributes specified while creating a client"},
		{nil, []string{"custom:code"}, "Invalid write attributes specified while creating a client"},
		{nil, []string{"sub"}, "Invalid write attributes specified while creating a client"},
		{nil, []string{"shoe_size"}, "Invalid write attributes specified while creating a client"},
	} {
		_, err := e.Server.CreateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: poolID, ClientName: "bad",
			ReadAttributes: tc.read, WriteAttributes: tc.write})
		requireCode(t, err, challenge.ErrInvalidParameter, tc.msg)
	}
	_, err := e.Server.UpdateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: poolID, ClientId: clientID,
		WriteAttributes: []string{"custom:code"}})
	requireCode(t, err, challenge.ErrInvalidParameter, "Invalid write attributes specified while updating a client")

	tok := schemaUser(t, e, poolID, clientID, "rita", attr("email", "rita@example.com"), attr("name", "Rita"),
		attr("custom:tier", "gold"), attr("dev:custom:note", "secret"))
	got, err := e.Server.GetUser(ctx, &challenge.AccessTokenInput{AccessToken: tok})
	require.NoError(t, err)
	m := attrMap(got.UserAttributes)
	assert.Equal(t, []string{"sub", "custom:tier", "email"}, []string{got.UserAttributes[0].Name, got.UserAttributes[1].Name, got.UserAttributes[2].Name})
	assert.Len(t, m, 3, "only sub and the readable attributes: %v", m)
	admin, err := e.Server.AdminGetUser(ctx, &challenge.AdminUserInput{UserPoolId: poolID, Username: "rita"})
	require.NoError(t, err)
	assert.Equal(t, "secret", attrMap(admin.UserAttributes)["dev:custom:note"], "administrators are not limited by a client")

	_, err = e.Server.UpdateUserAttributes(ctx, &challenge.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: []challenge.AttributeType{attr("email", "other@example.com")}})
	requireCode(t, err, challenge.ErrNotAuthorized, "A client attempted to write unauthorized attribute")
	_, err = e.Server.DeleteUserAttributes(ctx, &challenge.DeleteUserAttributesInput{AccessToken: tok, UserAttributeNames: []string{"email"}})
	requireCode(t, err, challenge.ErrNotAuthorized, "A client attempted to write unauthorized attribute")
	_, err = e.Server.UpdateUserAttributes(ctx, &challenge.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: []challenge.AttributeType{attr("custom:tier", "platinum+")}})
	requireCode(t, err, challenge.ErrInvalidParameter, "Attributes did not conform to the schema: custom:tier: String must be no longer than 8 characters")
	_, err = e.Server.UpdateUserAttributes(ctx, &challenge.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: []challenge.AttributeType{attr("custom:tier", "silver"), attr("name", "Rita R.")}})
	require.NoError(t, err)
	assert.Equal(t, "silver", userIn(t, e, poolID, "rita").Attributes["custom:tier"])

	// A client without permissions reads everything, developer-only attributes too (read-only to app clients).
	open, err := e.Server.CreateUserPoolClient(ctx, &challenge.UserPoolClientInput{UserPoolId: poolID, ClientName: "open",
		ExplicitAuthFlows: []string{challenge.ExplicitAllowAdminUserPassword, challenge.ExplicitAllowRefreshTokenAuth}})
	require.NoError(t, err)
	auth, err := e.Server.AdminInitiateAuth(ctx, &challenge.AdminInitiateAuthInput{UserPoolId: poolID, ClientId: open.UserPoolClient.ClientId,
		AuthFlow: challenge.FlowAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "rita", "PASSWORD": "Correct-horse1"}})
	require.NoError(t, err)
	got, err = e.Server.GetUser(ctx, &challenge.AccessTokenInput{AccessToken: auth.AuthenticationResult.AccessToken})
	require.NoError(t, err)
	m = attrMap(got.UserAttributes)
	assert.Equal(t, "Rita R.", m["name"])
	assert.Equal(t, "secret", m["dev:custom:note"])
	_, err = e.Server.UpdateUserAttributes(ctx, &challenge.UpdateUserAttributesInput{AccessToken: auth.AuthenticationResult.AccessToken,
		UserAttributes: []challenge.AttributeType{attr("dev:custom:note", "mine")}})
	requireCode(t, err, challenge.ErrNotAuthorized, "A client attempted to write unauthorized attribute")
	assert.Equal(t, "secret", userIn(t, e, poolID, "rita").Attributes["dev:custom:note"])
}

func TestAttributesRequireVerificationBeforeUpdate(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 306})
	poolID, clientID := schemaPool(t, e, nil, nil, func(in *challenge.CreateUserPoolInput) {
		in.UserAttributeUpdateSettings = &challenge.UserAttributeUpdateSettingsType{AttributesRequireVerificationBeforeUpdate: []string{"email"}}
	})
	d, err := e.Server.DescribeUserPool(ctx, &challenge.UserPoolIdInput{UserPoolId: poolID})
	require.NoError(t, err)
	assert.Equal(t, []string{"email"}, d.UserPool.UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate)

	tok := schemaUser(t, e, poolID, clientID, "vera", attr("email", "vera@example.com"), attr("email_verified", "true"))
	out, err := e.Server.UpdateUserAttributes(ctx, &challenge.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: []challenge.AttributeType{attr("email", "vera.new@example.com"), attr("name", "Vera")}})
	require.NoError(t, err)
	require.Len(t, out.CodeDeliveryDetailsList, 1)
	assert.Equal(t, "v***@e***", out.CodeDeliveryDetailsList[0].Destination)
	msg, ok := e.Outbox.Last("vera", "VERIFY_ATTRIBUTE")
	require.True(t, ok)
	assert.Equal(t, "vera.new@example.com", msg.Destination, "the code goes to the new value")
	got, err := e.Server.GetUser(ctx, &challenge.AccessTokenInput{AccessToken: tok})
	require.NoError(t, err)
	m := attrMap(got.UserAttributes)
	assert.Equal(t, "vera@example.com", m["email"], "the old value stays until verified")
	assert.Equal(t, "true", m["email_verified"])
	assert.Equal(t, "Vera", m["name"], "the other attributes change at once")

	// Asking again sends a new code to the pending value.
	_, err = e.Server.GetUserAttributeVerificationCode(ctx, &challenge.GetUserAttributeVerificationCodeInput{AccessToken: tok, AttributeName: "email"})
	require.NoError(t, err)
	msg2, ok := e.Outbox.Last("vera", "VERIFY_ATTRIBUTE")
	require.True(t, ok)
	assert.Equal(t, "vera.new@example.com", msg2.Destination)
	_, err = e.Server.VerifyUserAttribute(ctx, &challenge.VerifyUserAttributeInput{AccessToken: tok, AttributeName: "email", Code: wrongCode(msg2.Code)})
	requireCode(t, err, challenge.ErrCodeMismatch, "")
	assert.Equal(t, "vera@example.com", userIn(t, e, poolID, "vera").Attributes["email"])
	_, err = e.Server.VerifyUserAttribute(ctx, &challenge.VerifyUserAttributeInput{AccessToken: tok, AttributeName: "email", Code: msg2.Code})
	require.NoError(t, err)
	u := userIn(t, e, poolID, "vera")
	assert.Equal(t, "vera.new@example.com", u.Attributes["email"])
	assert.Equal(t, "true", u.Attributes["email_verified"])
	_, err = e.Server.VerifyUserAttribute(ctx, &challenge.VerifyUserAttributeInput{AccessToken: tok, AttributeName: "email", Code: msg2.Code})
	requireCode(t, err, challenge.ErrCodeMismatch, "")

	// Writing the current value back cancels a pending change (an hour
	// later: the code guesses so far used the hour's budget).
	e.Clock.Advance(61 * time.Minute)
	again, err := e.Server.AdminInitiateAuth(ctx, &challenge.AdminInitiateAuthInput{UserPoolId: poolID, ClientId: clientID,
		AuthFlow: challenge.FlowAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "vera", "PASSWORD": "Correct-horse1"}})
	require.NoError(t, err)
	tok = again.AuthenticationResult.AccessToken
	_, err = e.Server.UpdateUserAttributes(ctx, &challenge.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: []challenge.AttributeType{attr("email", "cancel@example.com")}})
	require.NoError(t, err)
	cancelled, ok := e.Outbox.Last("vera", "VERIFY_ATTRIBUTE")
	require.True(t, ok)
	_, err = e.Server.UpdateUserAttributes(ctx, &challenge.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: []challenge.AttributeType{attr("email", "vera.new@example.com")}})
	require.NoError(t, err)
	_, err = e.Server.VerifyUserAttribute(ctx, &challenge.VerifyUserAttributeInput{AccessToken: tok, AttributeName: "email", Code: cancelled.Code})
	requireCode(t, err, challenge.ErrCodeMismatch, "")
	assert.Equal(t, "vera.new@example.com", userIn(t, e, poolID, "vera").Attributes["email"])

	// An administrator's write replaces a pending change.
	_, err = e.Server.UpdateUserAttributes(ctx, &challenge.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: []challenge.AttributeType{attr("email", "third@example.com")}})
	require.NoError(t, err)
	pending, ok := e.Outbox.Last("vera", "VERIFY_ATTRIBUTE")
	require.True(t, ok)
	_, err = e.Server.AdminUpdateUserAttributes(ctx, &challenge.AdminUpdateUserAttributesInput{UserPoolId: poolID, Username: "vera",
		UserAttributes: []challenge.AttributeType{attr("email", "admin@example.com"), attr("email_verified", "true")}})
	require.NoError(t, err)
	_, err = e.Server.VerifyUserAttribute(ctx, &challenge.VerifyUserAttributeInput{AccessToken: tok, AttributeName: "email", Code: pending.Code})
	requireCode(t, err, challenge.ErrCodeMismatch, "")
	assert.Equal(t, "admin@example.com", userIn(t, e, poolID, "vera").Attributes["email"])

	// An administrator's change waits too, unless it says the new value is verified.
	_, err = e.Server.AdminUpdateUserAttributes(ctx, &challenge.AdminUpdateUserAttributesInput{UserPoolId: poolID, Username: "vera",
		UserAttributes: []challenge.AttributeType{attr("email", "fourth@example.com")}})
	require.NoError(t, err)
	assert.Equal(t, "admin@example.com", userIn(t, e, poolID, "vera").Attributes["email"])
	fourth, ok := e.Outbox.Last("vera", "VERIFY_ATTRIBUTE")
	require.True(t, ok)
	assert.Equal(t, "fourth@example.com", fourth.Destination)
	_, err = e.Server.VerifyUserAttribute(ctx, &challenge.VerifyUserAttributeInput{AccessToken: tok, AttributeName: "email", Code: fourth.Code})
	require.NoError(t, err)
	assert.Equal(t, "fourth@example.com", userIn(t, e, poolID, "vera").Attributes["email"])

	// Without the setting the value changes at once, unverified.
	_, err = e.Server.UpdateUserPool(ctx, &challenge.UpdateUserPoolInput{UserPoolId: poolID, AutoVerifiedAttributes: []string{"email"}})
	require.NoError(t, err)
	_, err = e.Server.UpdateUserAttributes(ctx, &challenge.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: []challenge.AttributeType{attr("email", "now@example.com")}})
	require.NoError(t, err)
	assert.Equal(t, "now@example.com", userIn(t, e, poolID, "vera").Attributes["email"])
	assert.Equal(t, "false", userIn(t, e, poolID, "vera").Attributes["email_verified"])

	_, err = e.Server.UpdateUserPool(ctx, &challenge.UpdateUserPoolInput{UserPoolId: poolID,
		UserAttributeUpdateSettings: &challenge.UserAttributeUpdateSettingsType{AttributesRequireVerificationBeforeUpdate: []string{"phone_number"}}})
	requireCode(t, err, challenge.ErrInvalidParameter, "The attribute phone_number in AttributesRequireVerificationBeforeUpdate must also be in AutoVerifiedAttributes.")
}

func TestLegacyPoolWithoutSchema(t *testing.T) {
	// A pool stored before schemas (flowtest's) checks nothing and
	// describes the standard attributes with SchemaRequired.
	e := flowtest.New(t, flowtest.Options{Seed: 307, Pool: func(p *flow.Pool) { p.SchemaRequired = []string{"name"} }})
	out, err := e.Server.DescribeUserPool(ctx, &challenge.UserPoolIdInput{UserPoolId: e.Pool.ID})
	require.NoError(t, err)
	require.Len(t, out.UserPool.SchemaAttributes, 20)
	for _, a := range out.UserPool.SchemaAttributes {
		assert.Equal(t, a.Name == "sub" || a.Name == "name", *a.Required, a.Name)
	}
	_, err = e.Server.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: e.Pool.ID, Username: "old",
		MessageAction: "SUPPRESS", UserAttributes: []challenge.AttributeType{attr("custom:anything", "x")}})
	require.NoError(t, err)
}

// userIn reads a user of poolID from the directory.
func userIn(t *testing.T, e *flowtest.Env, poolID, name string) *flow.User {
	t.Helper()
	u, err := e.Dir.User(ctx, poolID, name)
	require.NoError(t, err)
	require.NotNil(t, u, name)
	return u
}
