package luabind

import (
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// The os library's functions a runtime replaces: os.exit ends the run, not
// the host; os.execute waits without the lock (os.date is lualib's; the
// sandbox guards the rest).

// openOS replaces os.exit, which would exit the host process, and
// os.execute, which would wait with the runtime lock held (popen.go).
func (rt *Runtime) openOS() {
	if oslib, ok := rt.L.GetGlobal("os").(*lua.LTable); ok {
		oslib.RawSetString("exit", rt.L.NewFunction(rt.osExit))
		oslib.RawSetString("execute", rt.L.NewFunction(rt.osExecute))
	}
}

// os.exit(code?)   (ends the run with that status; never the host process)
func (rt *Runtime) osExit(L *lua.LState) int {
	code := 0
	switch v := L.Get(1).(type) {
	case lua.LNumber:
		code = int(v)
	case lua.LBool:
		if !bool(v) {
			code = 1
		}
	}
	t := rt.currentTask(L)
	rt.exitCode = code
	rt.exiting = true
	if t.runCancel != nil {
		t.runCancel()
	}
	t.cancel()
	L.Error(lualib.NewError(L, "SystemExit", lualib.NoErrno, "exit"), 0)
	return 0
}
