//go:build unix

package repl

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Tests of a line blocked outside Lua, in a child process of a shell
// command: they wait on a named pipe and run sh.

func TestSecondCtrlCStopsBackgroundTasks(t *testing.T) {
	s := startSession(t, Options{Transcript: true})
	s.send(`bg = spawn(function() while true do sleep(0.01) end end)`)
	release := blockOutsideLua(t, s)
	s.sigs <- os.Interrupt
	s.sigs <- os.Interrupt
	s.expect("interrupted: stopping the background tasks too\n")
	release()
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

// blockOutsideLua runs a line that waits for a child process, out of
// Ctrl-C's reach (on a terminal the child would get the SIGINT too; in a
// test it does not), and returns once the line is in that wait: the child
// writes to a named pipe first. The child waits until release, or the
// test's end: it reads a second named pipe, which the test holds open
// and closes then, so that however slowly the signals come, the line
// still waits.
func blockOutsideLua(t *testing.T, s *session) (release func()) {
	t.Helper()
	dir := t.TempDir()
	path, hold := filepath.Join(dir, "started"), filepath.Join(dir, "hold")
	for _, p := range []string{path, hold} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Opened for reading and writing, a named pipe does not wait for the
	// other end: the child's open finds this writer, and its read ends
	// when it is closed.
	w, err := os.OpenFile(hold, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() { once.Do(func() { w.Close() }) }
	t.Cleanup(release)
	read := make(chan error, 1)
	go func() {
		_, err := os.ReadFile(path) // waits for the child to open and close it
		read <- err
	}()
	s.send(`os.execute("echo started > ` + path + `; read line < ` + hold + `")`)
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
	return release
}
