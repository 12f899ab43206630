package client_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/descope/virtualwebauthn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/client"
	"github.com/authflow/authflow/cognitoclient"
	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/internal/passkeytest"
	"github.com/authflow/authflow/totp"
	"github.com/authflow/authflow/webauthn"
)

// recorder is a client.Service that records the challenge of every
// server answer; edit, when set, changes a RespondToAuthChallenge request
// before it is sent (to make the server ask for what a client usually
// sends up front).
type recorder struct {
	client.Service
	seen []challenge.Name
	edit func(*challenge.RespondToAuthChallengeInput)
}

func (r *recorder) InitiateAuth(ctx context.Context, in *challenge.InitiateAuthInput) (*challenge.InitiateAuthOutput, error) {
	out, err := r.Service.InitiateAuth(ctx, in)
	if err == nil && out.ChallengeName != "" {
		r.seen = append(r.seen, out.ChallengeName)
	}
	return out, err
}

func (r *recorder) RespondToAuthChallenge(ctx context.Context, in *challenge.RespondToAuthChallengeInput) (*challenge.RespondToAuthChallengeOutput, error) {
	if r.edit != nil {
		r.edit(in)
	}
	out, err := r.Service.RespondToAuthChallenge(ctx, in)
	if err == nil && out.ChallengeName != "" {
		r.seen = append(r.seen, out.ChallengeName)
	}
	return out, err
}

// transport makes the service a scenario signs in through: the engine in
// process, or the engine behind cognitohttp reached with cognitoclient.
type transport func(t *testing.T, e *flowtest.Env) client.Service

func inProcess(_ *testing.T, e *flowtest.Env) client.Service { return e.Server }

func overHTTP(t *testing.T, e *flowtest.Env) client.Service {
	srv := httptest.NewServer(cognitohttp.NewHandler(e.Server, cognitohttp.Options{}))
	t.Cleanup(srv.Close)
	return cognitoclient.New(srv.URL, srv.Client())
}

// walk is one sign-in that makes the engine emit some challenges: it
// returns the recorded service (for the names seen) after asserting that
// the client got tokens.
type walk func(t *testing.T, via transport) *recorder

// signIn runs l through a recorder over via and requires tokens.
func signIn(t *testing.T, via transport, e *flowtest.Env, l *client.Login, ui client.UI, edit func(*challenge.RespondToAuthChallengeInput)) (*recorder, *challenge.AuthenticationResult) {
	t.Helper()
	rec := &recorder{Service: via(t, e), edit: edit}
	res, err := client.Run(ctx, rec, l, ui)
	require.NoError(t, err, "challenges seen: %v", rec.seen)
	require.NotNil(t, res)
	require.NotEmpty(t, res.AccessToken)
	return rec, res
}

func outboxCode(t *testing.T, e *flowtest.Env, user, purpose string) func(client.Prompt) string {
	return func(client.Prompt) string {
		m, ok := e.Outbox.Last(user, purpose)
		require.True(t, ok, "no %s message for %s", purpose, user)
		return m.Code
	}
}

func answers(t *testing.T, a map[client.PromptKind]func(client.Prompt) string) client.UI {
	s := &script{t: t, answers: a}
	return s.ui
}

// walks covers every ChallengeName the engine emits.
var walks = map[challenge.Name]walk{
	challenge.PasswordVerifier: func(t *testing.T, via transport) *recorder {
		e := flowtest.New(t, flowtest.Options{Seed: 101})
		e.AddUser("alice", pw, flow.StatusConfirmed, nil)
		rec, _ := signIn(t, via, e, client.NewSRPLogin(config(e), "alice", pw), noUI, nil)
		return rec
	},
	challenge.SoftwareTokenMFA: func(t *testing.T, via transport) *recorder {
		e := flowtest.New(t, flowtest.Options{Seed: 102, Pool: mfaPool(flow.MFAOptional)})
		e.AddUser("tina", pw, flow.StatusConfirmed, nil)
		secret := totpUser(t, e, "tina")
		rec, _ := signIn(t, via, e, client.NewSRPLogin(config(e), "tina", pw),
			answers(t, map[client.PromptKind]func(client.Prompt) string{client.PromptTOTPCode: totpCode(t, e, secret)}), nil)
		return rec
	},
	challenge.SMSMFA: func(t *testing.T, via transport) *recorder {
		e := flowtest.New(t, flowtest.Options{Seed: 103, Pool: mfaPool(flow.MFAOptional)})
		e.AddUser("sid", pw, flow.StatusConfirmed, map[string]string{"phone_number": "+15555550111"})
		setMFA(t, e, "sid", &challenge.SetUserMFAPreferenceInput{SMSMfaSettings: &challenge.MFAOptionSettings{Enabled: true, PreferredMfa: true}})
		rec, _ := signIn(t, via, e, client.NewSRPLogin(config(e), "sid", pw),
			answers(t, map[client.PromptKind]func(client.Prompt) string{client.PromptSMSCode: outboxCode(t, e, "sid", "MFA")}), nil)
		return rec
	},
	challenge.EmailOTP: func(t *testing.T, via transport) *recorder {
		e := flowtest.New(t, flowtest.Options{Seed: 104, Pool: mfaPool(flow.MFAOptional)})
		e.AddUser("eve", pw, flow.StatusConfirmed, map[string]string{"email": "eve@example.com"})
		setMFA(t, e, "eve", &challenge.SetUserMFAPreferenceInput{EmailMfaSettings: &challenge.MFAOptionSettings{Enabled: true, PreferredMfa: true}})
		rec, _ := signIn(t, via, e, client.NewPasswordLogin(config(e), "eve", pw),
			answers(t, map[client.PromptKind]func(client.Prompt) string{client.PromptEmailCode: outboxCode(t, e, "eve", "MFA")}), nil)
		return rec
	},
	challenge.SelectMFAType: func(t *testing.T, via transport) *recorder {
		e := flowtest.New(t, flowtest.Options{Seed: 105, Pool: mfaPool(flow.MFAOptional)})
		e.AddUser("sel", pw, flow.StatusConfirmed, map[string]string{"phone_number": "+15555550112"})
		secret := totpUser(t, e, "sel")
		setMFA(t, e, "sel", &challenge.SetUserMFAPreferenceInput{SMSMfaSettings: &challenge.MFAOptionSettings{Enabled: true}})
		rec, _ := signIn(t, via, e, client.NewSRPLogin(config(e), "sel", pw), answers(t, map[client.PromptKind]func(client.Prompt) string{
			client.PromptSelectMFA: func(p client.Prompt) string {
				assert.Equal(t, []challenge.Name{challenge.SMSMFA, challenge.SoftwareTokenMFA}, p.Choices)
				return string(challenge.SoftwareTokenMFA)
			},
			client.PromptTOTPCode: totpCode(t, e, secret),
		}), nil)
		return rec
	},
	challenge.MFASetup: func(t *testing.T, via transport) *recorder {
		e := flowtest.New(t, flowtest.Options{Seed: 106, Pool: mfaPool(flow.MFAOn)})
		e.AddUser("neo", pw, flow.StatusConfirmed, nil)
		var shown []client.Prompt
		cfg := config(e)
		cfg.TOTPIssuer = "Example Corp"
		rec, _ := signIn(t, via, e, client.NewSRPLogin(cfg, "neo", pw), func(p client.Prompt) (client.Input, error) {
			shown = append(shown, p)
			require.Equal(t, client.PromptTOTPSetup, p.Kind)
			if p.Err == nil {
				return client.Input{Value: "000000"}, nil // a wrong code first: shown again
			}
			code, err := totp.DefaultConfig().Code(p.Secret, e.Clock.Now())
			require.NoError(t, err)
			return client.Input{Value: code, FriendlyName: "phone"}, nil
		}, nil)
		require.Len(t, shown, 2)
		assert.ErrorIs(t, shown[1].Err, challenge.ErrEnableSoftwareTokenMFA)
		u := e.User("neo")
		assert.True(t, u.MFA.TOTPEnabled)
		assert.Equal(t, u.MFA.TOTPSecret, shown[0].Secret, "the prompt shows the secret the server enrolled")
		assert.Equal(t, "phone", u.MFA.TOTPFriendlyName)
		assert.Equal(t, "otpauth://totp/Example%20Corp:neo?secret="+shown[0].Secret+"&issuer=Example%20Corp&algorithm=SHA1&digits=6&period=30", shown[0].URI)
		assert.NotContains(t, shown[0].String(), shown[0].Secret, "String hides the secret")
		return rec
	},
	challenge.NewPasswordRequired: func(t *testing.T, via transport) *recorder {
		e := flowtest.New(t, flowtest.Options{Seed: 107, Pool: func(p *flow.Pool) { p.SchemaRequired = []string{"name"} }})
		e.AddUser("kai", "Temp-pass1", flow.StatusForceChangePassword, nil)
		s := &script{t: t, attrs: map[string]string{"name": "Kai"}, answers: map[client.PromptKind]func(client.Prompt) string{
			client.PromptNewPassword: func(client.Prompt) string { return "Strong-pass1" }}}
		rec, _ := signIn(t, via, e, client.NewSRPLogin(config(e), "kai", "Temp-pass1"), s.ui, nil)
		assert.Equal(t, flow.StatusConfirmed, e.User("kai").Status)
		return rec
	},
	challenge.CustomChallenge: func(t *testing.T, via transport) *recorder {
		e := flowtest.New(t, flowtest.Options{Seed: 108, Hooks: quizHooks()})
		e.AddUser("cara", pw, flow.StatusConfirmed, nil)
		rec, _ := signIn(t, via, e, client.NewCustomLogin(config(e), "cara", pw), answers(t, map[client.PromptKind]func(client.Prompt) string{
			client.PromptCustomAnswer: func(p client.Prompt) string { return map[string]string{"2+2": "4"}[p.Params["question"]] }}), nil)
		return rec
	},
	challenge.DeviceSRPAuth:          deviceWalk,
	challenge.DevicePasswordVerifier: deviceWalk,
	challenge.SelectChallenge: func(t *testing.T, via transport) *recorder {
		e := userAuthEnv(t, 109)
		rec, _ := signIn(t, via, e, client.NewUserAuthLogin(config(e), "uma", "", ""), answers(t, map[client.PromptKind]func(client.Prompt) string{
			client.PromptSelectChallenge: func(client.Prompt) string { return string(challenge.EmailOTP) },
			client.PromptEmailCode:       outboxCode(t, e, "uma", "OTP"),
		}), nil)
		return rec
	},
	challenge.SMSOTP: func(t *testing.T, via transport) *recorder {
		e := userAuthEnv(t, 110)
		u := e.User("uma")
		old := u.Version
		u.Attributes["phone_number"], u.Attributes["phone_number_verified"] = "+15555550113", "true"
		require.NoError(t, e.Dir.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: old}))
		rec, _ := signIn(t, via, e, client.NewUserAuthLogin(config(e), "uma", "", challenge.SMSOTP),
			answers(t, map[client.PromptKind]func(client.Prompt) string{client.PromptSMSCode: outboxCode(t, e, "uma", "OTP")}), nil)
		return rec
	},
	challenge.Password: func(t *testing.T, via transport) *recorder {
		// PREFERRED_CHALLENGE PASSWORD without the password: the server
		// asks for it with a PASSWORD challenge.
		e := userAuthEnv(t, 111)
		rec, _ := signIn(t, via, e, client.NewUserAuthLogin(config(e), "uma", "", challenge.Password),
			answers(t, map[client.PromptKind]func(client.Prompt) string{client.PromptPassword: func(client.Prompt) string { return pw }}), nil)
		return rec
	},
	challenge.PasswordSRP: func(t *testing.T, via transport) *recorder {
		// A SELECT_CHALLENGE answer PASSWORD_SRP without SRP_A (as another
		// client may send it) makes the server ask with PASSWORD_SRP.
		e := userAuthEnv(t, 112)
		strip := func(in *challenge.RespondToAuthChallengeInput) {
			if in.ChallengeName == challenge.SelectChallenge {
				delete(in.ChallengeResponses, challenge.KeySRPA)
			}
		}
		rec, _ := signIn(t, via, e, client.NewUserAuthLogin(config(e), "uma", pw, ""), answers(t, map[client.PromptKind]func(client.Prompt) string{
			client.PromptSelectChallenge: func(client.Prompt) string { return string(challenge.PasswordSRP) }}), strip)
		return rec
	},
	challenge.WebAuthn: func(t *testing.T, via transport) *recorder {
		pk := newPasskeyUser(t, 113)
		rec, _ := signIn(t, via, pk.e, client.NewUserAuthLogin(config(pk.e), "pat", "", challenge.WebAuthn), pk.ui(t), nil)
		// Chosen at SELECT_CHALLENGE, the credential goes with the answer.
		rec2, _ := signIn(t, via, pk.e, client.NewUserAuthLogin(config(pk.e), "pat", "", ""), func(p client.Prompt) (client.Input, error) {
			if p.Kind == client.PromptSelectChallenge {
				assert.Contains(t, p.Choices, challenge.WebAuthn)
				return client.Input{Value: string(challenge.WebAuthn)}, nil
			}
			assert.Equal(t, challenge.SelectChallenge, p.Challenge)
			return pk.ui(t)(p)
		}, nil)
		assert.Equal(t, []challenge.Name{challenge.SelectChallenge}, rec2.seen)
		return rec
	},
}

// notEmitted are the ChallengeName values the engine never sends, with why.
var notEmitted = map[challenge.Name]string{
	challenge.AdminNoSRPAuth: "ADMIN_NO_SRP_AUTH is a legacy AuthFlow value listed among the names; no challenge has it",
}

// TestEveryChallengeAnswered walks every ChallengeName of package
// challenge: for each one the engine emits, a sign-in makes the engine
// send it and the client answers it up to tokens, in process and over
// HTTP (cognitohttp in front of the engine, cognitoclient as transport).
func TestEveryChallengeAnswered(t *testing.T) {
	for _, name := range challenge.Names {
		if _, skip := notEmitted[name]; skip {
			assert.NotContains(t, walks, name)
			continue
		}
		w, ok := walks[name]
		if !assert.True(t, ok, "no sign-in walks %s: add one", name) {
			continue
		}
		for tname, via := range map[string]transport{"engine": inProcess, "http": overHTTP} {
			t.Run(string(name)+"/"+tname, func(t *testing.T) {
				rec := w(t, via)
				assert.Contains(t, rec.seen, name, "the sign-in never met %s", name)
			})
		}
	}
	assert.Len(t, walks, len(challenge.Names)-len(notEmitted), "a walk for a name outside challenge.Names")
}

func setMFA(t *testing.T, e *flowtest.Env, username string, in *challenge.SetUserMFAPreferenceInput) {
	t.Helper()
	in.UserPoolId, in.Username = e.Pool.ID, username
	_, err := e.Server.AdminSetUserMFAPreference(ctx, in)
	require.NoError(t, err)
}

// quizHooks ask one custom question after the password (SRP).
func quizHooks() flow.Hooks {
	return flow.Hooks{
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
}

// deviceWalk signs in with MFA, remembers the device with
// client.RememberDevice, then signs in with device SRP instead of MFA.
func deviceWalk(t *testing.T, via transport) *recorder {
	e := flowtest.New(t, flowtest.Options{Seed: 114, Pool: func(p *flow.Pool) {
		mfaPool(flow.MFAOn)(p)
		p.Devices = &flow.DeviceConfiguration{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true}
	}})
	e.AddUser("dana", pw, flow.StatusConfirmed, nil)
	secret := totpUser(t, e, "dana")
	_, res := signIn(t, via, e, client.NewSRPLogin(config(e), "dana", pw),
		answers(t, map[client.PromptKind]func(client.Prompt) string{client.PromptTOTPCode: totpCode(t, e, secret)}), nil)
	svc := via(t, e).(client.DeviceService)
	dev, remembered, err := client.RememberDevice(ctx, svc, config(e), res, "laptop", true)
	require.NoError(t, err)
	assert.True(t, remembered)
	assert.Equal(t, res.NewDeviceMetadata.DeviceKey, dev.Key)
	assert.NotContains(t, dev.String(), dev.Password)

	cfg := config(e)
	cfg.Device = dev
	rec, res2 := signIn(t, via, e, client.NewSRPLogin(cfg, "dana", pw), noUI, nil)
	assert.Equal(t, []challenge.Name{challenge.PasswordVerifier, challenge.DeviceSRPAuth, challenge.DevicePasswordVerifier}, rec.seen)

	// Forgotten, the device no longer replaces MFA.
	require.NoError(t, client.ForgetDevice(ctx, svc, res2.AccessToken, dev.Key))
	e.Clock.Advance(31e9)
	_, err = client.Run(ctx, via(t, e), client.NewSRPLogin(cfg, "dana", pw), noUI)
	require.Error(t, err, "MFA is asked again")
	return rec
}

// passkeyUser is a user with a registered passkey and a virtual
// authenticator (github.com/descope/virtualwebauthn) to answer with.
type passkeyUser struct {
	e    *flowtest.Env
	rp   virtualwebauthn.RelyingParty
	auth virtualwebauthn.Authenticator
	cred virtualwebauthn.Credential
}

func newPasskeyUser(t *testing.T, seed uint64) *passkeyUser {
	t.Helper()
	clock := flowtest.NewClock(flowtest.Epoch)
	e := flowtest.New(t, flowtest.Options{Seed: seed,
		Client: func(c *flow.AppClient) {
			c.ExplicitAuthFlows = []string{challenge.ExplicitAllowUserAuth, challenge.ExplicitAllowRefreshTokenAuth}
		},
		Passkeys: webauthn.New(webauthn.Options{Now: clock.Now, Rand: flowtest.Rand(seed + 7)}),
		Pool: func(p *flow.Pool) {
			p.AllowedFirstAuthFactors = []string{"PASSWORD", "WEB_AUTHN"}
			p.WebAuthnRelyingPartyID, p.WebAuthnUserVerification = "auth.example.com", "preferred"
		}})
	e.AddUser("pat", pw, flow.StatusConfirmed, map[string]string{"email": "pat@example.com"})
	pk := &passkeyUser{e: e,
		rp:   virtualwebauthn.RelyingParty{ID: "auth.example.com", Name: "test", Origin: "https://auth.example.com"},
		auth: virtualwebauthn.NewAuthenticatorWithOptions(virtualwebauthn.AuthenticatorOptions{UserHandle: []byte("sub-pat")}),
		cred: passkeytest.NewCredential()}
	res, err := client.Run(ctx, e.Server, client.NewUserAuthLogin(config(e), "pat", pw, challenge.Password), noUI)
	require.NoError(t, err)
	start, err := e.Server.StartWebAuthnRegistration(ctx, &challenge.StartWebAuthnRegistrationInput{AccessToken: res.AccessToken})
	require.NoError(t, err)
	opts, err := virtualwebauthn.ParseAttestationOptions(string(start.CredentialCreationOptions))
	require.NoError(t, err)
	att := virtualwebauthn.CreateAttestationResponse(pk.rp, pk.auth, pk.cred, *opts)
	_, err = e.Server.CompleteWebAuthnRegistration(ctx, &challenge.CompleteWebAuthnRegistrationInput{AccessToken: res.AccessToken, Credential: []byte(att)})
	require.NoError(t, err)
	pk.auth.AddCredential(pk.cred)
	return pk
}

// ui answers PromptPasskey as a browser would: the authenticator signs
// the request options.
func (pk *passkeyUser) ui(t *testing.T) client.UI {
	return func(p client.Prompt) (client.Input, error) {
		require.Equal(t, client.PromptPasskey, p.Kind)
		require.True(t, strings.Contains(p.Options, `"rpId":"auth.example.com"`), p.Options)
		parsed, err := virtualwebauthn.ParseAssertionOptions(p.Options)
		require.NoError(t, err)
		pk.cred.Counter++
		return client.Input{Value: virtualwebauthn.CreateAssertionResponse(pk.rp, pk.auth, pk.cred, *parsed)}, nil
	}
}
