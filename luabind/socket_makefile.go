package luabind

import (
	"bytes"
	"strings"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// sockFile is what sock:makefile() returns: buffered reading (read,
// readline, lines) and writing (write, flush) over a stream socket, as
// Python's socket.makefile. Reads wait like recv, with the socket's timeout.
type sockFile struct {
	s      *Socket
	rbuf   []byte // received, not yet handed out
	eof    bool
	wbuf   bytes.Buffer
	closed bool
	// What makefile's mode allows, as Python's io.UnsupportedOperation
	// enforces it.
	readable, writable bool
	// reading and writing are held (a token in a channel of one) by the
	// task inside a read or a flush, as Python's BufferedReader and
	// BufferedWriter hold a lock: a read waits for the socket without the
	// runtime lock, and another task's read must not take the bytes it has
	// buffered, nor its flush overtake an earlier one.
	reading, writing chan struct{}
}

const fileMetaName = "sockplay.sockfile"

func (rt *Runtime) openMakefile() {
	L := rt.L
	mt := L.NewTypeMetatable(fileMetaName)
	mt.RawSetString("__index", L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"read":     fileRead,
		"readline": fileReadline,
		"lines":    fileLines,
		"write":    fileWrite,
		"flush":    fileFlush,
		"close":    fileClose,
	}))
	// tostring(file) -> "<socket file of <socket ...>>"
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		f := checkFile(L, "file:__tostring")
		L.Push(lua.LString("<socket file of " + f.s.repr(L) + ">"))
		return 1
	}))
}

// sock:makefile(mode?) -> file   (mode "r", "w" or "rw"; the file has read, readline, lines, write, flush, close)
func (rt *Runtime) sockMakefile(L *lua.LState) int {
	s := checkSocket(L, "sock:makefile")
	mode := "r"
	if L.Get(2) != lua.LNil {
		mode = lualib.CheckString(L, 2, "sock:makefile", "mode")
	}
	switch mode {
	case "r", "w", "rw", "wr", "rb", "wb", "rwb":
	default:
		lualib.ArgError(L, 2, "sock:makefile", "mode must be \"r\", \"w\" or \"rw\", got "+lualib.ShowArg(lua.LString(mode)))
	}
	ud := L.NewUserData()
	ud.Value = &sockFile{s: s, readable: strings.Contains(mode, "r"), writable: strings.Contains(mode, "w"),
		reading: make(chan struct{}, 1), writing: make(chan struct{}, 1)}
	L.SetMetatable(ud, L.GetTypeMetatable(fileMetaName))
	L.Push(ud)
	return 1
}

// hold takes lock (f.reading or f.writing) for the calling task, waiting
// without the runtime lock while another task has it; the task's
// cancellation ends the wait. Release it with a deferred <-lock, so that
// a raise lets go of it too. fname names the call, should the file be
// closed meanwhile.
func (f *sockFile) hold(L *lua.LState, lock chan struct{}, fname string) {
	select {
	case lock <- struct{}{}:
		return
	default:
	}
	rt := f.s.rt
	t := rt.currentTask(L)
	var err error
	rt.unlocked(t, func() {
		select {
		case lock <- struct{}{}:
		case <-t.ctx.Done():
			err = t.ctx.Err()
		}
	})
	if err != nil {
		raise(L, err)
	}
	if f.closed {
		<-lock
		L.RaiseError("%s: I/O operation on closed file", fname)
	}
}

// fill receives more data into rbuf; false at end of stream.
func (f *sockFile) fill(L *lua.LState) bool {
	if f.eof {
		return false
	}
	// recvString holds a shared read buffer only for the system call, not
	// for the wait (readbuf.go).
	tc := f.s.rt.traceBegin()
	data, err := f.s.sys.recvString(L, pooledBufSize, 0)
	if tc != nil {
		tc.emit(L, f.s, &traceNote{event: "recv", call: "makefile", data: tc.head(string(data)), bytes: len(data),
			bufsize: pooledBufSize, isData: err == nil}, err)
	}
	if err != nil {
		raise(L, err)
	}
	if len(data) == 0 {
		f.eof = true
		return false
	}
	f.rbuf = append(f.rbuf, data...)
	return true
}

// line returns the next line including its "\n" ("" at end of stream; the
// last line may lack the newline).
func (f *sockFile) line(L *lua.LState) string {
	start := 0
	for {
		if i := bytes.IndexByte(f.rbuf[start:], '\n'); i >= 0 {
			line := string(f.rbuf[:start+i+1])
			f.rbuf = f.rbuf[start+i+1:]
			return line
		}
		start = len(f.rbuf)
		if !f.fill(L) {
			line := string(f.rbuf)
			f.rbuf = nil
			return line
		}
	}
}

// file:read(n?) -> data   (n bytes, fewer only at end of stream; no n: everything until the peer closes)
func fileRead(L *lua.LState) int {
	f := checkReadable(L, "file:read")
	n := -1
	switch v := L.Get(2).(type) {
	case lua.LNumber:
		n = intArg(L, 2, "file:read", "size")
	case lua.LString:
		if v != "a" && v != "*a" {
			lualib.ArgError(L, 2, "file:read", "size must be a number, \"a\" or nil")
		}
	case *lua.LNilType:
	default:
		lualib.ArgError(L, 2, "file:read", "size must be a number, got "+argTypeName(v))
	}
	f.hold(L, f.reading, "file:read")
	defer func() { <-f.reading }()
	for n < 0 || len(f.rbuf) < n {
		if !f.fill(L) {
			break
		}
	}
	if n < 0 || n > len(f.rbuf) {
		n = len(f.rbuf)
	}
	L.Push(lua.LString(f.rbuf[:n]))
	f.rbuf = f.rbuf[n:]
	return 1
}

// file:readline() -> line   (with its "\n"; "" at end of stream, as in Python)
func fileReadline(L *lua.LState) int {
	f := checkReadable(L, "file:readline")
	f.hold(L, f.reading, "file:readline")
	defer func() { <-f.reading }()
	L.Push(lua.LString(f.line(L)))
	return 1
}

// file:lines() -> iterator   (for line in f:lines() do ... end; lines without "\n" or "\r\n", as Lua's)
func fileLines(L *lua.LState) int {
	f := checkReadable(L, "file:lines")
	// iterator() -> line | nil   (nil at end of stream)
	L.Push(L.NewFunction(func(L *lua.LState) int {
		if f.closed {
			L.RaiseError("file:lines: I/O operation on closed file")
		}
		f.hold(L, f.reading, "file:lines")
		defer func() { <-f.reading }()
		line := f.line(L)
		if line == "" {
			L.Push(lua.LNil)
			return 1
		}
		line = trimNewline(line)
		L.Push(lua.LString(line))
		return 1
	}))
	return 1
}

func trimNewline(s string) string {
	if len(s) > 0 && s[len(s)-1] == '\n' {
		s = s[:len(s)-1]
		if len(s) > 0 && s[len(s)-1] == '\r' {
			s = s[:len(s)-1]
		}
	}
	return s
}

// file:write(data, ...) -> file   (buffered; flush() sends)
func fileWrite(L *lua.LState) int {
	f := checkWritable(L, "file:write")
	for i := 2; i <= L.GetTop(); i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			f.wbuf.WriteString(string(v))
		case lua.LNumber:
			f.wbuf.WriteString(v.String())
		default:
			lualib.StringArgError(L, i, "file:write", "data")
		}
	}
	// Keep memory bounded for long writers without a flush.
	if f.wbuf.Len() >= 64*1024 {
		f.flush(L, "file:write")
	}
	L.Push(L.Get(1))
	return 1
}

func (f *sockFile) flush(L *lua.LState, fname string) {
	if f.wbuf.Len() == 0 {
		return
	}
	f.hold(L, f.writing, fname)
	defer func() { <-f.writing }()
	if f.wbuf.Len() == 0 {
		return // sent by the flush this one waited for
	}
	// Copied: another task may write to f while this one waits to send.
	data := bytes.Clone(f.wbuf.Bytes())
	f.wbuf.Reset()
	tc := f.s.rt.traceSend()
	if tc != nil {
		defer tc.settle() // a raise before emit (the sandbox) must not hold back the trace
	}
	err := f.s.sendAll(L, data, 0)
	if tc != nil {
		tc.emit(L, f.s, &traceNote{event: "send", call: "makefile", data: data, bytes: len(data), isData: err == nil}, err)
	}
	if err != nil {
		raise(L, err)
	}
}

// file:flush()   (sends what write buffered)
func fileFlush(L *lua.LState) int {
	f := checkOpenFile(L, "file:flush")
	f.flush(L, "file:flush")
	return 0
}

// file:close()   (flushes; the socket itself stays open)
func fileClose(L *lua.LState) int {
	f := checkFile(L, "file:close")
	if f.closed {
		return 0
	}
	if !f.s.closed() {
		f.flush(L, "file:close")
	}
	f.closed = true
	return 0
}
