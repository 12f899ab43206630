package userpool_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

// Attacks of issue 12, item 4: clients marking their own email or phone
// verified, and verified aliases held by two users.

const victimEmail = "vera@example.com"

// aliasEnv is a pool where a verified email is a sign-in alias, with the
// victim vera holding victimEmail verified.
func aliasEnv(t *testing.T, seed uint64, client func(*flow.AppClient)) *flowtest.Env {
	e := flowtest.New(t, flowtest.Options{Seed: seed, Client: client, Pool: func(p *flow.Pool) {
		p.AliasAttributes = []string{"email", "phone_number"}
		p.AutoVerifiedAttributes = []string{"email"}
	}})
	e.AddUser("vera", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": victimEmail, "email_verified": "true"})
	return e
}

// requireVictimSignsInByEmail: the victim's verified email still signs
// her in, as her.
func requireVictimSignsInByEmail(t *testing.T, e *flowtest.Env) {
	t.Helper()
	out, err := e.PasswordSignIn(ctx, victimEmail, "Correct-horse1")
	require.NoError(t, err, "the victim can no longer sign in with her email")
	require.NotNil(t, out.AuthenticationResult)
	last := e.Issuer.Grants[len(e.Issuer.Grants)-1]
	assert.Equal(t, "vera", last.Username)
}

// TestAttackSignUpMarksEmailVerified: an unauthenticated SignUp that
// claims email_verified=true for the victim's address is refused (the
// attacker's name sorts first, so on the old code the alias resolved to
// the attacker), and ValidationData writes nothing.
func TestAttackSignUpMarksEmailVerified(t *testing.T) {
	e := aliasEnv(t, 1201, nil)
	_, err := e.Server.SignUp(ctx, &challenge.SignUpInput{ClientId: e.Client.ID, Username: "aaron", Password: "Attacker-pw1",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: victimEmail}, {Name: "email_verified", Value: "true"}}})
	requireCode(t, err, challenge.ErrNotAuthorized, "A client attempted to write unauthorized attribute")
	assert.Nil(t, e.User("aaron"), "a refused SignUp creates nobody")
	_, err = e.Server.SignUp(ctx, &challenge.SignUpInput{ClientId: e.Client.ID, Username: "abel", Password: "Attacker-pw1",
		UserAttributes: []challenge.AttributeType{{Name: "phone_number", Value: "+15555550100"}, {Name: "phone_number_verified", Value: "true"}}})
	requireCode(t, err, challenge.ErrNotAuthorized, "A client attempted to write unauthorized attribute")

	// ValidationData is for triggers: it is not stored.
	_, err = e.Server.SignUp(ctx, &challenge.SignUpInput{ClientId: e.Client.ID, Username: "adam", Password: "Attacker-pw1",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: victimEmail}},
		ValidationData: []challenge.AttributeType{{Name: "email_verified", Value: "true"}}})
	require.NoError(t, err)
	adam := e.User("adam")
	require.NotNil(t, adam)
	assert.Equal(t, map[string]string{"email": victimEmail}, adam.Attributes)
	requireVictimSignsInByEmail(t, e)
}

// TestAttackSignUpEmailCaseDodgesAlias: an alias written with other
// letter case is stored as sign-in looks it up, so uniqueness sees it.
func TestAttackSignUpEmailCaseDodgesAlias(t *testing.T) {
	e := aliasEnv(t, 1202, nil)
	_, err := e.Server.SignUp(ctx, &challenge.SignUpInput{ClientId: e.Client.ID, Username: "aaron", Password: "Attacker-pw1",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: "Vera@Example.COM"}}})
	require.NoError(t, err)
	assert.Equal(t, victimEmail, e.User("aaron").Attributes["email"])
}

// TestSignUpWriteAttributesExplicit: a client whose WriteAttributes names
// email_verified may write it; one whose list leaves out an attribute may
// not write that one.
func TestSignUpWriteAttributesExplicit(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 1203, Client: func(c *flow.AppClient) {
		c.WriteAttributes = []string{"email", "email_verified", "name"}
	}})
	_, err := e.Server.SignUp(ctx, &challenge.SignUpInput{ClientId: e.Client.ID, Username: "trusted", Password: "Correct-horse1",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: "t@example.com"}, {Name: "email_verified", Value: "true"}}})
	require.NoError(t, err)
	assert.Equal(t, "true", e.User("trusted").Attributes["email_verified"])
	_, err = e.Server.SignUp(ctx, &challenge.SignUpInput{ClientId: e.Client.ID, Username: "other", Password: "Correct-horse1",
		UserAttributes: []challenge.AttributeType{{Name: "phone_number", Value: "+15555550100"}}})
	requireCode(t, err, challenge.ErrNotAuthorized, "A client attempted to write unauthorized attribute")
}

// newPasswordRequired signs an invited user in with the temporary password
// and returns the NEW_PASSWORD_REQUIRED session.
func newPasswordRequired(t *testing.T, e *flowtest.Env, username, temp string) string {
	t.Helper()
	first, err := e.PasswordSignIn(ctx, username, temp)
	require.NoError(t, err)
	require.Equal(t, challenge.NewPasswordRequired, first.ChallengeName)
	return first.Session
}

func answerNewPassword(e *flowtest.Env, session, username string, attrs map[string]string) (*challenge.RespondToAuthChallengeOutput, error) {
	resp := map[string]string{challenge.KeyUsername: username, challenge.KeyNewPassword: "Brand-new-pw1"}
	for k, v := range attrs {
		resp[challenge.PrefixUserAttributes+k] = v
	}
	return e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ClientId: e.Client.ID,
		ChallengeName: challenge.NewPasswordRequired, Session: session, ChallengeResponses: resp})
}

// TestAttackNewPasswordMarksEmailVerified: an invited user answering
// NEW_PASSWORD_REQUIRED cannot claim the victim's email verified, neither
// by writing email_verified nor by changing an email an administrator had
// verified; the tokens never assert the victim's verified email.
func TestAttackNewPasswordMarksEmailVerified(t *testing.T) {
	e := aliasEnv(t, 1204, nil)
	e.AddUser("ivan", "Temp-pass1", flow.StatusForceChangePassword, map[string]string{"email": "ivan@example.com"})
	session := newPasswordRequired(t, e, "ivan", "Temp-pass1")
	_, err := answerNewPassword(e, session, "ivan", map[string]string{"email": victimEmail, "email_verified": "true"})
	requireCode(t, err, challenge.ErrNotAuthorized, "A client attempted to write unauthorized attribute")
	assert.Equal(t, map[string]string{"email": "ivan@example.com"}, e.User("ivan").Attributes)

	// An administrator verified ivan's own address; changing it drops the
	// verification.
	e.AddUser("ida", "Temp-pass1", flow.StatusForceChangePassword, map[string]string{"email": "ida@example.com", "email_verified": "true"})
	session = newPasswordRequired(t, e, "ida", "Temp-pass1")
	out, err := answerNewPassword(e, session, "ida", map[string]string{"email": victimEmail})
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
	grant := e.Issuer.Grants[len(e.Issuer.Grants)-1]
	assert.Equal(t, "ida", grant.Username)
	assert.Equal(t, victimEmail, grant.Attributes["email"])
	assert.Equal(t, "false", grant.Attributes["email_verified"], "the ID token asserts the victim's email verified")
	assert.Equal(t, "false", e.User("ida").Attributes["email_verified"])
	requireVictimSignsInByEmail(t, e)
}

// TestNewPasswordVerifiedAliasTaken: even a client allowed to write
// email_verified cannot give its user a verified alias another user holds;
// the session survives the refusal.
func TestNewPasswordVerifiedAliasTaken(t *testing.T) {
	e := aliasEnv(t, 1205, func(c *flow.AppClient) { c.WriteAttributes = []string{"email", "email_verified"} })
	e.AddUser("ivan", "Temp-pass1", flow.StatusForceChangePassword, map[string]string{"email": "ivan@example.com"})
	session := newPasswordRequired(t, e, "ivan", "Temp-pass1")
	_, err := answerNewPassword(e, session, "ivan", map[string]string{"email": "VERA@example.com", "email_verified": "true"})
	requireCode(t, err, challenge.ErrAliasExists, "An account with the given email already exists.")
	out, err := answerNewPassword(e, session, "ivan", map[string]string{"email": "Ivan2@example.com", "email_verified": "true"})
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
	assert.Equal(t, "ivan2@example.com", e.User("ivan").Attributes["email"])
	requireVictimSignsInByEmail(t, e)
}

// TestNewPasswordUsernameAttributeTaken: in an email-as-username pool, an
// invited user cannot take another user's email as a sign-in name.
func TestNewPasswordUsernameAttributeTaken(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 1206, Pool: func(p *flow.Pool) { p.UsernameAttributes = []string{"email", "phone_number"} }})
	e.AddUser("sub-vera", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": victimEmail})
	e.AddUser("sub-ivan", "Temp-pass1", flow.StatusForceChangePassword, map[string]string{"phone_number": "+15555550111"})
	session := newPasswordRequired(t, e, "+15555550111", "Temp-pass1")
	_, err := answerNewPassword(e, session, "sub-ivan", map[string]string{"email": victimEmail})
	requireCode(t, err, challenge.ErrAliasExists, "An account with the given email already exists.")
	_, ok := e.User("sub-ivan").Attributes["email"]
	assert.False(t, ok)
}

// TestAttackConfirmSignUpTakesVerifiedAlias: confirming a sign-up whose
// email another user holds verified answers AliasExistsException and
// keeps the code; ForceAliasCreation moves the alias.
func TestAttackConfirmSignUpTakesVerifiedAlias(t *testing.T) {
	e := aliasEnv(t, 1207, nil)
	_, err := e.Server.SignUp(ctx, &challenge.SignUpInput{ClientId: e.Client.ID, Username: "aaron", Password: "Attacker-pw1",
		UserAttributes: []challenge.AttributeType{{Name: "email", Value: victimEmail}}})
	require.NoError(t, err)
	msg, ok := e.Outbox.Last("aaron", "SIGN_UP")
	require.True(t, ok)
	confirm := func(force bool) error {
		_, err := e.Server.ConfirmSignUp(ctx, &challenge.ConfirmSignUpInput{ClientId: e.Client.ID, Username: "aaron",
			ConfirmationCode: msg.Code, ForceAliasCreation: force})
		return err
	}
	requireCode(t, confirm(false), challenge.ErrAliasExists, "An account with the given email already exists.")
	assert.Equal(t, flow.StatusUnconfirmed, e.User("aaron").Status)
	assert.Empty(t, e.User("aaron").Attributes["email_verified"])
	requireVictimSignsInByEmail(t, e)

	// The owner of the mailbox (who got the code) may move the alias.
	require.NoError(t, confirm(true))
	assert.Equal(t, "true", e.User("aaron").Attributes["email_verified"])
	assert.Equal(t, "false", e.User("vera").Attributes["email_verified"])
	out, err := e.PasswordSignIn(ctx, victimEmail, "Attacker-pw1")
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
}

// TestAdminVerifiedAliasUniqueness: AdminUpdateUserAttributes and
// AdminCreateUser refuse a verified alias another user holds verified
// (AdminCreateUser moves it with ForceAliasCreation); an unverified copy
// is allowed, and an admin's email change drops a stale verification.
func TestAdminVerifiedAliasUniqueness(t *testing.T) {
	e := aliasEnv(t, 1208, nil)
	e.AddUser("tom", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "tom@example.com", "email_verified": "true"})
	update := func(attrs ...challenge.AttributeType) error {
		_, err := e.Server.AdminUpdateUserAttributes(ctx, &challenge.AdminUpdateUserAttributesInput{UserPoolId: e.Pool.ID,
			Username: "tom", UserAttributes: attrs})
		return err
	}
	// A changed email is not verified any more...
	require.NoError(t, update(challenge.AttributeType{Name: "email", Value: victimEmail}))
	assert.Equal(t, "false", e.User("tom").Attributes["email_verified"])
	requireVictimSignsInByEmail(t, e)
	// ...and cannot be made verified while vera holds it verified.
	requireCode(t, update(challenge.AttributeType{Name: "email_verified", Value: "true"}), challenge.ErrAliasExists,
		"An account with the given email already exists.")
	requireCode(t, update(challenge.AttributeType{Name: "email", Value: "Vera@example.com"}, challenge.AttributeType{Name: "email_verified", Value: "true"}),
		challenge.ErrAliasExists, "An account with the given email already exists.")
	assert.Equal(t, "false", e.User("tom").Attributes["email_verified"])
	require.NoError(t, update(challenge.AttributeType{Name: "email", Value: "tom2@example.com"}, challenge.AttributeType{Name: "email_verified", Value: "true"}))
	assert.Equal(t, "true", e.User("tom").Attributes["email_verified"])

	create := func(name string, force bool) error {
		_, err := e.Server.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: e.Pool.ID, Username: name,
			MessageAction: "SUPPRESS", ForceAliasCreation: force,
			UserAttributes: []challenge.AttributeType{{Name: "email", Value: victimEmail}, {Name: "email_verified", Value: "true"}}})
		return err
	}
	requireCode(t, create("aaron", false), challenge.ErrAliasExists, "An account with the given email already exists.")
	assert.Nil(t, e.User("aaron"))
	_, err := e.Server.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: e.Pool.ID, Username: "unverified",
		MessageAction: "SUPPRESS", UserAttributes: []challenge.AttributeType{{Name: "email", Value: victimEmail}}})
	require.NoError(t, err, "an unverified copy of an email alias is no conflict")
	requireVictimSignsInByEmail(t, e)
	require.NoError(t, create("aaron", true))
	assert.Equal(t, "false", e.User("vera").Attributes["email_verified"])
	assert.Equal(t, "true", e.User("aaron").Attributes["email_verified"])
}
