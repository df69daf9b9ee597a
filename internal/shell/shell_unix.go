//go:build !windows

package shell

import (
	"os"
	"os/exec"
	"syscall"
)

// Command runs cmdline with /bin/sh, in its own process group.
func Command(cmdline string) *exec.Cmd {
	cmd := exec.Command("/bin/sh", "-c", cmdline)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// Interrupt sends SIGINT to p's process group, as a terminal's Ctrl-C
// reaches its foreground job.
func Interrupt(p *os.Process) { syscall.Kill(-p.Pid, syscall.SIGINT) }

// Kill ends p and everything in its process group.
func Kill(p *os.Process) { syscall.Kill(-p.Pid, syscall.SIGKILL) }
