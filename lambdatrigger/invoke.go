package lambdatrigger

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/authflow/authflow/challenge"
)

// DefaultTimeout is how long a trigger may run: Cognito waits 5 seconds
// for a function before it gives up.
const DefaultTimeout = 5 * time.Second

// MaxResponseBytes bounds what the Client reads of a function's answer:
// the 6 MB limit of a synchronous Lambda response. A longer answer is an
// InvalidLambdaResponseException.
const MaxResponseBytes = 6 << 20

// maxMessage bounds the part of a function's error message that goes into
// an exception message.
const maxMessage = 256

// Result is what an invocation returned: the function's output, or, when
// FunctionError is set ("Unhandled", "Handled"), its error document
// ({"errorMessage": ..., "errorType": ...}).
type Result struct {
	Payload       []byte
	FunctionError string
}

// Invoker runs a Lambda function synchronously (InvocationType
// RequestResponse). err is for a function that could not be reached or
// run (unknown function, refused, timed out); a function that ran and
// failed is a Result with FunctionError. *Client is the implementation
// over the Lambda Invoke API.
type Invoker interface {
	Invoke(ctx context.Context, function string, payload []byte) (*Result, error)
}

// Client invokes functions through the AWS Lambda Invoke API
// (POST {endpoint}/2015-03-31/functions/{function}/invocations) with the
// AWS SDK for Go, at any Lambda-compatible endpoint (sam local
// start-lambda, LocalStack, AWS itself). It never retries: a trigger runs
// at most once per step, as Cognito runs it.
type Client struct {
	api *lambda.Client
	// ByName invokes the function name of an ARN
	// (arn:aws:lambda:<region>:<account>:function:<name>) rather than the
	// whole ARN, for endpoints that know functions by name only (sam local).
	ByName bool
}

// ClientOptions configure NewClient.
type ClientOptions struct {
	// Region signs the requests (default us-east-1).
	Region string
	// Credentials sign the requests; nil means fixed placeholder keys,
	// which local endpoints accept.
	Credentials aws.CredentialsProvider
	// HTTPClient carries the requests (default: a new http.Client).
	HTTPClient *http.Client
	// ByName: see Client.ByName.
	ByName bool
}

// NewClient returns a Client for the Invoke API at endpoint (a base URL
// such as http://127.0.0.1:3001).
func NewClient(endpoint string, o ClientOptions) *Client {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Credentials == nil {
		o.Credentials = credentials.NewStaticCredentialsProvider("authflow", "authflow", "")
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
	hc := *o.HTTPClient
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = limitTransport{base}
	api := lambda.New(lambda.Options{
		BaseEndpoint: aws.String(strings.TrimRight(endpoint, "/")), Region: o.Region, Credentials: o.Credentials,
		HTTPClient: &hc, Retryer: aws.NopRetryer{},
	})
	return &Client{api: api, ByName: o.ByName}
}

// limitTransport cuts answers at MaxResponseBytes.
type limitTransport struct{ base http.RoundTripper }

func (t limitTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err == nil {
		resp.Body = &limitedBody{ReadCloser: resp.Body, left: MaxResponseBytes}
	}
	return resp, err
}

// errTooLarge is the error of an answer beyond MaxResponseBytes.
var errTooLarge = errors.New("lambdatrigger: function output too large")

type limitedBody struct {
	io.ReadCloser
	left     int64
	tooLarge bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.tooLarge {
		return 0, errTooLarge
	}
	if b.left <= 0 {
		// At the limit: an answer that ends here is whole; one that goes
		// on is cut and its connection closed.
		var one [1]byte
		n, err := b.ReadCloser.Read(one[:])
		if n == 0 {
			return 0, err
		}
		b.tooLarge = true
		_ = b.ReadCloser.Close()
		return 0, errTooLarge
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

// Invoke implements Invoker.
func (c *Client) Invoke(ctx context.Context, function string, payload []byte) (*Result, error) {
	if c.ByName {
		if i := strings.Index(function, ":function:"); i >= 0 {
			function, _, _ = strings.Cut(function[i+len(":function:"):], ":")
		}
	}
	out, err := c.api.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(function), Payload: payload,
		InvocationType: types.InvocationTypeRequestResponse})
	if err != nil {
		return nil, err
	}
	return &Result{Payload: out.Payload, FunctionError: aws.ToString(out.FunctionError)}, nil
}

// invocationFailure is the UnexpectedLambdaException of a function that
// could not be run: "<Trigger> invocation failed due to error <reason>.".
func invocationFailure(trigger string, err error) error {
	if errors.Is(err, errTooLarge) {
		return challenge.Wrap(challenge.ErrInvalidLambdaResponse, msgInvalidJSON, err)
	}
	reason := "Unknown"
	var api smithy.APIError
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		reason = "Socket timeout while invoking Lambda function"
	case errors.As(err, &api):
		reason = api.ErrorCode()
	case errors.Is(err, context.Canceled):
		reason = "Canceled"
	case errors.Is(err, syscall.ECONNREFUSED):
		reason = "Connection refused while invoking Lambda function"
	}
	return challenge.Wrap(challenge.ErrUnexpectedLambda, trigger+" invocation failed due to error "+reason+".", err)
}

// functionFailure is the UserLambdaValidationException of a function that
// ran and failed: "<Trigger> failed with error <errorMessage>.".
func functionFailure(trigger string, r *Result) error {
	var doc struct {
		ErrorMessage any `json:"errorMessage"`
	}
	msg := r.FunctionError
	if json.Unmarshal(r.Payload, &doc) == nil {
		if s, ok := doc.ErrorMessage.(string); ok && strings.TrimSpace(s) != "" {
			msg = s
		}
	}
	if msg == "" {
		msg = "Unhandled"
	}
	return challenge.New(challenge.ErrUserLambdaValidation, trigger+" failed with error "+clip(msg, maxMessage)+".")
}

// The InvalidLambdaResponseException messages.
const (
	msgInvalidJSON    = "Invalid lambda function output : Invalid JSON"
	msgUnrecognizable = "Unrecognizable lambda output"
)

func invalidResponse(msg string) error { return challenge.New(challenge.ErrInvalidLambdaResponse, msg) }

// parseResponse reads the "response" member of a function's output (the
// event it returns) into out. An output that is not a JSON object is
// "Invalid JSON"; a response of the wrong shape is "Unrecognizable lambda
// output"; an absent or null response leaves out as it is.
func parseResponse(payload []byte, out any) error {
	var ev struct {
		Response json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(payload, &ev); err != nil {
		return invalidResponse(msgInvalidJSON)
	}
	if len(ev.Response) == 0 || string(ev.Response) == "null" {
		return nil
	}
	if err := json.Unmarshal(ev.Response, out); err != nil {
		return invalidResponse(msgUnrecognizable)
	}
	return nil
}

// clip shortens s to n bytes on a rune boundary and drops control characters.
func clip(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
