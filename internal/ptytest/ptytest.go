// Package ptytest runs a program on a pseudo-terminal for tests, as a user
// at a terminal meets it: type keys, wait for what the screen shows, read
// the exit status.
package ptytest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// Timeout bounds every wait: for output, and for the program's exit.
const Timeout = 20 * time.Second

// Term is a program running on a 50x200 pseudo-terminal.
type Term struct {
	t    testing.TB
	cmd  *exec.Cmd
	pty  *os.File
	mu   sync.Mutex
	raw  []byte        // everything the program wrote
	more chan struct{} // closed at the next read from the pty
	eof  bool
	seen int // offset in Text() already matched
	exit chan error
}

// Env is the environment of a program under test: the test's own, with
// a terminal that line editors know (TERM=xterm), history kept in a fresh
// directory ($XDG_STATE_HOME), no race-detector delay at exit, messages
// in English whatever the test's locale (SOCKPLAY_LANG=en), and then
// extra (KEY=VALUE, taking precedence).
func Env(t testing.TB, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		switch key, _, _ := strings.Cut(kv, "="); key {
		case "TERM", "XDG_STATE_HOME", "SOCKPLAY_HISTORY", "GORACE", "NO_COLOR", "SOCKPLAY_LANG":
			continue
		}
		env = append(env, kv)
	}
	// GORACE: a program built with -race sleeps a second at exit by default.
	env = append(env, "TERM=xterm", "XDG_STATE_HOME="+t.TempDir(),
		"GORACE=atexit_sleep_ms=0 "+os.Getenv("GORACE"), "SOCKPLAY_LANG=en")
	// Later entries win in exec.Cmd.Env; drop the ones extra replaces so
	// that the program sees one value.
	for _, kv := range extra {
		key, _, _ := strings.Cut(kv, "=")
		env = slices.DeleteFunc(env, func(e string) bool { return strings.HasPrefix(e, key+"=") })
	}
	return append(env, extra...)
}

// Start starts cmd on a new pseudo-terminal (its stdin, stdout and
// stderr). When the test ends the program is killed, and if the test
// failed, what the terminal showed is logged.
func Start(t testing.TB, cmd *exec.Cmd) *Term {
	t.Helper()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	tm := &Term{t: t, cmd: cmd, pty: f, more: make(chan struct{}), exit: make(chan error, 1)}
	go tm.readLoop()
	go func() { tm.exit <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		f.Close()
		if t.Failed() {
			tm.mu.Lock()
			raw := string(tm.raw)
			tm.mu.Unlock()
			t.Logf("terminal output:\n%s\nraw: %q", tm.Text(), raw)
		}
	})
	return tm
}

func (tm *Term) readLoop() {
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

// escapes are the terminal control sequences line editors write: cursor
// moves, erasing.
var escapes = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\r`)

// Text is what the program wrote, without control sequences.
func (tm *Term) Text() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return escapes.ReplaceAllString(string(tm.raw), "")
}

// Expect waits until s appears after what was matched before, and
// returns the text from there to s's end.
func (tm *Term) Expect(s string) string {
	tm.t.Helper()
	return tm.await(fmt.Sprintf("%q", s), func(text string) []int {
		if i := strings.Index(text, s); i >= 0 {
			return []int{i, i + len(s)}
		}
		return nil
	})
}

// ExpectRE is Expect for a regular expression; it returns the submatches.
func (tm *Term) ExpectRE(re *regexp.Regexp) []string {
	tm.t.Helper()
	var m []string
	tm.await(re.String(), func(text string) []int {
		loc := re.FindStringSubmatchIndex(text)
		if loc != nil {
			m = re.FindStringSubmatch(text)
		}
		return loc
	})
	return m
}

// await waits until find locates what it looks for in the text not yet
// matched, moves past the match and returns the text up to its end.
func (tm *Term) await(what string, find func(text string) (loc []int)) string {
	tm.t.Helper()
	deadline := time.NewTimer(Timeout)
	defer deadline.Stop()
	for {
		tm.mu.Lock()
		more, eof := tm.more, tm.eof
		tm.mu.Unlock()
		text := tm.Text()[tm.seen:]
		if loc := find(text); loc != nil {
			tm.seen += loc[1]
			return text[:loc[1]]
		}
		if eof {
			tm.t.Fatalf("the program ended before %s appeared", what)
		}
		select {
		case <-more:
		case <-deadline.C:
			tm.t.Fatalf("no %s on the terminal within %v", what, Timeout)
		}
	}
}

// Type sends keys: "\r" is Enter, "\x03" Ctrl-C, "\x04" Ctrl-D.
func (tm *Term) Type(keys string) {
	tm.t.Helper()
	if _, err := tm.pty.Write([]byte(keys)); err != nil {
		tm.t.Fatal(err)
	}
}

// Line types a line, waits for it to be read (its echo and the newline),
// and then for want in what follows, if want is not "".
func (tm *Term) Line(code, want string) {
	tm.t.Helper()
	tm.Type(code + "\r")
	tm.Expect(code + "\n")
	if want != "" {
		tm.Expect(want)
	}
}

// Quit types Ctrl-D, which ends a REPL at an empty prompt, and checks that
// the program exits with status 0.
func (tm *Term) Quit() {
	tm.t.Helper()
	tm.Type("\x04")
	if code := tm.Wait(); code != 0 {
		tm.t.Errorf("exit status %d after Ctrl-D", code)
	}
}

// Wait returns the program's exit status.
func (tm *Term) Wait() int {
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
	case <-time.After(Timeout):
		tm.t.Fatal("the program did not exit")
		return -1
	}
}

// Process is the program's process, for signals.
func (tm *Term) Process() *os.Process { return tm.cmd.Process }

// File is the terminal's controlling side, for reading its mode.
func (tm *Term) File() *os.File { return tm.pty }
