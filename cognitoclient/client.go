package cognitoclient

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/authflow/authflow/challenge"
)

// Wire constants of the AWS JSON 1.1 protocol as Cognito uses it.
const (
	// ContentType is the media type of every request and response body.
	ContentType = "application/x-amz-json-1.1"
	// TargetPrefix is the part of X-Amz-Target before the operation name.
	TargetPrefix = "AWSCognitoIdentityProviderService."
	// signingService is the SigV4 service name of user pools.
	signingService = "cognito-idp"
	// userAgent names this client in requests.
	userAgent = "authflow-cognitoclient"
)

// maxResponseBytes bounds a response body the Client reads (1 MiB).
const maxResponseBytes = 1 << 20

// RegionEndpoint returns Amazon Cognito's endpoint for a region, for
// example https://cognito-idp.us-east-1.amazonaws.com/.
func RegionEndpoint(region string) string {
	return "https://cognito-idp." + region + ".amazonaws.com/"
}

// signedOperations are the IAM-authorized operations: the Admin*
// operations and pool management. A test in package cognitohttp checks
// this list against the server's dispatch table.
var signedOperations = map[string]bool{
	"AdminInitiateAuth": true, "AdminRespondToAuthChallenge": true,
	"CreateUserPool": true, "DescribeUserPool": true, "ListUserPools": true, "UpdateUserPool": true, "DeleteUserPool": true,
	"CreateUserPoolClient": true, "DescribeUserPoolClient": true, "ListUserPoolClients": true,
	"UpdateUserPoolClient": true, "DeleteUserPoolClient": true, "SetUserPoolMfaConfig": true, "GetUserPoolMfaConfig": true,
	"AdminCreateUser": true, "AdminGetUser": true, "AdminDeleteUser": true, "AdminDisableUser": true, "AdminEnableUser": true,
	"AdminSetUserPassword": true, "AdminResetUserPassword": true, "AdminUpdateUserAttributes": true,
	"AdminSetUserMFAPreference": true, "AdminUserGlobalSignOut": true, "ListUsers": true,
	"AdminUpdateDeviceStatus": true, "AdminGetDevice": true, "AdminForgetDevice": true, "AdminListDevices": true,
	// Schema.
	"AddCustomAttributes": true,
	// Groups.
	"CreateGroup": true, "GetGroup": true, "UpdateGroup": true, "DeleteGroup": true, "ListGroups": true,
	"AdminAddUserToGroup": true, "AdminRemoveUserFromGroup": true, "AdminListGroupsForUser": true, "ListUsersInGroup": true,
	// The user's own attributes and account.
	"AdminConfirmSignUp": true, "AdminDeleteUserAttributes": true, "AdminSetUserSettings": true,
	// Threat protection and tags.
	"AdminListUserAuthEvents": true, "AdminUpdateAuthEventFeedback": true, "SetRiskConfiguration": true,
	"DescribeRiskConfiguration": true, "TagResource": true, "UntagResource": true, "ListTagsForResource": true,
	// User pool domains and resource servers.
	"CreateUserPoolDomain": true, "DescribeUserPoolDomain": true, "UpdateUserPoolDomain": true, "DeleteUserPoolDomain": true,
	"CreateResourceServer": true, "DescribeResourceServer": true, "UpdateResourceServer": true,
	"DeleteResourceServer": true, "ListResourceServers": true,
}

// RequiresSignature reports whether an operation must carry a SigV4
// Authorization header (Admin* and pool management operations).
func RequiresSignature(operation string) bool { return signedOperations[operation] }

// Client calls a Cognito-compatible endpoint over the JSON 1.1 protocol.
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
	region string
	creds  aws.Credentials
	v4     *v4.Signer
	now    func() time.Time
}

// New returns a Client for endpoint (for example "http://127.0.0.1:9229"
// or RegionEndpoint("eu-west-1")). A nil httpClient means
// http.DefaultClient. The Client signs nothing: the IAM-authorized
// operations (RequiresSignature) need WithCredentials.
func New(endpoint string, httpClient *http.Client) *Client {
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
	cc.signer = &signer{region: region, v4: v4.NewSigner(), now: time.Now,
		creds: aws.Credentials{AccessKeyID: accessKeyID, SecretAccessKey: secretAccessKey, SessionToken: sessionToken}}
	return &cc
}

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
	req.Header.Set("User-Agent", userAgent)
	if c.signer != nil && RequiresSignature(operation) {
		s := c.signer
		sum := sha256.Sum256(body)
		if err := s.v4.SignHTTP(ctx, s.creds, req, hex.EncodeToString(sum[:]), signingService, s.region, s.now()); err != nil {
			return challenge.Wrap(challenge.ErrInternalError, "The request could not be signed.", err)
		}
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
