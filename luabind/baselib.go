package luabind

import (
	"bytes"
	"io"

	lua "github.com/sockplay/sockplay/lua"
)

// The base library's globals that a runtime replaces or adds: print
// writes to the runtime's Stdout, not the process's, and input() reads a
// line of the runtime's input (stdin.go) with the runtime lock released;
// tr says a bundled script's words in the runtime's language.

// openBase installs print, input and tr.
func (rt *Runtime) openBase() {
	L := rt.L
	L.SetGlobal("print", L.NewFunction(rt.print))
	L.SetGlobal("input", L.NewFunction(rt.input))
	L.SetGlobal("tr", L.NewFunction(rt.tr))
	// gopher-lua's debugging aid prints the VM's registers to the
	// process's stdout, which a runtime never writes to.
	L.SetGlobal("_printregs", lua.LNil)
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

// tr(format, ...) -> string   (format in the runtime's language, each %s
// filled with tostring of the next argument)
//
// format is English and the key of its translation in the catalog
// (internal/i18n), where the extractor puts every tr("...") of the
// bundled scripts: the demo's narration. Arguments go in as text, so a
// format has %s and %% only.
func (rt *Runtime) tr(L *lua.LState) int {
	format := L.CheckString(1)
	args := make([]any, L.GetTop()-1)
	for i := range args {
		args[i] = L.ToStringMeta(L.Get(i + 2)).String()
	}
	L.Push(lua.LString(rt.opts.Lang.Sprintf(format, args...)))
	return 1
}

// input(prompt?) -> line | nil   (a line without its newline; nil at end of input)
//
// At the end of the input the prompt's line is ended: Ctrl-D echoes no
// newline, and what comes next (the shell's prompt) would follow the
// prompt on its line.
func (rt *Runtime) input(L *lua.LState) int {
	prompted := L.GetTop() >= 1 && L.Get(1) != lua.LNil
	if prompted {
		io.WriteString(rt.stdout, L.ToStringMeta(L.Get(1)).String())
	}
	n := rt.readLine(L)
	if prompted && L.Get(-1) == lua.LNil {
		io.WriteString(rt.stdout, "\n")
	}
	return n
}

// readLine pushes the next line of the runtime's input (nil at the end),
// waiting for it without the runtime lock.
func (rt *Runtime) readLine(L *lua.LState) int {
	t := rt.currentTask(L)
	var line string
	var ok bool
	var err error
	rt.unlockedBusy(t, func() { line, ok, err = rt.stdin.readLine(t.ctx) })
	return pushLine(L, line, ok, err)
}

// pushLine pushes a line read, or nil at the end of the input (ok
// false), or raises err: the result of a Lua read.
func pushLine(L *lua.LState, line string, ok bool, err error) int {
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
