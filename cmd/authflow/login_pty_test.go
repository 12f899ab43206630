//go:build linux

package main_test

import (
	"bytes"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
	"rsc.io/qr"

	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/flow"
	"github.com/authflow/authflow/flow/flowtest"
	"github.com/authflow/authflow/totp"
)

// waitLimit bounds how long the test waits for the wizard to print
// something before it fails (a hang, not a timing assertion).
const waitLimit = 60 * time.Second

// buildBinary builds authflow once per test binary.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "authflow-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "authflow")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", &buildError{out: string(out), err: err}
	}
	return bin, nil
})

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// screen is the output of a program in a pseudo-terminal.
type screen struct {
	t    *testing.T
	ptmx *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	buf  bytes.Buffer
	seen int // offset after the last match
	done chan struct{}
}

// start runs the built binary with args in a pseudo-terminal.
func start(t *testing.T, home string, args ...string) *screen {
	t.Helper()
	bin, err := buildBinary()
	require.NoError(t, err)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "AUTHFLOW_CLIENT_SECRET=")
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 60, Cols: 120})
	require.NoError(t, err)
	s := &screen{t: t, ptmx: ptmx, cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		b := make([]byte, 4096)
		for {
			n, err := ptmx.Read(b)
			s.mu.Lock()
			s.buf.Write(b[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = ptmx.Close()
	})
	return s
}

// expect waits until text appears after the previous match and returns
// what was printed up to and including it.
func (s *screen) expect(text string) string {
	s.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		s.mu.Lock()
		all := s.buf.String()
		s.mu.Unlock()
		if i := strings.Index(all[s.seen:], text); i >= 0 {
			got := all[s.seen : s.seen+i+len(text)]
			s.seen += i + len(text)
			return got
		}
		select {
		case <-s.done:
			s.mu.Lock()
			all = s.buf.String()
			s.mu.Unlock()
			if strings.Contains(all[s.seen:], text) {
				continue
			}
			s.t.Fatalf("the program ended without printing %q; screen:\n%s", text, all)
		default:
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%q never appeared; screen:\n%s", text, all)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// typeLine types a line as a user would (Enter is a carriage return).
func (s *screen) typeLine(text string) {
	s.t.Helper()
	_, err := io.WriteString(s.ptmx, text+"\r")
	require.NoError(s.t, err)
}

// wait waits for the program to exit and returns all it printed.
func (s *screen) wait() (string, error) {
	err := s.cmd.Wait()
	select {
	case <-s.done:
	case <-time.After(waitLimit):
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String(), err
}

// TestLoginInTerminal runs the built authflow login in a pseudo-terminal
// against the engine served over HTTP: an SRP sign-in that sets up an
// authenticator from the QR code, an SRP + TOTP sign-in that remembers
// the device, and a sign-in the remembered device completes alone.
func TestLoginInTerminal(t *testing.T) {
	const password = "Correct-horse1"
	e := flowtest.New(t, flowtest.Options{Seed: 21, Pool: func(p *flow.Pool) {
		p.MFA, p.TOTPMFAEnabled = flow.MFAOn, true
		p.Devices = &flow.DeviceConfiguration{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true}
	}})
	e.AddUser("tina", password, flow.StatusConfirmed, map[string]string{"email": "tina@example.com"})
	srv := httptest.NewServer(cognitohttp.NewHandler(e.Server, cognitohttp.Options{}))
	defer srv.Close()
	home := t.TempDir()
	args := []string{"login", "-endpoint", srv.URL, "-pool", e.Pool.ID, "-client-id", e.Client.ID, "-totp-issuer", "Example"}

	// 1. Username asked, password without echo, then the authenticator
	// set up from a QR code; the device is not remembered.
	s := start(t, home, args...)
	s.expect("Username: ")
	s.typeLine("tina")
	s.expect("Password: ")
	s.typeLine(password)
	shown := s.expect("Code from your authenticator app: ")
	assert.Contains(t, shown, "Scan this QR code")
	assert.Regexp(t, "[█▀▄]{20}", shown, "a QR code in half blocks")
	m := regexp.MustCompile(`secret key by hand: ([A-Z2-7]+)`).FindStringSubmatch(shown)
	require.NotNil(t, m, shown)
	secret := m[1]
	assertQR(t, shown, totp.URI(secret, "Example", "tina"))
	s.typeLine("000000") // a wrong code is refused and asked again
	s.expect("Not accepted: Code mismatch")
	s.expect("Code from your authenticator app: ")
	code, err := totp.DefaultConfig().Code(secret, e.Clock.Now())
	require.NoError(t, err)
	s.typeLine(code)
	s.expect("Remember this device")
	s.typeLine("n")
	out, err := s.wait()
	require.NoError(t, err, out)
	assert.Contains(t, out, "Signed in.")
	assert.Contains(t, out, "refresh token: received")
	assert.Contains(t, out, "The tokens are not shown")
	assert.NotContains(t, out, password, "the password is not echoed")
	assert.NotContains(t, out, "id-", "no raw token without -print-tokens")
	u := e.User("tina")
	require.True(t, u.MFA.TOTPEnabled)
	assert.Equal(t, secret, u.MFA.TOTPSecret, "the screen showed the enrolled secret")

	// 2. SRP + TOTP: the code of the next period; the device is remembered.
	e.Clock.Advance(time.Minute)
	s = start(t, home, append(args, "-username", "tina")...)
	s.expect("Password: ")
	s.typeLine(password)
	s.expect("Code from your authenticator app: ")
	code, err = totp.DefaultConfig().Code(secret, e.Clock.Now())
	require.NoError(t, err)
	s.typeLine(code)
	s.expect("Remember this device")
	s.typeLine("y")
	out, err = s.wait()
	require.NoError(t, err, out)
	assert.Contains(t, out, "Device remembered")
	assert.Contains(t, out, "Signed in.")
	files, err := filepath.Glob(filepath.Join(home, ".config", "authflow", "devices", "*", "*", "tina.json"))
	require.NoError(t, err)
	require.Len(t, files, 1)
	info, err := os.Stat(files[0])
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	// 3. The remembered device replaces the code; -print-tokens prints them.
	s = start(t, home, append(args, "-username", "tina", "-print-tokens")...)
	s.expect("Using the remembered device")
	s.expect("Password: ")
	s.typeLine(password)
	out, err = s.wait()
	require.NoError(t, err, out)
	assert.NotContains(t, out, "authenticator app")
	assert.Contains(t, out, "ID_TOKEN=id-")
	assert.Equal(t, "tina", e.Issuer.Grants[len(e.Issuer.Grants)-1].Username)
	assert.NotEmpty(t, e.Issuer.Grants[len(e.Issuer.Grants)-1].DeviceKey)

	// A wrong password ends with the server's message and status 1.
	s = start(t, home, append(args, "-username", "tina")...)
	s.expect("Password: ")
	s.typeLine("Wrong-horse1")
	out, err = s.wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, out)
	assert.Equal(t, 1, exit.ExitCode())
	assert.Contains(t, out, "Incorrect username or password.")
}

// assertQR reads the half-block QR code on the screen back into modules
// and compares them with the QR code of uri: a space is two dark modules,
// '█' two light ones, '▄' dark over light, '▀' light over dark (the
// qrterminal scheme for dark terminals; a quiet zone of 2).
func assertQR(t *testing.T, screen, uri string) {
	t.Helper()
	want, err := qr.Encode(uri, qr.L)
	require.NoError(t, err)
	_, after, ok := strings.Cut(screen, "Scan this QR code with it:")
	require.True(t, ok)
	block, _, ok := strings.Cut(after, "or enter")
	require.True(t, ok)
	var lines [][]rune
	for _, l := range strings.Split(strings.ReplaceAll(block, "\r", ""), "\n") {
		if l != "" {
			lines = append(lines, []rune(l))
		}
	}
	require.GreaterOrEqual(t, len(lines), 1+(want.Size+1)/2, "QR lines")
	dark := map[rune][2]bool{' ': {true, true}, '█': {false, false}, '▄': {true, false}, '▀': {false, true}}
	bad := 0
	for y := 0; y < want.Size; y++ {
		line := lines[1+y/2] // after one line of quiet zone
		require.Greater(t, len(line), 2+want.Size, "QR line %d", y/2)
		for x := 0; x < want.Size; x++ {
			cell, ok := dark[line[2+x]]
			require.True(t, ok, "unexpected %q in the QR code", line[2+x])
			if cell[y%2] != want.Black(x, y) {
				bad++
			}
		}
	}
	assert.Zero(t, bad, "modules differing from the QR code of %s", uri)
}

// TestLoginMenusInTerminal: USER_AUTH's menu of first factors with a code
// by email, then a temporary password replaced (asked twice, with a
// required attribute) and a custom challenge answered.
func TestLoginMenusInTerminal(t *testing.T) {
	e := flowtest.New(t, flowtest.Options{Seed: 22, Pool: func(p *flow.Pool) {
		p.AllowedFirstAuthFactors = []string{"PASSWORD", "EMAIL_OTP"}
		p.SchemaRequired = []string{"name"}
	}, Client: func(c *flow.AppClient) {
		c.ExplicitAuthFlows = append(c.ExplicitAuthFlows, "ALLOW_USER_AUTH")
	}})
	e.AddUser("uma", "Correct-horse1", flow.StatusConfirmed, map[string]string{"email": "uma@example.com", "email_verified": "true", "name": "Uma"})
	e.AddUser("kai", "Temp-pass1", flow.StatusForceChangePassword, nil)
	srv := httptest.NewServer(cognitohttp.NewHandler(e.Server, cognitohttp.Options{}))
	defer srv.Close()
	home := t.TempDir()
	base := []string{"login", "-endpoint", srv.URL, "-pool", e.Pool.ID, "-client-id", e.Client.ID, "-remember", "no"}

	s := start(t, home, append(base, "-flow", "USER_AUTH", "-username", "uma")...)
	menu := s.expect("Choice [1-3]: ")
	assert.Contains(t, menu, "Choose how to sign in:\r\n  1) PASSWORD\r\n  2) PASSWORD_SRP\r\n  3) EMAIL_OTP")
	s.typeLine("7")
	s.expect("Please answer with a number from 1 to 3.")
	s.typeLine("email_otp")
	s.expect("Code sent by email to u***@e***: ")
	m, ok := e.Outbox.Last("uma", "OTP")
	require.True(t, ok)
	s.typeLine(m.Code)
	out, err := s.wait()
	require.NoError(t, err, out)
	assert.Contains(t, out, "Signed in.")

	s = start(t, home, append(base, "-username", "kai")...)
	s.expect("Password: ")
	s.typeLine("Temp-pass1")
	s.expect("A new password is required.")
	s.expect("New password: ")
	s.typeLine("Strong-pass1")
	s.expect("New password again: ")
	s.typeLine("Strong-pass2")
	s.expect("The passwords differ.")
	s.expect("New password: ")
	s.typeLine("Strong-pass1")
	s.expect("New password again: ")
	s.typeLine("Strong-pass1")
	s.expect("Required attribute name: ")
	s.typeLine("Kai")
	out, err = s.wait()
	require.NoError(t, err, out)
	assert.Contains(t, out, "Signed in.")
	assert.NotContains(t, out, "Strong-pass", "passwords are not echoed")
	assert.Equal(t, flow.StatusConfirmed, e.User("kai").Status)
	assert.Equal(t, "Kai", e.User("kai").Attributes["name"])
}

// TestLoginInterrupted: Ctrl-C while the password is read (echo off)
// ends the wizard with status 130 and the terminal's echo back on.
func TestLoginInterrupted(t *testing.T) {
	s := start(t, t.TempDir(), "login", "-endpoint", "http://127.0.0.1:1", "-pool", "us-east-1_X", "-client-id", "c", "-username", "u")
	s.expect("Password: ")
	tio, err := unix.IoctlGetTermios(int(s.ptmx.Fd()), unix.TCGETS)
	require.NoError(t, err)
	require.Zero(t, tio.Lflag&unix.ECHO, "echo is off while the password is read")
	_, err = s.ptmx.Write([]byte{3}) // Ctrl-C
	require.NoError(t, err)
	out, err := s.wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, out)
	assert.Equal(t, 130, exit.ExitCode())
	assert.Contains(t, out, "authflow: interrupt")
	tio, err = unix.IoctlGetTermios(int(s.ptmx.Fd()), unix.TCGETS)
	require.NoError(t, err)
	assert.NotZero(t, tio.Lflag&unix.ECHO, "echo is restored")
}
