package cputime

import (
	"time"

	"golang.org/x/sys/windows"
)

// Now is the process's CPU time (user and system) so far.
func Now() time.Duration {
	var created, exited, kernel, user windows.Filetime
	windows.GetProcessTimes(windows.CurrentProcess(), &created, &exited, &kernel, &user)
	// Filetimes count 100-nanosecond ticks.
	ticks := func(t windows.Filetime) int64 { return int64(t.HighDateTime)<<32 | int64(t.LowDateTime) }
	return time.Duration((ticks(kernel) + ticks(user)) * 100)
}
