package luatest

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lua/pm"
	"github.com/sockplay/sockplay/lualib"
)

// The assert module. A failed check records "file:line: message" (the
// line of the check in the test) and returns: the test goes on, as with
// Go's t.Errorf. Called as a function, assert is still Lua's assert.

type asserter struct {
	tr *testRun
}

func (a *asserter) open(L *lua.LState) int {
	mod := L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"eq":       a.eq,
		"ne":       a.ne,
		"true_":    a.true_,
		"contains": a.contains,
		"matches":  a.matches,
		"raises":   a.raises,
		"near":     a.near,
		"fail":     a.fail,
	})
	lualib.SetCall(L, mod, L.GetGlobal("assert")) // assert(v, msg?) -> v, msg   (Lua's)
	L.Push(mod)
	return 1
}

// report records a failure at the check's line; msgArg is the position
// of the optional message argument (0: none).
func (a *asserter) report(L *lua.LState, msgArg int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if msgArg > 0 && L.GetTop() >= msgArg && L.Get(msgArg) != lua.LNil {
		msg = L.ToStringMeta(L.Get(msgArg)).String() + ": " + msg
	}
	a.tr.fail(where(L) + " " + msg)
}

// show formats a value for a failure message: strings quoted (binary data
// stays readable, long ones cut), the rest as tostring shows it.
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
func (a *asserter) eq(L *lua.LState) int {
	got, want := L.Get(1), L.Get(2)
	if !L.Equal(got, want) {
		a.report(L, 3, "got %s, want %s", show(L, got), show(L, want))
	}
	return 0
}

// assert.ne(got, unwanted, msg?)
func (a *asserter) ne(L *lua.LState) int {
	got, bad := L.Get(1), L.Get(2)
	if L.Equal(got, bad) {
		a.report(L, 3, "got %s, want anything else", show(L, got))
	}
	return 0
}

// assert.true_(v, msg?)   (v must be neither false nor nil)
func (a *asserter) true_(L *lua.LState) int {
	if !lua.LVAsBool(L.Get(1)) {
		a.report(L, 2, "got %s, want a true value", show(L, L.Get(1)))
	}
	return 0
}

// assert.contains(s, part, msg?)   (s a string: part is a plain substring; s a table: part is one of its values)
func (a *asserter) contains(L *lua.LState) int {
	switch c := L.Get(1).(type) {
	case lua.LString:
		part := L.ToStringMeta(L.Get(2)).String()
		if !strings.Contains(string(c), part) {
			a.report(L, 3, "%s does not contain %q", show(L, c), part)
		}
	case *lua.LTable:
		found := false
		c.ForEach(func(_, v lua.LValue) { found = found || L.Equal(v, L.Get(2)) })
		if !found {
			a.report(L, 3, "the table has no value %s", show(L, L.Get(2)))
		}
	default:
		a.report(L, 3, "got %s, want a string containing %s", show(L, L.Get(1)), show(L, L.Get(2)))
	}
	return 0
}

// assert.matches(s, pattern, msg?)   (a Lua pattern, as string.find: anchor it with ^ and $ to match all of s)
func (a *asserter) matches(L *lua.LState) int {
	pattern := L.CheckString(2)
	s, ok := L.Get(1).(lua.LString)
	if !ok {
		a.report(L, 3, "got %s, want a string matching %q", show(L, L.Get(1)), pattern)
		return 0
	}
	m, err := pm.Find(pattern, []byte(s), 0, 1)
	if err != nil {
		L.RaiseError("assert.matches: bad pattern %q: %v", pattern, err)
	}
	if len(m) == 0 {
		a.report(L, 3, "%s does not match %q", show(L, s), pattern)
	}
	return 0
}

// assert.near(got, want, tolerance?, msg?)   (numbers within tolerance, default 1e-6; a numeric string counts as its number)
func (a *asserter) near(L *lua.LState) int {
	want := float64(L.CheckNumber(2))
	tol := 1e-6
	if L.Get(3) != lua.LNil {
		tol = float64(L.CheckNumber(3))
	}
	var got float64
	switch v := L.Get(1).(type) {
	case lua.LNumber:
		got = float64(v)
	case lua.LString:
		n, err := parseNumber(string(v))
		if err != nil {
			a.report(L, 4, "got %s, want a number near %v", show(L, v), want)
			return 0
		}
		got = n
	default:
		a.report(L, 4, "got %s, want a number near %v", show(L, v), want)
		return 0
	}
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		a.report(L, 4, "got %v, want %v ± %v", got, want, tol)
	}
	return 0
}

func parseNumber(s string) (float64, error) {
	return strconv.ParseFloat(strings.TrimSpace(s), 64)
}

// assert.fail(msg)   (records a failure)
func (a *asserter) fail(L *lua.LState) int {
	a.tr.fail(where(L) + " " + L.ToStringMeta(L.Get(1)).String())
	return 0
}

// assert.raises(fn, class_or_text, msg?) -> err
// fn() must raise: an error value of that class or a subclass if the
// second argument names one ("ConnectionError"), else an error whose text
// contains it. Returns the error (nil if none was raised).
func (a *asserter) raises(L *lua.LState) int {
	fn := L.CheckFunction(1)
	want := L.CheckString(2)
	top := L.GetTop()
	L.Push(fn)
	err := L.PCall(0, 0, nil)
	L.SetTop(top)
	if err == nil {
		a.report(L, 3, "no error raised, want %s", want)
		L.Push(lua.LNil)
		return 1
	}
	var errv lua.LValue = lua.LString(err.Error())
	if apiErr, ok := err.(*lua.ApiError); ok {
		errv = apiErr.Object
	}
	text := L.ToStringMeta(errv).String()
	t, isTable := errv.(*lua.LTable)
	if isClassName(want) && !isTable {
		a.report(L, 3, "raised %q, want a %s", text, want)
	} else if isClassName(want) {
		name := lua.LVAsString(t.RawGetString("name"))
		is, ok := t.RawGetString("is").(*lua.LFunction)
		if !ok {
			if mt, isMT := L.GetMetatable(t).(*lua.LTable); isMT {
				if idx, isIdx := mt.RawGetString("__index").(*lua.LTable); isIdx {
					is, ok = idx.RawGetString("is").(*lua.LFunction)
				}
			}
		}
		match := name == want
		if ok && !match {
			L.Push(is)
			L.Push(t)
			L.Push(lua.LString(want))
			if L.PCall(2, 1, nil) == nil {
				match = lua.LVAsBool(L.Get(-1))
				L.Pop(1)
			}
		}
		if !match {
			a.report(L, 3, "raised %s, want %s", text, want)
		}
	} else if !strings.Contains(text, want) {
		a.report(L, 3, "raised %q, want an error containing %q", text, want)
	}
	L.Push(errv)
	return 1
}

// isClassName reports whether s looks like an error class name
// ("OSError", "TimeoutError", "gaierror", "KeyboardInterrupt").
func isClassName(s string) bool {
	return s != "" && !strings.ContainsAny(s, " :.") &&
		(strings.HasSuffix(s, "Error") || s == "gaierror" || s == "KeyboardInterrupt" || s == "SystemExit")
}
