package child

import (
	"errors"
	"syscall"
)

// The macOS layers: a process group and rlimits (os_unix.go). Weaker
// than Linux's: no Landlock, no network namespace (the in-process policy
// alone guards files and the network), no address-space limit (macOS
// does not enforce RLIMIT_AS: the Go runtime's soft memory limit, set by
// confine, is what holds memory back, and a script that allocates
// outside Go's heap is not stopped), and a child outlives a parent that
// crashes (no parent-death signal) until its CPU or its own time limit
// ends it.

const Supported = true

const addressSpaceLimit = false

const limitsLayer = "rlimits"

func sysProcAttr(su setup) *syscall.SysProcAttr {
	// A child leads a group of its own, which its parent kills as a
	// whole; a child's own children stay in that group.
	return &syscall.SysProcAttr{Setpgid: !su.Nested}
}

func addressSpace() (uint64, error) {
	return 0, errors.New("no address-space limit on macOS")
}
