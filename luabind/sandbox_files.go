package luabind

import (
	"os"
	"path/filepath"
	"strings"

	lua "github.com/sockplay/sockplay/lua"
)

// The sandbox's file policy: writes only inside its directory, reads of
// regular files only (nothing under /dev, /proc, /sys), no reading of the
// host's standard input. The guards wrap gopher-lua's os and io functions.

// inside returns path made absolute (symlinks of its directory resolved)
// and whether it lies inside the sandbox's directory.
func (sb *sandboxState) inside(path string) (string, bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path, false
	}
	dir, base := filepath.Split(abs)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		abs = filepath.Join(real, base)
	}
	if sb.tempReal == "" {
		return abs, false
	}
	rel, err := filepath.Rel(sb.tempReal, abs)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return abs, false
	}
	return abs, true
}

// checkWrite raises PermissionError unless path may be written.
func (sb *sandboxState) checkWrite(L *lua.LState, what, path string) {
	if _, ok := sb.inside(path); !ok {
		refuse(L, "%s(%q) refused: files may be written only inside %s", what, path, sb.tempDirText())
	}
}

// checkRead raises PermissionError unless path may be read: a regular
// file (or one that does not exist: the original call reports that),
// not under /dev, /proc or /sys, not larger than the memory cap.
func (sb *sandboxState) checkRead(L *lua.LState, what, path string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	for _, dir := range []string{"/dev", "/proc", "/sys"} {
		if abs == dir || strings.HasPrefix(abs, dir+"/") {
			refuse(L, "%s(%q) refused: scripts may not read %s", what, path, dir)
		}
	}
	st, err := os.Stat(abs)
	if err != nil {
		return
	}
	if !st.Mode().IsRegular() {
		refuse(L, "%s(%q) refused: not a regular file", what, path)
	}
	if max := sb.cfg.MaxMemory; max > 0 && st.Size() > max {
		refuse(L, "%s(%q) refused: the file is larger than the sandbox's memory limit", what, path)
	}
}

// os.getenv(name) -> value | nil   (sandbox: only TMPDIR, TMP and TEMP, the sandbox's directory)
func (sb *sandboxState) osGetenv(L *lua.LState) int {
	switch L.CheckString(1) {
	case "TMPDIR", "TMP", "TEMP":
		if sb.tempReal != "" {
			L.Push(lua.LString(sb.tempReal))
			return 1
		}
	}
	L.Push(lua.LNil)
	return 1
}

// os.remove(path) -> true | nil, message   (sandbox: only inside the sandbox's directory)
func (sb *sandboxState) osRemove(L *lua.LState) int {
	path := L.CheckString(1)
	sb.checkWrite(L, "os.remove", path)
	return osResult(L, os.Remove(path))
}

// os.rename(from, to) -> true | nil, message   (sandbox: both inside the sandbox's directory)
func (sb *sandboxState) osRename(L *lua.LState) int {
	from, to := L.CheckString(1), L.CheckString(2)
	sb.checkWrite(L, "os.rename", from)
	sb.checkWrite(L, "os.rename", to)
	return osResult(L, os.Rename(from, to))
}

func osResult(L *lua.LState, err error) int {
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(lua.LTrue)
	return 1
}

// os.tmpname() -> path   (sandbox: a new empty file in the sandbox's directory)
func (sb *sandboxState) osTmpname(L *lua.LState) int {
	if sb.tempReal == "" {
		refuse(L, "os.tmpname is not allowed: this sandbox has no directory to write in")
	}
	f, err := os.CreateTemp(sb.tempReal, "lua_")
	if err != nil {
		L.RaiseError("unable to generate a unique filename: %v", err)
	}
	f.Close()
	L.Push(lua.LString(f.Name()))
	return 1
}

// io.open(path, mode?) -> file | nil, message   (sandbox: writing only inside the sandbox's directory; reading regular files)
func (sb *sandboxState) ioOpen(open *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		path := L.CheckString(1)
		mode := L.OptString(2, "r")
		if strings.ContainsAny(mode, "wa+") {
			sb.checkWrite(L, "io.open", path)
		} else {
			sb.checkRead(L, "io.open", path)
		}
		return callOriginal(L, open)
	}
}

// io.tmpfile() -> file   (sandbox: in the sandbox's directory)
func (sb *sandboxState) ioTmpfile(open *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		sb.osTmpname(L)
		name := L.Get(-1)
		L.SetTop(0)
		L.Push(name)
		L.Push(lua.LString("w+"))
		return callOriginal(L, open)
	}
}

// io.lines(path) -> iterator   (sandbox: a path is required: the host's standard input is not the script's)
func (sb *sandboxState) ioLines(lines lua.LValue) lua.LGFunction {
	return func(L *lua.LState) int {
		if L.GetTop() == 0 {
			refuse(L, "io.lines() reads the host's standard input: use input() or io.read() to read the script's input")
		}
		sb.checkRead(L, "io.lines", L.CheckString(1))
		return callOriginal(L, lines)
	}
}

// io.input(path | file) -> file   (sandbox: not the host's standard input)
func (sb *sandboxState) ioInput(input lua.LValue) lua.LGFunction {
	return func(L *lua.LState) int {
		switch v := L.Get(1).(type) {
		case *lua.LNilType:
			refuse(L, "io.input() is the host's standard input: use input() or io.read() to read the script's input")
		case lua.LString:
			sb.checkRead(L, "io.input", string(v))
		}
		return callOriginal(L, input)
	}
}

// io.output(path | file) -> file   (sandbox: a path only inside the sandbox's directory; no argument: io.stdout)
func (sb *sandboxState) ioOutput(output lua.LValue) lua.LGFunction {
	return func(L *lua.LState) int {
		switch v := L.Get(1).(type) {
		case *lua.LNilType:
			// gopher-lua's default output is the host's stdout, which
			// io.close() would close.
			L.Push(L.GetField(L.GetGlobal("io"), "stdout"))
			return 1
		case lua.LString:
			sb.checkWrite(L, "io.output", string(v))
		}
		return callOriginal(L, output)
	}
}

// io.close(file?) -> true   (sandbox: without a file, nothing: the default output is not the host's to close)
func (sb *sandboxState) ioClose(closeFn lua.LValue) lua.LGFunction {
	return func(L *lua.LState) int {
		if L.GetTop() == 0 {
			L.Push(lua.LTrue)
			return 1
		}
		return callOriginal(L, closeFn)
	}
}

// guardPathArg wraps dofile or loadfile: a path is required (not the
// host's standard input) and must be readable.
func (sb *sandboxState) guardPathArg(name string, fn lua.LValue) lua.LGFunction {
	return func(L *lua.LState) int {
		path, ok := L.Get(1).(lua.LString)
		if !ok {
			refuse(L, "%s without a file name reads the host's standard input", name)
		}
		sb.checkRead(L, name, string(path))
		return callOriginal(L, fn)
	}
}

// luaSearcher is require's searcher for Lua files (package.loaders[2]),
// as gopher-lua's, with the sandbox's read check on what it opens.
func (sb *sandboxState) luaSearcher(L *lua.LState) int {
	name := L.CheckString(1)
	path := lua.LVAsString(L.GetField(L.GetField(L.Get(lua.EnvironIndex), "package"), "path"))
	var tried []string
	for _, pat := range strings.Split(path, ";") {
		if pat == "" {
			continue
		}
		file := strings.ReplaceAll(pat, "?", strings.ReplaceAll(name, ".", string(filepath.Separator)))
		st, err := os.Stat(file)
		if err != nil || st.IsDir() {
			tried = append(tried, "\n\tno file '"+file+"'")
			continue
		}
		sb.checkRead(L, "require", file)
		fn, err := L.LoadFile(file)
		if err != nil {
			L.RaiseError("%s", err.Error())
		}
		L.Push(fn)
		return 1
	}
	L.Push(lua.LString(strings.Join(tried, "")))
	return 1
}
