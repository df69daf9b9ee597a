package repl

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/luabind"
)

// Tests of Ctrl-C on a line blocked outside Lua, where Ctrl-C cannot
// reach: the first cancels the line, a second stops the background tasks
// too, a third leaves the REPL.

func TestSecondCtrlCStopsBackgroundTasks(t *testing.T) {
	s, release := startBlockedSession(t, `bg = spawn(function() while true do sleep(0.01) end end)`)
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
	s, _ := startBlockedSession(t)
	for range 3 {
		s.sigs <- os.Interrupt
	}
	if err := s.wait(); !errors.Is(err, ErrStuck) {
		t.Errorf("Run: %v, want ErrStuck", err)
	}
	s.expect("leaving\n")
}

// startBlockedSession starts a session and runs a line that waits outside
// Lua, out of Ctrl-C's reach: stuck.wait(), a Go function of the runtime's
// (as an embedder's module may have) that waits with the runtime lock
// released and does not heed the task's interrupt until release is
// called (or the test ends), then raises it. It returns once the line
// is in that wait.
func startBlockedSession(t *testing.T, before ...string) (s *session, release func()) {
	t.Helper()
	started, hold := make(chan struct{}, 1), make(chan struct{})
	var rt *luabind.Runtime
	stuck := func(L *lua.LState) int {
		L.Push(L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
			"wait": func(L *lua.LState) int {
				err := rt.Blocking(L, func(ctx context.Context) error {
					started <- struct{}{}
					<-hold
					return ctx.Err()
				})
				if err != nil {
					luabind.Raise(L, err)
				}
				return 0
			},
		}))
		return 1
	}
	s = startSessionOn(t, luabind.Options{Modules: map[string]lua.LGFunction{"stuck": stuck}}, Options{Transcript: true})
	rt = s.rt
	var once sync.Once
	release = func() { once.Do(func() { close(hold) }) }
	t.Cleanup(release) // before the session's own cleanup, which waits for the line
	for _, line := range before {
		s.send(line)
	}
	s.send(`stuck.wait()`)
	select {
	case <-started:
	case <-time.After(15 * time.Second):
		t.Fatalf("the line never reached stuck.wait(); output:\n%s", s.out.String())
	}
	return s, release
}
