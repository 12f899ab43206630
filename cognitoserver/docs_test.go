package cognitoserver

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/cognitohttp"
)

var update = flag.Bool("update", false, "rewrite docs/operations.md")

// operationsDoc renders docs/operations.md from cognitohttp's table.
func operationsDoc() string {
	var b strings.Builder
	b.WriteString("# Supported operations\n\n")
	b.WriteString("Generated from `cognitohttp.Operations()` (`go test ./cognitoserver -run TestOperationsDoc -args -update`).\n\n")
	b.WriteString("Every operation below is served at `POST /` with `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`.\n")
	b.WriteString("*Signed* operations need a SigV4 `Authorization` header (verified with `-credentials`) and are refused to\n")
	b.WriteString("browser pages of origins not named with `-cors-origins`; *public* ones are what browser apps call.\n\n")
	b.WriteString("| operation | access |\n| --- | --- |\n")
	for _, op := range cognitohttp.Operations() {
		access := "public"
		if cognitohttp.RequiresSignature(op) {
			access = "signed (admin)"
		}
		b.WriteString("| `" + op + "` | " + access + " |\n")
	}
	var rest []string
	for _, op := range cognitohttp.CognitoOperationNames() {
		if !slices.Contains(cognitohttp.Operations(), op) {
			rest = append(rest, "`"+op+"`")
		}
	}
	b.WriteString("\nNot served (" + strconv.Itoa(len(rest)) + " of Cognito's " + strconv.Itoa(len(cognitohttp.CognitoOperationNames())) +
		" operations; each is answered 400 `UnknownOperationException`, \"Operation AWSCognitoIdentityProviderService.<Operation> is not\n" +
		"supported by authflow.\"): " + strings.Join(rest, ", ") + ".\n")
	b.WriteString("\nAlso: `GET /<poolId>/.well-known/jwks.json`, `GET /<poolId>/.well-known/openid-configuration`,\n")
	b.WriteString("`GET /local/outbox?pool=<poolId>&username=<name>` (with `-outbox`), and the admin page at `GET /`.\n")
	b.WriteString("Managed login of a pool's domain (CreateUserPoolDomain) under `/<domain>/`: `oauth2/authorize`, `oauth2/token`,\n")
	b.WriteString("`oauth2/userInfo`, `oauth2/revoke`, `logout`, and the pages `login`, `signup`, `forgotPassword`.\n")
	return b.String()
}

// TestOperationsDoc: docs/operations.md lists what the server serves.
func TestOperationsDoc(t *testing.T) {
	path := filepath.Join("..", "docs", "operations.md")
	want := operationsDoc()
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, want, string(got), "docs/operations.md is stale: go test ./cognitoserver -run TestOperationsDoc -args -update")
}

// TestReadmeWalkthrough runs the README's five-minute walk-through (the
// block between the walkthrough markers) with bash, curl and python3
// against a fresh server, so that it never rots.
func TestReadmeWalkthrough(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the walk-through needs %s", tool)
		}
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	_, block, ok := strings.Cut(string(readme), "<!-- walkthrough:begin -->\n```sh\n")
	require.True(t, ok, "walkthrough markers")
	block, _, ok = strings.Cut(block, "```\n<!-- walkthrough:end -->")
	require.True(t, ok, "walkthrough end marker")

	// The README's first commands name these; they must stay true.
	for _, cmd := range []string{"go run ./cmd/authflow serve -dev", "go test -race ./...",
		"go install github.com/authflow/authflow/cmd/authflow@latest", "go run ./cmd/authflow serve "} {
		assert.Contains(t, string(readme), cmd)
	}

	endpoint, _, _ := startInProcess(t, "-addr", "127.0.0.1:0", "-data", t.TempDir())
	script := "set -euo pipefail\n" + strings.ReplaceAll(block, "http://127.0.0.1:9229", endpoint)
	out, err := exec.Command("bash", "-c", script).CombinedOutput()
	require.NoError(t, err, "%s", out)
	text := string(out)
	assert.Contains(t, text, `"UserStatus":"FORCE_CHANGE_PASSWORD"`, "step 2")
	assert.Contains(t, text, `"AuthenticationResult":{"AccessToken":"`, "step 4")
	assert.Contains(t, text, `{"__type":"NotAuthorizedException","message":"Incorrect username or password."}`, "step 5")
}
