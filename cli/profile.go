package cli

import (
	"fmt"
	"os"
	"runtime/debug"
	"runtime/pprof"
)

// tuneGC sets the collector's heap target to 4x the live heap (Go's
// default is 2x) unless GOGC says otherwise. A busy server's garbage is
// almost all short-lived Lua strings (one per recv), so collecting half as
// often is nearly free in memory and measured +40% on bulk echo
// (docs/PERFORMANCE.md).
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// startProfile writes a CPU profile of the whole process to the file named
// by SOCKPLAY_CPUPROFILE, for finding where a script's time goes (see
// docs/PERFORMANCE.md). The returned function stops it; it must run before
// the process exits, which a SIGTERM'd server does after its run ends.
func startProfile() func() {
	path := os.Getenv("SOCKPLAY_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sockplay: cpu profile:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "sockplay: cpu profile:", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// writeMemProfile writes a heap profile (allocations since the start and
// what is live) to the file named by SOCKPLAY_MEMPROFILE when the run ends,
// for finding what a script allocates (see docs/PERFORMANCE.md).
func writeMemProfile() {
	path := os.Getenv("SOCKPLAY_MEMPROFILE")
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sockplay: memory profile:", err)
		return
	}
	defer f.Close()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		fmt.Fprintln(os.Stderr, "sockplay: memory profile:", err)
	}
}
