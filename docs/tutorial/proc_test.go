package tutorial

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/shell"
	"github.com/sockplay/sockplay/internal/syncbuf"
)

// proc is a command run by the shell (sh; cmd on Windows, where the pages'
// commands are not checked) in its own process group, its standard
// output and error going to one pipe, so their lines keep the order in
// which the program wrote them.
type proc struct {
	cmdline string
	cmd     *exec.Cmd

	out     syncbuf.Buffer
	changed chan struct{} // a value after each read
	done    chan struct{} // closed when the output ended and the process exited
}

// start runs cmdline with the shell in dir with env, stdin as its input.
func start(cmdline, dir string, env []string, stdin string) (*proc, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := shell.Command(cmdline)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout = w
	cmd.Stderr = w
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	w.Close()
	p := &proc{cmdline: cmdline, cmd: cmd, changed: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := r.Read(buf)
			if n > 0 {
				p.out.Write(buf[:n])
				select {
				case p.changed <- struct{}{}:
				default:
				}
			}
			if err != nil {
				break
			}
		}
		r.Close()
		cmd.Wait() // its status does not matter: the output is checked
		close(p.done)
	}()
	return p, nil
}

// output is what the process has written so far.
func (p *proc) output() string { return p.out.String() }

// waitFor waits until cond holds for the output, or the process has
// ended (then cond is asked once more), or d has passed.
func (p *proc) waitFor(d time.Duration, cond func(out string) bool) bool {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		if cond(p.output()) {
			return true
		}
		select {
		case <-p.changed:
		case <-p.done:
			return cond(p.output())
		case <-deadline.C:
			return false
		}
	}
}

// wait waits for the process to end, at most d; then it kills it.
func (p *proc) wait(d time.Duration) error {
	select {
	case <-p.done:
		return nil
	case <-time.After(d):
		p.kill()
		return fmt.Errorf("%q did not end within %v (killed)", p.cmdline, d)
	}
}

// interrupt sends SIGINT to the process group, as Ctrl-C in a terminal.
func (p *proc) interrupt() { shell.Interrupt(p.cmd.Process) }

// kill ends the process group and waits for it.
func (p *proc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	shell.Kill(p.cmd.Process)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
	}
}

// run runs cmdline to its end (at most d) and returns its output.
func run(t testing.TB, cmdline, dir string, env []string, stdin string, d time.Duration) (string, error) {
	t.Helper()
	p, err := start(cmdline, dir, env, stdin)
	if err != nil {
		return "", err
	}
	err = p.wait(d)
	return p.output(), err
}
