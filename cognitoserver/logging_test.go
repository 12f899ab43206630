package cognitoserver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// logLines parses JSON log lines.
func logLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
		out = append(out, m)
	}
	return out
}

// find returns the lines with msg whose fields include want.
func find(lines []map[string]any, msg string, want map[string]string) []map[string]any {
	var out []map[string]any
next:
	for _, l := range lines {
		if l["msg"] != msg {
			continue
		}
		for k, v := range want {
			if l[k] != v {
				continue next
			}
		}
		out = append(out, l)
	}
	return out
}

// TestRequestLogDebugsSignIn: one line per request names the operation,
// pool, client, username, auth flow, the challenge returned or the
// outcome, and the exception; -log-level debug adds the engine's state
// transitions; no password, session or token appears.
func TestRequestLogDebugsSignIn(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "pools.json")
	require.NoError(t, os.WriteFile(cfg, []byte(testConfig), 0o600))
	endpoint, stderr, stop := startInProcess(t, "-addr", "127.0.0.1:0", "-data", t.TempDir(), "-config", cfg,
		"-log-format", "json", "-log-level", "debug")
	api := sdkFor(endpoint)
	ctx := context.Background()
	const pool, client = "us-east-1_Local1", "localclient0000000000000001"

	res := srpSignIn(t, api, pool, client, "alice", "Passw0rd!")
	_, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(client),
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Wr0ng-password!"}})
	var na *types.NotAuthorizedException
	require.ErrorAs(t, err, &na)
	temp, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(client),
		AuthParameters: map[string]string{"USERNAME": "temp", "PASSWORD": "Temp0rary!"}})
	require.NoError(t, err)
	require.NoError(t, stop())
	logs := stderr.String()
	lines := logLines(t, logs)

	srpStart := find(lines, "request", map[string]string{"op": "InitiateAuth", "pool": pool, "client": client, "username": "alice",
		"auth_flow": "USER_SRP_AUTH", "outcome": "challenge", "challenge": "PASSWORD_VERIFIER"})
	require.Len(t, srpStart, 1, logs)
	assert.Equal(t, "INFO", srpStart[0]["level"])
	assert.NotEmpty(t, srpStart[0]["request_id"])
	assert.Equal(t, float64(200), srpStart[0]["status"])
	assert.Len(t, find(lines, "request", map[string]string{"op": "RespondToAuthChallenge", "pool": pool, "client": client,
		"username": "alice", "answered": "PASSWORD_VERIFIER", "outcome": "tokens"}), 1, logs)
	wrong := find(lines, "request", map[string]string{"op": "InitiateAuth", "username": "alice", "auth_flow": "USER_PASSWORD_AUTH",
		"outcome": "NotAuthorizedException", "exception": "NotAuthorizedException"})
	require.Len(t, wrong, 1, logs)
	assert.Equal(t, float64(400), wrong[0]["status"])

	// Debug: the transitions of each sign-in step.
	for _, tr := range []map[string]string{
		{"from": "START", "event": "srp_challenge", "to": "SRP", "username": "alice"},
		{"from": "SRP", "event": "tokens_issued", "to": "TOKENS", "username": "alice"},
		{"from": "START", "event": "failed", "to": "FAILED", "username": "alice"},
		{"from": "START", "event": "password_received", "to": "PASSWORD_VERIFIER", "username": "temp"},
		{"from": "PASSWORD_VERIFIER", "event": "new_password_required", "to": "NEW_PASSWORD_REQUIRED", "username": "temp"},
	} {
		assert.Len(t, find(lines, "transition", tr), 1, "%v\n%s", tr, logs)
	}

	for _, secret := range []string{"Passw0rd!", "Wr0ng-password!", "Temp0rary!", aws.ToString(temp.Session),
		aws.ToString(res.AccessToken), aws.ToString(res.RefreshToken), aws.ToString(res.IdToken)} {
		require.NotEmpty(t, secret)
		assert.NotContains(t, logs, secret)
	}
}

// TestRequestLogInfoHasNoTransitions: at info, no transition lines.
func TestRequestLogInfoHasNoTransitions(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "pools.json")
	require.NoError(t, os.WriteFile(cfg, []byte(testConfig), 0o600))
	endpoint, stderr, stop := startInProcess(t, "-addr", "127.0.0.1:0", "-data", t.TempDir(), "-config", cfg, "-log-format", "json")
	srpSignIn(t, sdkFor(endpoint), "us-east-1_Local1", "localclient0000000000000001", "alice", "Passw0rd!")
	require.NoError(t, stop())
	lines := logLines(t, stderr.String())
	assert.Len(t, find(lines, "request", map[string]string{"op": "RespondToAuthChallenge", "outcome": "tokens"}), 1)
	assert.Empty(t, find(lines, "transition", nil))
}

func newTestLogger(w *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
