//go:build unix

package tutorial

import (
	"os"
	"os/exec"
	"syscall"
)

// shellCommand runs cmdline with sh in a process group of its own:
// Ctrl-C goes to all of it, as a terminal sends it to its foreground job.
func shellCommand(cmdline string) *exec.Cmd {
	cmd := exec.Command("sh", "-c", cmdline)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

func interruptGroup(p *os.Process) { syscall.Kill(-p.Pid, syscall.SIGINT) }

func killGroup(p *os.Process) { syscall.Kill(-p.Pid, syscall.SIGKILL) }
