//go:build linux || darwin

package child

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// What Linux and macOS share: process groups, signals, rlimits, the
// setup and report pipes as descriptors 3 and 4.

// sysProc: a process group needs nothing kept beyond the pid.
type sysProc struct{}

// passFiles gives the child setup and report as its descriptors 3 and 4.
func passFiles(cmd *exec.Cmd, setup, report *os.File) {
	cmd.ExtraFiles = []*os.File{setup, report}
}

// childFiles are the setup and report files a child was given.
func childFiles() (setup, report *os.File) {
	return os.NewFile(3, "setup"), os.NewFile(4, "report")
}

// keepFromChildren keeps f from the programs this one starts.
func keepFromChildren(f *os.File) { syscall.CloseOnExec(int(f.Fd())) }

// attach: the group was made as the child started (sysProcAttr).
func (p *Proc) attach() error { return nil }

func (p *Proc) release() {}

func (p *Proc) interrupt() { p.cmd.Process.Signal(os.Interrupt) }

func (p *Proc) signal(sig os.Signal) { p.cmd.Process.Signal(sig) }

// TerminalSupported: a child may share the terminal (Spec.Terminal).
const TerminalSupported = true

// shareGroup keeps the child in this process's group.
func shareGroup(attr *syscall.SysProcAttr) { attr.Setpgid = false }

func (p *Proc) killTree(group bool) {
	pid := p.cmd.Process.Pid
	if group {
		syscall.Kill(-pid, syscall.SIGKILL)
	} else {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// exitSignal is the signal that ended a child, if one did.
func exitSignal(exit *exec.ExitError) (syscall.Signal, bool) {
	if exit != nil {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return ws.Signal(), true
		}
	}
	return 0, false
}

// cpuKilled reports whether RLIMIT_CPU ended the child: SIGXCPU at the
// soft limit, SIGKILL at the hard one (Go ignores SIGXCPU).
func cpuKilled(exit *exec.ExitError, limit time.Duration) bool {
	sig, ok := exitSignal(exit)
	return ok && (sig == syscall.SIGXCPU || sig == syscall.SIGKILL && exit.SystemTime()+exit.UserTime() >= limit)
}

// setLimits sets the child's own resource limits, soft and hard: it
// cannot raise them again (unless it runs as root: run graders as a user).
func setLimits(su *setup) error {
	l := su.Limits
	set := func(what int, n uint64, max uint64) error {
		// Never above the hard limit this process got: only root may
		// raise it.
		var old syscall.Rlimit
		if err := syscall.Getrlimit(what, &old); err == nil {
			n, max = min(n, old.Max), min(max, old.Max)
		}
		return syscall.Setrlimit(what, &syscall.Rlimit{Cur: n, Max: max})
	}
	if l.Memory > 0 && addressSpaceLimit && !raceDetector {
		// The Go runtime reserves address space it never touches (a
		// gigabyte or so for its heap's indexes): the limit is on what
		// comes beyond that.
		base, err := addressSpace()
		if err != nil && su.BaseAS > 0 {
			base, err = su.BaseAS, nil
		}
		if err != nil {
			return err
		}
		su.BaseAS = base
		if err := set(syscall.RLIMIT_AS, base+uint64(l.Memory), base+uint64(l.Memory)); err != nil {
			return fmt.Errorf("address space: %v", err)
		}
	}
	if l.CPU > 0 {
		s := uint64(cpuSeconds(l.CPU).Seconds())
		// SIGXCPU at the soft limit (Go ignores it), SIGKILL a second on.
		if err := set(syscall.RLIMIT_CPU, s, s+1); err != nil {
			return fmt.Errorf("CPU time: %v", err)
		}
	}
	if l.Files > 0 {
		if err := set(syscall.RLIMIT_NOFILE, uint64(l.Files), uint64(l.Files)); err != nil {
			return fmt.Errorf("open files: %v", err)
		}
	}
	if l.FileSize > 0 {
		if err := set(syscall.RLIMIT_FSIZE, uint64(l.FileSize), uint64(l.FileSize)); err != nil {
			return fmt.Errorf("file size: %v", err)
		}
	}
	return nil
}
