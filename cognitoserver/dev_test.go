package cognitoserver

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// devBannerOf runs the server with args and returns its stdout up to the
// end of the dev banner, then stops it.
func devBannerOf(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, args, pw, io.Discard)
		pw.Close()
	}()
	var out strings.Builder
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "--user-pool-id") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	cancel()
	require.NoError(t, <-errc)
	return out.String()
}

// TestDevWithConfig: with -config, dev mode prints the file's first pool
// and its first client without a secret, and not the file's passwords.
func TestDevWithConfig(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "pools.json")
	require.NoError(t, os.WriteFile(cfg, []byte(testConfig), 0o600))
	out := devBannerOf(t, "-dev", "-addr", "127.0.0.1:0", "-config", cfg)
	assert.Contains(t, out, "user pool    us-east-1_Local1")
	assert.Contains(t, out, "app client   localclient0000000000000001 (no secret)")
	assert.Contains(t, out, `userPoolClientId: "localclient0000000000000001"`)
	assert.Contains(t, out, "user         alice (confirmed")
	assert.NotContains(t, out, "Passw0rd!")
	assert.NotContains(t, out, "fixed-secret-1")
	assert.NotContains(t, out, "localbackend")

	// A chosen password is not printed either; the built-in one is.
	out = devBannerOf(t, "-dev", "-addr", "127.0.0.1:0", "-dev-user", "carol", "-dev-password", "Carols-passw0rd")
	assert.Contains(t, out, "user         carol (confirmed")
	assert.NotContains(t, out, "Carols-passw0rd")
	out = devBannerOf(t, "-dev", "-addr", "127.0.0.1:0")
	assert.Contains(t, out, "user         alice / Passw0rd! (confirmed")
}

// TestDevFlags: dev flags need -dev, and the dev user comes from flags or
// the config file, not both.
func TestDevFlags(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "pools.json")
	require.NoError(t, os.WriteFile(cfg, []byte(testConfig), 0o600))
	for args, want := range map[string]string{
		"-dev-code 123456":                     "-dev-code needs -dev",
		"-dev -dev-code 12345":                 "-dev-code must be 6 digits",
		"-dev -dev-code 12345a":                "-dev-code must be 6 digits",
		"-dev -dev-pool-id bad":                "-dev-pool-id must look like",
		"-dev -dev-client-id a/b":              "-dev-client-id may hold",
		"-dev -config " + cfg + " -dev-user x": "-dev-user and -config",
		"-dev -dev-code 123456 -outbox=false":  "-dev-code needs the outbox",
	} {
		err := run(context.Background(), append(strings.Fields(args), "-addr", "127.0.0.1:0"), io.Discard, io.Discard)
		assert.ErrorContains(t, err, want, args)
	}
}
