package luabind

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lua/parse"
)

// The error classes Lua scripts see, modelled on Python's OSError family.
// Each class names its parent; is() walks up this chain.
var errorParents = map[string]string{
	"OSError":                "",
	"ConnectionError":        "OSError",
	"BrokenPipeError":        "ConnectionError",
	"ConnectionAbortedError": "ConnectionError",
	"ConnectionRefusedError": "ConnectionError",
	"ConnectionResetError":   "ConnectionError",
	"BlockingIOError":        "OSError",
	"TimeoutError":           "OSError",
	"FileNotFoundError":      "OSError",
	"FileExistsError":        "OSError",
	"PermissionError":        "OSError",
	"gaierror":               "OSError",
	"KeyboardInterrupt":      "",
	// The encoding module's (encoding.go), as Python's.
	"ValueError":         "",
	"UnicodeError":       "ValueError",
	"UnicodeDecodeError": "UnicodeError",
	"UnicodeEncodeError": "UnicodeError",
}

// errnoClass maps an errno to its class, as Python's PyErr_SetFromErrno does.
func errnoClass(e syscall.Errno) string {
	switch e {
	case syscall.EPIPE, syscall.ESHUTDOWN:
		return "BrokenPipeError"
	case syscall.ECONNABORTED:
		return "ConnectionAbortedError"
	case syscall.ECONNREFUSED:
		return "ConnectionRefusedError"
	case syscall.ECONNRESET:
		return "ConnectionResetError"
	case syscall.EAGAIN, syscall.EALREADY, syscall.EINPROGRESS:
		return "BlockingIOError"
	case syscall.ETIMEDOUT:
		return "TimeoutError"
	case syscall.ENOENT:
		return "FileNotFoundError"
	case syscall.EEXIST:
		return "FileExistsError"
	case syscall.EACCES, syscall.EPERM:
		return "PermissionError"
	}
	return "OSError"
}

// strerror is C's strerror text for e: Go's lower-case text with a capital,
// which is what Python prints.
func strerror(e syscall.Errno) string {
	s := e.Error()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// isA reports whether class is want or one of its descendants.
func isA(class, want string) bool {
	for c := class; c != ""; c = errorParents[c] {
		if c == want {
			return true
		}
	}
	return false
}

// errorMeta builds the metatable shared by all error values.
func (rt *Runtime) errorMeta() *lua.LTable {
	L := rt.L
	mt := L.NewTypeMetatable("sockplay.error")
	methods := L.NewTable()
	methods.RawSetString("is", L.NewFunction(errorIs))
	mt.RawSetString("__index", methods)
	mt.RawSetString("__tostring", L.NewFunction(errorToString))
	return mt
}

// newError makes an error value: a table {name=, errno=, strerror=,
// where=} with the error metatable. errno noErrno means none (Python's None).
func newError(L *lua.LState, class string, errno int, msg string) *lua.LTable {
	t := L.CreateTable(0, 5)
	t.RawSetString("name", lua.LString(class))
	if errno != noErrno {
		t.RawSetString("errno", lua.LNumber(errno))
	}
	t.RawSetString("strerror", lua.LString(msg))
	if w := luaWhere(L); w != "" {
		t.RawSetString("where", lua.LString(w))
	}
	L.SetMetatable(t, L.GetTypeMetatable("sockplay.error"))
	return t
}

// luaWhere is "file:line:" of the innermost Lua function on the stack.
// L.Where(1) alone names the caller, which is "[G]:" when a method is
// called straight from Go, as in pcall(sock.recv, sock, 10).
func luaWhere(L *lua.LState) string {
	for level := 1; ; level++ {
		w := L.Where(level)
		if w == "" || !strings.HasPrefix(w, "[G]") {
			return w
		}
	}
}

// noErrno marks an error without errno (Python's errno None).
const noErrno = -1 << 31

// errorValue converts a Go error from the network stack into a Lua error
// value: class and errno from syscall.Errno, never from message text. A
// socket method's error records the socket's family (recordFamily).
func errorValue(L *lua.LState, err error) *lua.LTable {
	t := classifyError(L, err)
	recordFamily(L, t)
	return t
}

// classifyError is errorValue without the family.
func classifyError(L *lua.LState, err error) *lua.LTable {
	var errno syscall.Errno
	var dnsErr *net.DNSError
	var addrErr *net.AddrError
	var gai *gaiError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// The run's context ended (Ctrl-C, Cancel, the host's deadline).
		return newError(L, "KeyboardInterrupt", noErrno, "interrupted")
	case errors.Is(err, os.ErrDeadlineExceeded):
		return newError(L, "TimeoutError", noErrno, "timed out")
	case errors.As(err, &errno):
		return newError(L, errnoClass(errno), int(errno), strerror(errno))
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return newError(L, "gaierror", -2, "Name or service not known") // EAI_NONAME
		}
		return newError(L, "gaierror", -3, "Temporary failure in name resolution") // EAI_AGAIN
	case errors.As(err, &gai):
		return newError(L, "gaierror", gai.code, gai.msg)
	case errors.As(err, &addrErr):
		return newError(L, "gaierror", -2, addrErr.Error())
	case errors.Is(err, os.ErrClosed):
		return newError(L, "OSError", int(syscall.EBADF), strerror(syscall.EBADF))
	}
	return newError(L, "OSError", noErrno, err.Error())
}

// gaiError is a getaddrinfo failure with its EAI_* code, as Python
// reports it: gaierror: [Errno -9] Address family for hostname not supported.
type gaiError struct {
	code int
	msg  string
}

func (e *gaiError) Error() string { return e.msg }

// raise raises err (a Go error) as a Lua error value.
func raise(L *lua.LState, err error) int {
	L.Error(errorValue(L, err), 0)
	return 0
}

// raiseErrno raises an OSError of errno's class.
func raiseErrno(L *lua.LState, e syscall.Errno) int {
	t := newError(L, errnoClass(e), int(e), strerror(e))
	recordFamily(L, t)
	L.Error(t, 0)
	return 0
}

// raiseFamily raises err for a call on a socket of family that is not its
// self (socket.create_server's).
func raiseFamily(L *lua.LState, err error, family int) int {
	t := classifyError(L, err)
	t.RawSetString("family", lua.LNumber(family))
	L.Error(t, 0)
	return 0
}

// recordFamily sets t.family to the address family of the socket whose
// method is raising t (its self, argument 1, or a makefile object's
// socket), so that a hint can tell a socket file from a port. Errors of
// module functions have no family, unless they set it (raiseFamily).
func recordFamily(L *lua.LState, t *lua.LTable) {
	ud, ok := L.Get(1).(*lua.LUserData)
	if !ok {
		return
	}
	switch v := ud.Value.(type) {
	case *Socket:
		t.RawSetString("family", lua.LNumber(v.family))
	case *sockFile:
		t.RawSetString("family", lua.LNumber(v.s.family))
	}
}

// errorFamily is the family an error value recorded, 0 if none.
func errorFamily(t *lua.LTable) int {
	if f, ok := t.RawGetString("family").(lua.LNumber); ok {
		return int(f)
	}
	return 0
}

// err:is(name | class) -> boolean   (true if err is that class or a subclass)
func errorIs(L *lua.LState) int {
	t, ok := L.Get(1).(*lua.LTable)
	if !ok {
		L.RaiseError("bad self to 'err:is' (error value expected, got %s; call it as err:is(...), with a colon)", typeName(L.Get(1)))
	}
	var want string
	switch v := L.Get(2).(type) {
	case lua.LString:
		want = string(v)
	case *lua.LTable:
		want = lua.LVAsString(v.RawGetString("name"))
	default:
		argError(L, 2, "err:is", "class name or class expected, got "+typeName(v))
	}
	if _, known := errorParents[want]; !known {
		argError(L, 2, "err:is", fmt.Sprintf("unknown error class %q", want))
	}
	L.Push(lua.LBool(isA(lua.LVAsString(t.RawGetString("name")), want)))
	return 1
}

// tostring(err) -> "ConnectionRefusedError: [Errno 111] Connection refused"
func errorToString(L *lua.LState) int {
	L.Push(lua.LString(errorText(L.CheckTable(1))))
	return 1
}

func errorText(t *lua.LTable) string {
	name := lua.LVAsString(t.RawGetString("name"))
	msg := lua.LVAsString(t.RawGetString("strerror"))
	if n, ok := t.RawGetString("errno").(lua.LNumber); ok {
		return fmt.Sprintf("%s: [Errno %d] %s", name, int(n), msg)
	}
	return name + ": " + msg
}

// isErrorValue reports whether v is one of our error tables.
func isErrorValue(L *lua.LState, v lua.LValue) (*lua.LTable, bool) {
	t, ok := v.(*lua.LTable)
	if !ok || L.GetMetatable(t) != L.GetTypeMetatable("sockplay.error") {
		return nil, false
	}
	return t, true
}

// openErrorClasses exposes the classes as socket.OSError etc. (tables with
// a name), so err:is(socket.ConnectionError) reads like Python's except.
func (rt *Runtime) openErrorClasses(mod *lua.LTable) {
	L := rt.L
	for name := range errorParents {
		c := L.NewTable()
		c.RawSetString("name", lua.LString(name))
		mod.RawSetString(name, c)
	}
	// Python's aliases.
	mod.RawSetString("error", mod.RawGetString("OSError"))
	mod.RawSetString("timeout", mod.RawGetString("TimeoutError"))
}

// ErrorKind says how a run ended with an error.
type ErrorKind int

const (
	RuntimeError ErrorKind = iota // an uncaught Lua error
	SyntaxError                   // the script does not compile
	Interrupted                   // cancelled (Ctrl-C)
	Exit                          // os.exit(code) with a non-zero code
)

// Error is how a run reports failure to Go.
type Error struct {
	Kind      ErrorKind
	Msg       string // "file:line: message", as the runner prints it
	Class     string // for Lua error values: "ConnectionRefusedError", ...
	Errno     int    // 0 if none
	Family    int    // the address family (syscall.AF_UNIX, ...) of the socket whose call raised it; 0 if none
	Hint      string // a one-line hint for common beginner errors, or ""
	Traceback string // Lua stack traceback, if known
	Code      int    // for Exit
	// Incomplete: a syntax error at the end of the input (an open block,
	// string or call), which more lines could complete.
	Incomplete bool
}

func (e *Error) Error() string { return e.Msg }

func syntaxError(chunk string, err error) *Error {
	var apiErr *lua.ApiError
	var pe *parse.Error
	if errors.As(err, &apiErr) && apiErr.Cause != nil && errors.As(apiErr.Cause, &pe) {
		// gopher-lua's own text ("x line:3(column:5) near 'y':   syntax
		// error") becomes the usual "x:3: syntax error near 'y'".
		if pe.Pos.Line == parse.EOF {
			return &Error{Kind: SyntaxError, Incomplete: true,
				Msg: fmt.Sprintf("%s: %s at end of input", chunk, pe.Message)}
		}
		return &Error{Kind: SyntaxError,
			Msg: fmt.Sprintf("%s:%d: %s near '%s'", chunk, pe.Pos.Line, pe.Message, pe.Token)}
	}
	msg := err.Error()
	if apiErr != nil {
		msg = lua.LVAsString(apiErr.Object)
	}
	msg = strings.TrimSpace(msg)
	if !strings.HasPrefix(msg, chunk) {
		msg = chunk + ": " + msg
	}
	return &Error{Kind: SyntaxError, Msg: msg}
}
