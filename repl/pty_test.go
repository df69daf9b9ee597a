package repl

import (
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// These tests run the REPL on a pseudo-terminal, in a child process (this
// test binary, see TestMain), as a user at a terminal meets it: liner's
// line editing, completion, history, and Ctrl-C, which the terminal turns
// into a SIGINT between prompts and into a key during one.

// term is a REPL child on a pseudo-terminal.
type term struct {
	t    *testing.T
	cmd  *exec.Cmd
	pty  *os.File
	mu   sync.Mutex
	raw  []byte        // everything the child wrote
	more chan struct{} // closed at the next read from the pty
	eof  bool
	seen int // offset in text() already matched
	exit chan error
}

const ptyTimeout = 20 * time.Second

// startTerm starts the REPL child on a 50x200 terminal. env adds to the
// environment; history goes to $XDG_STATE_HOME, a fresh temporary
// directory unless env sets one.
func startTerm(t *testing.T, env ...string) *term {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	// GORACE: a child built with -race sleeps a second at exit by default.
	cmd.Env = append(cleanEnv(), asChild+"=1", "TERM=xterm", "XDG_STATE_HOME="+t.TempDir(),
		"GORACE=atexit_sleep_ms=0 "+os.Getenv("GORACE"))
	cmd.Env = append(cmd.Env, env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, cmd: cmd, pty: f, more: make(chan struct{}), exit: make(chan error, 1)}
	go tm.readLoop()
	go func() { tm.exit <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		f.Close()
		if t.Failed() {
			tm.mu.Lock()
			raw := string(tm.raw)
			tm.mu.Unlock()
			t.Logf("terminal output:\n%s\nraw: %q", tm.text(), raw)
		}
	})
	tm.expect("sockplay test REPL")
	tm.expect("> ")
	return tm
}

// cleanEnv is the environment without what would change the child's
// terminal or history.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "TERM", "XDG_STATE_HOME", "SOCKPLAY_HISTORY", "GORACE", asChild:
			continue
		}
		env = append(env, kv)
	}
	return env
}

func (tm *term) readLoop() {
	buf := make([]byte, 4096)
	for {
		n, err := tm.pty.Read(buf)
		tm.mu.Lock()
		tm.raw = append(tm.raw, buf[:n]...)
		close(tm.more)
		tm.more = make(chan struct{})
		if err != nil {
			tm.eof = true
		}
		tm.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// escapes are the terminal control sequences liner writes: cursor moves,
// erasing.
var escapes = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\r`)

// text is what the child wrote, without control sequences.
func (tm *term) text() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return escapes.ReplaceAllString(string(tm.raw), "")
}

// expect waits until s appears after what was matched before, and returns
// the text from there to s's end.
func (tm *term) expect(s string) string {
	tm.t.Helper()
	deadline := time.NewTimer(ptyTimeout)
	defer deadline.Stop()
	for {
		tm.mu.Lock()
		more, eof := tm.more, tm.eof
		tm.mu.Unlock()
		text := tm.text()
		if i := strings.Index(text[tm.seen:], s); i >= 0 {
			got := text[tm.seen : tm.seen+i+len(s)]
			tm.seen += i + len(s)
			return got
		}
		if eof {
			tm.t.Fatalf("the REPL ended before %q appeared", s)
		}
		select {
		case <-more:
		case <-deadline.C:
			tm.t.Fatalf("no %q on the terminal within %v", s, ptyTimeout)
		}
	}
}

// expectRE is expect for a regular expression; it returns the submatches.
func (tm *term) expectRE(re *regexp.Regexp) []string {
	tm.t.Helper()
	deadline := time.NewTimer(ptyTimeout)
	defer deadline.Stop()
	for {
		tm.mu.Lock()
		more, eof := tm.more, tm.eof
		tm.mu.Unlock()
		text := tm.text()
		if loc := re.FindStringSubmatchIndex(text[tm.seen:]); loc != nil {
			m := re.FindStringSubmatch(text[tm.seen:])
			tm.seen += loc[1]
			return m
		}
		if eof {
			tm.t.Fatalf("the REPL ended before %v appeared", re)
		}
		select {
		case <-more:
		case <-deadline.C:
			tm.t.Fatalf("no %v on the terminal within %v", re, ptyTimeout)
		}
	}
}

// typeIn sends keys; "\r" is Enter, "\x03" Ctrl-C, "\x04" Ctrl-D.
func (tm *term) typeIn(keys string) {
	tm.t.Helper()
	if _, err := tm.pty.Write([]byte(keys)); err != nil {
		tm.t.Fatal(err)
	}
}

// line types a line, waits for it to be read (its echo and the newline),
// and then for want in what follows, if want is not "".
func (tm *term) line(code, want string) {
	tm.t.Helper()
	tm.typeIn(code + "\r")
	tm.expect(code + "\n")
	if want != "" {
		tm.expect(want)
	}
}

// wait returns the child's exit status.
func (tm *term) wait() int {
	tm.t.Helper()
	select {
	case err := <-tm.exit:
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return exitErr.ExitCode()
		}
		if err != nil {
			tm.t.Fatal(err)
		}
		return 0
	case <-time.After(ptyTimeout):
		tm.t.Fatal("the REPL did not exit")
		return -1
	}
}

func TestTerminalLineEditing(t *testing.T) {
	tm := startTerm(t)
	// Ctrl-A goes to the start of the line, where the missing p goes.
	tm.typeIn(`rint("edited")` + "\x01p\r")
	tm.expect("edited\n> ")
	// Left arrow twice, then insert.
	tm.typeIn("x = 12\x1b[D\x1b[D9\r")
	tm.line("x", "912\n")
	// Ctrl-U deletes back to the start; Up recalls the last line.
	tm.typeIn("garbage\x15x + 1\r")
	tm.expect("913\n")
	tm.typeIn("\x1b[A\r")
	tm.expect("x + 1\n913\n")
	tm.typeIn("\x04")
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d after Ctrl-D", code)
	}
}

func TestTerminalTabCompletion(t *testing.T) {
	tm := startTerm(t)
	tm.line("s = socket.socket()", "> ")
	// One Tab completes what is common, a second lists the candidates.
	tm.typeIn("s:se\t\t")
	tm.expectRE(regexp.MustCompile(`\nsend .*sendall .*sendto .*setblocking .*setsockopt .*settimeout \n`))
	tm.typeIn("\x15socket.AF_\t\t")
	tm.expect("AF_INET AF_INET6 AF_UNIX")
	// A single candidate is completed at once.
	tm.typeIn("\x15s:getsockn\t")
	tm.expect("s:getsockname")
	tm.typeIn("()\r")
	tm.expect("('0.0.0.0', 0)")
	tm.typeIn(":he\t")
	tm.expect(":help")
	tm.typeIn(" lo\t\r")
	tm.expect("local at the prompt")
}

func TestTerminalHistoryAcrossSessions(t *testing.T) {
	state := t.TempDir()
	tm := startTerm(t, "XDG_STATE_HOME="+state)
	tm.line("histmark = 6 * 7", "> ")
	tm.line("histmark", "42\n")
	tm.typeIn("\x04")
	if code := tm.wait(); code != 0 {
		t.Fatalf("exit status %d", code)
	}
	data, err := os.ReadFile(filepath.Join(state, "sockplay", "history"))
	if err != nil || string(data) != "histmark = 6 * 7\nhistmark\n" {
		t.Fatalf("history file %q, %v", data, err)
	}

	// A new session recalls both lines with Up.
	tm = startTerm(t, "XDG_STATE_HOME="+state)
	tm.typeIn("\x1b[A\x1b[A\r")
	tm.expect("histmark = 6 * 7\n")
	tm.line("histmark", "42\n")

	// SOCKPLAY_HISTORY=off keeps none.
	off := t.TempDir()
	tm = startTerm(t, "XDG_STATE_HOME="+off, "SOCKPLAY_HISTORY=off")
	tm.line("1", "1\n")
	tm.typeIn("\x04")
	tm.wait()
	if _, err := os.Stat(filepath.Join(off, "sockplay")); !os.IsNotExist(err) {
		t.Errorf("history written with SOCKPLAY_HISTORY=off: %v", err)
	}
}

func TestTerminalCtrlCAtThePrompt(t *testing.T) {
	tm := startTerm(t)
	// It drops an unfinished chunk...
	tm.line("for i = 1, 3 do", ">> ")
	tm.typeIn("\x03")
	tm.expect("^C\n> ")
	// ...and the line being typed.
	tm.typeIn("garbage\x03")
	tm.expect("^C\n> ")
	tm.line("1 + 1", "2\n")
	tm.typeIn("\x04")
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestTerminalCtrlCDuringAccept(t *testing.T) {
	tm := startTerm(t)
	tm.line(`srv = socket.create_server({"127.0.0.1", 0})`, "> ")
	tm.line(`server = spawn(function() while true do local c = srv:accept(); c:sendall(c:recv(100):upper()); c:close() end end)`, "> ")
	tm.line(`l = socket.create_server({"127.0.0.1", 0}); print("accepting"); l:accept()`, "accepting\n")
	tm.typeIn("\x03") // a SIGINT from the terminal: the line runs, not a prompt
	tm.expect("interrupted\n> ")
	tm.line(`c = socket.create_connection(srv:getsockname(), 5); c:sendall("still answering"); c:recv(100)`, `"STILL ANSWERING"`)
	tm.line(`l:getsockname().host, server:status()`, `"127.0.0.1"	"running"`)
	// A recv that nothing answers, the same way.
	tm.line(`a, b = socket.socketpair(); print("receiving"); a:recv(10)`, "receiving\n")
	tm.typeIn("\x03")
	tm.expect("interrupted\n> ")
	tm.line(`b:sendall("late"); a:recv(10)`, `"late"`)
	tm.typeIn("\x04")
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestTerminalBackgroundServerAndClient(t *testing.T) {
	tm := startTerm(t)
	tm.line(":run tcp/echo_server 0", "runs in the background")
	port := tm.expectRE(regexp.MustCompile(`server is listening on 127\.0\.0\.1:(\d+)\n`))[1]
	tm.expect("> ")
	tm.line(`c = socket.create_connection({"127.0.0.1", `+port+`}); c:sendall("hello, server"); c:recv(100)`, `"HELLO, SERVER"`)
	tm.line(`c:close()`, "> ")
	tm.line(`os.exit(3)`, "")
	if code := tm.wait(); code != 3 {
		t.Errorf("exit status %d after os.exit(3)", code)
	}
}

// Output of a background task that arrives while the user types is held
// until Enter, so it never lands inside the line being edited.
func TestTerminalHoldsBackgroundOutput(t *testing.T) {
	tm := startTerm(t)
	tm.line(`l = socket.create_server({"127.0.0.1", 0}); print("port", l:getsockname().port)`, "port\t")
	port := tm.expectRE(regexp.MustCompile(`^(\d+)\n`))[1]
	tm.line(`spawn(function() local c = l:accept(); print("bg-output"); c:sendall("printed"); c:close() end)`, "> ")
	tm.typeIn("typed = 1")
	tm.expect("typed = 1")
	// Make the task print, and wait until it has (it answers after).
	c, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(ptyTimeout))
	if reply, err := io.ReadAll(c); string(reply) != "printed" {
		t.Fatalf("reply %q, %v", reply, err)
	}
	tm.typeIn("\r")
	got := tm.expect("bg-output\n> ")
	if got != "\nbg-output\n> " {
		t.Errorf("after Enter the terminal showed %q; want the held line after the typed one", got)
	}
}

func TestTerminalInput(t *testing.T) {
	tm := startTerm(t)
	// input writes its prompt, then liner writes it again over it (after
	// a \r) and reads the keys.
	tm.line(`name = input("name? ")`, "name? name? ")
	tm.typeIn("ada\r")
	tm.expect("ada\n> ")
	tm.line("name", `"ada"`)
	// Ctrl-C at input's prompt interrupts the line.
	tm.line(`input("more? ")`, "more? more? ")
	tm.typeIn("\x03")
	tm.expect("interrupted\n> ")
	tm.line(`"after"`, `"after"`)
}

func TestTerminalSIGTERMRestoresTheTerminal(t *testing.T) {
	tm := startTerm(t)
	tm.line("x = 1", "> ")
	tm.cmd.Process.Signal(syscall.SIGTERM)
	if code := tm.wait(); code != 128+15 {
		t.Errorf("exit status %d after SIGTERM, want 143", code)
	}
	// liner's raw mode is undone: the terminal echoes and edits lines again.
	mode, err := unix.IoctlGetTermios(int(tm.pty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if mode.Lflag&unix.ECHO == 0 || mode.Lflag&unix.ICANON == 0 {
		t.Errorf("terminal left in raw mode: lflag %#x", mode.Lflag)
	}
}
