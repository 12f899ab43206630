package cognitoserver

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromium starts a headless Chromium (Debian's chromium package) with a
// fresh profile, or skips the test when none is installed (CI installs
// it: .ci/run).
func chromium(t *testing.T) context.Context {
	t.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("Chromium is not installed (apt-get install chromium); the admin page's browser tests need it")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	require.NoError(t, chromedp.Do(ctx), "starting %s", path)
	return ctx
}

// devForBrowser runs a dev-mode server with a second, unconfirmed user
// (with a code in the outbox) and one sign-in done.
func devForBrowser(t *testing.T) (endpoint, code string) {
	t.Helper()
	endpoint, _, _ = startInProcess(t, "-dev", "-addr", "127.0.0.1:0")
	api := sdkFor(endpoint)
	ctx := context.Background()
	client := aws.String(devClientID)
	_, err := api.SignUp(ctx, &cip.SignUpInput{ClientId: client, Username: aws.String("bob"), Password: aws.String("Bobs-passw0rd"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("bob@example.com")}}})
	require.NoError(t, err)
	msgs := readOutbox(t, endpoint, "us-east-1"+devPoolSuffix, "bob")
	require.Len(t, msgs, 1)
	_, err = api.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: client,
		AuthParameters: map[string]string{"USERNAME": devUser, "PASSWORD": devPassword}})
	require.NoError(t, err)
	return endpoint, msgs[0].Code
}

// TestAdminPageInChromium: the admin page lists the dev user, the
// unconfirmed sign-up with its code, and the sign-in; its confirm button
// works from the page itself. A screenshot is taken and checked.
func TestAdminPageInChromium(t *testing.T) {
	ctx := chromium(t)
	endpoint, code := devForBrowser(t)
	pool := "us-east-1" + devPoolSuffix

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(endpoint+"/"),
		chromedp.WaitVisible(chromedp.ID("pool-"+pool)),
	))
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	require.NoError(t, err)
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	for _, want := range []string{"authflow admin", pool, devClientID, "alice", "alice@example.com", "CONFIRMED",
		"bob", "UNCONFIRMED", "SIGN_UP", code, "USER_PASSWORD_AUTH", "tokens issued"} {
		assert.Contains(t, text, want)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	require.NoError(t, err, "the screenshot is a PNG")
	b := img.Bounds()
	require.Greater(t, b.Dx(), 100)
	require.Greater(t, b.Dy(), 100)
	first, varied := img.At(b.Min.X, b.Min.Y), false
	for y := b.Min.Y; y < b.Max.Y && !varied; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			if img.At(x, y) != first {
				varied = true
				break
			}
		}
	}
	assert.True(t, varied, "the screenshot shows something")
	if dir := os.Getenv("AUTHFLOW_SCREENSHOTS"); dir != "" {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "admin.png"), shot, 0o644))
	}

	// Confirm bob from the page: a same-origin form with the token.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#user-`+pool+`-bob button[value=confirm]`)),
		chromedp.WaitVisible(chromedp.ID("notice")),
	))
	notice, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("notice")))
	require.NoError(t, err)
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#user-`+pool+`-bob .status-CONFIRMED`)))
	require.NoError(t, err)
	assert.Equal(t, "User confirmed.", notice)
	assert.Equal(t, "CONFIRMED", status)
}

// evilPage is a page of another origin that tries the admin operations
// of the server at its endpoint and a public one.
const evilPage = `<!doctype html><html><body><script>
const signed = 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=00';
async function attempt(target, body, headers) {
  try {
    const r = await fetch(__ENDPOINT__ + '/', {method: 'POST', body: JSON.stringify(body),
      headers: Object.assign({'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSCognitoIdentityProviderService.' + target}, headers)});
    return r.status + ' ' + (await r.text());
  } catch (e) { return 'blocked: ' + e; }
}
async function run() {
  const out = {};
  out.listPools = await attempt('ListUserPools', {MaxResults: 5}, {'Authorization': signed, 'X-Amz-Date': '20260101T000000Z'});
  out.disable = await attempt('AdminDisableUser', {UserPoolId: __POOL__, Username: 'alice'}, {'Authorization': signed, 'X-Amz-Date': '20260101T000000Z'});
  out.signIn = await attempt('InitiateAuth', {AuthFlow: 'USER_PASSWORD_AUTH', ClientId: __CLIENT__,
    AuthParameters: {USERNAME: 'alice', PASSWORD: __PASSWORD__}}, {});
  try {
    const r = await fetch(__ENDPOINT__ + '/admin/action', {method: 'POST', mode: 'no-cors', credentials: 'include',
      body: new URLSearchParams({op: 'delete', pool: __POOL__, username: 'alice', token: 'guess'})});
    out.adminForm = 'sent ' + r.type;
  } catch (e) { out.adminForm = 'blocked: ' + e; }
  try {
    const r = await fetch(__ENDPOINT__ + '/');
    out.adminPage = r.status + ' ' + (await r.text()).slice(0, 40);
  } catch (e) { out.adminPage = 'blocked: ' + e; }
  return JSON.stringify(out);
}
</script></body></html>`

// TestAttackCrossOriginPageInChromium: a page of another origin, in the
// same browser, cannot call a signed (admin) operation with fetch (the
// preflight does not offer Authorization), cannot read or drive the admin
// page, but can sign in with a public operation, as browser apps do.
func TestAttackCrossOriginPageInChromium(t *testing.T) {
	ctx := chromium(t)
	endpoint, _ := devForBrowser(t)
	pool := "us-east-1" + devPoolSuffix
	page := strings.NewReplacer("__ENDPOINT__", `"`+endpoint+`"`, "__POOL__", `"`+pool+`"`, "__CLIENT__", `"`+devClientID+`"`,
		"__PASSWORD__", `"`+devPassword+`"`).Replace(evilPage)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	}))
	defer evil.Close()
	evilURL := strings.Replace(evil.URL, "127.0.0.1", "localhost", 1) // another site, not just another port

	// The admin page is visited first, so its SameSite cookie exists.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(endpoint+"/"),
		chromedp.WaitVisible(chromedp.ID("pool-"+pool)),
		chromedp.Navigate(evilURL+"/"),
	))
	res, err := chromedp.Run(ctx, chromedp.Evaluate[string](`run()`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	t.Log(res[:min(len(res), 300)])
	assert.Contains(t, res, `"listPools":"blocked`)
	assert.Contains(t, res, `"disable":"blocked`)
	assert.Contains(t, res, `"signIn":"200 {`)
	assert.Contains(t, res, `AuthenticationResult`)
	assert.Contains(t, res, `"adminPage":"blocked`)

	// alice is still there and enabled.
	u, err := sdkFor(endpoint).AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String(devUser)})
	require.NoError(t, err)
	assert.True(t, u.Enabled)
}
