// Package flow is authflow's sign-in engine: the sign-in of Amazon Cognito
// user pools (InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge and
// AdminRespondToAuthChallenge, with every challenge Cognito sends) as an
// explicit state machine, a driver that runs it between calls, and the
// few ports through which it reads and writes what it needs.
//
// It is a library first. An identity server embeds it; package cognitohttp
// serves it as Cognito's JSON protocol, so the AWS SDKs and
// amazon-cognito-identity-js sign in against it unchanged; package
// flow/flowtest property-tests its challenge sequences; package client
// drives it from the other side.
//
// The smallest program that signs a user in with SRP keeps everything in
// memory ([NewPool], [NewAppClient] and [NewUser] build the records,
// package directory stores them, package token signs the tokens, package
// client computes the SRP proofs):
//
//	ctx := context.Background()
//	pool := flow.NewPool("us-east-1_Example")
//	app := flow.NewAppClient(pool, "example-app")
//	alice, err := flow.NewUser(pool, "alice", "Correct-horse1")
//	if err != nil {
//		panic(err)
//	}
//	dir := directory.NewMemory() // users, pools and app clients
//	if err := errors.Join(dir.PutPool(ctx, pool), dir.PutClient(ctx, app),
//		dir.Apply(ctx, flow.Change{Kind: flow.ChangeCreate, User: alice})); err != nil {
//		panic(err)
//	}
//	engine, err := flow.New(flow.Config{Directory: dir, Catalog: dir,
//		Sessions: session.NewMemory(), Issuer: token.NewMemoryIssuer()})
//	if err != nil {
//		panic(err)
//	}
//	login := client.NewSRPLogin(client.Config{PoolID: pool.ID, ClientID: app.ID}, "alice", "Correct-horse1")
//	res, err := client.Run(ctx, engine, login, nil)
//	if err != nil {
//		panic(err)
//	}
//	fmt.Println(res.TokenType, res.ExpiresIn) // Bearer 3600
//
// The package examples run it, and serve the same engine over HTTP.
//
// # The machine
//
// [Step] takes the [State] a sign-in is in and an [Event] (one call, with
// every fact the driver looked up: the pool, the app client, the user, the
// parameters, the time) and returns an [Outcome]: the next state, the
// challenge to send or the tokens to grant, the changes to make to the
// user, the error to answer with. Step is a function of its arguments
// alone: it does no I/O, reads no clock, holds no context, calls no hook
// or port, and writes through none of its inputs. The same State and Event
// give the same Outcome.
//
// What a step needs from outside it asks for as data, as etcd raft hands
// its Ready to the application: an Outcome whose Need is a [Request]
// decides nothing, and the driver performs the request and steps again
// with the answer added to the Event. The requests are the custom-auth
// hooks' decisions (NeedDefine, NeedCreate, NeedVerify), the passkey
// ceremonies of the [Passkeys] port (NeedPasskeyBegin, NeedPasskeyFinish),
// answered in Event.Replies, and random bytes (NeedRandom: an SRP
// exponent, a SECRET_BLOCK, a one-time code, a device key, a salt),
// appended to Event.Random. A repeated step takes the same path up to the
// request and goes on with its answer; a step asks for exactly the random
// bytes it uses. Zero values are safe: zero [Limits] are the defaults, a
// nil Event.SRP is [DefaultSRP], no random bytes make the step ask for
// them, and an Event without a Pool or an AppClient is an internal error,
// never a panic. Package flowtest checks these properties (its InvStep
// invariants) on random sign-ins.
//
// The states ([Phase]) are the design's:
//
//   - USER_AUTH: a first factor was chosen in choice-based sign-in and
//     awaits its proof (PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP,
//     WEB_AUTHN).
//   - SRP: the password is being proven by SRP-6a: the server has sent
//     SRP_B, SALT and SECRET_BLOCK and awaits the client's claim. The wire
//     challenge of this state is called PASSWORD_VERIFIER, after what the
//     client answers with.
//   - PASSWORD_VERIFIER: a password sent in plain (USER_PASSWORD_AUTH,
//     ADMIN_USER_PASSWORD_AUTH, the PASSWORD first factor) is checked by
//     recomputing the user's stored SRP verifier from it. The engine keeps
//     no password, only the verifier, so both prove the same secret. The
//     check happens within the call that sends the password: that step
//     goes START (or SELECT_CHALLENGE, USER_AUTH) -password_received->
//     PASSWORD_VERIFIER and on from there in the same call, both edges
//     checked and recorded in Outcome.Transitions; the state is never
//     stored.
//   - MFA: a second factor is due (SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA),
//     to be chosen (SELECT_MFA_TYPE) or to be set up (MFA_SETUP).
//   - SELECT_CHALLENGE: choice-based sign-in (USER_AUTH) offers the first
//     factors the user can use.
//   - NEW_PASSWORD_REQUIRED: a temporary password was proven and must be
//     replaced.
//   - DEVICE_SRP: a remembered device proves its own secret by SRP
//     (DEVICE_SRP_AUTH, then DEVICE_PASSWORD_VERIFIER) in place of MFA.
//     It follows a proven factor, never START: the one sign-in proven at
//     START (a confirmed sign-up's Session) is of a user just created,
//     whose DEVICE_KEY is not asked to prove itself.
//   - CUSTOM: CUSTOM_AUTH, driven by the define, create and verify hooks.
//
// and two outcomes, tokens and failure. Every edge between them is declared
// once, in [Transitions]; the machine checks every step it takes against
// it, a wrong answer that keeps the session included (mfa_rejected,
// first_factor_rejected, new_password_rejected: a phase to itself), and
// so does the driver for the transitions it takes outside Step (the
// MFA_SETUP session of AssociateSoftwareToken and VerifySoftwareToken,
// the sessions of SignUp and ConfirmSignUp, which wait in START, and
// refresh). Config.Trace sees each transition taken, and [Diagram] draws
// the table. What comes after a proven
// factor is decided in one place, in Cognito's order: a forced password
// change, then MFA (unless a remembered device replaces it), then device
// SRP for a tracked device, then the custom-auth decision or tokens.
//
// # The driver
//
// [Server] (made by [New] from a [Config]) runs the machine for the four
// sign-in calls, and serves the Session form of AssociateSoftwareToken and
// VerifySoftwareToken with which an MFA_SETUP challenge is answered. The
// management and self-service operations of a Cognito user pool (pools,
// clients, users, sign-up, passwords, devices, tokens) are not the
// engine's: package userpool serves them over it. For each call it looks up the app client and its pool,
// loads the state stored under the call's Session, looks up the user by
// name or alias, steps the machine, answers its requests (random bytes
// from Config.Rand, the hooks with the call's context, the Passkeys
// port), and then carries the outcome out: it spends the session handle before anything else, so
// that of two concurrent correct answers only one gets tokens; it applies
// the user's changes with [Directory.Apply], all or nothing; it saves the
// next state under a new handle; and it turns a grant into tokens through
// the [Issuer].
//
// Every error is a *challenge.Error whose Code is the Cognito exception
// (errors.Is(err, challenge.ErrNotAuthorized) works) and whose Message is
// safe to show a client, Cognito's wording where known. A failure of a
// store is an InternalErrorException, with nothing half applied. A Server
// is safe for concurrent use, and so are several Servers (on several
// nodes) on shared stores.
//
// # Ports
//
// The engine declares what it needs and nothing more; each port is small
// and has implementations in the module:
//
//   - [Directory]: read a user by name or attribute, apply changes.
//     directory.Memory, and the SQL stores of directory's subpackages.
//   - [Catalog]: read a pool and an app client. The same stores.
//   - [Store]: session state by opaque handle (save, load, swap, spend).
//     session.Memory, and a Redis store for several nodes.
//   - [Issuer]: issue and refresh tokens. token.Issuer;
//     token.NewMemoryIssuer is one ready for a single process.
//   - [Limiter]: attempt counts no user record can hold (guesses for names
//     that do not exist, new sign-ins). Config.Sessions when it is one.
//   - [Sender]: deliver one-time codes; without one, SMS and email codes
//     are never offered.
//   - [Passkeys]: WebAuthn ceremonies (package webauthn), run by the
//     driver when the machine asks; without one, WEB_AUTHN is never
//     offered.
//   - [SRP]: the server side of SRP, arithmetic on the random bytes the
//     machine hands it; [DefaultSRP] (package srp) unless replaced.
//
// The Cognito triggers are func fields of [Hooks] (nil: disabled):
// pre- and post-authentication, pre token generation, user migration and
// the three custom-auth hooks. The driver calls them all: the first four
// around the machine, the custom-auth hooks when the machine asks.
//
// # State and sessions
//
// A [State] is small and explicit: the SRP session key is computed when
// the challenge is issued, so no large numbers are kept. It is encoded in
// a versioned binary form (its first byte is the version;
// [State.MarshalBinary]), and stores see only opaque bytes under
// unguessable handles, which the engine never parses. As in Cognito, a
// session is valid for 3 minutes (AppClient.AuthSessionValidity, 3 to 15),
// a handle answers at most one successful step, and [Limits] bound the
// wrong answers a session takes (3) and the calls a sign-in makes (16).
//
// # Security defaults
//
//   - Lockout: after 5 consecutive failed sign-ins a user is refused
//     ("Password attempts exceeded") for 1 second, doubling with each
//     further failure up to 15 minutes ([Limits]). Wrong one-time codes
//     count as wrong passwords.
//   - Guess budgets: every guess of a secret (a password, an SRP claim, a
//     code, a device proof) is counted against its user before it is
//     evaluated, atomically, so parallel guesses cannot outrun the
//     lockout; guesses for names that do not exist are counted in the
//     [Limiter], which nodes that serve the same pools must share.
//   - Decoys: for an app client with PreventUserExistenceErrors ENABLED
//     (the default of [NewAppClient]), a name that does not exist gets a
//     decoy SRP challenge and then the error a wrong password gets, so the
//     answers do not tell who has an account. The decoys are keyed by
//     Config.DecoyKey, which every node must share.
//   - Secrets (passwords, claims, codes, hashes) are compared in constant
//     time; TOTP codes are single use; input sizes are bounded and no input
//     makes the engine panic; errors, logs and String methods never
//     contain a secret.
//
// # See also
//
//   - [github.com/authflow/authflow/client]: the other side of sign-in,
//     a pure login state machine and Run.
//   - [github.com/authflow/authflow/userpool]: the Cognito user-pool
//     service over the engine (management and self-service operations).
//   - [github.com/authflow/authflow/cognitohttp]: that service over HTTP.
//   - [github.com/authflow/authflow/flow/flowtest]: clock, seeded
//     randomness, transcripts and the property model with its invariants.
//   - [github.com/authflow/authflow/directory],
//     [github.com/authflow/authflow/session],
//     [github.com/authflow/authflow/token]: the ports' implementations.
//
// The repository's README.md draws the transition diagram, and SECURITY.md
// lists the limits and what an operator chooses.
package flow
