//go:build !linux && !darwin && !windows

package child

import (
	"os"
	"os/exec"
	"syscall"
	"time"
)

// On the systems sockplay does not support there are no children under
// limits: the callers run untrusted scripts in their own process, under
// the in-process policy alone.

const Supported = false

const addressSpaceLimit = false

const limitsLayer = "none"

const TerminalSupported = false

type sysProc struct{}

func passFiles(*exec.Cmd, *os.File, *os.File)           {}
func childFiles() (*os.File, *os.File)                  { return nil, nil }
func keepFromChildren(*os.File)                         {}
func (p *Proc) attach() error                           { return nil }
func (p *Proc) release()                                {}
func (p *Proc) interrupt()                              {}
func (p *Proc) signal(os.Signal)                        {}
func shareGroup(*syscall.SysProcAttr)                   {}
func (p *Proc) killTree(bool)                           {}
func sysProcAttr(setup) *syscall.SysProcAttr            { return nil }
func setLimits(*setup) error                            { return nil }
func exitSignal(*exec.ExitError) (syscall.Signal, bool) { return 0, false }
func cpuKilled(*exec.ExitError, time.Duration) bool     { return false }
