package srp_test

import (
	"time"

	"golang.org/x/sys/unix"
)

// cpuNow returns the CPU time of the calling thread (lock it with
// runtime.LockOSThread), to the nanosecond: other processes on the machine
// do not inflate it, so ratios measured with it stay meaningful on a busy
// machine.
func cpuNow() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return time.Duration(time.Now().UnixNano())
	}
	return time.Duration(ts.Nano())
}
