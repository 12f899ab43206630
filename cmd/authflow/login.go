package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mdp/qrterminal/v3"
	"rsc.io/qr"

	"github.com/authflow/authflow/challenge"
	"github.com/authflow/authflow/client"
	"github.com/authflow/authflow/cognitoclient"
)

var loginCommand = command{
	name:        "login",
	summary:     "sign in to a user pool from the terminal (this server or Amazon Cognito)",
	run:         runLogin,
	interactive: true,
}

// defaultEndpoint is where authflow serve listens by default.
const defaultEndpoint = "http://127.0.0.1:9229"

// httpTimeout bounds one request of login.
const httpTimeout = 30 * time.Second

// loginFlags are the flags of authflow login.
type loginFlags struct {
	endpoint, region, pool, clientID, clientSecret, username string
	flow, preferred                                          string
	customSRP                                                bool
	deviceFile, remember, deviceName                         string
	totpIssuer, totpName                                     string
	printTokens                                              bool
}

func (f *loginFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.endpoint, "endpoint", defaultEndpoint, "user pool endpoint; empty for Amazon Cognito in -region")
	fs.StringVar(&f.region, "region", "", "AWS region of Amazon Cognito (default: the prefix of -pool, else $AWS_REGION)")
	fs.StringVar(&f.pool, "pool", "", "user pool ID, e.g. us-east-1_Example (needed for SRP)")
	fs.StringVar(&f.clientID, "client-id", "", "app client ID (required)")
	fs.StringVar(&f.clientSecret, "client-secret", "", "app client secret, for clients that have one (default $AUTHFLOW_CLIENT_SECRET)")
	fs.StringVar(&f.username, "username", "", "username, email or phone number (asked when empty)")
	fs.StringVar(&f.flow, "flow", string(challenge.FlowUserSRPAuth), "USER_SRP_AUTH, USER_PASSWORD_AUTH, USER_AUTH or CUSTOM_AUTH")
	fs.StringVar(&f.preferred, "preferred", "", "USER_AUTH: PREFERRED_CHALLENGE (PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN); empty to choose")
	fs.BoolVar(&f.customSRP, "custom-srp", false, "CUSTOM_AUTH: prove the password with SRP before the custom challenges")
	fs.StringVar(&f.deviceFile, "device-file", "", "file keeping the remembered device (default under the user config directory)")
	fs.StringVar(&f.remember, "remember", "ask", "remember a new device: ask, yes or no")
	fs.StringVar(&f.deviceName, "device-name", "authflow login", "name of a remembered device")
	fs.StringVar(&f.totpIssuer, "totp-issuer", "authflow", "issuer shown by the authenticator app set up during sign-in")
	fs.StringVar(&f.totpName, "totp-name", "", "name of the authenticator set up during sign-in (FriendlyDeviceName)")
	fs.BoolVar(&f.printTokens, "print-tokens", false, "print the tokens themselves (they are secrets)")
}

func runLogin(ctx context.Context, st *stdio, args []string) error {
	var f loginFlags
	fs := newFlagSet(st, "login", "[flags]")
	f.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(st.err, "authflow login: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if f.clientSecret == "" {
		f.clientSecret = os.Getenv("AUTHFLOW_CLIENT_SECRET")
	}
	flow := challenge.AuthFlow(f.flow)
	needsPool := flow == challenge.FlowUserSRPAuth || flow == challenge.FlowUserAuth || (flow == challenge.FlowCustomAuth && f.customSRP)
	switch {
	case f.clientID == "":
		fmt.Fprintln(st.err, "authflow login: -client-id is required")
		return errUsage
	case !slices.Contains([]challenge.AuthFlow{challenge.FlowUserSRPAuth, challenge.FlowUserPasswordAuth, challenge.FlowUserAuth, challenge.FlowCustomAuth}, flow):
		fmt.Fprintf(st.err, "authflow login: -flow %q: use USER_SRP_AUTH, USER_PASSWORD_AUTH, USER_AUTH or CUSTOM_AUTH\n", f.flow)
		return errUsage
	case needsPool && f.pool == "":
		fmt.Fprintf(st.err, "authflow login: -pool is required for %s (SRP proves the password against the pool's name)\n", flow)
		return errUsage
	case f.remember != "ask" && f.remember != "yes" && f.remember != "no":
		fmt.Fprintln(st.err, "authflow login: -remember is ask, yes or no")
		return errUsage
	}
	endpoint, ok := resolveEndpoint(f.endpoint, f.region, f.pool, os.Getenv("AWS_REGION"))
	if !ok {
		fmt.Fprintln(st.err, "authflow login: with an empty -endpoint, give -region (or -pool, or $AWS_REGION)")
		return errUsage
	}
	c := &console{st: st}
	svc := cognitoclient.New(endpoint, &http.Client{Timeout: httpTimeout})

	username := f.username
	var err error
	if username == "" {
		if username, err = c.nonEmpty(c.line, "Username: "); err != nil {
			return err
		}
	}
	cfg := client.Config{ClientID: f.clientID, ClientSecret: f.clientSecret, PoolID: f.pool, TOTPIssuer: f.totpIssuer}
	devicePath := f.deviceFile
	if devicePath == "" {
		devicePath = defaultDevicePath(f.pool, f.clientID, username)
	}
	if dev, err := loadDevice(devicePath); err != nil {
		return err
	} else if dev != nil {
		cfg.Device = dev
		c.say("Using the remembered device %s (%s).", dev.Key, devicePath)
	}

	var password string
	if flow == challenge.FlowUserSRPAuth || flow == challenge.FlowUserPasswordAuth || (flow == challenge.FlowCustomAuth && f.customSRP) {
		if password, err = c.nonEmpty(c.secret, "Password: "); err != nil {
			return err
		}
	}
	var l *client.Login
	switch flow {
	case challenge.FlowUserSRPAuth:
		l = client.NewSRPLogin(cfg, username, password)
	case challenge.FlowUserPasswordAuth:
		l = client.NewPasswordLogin(cfg, username, password)
	case challenge.FlowUserAuth:
		l = client.NewUserAuthLogin(cfg, username, "", challenge.Name(f.preferred))
	case challenge.FlowCustomAuth:
		l = client.NewCustomLogin(cfg, username, password)
	}
	ui := &loginUI{c: c, totpName: f.totpName}
	res, err := client.Run(ctx, svc, l, ui.answer)
	if err != nil {
		if cfg.Device != nil && challenge.CodeOf(err) != "" {
			c.say("(A remembered device was used: if the server no longer knows it, delete %s.)", devicePath)
		}
		return err
	}
	c.say("")
	c.say("Signed in.")
	if res.NewDeviceMetadata != nil && f.remember != "no" {
		remember := f.remember == "yes"
		if !remember {
			if remember, err = c.yes("Remember this device (skips MFA next time where the pool allows it)?", false); err != nil {
				return err
			}
		}
		if remember {
			if err := rememberDevice(ctx, c, svc, cfg, res, f.deviceName, devicePath); err != nil {
				return err
			}
		}
	}
	printTokens(c, res, f.printTokens)
	return nil
}

// resolveEndpoint returns the endpoint to call: the given one, or Amazon
// Cognito's in region, else in the region prefix of pool, else in
// envRegion. ok is false when endpoint is empty and no region is known.
func resolveEndpoint(endpoint, region, pool, envRegion string) (string, bool) {
	if endpoint != "" {
		return endpoint, true
	}
	if r, _, found := strings.Cut(pool, "_"); region == "" && found {
		region = r
	}
	if region == "" {
		region = envRegion
	}
	if region == "" {
		return "", false
	}
	return cognitoclient.RegionEndpoint(region), true
}

// loginUI answers the prompts of a sign-in on the console.
type loginUI struct {
	c        *console
	totpName string
}

func (u *loginUI) answer(p client.Prompt) (client.Input, error) {
	c := u.c
	if p.Err != nil {
		c.say("Not accepted: %s Try again.", messageOf(p.Err))
	}
	code := func(prompt string) (client.Input, error) {
		v, err := c.nonEmpty(c.line, prompt)
		return client.Input{Value: strings.TrimSpace(v)}, err
	}
	switch p.Kind {
	case client.PromptPassword:
		v, err := c.nonEmpty(c.secret, "Password: ")
		return client.Input{Value: v}, err
	case client.PromptNewPassword:
		return u.newPassword(p)
	case client.PromptTOTPCode:
		if name := p.Params[challenge.KeyFriendlyDeviceName]; name != "" {
			return code("Code from your authenticator app (" + name + "): ")
		}
		return code("Code from your authenticator app: ")
	case client.PromptSMSCode:
		return code("Code sent by SMS to " + p.Destination + ": ")
	case client.PromptEmailCode:
		return code("Code sent by email to " + p.Destination + ": ")
	case client.PromptSelectMFA:
		v, err := c.choose("Choose how to prove it is you:", names(p.Choices))
		return client.Input{Value: v}, err
	case client.PromptSelectChallenge:
		v, err := c.choose("Choose how to sign in:", names(p.Choices))
		return client.Input{Value: v}, err
	case client.PromptTOTPSetup:
		if p.Err == nil {
			showTOTPSetup(c, p)
		}
		in, err := code("Code from your authenticator app: ")
		in.FriendlyName = u.totpName
		return in, err
	case client.PromptEmailSetup:
		c.say("The pool requires MFA: codes will be sent by email.")
		v, err := c.nonEmpty(c.line, "Email address: ")
		return client.Input{Value: strings.TrimSpace(v)}, err
	case client.PromptCustomAnswer:
		c.say("Custom challenge:")
		keys := make([]string, 0, len(p.Params))
		for k := range p.Params {
			if k != challenge.KeyUsername && k != challenge.KeyUserIDForSRP {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			c.say("  %s: %s", k, p.Params[k])
		}
		v, err := c.line("Answer: ")
		return client.Input{Value: v}, err
	case client.PromptPasskey:
		c.say("This step needs a passkey. A terminal cannot reach an authenticator: pass these options to")
		c.say("navigator.credentials.get({publicKey: ...}) in a browser and paste the credential as JSON.")
		c.say("%s", p.Options)
		v, err := c.nonEmpty(c.line, "Credential JSON: ")
		return client.Input{Value: strings.TrimSpace(v)}, err
	}
	return client.Input{}, fmt.Errorf("%w: %s", client.ErrUnsupported, p.Kind)
}

// newPassword asks for a new password twice and for the required
// attributes.
func (u *loginUI) newPassword(p client.Prompt) (client.Input, error) {
	c := u.c
	c.say("A new password is required.")
	var pw string
	for {
		var err error
		if pw, err = c.nonEmpty(c.secret, "New password: "); err != nil {
			return client.Input{}, err
		}
		again, err := c.secret("New password again: ")
		if err != nil {
			return client.Input{}, err
		}
		if again == pw {
			break
		}
		c.say("The passwords differ.")
	}
	in := client.Input{Value: pw}
	for _, name := range p.Required {
		v, err := c.nonEmpty(c.line, "Required attribute "+name+": ")
		if err != nil {
			return client.Input{}, err
		}
		if in.Attributes == nil {
			in.Attributes = map[string]string{}
		}
		in.Attributes[name] = v
	}
	return in, nil
}

// showTOTPSetup prints the QR code of a new authenticator and its secret.
func showTOTPSetup(c *console, p client.Prompt) {
	c.say("The pool requires an authenticator app. Scan this QR code with it:")
	// qrterminal ignores encoding errors; check first.
	if _, err := qr.Encode(p.URI, qr.L); err == nil {
		qrterminal.GenerateWithConfig(p.URI, qrterminal.Config{Level: qr.L, Writer: c.st.out, HalfBlocks: true,
			BlackChar: qrterminal.BLACK_BLACK, WhiteBlackChar: qrterminal.WHITE_BLACK, WhiteChar: qrterminal.WHITE_WHITE,
			BlackWhiteChar: qrterminal.BLACK_WHITE, QuietZone: 2})
	}
	c.say("or enter this secret key by hand: %s", p.Secret)
}

// rememberDevice confirms the device and keeps its secret in path.
func rememberDevice(ctx context.Context, c *console, svc client.DeviceService, cfg client.Config, res *challenge.AuthenticationResult, name, path string) error {
	dev, remembered, err := client.RememberDevice(ctx, svc, cfg, res, name, true)
	if err != nil {
		return fmt.Errorf("remembering the device: %w", err)
	}
	if err := saveDevice(path, dev); err != nil {
		return err
	}
	if remembered {
		c.say("Device remembered (%s), kept in %s.", dev.Key, path)
	} else {
		c.say("Device confirmed but not remembered (%s), kept in %s.", dev.Key, path)
	}
	return nil
}

// defaultDevicePath is where the device of a pool, client and user is kept.
func defaultDevicePath(pool, clientID, username string) string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '@' || r == '+' {
				return r
			}
			return '_'
		}, s)
	}
	if pool == "" {
		pool = "nopool"
	}
	return filepath.Join(dir, "authflow", "devices", clean(pool), clean(clientID), clean(username)+".json")
}

// loadDevice reads a remembered device; a missing file is no device.
func loadDevice(path string) (*client.DeviceSecret, error) {
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s holds a device secret but others may read it (mode %v); chmod 600 it", path, info.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var d client.DeviceSecret
	if err := json.Unmarshal(data, &d); err != nil || d.Key == "" || d.GroupKey == "" || d.Password == "" {
		return nil, fmt.Errorf("%s is not a remembered device; delete it", path)
	}
	return &d, nil
}

// saveDevice writes a remembered device, readable by its owner only.
func saveDevice(path string, d *client.DeviceSecret) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	data, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o600)
}

// printTokens prints what the tokens say, and the tokens only when asked.
func printTokens(c *console, res *challenge.AuthenticationResult, raw bool) {
	id := claims(res.IdToken)
	access := claims(res.AccessToken)
	user := firstString(id, "cognito:username", "username")
	if user == "" {
		user = firstString(access, "username", "cognito:username")
	}
	c.say("  user:          %s (sub %s)", user, firstString(id, "sub"))
	if email := firstString(id, "email"); email != "" {
		c.say("  email:         %s", email)
	}
	if res.IdToken != "" {
		c.say("  ID token:      expires %s", expiry(id))
	}
	if res.AccessToken != "" {
		c.say("  access token:  expires %s, scope %q", expiry(access), firstString(access, "scope"))
	}
	if res.RefreshToken != "" {
		c.say("  refresh token: received")
	}
	if !raw {
		c.say("The tokens are not shown; add -print-tokens to print them.")
		return
	}
	c.say("ID_TOKEN=%s", res.IdToken)
	c.say("ACCESS_TOKEN=%s", res.AccessToken)
	if res.RefreshToken != "" {
		c.say("REFRESH_TOKEN=%s", res.RefreshToken)
	}
}

// claims decodes a JWT's payload without checking it (for display only);
// nil when it is not a JWT.
func claims(jwt string) map[string]any {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return nil
	}
	data, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(data, &m) != nil {
		return nil
	}
	return m
}

func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

func expiry(m map[string]any) string {
	exp, ok := m["exp"].(float64)
	if !ok {
		return "(unknown)"
	}
	return time.Unix(int64(exp), 0).UTC().Format(time.RFC3339)
}

func names(ns []challenge.Name) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = string(n)
	}
	return out
}

// messageOf is a server error's message, or the error.
func messageOf(err error) string {
	if m := challenge.MessageOf(err); m != "" {
		return m
	}
	return err.Error()
}
