package luabind

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lua/parse"
	"github.com/sockplay/sockplay/lualib"
)

// Errors across the Go-Lua border: a Go error from the network stack
// becomes a Lua error value (package lualib's, with the class its errno
// says), and a run's failure becomes an *Error for the host.

// errnoClasses are the classes of errnos, as Python's PyErr_SetFromErrno
// chooses them; any other errno is an OSError.
var errnoClasses = map[syscall.Errno]string{
	syscall.EPIPE:        "BrokenPipeError",
	syscall.ESHUTDOWN:    "BrokenPipeError",
	syscall.ECONNABORTED: "ConnectionAbortedError",
	syscall.ECONNREFUSED: "ConnectionRefusedError",
	syscall.ECONNRESET:   "ConnectionResetError",
	syscall.EAGAIN:       "BlockingIOError",
	syscall.EALREADY:     "BlockingIOError",
	syscall.EINPROGRESS:  "BlockingIOError",
	syscall.ETIMEDOUT:    "TimeoutError",
	syscall.ENOENT:       "FileNotFoundError",
	syscall.EEXIST:       "FileExistsError",
	syscall.EACCES:       "PermissionError",
	syscall.EPERM:        "PermissionError",
}

// errnoClass is e's class.
func errnoClass(e syscall.Errno) string {
	if c, ok := errnoClasses[e]; ok {
		return c
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

// errorValue converts a Go error from the network stack into a Lua error
// value: class and errno from syscall.Errno, never from message text. A
// socket method's error records the socket's kind and the method
// (recordSocket).
func errorValue(L *lua.LState, err error) *lua.LTable {
	t := classifyError(L, err)
	recordSocket(L, t)
	return t
}

// classifyError is errorValue without the family.
func classifyError(L *lua.LState, err error) *lua.LTable {
	var errno syscall.Errno
	var dnsErr *net.DNSError
	var addrErr *net.AddrError
	var gai *gaiError
	var unsupported *portUnsupported
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// The run's context ended (Ctrl-C, Cancel, the host's deadline).
		return lualib.NewError(L, "KeyboardInterrupt", lualib.NoErrno, "interrupted")
	case errors.Is(err, os.ErrDeadlineExceeded):
		return lualib.NewError(L, "TimeoutError", lualib.NoErrno, "timed out")
	case errors.As(err, &unsupported):
		// What the portable backend cannot do, said so.
		e := unsupported.errno
		return lualib.NewError(L, errnoClass(e), int(e), strerror(e)+" ("+unsupported.what+")")
	case errors.As(err, &errno):
		return lualib.NewError(L, errnoClass(errno), int(errno), strerror(errno))
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return lualib.NewError(L, "gaierror", -2, "Name or service not known") // EAI_NONAME
		}
		return lualib.NewError(L, "gaierror", -3, "Temporary failure in name resolution") // EAI_AGAIN
	case errors.As(err, &gai):
		return lualib.NewError(L, "gaierror", gai.code, gai.msg)
	case errors.As(err, &addrErr):
		return lualib.NewError(L, "gaierror", -2, addrErr.Error())
	case errors.Is(err, os.ErrClosed):
		return lualib.NewError(L, "OSError", int(syscall.EBADF), strerror(syscall.EBADF))
	}
	return lualib.NewError(L, "OSError", lualib.NoErrno, err.Error())
}

// gaiError is a getaddrinfo failure with its EAI_* code, as Python
// reports it: gaierror: [Errno -9] Address family for hostname not supported.
type gaiError struct {
	code int
	msg  string
}

func (e *gaiError) Error() string { return e.msg }

// valueError is an error value made in Lua (newError), as a Go error, so
// that emit can show it.
type valueError struct{ t *lua.LTable }

func (e valueError) Error() string { return lualib.ErrorText(e.t) }

// raise raises err (a Go error) as a Lua error value.
func raise(L *lua.LState, err error) int {
	L.Error(errorValue(L, err), 0)
	return 0
}

// pushResult pushes v and returns 1, or raises err if it is not nil: the
// end of a Lua function that returns one value of a call that may fail.
func pushResult(L *lua.LState, v lua.LValue, err error) int {
	if err != nil {
		return raise(L, err)
	}
	L.Push(v)
	return 1
}

// raiseErrno raises an OSError of errno's class.
func raiseErrno(L *lua.LState, e syscall.Errno) int {
	t := lualib.NewError(L, errnoClass(e), int(e), strerror(e))
	recordSocket(L, t)
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

// raiseConnect raises err of socket.create_connection's last connect, to
// sa, with what a hint needs to know: a TCP socket, the address.
func raiseConnect(L *lua.LState, err error, sa sockAddr) int {
	t := classifyError(L, err)
	if sa.ok() && lua.LVAsString(t.RawGetString("name")) != "KeyboardInterrupt" {
		t.RawSetString("family", lua.LNumber(sa.family))
		t.RawSetString("type", lua.LNumber(bsd.SOCK_STREAM))
		t.RawSetString("call", lua.LString("socket.create_connection"))
		t.RawSetString("address", newAddr(L, sa))
	}
	L.Error(t, 0)
	return 0
}

// recordSocket notes on t what a hint needs to know of the socket whose
// method is raising t (its self, argument 1, or a makefile object's
// socket): its family (a socket file is not a port), its type (UDP is
// not TCP) and the method (sendto on a TCP socket is not send). Errors of
// module functions have none of these, unless they set them
// (raiseFamily).
func recordSocket(L *lua.LState, t *lua.LTable) {
	ud, ok := L.Get(1).(*lua.LUserData)
	if !ok {
		return
	}
	var s *Socket
	switch v := ud.Value.(type) {
	case *Socket:
		s = v
	case *sockFile:
		s = v.s
	default:
		return
	}
	t.RawSetString("family", lua.LNumber(s.family))
	t.RawSetString("type", lua.LNumber(s.typ))
	if lua.LVAsString(t.RawGetString("name")) == "KeyboardInterrupt" {
		return // cancelled (a run's end: every task at once): no hint to choose
	}
	if n, ok := t.RawGetString("errno").(lua.LNumber); ok && int(n) == int(syscall.EAGAIN) {
		s.rt.warns.polls.Add(1) // a poll that found nothing (warnings.go)
		s.rt.wakeWatch()
	}
	if name := s.rt.methodName(L); name != "" {
		t.RawSetString("call", lua.LString(name))
	}
	if lua.LVAsString(t.RawGetString("name")) == "TimeoutError" && s.timeout > 0 {
		// How long it waited: a grader's failure says so (luatest).
		t.RawSetString("timeout", lua.LNumber(s.timeout.Seconds()))
	}
	if n, ok := t.RawGetString("errno").(lua.LNumber); ok && int(n) == int(syscall.EPIPE) && s.unconnected {
		t.RawSetString("unconnected", lua.LTrue)
	}
	if s.typ == bsd.SOCK_DGRAM && !s.closed() && unanswered(t) {
		// Where the datagrams went that nothing answered.
		sa, err := s.sys.peername()
		if err != nil {
			sa = s.sentTo
		}
		if sa.ok() {
			t.RawSetString("address", newAddr(L, sa))
		}
	}
}

// unanswered: the error value says that nothing answered a datagram
// (a timeout, or the ICMP port-unreachable of a connected socket).
func unanswered(t *lua.LTable) bool {
	if lua.LVAsString(t.RawGetString("name")) == "TimeoutError" {
		return true
	}
	n, ok := t.RawGetString("errno").(lua.LNumber)
	return ok && int(n) == int(syscall.ECONNREFUSED)
}

// methodName is the name of the socket method L is running ("sendto"),
// "" if it runs none: the function of the innermost frame, looked up
// among the methods. It names the method however it was called
// (pcall(s.accept, s) too).
func (rt *Runtime) methodName(L *lua.LState) string {
	dbg, ok := L.GetStack(0)
	if !ok {
		return ""
	}
	fn, err := L.GetInfo("f", dbg, nil)
	f, ok := fn.(*lua.LFunction)
	if err != nil || !ok || rt.sockMethods == nil {
		return ""
	}
	if rt.methodNames == nil {
		rt.methodNames = map[*lua.LFunction]string{}
		rt.sockMethods.ForEach(func(k, v lua.LValue) {
			if m, ok := v.(*lua.LFunction); ok {
				rt.methodNames[m] = lua.LVAsString(k)
			}
		})
	}
	return rt.methodNames[f]
}

// addrPortOf is the address of an error value's address field ({host,
// port} with an IP), invalid if it has none.
func addrPortOf(v lua.LValue) netip.AddrPort {
	t, ok := v.(*lua.LTable)
	if !ok {
		return netip.AddrPort{}
	}
	ip, err := netip.ParseAddr(lua.LVAsString(t.RawGetInt(1)))
	port, isNum := t.RawGetInt(2).(lua.LNumber)
	if err != nil || !isNum || port < 0 || port > 65535 {
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(ip.WithZone(""), uint16(port))
}

// errorFamily is the family an error value recorded, 0 if none.
func errorFamily(t *lua.LTable) int {
	if f, ok := t.RawGetString("family").(lua.LNumber); ok {
		return int(f)
	}
	return 0
}

// describe turns a task's error into an *Error for the host: the
// message, the class and errno of an error value, and a hint. explain
// adds the traceback and the source line.
func (rt *Runtime) describe(err error) *Error {
	var apiErr *lua.ApiError
	if !errors.As(err, &apiErr) {
		return &Error{Kind: RuntimeError, Msg: err.Error(), lang: rt.opts.Lang}
	}
	e := &Error{Kind: RuntimeError, Traceback: apiErr.StackTrace, lang: rt.opts.Lang}
	if t, ok := lualib.IsError(rt.L, apiErr.Object); ok {
		e.Class = lua.LVAsString(t.RawGetString("name"))
		if n, ok := t.RawGetString("errno").(lua.LNumber); ok {
			e.Errno = int(n)
		}
		e.Family = errorFamily(t)
		if n, ok := t.RawGetString("type").(lua.LNumber); ok {
			e.SockType = int(n)
		}
		e.Call = lua.LVAsString(t.RawGetString("call"))
		e.addr = addrPortOf(t.RawGetString("address"))
		e.Msg = lualib.ErrorText(t)
		if w := lua.LVAsString(t.RawGetString("where")); w != "" {
			e.Msg = w + " " + e.Msg
		}
		if e.Class == "KeyboardInterrupt" {
			e.Kind = Interrupted
		}
		e.global = lua.LVAsString(t.RawGetString("variable")) // a NameError's
		e.unconnected = lua.LVAsBool(t.RawGetString("unconnected"))
	} else {
		e.Msg = lua.LVAsString(apiErr.Object)
		if e.Msg == "" {
			e.Msg = fmt.Sprintf("error object is a %s value", apiErr.Object.Type())
		}
	}
	e.Hint = hintFor(e.lang, e, probeProc)
	if h := rt.ownServersHint(e); h != "" {
		e.Hint = h
	}
	if h := rt.ownPortHint(e); h != "" {
		e.Hint = h
	}
	return e
}

// ErrorKind says how a run ended with an error.
type ErrorKind int

const (
	RuntimeError ErrorKind = iota // an uncaught Lua error
	SyntaxError                   // the script does not compile
	Interrupted                   // cancelled (Ctrl-C)
	Exit                          // os.exit(code) with a non-zero code
)

// Error is how a run reports failure to Go. Report gives the text the
// command line prints.
type Error struct {
	Kind   ErrorKind
	Msg    string // "file:line: message", as the runner prints it
	Class  string // for Lua error values: "ConnectionRefusedError", ...
	Errno  int    // 0 if none
	Family int    // the address family (syscall.AF_UNIX, ...) of the socket whose call raised it; 0 if none
	// SockType and Call: the type (syscall.SOCK_STREAM, ...) of that
	// socket and its method ("sendto"); 0 and "" if none.
	SockType int
	Call     string
	Hint     string // a one-line hint for common beginner errors, or ""
	Code     int    // for Exit
	// Incomplete: a syntax error at the end of the input (an open block,
	// string or call), which more lines could complete.
	Incomplete bool

	// Where it is: the line of the chunk the message names, the text of
	// that line, and the column (in characters, from 1) of what the
	// message is about; 0 and "" when unknown. A syntax error has them
	// whenever the parser names a token; a runtime error when the
	// runtime has the chunk's source (RunFile, RunString, RunScript,
	// Session.StartCode, Runtime.AddSource) and the message names a
	// variable, field or method of that line.
	Line       int
	Column     int
	SourceLine string

	// Frames are the calls on the task's stack when the error was
	// raised, innermost first (Go functions too); nil if not known.
	Frames []lua.StackFrame
	// Traceback is the traceback of every frame, innermost last, as
	// Python prints one; "" if not known.
	Traceback string
	// Task names the task an error ended, for a spawned task or a
	// background script: "task 3 (spawned at echo.lua:12)"; "" for a
	// run's main chunk or an evaluation.
	Task string

	lang   Language // the language of Hint, and of Report's words
	global string   // the variable a NameError is about
	cause  error    // what interrupted the run (Unwrap)
	// unconnected: the socket of the call was never connected (recordSocket)
	unconnected bool
	addr        netip.AddrPort // the address of the call (bind's, connect's), if known
}

func (e *Error) Error() string { return e.Msg }

// Unwrap is what interrupted the run, for Interrupted: the error of the
// context given to the run (context.DeadlineExceeded, context.Canceled),
// so that errors.Is tells a deadline from a Ctrl-C; nil otherwise (and
// when Cancel, Close or a KeyboardInterrupt interrupted it).
func (e *Error) Unwrap() error { return e.cause }

// NewSyntaxError describes err, the error of compiling code (named name)
// with parse.Parse, lua.Compile or LState.Load, as sockplay shows a
// syntax error wherever it meets one (a script, the REPL, a test file):
// Lua's message with its line, the source line and the column of the
// token for a caret, a hint when the line looks like Python, and whether
// more lines could complete the chunk (an error at its end).
func NewSyntaxError(name, code string, err error) *Error {
	return newSyntaxError(English, name, code, err)
}

// NewSyntaxError is the package's NewSyntaxError, its hint in the
// runtime's language.
func (rt *Runtime) NewSyntaxError(name, code string, err error) *Error {
	return newSyntaxError(rt.opts.Lang, name, code, err)
}

func newSyntaxError(l Language, name, code string, err error) *Error {
	var pe *parse.Error
	if !errors.As(err, &pe) {
		msg := err.Error()
		var apiErr *lua.ApiError
		if errors.As(err, &apiErr) {
			msg = lua.LVAsString(apiErr.Object)
		}
		msg = strings.TrimSpace(msg)
		if !strings.HasPrefix(msg, name+":") {
			msg = name + ": " + msg
		}
		return &Error{Kind: SyntaxError, Msg: msg, lang: l}
	}
	e := &Error{Kind: SyntaxError, Msg: pe.Error(), Line: pe.Line, Incomplete: pe.Near == "<eof>", lang: l}
	// The lexer skips a byte-order mark: its columns start after it.
	lines := strings.Split(strings.TrimPrefix(code, utf8BOM), "\n")
	if !e.Incomplete && pe.Line >= 1 && pe.Line <= len(lines) {
		line := strings.TrimSuffix(lines[pe.Line-1], "\r")
		e.SourceLine = line
		if pe.Column > 0 {
			e.Column = utf8.RuneCountInString(line[:min(pe.Column-1, len(line))]) + 1
		}
	}
	e.Hint = syntaxHint(l, pe, lines)
	return e
}
