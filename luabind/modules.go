package luabind

import (
	"context"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// The host's Go modules (Options.Modules), and what their functions may
// call: Blocking to wait without stopping the other tasks, Raise and
// RaiseClass to raise errors as the socket functions do.

// registerModule runs loader and makes its result a global and a
// require-able module.
func (rt *Runtime) registerModule(name string, loader lua.LGFunction) {
	L := rt.L
	L.Push(L.NewFunction(loader))
	L.Call(0, 1)
	mod := L.Get(-1)
	L.Pop(1)
	lualib.SetModule(L, name, mod)
}

// Blocking runs wait with the runtime lock released, so that a Go
// function of Options.Modules may wait — for another runtime, a process,
// a channel — while the runtime's other tasks run, as the socket calls
// do. ctx is the calling task's: it is done when the task is interrupted
// (Ctrl-C, the run's end, task:cancel()), and wait must then return
// promptly. Blocking returns wait's error. Call it only from a Go function
// that Lua called, with L the state it was given.
func (rt *Runtime) Blocking(L *lua.LState, wait func(ctx context.Context) error) error {
	t := rt.currentTask(L)
	var err error
	rt.unlocked(t, func() { err = wait(t.ctx) })
	return err
}

// Raise raises err as a Lua error value, as the socket functions raise
// theirs: OSError and its subclasses by errno, TimeoutError for
// os.ErrDeadlineExceeded, KeyboardInterrupt for a cancelled context. It
// does not return.
func Raise(L *lua.LState, err error) {
	raise(L, err)
}

// RaiseClass raises an error value of class (one of the socket module's
// classes, "OSError", "TimeoutError", ...) without errno, whose text is
// msg. It does not return.
func RaiseClass(L *lua.LState, class, msg string) {
	L.Error(lualib.NewError(L, class, lualib.NoErrno, msg), 0)
}
