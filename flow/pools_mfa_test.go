package flow_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
)

// TestUserPoolMfaConfigReadBack: SetUserPoolMfaConfig keeps the SMS and
// email MFA settings, and GetUserPoolMfaConfig returns them as set, so
// tools comparing desired and actual state see no drift. Setting them
// again without the messages clears them.
func TestUserPoolMfaConfigReadBack(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 52, Pool: func(p *flow.Pool) { p.UserPoolTier = "ESSENTIALS" }})
	in := &challenge.UserPoolMfaConfig{UserPoolId: e.Pool.ID, MfaConfiguration: "OPTIONAL",
		SmsMfaConfiguration: &challenge.SmsMfaConfigType{SmsAuthenticationMessage: "Your code is {####}",
			SmsConfiguration: &challenge.SmsConfigurationType{SnsCallerArn: "arn:aws:iam::123456789012:role/sms", ExternalId: "ext-1", SnsRegion: "us-east-1"}},
		SoftwareTokenMfaConfiguration: &challenge.SoftwareTokenMfaConfigType{Enabled: true},
		EmailMfaConfiguration:         &challenge.EmailMfaConfigType{Message: "Sign-in code {####}", Subject: "Your code"}}
	set, err := e.Server.SetUserPoolMfaConfig(ctx, in)
	require.NoError(t, err)
	got, err := e.Server.GetUserPoolMfaConfig(ctx, &challenge.UserPoolIdInput{UserPoolId: e.Pool.ID})
	require.NoError(t, err)
	want := *in
	want.UserPoolId = ""
	for _, out := range []*challenge.UserPoolMfaConfig{set, got} {
		a, _ := json.Marshal(want)
		b, _ := json.Marshal(out)
		assert.JSONEq(t, string(a), string(b))
	}
	// The caller's structures are not aliased.
	in.SmsMfaConfiguration.SmsConfiguration.ExternalId = "changed"
	got, err = e.Server.GetUserPoolMfaConfig(ctx, &challenge.UserPoolIdInput{UserPoolId: e.Pool.ID})
	require.NoError(t, err)
	assert.Equal(t, "ext-1", got.SmsMfaConfiguration.SmsConfiguration.ExternalId)

	// Enabled without messages: empty configurations come back, not the old ones.
	_, err = e.Server.SetUserPoolMfaConfig(ctx, &challenge.UserPoolMfaConfig{UserPoolId: e.Pool.ID, MfaConfiguration: "OPTIONAL",
		SmsMfaConfiguration: &challenge.SmsMfaConfigType{}, EmailMfaConfiguration: &challenge.EmailMfaConfigType{}})
	require.NoError(t, err)
	got, err = e.Server.GetUserPoolMfaConfig(ctx, &challenge.UserPoolIdInput{UserPoolId: e.Pool.ID})
	require.NoError(t, err)
	assert.Equal(t, &challenge.SmsMfaConfigType{}, got.SmsMfaConfiguration)
	assert.Equal(t, &challenge.EmailMfaConfigType{}, got.EmailMfaConfiguration)

	// Templates without the code placeholder are refused, and nothing changes.
	for _, bad := range []*challenge.UserPoolMfaConfig{
		{UserPoolId: e.Pool.ID, MfaConfiguration: "OPTIONAL", SmsMfaConfiguration: &challenge.SmsMfaConfigType{SmsAuthenticationMessage: "no placeholder"}},
		{UserPoolId: e.Pool.ID, MfaConfiguration: "OPTIONAL", EmailMfaConfiguration: &challenge.EmailMfaConfigType{Message: "no placeholder"}},
	} {
		_, err = e.Server.SetUserPoolMfaConfig(ctx, bad)
		requireCode(t, err, challenge.ErrInvalidParameter, "")
	}
	again, err := e.Server.GetUserPoolMfaConfig(ctx, &challenge.UserPoolIdInput{UserPoolId: e.Pool.ID})
	require.NoError(t, err)
	assert.Equal(t, got, again)
}
