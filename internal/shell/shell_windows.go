package shell

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// Command runs cmdline with cmd.exe (cmd /c), given to it as typed: cmd
// parses its own command line, which Go's quoting of arguments would
// change.
func Command(cmdline string) *exec.Cmd {
	shell := os.Getenv("ComSpec")
	if shell == "" {
		shell = filepath.Join(os.Getenv("SystemRoot"), "System32", "cmd.exe")
	}
	cmd := exec.Command(shell)
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: `cmd /c ` + cmdline}
	return cmd
}

// Interrupt kills p: Windows has no SIGINT to send another process.
func Interrupt(p *os.Process) { p.Kill() }

// Kill ends p (Windows has no process groups to signal: what cmd started
// itself may outlive it).
func Kill(p *os.Process) { p.Kill() }
