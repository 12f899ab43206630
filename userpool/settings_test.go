package userpool_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

func TestSetUserSettingsTurnsSMSMFAOnAndOff(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 155})
	e.AddUser("sol", "Correct-horse1", flow.StatusConfirmed, map[string]string{"phone_number": "+15555550100", "phone_number_verified": "true"})
	e.AddUser("nop", "Correct-horse1", flow.StatusConfirmed, nil)
	sms := []challenge.MFAOptionType{{DeliveryMedium: "SMS", AttributeName: "phone_number"}}

	_, err := e.Server.AdminSetUserSettings(ctx, &challenge.AdminSetUserSettingsInput{UserPoolId: e.Pool.ID, Username: "sol", MFAOptions: sms})
	require.NoError(t, err)
	assert.True(t, e.User("sol").MFA.SMSEnabled)

	tok := signedInSMS(t, e, "sol")
	_, err = e.Server.SetUserSettings(ctx, &challenge.SetUserSettingsInput{AccessToken: tok, MFAOptions: []challenge.MFAOptionType{}})
	require.NoError(t, err)
	assert.False(t, e.User("sol").MFA.SMSEnabled)

	_, err = e.Server.AdminSetUserSettings(ctx, &challenge.AdminSetUserSettingsInput{UserPoolId: e.Pool.ID, Username: "nop", MFAOptions: sms})
	requireCode(t, err, challenge.ErrInvalidParameter, "User does not have delivery config set to turn on SMS_MFA")
	_, err = e.Server.AdminSetUserSettings(ctx, &challenge.AdminSetUserSettingsInput{UserPoolId: e.Pool.ID, Username: "sol",
		MFAOptions: []challenge.MFAOptionType{{DeliveryMedium: "EMAIL", AttributeName: "email"}}})
	requireCode(t, err, challenge.ErrInvalidParameter, "")
	assert.False(t, e.User("sol").MFA.SMSEnabled)
	_, err = e.Server.AdminSetUserSettings(ctx, &challenge.AdminSetUserSettingsInput{UserPoolId: e.Pool.ID, Username: "sol"})
	requireCode(t, err, challenge.ErrInvalidParameter, "")
}

// signedInSMS signs a user with SMS MFA in, answering the code.
func signedInSMS(t *testing.T, e *flowtest.Env, username string) string {
	t.Helper()
	out, err := e.PasswordSignIn(ctx, username, "Correct-horse1")
	require.NoError(t, err)
	if out.AuthenticationResult != nil {
		return out.AuthenticationResult.AccessToken
	}
	require.Equal(t, challenge.SMSMFA, out.ChallengeName)
	msg, ok := e.Outbox.Last(username, "MFA")
	require.True(t, ok)
	res, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ClientId: e.Client.ID, Session: out.Session,
		ChallengeName: challenge.SMSMFA, ChallengeResponses: map[string]string{"USERNAME": username, "SMS_MFA_CODE": msg.Code}})
	require.NoError(t, err)
	require.NotNil(t, res.AuthenticationResult)
	return res.AuthenticationResult.AccessToken
}
