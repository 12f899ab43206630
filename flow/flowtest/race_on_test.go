//go:build race

package flowtest_test

// raceBuild says the tests run under the race detector, which slows the
// model about twofold: TestModel then checks fewer sequences (the CI runs
// the full 10,000 in a step without -race).
const raceBuild = true
