package luabind

import (
	"bytes"
	"io"

	lua "github.com/yuin/gopher-lua"
)

// openBase replaces the parts of gopher-lua's base, io and os libraries that
// would write to the process's stdout, read its stdin or exit the host, and
// adds input().
func (rt *Runtime) openBase() {
	L := rt.L
	rt.errorMeta()
	L.SetGlobal("print", L.NewFunction(rt.print))
	L.SetGlobal("input", L.NewFunction(rt.input))

	if iolib, ok := L.GetGlobal("io").(*lua.LTable); ok {
		iolib.RawSetString("write", L.NewFunction(rt.ioWrite))
		iolib.RawSetString("read", L.NewFunction(rt.ioRead))
		iolib.RawSetString("stdout", rt.writerObject(rt.stdout))
		iolib.RawSetString("stderr", rt.writerObject(rt.stderr))
	}
	if oslib, ok := L.GetGlobal("os").(*lua.LTable); ok {
		oslib.RawSetString("exit", L.NewFunction(rt.osExit))
		oslib.RawSetString("date", L.NewFunction(osDate))
	}
}

// print(...)   (tostring of each value, tab-separated, to the runtime's stdout)
func (rt *Runtime) print(L *lua.LState) int {
	var buf bytes.Buffer
	for i := 1; i <= L.GetTop(); i++ {
		if i > 1 {
			buf.WriteByte('\t')
		}
		buf.WriteString(L.ToStringMeta(L.Get(i)).String())
	}
	buf.WriteByte('\n')
	rt.stdout.Write(buf.Bytes())
	return 0
}

// input(prompt?) -> line | nil   (a line without its newline; nil at end of input)
func (rt *Runtime) input(L *lua.LState) int {
	if L.GetTop() >= 1 && L.Get(1) != lua.LNil {
		io.WriteString(rt.stdout, L.ToStringMeta(L.Get(1)).String())
	}
	return rt.readLine(L)
}

func (rt *Runtime) readLine(L *lua.LState) int {
	t := rt.currentTask(L)
	var line string
	var ok bool
	var err error
	rt.unlocked(t, func() { line, ok, err = rt.stdin.readLine(t.ctx) })
	if err != nil {
		return raise(L, err)
	}
	if !ok {
		L.Push(lua.LNil)
	} else {
		L.Push(lua.LString(line))
	}
	return 1
}

// io.write(...)   (strings and numbers to the runtime's stdout, no newline)
func (rt *Runtime) ioWrite(L *lua.LState) int {
	return writeArgs(L, rt.stdout, 1)
}

func writeArgs(L *lua.LState, w io.Writer, first int) int {
	for i := first; i <= L.GetTop(); i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			io.WriteString(w, string(v))
		case lua.LNumber:
			io.WriteString(w, v.String())
		default:
			L.ArgError(i, "string expected, got "+v.Type().String())
		}
	}
	return 0
}

// io.read(fmt?) -> line | nil   (only lines: "*l", "l", "*L", "L" or none)
func (rt *Runtime) ioRead(L *lua.LState) int {
	format := "l"
	if L.GetTop() >= 1 {
		format = L.CheckString(1)
	}
	switch format {
	case "l", "*l":
		return rt.readLine(L)
	case "L", "*L":
		rt.readLine(L)
		if s, ok := L.Get(-1).(lua.LString); ok {
			L.Pop(1)
			L.Push(s + "\n")
		}
		return 1
	}
	L.ArgError(1, "only line formats (\"l\", \"L\") are supported; use input()")
	return 0
}

// writerObject is io.stdout / io.stderr: an object with write and flush
// that goes to the runtime's writers.
func (rt *Runtime) writerObject(w io.Writer) *lua.LTable {
	L := rt.L
	obj := L.NewTable()
	mt := L.NewTable()
	mt.RawSetString("__index", L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		// file:write(...) -> file
		"write": func(L *lua.LState) int {
			writeArgs(L, w, 2)
			L.Push(L.Get(1))
			return 1
		},
		// file:flush()
		"flush": func(L *lua.LState) int { return 0 },
		// file:close()   (the runtime's streams stay open)
		"close": func(L *lua.LState) int { return 0 },
	}))
	L.SetMetatable(obj, mt)
	return obj
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
	L.Error(newError(L, "SystemExit", noErrno, "exit"), 0)
	return 0
}
