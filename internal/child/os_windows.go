package child

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// The Windows layers: a job object holding the child and what it starts,
// with its committed memory and CPU time limited, terminated as a whole
// at the wall-clock limit and when the parent's handle on it closes (the
// parent ending, even by a crash). Weaker than Linux's: no limit on open
// files or on the size of files written, no Landlock, no network
// namespace (the in-process policy alone guards files and the network).

const Supported = true

const addressSpaceLimit = false

const limitsLayer = "job object"

// sysProc is the job the child runs in.
type sysProc struct{ job windows.Handle }

// handlesVar passes a child the handles of its setup and report pipes:
// Windows has no descriptors 3 and 4 to inherit.
const handlesVar = "SOCKPLAY_CHILD_HANDLES"

func sysProcAttr(su setup) *syscall.SysProcAttr {
	// A console process group of its own: Ctrl-Break reaches the child
	// alone (Interrupt), and the user's Ctrl-C reaches the parent only,
	// which passes it on.
	return &syscall.SysProcAttr{CreationFlags: windows.CREATE_NEW_PROCESS_GROUP}
}

// passFiles makes setup and report the child's only inherited handles
// besides its standard streams, and names them in its environment.
func passFiles(cmd *exec.Cmd, setup, report *os.File) {
	var names []string
	for _, f := range []*os.File{setup, report} {
		h := syscall.Handle(f.Fd())
		windows.SetHandleInformation(windows.Handle(h), windows.HANDLE_FLAG_INHERIT, windows.HANDLE_FLAG_INHERIT)
		cmd.SysProcAttr.AdditionalInheritedHandles = append(cmd.SysProcAttr.AdditionalInheritedHandles, h)
		names = append(names, strconv.FormatUint(uint64(h), 10))
	}
	cmd.Env = append(cmd.Env, handlesVar+"="+strings.Join(names, ","))
}

// childFiles are the setup and report files a child was given (nil if it
// was given none).
func childFiles() (setup, report *os.File) {
	v := os.Getenv(handlesVar)
	os.Unsetenv(handlesVar) // not for this child's own children
	s, r, ok := strings.Cut(v, ",")
	hs, err1 := strconv.ParseUint(s, 10, 64)
	hr, err2 := strconv.ParseUint(r, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return nil, nil
	}
	return os.NewFile(uintptr(hs), "setup"), os.NewFile(uintptr(hr), "report")
}

// TerminalSupported: a child does not share the console (Spec.Terminal):
// Ctrl-C would reach it and its parent alike, which Ctrl-Break's
// forwarding (interrupt) is here to avoid.
const TerminalSupported = false

func shareGroup(*syscall.SysProcAttr) {}

func (p *Proc) signal(sig os.Signal) {
	if sig == os.Interrupt {
		p.interrupt()
		return
	}
	p.killTree(true)
}

// keepFromChildren: a child inherits only the handles listed for it.
func keepFromChildren(*os.File) {}

// attach puts the started child in a job of its own under its limits;
// the child waits for its setup, which comes after, so it runs nothing
// outside the job. A child's child gets a job nested in its parent's.
func (p *Proc) attach() error {
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return err
	}
	var info windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	l := p.spec.Limits
	if l.Memory > 0 {
		info.BasicLimitInformation.LimitFlags |= windows.JOB_OBJECT_LIMIT_PROCESS_MEMORY
		info.ProcessMemoryLimit = uintptr(l.Memory)
	}
	if l.CPU > 0 {
		// User time, in 100-nanosecond ticks.
		info.BasicLimitInformation.LimitFlags |= windows.JOB_OBJECT_LIMIT_PROCESS_TIME
		info.BasicLimitInformation.PerProcessUserTimeLimit = int64(cpuSeconds(l.CPU) / 100)
	}
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(job)
		return fmt.Errorf("setting the job's limits: %v", err)
	}
	proc, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(p.cmd.Process.Pid))
	if err != nil {
		windows.CloseHandle(job)
		return err
	}
	defer windows.CloseHandle(proc)
	if err := windows.AssignProcessToJobObject(job, proc); err != nil {
		windows.CloseHandle(job)
		return fmt.Errorf("putting the child in its job: %v", err)
	}
	p.mu.Lock()
	p.sys.job = job
	p.mu.Unlock()
	return nil
}

// release closes the job, which ends whatever is left in it.
func (p *Proc) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sys.job != 0 {
		windows.CloseHandle(p.sys.job)
		p.sys.job = 0
	}
}

// interrupt sends Ctrl-Break to the child's console process group, which
// Go delivers to it as os.Interrupt; without a console to send it on,
// the child is killed.
func (p *Proc) interrupt() {
	if windows.GenerateConsoleCtrlEvent(windows.CTRL_BREAK_EVENT, uint32(p.cmd.Process.Pid)) != nil {
		p.cmd.Process.Kill()
	}
}

// killTree terminates the child's job, or the child alone if it has none.
func (p *Proc) killTree(bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sys.job != 0 {
		windows.TerminateJobObject(p.sys.job, 1)
		return
	}
	p.cmd.Process.Kill()
}

// exitSignal: no signals end a Windows process.
func exitSignal(*exec.ExitError) (syscall.Signal, bool) { return 0, false }

// cpuKilled reports whether the job's CPU limit ended the child: it had
// used its user time.
func cpuKilled(exit *exec.ExitError, limit time.Duration) bool {
	return exit.UserTime() >= cpuSeconds(limit)
}

// The job limits these, the child itself nothing.
func setLimits(*setup) error { return nil }
