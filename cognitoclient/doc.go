// Package cognitoclient calls an Amazon Cognito user-pool endpoint over
// HTTP: authflow's own server (package cognitohttp, cmd/authflow serve) or
// Amazon Cognito itself. It speaks the AWS JSON 1.1 protocol the AWS SDKs
// speak (a POST with an X-Amz-Target header naming the operation) and turns
// every error into a *challenge.Error carrying Cognito's exception name.
//
// A Client implements challenge.Service and the other interfaces package
// client asks for (software-token setup, refresh, sign-out, devices), so a
// login program needs only this package and package client:
//
//	svc := cognitoclient.New("http://127.0.0.1:9229", nil)
//	res, err := client.Run(ctx, svc, client.NewSRPLogin(cfg, "alice", password), ui)
//
// Call reaches any other operation by name. The IAM-authorized operations
// (Admin* and pool management, RequiresSignature) are signed with AWS
// Signature Version 4 once WithCredentials is given.
//
// The package never links the engine (package flow) or any storage driver:
// it depends on package challenge for the wire types and on the standard
// library and the AWS SDK's request signer.
package cognitoclient
