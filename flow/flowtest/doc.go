// Package flowtest is authflow's exported test kit: a manual clock, seeded
// randomness, in-memory fakes of the engine's ports, a ready-wired test
// environment (Env), a transcript recorder (Transcript), and a
// pgregory.net/rapid model of a user pool with named invariants that other
// projects can reuse to property-test their own sign-in front ends and
// hooks.
//
// The model (NewModel, Run) drives random sequences of sign-ins, answers,
// password changes, sign-outs and administrator calls against a real
// engine and checks, after every action, the invariants named by the Inv
// constants (InvNoTokensUnlessProven, InvSpentSession, InvExpiredSession,
// InvRevokedToken, InvEntryPointBound, InvGuessesBounded,
// InvDocumentedErrors, InvPredictedAnswer, InvDirectoryAgrees, and those of
// the TOTP, devices, custom-auth, USER_AUTH and sign-up extensions); each
// constant's doc says what it asserts. An embedder's own hooks go in
// ModelOptions.Hooks, with what they decide in ModelOptions.Decide, so
// the invariants hold with them (see the example).
//
// The machine itself, flow.Step, has invariants of its own, named by the
// InvStep constants (pure, deterministic, table edges only, a request
// decides nothing, replays stable, random bytes used exactly). CheckStep
// checks one step; Drive runs one call as a driver does, answering the
// machine's requests through a function of the caller's, and checks the
// whole call. This package's TestMachine generates sign-ins and drives
// flow.Step alone with them, and flow's own tests run every step their
// Servers take through CheckStep.
//
// flowtest registers no command-line flag: golden transcripts are
// rewritten with the environment variable AUTHFLOW_UPDATE_GOLDEN=1
// (UpdateEnv).
//
// Nothing here is meant for production: the fake Issuer signs nothing.
package flowtest
