package lualib

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	lua "github.com/sockplay/sockplay/lua"
)

// Argument checks. Every library of sockplay reports misuse the same way,
// naming the function and the argument: "bad argument #2 to 'sock:bind'
// (port must be 0-65535, got 70000)", or for a method called with a dot,
// "bad self to 'sock:recv' (socket expected, got number; call it as
// sock:recv(...), with a colon)". Package luabind checks its arguments
// with these too.

// ArgError raises "bad argument #n to 'fname' (msg)". For a method, fname
// is "obj:name" ("sock:recv", "file:read") and n counts the arguments
// after self, as the user wrote them. It does not return.
func ArgError(L *lua.LState, n int, fname, msg string) {
	if strings.Contains(fname, ":") {
		n--
	}
	L.RaiseError("bad argument #%d to '%s' (%s)", n, fname, clip(msg, maxMessage))
}

// maxEcho is how many bytes of a bad argument a message shows (ShowArg),
// as CPython's messages print arguments with %.200s: a 10 MB argument
// must not make a 10 MB message. maxMessage bounds a whole argument
// error, for the messages that show what they were given some other way.
const (
	maxEcho    = 200
	maxMessage = 2000
)

// ShowArg is v as an error message shows a bad argument: a string quoted
// (escapes for control and non-UTF-8 bytes), only its first 200 bytes;
// a number as Lua writes it; anything else by its type.
func ShowArg(v lua.LValue) string {
	switch x := v.(type) {
	case lua.LString:
		if len(x) > maxEcho {
			return Quote(string(x[:maxEcho])) + fmt.Sprintf("... (%d bytes)", len(x))
		}
		return Quote(string(x))
	case lua.LNumber:
		return x.String()
	}
	return TypeName(v)
}

// Echo is s as a message echoes text it was given: its first 200 bytes,
// and how long it was when it was longer.
func Echo(s string) string {
	if len(s) > maxEcho {
		return s[:maxEcho] + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return s
}

// clip cuts s to at most n bytes, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// SelfError raises the error of method fname ("sock:recv") called on
// something other than its object, which is what a dot instead of a
// colon does: "bad self to 'sock:recv' (socket expected, got number;
// call it as sock:recv(...), with a colon)". expected names the object.
// It does not return.
func SelfError(L *lua.LState, fname, expected string) {
	L.RaiseError("bad self to '%s' (%s expected, got %s; call it as %s(...), with a colon)",
		fname, expected, TypeName(L.Get(1)), fname)
}

// TypeName is v's type for an argument error; nil is "no value", as a
// missing argument is.
func TypeName(v lua.LValue) string {
	if v == lua.LNil {
		return "no value"
	}
	return v.Type().String()
}

// CheckString returns argument n, which must be a string (bytes): a
// number is refused with a hint to convert it, as data is never a number
// by accident. what names the argument in the error.
func CheckString(L *lua.LState, n int, fname, what string) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		ArgError(L, n, fname, fmt.Sprintf(notStringNumber, what))
	}
	StringArgError(L, n, fname, what)
	return ""
}

// The errors of an argument that must be a string: what it is, and what
// it got ("nil" if it was given as nil, "no value" if it was left out).
const (
	notString       = "%s must be a string, got %s"
	notStringNumber = "%s must be a string, got number; use tostring()"
)

// StringArgError raises the error of argument n of fname, which must be
// a string and is not: "bad argument #1 to 'sock:send' (data must be a
// string, got nil)". what names the argument. It does not return.
func StringArgError(L *lua.LState, n int, fname, what string) {
	got := "no value"
	if n <= L.GetTop() {
		got = L.Get(n).Type().String()
	}
	ArgError(L, n, fname, fmt.Sprintf(notString, what, got))
}

// The string library's checks, with Lua 5.3's wording (luaL_check*):
// string.pack and friends behave as in reference Lua, errors included.

// strArgError raises luaL_argerror's message, naming the function as the
// caller called it. gopher-lua's own L.ArgError leaves the name unquoted,
// but scripts ported from reference Lua (and their tests) match on "bad
// argument #n to 'name' (...)".
func strArgError(L *lua.LState, n int, msg string) {
	ArgError(L, n, strCalledName(L), msg)
}

// strCalledName is the name the caller used for the running Go function, as
// luaL_argerror reports it. When there is none (e.g. called through pcall)
// 5.3 searches package.loaded for a name like "string.pack" before settling
// on "?"; gopher-lua cannot tell us which table entry we are, so we go
// straight to "?" for its placeholders (including its misspelt
// "corountine").
func strCalledName(L *lua.LState) string {
	dbg, ok := L.GetStack(0)
	if !ok {
		return "?"
	}
	if _, err := L.GetInfo("n", dbg, lua.LNil); err != nil {
		return "?"
	}
	switch dbg.Name {
	case "", "(anonymous)", "main chunk", "corountine":
		return "?"
	}
	return dbg.Name
}

// strTypeError is luaL_typeerror: an absent argument is "no value", which
// gopher-lua's TypeError would report as "nil".
func strTypeError(L *lua.LState, n int, expected string) {
	got := "no value"
	if n <= L.GetTop() {
		got = L.Get(n).Type().String()
	}
	strArgError(L, n, expected+" expected, got "+got)
}

// strCheckString accepts numbers like luaL_checklstring; their text is
// gopher-lua's tostring form, the only one a script can observe.
func strCheckString(L *lua.LState, n int) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return v.String()
	}
	strTypeError(L, n, "string")
	return ""
}

// strToNumber applies the string-to-number coercion gopher-lua uses for
// arithmetic (its parseNumber is unexported), so "10" means the same here as
// in "10" + 0.
func strToNumber(v lua.LValue) (float64, bool) {
	switch v := v.(type) {
	case lua.LNumber:
		return float64(v), true
	case lua.LString:
		s := strings.Trim(string(v), " \t\n")
		if i, err := strconv.ParseInt(s, 0, 64); err == nil {
			return float64(i), true
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f, true
		}
	}
	return 0, false
}

func strCheckNumber(L *lua.LState, n int) float64 {
	f, ok := strToNumber(L.Get(n))
	if !ok {
		strTypeError(L, n, "number")
	}
	return f
}

// strCheckInteger is luaL_checkinteger: the float must be integral and
// inside int64, the range of Lua 5.3's lua_Integer, or 5.3 refuses it too.
func strCheckInteger(L *lua.LState, n int) int64 {
	f := strCheckNumber(L, n)
	i, ok := strFloatToInteger(f)
	if !ok {
		strArgError(L, n, "number has no integer representation")
	}
	return i
}

func strOptInteger(L *lua.LState, n int, def int64) int64 {
	if L.Get(n) == lua.LNil {
		return def
	}
	return strCheckInteger(L, n)
}

// strFloatToInteger is lua_numbertointeger: -2^63 is representable, 2^63
// is not.
func strFloatToInteger(f float64) (int64, bool) {
	if math.Floor(f) != f || f < -(1<<63) || f >= 1<<63 {
		return 0, false // NaN fails the Floor test, ±Inf the range test
	}
	return int64(f), true
}
