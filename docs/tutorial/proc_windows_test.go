package tutorial

import (
	"os"
	"os/exec"
)

// The pages' commands are sh's: on Windows they run with cmd, which
// understands few of them; these let the package's tests compile there.

func shellCommand(cmdline string) *exec.Cmd { return exec.Command("cmd", "/c", cmdline) }

// interruptGroup kills: Windows has no SIGINT to send another process.
func interruptGroup(p *os.Process) { p.Kill() }

func killGroup(p *os.Process) { p.Kill() }
