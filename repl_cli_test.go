package main

import (
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// The REPL's entry points in the CLI. The REPL itself is tested in
// package repl; these check that sockplay reaches it as documented.

func TestCLIInteractiveWithPipedStdin(t *testing.T) {
	// -i with piped stdin: lines in, results out, no prompts, no escapes.
	r := runCLI(t, "x = 20\nx + 22\nprint('raw')\nerror('boom')\n", "-i")
	if r.code != 0 || r.stdout != "42\nraw\n" || r.stderr != "stdin:1: boom\n" {
		t.Errorf("-i: %+v", r)
	}
	// -e CODE -i runs the chunk first, in the same runtime; args follow.
	r = runCLI(t, "greeting, arg[1], srv:getsockname().host\n", "-e", "greeting = 'hi'; srv = socket.create_server({'127.0.0.1', 0})", "-i", "one")
	if r.code != 0 || r.stdout != "\"hi\"\t\"one\"\t\"127.0.0.1\"\n" {
		t.Errorf("-e CODE -i: %+v", r)
	}
	r = runCLI(t, "y * 2\n", "-i", "-e", "y = 21")
	if r.code != 0 || r.stdout != "42\n" {
		t.Errorf("-i -e CODE: %+v", r)
	}
	// Exit status: os.exit(n) gives n; :quit and end of input 0.
	if r := runCLI(t, "os.exit(4)\nprint('not reached')\n", "-i"); r.code != 4 || r.stdout != "" {
		t.Errorf("os.exit(4): %+v", r)
	}
	if r := runCLI(t, ":quit\nos.exit(4)\n", "-i"); r.code != 0 {
		t.Errorf(":quit: %+v", r)
	}
	// Without -i, piped stdin is still one script.
	if r := runCLI(t, "x = 1\nprint(x + 1)\n"); r.code != 0 || r.stdout != "2\n" {
		t.Errorf("stdin script: %+v", r)
	}
	if r := runCLI(t, "", "--help"); !strings.Contains(r.stdout, "sockplay -e CODE -i") || !strings.Contains(r.stdout, "sockplay -i") {
		t.Errorf("--help does not mention the REPL: %s", r.stdout)
	}
}

// cliTerm runs the real CLI on a pseudo-terminal.
type cliTerm struct {
	t    *testing.T
	pty  *os.File
	mu   sync.Mutex
	out  []byte
	more chan struct{}
	seen int
	exit chan error
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\r`)

func startCLITerm(t *testing.T, args ...string) *cliTerm {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asCLI+"=1", "TERM=xterm", "XDG_STATE_HOME="+t.TempDir(),
		"GORACE=atexit_sleep_ms=0 "+os.Getenv("GORACE"))
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	tm := &cliTerm{t: t, pty: f, more: make(chan struct{}), exit: make(chan error, 1)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			tm.mu.Lock()
			tm.out = append(tm.out, buf[:n]...)
			close(tm.more)
			tm.more = make(chan struct{})
			tm.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { tm.exit <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		f.Close()
		if t.Failed() {
			t.Logf("terminal:\n%s", tm.text())
		}
	})
	return tm
}

func (tm *cliTerm) text() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return ansi.ReplaceAllString(string(tm.out), "")
}

// expect waits for s after what was matched before.
func (tm *cliTerm) expect(s string) {
	tm.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		tm.mu.Lock()
		more := tm.more
		tm.mu.Unlock()
		if i := strings.Index(tm.text()[tm.seen:], s); i >= 0 {
			tm.seen += i + len(s)
			return
		}
		select {
		case <-more:
		case <-deadline:
			tm.t.Fatalf("no %q on the terminal within 20s", s)
		}
	}
}

func (tm *cliTerm) typeIn(keys string) {
	tm.t.Helper()
	if _, err := tm.pty.Write([]byte(keys)); err != nil {
		tm.t.Fatal(err)
	}
}

func (tm *cliTerm) wait() int {
	tm.t.Helper()
	select {
	case err := <-tm.exit:
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return exitErr.ExitCode()
		}
		return 0
	case <-time.After(20 * time.Second):
		tm.t.Fatal("sockplay did not exit")
		return -1
	}
}

func TestCLIOpensTheREPLOnATerminal(t *testing.T) {
	tm := startCLITerm(t) // no arguments
	tm.expect("sockplay " + version)
	tm.expect(":help for help")
	tm.expect("> ")
	tm.typeIn("6 * 7\r")
	tm.expect("6 * 7\n42\n> ")
	// A server in the background and a client at the prompt.
	tm.typeIn(`:run bench/echo_server 0` + "\r")
	tm.expect("server is listening on 127.0.0.1:")
	tm.typeIn(`:jobs` + "\r")
	tm.expect("running   bench/echo_server.lua")
	tm.typeIn("\x04")
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d after Ctrl-D", code)
	}
}

func TestCLIRunsCodeThenTheREPLOnATerminal(t *testing.T) {
	tm := startCLITerm(t, "-e", "srv = socket.create_server({'127.0.0.1', 0}); print('ready')", "-i")
	tm.expect("ready\n")
	tm.expect("> ")
	// The chunk's socket is still open in the REPL.
	tm.typeIn("srv:getsockname().host\r")
	tm.expect(`"127.0.0.1"`)
	tm.typeIn("os.exit(3)\r")
	if code := tm.wait(); code != 3 {
		t.Errorf("exit status %d after os.exit(3)", code)
	}
}
