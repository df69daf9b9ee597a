package lualib

import (
	"fmt"
	"strings"

	lua "github.com/sockplay/sockplay/lua"
)

// Error values, as Python's exceptions: a table {name=, errno=,
// strerror=, where=} with a shared metatable, so that tostring(err) is
// "ConnectionRefusedError: [Errno 111] Connection refused" and
// err:is("ConnectionError") follows the class tree below. Package luabind
// makes them from the network stack's errors (its errors.go); the
// encoding module raises UnicodeDecodeError with them.

// errorParents is the class tree: each class names its parent, "" for a
// root. err:is walks up it.
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
	"NameError":              "",
	"ValueError":             "",
	"UnicodeError":           "ValueError",
	"UnicodeDecodeError":     "UnicodeError",
	"UnicodeEncodeError":     "UnicodeError",
}

const errorMetaName = "sockplay.error"

// NoErrno is the errno of an error value that has none (Python's None).
const NoErrno = -1 << 31

// IsErrorClass reports whether name is a class of the tree.
func IsErrorClass(name string) bool {
	_, ok := errorParents[name]
	return ok
}

// IsA reports whether class is want or one of its descendants.
func IsA(class, want string) bool {
	for c := class; c != ""; c = errorParents[c] {
		if c == want {
			return true
		}
	}
	return false
}

// OpenErrors installs the metatable of error values (err:is, tostring).
// NewError uses it; opening it twice changes nothing.
func OpenErrors(L *lua.LState) {
	mt := L.NewTypeMetatable(errorMetaName)
	if mt.RawGetString("__index") != lua.LNil {
		return
	}
	methods := L.NewTable()
	methods.RawSetString("is", L.NewFunction(errorIs))
	mt.RawSetString("__index", methods)
	mt.RawSetString("__tostring", L.NewFunction(errorToString))
}

// AddErrorClasses puts a table {name = class} per class into mod, with
// Python's aliases error (OSError) and timeout (TimeoutError), so that
// err:is(socket.ConnectionError) reads like Python's except clause.
func AddErrorClasses(L *lua.LState, mod *lua.LTable) {
	for name := range errorParents {
		c := L.NewTable()
		c.RawSetString("name", lua.LString(name))
		mod.RawSetString(name, c)
	}
	mod.RawSetString("error", mod.RawGetString("OSError"))
	mod.RawSetString("timeout", mod.RawGetString("TimeoutError"))
}

// NewError makes an error value of class: errno NoErrno means none, msg
// is its strerror, and where is the Lua position raising it. Raise it
// with L.Error(v, 0).
func NewError(L *lua.LState, class string, errno int, msg string) *lua.LTable {
	t := L.CreateTable(0, 5)
	t.RawSetString("name", lua.LString(class))
	if errno != NoErrno {
		t.RawSetString("errno", lua.LNumber(errno))
	}
	t.RawSetString("strerror", lua.LString(clip(msg, maxMessage))) // it may quote a huge argument
	if w := Where(L); w != "" {
		t.RawSetString("where", lua.LString(w))
	}
	L.SetMetatable(t, L.GetTypeMetatable(errorMetaName))
	return t
}

// Where is "file:line:" of the innermost Lua function on the stack, ""
// if there is none. L.Where(1) alone names the caller, which is "[G]:"
// when a method is called straight from Go, as in pcall(sock.recv, sock,
// 10).
func Where(L *lua.LState) string {
	for level := 1; ; level++ {
		w := L.Where(level)
		if w == "" || !strings.HasPrefix(w, "[G]") {
			return w
		}
	}
}

// IsError reports whether v is an error value, and returns its table.
func IsError(L *lua.LState, v lua.LValue) (*lua.LTable, bool) {
	t, ok := v.(*lua.LTable)
	if !ok || L.GetMetatable(t) != L.GetTypeMetatable(errorMetaName) {
		return nil, false
	}
	return t, true
}

// ErrorText is an error value as tostring shows it:
// "ConnectionRefusedError: [Errno 111] Connection refused".
func ErrorText(t *lua.LTable) string {
	name := lua.LVAsString(t.RawGetString("name"))
	msg := lua.LVAsString(t.RawGetString("strerror"))
	if n, ok := t.RawGetString("errno").(lua.LNumber); ok {
		return fmt.Sprintf("%s: [Errno %d] %s", name, int(n), msg)
	}
	return name + ": " + msg
}

// err:is(name | class) -> boolean   (true if err is that class or a subclass)
func errorIs(L *lua.LState) int {
	t, ok := L.Get(1).(*lua.LTable)
	if !ok {
		SelfError(L, "err:is", "error value")
	}
	var want string
	switch v := L.Get(2).(type) {
	case lua.LString:
		want = string(v)
	case *lua.LTable:
		want = lua.LVAsString(v.RawGetString("name"))
	default:
		ArgError(L, 2, "err:is", "class name or class expected, got "+TypeName(v))
	}
	if !IsErrorClass(want) {
		ArgError(L, 2, "err:is", fmt.Sprintf("unknown error class %q", want))
	}
	L.Push(lua.LBool(IsA(lua.LVAsString(t.RawGetString("name")), want)))
	return 1
}

// tostring(err) -> "ConnectionRefusedError: [Errno 111] Connection refused"
func errorToString(L *lua.LState) int {
	L.Push(lua.LString(ErrorText(L.CheckTable(1))))
	return 1
}
