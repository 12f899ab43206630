package awscli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/cognitoserver"
	"github.com/authflow/authflow/lambdatrigger/lambdatest"
)

// The server verifies SigV4 signatures with these credentials, so every
// administrative command below also proves the CLI's signing is accepted.
const (
	accessKey = "AKIDAUTHFLOWCLI"
	secretKey = "authflow-cli-secret"
)

// cli is the AWS CLI v2 pointed at one server.
type cli struct {
	t        *testing.T
	bin      string
	endpoint string
	env      []string
}

// findCLI returns an AWS CLI v2, preferring Debian's /usr/bin/aws (a v1
// earlier on PATH speaks a different dialect of some commands).
func findCLI(t *testing.T) string {
	t.Helper()
	candidates := []string{"/usr/bin/aws"}
	if p, err := exec.LookPath("aws"); err == nil {
		candidates = append(candidates, p)
	}
	for _, c := range candidates {
		out, err := exec.Command(c, "--version").CombinedOutput()
		if err == nil && strings.HasPrefix(string(out), "aws-cli/2.") {
			return c
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI needs the AWS CLI v2 (Debian package awscli)")
	}
	t.Skip("no AWS CLI v2 installed (Debian: apt-get install awscli)")
	return ""
}

// run runs one cognito-idp command and decodes its JSON answer; it fails
// the test when the command fails.
func (c *cli) run(args ...string) map[string]any {
	c.t.Helper()
	out, errOut, err := c.exec(args...)
	require.NoError(c.t, err, "aws cognito-idp %s\n%s", strings.Join(args, " "), errOut)
	m := map[string]any{}
	if len(bytes.TrimSpace(out)) > 0 {
		require.NoError(c.t, json.Unmarshal(out, &m), "%s", out)
	}
	return m
}

// fail runs a command that must fail and returns its error output.
func (c *cli) fail(args ...string) string {
	c.t.Helper()
	out, errOut, err := c.exec(args...)
	require.Error(c.t, err, "aws cognito-idp %s should fail; it printed %s", strings.Join(args, " "), out)
	return errOut
}

func (c *cli) exec(args ...string) (stdout []byte, stderr string, err error) {
	full := append([]string{"--endpoint-url", c.endpoint, "--region", "us-east-1", "--output", "json", "cognito-idp"}, args...)
	cmd := exec.Command(c.bin, full...)
	cmd.Env = c.env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.Bytes(), errb.String(), err
}

// startServer runs the server in this process with an outbox and verified
// signatures; it returns the endpoint.
func startServer(t *testing.T, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	args := append([]string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-outbox",
		"-credentials", accessKey + ":" + secretKey}, extra...)
	go func() {
		errc <- cognitoserver.Run(ctx, "authflow serve", args, pw, io.Discard)
		pw.Close()
	}()
	endpoint := ""
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if ep, ok := strings.CutPrefix(sc.Text(), "authflow: listening on "); ok {
			endpoint = ep
			break
		}
	}
	if endpoint == "" {
		cancel()
		t.Fatalf("the server did not start: %v", <-errc)
	}
	go io.Copy(io.Discard, pr)
	t.Cleanup(func() {
		cancel()
		<-errc
	})
	return endpoint
}

func newCLI(t *testing.T, endpoint string) *cli {
	home := t.TempDir()
	return &cli{t: t, bin: findCLI(t), endpoint: endpoint, env: []string{
		"HOME=" + home, "PATH=" + os.Getenv("PATH"),
		"AWS_ACCESS_KEY_ID=" + accessKey, "AWS_SECRET_ACCESS_KEY=" + secretKey,
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true",
	}}
}

// code returns the newest code the outbox holds for a user and purpose.
func code(t *testing.T, endpoint, pool, username, purpose string) string {
	t.Helper()
	resp, err := http.Get(endpoint + "/local/outbox?" + url.Values{"pool": {pool}, "username": {username}}.Encode())
	require.NoError(t, err)
	defer resp.Body.Close()
	var msgs []cognitoserver.OutboxMessage
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&msgs))
	for _, m := range msgs {
		if m.Purpose == purpose {
			return m.Code
		}
	}
	t.Fatalf("no %s code for %s in the outbox: %+v", purpose, username, msgs)
	return ""
}

// claims decodes a JWT's payload (the signature is checked elsewhere; here
// only what the token says matters).
func claims(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	require.Len(t, parts, 3)
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	m := map[string]any{}
	require.NoError(t, json.Unmarshal(raw, &m))
	return m
}

func str(m map[string]any, path ...string) string {
	var v any = m
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = mm[p]
	}
	s, _ := v.(string)
	return s
}

// signIn signs a user in with USER_PASSWORD_AUTH and returns the
// AuthenticationResult.
func (c *cli) signIn(client, username, password string) map[string]any {
	c.t.Helper()
	out := c.run("initiate-auth", "--auth-flow", "USER_PASSWORD_AUTH", "--client-id", client,
		"--auth-parameters", "USERNAME="+username+",PASSWORD="+password)
	res, ok := out["AuthenticationResult"].(map[string]any)
	require.True(c.t, ok, "no AuthenticationResult: %v", out)
	return res
}

// TestWalkthrough is the done-when of issue 15, command by command.
func TestWalkthrough(t *testing.T) {
	endpoint := startServer(t)
	aws := newCLI(t, endpoint)

	pool := str(aws.run("create-user-pool", "--pool-name", "cli-walkthrough",
		"--auto-verified-attributes", "email", "--user-pool-add-ons", "AdvancedSecurityMode=AUDIT"), "UserPool", "Id")
	require.NotEmpty(t, pool)
	client := str(aws.run("create-user-pool-client", "--user-pool-id", pool, "--client-name", "app",
		"--explicit-auth-flows", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"), "UserPoolClient", "ClientId")
	require.NotEmpty(t, client)

	// sign-up refuses a malformed email and an undeclared custom attribute.
	bad := aws.fail("sign-up", "--client-id", client, "--username", "mallory", "--password", "Correct-horse1",
		"--user-attributes", "Name=email,Value=not-an-email")
	assert.Contains(t, bad, "InvalidParameterException")
	assert.Contains(t, bad, "Invalid email address format.")
	bad = aws.fail("sign-up", "--client-id", client, "--username", "mallory", "--password", "Correct-horse1",
		"--user-attributes", "Name=email,Value=mallory@example.com", "Name=custom:tier,Value=gold")
	assert.Contains(t, bad, "InvalidParameterException")
	assert.Contains(t, bad, "custom:tier: Attribute does not exist in the schema.")
	assert.Contains(t, aws.fail("admin-get-user", "--user-pool-id", pool, "--username", "mallory"), "UserNotFoundException")

	// sign-up, then admin-confirm-sign-up confirms the user.
	aws.run("sign-up", "--client-id", client, "--username", "alice", "--password", "Correct-horse1",
		"--user-attributes", "Name=email,Value=alice@example.com")
	assert.Equal(t, "UNCONFIRMED", str(aws.run("admin-get-user", "--user-pool-id", pool, "--username", "alice"), "UserStatus"))
	aws.run("admin-confirm-sign-up", "--user-pool-id", pool, "--username", "alice")
	assert.Equal(t, "CONFIRMED", str(aws.run("admin-get-user", "--user-pool-id", pool, "--username", "alice"), "UserStatus"))

	// Two groups; the lower precedence comes first in both tokens.
	aws.run("create-group", "--user-pool-id", pool, "--group-name", "readers", "--precedence", "5")
	aws.run("create-group", "--user-pool-id", pool, "--group-name", "admins", "--precedence", "1")
	aws.run("admin-add-user-to-group", "--user-pool-id", pool, "--username", "alice", "--group-name", "readers")
	aws.run("admin-add-user-to-group", "--user-pool-id", pool, "--username", "alice", "--group-name", "admins")
	res := aws.signIn(client, "alice", "Correct-horse1")
	for _, tok := range []string{"IdToken", "AccessToken"} {
		assert.Equal(t, []any{"admins", "readers"}, claims(t, str(res, tok))["cognito:groups"], tok)
	}

	// admin-list-user-auth-events lists the sign-ins, newest first: a
	// wrong password, then the sign-in whose tokens carry its event id,
	// then the sign-up.
	_ = aws.fail("initiate-auth", "--auth-flow", "USER_PASSWORD_AUTH", "--client-id", client,
		"--auth-parameters", "USERNAME=alice,PASSWORD=Wrong-horse1")
	events := aws.run("admin-list-user-auth-events", "--user-pool-id", pool, "--username", "alice")["AuthEvents"].([]any)
	require.Len(t, events, 3)
	newest, first, signUp := events[0].(map[string]any), events[1].(map[string]any), events[2].(map[string]any)
	assert.Equal(t, "SignUp", signUp["EventType"])
	assert.Equal(t, "SignIn", newest["EventType"])
	assert.Equal(t, "SignIn", first["EventType"])
	assert.Equal(t, "Fail", newest["EventResponse"])
	assert.Equal(t, "Pass", first["EventResponse"])
	assert.Equal(t, claims(t, str(res, "IdToken"))["event_id"], first["EventId"])

	// update-user-attributes of the email sends a code; verify-user-attribute accepts it.
	access := str(res, "AccessToken")
	out := aws.run("update-user-attributes", "--access-token", access,
		"--user-attributes", "Name=email,Value=alice.new@example.com")
	assert.Contains(t, out["CodeDeliveryDetailsList"], map[string]any{
		"AttributeName": "email", "DeliveryMedium": "EMAIL", "Destination": "a***@e***"})
	c := code(t, endpoint, pool, "alice", "VERIFY_ATTRIBUTE")
	aws.run("verify-user-attribute", "--access-token", access, "--attribute-name", "email", "--code", c)
	attrs := map[string]string{}
	for _, a := range aws.run("get-user", "--access-token", access)["UserAttributes"].([]any) {
		m := a.(map[string]any)
		attrs[m["Name"].(string)] = m["Value"].(string)
	}
	assert.Equal(t, "alice.new@example.com", attrs["email"])
	assert.Equal(t, "true", attrs["email_verified"])

	// delete-user removes the account.
	aws.run("delete-user", "--access-token", access)
	assert.Contains(t, aws.fail("admin-get-user", "--user-pool-id", pool, "--username", "alice"), "UserNotFoundException")
}

// TestPreAuthenticationTrigger: a PreAuthentication trigger configured
// through LambdaConfig refuses a user through a Lambda-compatible endpoint
// and lets another in.
func TestPreAuthenticationTrigger(t *testing.T) {
	lambda := lambdatest.NewServer()
	t.Cleanup(lambda.Close)
	lambda.Handle("PreAuth", func(ev map[string]any) (any, error) {
		if ev["userName"] == "mallory" {
			return nil, errors.New("mallory is not welcome")
		}
		return ev, nil
	})
	endpoint := startServer(t, "-lambda-endpoint", lambda.URL)
	aws := newCLI(t, endpoint)

	pool := str(aws.run("create-user-pool", "--pool-name", "cli-trigger",
		"--lambda-config", "PreAuthentication="+lambdatest.ARN("PreAuth")), "UserPool", "Id")
	client := str(aws.run("create-user-pool-client", "--user-pool-id", pool, "--client-name", "app",
		"--explicit-auth-flows", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"), "UserPoolClient", "ClientId")
	for _, name := range []string{"mallory", "bob"} {
		aws.run("admin-create-user", "--user-pool-id", pool, "--username", name, "--message-action", "SUPPRESS")
		aws.run("admin-set-user-password", "--user-pool-id", pool, "--username", name,
			"--password", "Correct-horse1", "--permanent")
	}

	refused := aws.fail("initiate-auth", "--auth-flow", "USER_PASSWORD_AUTH", "--client-id", client,
		"--auth-parameters", "USERNAME=mallory,PASSWORD=Correct-horse1")
	assert.Contains(t, refused, "UserLambdaValidationException")
	assert.Contains(t, refused, "PreAuthentication failed with error mallory is not welcome.")
	assert.NotEmpty(t, str(aws.signIn(client, "bob", "Correct-horse1"), "IdToken"))

	calls := lambda.Calls("PreAuth")
	require.Len(t, calls, 2)
	assert.Equal(t, "PreAuthentication_Authentication", calls[0].Event["triggerSource"])
	assert.Equal(t, pool, calls[0].Event["userPoolId"])
}
