// Package awscli walks issue 15's everyday Cognito surface with the AWS CLI
// v2 (Debian's awscli package) against a server started in the test: the
// same commands an app developer types against a local Cognito. The test
// skips when no AWS CLI v2 is installed; .ci/run installs it.
package awscli
