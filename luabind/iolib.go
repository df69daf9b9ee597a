package luabind

import (
	"io"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// The io library on the runtime's streams (io.popen is popen.go's).

// openIO points gopher-lua's io library at the runtime's streams. Its own
// io.stdin, io.read, io.lines() and io.input() read the process's stdin
// and hold the runtime lock while they wait; here they read the runtime's
// input as input() does. Files (io.open, io.lines(name), io.input(name))
// stay gopher-lua's.
func (rt *Runtime) openIO() {
	L := rt.L
	iolib, ok := L.GetGlobal("io").(*lua.LTable)
	if !ok {
		return
	}
	stdin := rt.stdinObject()
	// fromFile: io.input(file) made a file the default input, which
	// gopher-lua's own io.read and io.lines() then read.
	fromFile := false
	// gopher-lua's own functions, for files (called with libs.go's
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
			lualib.ArgError(L, 1, "io.input", "file or file name expected, got "+lualib.TypeName(L.Get(1)))
		}
		n := callOriginal(L, origInput) // opens the file or raises
		fromFile = true
		return n
	}))
	iolib.RawSetString("stdin", stdin)
	iolib.RawSetString("stdout", rt.writerObject(rt.stdout))
	iolib.RawSetString("stderr", rt.writerObject(rt.stderr))
	// loadfile() and dofile() without a name read the process's stdin
	// to its end, with the runtime lock held (a terminal: until Ctrl-D,
	// every task stopped, Ctrl-C unheard). A script's input is input().
	for _, name := range []string{"loadfile", "dofile"} {
		orig := L.GetGlobal(name)
		if _, ok := orig.(*lua.LFunction); !ok {
			continue
		}
		L.SetGlobal(name, L.NewFunction(func(L *lua.LState) int {
			if L.Get(1) == lua.LNil {
				lualib.ArgError(L, 1, name, "file name expected (the script's input is read with input() or io.read())")
			}
			return callOriginal(L, orig)
		}))
	}
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
			lualib.ArgError(L, i, fname, "string expected, got "+v.Type().String())
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
		lualib.ArgError(L, n, fname, "format expected (\"l\" or \"L\"), got "+lualib.TypeName(v))
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
	lualib.ArgError(L, n, fname, "only line formats (\"l\", \"L\") are supported; use input()")
	return 0
}

// stdinObject is io.stdin: read, lines and close on the runtime's input,
// the lines input() reads.
func (rt *Runtime) stdinObject() *lua.LTable {
	return rt.streamObject(func(obj *lua.LTable) map[string]lua.LGFunction {
		return map[string]lua.LGFunction{
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
		}
	})
}

// writerObject is io.stdout / io.stderr: an object with write and flush
// that goes to the runtime's writers.
func (rt *Runtime) writerObject(w io.Writer) *lua.LTable {
	return rt.streamObject(func(obj *lua.LTable) map[string]lua.LGFunction {
		return map[string]lua.LGFunction{
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
		}
	})
}

// streamObject is one of the runtime's io streams: a table whose methods
// are methods(the table itself), so that they can check their self.
func (rt *Runtime) streamObject(methods func(obj *lua.LTable) map[string]lua.LGFunction) *lua.LTable {
	L := rt.L
	obj := L.NewTable()
	mt := L.NewTable()
	mt.RawSetString("__index", L.SetFuncs(L.NewTable(), methods(obj)))
	L.SetMetatable(obj, mt)
	return obj
}
