//go:build !linux

package srp_test

import "time"

// cpuNow falls back to the wall clock where per-thread CPU time is not
// read.
func cpuNow() time.Duration { return time.Duration(time.Now().UnixNano()) }
