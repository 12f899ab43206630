package flow_test

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/srp"
)

// device is what a client keeps for a remembered device.
type device struct {
	key, group, password string
}

// confirmDevice does what amazon-cognito-identity-js does with
// NewDeviceMetadata: make a random password and verifier and confirm.
func confirmDevice(t *testing.T, r *recorder, res *challenge.AuthenticationResult) device {
	t.Helper()
	md := res.NewDeviceMetadata
	require.NotNil(t, md)
	pw, salt, verifier, err := srp.NewDeviceSecret(r.e.ClientRand, md.DeviceGroupKey, md.DeviceKey)
	require.NoError(t, err)
	in := &challenge.ConfirmDeviceInput{AccessToken: res.AccessToken, DeviceKey: md.DeviceKey, DeviceName: "laptop",
		DeviceSecretVerifierConfig: &challenge.DeviceSecretVerifierConfigType{
			PasswordVerifier: base64.StdEncoding.EncodeToString(verifier), Salt: base64.StdEncoding.EncodeToString(salt)}}
	out, err := r.e.Server.ConfirmDevice(ctx, in)
	r.record("ConfirmDevice", map[string]string{"DeviceKey": md.DeviceKey}, out, err)
	require.NoError(t, err)
	return device{key: md.DeviceKey, group: md.DeviceGroupKey, password: pw}
}

// deviceSignIn answers DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER.
func deviceSignIn(t *testing.T, r *recorder, username, session string, d device) (*challenge.RespondToAuthChallengeOutput, error) {
	t.Helper()
	c, err := srp.NewClient(r.e.ClientRand)
	require.NoError(t, err)
	out, err := r.answer(challenge.DeviceSRPAuth, session, map[string]string{"USERNAME": username, "DEVICE_KEY": d.key, "SRP_A": srp.HexInt(c.A())})
	if err != nil {
		return nil, err
	}
	require.Equal(t, challenge.DevicePasswordVerifier, out.ChallengeName)
	p := out.ChallengeParameters
	salt, err := srp.ParseSalt(p["SALT"])
	require.NoError(t, err)
	B, err := srp.ParseB(p["SRP_B"])
	require.NoError(t, err)
	key, err := c.DeviceSessionKey(d.group, d.key, d.password, salt, B)
	require.NoError(t, err)
	secret, err := base64.StdEncoding.DecodeString(p["SECRET_BLOCK"])
	require.NoError(t, err)
	ts := srp.FormatTimestamp(r.e.Clock.Now())
	return r.answer(challenge.DevicePasswordVerifier, out.Session, map[string]string{"USERNAME": username, "DEVICE_KEY": d.key,
		"PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "TIMESTAMP": ts,
		"PASSWORD_CLAIM_SIGNATURE": srp.Signature(key, d.group, d.key, secret, ts)})
}

func devicePool(prompt bool) func(*flow.Pool) {
	return func(p *flow.Pool) {
		mfaPool(flow.MFAOn)(p)
		p.Devices = &flow.DeviceConfiguration{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: prompt}
	}
}

// TestTranscriptRememberedDevice: a sign-in with MFA returns
// NewDeviceMetadata; the device is confirmed; the next sign-in with its
// DEVICE_KEY runs device SRP and skips MFA; once forgotten, MFA is back.
func TestTranscriptRememberedDevice(t *testing.T) {
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 120, Pool: devicePool(false)})}
	r.e.AddUser("dana", "Correct-horse1", flow.StatusConfirmed, nil)
	secret := totpUser(t, r.e, "dana")

	out, err := r.password("dana", "Correct-horse1")
	require.NoError(t, err)
	require.Equal(t, challenge.SoftwareTokenMFA, out.ChallengeName)
	done, err := r.answer(challenge.SoftwareTokenMFA, out.Session, map[string]string{"USERNAME": "dana", "SOFTWARE_TOKEN_MFA_CODE": code(t, secret, r.e.Clock.Now())})
	require.NoError(t, err)
	md := done.AuthenticationResult.NewDeviceMetadata
	require.NotNil(t, md)
	assert.Regexp(t, `^us-east-1_[0-9a-f-]{36}$`, md.DeviceKey)
	assert.Regexp(t, `^-[0-9A-Za-z]{9}$`, md.DeviceGroupKey)
	d := confirmDevice(t, r, done.AuthenticationResult)

	// Remembered: device SRP instead of MFA.
	out, err = r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "dana", "PASSWORD": "Correct-horse1", "DEVICE_KEY": d.key}})
	require.NoError(t, err)
	require.Equal(t, challenge.DeviceSRPAuth, out.ChallengeName)
	signed, err := deviceSignIn(t, r, "dana", out.Session, d)
	require.NoError(t, err)
	require.NotNil(t, signed.AuthenticationResult, "no MFA code on a remembered device")
	assert.Nil(t, signed.AuthenticationResult.NewDeviceMetadata)
	assert.Equal(t, d.key, r.e.Issuer.Grants[len(r.e.Issuer.Grants)-1].DeviceKey)

	// A wrong device password is refused.
	out, err = r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "dana", "PASSWORD": "Correct-horse1", "DEVICE_KEY": d.key}})
	require.NoError(t, err)
	_, err = deviceSignIn(t, r, "dana", out.Session, device{key: d.key, group: d.group, password: "guess"})
	requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")

	// Refresh with the device key puts it in the access token.
	_, err = r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowRefreshTokenAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": signed.AuthenticationResult.RefreshToken, "DEVICE_KEY": d.key}})
	require.NoError(t, err)
	assert.Equal(t, d.key, r.e.Issuer.Grants[len(r.e.Issuer.Grants)-1].DeviceKey)

	// Listed, then forgotten: the key is unknown and MFA is asked again.
	list, err := r.e.Server.ListDevices(ctx, &challenge.ListDevicesInput{AccessToken: signed.AuthenticationResult.AccessToken})
	require.NoError(t, err)
	require.Len(t, list.Devices, 1)
	assert.Contains(t, list.Devices[0].DeviceAttributes, challenge.AttributeType{Name: "device_name", Value: "laptop"})
	_, err = r.e.Server.ForgetDevice(ctx, &challenge.DeviceInput{AccessToken: signed.AuthenticationResult.AccessToken, DeviceKey: d.key})
	require.NoError(t, err)
	_, err = r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "dana", "PASSWORD": "Correct-horse1", "DEVICE_KEY": d.key}})
	requireCode(t, err, challenge.ErrResourceNotFound, "Device does not exist.")
	out, err = r.password("dana", "Correct-horse1")
	require.NoError(t, err)
	assert.Equal(t, challenge.SoftwareTokenMFA, out.ChallengeName)
	r.tr.Golden(t, "device_remembered")
}

// TestTranscriptDeviceNotRemembered: a confirmed device that is not
// remembered (DeviceOnlyRememberedOnUserPrompt) does not replace MFA. The
// order is Cognito's, the one amazon-cognito-identity-js and Amplify
// follow: first factor, the MFA challenge (answered with DEVICE_KEY), then
// DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER and tokens. Once
// UpdateDeviceStatus remembers the device, it replaces MFA: first factor,
// DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER, tokens.
func TestTranscriptDeviceNotRemembered(t *testing.T) {
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 121, Pool: devicePool(true)})}
	r.e.AddUser("finn", "Correct-horse1", flow.StatusConfirmed, nil)
	secret := totpUser(t, r.e, "finn")
	out, err := r.password("finn", "Correct-horse1")
	require.NoError(t, err)
	done, err := r.answer(challenge.SoftwareTokenMFA, out.Session, map[string]string{"USERNAME": "finn", "SOFTWARE_TOKEN_MFA_CODE": code(t, secret, r.e.Clock.Now())})
	require.NoError(t, err)
	md := done.AuthenticationResult.NewDeviceMetadata
	pw, salt, verifier, err := srp.NewDeviceSecret(r.e.ClientRand, md.DeviceGroupKey, md.DeviceKey)
	require.NoError(t, err)
	conf, err := r.e.Server.ConfirmDevice(ctx, &challenge.ConfirmDeviceInput{AccessToken: done.AuthenticationResult.AccessToken, DeviceKey: md.DeviceKey,
		DeviceSecretVerifierConfig: &challenge.DeviceSecretVerifierConfigType{PasswordVerifier: base64.StdEncoding.EncodeToString(verifier), Salt: base64.StdEncoding.EncodeToString(salt)}})
	r.record("ConfirmDevice", map[string]string{"DeviceKey": md.DeviceKey}, conf, err)
	require.NoError(t, err)
	assert.True(t, conf.UserConfirmationNecessary)
	d := device{key: md.DeviceKey, group: md.DeviceGroupKey, password: pw}

	// Not remembered: MFA first, then the device proves itself.
	r.e.Clock.Advance(30 * time.Second)
	out, err = r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "finn", "PASSWORD": "Correct-horse1", "DEVICE_KEY": d.key}})
	require.NoError(t, err)
	require.Equal(t, challenge.SoftwareTokenMFA, out.ChallengeName, "not remembered: MFA comes first")
	next, err := r.answer(challenge.SoftwareTokenMFA, out.Session, map[string]string{"USERNAME": "finn", "DEVICE_KEY": d.key,
		"SOFTWARE_TOKEN_MFA_CODE": code(t, secret, r.e.Clock.Now())})
	require.NoError(t, err)
	require.Equal(t, challenge.DeviceSRPAuth, next.ChallengeName, "the device proves itself after MFA")
	assert.Nil(t, next.AuthenticationResult)
	signed, err := deviceSignIn(t, r, "finn", next.Session, d)
	require.NoError(t, err)
	require.NotNil(t, signed.AuthenticationResult, "DEVICE_PASSWORD_VERIFIER ends with tokens")
	assert.Nil(t, signed.AuthenticationResult.NewDeviceMetadata)
	assert.Equal(t, d.key, r.e.Issuer.Grants[len(r.e.Issuer.Grants)-1].DeviceKey)

	// A wrong TOTP code before the device step keeps the session; a wrong
	// device password after it is refused.
	r.e.Clock.Advance(30 * time.Second)
	out, err = r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "finn", "PASSWORD": "Correct-horse1", "DEVICE_KEY": d.key}})
	require.NoError(t, err)
	_, err = r.answer(challenge.SoftwareTokenMFA, out.Session, map[string]string{"USERNAME": "finn", "DEVICE_KEY": d.key, "SOFTWARE_TOKEN_MFA_CODE": "000000"})
	requireCode(t, err, challenge.ErrCodeMismatch, "Invalid code received for user")
	next, err = r.answer(challenge.SoftwareTokenMFA, out.Session, map[string]string{"USERNAME": "finn", "DEVICE_KEY": d.key,
		"SOFTWARE_TOKEN_MFA_CODE": code(t, secret, r.e.Clock.Now())})
	require.NoError(t, err)
	require.Equal(t, challenge.DeviceSRPAuth, next.ChallengeName)
	_, err = deviceSignIn(t, r, "finn", next.Session, device{key: d.key, group: d.group, password: "guess"})
	requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")

	// Remembered: the device replaces MFA.
	_, err = r.e.Server.UpdateDeviceStatus(ctx, &challenge.DeviceInput{AccessToken: done.AuthenticationResult.AccessToken, DeviceKey: d.key, DeviceRememberedStatus: "remembered"})
	require.NoError(t, err)
	got, err := r.e.Server.AdminGetDevice(ctx, &challenge.DeviceInput{UserPoolId: r.e.Pool.ID, Username: "finn", DeviceKey: d.key})
	require.NoError(t, err)
	assert.Contains(t, got.Device.DeviceAttributes, challenge.AttributeType{Name: "device_remembered_status", Value: "remembered"})
	out, err = r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "finn", "PASSWORD": "Correct-horse1", "DEVICE_KEY": d.key}})
	require.NoError(t, err)
	require.Equal(t, challenge.DeviceSRPAuth, out.ChallengeName, "remembered: no MFA")
	signed, err = deviceSignIn(t, r, "finn", out.Session, d)
	require.NoError(t, err)
	assert.NotNil(t, signed.AuthenticationResult)
	r.tr.Golden(t, "device_not_remembered")
}

func TestDeviceKeysAreBoundToTheirUser(t *testing.T) {
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 122, Pool: func(p *flow.Pool) {
		p.Devices = &flow.DeviceConfiguration{ChallengeRequiredOnNewDevice: true}
	}})}
	r.e.AddUser("gus", "Correct-horse1", flow.StatusConfirmed, nil)
	r.e.AddUser("hank", "Correct-horse1", flow.StatusConfirmed, nil)
	out, err := r.password("gus", "Correct-horse1")
	require.NoError(t, err)
	d := confirmDevice(t, r, out.AuthenticationResult)

	// Another user's device key is unknown for hank.
	_, err = r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "hank", "PASSWORD": "Correct-horse1", "DEVICE_KEY": d.key}})
	requireCode(t, err, challenge.ErrResourceNotFound, "Device does not exist.")
	// A device key that was not issued to the access token cannot be confirmed.
	other, err := r.password("hank", "Correct-horse1")
	require.NoError(t, err)
	_, err = r.e.Server.ConfirmDevice(ctx, &challenge.ConfirmDeviceInput{AccessToken: other.AuthenticationResult.AccessToken, DeviceKey: d.key,
		DeviceSecretVerifierConfig: &challenge.DeviceSecretVerifierConfigType{PasswordVerifier: "AQ==", Salt: "AQ=="}})
	requireCode(t, err, challenge.ErrResourceNotFound, "Device does not exist.")
	// A public call cannot reach another user's device by naming the pool and user.
	_, err = r.e.Server.GetDevice(ctx, &challenge.DeviceInput{AccessToken: other.AuthenticationResult.AccessToken, UserPoolId: r.e.Pool.ID, Username: "gus", DeviceKey: d.key})
	requireCode(t, err, challenge.ErrResourceNotFound, "Device does not exist.")
	// Without device tracking the device operations are refused.
	plain := flowtest.New(t, flowtest.Options{Seed: 123})
	_, err = plain.Server.AdminListDevices(ctx, &challenge.ListDevicesInput{UserPoolId: plain.Pool.ID, Username: "x"})
	requireCode(t, err, challenge.ErrUserNotFound, "")
	plain.AddUser("x", "Correct-horse1", flow.StatusConfirmed, nil)
	_, err = plain.Server.AdminListDevices(ctx, &challenge.ListDevicesInput{UserPoolId: plain.Pool.ID, Username: "x"})
	requireCode(t, err, challenge.ErrInvalidUserPoolConfiguration, "Device tracking is not enabled for this user pool.")
}

// TestNewPasswordIsNotHalfApplied: a NEW_PASSWORD_REQUIRED answer that
// fails afterwards (an unknown DEVICE_KEY) leaves the user as it was.
func TestNewPasswordIsNotHalfApplied(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 124, Pool: func(p *flow.Pool) {
		p.Devices = &flow.DeviceConfiguration{ChallengeRequiredOnNewDevice: true}
	}})
	e.AddUser("ivan", "Temp-pass1", flow.StatusForceChangePassword, nil)
	out, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "ivan", "PASSWORD": "Temp-pass1", "DEVICE_KEY": "us-east-1_unknown"}})
	require.NoError(t, err)
	require.Equal(t, challenge.NewPasswordRequired, out.ChallengeName)
	_, err = e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.NewPasswordRequired,
		ClientId: e.Client.ID, Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "ivan", "NEW_PASSWORD": "Strong-pass1"}})
	requireCode(t, err, challenge.ErrResourceNotFound, "Device does not exist.")
	assert.Equal(t, flow.StatusForceChangePassword, e.User("ivan").Status)
	again, err := e.PasswordSignIn(ctx, "ivan", "Temp-pass1")
	require.NoError(t, err, "the temporary password still works")
	assert.Equal(t, challenge.NewPasswordRequired, again.ChallengeName)
}

// TestDeviceStepAfterMFAKeepsTheSession: after an MFA answer the
// DEVICE_SRP_AUTH challenge comes under the same Session, because
// amazon-cognito-identity-js answers it with the Session it sent the MFA
// code with. The handle moved on: the MFA answer cannot be replayed on it,
// and it is spent by the device verifier like any other.
func TestDeviceStepAfterMFAKeepsTheSession(t *testing.T) {
	r := &recorder{e: flowtest.New(t, flowtest.Options{Seed: 125, Pool: devicePool(true)})}
	r.e.AddUser("gwen", "Correct-horse1", flow.StatusConfirmed, nil)
	secret := totpUser(t, r.e, "gwen")
	out, err := r.password("gwen", "Correct-horse1")
	require.NoError(t, err)
	done, err := r.answer(challenge.SoftwareTokenMFA, out.Session, map[string]string{"USERNAME": "gwen", "SOFTWARE_TOKEN_MFA_CODE": code(t, secret, r.e.Clock.Now())})
	require.NoError(t, err)
	d := confirmDevice(t, r, done.AuthenticationResult)

	r.e.Clock.Advance(30 * time.Second)
	out, err = r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: r.e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": "gwen", "PASSWORD": "Correct-horse1", "DEVICE_KEY": d.key}})
	require.NoError(t, err)
	mfaCode := code(t, secret, r.e.Clock.Now())
	next, err := r.answer(challenge.SoftwareTokenMFA, out.Session, map[string]string{"USERNAME": "gwen", "DEVICE_KEY": d.key, "SOFTWARE_TOKEN_MFA_CODE": mfaCode})
	require.NoError(t, err)
	require.Equal(t, challenge.DeviceSRPAuth, next.ChallengeName)
	assert.Equal(t, out.Session, next.Session, "the MFA session's handle carries the device step")
	_, err = r.answer(challenge.SoftwareTokenMFA, out.Session, map[string]string{"USERNAME": "gwen", "DEVICE_KEY": d.key, "SOFTWARE_TOKEN_MFA_CODE": mfaCode})
	require.Error(t, err, "the MFA answer is not taken twice")
	signed, err := deviceSignIn(t, r, "gwen", out.Session, d)
	require.NoError(t, err)
	require.NotNil(t, signed.AuthenticationResult)
	_, err = r.answer(challenge.DeviceSRPAuth, out.Session, map[string]string{"USERNAME": "gwen", "DEVICE_KEY": d.key, "SRP_A": "01"})
	requireCode(t, err, challenge.ErrNotAuthorized, "Invalid session for the user.")
}
