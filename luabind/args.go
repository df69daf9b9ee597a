package luabind

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// Argument checks of the runtime's Lua functions: numbers, timeouts, and
// self of the methods of sockets, makefile and io.popen files, tasks and
// the io streams. Their errors name the function and the argument
// (lualib.ArgError, lualib.SelfError, which lualib's libraries use too).

// intArg reads an integer argument (a 32-bit one: counts, sizes,
// constants).
func intArg(L *lua.LState, n int, fname, what string) int {
	v := L.Get(n)
	f, ok := v.(lua.LNumber)
	if !ok {
		lualib.ArgError(L, n, fname, what+" must be an integer, got "+argTypeName(v))
	}
	checkInt32(L, n, fname, what, f)
	return int(f)
}

// argTypeName names the type of a wrong argument, and shows a string
// that holds a number ("got the string \"1024\""): arg[1], input() and
// recv give strings, which Lua's numbers are not (runtimeHint says
// tonumber).
func argTypeName(v lua.LValue) string {
	if s, ok := v.(lua.LString); ok {
		if _, err := strconv.ParseFloat(strings.TrimSpace(string(s)), 64); err == nil {
			return fmt.Sprintf("the string %q", string(s))
		}
	}
	return lualib.TypeName(v)
}

// checkInt32 raises the argument error of a number that is not a 32-bit
// integer (what names it).
func checkInt32(L *lua.LState, n int, fname, what string, f lua.LNumber) {
	switch x := float64(f); {
	case x != math.Trunc(x):
		lualib.ArgError(L, n, fname, fmt.Sprintf("%s must be an integer, got %s", what, f.String()))
	case math.Abs(x) > math.MaxInt32:
		lualib.ArgError(L, n, fname, fmt.Sprintf("%s out of range (-2147483647 to 2147483647), got %s", what, f.String()))
	}
}

// optIntArg is intArg with def for a nil or missing argument.
func optIntArg(L *lua.LState, n int, fname, what string, def int) int {
	if L.Get(n) == lua.LNil {
		return def
	}
	return intArg(L, n, fname, what)
}

// uintArg reads an integer from 0 to max (up to 2^53: byte orders).
func uintArg(L *lua.LState, n int, fname string, max uint64) uint64 {
	v := intArgWide(L, n, fname)
	if v < 0 || uint64(v) > max {
		lualib.ArgError(L, n, fname, fmt.Sprintf("value must be 0-%d", max))
	}
	return uint64(v)
}

// intArgWide reads an integer of any size a Lua number holds exactly.
func intArgWide(L *lua.LState, n int, fname string) int64 {
	f, ok := L.Get(n).(lua.LNumber)
	if !ok || float64(f) != float64(int64(f)) {
		lualib.ArgError(L, n, fname, "integer expected, got "+lualib.TypeName(L.Get(n)))
	}
	return int64(f)
}

// durationArg reads a timeout in seconds: nil means none (-1).
func durationArg(L *lua.LState, n int, fname string) time.Duration {
	v := L.Get(n)
	if v == lua.LNil {
		return -1
	}
	f, ok := v.(lua.LNumber)
	if !ok {
		lualib.ArgError(L, n, fname, "timeout must be a number or nil, got "+argTypeName(v))
	}
	secs := float64(f)
	if secs < 0 || math.IsNaN(secs) {
		lualib.ArgError(L, n, fname, "timeout value out of range (must be >= 0 or nil)")
	}
	return secondsDuration(secs)
}

// secondsDuration is a non-negative number of seconds as a Duration,
// rounded up to the nanosecond as Python rounds timeouts: a tiny positive
// timeout stays a timeout (1e-10 is 1 ns, not 0, which would mean
// non-blocking). Beyond ~292 years a Duration overflows: more than 1e9
// seconds is 1e9 seconds, which is for ever here.
func secondsDuration(secs float64) time.Duration {
	return time.Duration(math.Ceil(math.Min(secs, 1e9) * float64(time.Second)))
}

// durationValue is a timeout for Lua: nil for none (< 0), else seconds.
func durationValue(d time.Duration) lua.LValue {
	if d < 0 {
		return lua.LNil
	}
	return lua.LNumber(d.Seconds())
}

// typedArg returns argument n as a T (a Lua table, boolean, ...), or
// raises "<what> expected, got <its type>".
func typedArg[T lua.LValue](L *lua.LState, n int, fname, what string) T {
	v, ok := L.Get(n).(T)
	if !ok {
		lualib.ArgError(L, n, fname, what+" expected, got "+lualib.TypeName(L.Get(n)))
	}
	return v
}

// typedField returns t[key] as a T, or raises "<what> '<key>' field
// expected" for argument n (LuaSocket's words for its option tables).
func typedField[T lua.LValue](L *lua.LState, n int, fname string, t *lua.LTable, key, what string) T {
	v, ok := t.RawGetString(key).(T)
	if !ok {
		lualib.ArgError(L, n, fname, what+" '"+key+"' field expected")
	}
	return v
}

// checkOptionKeys refuses keys of the options table t (argument n, as
// Python's keyword arguments) other than names: socket.socket{famly=...}
// must not quietly make an AF_INET socket.
func checkOptionKeys(L *lua.LState, n int, fname string, t *lua.LTable, names ...string) {
	t.ForEach(func(k, _ lua.LValue) {
		if ks, ok := k.(lua.LString); ok && slices.Contains(names, string(ks)) {
			return
		}
		lualib.ArgError(L, n, fname, fmt.Sprintf("unknown option %s (the options are %s)", lualib.ShowArg(k), strings.Join(names, ", ")))
	})
}

// intField reads the integer option key of the options table t (argument
// n); nil is def.
func intField(L *lua.LState, n int, fname string, t *lua.LTable, key string, def int) int {
	switch v := t.RawGetString(key).(type) {
	case *lua.LNilType:
		return def
	case lua.LNumber:
		checkInt32(L, n, fname, key, v)
		return int(v)
	default:
		lualib.ArgError(L, n, fname, key+" must be an integer, got "+argTypeName(v))
	}
	return def
}

// boolField reads the boolean option key of t (argument n); nil is false.
func boolField(L *lua.LState, n int, fname string, t *lua.LTable, key string) bool {
	switch v := t.RawGetString(key).(type) {
	case *lua.LNilType:
		return false
	case lua.LBool:
		return bool(v)
	default:
		lualib.ArgError(L, n, fname, key+" must be true or false, got "+lualib.TypeName(v))
	}
	return false
}

// recvArgs checks the arguments of recv and recvfrom: the socket, bufsize
// and flags.
func recvArgs(L *lua.LState, fname string) (s *Socket, bufsize, flags int) {
	s = checkSocket(L, fname)
	bufsize = intArg(L, 2, fname, "bufsize")
	if bufsize < 0 {
		lualib.ArgError(L, 2, fname, "negative buffersize in recv")
	}
	flags = optIntArg(L, 3, fname, "flags", 0)
	if flags&bsd.MSG_TRUNC != 0 && s.typ == bsd.SOCK_STREAM {
		// The kernel then discards the bytes without writing them: there
		// would be nothing to return but the count.
		lualib.ArgError(L, 3, fname, "MSG_TRUNC on a stream socket discards the bytes instead of returning them (it is for datagram sockets)")
	}
	return s, bufsize, flags
}

// msgLimitArg reads the optional limit argument of send_msg/recv_msg.
func msgLimitArg(L *lua.LState, n int, fname string) int {
	if L.Get(n) == lua.LNil {
		return DefaultMsgLimit
	}
	v := intArgWide(L, n, fname)
	if v < 0 || v > 1<<32-1 {
		lualib.ArgError(L, n, fname, "limit must be 0-4294967295 bytes (a 4-byte length)")
	}
	return int(v)
}

// selfArg returns argument 1 (self) of method fname if it is a userdata
// holding a T; otherwise it raises "bad self", naming what was expected:
// a method called with a dot instead of a colon.
func selfArg[T any](L *lua.LState, fname, expected string) T {
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if v, ok := ud.Value.(T); ok {
			return v
		}
	}
	lualib.SelfError(L, fname, expected)
	var zero T
	return zero
}

// checkSocket returns the open socket that is self of method fname; a
// closed socket raises EBADF as Python does.
func checkSocket(L *lua.LState, fname string) *Socket {
	s := checkAnySocket(L, fname)
	if s.closed() {
		raiseErrno(L, syscall.EBADF)
	}
	return s
}

// checkAnySocket is checkSocket for methods that a closed socket has too
// (close, fileno, gettimeout, tostring).
func checkAnySocket(L *lua.LState, fname string) *Socket {
	return selfArg[*Socket](L, fname, "socket")
}

// checkFile returns the makefile object that is self of method fname.
func checkFile(L *lua.LState, fname string) *sockFile {
	return selfArg[*sockFile](L, fname, "socket file")
}

// checkOpenFile is checkFile for a file whose socket is still open.
func checkOpenFile(L *lua.LState, fname string) *sockFile {
	f := checkFile(L, fname)
	if f.closed {
		L.RaiseError("%s: I/O operation on closed file", fname)
	}
	if f.s.closed() {
		raiseErrno(L, syscall.EBADF)
	}
	return f
}

// checkReadable and checkWritable are checkOpenFile for the methods that
// read or write: the file's mode must allow it.
func checkReadable(L *lua.LState, fname string) *sockFile {
	f := checkOpenFile(L, fname)
	if !f.readable {
		L.RaiseError("%s: file not open for reading (sock:makefile(\"rw\") makes a file that reads and writes)", fname)
	}
	return f
}

func checkWritable(L *lua.LState, fname string) *sockFile {
	f := checkOpenFile(L, fname)
	if !f.writable {
		L.RaiseError("%s: file not open for writing (sock:makefile(\"rw\") makes a file that reads and writes)", fname)
	}
	return f
}

// checkPopen returns the open io.popen file that is self of method fname.
func checkPopen(L *lua.LState, fname string) *popenFile {
	f := selfArg[*popenFile](L, fname, "file from io.popen")
	if f.closed {
		L.RaiseError("%s: attempt to use a closed file", fname)
	}
	return f
}

// checkTask returns the task object that is self of method fname.
func checkTask(L *lua.LState, fname string) *task {
	return selfArg[*task](L, fname, "task")
}

// checkStream raises "bad self" unless argument 1 is obj, one of the
// runtime's io.stdin, io.stdout, io.stderr (tables, not userdata).
func checkStream(L *lua.LState, obj *lua.LTable, fname string) {
	if L.Get(1) != obj {
		lualib.SelfError(L, fname, "file")
	}
}

// checkStreamSocket refuses message framing on a datagram socket.
func checkStreamSocket(L *lua.LState, s *Socket, fname string) {
	if s.typ != bsd.SOCK_STREAM {
		lualib.ArgError(L, 1, fname, "message framing is for stream sockets (SOCK_STREAM); a datagram keeps its boundaries by itself")
	}
}

// checkOption rejects options the library does not know, before the kernel
// gives a less helpful ENOPROTOOPT.
func checkOption(L *lua.LState, level, opt int, fname string) {
	for _, o := range knownOptions {
		if o.level == level && o.opt == opt {
			return
		}
	}
	lualib.ArgError(L, 3, fname, fmt.Sprintf("unknown option %d for level %d (use the socket.SO_*, TCP_*, IP_* constants)", opt, level))
}
