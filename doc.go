// Package authflow reproduces Amazon Cognito user-pool sign-in as an
// explicit, embeddable state machine.
//
// The module is organised as ARCHITECTURE.md (in the project's shared
// notes) draws it: challenge is the wire vocabulary; srp, totp and webauthn
// hold the cryptography; session and directory implement the engine's
// stores; flow is the engine; token issues Cognito-shaped JWTs;
// cognitohttp speaks Cognito's JSON protocol; client drives sign-in from
// the other side; cognitoserver (run by the authflow command, cmd/authflow) is a
// runnable Cognito-compatible server.
//
// This root package holds no code: its test enforces the import rules
// between those packages.
package authflow
