//go:build !windows

package luabind

import (
	"os/exec"
	"syscall"
)

// shellCommand runs command with /bin/sh, in its own process group, so
// that kill ends what the shell started too.
func shellCommand(command string) *exec.Cmd {
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// kill ends the command and everything in its process group.
func (f *popenFile) kill() {
	syscall.Kill(-f.cmd.Process.Pid, syscall.SIGKILL)
}
