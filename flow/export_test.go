package flow

// SetStepForTest replaces the machine the driver runs (Step) with f for
// this package's tests, which check the machine's invariants on every
// step they take; it returns the function that restores Step.
func SetStepForTest(f func(*State, *Event) Outcome) (restore func()) {
	old := stepFunc
	stepFunc = f
	return func() { stepFunc = old }
}
