// Package flowtest is authflow's exported test kit: a manual clock, seeded
// randomness, in-memory fakes of the engine's ports, a ready-wired test
// environment, a transcript recorder, and a pgregory.net/rapid model of a
// user pool with named invariants that other projects can reuse to
// property-test their own sign-in front ends.
//
// Nothing here is meant for production: the fake Issuer signs nothing.
package flowtest
