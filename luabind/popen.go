package luabind

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/sockplay/sockplay/internal/shell"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// io.popen, replaced: gopher-lua's reads the command's output with the
// runtime lock held, so a server task running a command (tcp/cmd_server)
// would stop every other task until the command ended, and Ctrl-C could
// not interrupt it. Here every wait — reading, writing, closing — releases the
// lock, and interrupting the task kills the command.

const popenMetaName = "sockplay.popen"

type popenFile struct {
	cmd    *exec.Cmd
	r      *bufio.Reader // mode "r": the command's stdout
	w      io.WriteCloser
	closed bool
	// What the command writes to its stderr (and, in mode "w", its
	// stdout) is collected and passed on to the runtime's writers when
	// the file is closed, with the lock held: those writers are not
	// for other goroutines.
	out, errOut bytes.Buffer
}

// openPopen replaces io.popen.
func (rt *Runtime) openPopen() {
	L := rt.L
	iolib, ok := L.GetGlobal("io").(*lua.LTable)
	if !ok {
		return
	}
	mt := L.NewTypeMetatable(popenMetaName)
	mt.RawSetString("__index", L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"read":  rt.popenRead,
		"lines": rt.popenLines,
		"write": rt.popenWrite,
		"close": rt.popenClose,
		"flush": func(L *lua.LState) int { L.Push(L.Get(1)); return 1 },
	}))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("<process of io.popen>"))
		return 1
	}))
	iolib.RawSetString("popen", L.NewFunction(rt.ioPopen))
}

// io.popen(command, mode?) -> file | nil, message   (mode "r": read its output; "w": write its input)
func (rt *Runtime) ioPopen(L *lua.LState) int {
	command := lualib.CheckString(L, 1, "io.popen", "command")
	mode := "r"
	if L.Get(2) != lua.LNil {
		mode = lualib.CheckString(L, 2, "io.popen", "mode")
	}
	// A bounded wait for pipes the command's children still hold.
	cmd := shell.Command(command)
	cmd.WaitDelay = time.Second
	f := &popenFile{cmd: cmd}
	cmd.Stderr = &f.errOut
	var err error
	switch strings.TrimSuffix(mode, "b") {
	case "r":
		var out io.ReadCloser
		if out, err = cmd.StdoutPipe(); err == nil {
			f.r = bufio.NewReader(out)
		}
	case "w":
		cmd.Stdout = &f.out
		f.w, err = cmd.StdinPipe()
	default:
		lualib.ArgError(L, 2, "io.popen", `mode must be "r" or "w", got `+mode)
	}
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	rt.mu.Lock()
	rt.procs[f] = struct{}{}
	rt.mu.Unlock()
	ud := L.NewUserData()
	ud.Value = f
	L.SetMetatable(ud, L.GetTypeMetatable(popenMetaName))
	L.Push(ud)
	return 1
}

// os.execute(command?) -> 0 | 1   (runs command with /bin/sh, cmd /c on Windows, and waits for it; 0 if it succeeded. Its output goes to the runtime's writers when it ends)
// gopher-lua's waited with the runtime lock held, which interrupting the
// task could not end, and gave the command the host's own terminal.
func (rt *Runtime) osExecute(L *lua.LState) int {
	if L.GetTop() == 0 {
		L.Push(lua.LNumber(1)) // a shell is there, as Lua 5.1's os.execute() says
		return 1
	}
	command := lualib.CheckString(L, 1, "os.execute", "command")
	cmd := shell.Command(command)
	cmd.WaitDelay = time.Second
	f := &popenFile{cmd: cmd}
	cmd.Stdout, cmd.Stderr = &f.out, &f.errOut
	if err := cmd.Start(); err != nil {
		L.Push(lua.LNumber(1))
		return 1
	}
	err := rt.popenWait(L, f, cmd.Wait)
	rt.stdout.Write(f.out.Bytes())
	rt.stderr.Write(f.errOut.Bytes())
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return raise(L, err)
	}
	if err != nil {
		L.Push(lua.LNumber(1))
		return 1
	}
	L.Push(lua.LNumber(0))
	return 1
}

// kill ends the command and, on Unix, everything in its process group.
func (f *popenFile) kill() { shell.Kill(f.cmd.Process) }

// wait runs fn with the lock released; cancelling the task kills the
// command, which ends fn.
func (rt *Runtime) popenWait(L *lua.LState, f *popenFile, fn func() error) error {
	return rt.Blocking(L, func(ctx context.Context) error {
		stop := context.AfterFunc(ctx, f.kill)
		defer stop()
		err := fn()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	})
}

// file:read(fmt?) -> string | nil   ("*a"/"a" all, "*l"/"l" a line (default), "*L"/"L" with its newline, n bytes)
func (rt *Runtime) popenRead(L *lua.LState) int {
	f := checkPopen(L, "file:read")
	if f.r == nil {
		L.RaiseError("file:read: file not open for reading (io.popen mode \"w\")")
	}
	format := lua.LValue(lua.LString("l"))
	if L.GetTop() >= 2 {
		format = L.Get(2)
	}
	var out string
	var ok bool
	err := rt.popenWait(L, f, func() error {
		var err error
		out, ok, err = readFormat(f.r, format)
		return err
	})
	return pushLine(L, out, ok, err)
}

// readFormat reads as Lua's file:read(format) does; ok false at end.
func readFormat(r *bufio.Reader, format lua.LValue) (string, bool, error) {
	if n, isNum := format.(lua.LNumber); isNum {
		buf := make([]byte, int(n))
		m, err := io.ReadFull(r, buf)
		if m == 0 && (err == io.EOF || err == io.ErrUnexpectedEOF) {
			return "", int(n) == 0, nil
		}
		if err != nil && err != io.ErrUnexpectedEOF {
			return "", false, err
		}
		return string(buf[:m]), true, nil
	}
	switch strings.TrimPrefix(lua.LVAsString(format), "*") {
	case "a":
		b, err := io.ReadAll(r)
		return string(b), true, err
	case "l", "L":
		line, err := r.ReadString('\n')
		if line == "" && err == io.EOF {
			return "", false, nil
		}
		if err != nil && err != io.EOF {
			return "", false, err
		}
		if strings.TrimPrefix(lua.LVAsString(format), "*") == "l" {
			line = strings.TrimSuffix(line, "\n")
		}
		return line, true, nil
	}
	return "", false, errors.New(`file:read: format must be "a", "l", "L" or a number`)
}

// file:lines() -> iterator over the output's lines
func (rt *Runtime) popenLines(L *lua.LState) int {
	ud := L.CheckUserData(1)
	checkPopen(L, "file:lines")
	L.Push(L.NewFunction(func(L *lua.LState) int {
		L.SetTop(0)
		L.Push(ud)
		L.Push(lua.LString("l"))
		return rt.popenRead(L)
	}))
	return 1
}

// file:write(...) -> file   (to the command's input, mode "w")
func (rt *Runtime) popenWrite(L *lua.LState) int {
	f := checkPopen(L, "file:write")
	if f.w == nil {
		L.RaiseError("file:write: file not open for writing (io.popen mode \"r\")")
	}
	var data strings.Builder
	for i := 2; i <= L.GetTop(); i++ {
		switch v := L.Get(i).(type) {
		case lua.LString, lua.LNumber:
			data.WriteString(v.String())
		default:
			lualib.StringArgError(L, i, "file:write", "data")
		}
	}
	if err := rt.popenWait(L, f, func() error {
		_, err := io.WriteString(f.w, data.String())
		return err
	}); err != nil {
		return raise(L, err)
	}
	L.Push(L.Get(1))
	return 1
}

// file:close() -> true | nil, "exit", status   (waits for the command, as Lua 5.2's)
func (rt *Runtime) popenClose(L *lua.LState) int {
	f := checkPopen(L, "file:close")
	f.closed = true
	err := rt.popenWait(L, f, func() error {
		if f.w != nil {
			f.w.Close()
		}
		if f.r != nil {
			io.Copy(io.Discard, f.r) // as a shell does: the command may still write
		}
		return f.cmd.Wait()
	})
	rt.mu.Lock()
	delete(rt.procs, f)
	rt.mu.Unlock()
	rt.stdout.Write(f.out.Bytes())
	rt.stderr.Write(f.errOut.Bytes())
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		L.Push(lua.LTrue)
		L.Push(lua.LString("exit"))
		L.Push(lua.LNumber(0))
	case errors.As(err, &exitErr):
		L.Push(lua.LNil)
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			L.Push(lua.LString("signal"))
			L.Push(lua.LNumber(ws.Signal()))
		} else {
			L.Push(lua.LString("exit"))
			L.Push(lua.LNumber(exitErr.ExitCode()))
		}
	default:
		return raise(L, err)
	}
	return 3
}

// killProcs ends the commands a run started and left open: a run leaves
// no process behind, as it leaves no socket.
func (rt *Runtime) killProcs() {
	rt.mu.Lock()
	procs := rt.procs
	rt.procs = map[*popenFile]struct{}{}
	rt.mu.Unlock()
	for f := range procs {
		f.kill()
		if f.w != nil {
			f.w.Close()
		}
		f.cmd.Wait()
	}
}
