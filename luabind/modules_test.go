package luabind

import (
	"context"
	"testing"

	"github.com/sockplay/sockplay/internal/syncbuf"
	lua "github.com/sockplay/sockplay/lua"
)

// Blocking releases the runtime lock for a host function's wait, and the
// task's cancellation reaches it.
func TestBlockingAndRaise(t *testing.T) {
	release := make(chan struct{})
	var rt *Runtime
	var out syncbuf.Buffer
	rt = New(Options{Stdout: &out, Modules: map[string]lua.LGFunction{"host": func(L *lua.LState) int {
		L.Push(L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
			// host.wait() waits for release (or the task's interruption)
			"wait": func(L *lua.LState) int {
				blockUntil(rt, L, release, nil)
				L.Push(lua.LString("released"))
				return 1
			},
			"release": func(L *lua.LState) int { close(release); return 0 },
			// host.forever() waits until the task is interrupted
			"forever": func(L *lua.LState) int {
				Raise(L, rt.Blocking(L, func(ctx context.Context) error {
					<-ctx.Done()
					return ctx.Err()
				}))
				return 0
			},
			"fail": func(L *lua.LState) int { RaiseClass(L, "TimeoutError", "no line within 5s"); return 0 },
		}))
		return 1
	}}})
	defer rt.Close()
	// The waiting task holds no lock: the other task runs and releases it.
	err := runIn(t, rt, `
local waiter = spawn(host.wait)
spawn(host.release)
print(waiter:join())
local ok, err = pcall(host.fail)
print(err:is("OSError"), tostring(err))
local w = spawn(host.forever)
sleep(0)
w:cancel()
print(pcall(w.join, w))
`)
	if err != nil {
		t.Fatal(err)
	}
	want := "released\ntrue\tTimeoutError: no line within 5s\nfalse\tKeyboardInterrupt: interrupted\n"
	if out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}
