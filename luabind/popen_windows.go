package luabind

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// shellCommand runs command with cmd.exe (cmd /c), given to it as typed:
// cmd parses its own command line, which Go's quoting of arguments would
// change.
func shellCommand(command string) *exec.Cmd {
	shell := os.Getenv("ComSpec")
	if shell == "" {
		shell = filepath.Join(os.Getenv("SystemRoot"), "System32", "cmd.exe")
	}
	cmd := exec.Command(shell)
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: `cmd /c ` + command}
	return cmd
}

// kill ends the command (Windows has no process groups to signal: what
// cmd started itself may outlive it).
func (f *popenFile) kill() {
	f.cmd.Process.Kill()
}
