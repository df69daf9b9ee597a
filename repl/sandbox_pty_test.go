//go:build linux || darwin

package repl_test

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/sockplay/sockplay/internal/child"
	"github.com/sockplay/sockplay/internal/ptytest"
	"golang.org/x/sys/unix"
)

// The sandboxed REPL (--sandbox -i) runs in a child process under the
// sandbox's limits, as sandboxed scripts do, and that child has the
// terminal: line editing, history, Ctrl-C and Ctrl-D work as without the
// sandbox.

func TestTerminalSandboxedREPL(t *testing.T) {
	state := t.TempDir()
	tm := startTermArgs(t, []string{"--sandbox", "--memory", "256MiB", "--cpu", "60s", "--files", "64", "-i"}, "XDG_STATE_HOME="+state)

	// The REPL is the child's: the limits are on its process, not on
	// sockplay's.
	if runtime.GOOS == "linux" {
		kid := onlyChild(t, tm.Process().Pid)
		if got := limitLine(t, kid, "Max cpu time"); !regexp.MustCompile(`\s60\s+61\s+seconds`).MatchString(got) {
			t.Errorf("the REPL's process: %q, want 60 s (soft) and 61 s (hard)", got)
		}
		if got := limitLine(t, kid, "Max open files"); !regexp.MustCompile(`\s64\s+64\s`).MatchString(got) {
			t.Errorf("the REPL's process: %q, want 64 files", got)
		}
		if got := limitLine(t, tm.Process().Pid, "Max cpu time"); !strings.Contains(got, "unlimited") {
			t.Errorf("sockplay's own process is limited: %q", got)
		}
		// The address space: not under the race detector, whose shadow
		// memory makes it meaningless (internal/child).
		if got := limitLine(t, kid, "Max address space"); !raceEnabled && strings.Contains(got, "unlimited") {
			t.Errorf("the REPL's process: %q, want its memory limited", got)
		}
	}

	// Line editing: Ctrl-A goes to the start of the line.
	tm.Type(`rint("edited")` + "\x01p\r")
	tm.Expect("edited\n> ")
	// History: Up recalls a line.
	tm.Line("histmark = 6 * 7", "> ")
	tm.Type("\x1b[A\x15histmark\r")
	tm.Expect("42\n> ")

	// The sandbox's refusals.
	tm.Line(`socket.create_connection({"10.1.2.3", 80})`, "sandbox: connect to 10.1.2.3:80 refused")
	tm.Expect("> ")
	tm.Line(`io.open("/etc/passwd")`, `PermissionError: sandbox: reading "/etc/passwd" refused`)
	tm.Expect("> ")
	if child.LandlockABI() > 0 {
		// The kernel's layer holds the REPL's own code too: :load reads
		// the file in Go, outside the in-process policy.
		tm.Line(":load /etc/passwd", "cannot load: open /etc/passwd: permission denied")
		tm.Expect("> ")
	}

	// Ctrl-C interrupts the running line, not the session.
	tm.Line(`a, b = socket.socketpair(); print("receiving"); a:recv(10)`, "receiving\n")
	tm.Type("\x03")
	tm.Expect("interrupted\n> ")
	tm.Line("1 + 1", "2\n> ")

	// Ctrl-D ends it; the lines typed are in the user's history.
	tm.Quit()
	data, err := os.ReadFile(filepath.Join(state, "sockplay", "history"))
	if err != nil || !strings.Contains(string(data), "histmark = 6 * 7\nhistmark\n") {
		t.Errorf("history file %q, %v", data, err)
	}
	assertCookedMode(t, tm)
}

// A REPL whose process the sandbox kills (its CPU time) ends the session
// with the reason, and the terminal is set back from the line editor's
// raw mode.
func TestTerminalSandboxedREPLKilled(t *testing.T) {
	tm := startTermArgs(t, []string{"--sandbox", "--cpu", "1s", "-i"})
	tm.Line("while true do end", "")
	tm.Expect("sandbox: the run used more than 1s of CPU time (killed)")
	if code := tm.Wait(); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	assertCookedMode(t, tm)
}

// SIGTERM to sockplay reaches the sandboxed REPL, which leaves as the REPL
// does (status 143) and sets the terminal back.
func TestTerminalSandboxedREPLSIGTERM(t *testing.T) {
	tm := startTermArgs(t, []string{"--sandbox", "-i"})
	tm.Line("x = 1", "> ")
	tm.Process().Signal(syscall.SIGTERM)
	if code := tm.Wait(); code != 128+15 {
		t.Errorf("exit status %d after SIGTERM, want 143", code)
	}
	assertCookedMode(t, tm)
}

// assertCookedMode checks that the terminal echoes and edits lines again.
func assertCookedMode(t *testing.T, tm *ptytest.Term) {
	t.Helper()
	mode, err := unix.IoctlGetTermios(int(tm.File().Fd()), ioctlGetTermios)
	if err != nil {
		t.Fatal(err)
	}
	if mode.Lflag&unix.ECHO == 0 || mode.Lflag&unix.ICANON == 0 {
		t.Errorf("terminal left in raw mode: lflag %#x", mode.Lflag)
	}
}

// onlyChild is the one child process of pid (Linux). Each thread lists
// the children it started.
func onlyChild(t *testing.T, pid int) int {
	t.Helper()
	lists, err := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/children")
	if err != nil || len(lists) == 0 {
		t.Fatalf("the threads of sockplay: %v", err)
	}
	var kids []string
	for _, l := range lists {
		data, err := os.ReadFile(l)
		if err != nil && !os.IsNotExist(err) { // a thread may end meanwhile
			t.Fatal(err)
		}
		kids = append(kids, strings.Fields(string(data))...)
	}
	if len(kids) != 1 {
		t.Fatalf("sockplay --sandbox -i has children %q, want one", kids)
	}
	kid, _ := strconv.Atoi(kids[0])
	return kid
}

// limitLine is the line of /proc/PID/limits that starts with name.
func limitLine(t *testing.T, pid int, name string) string {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/limits")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, name) {
			return l
		}
	}
	t.Fatalf("no %q in /proc/%d/limits", name, pid)
	return ""
}
