// Package lambdatrigger runs a user pool's Lambda triggers (its
// LambdaConfig) through the AWS Lambda Invoke API, so that a server
// honours the triggers that CreateUserPool and UpdateUserPool configure,
// as Cognito does.
//
// [Triggers] builds the engine's [flow.Hooks] and the user-pool service's
// [userpool.Hooks]. Those hooks are server-wide Go functions; each one
// reads the pool's LambdaConfig from the Catalog at every call and, when
// the pool names a function for its trigger, sends the function the event
// document Cognito sends ([Event]: version, region, userPoolId, userName,
// callerContext, triggerSource, request, response) and reads the response
// of the event it returns. A pool without the trigger behaves as with a
// disabled hook; CUSTOM_AUTH in a pool without the three custom-auth
// functions is refused as Cognito refuses it (InvalidParameterException
// "Custom auth lambda trigger is not configured for the user pool.").
//
// Go hooks of the embedder ([Config].Hooks, [Config].UserHooks) combine
// with the pools' functions this way:
//   - PreAuthentication, PostAuthentication and PostConfirmation only
//     accept or refuse: the Go hook runs first, then the pool's function;
//     either can refuse.
//   - The triggers that answer something (PreSignUp, Define/Create/Verify
//     auth challenge, PreTokenGeneration, UserMigration, CustomMessage):
//     the pool's function when the pool has one, else the Go hook. The
//     custom-auth triggers go together: the pool's three functions, else
//     the three Go hooks.
//
// Failures map to Cognito's exceptions: a function that throws is a
// UserLambdaValidationException "<Trigger> failed with error
// <errorMessage>."; a function that cannot be reached, is unknown to the
// endpoint, or does not answer within the timeout (5 seconds, as Cognito)
// is an UnexpectedLambdaException "<Trigger> invocation failed due to
// error <reason>."; an answer that is not the event's JSON is an
// InvalidLambdaResponseException ("Invalid lambda function output :
// Invalid JSON", "Unrecognizable lambda output"). A UserMigration
// function that throws does not know the user, who is then answered as a
// user that does not exist.
//
// PreTokenGeneration follows LambdaConfig.PreTokenGenerationConfig: V1_0
// events shape the ID token (string claims) and the groups; V2_0 and V3_0
// events shape both tokens (claims of any JSON type, scopes of the access
// token) and the groups. V3_0 is sent as V2_0 is, with version "3"
// (there is no client-credentials grant to shape). CustomSMSSender and
// CustomEmailSender are stored and returned, never invoked: they need the
// code encrypted with the pool's KMS key.
//
// The package logs nothing. Events carry what Cognito's carry, which
// includes the password a user typed in a UserMigration_Authentication
// event: the endpoint must be trusted as a Lambda service is.
package lambdatrigger
