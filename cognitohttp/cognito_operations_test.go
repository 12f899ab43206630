package cognitohttp_test

import (
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authflow/authflow/cognitohttp"
	"github.com/authflow/authflow/flow/flowtest"
)

// TestCognitoOperationsList: every operation of the AWS SDK for Go's
// client is a Cognito operation, and so is every operation the handler
// serves; names that are not are not.
func TestCognitoOperationsList(t *testing.T) {
	client := reflect.TypeFor[*cip.Client]()
	n := 0
	for m := range client.Methods() {
		// An operation is a method taking (context, *<Name>Input, ...options).
		if m.Type.NumIn() < 3 || m.Type.In(2).Kind() != reflect.Pointer || m.Type.In(2).Elem().Name() != m.Name+"Input" {
			continue
		}
		n++
		assert.True(t, cognitohttp.CognitoOperation(m.Name), "%s is an operation of the SDK's client", m.Name)
	}
	require.Greater(t, n, 110, "the SDK's client has Cognito's operations")
	for _, op := range cognitohttp.Operations() {
		assert.True(t, cognitohttp.CognitoOperation(op), "%s is served", op)
	}
	for _, name := range []string{"", "initiateAuth", "GetId", "AWSCognitoIdentityProviderService.InitiateAuth", "InitiateAuth "} {
		assert.False(t, cognitohttp.CognitoOperation(name), "%q", name)
	}
}

// TestUnsupportedOperation: a Cognito operation the handler does not
// serve is a 400 UnknownOperationException that names it in full as not
// supported by authflow; a name that is no Cognito operation stays
// "unknown".
func TestUnsupportedOperation(t *testing.T) {
	_, srv := setup(t, cognitohttp.Options{}, flowtest.Options{})
	for target, want := range map[string]string{
		cognitohttp.TargetPrefix + "CreateIdentityProvider": "Operation AWSCognitoIdentityProviderService.CreateIdentityProvider is not supported by authflow.",
		cognitohttp.TargetPrefix + "StartUserImportJob":     "Operation AWSCognitoIdentityProviderService.StartUserImportJob is not supported by authflow.",
		cognitohttp.TargetPrefix + "Xyz":                    "Unknown operation AWSCognitoIdentityProviderService.Xyz.",
		"AWSCognitoIdentityService.GetId":                   "Unknown operation AWSCognitoIdentityService.GetId.",
		"CreateIdentityProvider":                            "Unknown operation CreateIdentityProvider.",
	} {
		req := request(t, srv.URL, "", `{}`)
		req.Header.Set("X-Amz-Target", target)
		resp, body := do(t, req)
		msg := requireError(t, resp, body, http.StatusBadRequest, "UnknownOperationException")
		assert.Equal(t, want, msg, target)
	}

	// Through the SDK: a generic API error with that code and message.
	f := newSDKFixture(t)
	_, err := f.api.StartUserImportJob(f.ctx(), &cip.StartUserImportJobInput{UserPoolId: aws.String(f.pool), JobId: aws.String("import-x")})
	var api smithy.APIError
	require.True(t, errors.As(err, &api))
	assert.Equal(t, "UnknownOperationException", api.ErrorCode())
	assert.Equal(t, "Operation AWSCognitoIdentityProviderService.StartUserImportJob is not supported by authflow.", api.ErrorMessage())
}

// TestCognitoOperationsSorted: the list is sorted and without duplicates
// (CognitoOperation searches it).
func TestCognitoOperationsSorted(t *testing.T) {
	ops := cognitohttp.CognitoOperationNames()
	assert.True(t, slices.IsSorted(ops))
	assert.Equal(t, len(ops), len(slices.Compact(slices.Clone(ops))))
	for _, op := range ops {
		assert.False(t, strings.ContainsAny(op, " ."), op)
	}
}
