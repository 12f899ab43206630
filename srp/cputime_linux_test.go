package srp_test

import (
	"syscall"
	"time"
	"unsafe"
)

// clockThreadCPUTime is CLOCK_THREAD_CPUTIME_ID (Linux).
const clockThreadCPUTime = 3

// cpuNow returns the CPU time of the calling thread (lock it with
// runtime.LockOSThread), to the nanosecond: other processes on the machine
// do not inflate it, so ratios measured with it stay meaningful on a busy
// machine. (Standard library only, as every test of this package.)
func cpuNow() time.Duration {
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return time.Duration(time.Now().UnixNano())
	}
	return time.Duration(ts.Nano())
}
