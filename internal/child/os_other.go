//go:build !linux

package child

import (
	"errors"
	"os/exec"
	"syscall"
	"time"
)

// Elsewhere than on Linux there are no children under limits yet: the
// callers run untrusted scripts in their own process, under the
// in-process policy alone.

const Supported = false

func closeOnExec(int)                                   {}
func sysProcAttr(setup) *syscall.SysProcAttr            { return nil }
func killTree(int, bool)                                {}
func netnsFlags() uintptr                               { return 0 }
func noNetNS(error)                                     {}
func NetNSError() error                                 { return errors.New("not on this system") }
func isNamespaceError(error) bool                       { return false }
func loopbackUp() error                                 { return nil }
func setLimits(*setup) error                            { return nil }
func LandlockABI() int                                  { return 0 }
func reexecConfined(*setup) error                       { return nil }
func exitSignal(*exec.ExitError) (syscall.Signal, bool) { return 0, false }
func cpuKilled(syscall.Signal, time.Duration, time.Duration) bool {
	return false
}
