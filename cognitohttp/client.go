package cognitohttp

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/authflow/authflow/challenge"
)

// maxResponseBytes bounds a response body the Client reads.
const maxResponseBytes = 1 << 20

// RegionEndpoint returns Amazon Cognito's endpoint for a region, for
// example https://cognito-idp.us-east-1.amazonaws.com/.
func RegionEndpoint(region string) string {
	return "https://cognito-idp." + region + ".amazonaws.com/"
}

// Client calls a Cognito-compatible endpoint (a NewHandler server, or
// Amazon Cognito itself) over the JSON 1.1 protocol. It implements
// challenge.Service, so sign-in code can drive the engine in process or
// over the network alike; Call reaches every other operation.
//
// Every error a Client returns is a *challenge.Error: the server's
// exception name and message, or an InternalErrorException wrapping a
// transport failure (errors.Is still sees context.Canceled and the like).
// A Client is safe for concurrent use.
type Client struct {
	endpoint string
	hc       *http.Client
	signer   *signer
}

// signer holds the credentials of a signing Client.
type signer struct {
	region, accessKey, secret, sessionToken string
	now                                     func() time.Time
}

// NewClient returns a Client for endpoint (for example
// "http://127.0.0.1:9229" or RegionEndpoint("eu-west-1")). A nil
// httpClient means http.DefaultClient. The Client signs nothing: the
// IAM-authorized operations (RequiresSignature) need WithCredentials.
func NewClient(endpoint string, httpClient *http.Client) *Client {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	return &Client{endpoint: endpoint, hc: httpClient}
}

// WithCredentials returns a copy of c that signs the IAM-authorized
// operations (Admin* and pool management) with SigV4 for region, using an
// access key, its secret and an optional session token. The other
// operations stay unsigned, as the AWS SDKs send them.
func (c *Client) WithCredentials(region, accessKeyID, secretAccessKey, sessionToken string) *Client {
	cc := *c
	cc.signer = &signer{region: region, accessKey: accessKeyID, secret: secretAccessKey, sessionToken: sessionToken, now: time.Now}
	return &cc
}

// InitiateAuth implements challenge.Service.
func (c *Client) InitiateAuth(ctx context.Context, in *challenge.InitiateAuthInput) (*challenge.InitiateAuthOutput, error) {
	return call[challenge.InitiateAuthOutput](ctx, c, "InitiateAuth", in)
}

// AdminInitiateAuth implements challenge.Service. It needs WithCredentials
// unless the server skips signature checks.
func (c *Client) AdminInitiateAuth(ctx context.Context, in *challenge.AdminInitiateAuthInput) (*challenge.AdminInitiateAuthOutput, error) {
	return call[challenge.AdminInitiateAuthOutput](ctx, c, "AdminInitiateAuth", in)
}

// RespondToAuthChallenge implements challenge.Service.
func (c *Client) RespondToAuthChallenge(ctx context.Context, in *challenge.RespondToAuthChallengeInput) (*challenge.RespondToAuthChallengeOutput, error) {
	return call[challenge.RespondToAuthChallengeOutput](ctx, c, "RespondToAuthChallenge", in)
}

// AdminRespondToAuthChallenge implements challenge.Service. It needs
// WithCredentials unless the server skips signature checks.
func (c *Client) AdminRespondToAuthChallenge(ctx context.Context, in *challenge.AdminRespondToAuthChallengeInput) (*challenge.AdminRespondToAuthChallengeOutput, error) {
	return call[challenge.AdminRespondToAuthChallengeOutput](ctx, c, "AdminRespondToAuthChallenge", in)
}

var _ challenge.Service = (*Client)(nil)

// call is Call with a typed result, nil on error.
func call[Out any](ctx context.Context, c *Client, operation string, in any) (*Out, error) {
	out := new(Out)
	if err := c.Call(ctx, operation, in, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Call sends operation with the JSON encoding of in and decodes the answer
// into out (which may be nil to discard it). Operations for which
// RequiresSignature is true are signed when the Client has credentials.
func (c *Client) Call(ctx context.Context, operation string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return challenge.Wrap(challenge.ErrInvalidParameter, "The request could not be encoded.", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return challenge.Wrap(challenge.ErrInternalError, "The request could not be built.", err)
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("X-Amz-Target", TargetPrefix+operation)
	req.Header.Set("User-Agent", "authflow-cognitohttp")
	if c.signer != nil && RequiresSignature(operation) {
		s := c.signer
		signRequest(req, body, s.region, s.accessKey, s.secret, s.sessionToken, s.now())
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return challenge.Wrap(challenge.ErrInternalError, "The request could not be sent.", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return challenge.Wrap(challenge.ErrInternalError, "The response could not be read.", err)
	}
	if len(data) > maxResponseBytes {
		return challenge.New(challenge.ErrInternalError, "The response is too large.")
	}
	if resp.StatusCode/100 != 2 {
		return decodeError(resp, data)
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return challenge.Wrap(challenge.ErrInternalError, "The response is not valid JSON.", err)
	}
	return nil
}

// decodeError turns an error answer into a *challenge.Error, reading the
// exception name as the Go SDK does (x-amzn-ErrorType, then __type, then
// code; ":…" suffixes and "…#" prefixes stripped) and the message from
// message or Message.
func decodeError(resp *http.Response, data []byte) error {
	var body struct {
		Type     string `json:"__type"`
		Code     string `json:"code"`
		Message  string `json:"message"`
		MessageU string `json:"Message"`
	}
	_ = json.Unmarshal(data, &body)
	name := resp.Header.Get("X-Amzn-Errortype")
	if name == "" {
		name = body.Type
	}
	if name == "" {
		name = body.Code
	}
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name = name[:i]
	}
	if i := strings.LastIndexByte(name, '#'); i >= 0 {
		name = name[i+1:]
	}
	msg := body.Message
	if msg == "" {
		msg = body.MessageU
	}
	if name == "" {
		return challenge.New(challenge.ErrInternalError, "Unexpected HTTP status "+resp.Status+".")
	}
	return challenge.New(challenge.Code(name), msg)
}
