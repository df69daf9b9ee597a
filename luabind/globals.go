package luabind

import (
	"fmt"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// Undefined globals. In Lua a name never assigned is a global holding
// nil, so a Python hand's `while True do` never runs and nothing says
// why. Reading a global that was never assigned, by its bare name in Lua
// code, prints a warning on stderr, once per name and place:
//
//	warning: echo.lua:3: 'True' is not defined (nil); Lua writes true
//
// In strict mode (Options.Strict, --strict, strict(true)) it raises a
// NameError instead, as Python does. A read whose nil is about to raise
// an error naming the global anyway (len(x), b'hi', x.y) is left to that
// error, which says the same with a hint.
//
// The globals table gets a metatable: __newindex notes each name assigned
// the first time (the VM calls it only for a key the table lacks, so an
// ordinary assignment costs nothing more), __index runs only for a key
// the table lacks, so an ordinary read costs nothing more either.

// globalsState is what the runtime knows of its globals. Guarded by the
// runtime lock.
type globalsState struct {
	strict   bool
	assigned map[string]bool // assigned at some time, maybe to nil since
	warned   map[globalRead]bool
}

// globalRead is a place a global was read: the function and its line.
type globalRead struct {
	name  string
	proto *lua.FunctionProto
	line  int
}

// openGlobals installs the metatable of the globals table and strict().
func (rt *Runtime) openGlobals() {
	L := rt.L
	rt.globals.assigned = map[string]bool{}
	rt.globals.warned = map[globalRead]bool{}
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(rt.globalIndex))
	mt.RawSetString("__newindex", L.NewFunction(rt.globalNewIndex))
	L.SetMetatable(L.G.Global, mt)
	L.SetGlobal("strict", L.NewFunction(rt.strict))
}

// resetGlobals forgets what was assigned and warned about, for a fresh
// start of a session.
func (rt *Runtime) resetGlobals() {
	clear(rt.globals.assigned)
	clear(rt.globals.warned)
}

// globalIndex is __index of the globals table: a global with no value.
func (rt *Runtime) globalIndex(L *lua.LState) int {
	name, ok := L.Get(2).(lua.LString)
	if !ok || rt.globals.assigned[string(name)] {
		return 0
	}
	read, ok := L.GlobalReadSite()
	if !ok {
		return 0 // _G.name, rawget, Go code: asking is no mistake
	}
	if rt.globals.strict {
		e := lualib.NewError(L, "NameError", lualib.NoErrno, fmt.Sprintf("'%s' is not defined", name))
		e.RawSetString("variable", name)
		L.Error(e, 0)
	}
	if read.Raises {
		return 0
	}
	key := globalRead{string(name), read.Proto, read.Line}
	if rt.globals.warned[key] {
		return 0
	}
	rt.globals.warned[key] = true
	fmt.Fprint(rt.stderr, globalWarning(rt.opts.Lang, string(name), read.Proto.SourceName, read.Line))
	return 0
}

// globalWarning is the warning for reading name, never assigned, at
// source:line.
func globalWarning(l Language, name, source string, line int) string {
	where := fmt.Sprintf("%s:%d", source, line) // formatted by fmt: a line number is no quantity to group
	if h := pythonGlobalHint(l, name); h != "" {
		return l.Sprintf("warning: %s: '%s' is not defined (nil); %s\n", where, name, h)
	}
	return l.Sprintf("warning: %s: '%s' is not defined (nil)\n", where, name)
}

// globalNewIndex is __newindex of the globals table: a global assigned
// while it has no value.
func (rt *Runtime) globalNewIndex(L *lua.LState) int {
	t := L.CheckTable(1)
	key := L.Get(2)
	if name, ok := key.(lua.LString); ok {
		rt.globals.assigned[string(name)] = true
	}
	L.RawSet(t, key, L.Get(3))
	return 0
}

// strict(on?) -> was   (on: reading a global never assigned raises
// NameError, as in Python; off: a warning. Without an argument, it only
// tells.)
func (rt *Runtime) strict(L *lua.LState) int {
	was := rt.globals.strict
	if L.GetTop() > 0 {
		rt.globals.strict = L.ToBool(1)
	}
	L.Push(lua.LBool(was))
	return 1
}
