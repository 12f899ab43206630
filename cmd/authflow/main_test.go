package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/client"
)

// runArgs runs the command line with empty input and returns the exit
// status and what it printed.
func runArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), &stdio{in: strings.NewReader(""), out: &out, err: &errOut, inFd: -1}, args)
	return code, out.String(), errOut.String()
}

func TestUsage(t *testing.T) {
	code, _, errOut := runArgs(t)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "login    sign in to a user pool")
	assert.Contains(t, errOut, "version  print the version")

	code, _, errOut = runArgs(t, "frobnicate")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `unknown command "frobnicate"`)

	code, _, _ = runArgs(t, "-h")
	assert.Equal(t, 0, code)
}

func TestVersion(t *testing.T) {
	defer func(f func() (*debug.BuildInfo, bool)) { readBuildInfo = f }(readBuildInfo)
	readBuildInfo = func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.3"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}}, true
	}
	code, out, _ := runArgs(t, "version")
	assert.Equal(t, 0, code)
	assert.Equal(t, "authflow v1.2.3 (0123456789ab, modified) go1.26.0\n", out)

	readBuildInfo = func() (*debug.BuildInfo, bool) { return &debug.BuildInfo{GoVersion: "go1.26.0"}, true }
	_, out, _ = runArgs(t, "version")
	assert.Equal(t, "authflow (devel) go1.26.0\n", out)

	readBuildInfo = func() (*debug.BuildInfo, bool) { return nil, false }
	_, out, _ = runArgs(t, "version")
	assert.Contains(t, out, "no build information")

	code, _, _ = runArgs(t, "version", "extra-flag-is-not-a-flag", "-x")
	assert.Equal(t, 0, code, "arguments after the flags are ignored")
}

func TestLoginFlagErrors(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"login"}, "-client-id is required"},
		{[]string{"login", "-client-id", "c"}, "-pool is required for USER_SRP_AUTH"},
		{[]string{"login", "-client-id", "c", "-flow", "ADMIN_NO_SRP_AUTH"}, `-flow "ADMIN_NO_SRP_AUTH"`},
		{[]string{"login", "-client-id", "c", "-pool", "p", "-remember", "maybe"}, "-remember is ask, yes or no"},
		{[]string{"login", "-client-id", "c", "-pool", "x", "-endpoint", ""}, "give -region"},
		{[]string{"login", "-nope"}, "flag provided but not defined: -nope"},
		{[]string{"login", "-client-id", "c", "-pool", "p", "stray"}, `unexpected argument "stray"`},
	} {
		code, _, errOut := runArgs(t, c.args...)
		assert.Equal(t, 2, code, "%v", c.args)
		assert.Contains(t, errOut, c.msg, "%v", c.args)
	}
	// A closed input ends the wizard with an error, not a loop.
	code, _, errOut := runArgs(t, "login", "-client-id", "c", "-flow", "USER_PASSWORD_AUTH", "-endpoint", "http://127.0.0.1:1")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "input closed")
}

func TestResolveEndpoint(t *testing.T) {
	for _, c := range []struct {
		endpoint, region, pool, env, want string
	}{
		{"http://127.0.0.1:9229", "eu-west-1", "us-east-1_X", "ap-south-1", "http://127.0.0.1:9229"},
		{"", "eu-west-1", "us-east-1_X", "ap-south-1", "https://cognito-idp.eu-west-1.amazonaws.com/"},
		{"", "", "us-east-1_X", "ap-south-1", "https://cognito-idp.us-east-1.amazonaws.com/"},
		{"", "", "nounderscore", "ap-south-1", "https://cognito-idp.ap-south-1.amazonaws.com/"},
		{"", "", "", "", ""},
	} {
		got, ok := resolveEndpoint(c.endpoint, c.region, c.pool, c.env)
		assert.Equal(t, c.want, got, "%+v", c)
		assert.Equal(t, c.want != "", ok, "%+v", c)
	}
}

func TestDeviceFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "dev.json")
	d, err := loadDevice(path)
	require.NoError(t, err)
	assert.Nil(t, d, "no file, no device")
	want := &client.DeviceSecret{Key: "us-east-1_k", GroupKey: "g", Password: "p"}
	require.NoError(t, saveDevice(path, want))
	d, err = loadDevice(path)
	require.NoError(t, err)
	assert.Equal(t, want, d)

	require.NoError(t, os.Chmod(path, 0o644))
	_, err = loadDevice(path)
	assert.ErrorContains(t, err, "chmod 600")
	require.NoError(t, os.Chmod(path, 0o600))
	require.NoError(t, os.WriteFile(path, []byte(`{"Key":"k"}`), 0o600))
	_, err = loadDevice(path)
	assert.ErrorContains(t, err, "is not a remembered device")

	// Names from the command line never leave the devices directory.
	p := defaultDevicePath("us-east-1_X", "client", "../../etc/passwd")
	assert.Equal(t, "______etc_passwd.json", filepath.Base(p))
	assert.True(t, strings.HasSuffix(filepath.Dir(p), filepath.Join("authflow", "devices", "us-east-1_X", "client")), p)
	p = defaultDevicePath("..", "..", "a.b@example.com")
	assert.True(t, strings.HasSuffix(p, filepath.Join("authflow", "devices", "__", "__", "a_b@example_com.json")), p)
}
