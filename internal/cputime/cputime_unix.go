//go:build unix

package cputime

import (
	"syscall"
	"time"
)

// Now is the process's CPU time (user and system) so far.
func Now() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
