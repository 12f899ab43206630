package client_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/client"
	"github.com/authflow/authflow/cognitoclient"
	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/srp"
	"github.com/authflow/authflow/totp"
)

var ctx = context.Background()

const pw = "Correct-horse1"

// engine is the sign-in service of an Env, in process.
func engine(e *flowtest.Env) client.Service { return e.Server }

func config(e *flowtest.Env) client.Config {
	return client.Config{ClientID: e.Client.ID, ClientSecret: e.Client.Secret, PoolID: e.Pool.ID,
		Rand: e.ClientRand, Now: e.Clock.Now}
}

func mfaPool(mode flow.MFAConfiguration) func(*flow.Pool) {
	return func(p *flow.Pool) {
		p.MFA = mode
		p.SMSMFAEnabled, p.TOTPMFAEnabled, p.EmailMFAEnabled = true, true, true
	}
}

// script is a UI that records the prompts and answers from a table.
type script struct {
	t       *testing.T
	seen    []client.Prompt
	answers map[client.PromptKind]func(client.Prompt) string
	attrs   map[string]string
}

func (s *script) ui(p client.Prompt) (client.Input, error) {
	s.seen = append(s.seen, p)
	f, ok := s.answers[p.Kind]
	if !ok {
		return client.Input{}, fmt.Errorf("unexpected prompt %s", p.Kind)
	}
	return client.Input{Value: f(p), Attributes: s.attrs}, nil
}

func (s *script) kinds() []client.PromptKind {
	var k []client.PromptKind
	for _, p := range s.seen {
		k = append(k, p.Kind)
	}
	return k
}

func noUI(p client.Prompt) (client.Input, error) {
	return client.Input{}, fmt.Errorf("unexpected prompt %s", p.Kind)
}

func totpUser(t *testing.T, e *flowtest.Env, username string) string {
	t.Helper()
	secret, err := totp.NewSecret(e.Rand)
	require.NoError(t, err)
	u := e.User(username)
	old := u.Version
	u.MFA.TOTPSecret, u.MFA.TOTPEnabled = secret, true
	require.NoError(t, e.Dir.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: old}))
	return secret
}

func totpCode(t *testing.T, e *flowtest.Env, secret string) func(client.Prompt) string {
	return func(client.Prompt) string {
		c, err := totp.DefaultConfig().Code(secret, e.Clock.Now())
		require.NoError(t, err)
		return c
	}
}

func requireCode(t *testing.T, err error, code challenge.Code) {
	t.Helper()
	var ce *challenge.Error
	require.True(t, errors.As(err, &ce), "not a *challenge.Error: %v", err)
	assert.Equal(t, code, ce.Code, "code of %v", err)
}

func TestSRPSignIn(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 1})
	e.AddUser("alice", pw, flow.StatusConfirmed, nil)
	res, err := client.Run(ctx, engine(e), client.NewSRPLogin(config(e), "alice", pw), noUI)
	require.NoError(t, err)
	require.NotNil(t, res)
	assert.NotEmpty(t, res.AccessToken)
	assert.Equal(t, "alice", e.Issuer.Grants[len(e.Issuer.Grants)-1].Username)
}

func TestWrongPassword(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 2})
	e.AddUser("alice", pw, flow.StatusConfirmed, nil)
	_, err := client.Run(ctx, engine(e), client.NewSRPLogin(config(e), "alice", "Wrong-horse1"), noUI)
	requireCode(t, err, challenge.ErrNotAuthorized)
	assert.True(t, errors.Is(err, challenge.ErrNotAuthorized))
	_, err = client.Run(ctx, engine(e), client.NewPasswordLogin(config(e), "alice", "Wrong-horse1"), noUI)
	requireCode(t, err, challenge.ErrNotAuthorized)
}

func TestPasswordSignIn(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 3})
	e.AddUser("bob", pw, flow.StatusConfirmed, nil)
	res, err := client.Run(ctx, engine(e), client.NewPasswordLogin(config(e), "bob", pw), noUI)
	require.NoError(t, err)
	assert.NotEmpty(t, res.IdToken)
}

func TestNewPasswordRequired(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 4, Pool: func(p *flow.Pool) { p.SchemaRequired = []string{"name"} }})
	e.AddUser("kai", "Temp-pass1", flow.StatusForceChangePassword, map[string]string{"email": "kai@example.com"})
	s := &script{t: t, attrs: map[string]string{"name": "Kai"}, answers: map[client.PromptKind]func(client.Prompt) string{
		client.PromptNewPassword: func(client.Prompt) string { return "Strong-pass1" },
	}}
	res, err := client.Run(ctx, engine(e), client.NewSRPLogin(config(e), "kai", "Temp-pass1"), s.ui)
	require.NoError(t, err)
	require.NotNil(t, res)
	require.Len(t, s.seen, 1)
	assert.Equal(t, []string{"name"}, s.seen[0].Required)
	assert.Equal(t, "kai@example.com", s.seen[0].Attributes["email"])
	assert.Equal(t, flow.StatusConfirmed, e.User("kai").Status)
	assert.Equal(t, "Kai", e.User("kai").Attributes["name"])

	// The new password works.
	_, err = client.Run(ctx, engine(e), client.NewSRPLogin(config(e), "kai", "Strong-pass1"), noUI)
	require.NoError(t, err)
}

func TestTOTPWithRetry(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 5, Pool: mfaPool(flow.MFAOptional)})
	e.AddUser("tina", pw, flow.StatusConfirmed, nil)
	secret := totpUser(t, e, "tina")
	good := totpCode(t, e, secret)
	s := &script{t: t, answers: map[client.PromptKind]func(client.Prompt) string{
		client.PromptTOTPCode: func(p client.Prompt) string {
			if p.Err == nil {
				return "000000" // wrong first, then right
			}
			return good(p)
		},
	}}
	res, err := client.Run(ctx, engine(e), client.NewSRPLogin(config(e), "tina", pw), s.ui)
	require.NoError(t, err)
	require.NotNil(t, res)
	require.Len(t, s.seen, 2)
	assert.Equal(t, challenge.SoftwareTokenMFA, s.seen[0].Challenge)
	assert.True(t, errors.Is(s.seen[1].Err, challenge.ErrCodeMismatch))

	// A UI that never gets it right ends with the server's verdict.
	e.Clock.Advance(time.Minute)
	_, err = client.Run(ctx, engine(e), client.NewSRPLogin(config(e), "tina", pw),
		func(client.Prompt) (client.Input, error) { return client.Input{Value: "000000"}, nil })
	require.Error(t, err)
	requireCode(t, err, challenge.ErrNotAuthorized)
}

func TestSelectMFAType(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 6, Pool: mfaPool(flow.MFAOptional)})
	e.AddUser("sid", pw, flow.StatusConfirmed, map[string]string{"phone_number": "+15555550111"})
	totpUser(t, e, "sid")
	_, err := e.Server.AdminSetUserMFAPreference(ctx, &challenge.SetUserMFAPreferenceInput{UserPoolId: e.Pool.ID, Username: "sid",
		SMSMfaSettings: &challenge.MFAOptionSettings{Enabled: true}})
	require.NoError(t, err)
	s := &script{t: t, answers: map[client.PromptKind]func(client.Prompt) string{
		client.PromptSelectMFA: func(client.Prompt) string { return string(challenge.SMSMFA) },
		client.PromptSMSCode: func(p client.Prompt) string {
			msg, ok := e.Outbox.Last("sid", "MFA")
			require.True(t, ok)
			return msg.Code
		},
	}}
	res, err := client.Run(ctx, engine(e), client.NewPasswordLogin(config(e), "sid", pw), s.ui)
	require.NoError(t, err)
	require.NotNil(t, res)
	assert.Equal(t, []client.PromptKind{client.PromptSelectMFA, client.PromptSMSCode}, s.kinds())
	assert.Equal(t, []challenge.Name{challenge.SMSMFA, challenge.SoftwareTokenMFA}, s.seen[0].Choices)
	assert.Equal(t, "SMS", s.seen[1].Medium)
	assert.Equal(t, "+*******0111", s.seen[1].Destination)
}

func TestEmailOTPMFA(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 7, Pool: mfaPool(flow.MFAOptional)})
	e.AddUser("eve", pw, flow.StatusConfirmed, map[string]string{"email": "eve@example.com"})
	_, err := e.Server.AdminSetUserMFAPreference(ctx, &challenge.SetUserMFAPreferenceInput{UserPoolId: e.Pool.ID, Username: "eve",
		EmailMfaSettings: &challenge.MFAOptionSettings{Enabled: true, PreferredMfa: true}})
	require.NoError(t, err)
	s := &script{t: t, answers: map[client.PromptKind]func(client.Prompt) string{
		client.PromptEmailCode: func(client.Prompt) string { m, _ := e.Outbox.Last("eve", "MFA"); return m.Code },
	}}
	_, err = client.Run(ctx, engine(e), client.NewSRPLogin(config(e), "eve", pw), s.ui)
	require.NoError(t, err)
	assert.Equal(t, []client.PromptKind{client.PromptEmailCode}, s.kinds())
}

// TestMFASetupByHand drives a Login without Run: PromptMFASetup leaves
// AssociateSoftwareToken and VerifySoftwareToken to the caller.
func TestMFASetupByHand(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 8, Pool: mfaPool(flow.MFAOn)})
	e.AddUser("neo", pw, flow.StatusConfirmed, nil)
	l := client.NewPasswordLogin(config(e), "neo", pw)
	in, err := l.Start()
	require.NoError(t, err)
	out, err := e.Server.InitiateAuth(ctx, in)
	require.NoError(t, err)
	p, req, err := l.Next(client.FromInitiate(out))
	require.NoError(t, err)
	require.Nil(t, req)
	require.Equal(t, client.PromptMFASetup, p.Kind)
	assert.Equal(t, []challenge.Name{challenge.SoftwareTokenMFA}, p.Choices)
	assoc, err := e.Server.AssociateSoftwareToken(ctx, &challenge.AssociateSoftwareTokenInput{Session: p.Session})
	require.NoError(t, err)
	shown := l.TOTPSetup(p, assoc.SecretCode)
	assert.Equal(t, client.PromptTOTPSetup, shown.Kind)
	assert.Equal(t, "otpauth://totp/authflow:neo?secret="+assoc.SecretCode+"&issuer=authflow&algorithm=SHA1&digits=6&period=30", shown.URI)
	code, err := totp.DefaultConfig().Code(assoc.SecretCode, e.Clock.Now())
	require.NoError(t, err)
	v, err := e.Server.VerifySoftwareToken(ctx, &challenge.VerifySoftwareTokenInput{Session: assoc.Session, UserCode: code})
	require.NoError(t, err)
	_, _, err = l.Answer(shown, client.Input{Value: code})
	assert.ErrorIs(t, err, client.ErrInvalidInput, "a PromptTOTPSetup code is not a challenge answer")
	_, req, err = l.Answer(p, client.Input{Value: v.Session})
	require.NoError(t, err)
	require.Equal(t, v.Session, req.Session)
	resp, err := e.Server.RespondToAuthChallenge(ctx, req)
	require.NoError(t, err)
	p, _, err = l.Next(client.FromRespond(resp))
	require.NoError(t, err)
	assert.Equal(t, client.PromptDone, p.Kind)
	assert.True(t, e.User("neo").MFA.TOTPEnabled)
}

func TestSecretClient(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 9, Pool: mfaPool(flow.MFAOptional),
		Client: func(c *flow.AppClient) { c.Secret = "s3cr3t-client-secret" }})
	e.AddUser("sam", pw, flow.StatusConfirmed, nil)
	secret := totpUser(t, e, "sam")
	s := &script{t: t, answers: map[client.PromptKind]func(client.Prompt) string{client.PromptTOTPCode: totpCode(t, e, secret)}}
	for _, l := range []*client.Login{client.NewSRPLogin(config(e), "sam", pw), client.NewPasswordLogin(config(e), "sam", pw)} {
		e.Clock.Advance(time.Minute)
		res, err := client.Run(ctx, engine(e), l, s.ui)
		require.NoError(t, err)
		require.NotNil(t, res)
	}

	// Without the secret the server refuses.
	cfg := config(e)
	cfg.ClientSecret = ""
	_, err := client.Run(ctx, engine(e), client.NewSRPLogin(cfg, "sam", pw), noUI)
	requireCode(t, err, challenge.ErrNotAuthorized)
}

func userAuthEnv(t *testing.T, seed uint64) *flowtest.Env {
	e := flowtest.New(t, flowtest.Options{Seed: seed, Pool: func(p *flow.Pool) {
		p.AllowedFirstAuthFactors = []string{"PASSWORD", "EMAIL_OTP", "SMS_OTP"}
		p.AutoVerifiedAttributes = []string{"email"}
	}, Client: func(c *flow.AppClient) {
		c.ExplicitAuthFlows = []string{challenge.ExplicitAllowUserAuth, challenge.ExplicitAllowRefreshTokenAuth}
	}})
	e.AddUser("uma", pw, flow.StatusConfirmed, map[string]string{"email": "uma@example.com", "email_verified": "true"})
	return e
}

func TestUserAuthSelectChallenge(t *testing.T) {
	e := userAuthEnv(t, 10)
	for _, choice := range []challenge.Name{challenge.Password, challenge.PasswordSRP, challenge.EmailOTP} {
		t.Run(string(choice), func(t *testing.T) {
			s := &script{t: t, answers: map[client.PromptKind]func(client.Prompt) string{
				client.PromptSelectChallenge: func(client.Prompt) string { return string(choice) },
				client.PromptPassword:        func(client.Prompt) string { return pw },
				client.PromptEmailCode:       func(client.Prompt) string { m, _ := e.Outbox.Last("uma", "OTP"); return m.Code },
			}}
			res, err := client.Run(ctx, engine(e), client.NewUserAuthLogin(config(e), "uma", "", ""), s.ui)
			require.NoError(t, err)
			require.NotNil(t, res)
			assert.Equal(t, []challenge.Name{"PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"}, s.seen[0].Choices)
			want := map[challenge.Name][]client.PromptKind{
				challenge.Password:    {client.PromptSelectChallenge, client.PromptPassword},
				challenge.PasswordSRP: {client.PromptSelectChallenge, client.PromptPassword},
				challenge.EmailOTP:    {client.PromptSelectChallenge, client.PromptEmailCode},
			}[choice]
			assert.Equal(t, want, s.kinds())
		})
	}
	t.Run("password up front", func(t *testing.T) {
		s := &script{t: t, answers: map[client.PromptKind]func(client.Prompt) string{
			client.PromptSelectChallenge: func(client.Prompt) string { return "PASSWORD_SRP" }}}
		_, err := client.Run(ctx, engine(e), client.NewUserAuthLogin(config(e), "uma", pw, ""), s.ui)
		require.NoError(t, err)
		assert.Equal(t, []client.PromptKind{client.PromptSelectChallenge}, s.kinds())
	})
	t.Run("preferred", func(t *testing.T) {
		for _, pref := range []challenge.Name{challenge.Password, challenge.PasswordSRP} {
			_, err := client.Run(ctx, engine(e), client.NewUserAuthLogin(config(e), "uma", pw, pref), noUI)
			require.NoError(t, err, pref)
		}
	})
}

func TestCustomAuthWithSRP(t *testing.T) {
	hooks := flow.Hooks{
		DefineAuthChallenge: func(_ context.Context, in flow.DefineAuthChallengeInput) (*flow.DefineAuthChallengeOutput, error) {
			n := len(in.Session)
			switch {
			case n > 0 && !in.Session[n-1].ChallengeResult:
				return &flow.DefineAuthChallengeOutput{FailAuthentication: true}, nil
			case n > 0 && in.Session[n-1].ChallengeName == "CUSTOM_CHALLENGE":
				return &flow.DefineAuthChallengeOutput{IssueTokens: true}, nil
			case n == 1 && in.Session[0].ChallengeName == "SRP_A":
				return &flow.DefineAuthChallengeOutput{ChallengeName: "PASSWORD_VERIFIER"}, nil
			}
			return &flow.DefineAuthChallengeOutput{ChallengeName: "CUSTOM_CHALLENGE"}, nil
		},
		CreateAuthChallenge: func(_ context.Context, in flow.CreateAuthChallengeInput) (*flow.CreateAuthChallengeOutput, error) {
			return &flow.CreateAuthChallengeOutput{PublicChallengeParameters: map[string]string{"question": "2+2"},
				PrivateChallengeParameters: map[string]string{"answer": "4"}}, nil
		},
		VerifyAuthChallenge: func(_ context.Context, in flow.VerifyAuthChallengeInput) (*flow.VerifyAuthChallengeOutput, error) {
			return &flow.VerifyAuthChallengeOutput{AnswerCorrect: in.ChallengeAnswer == in.PrivateChallengeParameters["answer"]}, nil
		},
	}
	e := flowtest.New(t, flowtest.Options{Seed: 11, Hooks: hooks})
	e.AddUser("cara", pw, flow.StatusConfirmed, nil)
	s := &script{t: t, answers: map[client.PromptKind]func(client.Prompt) string{
		client.PromptCustomAnswer: func(p client.Prompt) string {
			assert.Equal(t, "2+2", p.Params["question"])
			return "4"
		}}}
	for _, l := range []*client.Login{client.NewCustomLogin(config(e), "cara", pw), client.NewCustomLogin(config(e), "cara", "")} {
		s.seen = nil
		res, err := client.Run(ctx, engine(e), l, s.ui)
		require.NoError(t, err)
		require.NotNil(t, res)
		assert.Equal(t, []client.PromptKind{client.PromptCustomAnswer}, s.kinds())
	}
}

// TestRememberedDevice: MFA once, ConfirmDevice as
// amazon-cognito-identity-js does, then device SRP replaces MFA.
func TestRememberedDevice(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 12, Pool: func(p *flow.Pool) {
		mfaPool(flow.MFAOn)(p)
		p.Devices = &flow.DeviceConfiguration{ChallengeRequiredOnNewDevice: true}
	}})
	e.AddUser("dana", pw, flow.StatusConfirmed, nil)
	secret := totpUser(t, e, "dana")
	s := &script{t: t, answers: map[client.PromptKind]func(client.Prompt) string{client.PromptTOTPCode: totpCode(t, e, secret)}}
	res, err := client.Run(ctx, engine(e), client.NewSRPLogin(config(e), "dana", pw), s.ui)
	require.NoError(t, err)
	md := res.NewDeviceMetadata
	require.NotNil(t, md)
	devPW, salt, verifier, err := srp.NewDeviceSecret(e.ClientRand, md.DeviceGroupKey, md.DeviceKey)
	require.NoError(t, err)
	_, err = e.Server.ConfirmDevice(ctx, &challenge.ConfirmDeviceInput{AccessToken: res.AccessToken, DeviceKey: md.DeviceKey,
		DeviceName: "laptop", DeviceSecretVerifierConfig: &challenge.DeviceSecretVerifierConfigType{
			PasswordVerifier: base64.StdEncoding.EncodeToString(verifier), Salt: base64.StdEncoding.EncodeToString(salt)}})
	require.NoError(t, err)

	cfg := config(e)
	cfg.Device = &client.DeviceSecret{Key: md.DeviceKey, GroupKey: md.DeviceGroupKey, Password: devPW}
	for _, l := range []*client.Login{client.NewSRPLogin(cfg, "dana", pw), client.NewPasswordLogin(cfg, "dana", pw)} {
		res, err = client.Run(ctx, engine(e), l, noUI)
		require.NoError(t, err, "no MFA prompt on a remembered device")
		assert.Nil(t, res.NewDeviceMetadata)
		assert.Equal(t, md.DeviceKey, e.Issuer.Grants[len(e.Issuer.Grants)-1].DeviceKey)
	}

	// A wrong device password is refused.
	cfg.Device = &client.DeviceSecret{Key: md.DeviceKey, GroupKey: md.DeviceGroupKey, Password: "guess"}
	_, err = client.Run(ctx, engine(e), client.NewSRPLogin(cfg, "dana", pw), noUI)
	requireCode(t, err, challenge.ErrNotAuthorized)
}

func TestOverHTTP(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 13, Pool: mfaPool(flow.MFAOptional)})
	e.AddUser("hal", pw, flow.StatusConfirmed, nil)
	secret := totpUser(t, e, "hal")
	srv := httptest.NewServer(cognitohttp.NewHandler(e.Server, cognitohttp.Options{}))
	defer srv.Close()
	svc := cognitoclient.New(srv.URL, nil)
	s := &script{t: t, answers: map[client.PromptKind]func(client.Prompt) string{client.PromptTOTPCode: totpCode(t, e, secret)}}
	res, err := client.Run(ctx, svc, client.NewSRPLogin(config(e), "hal", pw), s.ui)
	require.NoError(t, err)
	assert.NotEmpty(t, res.AccessToken)
	assert.Equal(t, []client.PromptKind{client.PromptTOTPCode}, s.kinds())

	_, err = client.Run(ctx, svc, client.NewSRPLogin(config(e), "hal", "Wrong-horse1"), s.ui)
	requireCode(t, err, challenge.ErrNotAuthorized)
}

func TestLoginMisuse(t *testing.T) {
	cfg := client.Config{ClientID: "c", PoolID: "us-east-1_X"}
	l := client.NewPasswordLogin(cfg, "u", "p")
	_, _, err := l.Next(client.Reply{ChallengeName: challenge.SoftwareTokenMFA})
	assert.ErrorIs(t, err, client.ErrInvalidInput, "Next before Start")
	_, err = l.Start()
	require.NoError(t, err)
	_, _, err = l.Next(client.Reply{})
	assert.ErrorIs(t, err, client.ErrUnexpectedReply)
	_, _, err = l.Next(client.Reply{ChallengeName: "SOMETHING_NEW"})
	assert.ErrorIs(t, err, client.ErrUnsupported)
	_, _, err = l.Next(client.Reply{ChallengeName: challenge.WebAuthn})
	assert.ErrorIs(t, err, client.ErrUnexpectedReply, "WEB_AUTHN without request options")
	_, _, err = l.Next(client.Reply{ChallengeName: challenge.MFASetup, ChallengeParameters: map[string]string{"MFAS_CAN_SETUP": `["SMS_MFA"]`}})
	assert.ErrorIs(t, err, client.ErrUnsupported, "SMS cannot be set up inside sign-in")
	_, _, err = l.Next(client.Reply{ChallengeName: challenge.DeviceSRPAuth})
	assert.ErrorIs(t, err, client.ErrUnsupported, "no device configured")
	_, _, err = l.Next(client.Reply{ChallengeName: challenge.PasswordVerifier})
	assert.ErrorIs(t, err, client.ErrUnexpectedReply, "PASSWORD_VERIFIER without SRP_A")
	p, _, err := l.Next(client.Reply{ChallengeName: challenge.SMSMFA, Session: "s"})
	require.NoError(t, err)
	_, _, err = l.Answer(client.Prompt{Kind: client.PromptTOTPCode, Challenge: challenge.SoftwareTokenMFA}, client.Input{Value: "1"})
	assert.ErrorIs(t, err, client.ErrInvalidInput, "a stale prompt")
	_, _, err = l.Answer(p, client.Input{})
	assert.ErrorIs(t, err, client.ErrInvalidInput, "an empty code")
	in, err := client.NewUserAuthLogin(cfg, "u", "", challenge.Password).Start()
	require.NoError(t, err, "without the password the server asks for it")
	assert.NotContains(t, in.AuthParameters, "PASSWORD")
	_, err = client.NewSRPLogin(cfg, "", "p").Start()
	assert.ErrorIs(t, err, client.ErrInvalidInput)
}

func TestRunStopsOnUIError(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 14, Pool: mfaPool(flow.MFAOptional)})
	e.AddUser("ian", pw, flow.StatusConfirmed, nil)
	totpUser(t, e, "ian")
	stop := errors.New("user cancelled")
	_, err := client.Run(ctx, engine(e), client.NewSRPLogin(config(e), "ian", pw),
		func(client.Prompt) (client.Input, error) { return client.Input{}, stop })
	assert.ErrorIs(t, err, stop)
}
