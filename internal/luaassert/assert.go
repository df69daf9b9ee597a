// Package luaassert is the assert module of the project's Lua tests
// (luabind/testdata/*.lua, lualib/testdata/*.lua), as starlark-go's
// starlarktest is: a failed check reports the Lua file:line to a
// Reporter, which *testing.T satisfies, and the script goes on; an
// uncaught error is the harness's to report.
package luaassert

import (
	"fmt"
	"strings"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// Reporter is the part of testing.T the module reports to. Its methods
// are called from whatever goroutine runs the script (testing.T's are
// safe for that).
type Reporter interface {
	Errorf(format string, args ...any)
	Logf(format string, args ...any)
}

// Loader returns the loader of the assert module for r, for
// luabind.Options.Modules or L.PreloadModule: every check reports a
// failure to r.Errorf and returns normally.
func Loader(r Reporter) lua.LGFunction {
	a := &luaAssert{t: r}
	return a.open
}

type luaAssert struct {
	t Reporter
}

func (a *luaAssert) open(L *lua.LState) int {
	mod := L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"eq":       a.eq,
		"ne":       a.ne,
		"true_":    a.true_,
		"contains": a.contains,
		"raises":   a.raises,
		"fails":    a.fails,
		"skip":     a.skip,
		"log":      a.log,
	})
	// The module takes the global name of Lua's assert(v, msg); calling it
	// still does what Lua's does (raise), for code that uses it.
	lualib.SetCall(L, mod, L.GetGlobal("assert")) // assert(v, msg?) -> v, msg

	L.Push(mod)
	return 1
}

// where is the Lua position of the assert call, "file:line:".
func where(L *lua.LState) string {
	if w := lualib.Where(L); w != "" {
		return w
	}
	return "?:"
}

func (a *luaAssert) fail(L *lua.LState, msgArg int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if msgArg > 0 && L.GetTop() >= msgArg && L.Get(msgArg) != lua.LNil {
		msg = L.ToStringMeta(L.Get(msgArg)).String() + ": " + msg
	}
	a.t.Errorf("%s %s", where(L), msg)
}

// show formats a Lua value for a failure message: strings quoted (binary
// data stays readable), everything else as tostring shows it.
func show(L *lua.LState, v lua.LValue) string {
	if s, ok := v.(lua.LString); ok {
		if len(s) > 200 {
			return fmt.Sprintf("%q... (%d bytes)", string(s[:200]), len(s))
		}
		return fmt.Sprintf("%q", string(s))
	}
	return L.ToStringMeta(v).String()
}

// assert.eq(got, want, msg?)   (Lua ==, so addresses compare by value)
func (a *luaAssert) eq(L *lua.LState) int {
	got, want := L.Get(1), L.Get(2)
	if !L.Equal(got, want) {
		a.fail(L, 3, "got %s, want %s", show(L, got), show(L, want))
	}
	return 0
}

// assert.ne(got, unwanted, msg?)
func (a *luaAssert) ne(L *lua.LState) int {
	got, bad := L.Get(1), L.Get(2)
	if L.Equal(got, bad) {
		a.fail(L, 3, "got %s, want anything else", show(L, got))
	}
	return 0
}

// assert.true_(cond, msg?)
func (a *luaAssert) true_(L *lua.LState) int {
	if !lua.LVAsBool(L.Get(1)) {
		a.fail(L, 2, "got %s, want a true value", show(L, L.Get(1)))
	}
	return 0
}

// assert.contains(s, sub, msg?)   (s a string: plain substring; s a table: one of its values)
func (a *luaAssert) contains(L *lua.LState) int {
	switch c := L.Get(1).(type) {
	case lua.LString:
		sub := L.ToStringMeta(L.Get(2)).String()
		if !strings.Contains(string(c), sub) {
			a.fail(L, 3, "%s does not contain %q", show(L, c), sub)
		}
	case *lua.LTable:
		found := false
		c.ForEach(func(_, v lua.LValue) {
			found = found || L.Equal(v, L.Get(2))
		})
		if !found {
			a.fail(L, 3, "table has no value %s", show(L, L.Get(2)))
		}
	default:
		a.fail(L, 3, "assert.contains: string or table expected, got %s", L.Get(1).Type())
	}
	return 0
}

// pcall calls fn (argument 1) with no arguments and returns its error, or
// nil. A Go panic inside fn is reported: misuse must never panic.
func (a *luaAssert) pcall(L *lua.LState) (lua.LValue, bool) {
	fn := L.CheckFunction(1)
	top := L.GetTop()
	L.Push(fn)
	err := L.PCall(0, 0, nil)
	L.SetTop(top)
	if err == nil {
		return lua.LNil, false
	}
	apiErr, ok := err.(*lua.ApiError)
	if !ok {
		a.fail(L, 0, "error is not a Lua error: %v", err)
		return lua.LString(err.Error()), true
	}
	if apiErr.Type == lua.ApiErrorPanic {
		a.fail(L, 0, "Go panic: %v", apiErr.Object)
	}
	return apiErr.Object, true
}

// assert.raises(fn, class_or_substring) -> err
// fn() must raise; if the second argument names an error class
// ("ConnectionError") the error must be an error value of that class or a
// subclass, otherwise tostring(err) must contain it. Returns the error (nil
// if none was raised).
func (a *luaAssert) raises(L *lua.LState) int {
	want := L.CheckString(2)
	errv, raised := a.pcall(L)
	if !raised {
		a.fail(L, 0, "no error raised, want %s", want)
		L.Push(lua.LNil)
		return 1
	}
	if lualib.IsErrorClass(want) {
		t, ok := lualib.IsError(L, errv)
		if !ok {
			a.fail(L, 0, "raised %s, want an error value of class %s", show(L, errv), want)
		} else if class := lua.LVAsString(t.RawGetString("name")); !lualib.IsA(class, want) {
			a.fail(L, 0, "raised %s, want %s", lualib.ErrorText(t), want)
		}
	} else if msg := L.ToStringMeta(errv).String(); !strings.Contains(msg, want) {
		a.fail(L, 0, "raised %q, want an error containing %q", msg, want)
	}
	L.Push(errv)
	return 1
}

// assert.fails(fn, substring, ...) -> message
// fn() must raise an error whose message contains every substring. Meant
// for misuse: the message must be a string (an argument error), not an
// error value. Returns the message.
func (a *luaAssert) fails(L *lua.LState) int {
	var wants []string
	for i := 2; i <= L.GetTop(); i++ {
		wants = append(wants, L.CheckString(i))
	}
	if len(wants) == 0 {
		L.ArgError(2, "substring expected")
	}
	errv, raised := a.pcall(L)
	if !raised {
		a.fail(L, 0, "no error raised, want one containing %q", wants)
		L.Push(lua.LNil)
		return 1
	}
	msg := L.ToStringMeta(errv).String()
	if _, isStr := errv.(lua.LString); !isStr {
		a.fail(L, 0, "raised a %s (%s), want an error message containing %q", errv.Type(), msg, wants)
	} else {
		for _, want := range wants {
			if !strings.Contains(msg, want) {
				a.fail(L, 0, "raised %q, want an error containing %q", msg, want)
			}
		}
	}
	L.Push(lua.LString(msg))
	return 1
}

// assert.skip(reason)   (logs that a part of the file was skipped; the caller returns)
func (a *luaAssert) skip(L *lua.LState) int {
	a.t.Logf("%s skipped: %s", where(L), L.ToStringMeta(L.Get(1)).String())
	return 0
}

// assert.log(...)   (to the test log)
func (a *luaAssert) log(L *lua.LState) int {
	parts := make([]string, 0, L.GetTop())
	for i := 1; i <= L.GetTop(); i++ {
		parts = append(parts, L.ToStringMeta(L.Get(i)).String())
	}
	a.t.Logf("%s %s", where(L), strings.Join(parts, "\t"))
	return 0
}
