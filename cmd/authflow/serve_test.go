package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// devServer runs "authflow serve -dev" in this process and returns what its
// banner says, once the banner's last line is out.
func devServer(t *testing.T, args ...string) (banner map[string]string, stdout string, stderr *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr = &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, &stdio{in: strings.NewReader(""), out: pw, err: stderr, inFd: -1},
			append([]string{"serve", "-dev", "-addr", "127.0.0.1:0"}, args...))
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		assert.Equal(t, 0, <-done, "exit status; stderr:\n%s", stderr.String())
	})
	var out strings.Builder
	banner = map[string]string{}
	sc := bufio.NewScanner(pr)
	field := regexp.MustCompile(`^  (endpoint|user pool|app client|issuer|outbox|admin page|codes)\s+(\S+)`)
	for sc.Scan() {
		line := sc.Text()
		out.WriteString(line + "\n")
		if m := field.FindStringSubmatch(line); m != nil {
			banner[m[1]] = m[2]
		}
		if strings.Contains(line, "--user-pool-id") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	require.NotEmpty(t, banner["endpoint"], "banner:\n%s\nstderr:\n%s", out.String(), stderr.String())
	return banner, out.String(), stderr
}

// TestServeDev: "authflow serve -dev" prints a working configuration:
// the user signs in with the printed pool and client alone, and the ID
// token verifies offline against the printed issuer's JWKS.
func TestServeDev(t *testing.T) {
	banner, out, _ := devServer(t)
	endpoint := banner["endpoint"]
	assert.Equal(t, "us-east-1_authflowDev", banner["user pool"])
	assert.Equal(t, "authflowdevclient000000001", banner["app client"])
	assert.Equal(t, endpoint+"/us-east-1_authflowDev", banner["issuer"])
	assert.Equal(t, endpoint+"/local/outbox?pool=us-east-1_authflowDev&username=alice", banner["outbox"])
	assert.Contains(t, out, `userPoolEndpoint: "`+endpoint+`"`)
	assert.Contains(t, out, `userPoolClientId: "authflowdevclient000000001"`)
	assert.Contains(t, out, `endpoint: "`+endpoint+`"`, "amazon-cognito-identity-js settings")

	api := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")})
	res, err := api.InitiateAuth(context.Background(), &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		ClientId: aws.String(banner["app client"]), AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!"}})
	require.NoError(t, err)
	require.NotNil(t, res.AuthenticationResult)

	// Offline verification: the JWKS is fetched once from the issuer's
	// openid-configuration, then the signature and iss are checked locally.
	var oidc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	getJSON(t, banner["issuer"]+"/.well-known/openid-configuration", &oidc)
	assert.Equal(t, banner["issuer"], oidc.Issuer)
	var keys jose.JSONWebKeySet
	getJSON(t, oidc.JWKSURI, &keys)
	tok, err := jwt.ParseSigned(aws.ToString(res.AuthenticationResult.IdToken), []jose.SignatureAlgorithm{jose.RS256})
	require.NoError(t, err)
	var claims jwt.Claims
	var extra struct {
		Username string `json:"cognito:username"`
		Email    string `json:"email"`
	}
	require.NoError(t, tok.Claims(keys, &claims, &extra))
	require.NoError(t, claims.ValidateWithLeeway(jwt.Expected{Issuer: banner["issuer"], AnyAudience: jwt.Audience{banner["app client"]},
		Time: time.Now()}, time.Minute))
	assert.Equal(t, "alice", extra.Username)
	assert.Equal(t, "alice@example.com", extra.Email)
}

// TestServeDevCode: with -dev-code, the fixed code confirms a sign-up
// (the engine still refuses a wrong one).
func TestServeDevCode(t *testing.T) {
	banner, _, stderr := devServer(t, "-dev-code", "123456")
	assert.Contains(t, banner, "codes")
	ctx := context.Background()
	api := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(banner["endpoint"]),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")})
	client := aws.String(banner["app client"])
	_, err := api.SignUp(ctx, &cip.SignUpInput{ClientId: client, Username: aws.String("bob"), Password: aws.String("Bobs-passw0rd"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("bob@example.com")}}})
	require.NoError(t, err)
	_, err = api.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: client, Username: aws.String("bob"), ConfirmationCode: aws.String("654321")})
	var mismatch *types.CodeMismatchException
	require.ErrorAs(t, err, &mismatch)
	_, err = api.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: client, Username: aws.String("bob"), ConfirmationCode: aws.String("123456")})
	require.NoError(t, err)
	res, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: client,
		AuthParameters: map[string]string{"USERNAME": "bob", "PASSWORD": "Bobs-passw0rd"}})
	require.NoError(t, err)
	assert.NotNil(t, res.AuthenticationResult)

	// A forgotten password, reset with the fixed code.
	_, err = api.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: client, Username: aws.String("alice")})
	require.NoError(t, err)
	_, err = api.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: client, Username: aws.String("alice"),
		ConfirmationCode: aws.String("123456"), Password: aws.String("New-passw0rd!")})
	require.NoError(t, err)
	res, err = api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: client,
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "New-passw0rd!"}})
	require.NoError(t, err)
	assert.NotNil(t, res.AuthenticationResult)
	assert.Contains(t, stderr.String(), "-dev-code")
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, url)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
}

// TestServeFlags: dev flags need -dev, and a bad flag is a usage error.
func TestServeFlags(t *testing.T) {
	code, _, errOut := runArgs(t, "serve", "-dev-user", "bob", "-addr", "127.0.0.1:0")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "-dev-user needs -dev")
	code, _, errOut = runArgs(t, "serve", "-nosuchflag")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "flag provided but not defined")
	code, _, errOut = runArgs(t, "serve", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, errOut, "-addr address  [$AUTHFLOW_ADDR]")
	assert.Contains(t, errOut, "[$AUTHFLOW_CREDENTIALS]")
}

// TestServeUnderGoRun: SIGTERM to the pid of "go run" (which dies without
// passing it on) stops the server it started, which frees its port.
func TestServeUnderGoRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with go run")
	}
	cmd := exec.Command("go", "run", ".", "serve", "-dev", "-addr", "127.0.0.1:0", "-log-format", "json")
	// A file, not a pipe: Wait must not wait for the server, which
	// inherits it.
	errFile, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	require.NoError(t, err)
	defer errFile.Close()
	cmd.Stderr = errFile
	stderr := func() string { b, _ := os.ReadFile(errFile.Name()); return string(b) }
	// Stdout is our own pipe, not StdoutPipe: Wait (when go run dies) would
	// close that one's reading end while the server still writes its dev
	// banner, and the server would die of SIGPIPE before it could stop
	// gracefully (seen in CI under load).
	stdout, stdoutW, err := os.Pipe()
	require.NoError(t, err)
	defer stdout.Close()
	cmd.Stdout = stdoutW
	require.NoError(t, cmd.Start())
	stdoutW.Close()
	t.Cleanup(func() {
		cmd.Process.Kill()
		// Never leave an orphaned server behind, even when the test fails.
		if m := regexp.MustCompile(`"pid":(\d+)`).FindStringSubmatch(stderr()); m != nil {
			if pid, err := strconv.Atoi(m[1]); err == nil {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	var addr string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "authflow: listening on http://"); ok {
			addr = a
			break
		}
	}
	require.NotEmpty(t, addr, "no ready line; stderr:\n%s", stderr())
	go io.Copy(io.Discard, stdout)
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	c.Close()

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	var exitErr *exec.ExitError
	if err := cmd.Wait(); err != nil && !errors.As(err, &exitErr) {
		t.Fatal(err)
	}
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err != nil
	}, 30*time.Second, 50*time.Millisecond, "the server still listens after go run died; stderr:\n%s", stderr())
	require.Eventually(t, func() bool { return strings.Contains(stderr(), `"msg":"stopped"`) }, 30*time.Second, 50*time.Millisecond,
		"the server stops gracefully; stderr:\n%s", stderr())
	assert.Contains(t, stderr(), "the go command that started this server is gone")
}
