package luabind

import (
	"bytes"
	"io"

	lua "github.com/sockplay/sockplay/lua"
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
		rt.openIO(iolib)
		rt.openPopen(iolib)
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

// openIO points gopher-lua's io library at the runtime's streams. Its own
// io.stdin, io.read, io.lines() and io.input() read the process's stdin
// and hold the runtime lock while they wait; here they read the runtime's
// input as input() does. Files (io.open, io.lines(name), io.input(name))
// stay gopher-lua's.
func (rt *Runtime) openIO(iolib *lua.LTable) {
	L := rt.L
	stdin := rt.stdinObject()
	// fromFile: io.input(file) made a file the default input, which
	// gopher-lua's own io.read and io.lines() then read.
	fromFile := false
	// gopher-lua's own functions, for files (called with sandbox.go's
	// callOriginal: they are closures with upvalues).
	origRead := iolib.RawGetString("read")
	origLines := iolib.RawGetString("lines")
	origInput := iolib.RawGetString("input")
	// io.write(...) -> io.stdout   (strings and numbers to the runtime's stdout, no newline)
	iolib.RawSetString("write", L.NewFunction(func(L *lua.LState) int {
		writeArgs(L, rt.stdout, 1, "io.write")
		// The current io.stdout: Session.SetOutput replaces it.
		L.Push(iolib.RawGetString("stdout"))
		return 1
	}))
	// io.read(fmt?) -> line | nil   (the default input: the runtime's input unless io.input(file) chose a file)
	iolib.RawSetString("read", L.NewFunction(func(L *lua.LState) int {
		if fromFile {
			return callOriginal(L, origRead)
		}
		return rt.readFormat(L, 1, "io.read")
	}))
	// io.lines(filename?) -> iterator   (no name: the lines of the default input, without "\n")
	iolib.RawSetString("lines", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() > 0 || fromFile {
			return callOriginal(L, origLines)
		}
		L.Push(L.NewFunction(rt.readLine))
		return 1
	}))
	// io.input(file | filename?) -> file   (no argument: the default input, io.stdin unless a file was chosen)
	iolib.RawSetString("input", L.NewFunction(func(L *lua.LState) int {
		switch {
		case L.GetTop() == 0 && !fromFile:
			L.Push(stdin)
			return 1
		case L.GetTop() == 0:
			return callOriginal(L, origInput)
		case L.Get(1) == stdin:
			fromFile = false
			L.Push(stdin)
			return 1
		}
		switch L.Get(1).(type) {
		case lua.LString, *lua.LUserData: // a file name, a file (gopher-lua checks which)
		default:
			argError(L, 1, "io.input", "file or file name expected, got "+typeName(L.Get(1)))
		}
		n := callOriginal(L, origInput) // opens the file or raises
		fromFile = true
		return n
	}))
	iolib.RawSetString("stdin", stdin)
	iolib.RawSetString("stdout", rt.writerObject(rt.stdout))
	iolib.RawSetString("stderr", rt.writerObject(rt.stderr))
}

// writeArgs writes arguments first.. (strings and numbers) to w; fname
// names the function in argument errors.
func writeArgs(L *lua.LState, w io.Writer, first int, fname string) {
	for i := first; i <= L.GetTop(); i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			io.WriteString(w, string(v))
		case lua.LNumber:
			io.WriteString(w, v.String())
		default:
			argError(L, i, fname, "string expected, got "+v.Type().String())
		}
	}
}

// readFormat reads one line of the runtime's input as format argument n
// asks: "l"/"*l" (the default) without the newline, "L"/"*L" with it.
func (rt *Runtime) readFormat(L *lua.LState, n int, fname string) int {
	format := "l"
	switch v := L.Get(n).(type) {
	case lua.LString:
		format = string(v)
	case *lua.LNilType:
	default:
		argError(L, n, fname, "format expected (\"l\" or \"L\"), got "+typeName(v))
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
	argError(L, n, fname, "only line formats (\"l\", \"L\") are supported; use input()")
	return 0
}

// stdinObject is io.stdin: read, lines and close on the runtime's input,
// the lines input() reads.
func (rt *Runtime) stdinObject() *lua.LTable {
	L := rt.L
	obj := L.NewTable()
	mt := L.NewTable()
	mt.RawSetString("__index", L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		// io.stdin:read(fmt?) -> line | nil   (as io.read)
		"read": func(L *lua.LState) int {
			checkStream(L, obj, "file:read")
			return rt.readFormat(L, 2, "file:read")
		},
		// io.stdin:lines() -> iterator   (for line in io.stdin:lines() do ... end; lines without "\n")
		"lines": func(L *lua.LState) int {
			checkStream(L, obj, "file:lines")
			L.Push(L.NewFunction(rt.readLine))
			return 1
		},
		// io.stdin:close()   (the runtime's input stays open)
		"close": func(L *lua.LState) int { return 0 },
	}))
	L.SetMetatable(obj, mt)
	return obj
}

// checkStream raises "bad self", as checkFile does for makefile objects,
// unless argument 1 is obj: the method was called with a dot.
func checkStream(L *lua.LState, obj *lua.LTable, fname string) {
	if L.Get(1) != obj {
		L.RaiseError("bad self to '%s' (file expected, got %s; use a colon: f:%s(...))",
			fname, typeName(L.Get(1)), fname[len("file:"):])
	}
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
			checkStream(L, obj, "file:write")
			writeArgs(L, w, 2, "file:write")
			L.Push(obj)
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
