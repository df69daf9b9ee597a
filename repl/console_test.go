package repl

import (
	"strings"
	"testing"
)

// With a line editor, a line a task writes while :run starts it (the
// task runs before Start returns on a loaded machine) still comes after
// :run's announcement, and no prompt is redrawn: none is on the screen.
func TestHoldWhileAnnouncesFirst(t *testing.T) {
	var out strings.Builder
	c := newConsole(&out)
	redraws := 0
	c.redraw = func() { redraws++ }
	c.holdWhile(func() string {
		c.writer(&out).Write([]byte("server is listening\n"))
		return "[1] runs in the background\n"
	})
	if got, want := out.String(), "[1] runs in the background\nserver is listening\n"; got != want {
		t.Errorf("the console wrote %q, want %q", got, want)
	}
	if redraws != 0 {
		t.Errorf("%d redraws of a prompt not on the screen", redraws)
	}
}
