package flow_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/descope/virtualwebauthn"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/internal/passkeytest"
	"github.com/authflow/authflow/webauthn"
)

// maxPendingState is the most a pending sign-in's state may take as
// stored (issue 16: small state).
const maxPendingState = 512

// TestPendingStateSizes measures the state each kind of pending sign-in
// stores, as the session store holds it, for a user whose username is a
// 36-character UUID (as in pools that sign in by email), and holds each
// to maxPendingState bytes.
func TestPendingStateSizes(t *testing.T) {
	const name = "8d5f0a52-3a4c-4f5e-9b1d-2c7e6f8a9b0c"
	clock := flowtest.NewClock(flowtest.Epoch)
	e := flowtest.New(t, flowtest.Options{Seed: 170,
		Client: func(c *flow.AppClient) {
			c.ExplicitAuthFlows = []string{challenge.ExplicitAllowUserAuth, challenge.ExplicitAllowUserSRPAuth,
				challenge.ExplicitAllowUserPasswordAuth, challenge.ExplicitAllowCustomAuth, challenge.ExplicitAllowRefreshTokenAuth}
		},
		Passkeys: webauthn.New(webauthn.Options{Now: clock.Now, Rand: flowtest.Rand(171)}),
		Hooks:    sizeHooks(),
		Pool: func(p *flow.Pool) {
			p.AllowedFirstAuthFactors = []string{"PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"}
			p.WebAuthnRelyingPartyID, p.WebAuthnUserVerification = "auth.example.com", "preferred"
			mfaPool(flow.MFAOptional)(p)
			p.Devices = &flow.DeviceConfiguration{}
		}})
	attrs := map[string]string{"email": "someone.with.a.long.name@example.com", "email_verified": "true",
		"phone_number": "+15555550100", "phone_number_verified": "true"}
	e.AddUser(name, "Correct-horse1", flow.StatusConfirmed, attrs)
	e.AddUser("temp-"+name, "Temp-pass1", flow.StatusForceChangePassword, attrs)
	sizes := map[string]int{}
	stored := func(label, session string) {
		t.Helper()
		blob, ok, err := e.Sessions.Load(ctx, session)
		require.NoError(t, err)
		require.True(t, ok, label)
		sizes[label] = len(blob)
	}
	r := &recorder{e: e}

	// A passkey, so that SELECT_CHALLENGE carries a WebAuthn assertion.
	pe := &passkeyEnv{r: r, rp: virtualwebauthn.RelyingParty{ID: "auth.example.com", Name: "test", Origin: "https://auth.example.com"},
		auth: virtualwebauthn.NewAuthenticatorWithOptions(virtualwebauthn.AuthenticatorOptions{UserHandle: []byte("sub-" + name)}),
		cred: passkeytest.NewCredential()}
	first, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": "Correct-horse1"}})
	require.NoError(t, err)
	pe.token = first.AuthenticationResult.AccessToken
	require.NoError(t, pe.register(t, pe.rp))
	d := confirmDevice(t, r, first.AuthenticationResult)

	_, srpOut, err := e.SRPStart(ctx, name)
	require.NoError(t, err)
	stored("SRP (PASSWORD_VERIFIER)", srpOut.Session)

	for _, pref := range []string{"", "PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"} {
		params := map[string]string{"USERNAME": name}
		if pref != "" {
			params["PREFERRED_CHALLENGE"] = pref
		}
		out, err := r.userAuth(params)
		require.NoError(t, err)
		stored("USER_AUTH "+string(out.ChallengeName), out.Session)
	}

	// MFA: a TOTP user is asked for SOFTWARE_TOKEN_MFA; with SMS and email
	// as well and no preference, SELECT_MFA_TYPE; the device after MFA.
	totpUser(t, e, name)
	pw, err := r.password(name, "Correct-horse1")
	require.NoError(t, err)
	stored("MFA "+string(pw.ChallengeName), pw.Session)
	u := e.User(name)
	old := u.Version
	u.MFA.SMSEnabled, u.MFA.EmailEnabled, u.MFA.Preferred = true, true, ""
	require.NoError(t, e.Dir.Apply(ctx, flow.Change{Kind: flow.ChangeUpdate, User: u, Version: old}))
	sel, err := r.password(name, "Correct-horse1")
	require.NoError(t, err)
	stored("MFA "+string(sel.ChallengeName), sel.Session)
	sms, err := r.answer(sel.ChallengeName, sel.Session, map[string]string{"USERNAME": name, "ANSWER": "SMS_MFA"})
	require.NoError(t, err)
	stored("MFA "+string(sms.ChallengeName), sms.Session)
	msg, ok := e.Outbox.Last(name, "MFA")
	require.True(t, ok)
	dev, err := r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowUserPasswordAuth, ClientId: e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": "Correct-horse1", "DEVICE_KEY": d.key}})
	require.NoError(t, err)
	sel2, err := r.answer(dev.ChallengeName, dev.Session, map[string]string{"USERNAME": name, "ANSWER": "SMS_MFA"})
	require.NoError(t, err)
	msg, ok = e.Outbox.Last(name, "MFA")
	require.True(t, ok)
	devSRP, err := r.answer(sel2.ChallengeName, sel2.Session, map[string]string{"USERNAME": name, "SMS_MFA_CODE": msg.Code, "DEVICE_KEY": d.key})
	require.NoError(t, err)
	require.Equal(t, challenge.DeviceSRPAuth, devSRP.ChallengeName)
	stored("DEVICE_SRP_AUTH", devSRP.Session)

	np, err := r.password("temp-"+name, "Temp-pass1")
	require.NoError(t, err)
	stored("NEW_PASSWORD_REQUIRED", np.Session)

	custom, err := r.initiate(&challenge.InitiateAuthInput{AuthFlow: challenge.FlowCustomAuth, ClientId: e.Client.ID,
		AuthParameters: map[string]string{"USERNAME": name}})
	require.NoError(t, err)
	stored("CUSTOM_CHALLENGE", custom.Session)

	labels := make([]string, 0, len(sizes))
	for l := range sizes {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	var b strings.Builder
	for _, l := range labels {
		fmt.Fprintf(&b, "%-32s %4d bytes\n", l, sizes[l])
	}
	t.Logf("pending sign-in state as stored:\n%s", b.String())
	for _, l := range labels {
		require.LessOrEqual(t, sizes[l], maxPendingState, "%s", l)
	}
}

// sizeHooks are custom-auth hooks with a one-round question.
func sizeHooks() flow.Hooks {
	return flow.Hooks{
		DefineAuthChallenge: func(_ context.Context, in flow.DefineAuthChallengeInput) (*flow.DefineAuthChallengeOutput, error) {
			if len(in.Session) > 0 {
				return &flow.DefineAuthChallengeOutput{IssueTokens: in.Session[0].ChallengeResult, FailAuthentication: !in.Session[0].ChallengeResult}, nil
			}
			return &flow.DefineAuthChallengeOutput{ChallengeName: "CUSTOM_CHALLENGE"}, nil
		},
		CreateAuthChallenge: func(context.Context, flow.CreateAuthChallengeInput) (*flow.CreateAuthChallengeOutput, error) {
			return &flow.CreateAuthChallengeOutput{PublicChallengeParameters: map[string]string{"question": "2+2?"},
				PrivateChallengeParameters: map[string]string{"answer": "4"}, ChallengeMetadata: "ARITHMETIC"}, nil
		},
		VerifyAuthChallenge: func(_ context.Context, in flow.VerifyAuthChallengeInput) (*flow.VerifyAuthChallengeOutput, error) {
			return &flow.VerifyAuthChallengeOutput{AnswerCorrect: in.ChallengeAnswer == in.PrivateChallengeParameters["answer"]}, nil
		},
	}
}
