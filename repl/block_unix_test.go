//go:build unix

package repl

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Tests of a line blocked outside Lua, in a child process of a shell
// command: they wait on a named pipe and run sh.

func TestSecondCtrlCStopsBackgroundTasks(t *testing.T) {
	s := startSession(t, Options{Transcript: true})
	s.send(`bg = spawn(function() while true do sleep(0.01) end end)`)
	blockOutsideLua(t, s)
	s.sigs <- os.Interrupt
	s.sigs <- os.Interrupt
	s.expect("interrupted: stopping the background tasks too\n")
	s.expect("interrupted\n")
	// It ends as soon as it runs again (joining it waits for that).
	s.send(`pcall(bg.join, bg); return bg:status()`)
	s.expect(`"cancelled"`)
}

func TestCtrlCThatCannotStopTheLineLeaves(t *testing.T) {
	s := startSession(t, Options{Transcript: true})
	blockOutsideLua(t, s)
	for range 3 {
		s.sigs <- os.Interrupt
	}
	if err := s.wait(); !errors.Is(err, ErrStuck) {
		t.Errorf("Run: %v, want ErrStuck", err)
	}
	s.expect("leaving\n")
}

// blockOutsideLua runs a line that waits a second for a child process, out
// of Ctrl-C's reach (on a terminal the child would get the SIGINT too; in
// a test it does not), and returns once the line is in that wait: the
// child writes to a named pipe first.
func blockOutsideLua(t *testing.T, s *session) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "started")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	read := make(chan error, 1)
	go func() {
		_, err := os.ReadFile(path) // waits for the child to open and close it
		read <- err
	}()
	s.send(`os.execute("echo started > ` + path + `; sleep 1")`)
	select {
	case err := <-read:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		if f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close() // lets the reader go
		}
		t.Fatalf("the line never started its child process; output:\n%s", s.out.String())
	}
}
