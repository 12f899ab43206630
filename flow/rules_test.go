package flow_test

import (
	"math/big"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/srp"
)

func passwordAuth(e *flowtest.Env, admin bool, flowName challenge.AuthFlow, params map[string]string) error {
	if admin {
		_, err := e.Server.AdminInitiateAuth(ctx, &challenge.AdminInitiateAuthInput{AuthFlow: flowName, ClientId: e.Client.ID,
			UserPoolId: e.Pool.ID, AuthParameters: params})
		return err
	}
	_, err := e.Server.InitiateAuth(ctx, &challenge.InitiateAuthInput{AuthFlow: flowName, ClientId: e.Client.ID, AuthParameters: params})
	return err
}

func TestEntryPointRestrictions(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 20})
	e.AddUser("erin", "Correct-horse1", flow.StatusConfirmed, nil)
	creds := map[string]string{"USERNAME": "erin", "PASSWORD": "Correct-horse1"}
	requireCode(t, passwordAuth(e, true, challenge.FlowUserPasswordAuth, creds), challenge.ErrInvalidParameter, "Initiate Auth method not supported.")
	requireCode(t, passwordAuth(e, false, challenge.FlowAdminUserPasswordAuth, creds), challenge.ErrInvalidParameter, "Initiate Auth method not supported.")
	requireCode(t, passwordAuth(e, false, challenge.FlowAdminNoSRPAuth, creds), challenge.ErrInvalidParameter, "Initiate Auth method not supported.")
	require.NoError(t, passwordAuth(e, false, challenge.FlowUserPasswordAuth, creds))
	require.NoError(t, passwordAuth(e, true, challenge.FlowAdminUserPasswordAuth, creds))
	requireCode(t, passwordAuth(e, false, "PLAIN_AUTH", creds), challenge.ErrInvalidParameter, "")
	_, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.AdminNoSRPAuth,
		ClientId: e.Client.ID, Session: "x", ChallengeResponses: creds})
	requireCode(t, err, challenge.ErrInvalidParameter, "ADMIN_NO_SRP_AUTH is not a valid challenge for RespondToAuthChallenge.")
}

func TestExplicitAuthFlows(t *testing.T) {
	creds := map[string]string{"USERNAME": "erin", "PASSWORD": "Correct-horse1"}
	cases := []struct {
		name  string
		flows []string
		admin bool
		flow  challenge.AuthFlow
		ok    bool
	}{
		{"default allows SRP, not password", nil, false, challenge.FlowUserPasswordAuth, false},
		{"ALLOW_USER_PASSWORD_AUTH", []string{"ALLOW_USER_PASSWORD_AUTH"}, false, challenge.FlowUserPasswordAuth, true},
		{"legacy USER_PASSWORD_AUTH", []string{"USER_PASSWORD_AUTH"}, false, challenge.FlowUserPasswordAuth, true},
		{"ALLOW_ADMIN_USER_PASSWORD_AUTH", []string{"ALLOW_ADMIN_USER_PASSWORD_AUTH"}, true, challenge.FlowAdminUserPasswordAuth, true},
		{"legacy ADMIN_NO_SRP_AUTH enables both admin flows", []string{"ADMIN_NO_SRP_AUTH"}, true, challenge.FlowAdminUserPasswordAuth, true},
		{"admin flow not enabled", []string{"ALLOW_USER_SRP_AUTH"}, true, challenge.FlowAdminNoSRPAuth, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := flowtest.New(t, flowtest.Options{Seed: 21, Client: func(cl *flow.AppClient) { cl.ExplicitAuthFlows = c.flows }})
			e.AddUser("erin", "Correct-horse1", flow.StatusConfirmed, nil)
			err := passwordAuth(e, c.admin, c.flow, creds)
			if c.ok {
				require.NoError(t, err)
			} else {
				requireCode(t, err, challenge.ErrInvalidParameter, string(c.flow)+" flow not enabled for this client")
			}
		})
	}
}

func TestSecretHash(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 22, Client: func(c *flow.AppClient) { c.Secret = "s3cr3t-of-the-client" }})
	e.AddUser("fay", "Correct-horse1", flow.StatusConfirmed, nil)
	out, err := e.SRPSignIn(ctx, "fay", "Correct-horse1")
	require.NoError(t, err, "right SECRET_HASH in InitiateAuth and in the challenge response")
	require.NotNil(t, out.AuthenticationResult)

	noHash := map[string]string{"USERNAME": "fay", "PASSWORD": "Correct-horse1"}
	msg := "Unable to verify secret hash for client " + e.Client.ID
	requireCode(t, passwordAuth(e, false, challenge.FlowUserPasswordAuth, noHash), challenge.ErrNotAuthorized, msg)
	noHash["SECRET_HASH"] = srp.SecretHash("another secret", "fay", e.Client.ID)
	requireCode(t, passwordAuth(e, false, challenge.FlowUserPasswordAuth, noHash), challenge.ErrNotAuthorized, msg)

	// A missing hash in the challenge response is refused too.
	c, start, err := e.SRPStart(ctx, "fay")
	require.NoError(t, err)
	resp, err := e.PasswordVerifierResponse(c, start.ChallengeParameters, "Correct-horse1")
	require.NoError(t, err)
	delete(resp, "SECRET_HASH")
	_, err = e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.PasswordVerifier,
		ClientId: e.Client.ID, Session: start.Session, ChallengeResponses: resp})
	requireCode(t, err, challenge.ErrNotAuthorized, msg)

	// Refresh with the hash of the username that signed in.
	rt := out.AuthenticationResult.RefreshToken
	requireCode(t, passwordAuth(e, false, challenge.FlowRefreshTokenAuth, map[string]string{"REFRESH_TOKEN": rt}), challenge.ErrNotAuthorized, msg)
	require.NoError(t, passwordAuth(e, false, challenge.FlowRefreshTokenAuth, map[string]string{"REFRESH_TOKEN": rt, "SECRET_HASH": e.SecretHash("fay")}))
}

func TestAliasSignIn(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 23, Pool: func(p *flow.Pool) { p.AliasAttributes = []string{"email"} }})
	e.AddUser("gina", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "gina@example.com", "email_verified": "true"})
	e.AddUser("hal", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "hal@example.com", "email_verified": "false"})

	c, start, err := e.SRPStart(ctx, "Gina@Example.com")
	require.NoError(t, err)
	assert.Equal(t, "gina", start.ChallengeParameters["USER_ID_FOR_SRP"], "the real username comes back")
	assert.Equal(t, "gina", start.ChallengeParameters["USERNAME"])
	resp, err := e.PasswordVerifierResponse(c, start.ChallengeParameters, "Correct-horse1")
	require.NoError(t, err)
	out, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.PasswordVerifier,
		ClientId: e.Client.ID, Session: start.Session, ChallengeResponses: resp})
	require.NoError(t, err)
	assert.Equal(t, "gina", flowtest.Username(out.AuthenticationResult.AccessToken))

	// An unverified email is not a sign-in alias.
	_, err = e.PasswordSignIn(ctx, "hal@example.com", "Correct-horse1")
	requireCode(t, err, challenge.ErrUserNotFound, "User does not exist.")
}

func TestUserStatuses(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 24})
	e.AddUser("una", "Correct-horse1", flow.StatusUnconfirmed, nil)
	e.AddUser("rita", "Correct-horse1", flow.StatusResetRequired, nil)
	e.AddUser("dora", "Correct-horse1", flow.StatusConfirmed, nil)
	e.AddUser("tess", "Temp-pass1", flow.StatusForceChangePassword, nil)

	_, err := e.PasswordSignIn(ctx, "una", "Wrong-horse1")
	requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")
	_, err = e.PasswordSignIn(ctx, "una", "Correct-horse1")
	requireCode(t, err, challenge.ErrUserNotConfirmed, "User is not confirmed.")
	_, err = e.SRPSignIn(ctx, "una", "Correct-horse1")
	requireCode(t, err, challenge.ErrUserNotConfirmed, "User is not confirmed.")

	_, err = e.PasswordSignIn(ctx, "rita", "Correct-horse1")
	requireCode(t, err, challenge.ErrPasswordResetRequired, "Password reset required for the user")

	_, err = e.Server.AdminDisableUser(ctx, &challenge.AdminUserInput{UserPoolId: e.Pool.ID, Username: "dora"})
	require.NoError(t, err)
	_, err = e.PasswordSignIn(ctx, "dora", "Correct-horse1")
	requireCode(t, err, challenge.ErrNotAuthorized, "User is disabled.")
	_, _, err = e.SRPStart(ctx, "dora")
	requireCode(t, err, challenge.ErrNotAuthorized, "User is disabled.")
	_, err = e.Server.AdminEnableUser(ctx, &challenge.AdminUserInput{UserPoolId: e.Pool.ID, Username: "dora"})
	require.NoError(t, err)
	_, err = e.PasswordSignIn(ctx, "dora", "Correct-horse1")
	require.NoError(t, err)

	out, err := e.PasswordSignIn(ctx, "tess", "Temp-pass1")
	require.NoError(t, err)
	assert.Equal(t, challenge.NewPasswordRequired, out.ChallengeName)
	e.Clock.Advance(7*24*time.Hour + time.Second)
	_, err = e.PasswordSignIn(ctx, "tess", "Temp-pass1")
	requireCode(t, err, challenge.ErrNotAuthorized, "Temporary password has expired and must be reset by an administrator.")
}

func TestPreventUserExistenceErrors(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 25, Client: func(c *flow.AppClient) { c.PreventUserExistenceErrors = "ENABLED" }})
	e.AddUser("ivy", "Correct-horse1", flow.StatusConfirmed, nil)

	_, err := e.PasswordSignIn(ctx, "nobody", "Correct-horse1")
	requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")
	_, err = e.PasswordSignIn(ctx, "ivy", "Wrong-horse1")
	requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")

	// A decoy challenge has the shape of a real one, with a stable salt.
	_, real, err := e.SRPStart(ctx, "ivy")
	require.NoError(t, err)
	_, decoy, err := e.SRPStart(ctx, "nobody")
	require.NoError(t, err)
	_, decoy2, err := e.SRPStart(ctx, "nobody")
	require.NoError(t, err)
	assert.Equal(t, real.ChallengeName, decoy.ChallengeName)
	for k := range real.ChallengeParameters {
		assert.Contains(t, decoy.ChallengeParameters, k)
	}
	assert.Equal(t, decoy.ChallengeParameters["SALT"], decoy2.ChallengeParameters["SALT"], "decoy salt is stable")
	assert.NotEqual(t, decoy.ChallengeParameters["SRP_B"], decoy2.ChallengeParameters["SRP_B"])
	_, err = e.SRPSignIn(ctx, "nobody", "Correct-horse1")
	requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")

	// LEGACY says the user does not exist.
	legacy := flowtest.New(t, flowtest.Options{Seed: 26})
	_, _, err = legacy.SRPStart(ctx, "nobody")
	requireCode(t, err, challenge.ErrUserNotFound, "User does not exist.")
}

func TestLockout(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 27})
	e.AddUser("jo", "Correct-horse1", flow.StatusConfirmed, nil)
	for i := 0; i < 5; i++ {
		_, err := e.PasswordSignIn(ctx, "jo", "Wrong-horse1")
		requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")
	}
	// Locked: even the right password is refused, without being checked.
	_, err := e.PasswordSignIn(ctx, "jo", "Correct-horse1")
	requireCode(t, err, challenge.ErrNotAuthorized, "Password attempts exceeded")
	_, _, err = e.SRPStart(ctx, "jo")
	requireCode(t, err, challenge.ErrNotAuthorized, "Password attempts exceeded")
	u := e.User("jo")
	assert.Equal(t, time.Second, u.LockedUntil.Sub(e.Clock.Now()), "first lockout lasts one second")

	// Each further failure doubles the lockout, up to 15 minutes.
	want := time.Second
	for i := 0; i < 14; i++ {
		e.Clock.Set(e.User("jo").LockedUntil)
		_, err := e.PasswordSignIn(ctx, "jo", "Wrong-horse1")
		requireCode(t, err, challenge.ErrNotAuthorized, "Incorrect username or password.")
		want = min(want*2, 15*time.Minute)
		assert.Equal(t, want, e.User("jo").LockedUntil.Sub(e.Clock.Now()), "lockout after failure %d", 6+i)
	}
	assert.Equal(t, 15*time.Minute, want)
	e.Clock.Set(e.User("jo").LockedUntil)
	out, err := e.PasswordSignIn(ctx, "jo", "Correct-horse1")
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
	assert.Zero(t, e.User("jo").FailedAttempts, "success clears the counter")
}

func TestSessionRules(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 28})
	e.AddUser("kim", "Correct-horse1", flow.StatusConfirmed, nil)
	respond := func(session string, resp map[string]string) error {
		_, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.PasswordVerifier,
			ClientId: e.Client.ID, Session: session, ChallengeResponses: resp})
		return err
	}
	t.Run("a session answers one successful step", func(t *testing.T) {
		c, start, err := e.SRPStart(ctx, "kim")
		require.NoError(t, err)
		resp, err := e.PasswordVerifierResponse(c, start.ChallengeParameters, "Correct-horse1")
		require.NoError(t, err)
		require.NoError(t, respond(start.Session, resp))
		requireCode(t, respond(start.Session, resp), challenge.ErrNotAuthorized, "Invalid session for the user.")
	})
	t.Run("expires after AuthSessionValidity", func(t *testing.T) {
		c, start, err := e.SRPStart(ctx, "kim")
		require.NoError(t, err)
		e.Clock.Advance(3*time.Minute + time.Second)
		resp, err := e.PasswordVerifierResponse(c, start.ChallengeParameters, "Correct-horse1")
		require.NoError(t, err)
		requireCode(t, respond(start.Session, resp), challenge.ErrNotAuthorized, "Invalid session for the user, session is expired.")
	})
	t.Run("unknown session", func(t *testing.T) {
		requireCode(t, respond("bm90LWEtc2Vzc2lvbg", map[string]string{"USERNAME": "kim"}), challenge.ErrNotAuthorized, "Invalid session for the user.")
	})
	t.Run("another client's session", func(t *testing.T) {
		_, start, err := e.SRPStart(ctx, "kim")
		require.NoError(t, err)
		other := *e.Client
		other.ID = "other-client"
		require.NoError(t, e.Dir.PutClient(ctx, &other))
		_, err = e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.PasswordVerifier,
			ClientId: "other-client", Session: start.Session, ChallengeResponses: map[string]string{"USERNAME": "kim"}})
		requireCode(t, err, challenge.ErrNotAuthorized, "Invalid session for the user.")
	})
	t.Run("challenge name must match", func(t *testing.T) {
		_, start, err := e.SRPStart(ctx, "kim")
		require.NoError(t, err)
		_, err = e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.NewPasswordRequired,
			ClientId: e.Client.ID, Session: start.Session, ChallengeResponses: map[string]string{"USERNAME": "kim"}})
		requireCode(t, err, challenge.ErrInvalidParameter, "The challenge name does not match the pending challenge PASSWORD_VERIFIER.")
	})
	t.Run("a malformed TIMESTAMP", func(t *testing.T) {
		c, start, err := e.SRPStart(ctx, "kim")
		require.NoError(t, err)
		resp, err := e.PasswordVerifierResponse(c, start.ChallengeParameters, "Correct-horse1")
		require.NoError(t, err)
		resp["TIMESTAMP"] = "yesterday"
		requireCode(t, respond(start.Session, resp), challenge.ErrInvalidParameter, "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
	})
	t.Run("a zero-padded day is a wrong signature", func(t *testing.T) {
		e.Clock.Set(flowtest.Epoch)
		c, start, err := e.SRPStart(ctx, "kim")
		require.NoError(t, err)
		// Signed over the string as sent, as a client with a padded day would.
		resp, err := e.PasswordVerifierResponseAt(c, start.ChallengeParameters, "Correct-horse1", "Tue Nov 03 09:05:07 UTC 2026")
		require.NoError(t, err)
		requireCode(t, respond(start.Session, resp), challenge.ErrNotAuthorized, "Incorrect username or password.")
	})
}

func TestSessionValidityIsConfigurable(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 29, Client: func(c *flow.AppClient) { c.AuthSessionValidity = 15 * time.Minute }})
	e.AddUser("lee", "Correct-horse1", flow.StatusConfirmed, nil)
	c, start, err := e.SRPStart(ctx, "lee")
	require.NoError(t, err)
	e.Clock.Advance(14 * time.Minute)
	resp, err := e.PasswordVerifierResponse(c, start.ChallengeParameters, "Correct-horse1")
	require.NoError(t, err)
	_, err = e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.PasswordVerifier,
		ClientId: e.Client.ID, Session: start.Session, ChallengeResponses: resp})
	require.NoError(t, err)
}

func TestWrongAnswersPerSessionAreBounded(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 30})
	e.AddUser("max", "Temp-pass1", flow.StatusForceChangePassword, nil)
	out, err := e.PasswordSignIn(ctx, "max", "Temp-pass1")
	require.NoError(t, err)
	answer := func(pw string) error {
		_, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.NewPasswordRequired,
			ClientId: e.Client.ID, Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "max", "NEW_PASSWORD": pw}})
		return err
	}
	requireCode(t, answer("weak"), challenge.ErrInvalidPassword, "Password did not conform with policy: Password not long enough")
	requireCode(t, answer("weakbutlong"), challenge.ErrInvalidPassword, "Password did not conform with policy: Password must have uppercase characters")
	// The third wrong answer ends the session: even a good password fails after it.
	requireCode(t, answer("Weakbutlong"), challenge.ErrInvalidPassword, "Password did not conform with policy: Password must have numeric characters")
	requireCode(t, answer("Strong-pass1"), challenge.ErrNotAuthorized, "Invalid session for the user.")
}

func TestConcurrentAnswersGetOneToken(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 31})
	e.AddUser("nia", "Correct-horse1", flow.StatusConfirmed, nil)
	c, start, err := e.SRPStart(ctx, "nia")
	require.NoError(t, err)
	resp, err := e.PasswordVerifierResponse(c, start.ChallengeParameters, "Correct-horse1")
	require.NoError(t, err)
	var wins, invalid atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.PasswordVerifier,
				ClientId: e.Client.ID, Session: start.Session, ChallengeResponses: resp})
			if err == nil && out.AuthenticationResult != nil {
				wins.Add(1)
			} else if challenge.CodeOf(err) == challenge.ErrNotAuthorized && challenge.MessageOf(err) == challenge.MsgInvalidSession {
				invalid.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), wins.Load(), "exactly one of 100 concurrent correct answers gets tokens")
	assert.Equal(t, int32(99), invalid.Load(), "the others are told the session is invalid")
	assert.Len(t, e.Issuer.Grants, 1)
}

func TestStepsPerSignInAreBounded(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 32, Limits: flow.Limits{MaxSteps: 1, MaxWrongAnswers: 10}})
	e.AddUser("ola", "Temp-pass1", flow.StatusForceChangePassword, nil)
	c, start, err := e.SRPStart(ctx, "ola")
	require.NoError(t, err)
	resp, err := e.PasswordVerifierResponse(c, start.ChallengeParameters, "Temp-pass1")
	require.NoError(t, err)
	out, err := e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.PasswordVerifier,
		ClientId: e.Client.ID, Session: start.Session, ChallengeResponses: resp})
	require.NoError(t, err, "step 1")
	_, err = e.Server.RespondToAuthChallenge(ctx, &challenge.RespondToAuthChallengeInput{ChallengeName: challenge.NewPasswordRequired,
		ClientId: e.Client.ID, Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "ola", "NEW_PASSWORD": "Strong-pass1"}})
	requireCode(t, err, challenge.ErrNotAuthorized, "Invalid session for the user.")
}

func TestPasswordsAreStoredAsVerifiers(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 33})
	_, err := e.Server.AdminCreateUser(ctx, &challenge.AdminCreateUserInput{UserPoolId: e.Pool.ID, Username: "pia",
		TemporaryPassword: "Temp-pass1", MessageAction: "SUPPRESS"})
	require.NoError(t, err)
	u := e.User("pia")
	assert.True(t, srp.CheckPassword(u.Salt, u.Verifier, srp.PoolName(e.Pool.ID), "pia", "Temp-pass1"))
	assert.Len(t, u.Verifier, len(srp.PadHex(srp.ComputeVerifier(new(big.Int).SetBytes(u.Salt), "TestPool1", "pia", "Temp-pass1"))))
}
