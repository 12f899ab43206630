package cognitoserver

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/internal/pgtest"
	"github.com/authflow/authflow/srp"
)

const readyPrefix = "authflow: listening on "

// testConfig declares a pool with fixed IDs, a public and a secret client,
// and two users.
const testConfig = `{
  "Pools": [{
    "Id": "us-east-1_Local1",
    "PoolName": "local",
    "AutoVerifiedAttributes": ["email"],
    "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}},
    "MfaConfig": {"MfaConfiguration": "OFF", "WebAuthnConfiguration": {"RelyingPartyId": "localhost", "UserVerification": "preferred"}},
    "Clients": [
      {"ClientId": "localclient0000000000000001", "ClientName": "web",
       "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]},
      {"ClientId": "localbackend00000000000001", "ClientSecret": "fixed-secret-1", "ClientName": "backend",
       "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH"]}
    ],
    "Users": [
      {"Username": "alice", "Password": "Passw0rd!", "Attributes": {"email": "alice@example.com", "email_verified": "true"}},
      {"Username": "temp", "Password": "Temp0rary!", "Temporary": true}
    ]
  }]
}`

// process is a running server binary.
type process struct {
	cmd      *exec.Cmd
	endpoint string
	stderr   *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// buildBinary builds the server once per test into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "authflow-server")
	out, err := exec.Command("go", "build", "-o", bin, "../examples/server").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// start runs the binary and waits for its ready line.
func start(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, args...), stderr: &syncBuffer{}}
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, p.cmd.Start())
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), readyPrefix); ok {
				ready <- line
			}
		}
		close(ready)
	}()
	select {
	case ep, ok := <-ready:
		require.True(t, ok, "server exited before its ready line; stderr:\n%s", p.stderr.String())
		p.endpoint = ep
	case <-time.After(60 * time.Second):
		t.Fatalf("no ready line after 60s; stderr:\n%s", p.stderr.String())
	}
	return p
}

// interrupt sends SIGINT and checks the process exits 0.
func (p *process) interrupt(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "exit status; stderr:\n%s", p.stderr.String())
		assert.Equal(t, 0, p.cmd.ProcessState.ExitCode())
	case <-time.After(30 * time.Second):
		t.Fatalf("no exit 30s after SIGINT; stderr:\n%s", p.stderr.String())
	}
}

func sdkFor(endpoint string) *cip.Client {
	return cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""), Retryer: retryClosedConnection()})
}

// outbox reads the newest code for a user.
func readOutbox(t *testing.T, endpoint, pool, username string) []OutboxMessage {
	t.Helper()
	resp, err := http.Get(endpoint + "/local/outbox?" + url.Values{"pool": {pool}, "username": {username}}.Encode())
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var msgs []OutboxMessage
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&msgs))
	return msgs
}

// srpSignIn signs in with USER_SRP_AUTH over the SDK.
func srpSignIn(t *testing.T, api *cip.Client, pool, client, username, password string) *types.AuthenticationResultType {
	t.Helper()
	ctx := context.Background()
	c, err := srp.NewClient(rand.Reader)
	require.NoError(t, err)
	init, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserSrpAuth, ClientId: aws.String(client),
		AuthParameters: map[string]string{"USERNAME": username, "SRP_A": srp.HexInt(c.A())}})
	require.NoError(t, err)
	cp := init.ChallengeParameters
	salt, err := srp.ParseSalt(cp["SALT"])
	require.NoError(t, err)
	B, err := srp.ParseB(cp["SRP_B"])
	require.NoError(t, err)
	userID := cp["USER_ID_FOR_SRP"]
	key, err := c.SessionKey(srp.PoolName(pool), userID, password, salt, B)
	require.NoError(t, err)
	block, err := base64.StdEncoding.DecodeString(cp["SECRET_BLOCK"])
	require.NoError(t, err)
	ts := srp.FormatTimestamp(time.Now())
	out, err := api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypePasswordVerifier,
		ClientId: aws.String(client), Session: init.Session, ChallengeResponses: map[string]string{"USERNAME": userID,
			"PASSWORD_CLAIM_SECRET_BLOCK": cp["SECRET_BLOCK"], "TIMESTAMP": ts,
			"PASSWORD_CLAIM_SIGNATURE": srp.Signature(key, srp.PoolName(pool), userID, block, ts)}})
	require.NoError(t, err)
	require.NotNil(t, out.AuthenticationResult)
	return out.AuthenticationResult
}

// verifyJWT checks an RS256 token against the server's JWKS and returns its claims.
func verifyJWT(t *testing.T, endpoint, pool, token string) (kid string, claims map[string]any) {
	t.Helper()
	resp, err := http.Get(endpoint + "/" + pool + "/.well-known/jwks.json")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var set struct {
		Keys []struct{ Kid, Alg, N, E string }
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&set))

	parts := strings.Split(token, ".")
	require.Len(t, parts, 3)
	dec := func(s string) []byte {
		b, err := base64.RawURLEncoding.DecodeString(s)
		require.NoError(t, err)
		return b
	}
	var header struct{ Alg, Kid string }
	require.NoError(t, json.Unmarshal(dec(parts[0]), &header))
	require.Equal(t, "RS256", header.Alg)
	for _, k := range set.Keys {
		if k.Kid != header.Kid {
			continue
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(dec(k.N)), E: int(new(big.Int).SetBytes(dec(k.E)).Int64())}
		sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		require.NoError(t, rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], dec(parts[2])), "signature")
		require.NoError(t, json.Unmarshal(dec(parts[1]), &claims))
		return header.Kid, claims
	}
	t.Fatalf("kid %q not in the JWKS", header.Kid)
	return "", nil
}

// TestBinary builds the server, runs it on a free port with a temporary
// data directory, drives it with the AWS SDK over TCP, interrupts it, and
// restarts it on the same data.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	bin := buildBinary(t)
	data := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "pools.json")
	require.NoError(t, os.WriteFile(cfg, []byte(testConfig), 0o600))
	args := []string{"-addr", "127.0.0.1:0", "-data", data, "-config", cfg, "-credentials", "AKID:SECRET", "-log-format", "json", "-outbox"}

	p := start(t, bin, args...)
	require.True(t, strings.HasPrefix(p.endpoint, "http://127.0.0.1:"), p.endpoint)
	api := sdkFor(p.endpoint)
	ctx := context.Background()

	// Pool, client and user made over the wire (signed requests, verified).
	pool, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("wire"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}})
	require.NoError(t, err)
	poolID := aws.ToString(pool.UserPool.Id)
	client, err := api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	require.NoError(t, err)
	clientID := aws.ToString(client.UserPoolClient.ClientId)

	// An invitation: the temporary password is read from the outbox.
	_, err = api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("zoe"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("zoe@example.com")},
			{Name: aws.String("email_verified"), Value: aws.String("true")}}})
	require.NoError(t, err)
	msgs := readOutbox(t, p.endpoint, poolID, "zoe")
	require.Len(t, msgs, 1)
	assert.Equal(t, "INVITATION", msgs[0].Purpose)
	assert.Equal(t, "zoe@example.com", msgs[0].Destination)
	temp := msgs[0].Code
	require.NotEmpty(t, temp)
	assert.NotContains(t, p.stderr.String(), temp, "codes are not logged")

	out, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(clientID),
		AuthParameters: map[string]string{"USERNAME": "zoe", "PASSWORD": temp}})
	require.NoError(t, err)
	require.Equal(t, types.ChallengeNameTypeNewPasswordRequired, out.ChallengeName)
	done, err := api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
		ClientId: aws.String(clientID), Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "zoe", "NEW_PASSWORD": "Z0e-passw0rd"}})
	require.NoError(t, err)
	kid, claims := verifyJWT(t, p.endpoint, poolID, aws.ToString(done.AuthenticationResult.AccessToken))
	keptRefresh := aws.ToString(done.AuthenticationResult.RefreshToken)
	require.NotEmpty(t, keptRefresh)
	assert.Equal(t, "https://cognito-idp.us-east-1.amazonaws.com/"+poolID, claims["iss"])
	assert.Equal(t, "access", claims["token_use"])
	assert.Equal(t, clientID, claims["client_id"])
	revoked := srpSignIn(t, api, poolID, clientID, "zoe", "Z0e-passw0rd")
	_, err = api.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: aws.String(clientID), Token: revoked.RefreshToken})
	require.NoError(t, err)
	_, err = refreshAuth(ctx, api, clientID, aws.ToString(revoked.RefreshToken))
	var na *types.NotAuthorizedException
	require.ErrorAs(t, err, &na, "a revoked refresh token is refused")

	// Sign-up confirmed with the code from the outbox.
	_, err = api.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("yan"), Password: aws.String("Y4n-passw0rd"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("yan@example.com")}}})
	require.NoError(t, err)
	msgs = readOutbox(t, p.endpoint, poolID, "yan")
	require.Len(t, msgs, 1)
	assert.Equal(t, "SIGN_UP", msgs[0].Purpose)
	_, err = api.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("yan"), ConfirmationCode: aws.String(msgs[0].Code)})
	require.NoError(t, err)

	// The config's pool, clients and users.
	srpSignIn(t, api, "us-east-1_Local1", "localclient0000000000000001", "alice", "Passw0rd!")
	hash := srp.SecretHash("fixed-secret-1", "alice", "localbackend00000000000001")
	admin, err := api.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
		UserPoolId: aws.String("us-east-1_Local1"), ClientId: aws.String("localbackend00000000000001"),
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!", "SECRET_HASH": hash}})
	require.NoError(t, err)
	require.NotNil(t, admin.AuthenticationResult)
	tempOut, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String("localclient0000000000000001"),
		AuthParameters: map[string]string{"USERNAME": "temp", "PASSWORD": "Temp0rary!"}})
	require.NoError(t, err)
	assert.Equal(t, types.ChallengeNameTypeNewPasswordRequired, tempOut.ChallengeName)

	// A wrong signature is refused.
	_, err = cip.New(cip.Options{Region: "eu-west-1", BaseEndpoint: aws.String(p.endpoint), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "WRONG", "")}).ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(5)})
	require.ErrorAs(t, err, &na)

	// Request logs: JSON lines on stderr (through a pipe, so wait), without secrets.
	require.Eventually(t, func() bool {
		return strings.Contains(p.stderr.String(), `"outcome":"NotAuthorizedException"`)
	}, 10*time.Second, 10*time.Millisecond, "the refused request is logged")
	logs := p.stderr.String()
	assert.Contains(t, logs, `"op":"AdminInitiateAuth"`)
	for _, secret := range []string{"Passw0rd!", "Z0e-passw0rd", "Temp0rary!", "fixed-secret-1", aws.ToString(done.AuthenticationResult.AccessToken)} {
		assert.NotContains(t, logs, secret)
	}

	p.interrupt(t)
	assert.Contains(t, p.stderr.String(), "shutting down")

	// Restart on the same data: users, pools, keys, refresh tokens and
	// revocations persist; the config applies again without error and
	// leaves users alone.
	p = start(t, bin, args...)
	api = sdkFor(p.endpoint)
	refreshed, err := refreshAuth(ctx, api, clientID, keptRefresh)
	require.NoError(t, err, "a refresh token issued before the restart works after it")
	_, refreshedClaims := verifyJWT(t, p.endpoint, poolID, aws.ToString(refreshed.AuthenticationResult.AccessToken))
	assert.Equal(t, claims["origin_jti"], refreshedClaims["origin_jti"], "the same sign-in")
	assert.Equal(t, "zoe", refreshedClaims["username"])
	_, err = api.GetUser(ctx, &cip.GetUserInput{AccessToken: refreshed.AuthenticationResult.AccessToken})
	require.NoError(t, err)
	_, err = refreshAuth(ctx, api, clientID, aws.ToString(revoked.RefreshToken))
	require.ErrorAs(t, err, &na, "a revocation made before the restart holds after it")
	_, err = api.GetUser(ctx, &cip.GetUserInput{AccessToken: revoked.AccessToken})
	require.ErrorAs(t, err, &na, "so do the access tokens of the revoked sign-in")
	res := srpSignIn(t, api, poolID, clientID, "zoe", "Z0e-passw0rd")
	kid2, _ := verifyJWT(t, p.endpoint, poolID, aws.ToString(res.IdToken))
	assert.Equal(t, kid, kid2, "the signing key is kept in the data directory")
	srpSignIn(t, api, "us-east-1_Local1", "localclient0000000000000001", "alice", "Passw0rd!")
	p.interrupt(t)
	assert.Contains(t, p.stderr.String(), "config: user exists")
}

// refreshAuth signs in again with a refresh token (REFRESH_TOKEN_AUTH).
func refreshAuth(ctx context.Context, api *cip.Client, clientID, refreshToken string) (*cip.InitiateAuthOutput, error) {
	return api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(clientID),
		AuthParameters: map[string]string{"REFRESH_TOKEN": refreshToken}})
}

// startInProcess runs run() in this process and returns the endpoint.
func startInProcess(t *testing.T, args ...string) (endpoint string, stderr *syncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr = &syncBuffer{}
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, args, pw, stderr)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if ep, ok := strings.CutPrefix(sc.Text(), readyPrefix); ok {
			endpoint = ep
			break
		}
	}
	if endpoint == "" {
		cancel()
		t.Fatalf("no ready line: %v\n%s", <-errc, stderr.String())
	}
	go io.Copy(io.Discard, pr)
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			err = <-errc
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return endpoint, stderr, stop
}

func TestRunInProcess(t *testing.T) {
	data := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "pools.json")
	require.NoError(t, os.WriteFile(cfg, []byte(testConfig), 0o600))
	endpoint, stderr, stop := startInProcess(t, "-addr", "127.0.0.1:0", "-data", data, "-config", cfg, "-local-issuer",
		"-passkey-origin", "http://localhost:3000", "-outbox")
	api := sdkFor(endpoint)

	// Without -credentials any well-formed signature passes.
	res := srpSignIn(t, api, "us-east-1_Local1", "localclient0000000000000001", "alice", "Passw0rd!")
	_, claims := verifyJWT(t, endpoint, "us-east-1_Local1", aws.ToString(res.AccessToken))
	assert.Equal(t, endpoint+"/us-east-1_Local1", claims["iss"], "-local-issuer")

	resp, err := http.Get(endpoint + "/us-east-1_Local1/.well-known/openid-configuration")
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	resp.Body.Close()
	assert.Equal(t, endpoint+"/us-east-1_Local1", doc["issuer"])
	assert.Equal(t, endpoint+"/us-east-1_Local1/.well-known/jwks.json", doc["jwks_uri"])

	// Passkeys are wired: registration options for the pool's relying party.
	ctx := context.Background()
	start, err := api.StartWebAuthnRegistration(ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: res.AccessToken})
	require.NoError(t, err)
	optsJSON, err := start.CredentialCreationOptions.MarshalSmithyDocument()
	require.NoError(t, err)
	assert.Contains(t, string(optsJSON), `"id":"localhost"`)

	// Forgotten password through the outbox; the log names where to read it.
	_, err = api.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: aws.String("localclient0000000000000001"), Username: aws.String("alice")})
	require.NoError(t, err)
	msgs := readOutbox(t, endpoint, "us-east-1_Local1", "alice")
	require.Len(t, msgs, 1)
	assert.Equal(t, "FORGOT_PASSWORD", msgs[0].Purpose)
	assert.Contains(t, stderr.String(), "/local/outbox?pool=us-east-1_Local1&username=alice")
	assert.NotContains(t, stderr.String(), msgs[0].Code)

	require.NoError(t, stop())
	assert.Contains(t, stderr.String(), "stopped")
}

// TestTwoNodesShareTokens runs two servers on one store, as a deployment
// behind a load balancer would: a refresh token issued by one node works on
// the other, and a revocation made on one holds on the other. With -redis
// (miniredis here) the nodes share sign-in sessions and token state in
// Redis and users in one SQLite file; with -postgres (when
// AUTHFLOW_POSTGRES_DSN is set) users and token state in PostgreSQL.
// Signing keys and the decoy key live in the users' database (see
// TestAttackNodesWithoutSharedDecoyKey for nodes with their own data
// directories).
func TestTwoNodesShareTokens(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "pools.json")
	require.NoError(t, os.WriteFile(cfg, []byte(testConfig), 0o600))
	t.Run("redis", func(t *testing.T) {
		mr := miniredis.RunT(t)
		data := t.TempDir()
		args := []string{"-addr", "127.0.0.1:0", "-data", data, "-config", cfg, "-redis", "redis://" + mr.Addr() + "/0"}
		testTwoNodes(t, args, args)
		require.NotEmpty(t, mr.Keys())
		for _, k := range mr.Keys() {
			require.True(t, strings.HasPrefix(k, "authflow:session:") || strings.HasPrefix(k, "authflow:token:"), k)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		args := []string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-config", cfg, "-postgres", pgtest.DSN(t)}
		testTwoNodes(t, args, args)
	})
}

// testTwoNodes starts two nodes (which must share signing keys) and moves a
// sign-in between them.
func testTwoNodes(t *testing.T, argsA, argsB []string) {
	ctx := context.Background()
	const pool, client = "us-east-1_Local1", "localclient0000000000000001"
	a, _, _ := startInProcess(t, argsA...)
	b, _, _ := startInProcess(t, argsB...)
	apiA, apiB := sdkFor(a), sdkFor(b)

	first := srpSignIn(t, apiA, pool, client, "alice", "Passw0rd!")
	refreshed, err := refreshAuth(ctx, apiB, client, aws.ToString(first.RefreshToken))
	require.NoError(t, err, "node b accepts node a's refresh token")
	_, err = apiA.GetUser(ctx, &cip.GetUserInput{AccessToken: refreshed.AuthenticationResult.AccessToken})
	require.NoError(t, err)

	_, err = apiB.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: aws.String(client), Token: first.RefreshToken})
	require.NoError(t, err)
	var na *types.NotAuthorizedException
	_, err = refreshAuth(ctx, apiA, client, aws.ToString(first.RefreshToken))
	require.ErrorAs(t, err, &na, "node a sees node b's revocation")
	_, err = apiA.GetUser(ctx, &cip.GetUserInput{AccessToken: refreshed.AuthenticationResult.AccessToken})
	require.ErrorAs(t, err, &na)

	// A global sign-out on a holds on b.
	second := srpSignIn(t, apiB, pool, client, "alice", "Passw0rd!")
	_, err = apiA.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: second.AccessToken})
	require.NoError(t, err)
	_, err = refreshAuth(ctx, apiB, client, aws.ToString(second.RefreshToken))
	require.ErrorAs(t, err, &na, "node b sees node a's global sign-out")
}

// TestAttackOutboxOffByDefault: the outbox is not served unless -outbox
// says so, even on loopback (behind a local reverse proxy loopback is
// public) (issue 12, item 12).
func TestAttackOutboxOffByDefault(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "pools.json")
	require.NoError(t, os.WriteFile(cfg, []byte(testConfig), 0o600))
	endpoint, stderr, stop := startInProcess(t, "-addr", "127.0.0.1:0", "-data", t.TempDir(), "-config", cfg)
	_, err := sdkFor(endpoint).ForgotPassword(context.Background(), &cip.ForgotPasswordInput{
		ClientId: aws.String("localclient0000000000000001"), Username: aws.String("alice")})
	require.NoError(t, err)
	resp, err := http.Get(endpoint + "/local/outbox?pool=us-east-1_Local1&username=alice")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.NotContains(t, string(body), "FORGOT_PASSWORD")
	require.NoError(t, stop())
	assert.Contains(t, stderr.String(), "outbox=false")
	assert.Contains(t, stderr.String(), "code not delivered")
}

// TestAttackOutboxListsEveryCode: with -outbox, a request without pool and
// username lists nothing (issue 12, item 12).
func TestAttackOutboxListsEveryCode(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "pools.json")
	require.NoError(t, os.WriteFile(cfg, []byte(testConfig), 0o600))
	endpoint, _, _ := startInProcess(t, "-addr", "127.0.0.1:0", "-data", t.TempDir(), "-config", cfg, "-outbox")
	_, err := sdkFor(endpoint).ForgotPassword(context.Background(), &cip.ForgotPasswordInput{
		ClientId: aws.String("localclient0000000000000001"), Username: aws.String("alice")})
	require.NoError(t, err)
	for _, q := range []string{"", "?pool=us-east-1_Local1", "?username=alice", "?pool=&username=alice"} {
		resp, err := http.Get(endpoint + "/local/outbox" + q)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, q)
		assert.NotContains(t, string(body), "FORGOT_PASSWORD", q)
		assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"), "no CORS on the outbox")
	}
	msgs := readOutbox(t, endpoint, "us-east-1_Local1", "alice")
	require.Len(t, msgs, 1)
	assert.Equal(t, "FORGOT_PASSWORD", msgs[0].Purpose)
}

// TestAttackListenBeyondLoopbackWithoutCredentials: a server reachable from
// other hosts without -credentials would let anyone run admin operations;
// it refuses to start unless -insecure-no-credentials says so (issue 12,
// item 3).
func TestAttackListenBeyondLoopbackWithoutCredentials(t *testing.T) {
	err := runUntilReady(t, "-addr", "0.0.0.0:0", "-data", t.TempDir())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-insecure-no-credentials")

	endpoint, stderr, stop := startInProcess(t, "-addr", "0.0.0.0:0", "-data", t.TempDir(), "-insecure-no-credentials")
	assert.Contains(t, stderr.String(), "INSECURE")
	endpoint = strings.Replace(endpoint, "0.0.0.0", "127.0.0.1", 1)
	endpoint = strings.Replace(endpoint, "[::]", "127.0.0.1", 1)
	resp, err := http.Get(endpoint + "/local/outbox?pool=a&username=b")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "no outbox without -outbox")
	require.NoError(t, stop())

	_, stderr, stop = startInProcess(t, "-addr", "0.0.0.0:0", "-data", t.TempDir(), "-credentials", "AKID:SECRET")
	assert.NotContains(t, stderr.String(), "INSECURE")
	require.NoError(t, stop())
}

// runUntilReady runs the server and returns the error it stops with; when
// it starts instead, it is stopped and the error is nil.
func runUntilReady(t *testing.T, args ...string) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, args, pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), readyPrefix) {
			cancel()
			go io.Copy(io.Discard, pr)
			if err := <-errc; err != nil {
				t.Errorf("stopping: %v", err)
			}
			return nil
		}
	}
	return <-errc
}

// TestCORSOriginsFlag: -cors-origins names the pages that may send signed
// requests; other pages keep the public operations only.
func TestCORSOriginsFlag(t *testing.T) {
	endpoint, _, _ := startInProcess(t, "-addr", "127.0.0.1:0", "-data", t.TempDir(), "-cors-origins", "https://admin.example,http://localhost:5173/")
	allowed := func(origin string) string {
		req, err := http.NewRequest(http.MethodOptions, endpoint+"/", nil)
		require.NoError(t, err)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type,x-amz-date,x-amz-target")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.Header.Get("Access-Control-Allow-Headers")
	}
	assert.Contains(t, allowed("https://admin.example"), "authorization")
	assert.Contains(t, allowed("http://localhost:5173"), "authorization")
	assert.NotContains(t, allowed("https://evil.example"), "authorization")
	assert.Contains(t, allowed("https://evil.example"), "x-amz-target")
}

func TestFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-credentials", "nocolon"},
		{"-passkey-origin", "localhost:3000"},
		{"-cors-origins", "admin.example"},
		{"-log-format", "xml"},
		{"-log-level", "loud"},
		{"-region", "US_EAST"},
		{"extra"},
		{"-nosuchflag"},
	} {
		err := run(context.Background(), append(args, "-data", t.TempDir(), "-addr", "127.0.0.1:0"), io.Discard, io.Discard)
		assert.Error(t, err, "%v", args)
	}
	cfg := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"Pools":[{"Id":"bad id"}]}`), 0o600))
	err := run(context.Background(), []string{"-data", t.TempDir(), "-addr", "127.0.0.1:0", "-config", cfg}, io.Discard, io.Discard)
	assert.ErrorContains(t, err, "Id must look like")
}

// retryClosedConnection is the SDK retryer of these tests: it retries once,
// and only a response the client's own transport closed while the body was
// being read ("use of closed network connection", aws-sdk-go-v2 issues #1825
// and #2737), which appeared on loopback under -race once responses grew
// past 4 KiB (DescribeUserPool with its schema). Every other error is
// answered at once, as with RetryMaxAttempts 1, so tests still see each
// refusal and count each attempt.
func retryClosedConnection() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 2
		o.Retryables = []retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
			if strings.Contains(err.Error(), "use of closed network connection") {
				return aws.TrueTernary
			}
			return aws.FalseTernary
		})}
	})
}
