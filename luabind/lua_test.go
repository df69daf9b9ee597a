package luabind

// The Lua test harness, as starlark-go's starlarktest does it: every
// testdata/*.lua runs in a fresh Runtime as a subtest, with an `assert`
// module whose failures are reported to testing.T with the Lua file:line
// and do not stop the script. An uncaught error fails the test. The
// runtime's input (input(), io.read, io.stdin) is testdata/NAME.stdin if
// that file exists, else empty.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/syncbuf"
	lua "github.com/sockplay/sockplay/lua"
)

// luaTestTimeout bounds each Lua test file; a hang is a failure, not a
// stuck test binary.
const luaTestTimeout = 30 * time.Second

func TestLua(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.lua"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.lua files")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".lua")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runLuaTest(t, file)
		})
	}
}

func runLuaTest(t *testing.T, file string) {
	var stdout, stderr syncbuf.Buffer
	a := &luaAssert{t: t}
	var stdin io.Reader
	if data, err := os.ReadFile(strings.TrimSuffix(file, ".lua") + ".stdin"); err == nil {
		stdin = bytes.NewReader(data)
	}
	rt := New(Options{
		Stdin:   stdin,
		Stdout:  &stdout,
		Stderr:  &stderr,
		Modules: map[string]lua.LGFunction{"assert": a.open},
	})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), luaTestTimeout)
	defer cancel()
	err := rt.RunFile(ctx, file, []string{t.TempDir()})
	if err != nil {
		if e, ok := err.(*Error); ok && e.Kind == Interrupted && ctx.Err() != nil {
			t.Errorf("%s did not finish within %v (a hang?)", file, luaTestTimeout)
		} else if ok && e.Traceback != "" {
			t.Errorf("%s\n%s", e.Msg, e.Traceback)
		} else {
			t.Errorf("uncaught: %v", err)
		}
	}
	if out := stdout.String(); out != "" {
		t.Logf("stdout:\n%s", out)
	}
	// A task that failed without being joined prints to stderr: in a test
	// that is an error nobody checked.
	if msg := stderr.String(); msg != "" {
		t.Errorf("stderr:\n%s", msg)
	}
	if n := rt.OpenSockets(); n != 0 {
		t.Errorf("%d sockets open after the run", n)
	}
}

// luaAssert is the assert module. Every check reports through t.Errorf,
// which is safe from the task goroutines, and returns normally.
type luaAssert struct {
	t reporter
}

// reporter is the part of testing.T the assert module uses; the harness's
// own test records into a fake one.
type reporter interface {
	Errorf(format string, args ...any)
	Logf(format string, args ...any)
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
	builtin := L.GetGlobal("assert")
	mt := L.NewTable()
	// assert(v, msg?) -> v, msg   (Lua's: raises msg if v is false or nil)
	mt.RawSetString("__call", L.NewFunction(func(L *lua.LState) int {
		L.Remove(1) // the module
		L.Insert(builtin, 1)
		L.Call(L.GetTop()-1, lua.MultRet)
		return L.GetTop()
	}))
	L.SetMetatable(mod, mt)
	L.Push(mod)
	return 1
}

// where is the Lua position of the assert call, "file:line:".
func where(L *lua.LState) string {
	for level := 1; ; level++ {
		w := L.Where(level)
		if w == "" {
			return "?:"
		}
		if !strings.HasPrefix(w, "[G]") {
			return w
		}
	}
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
	if _, isClass := errorParents[want]; isClass {
		t, ok := isErrorValue(L, errv)
		if !ok {
			a.fail(L, 0, "raised %s, want an error value of class %s", show(L, errv), want)
		} else if class := lua.LVAsString(t.RawGetString("name")); !isA(class, want) {
			a.fail(L, 0, "raised %s, want %s", errorText(t), want)
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

// recorder is a reporter that keeps what it is told.
type recorder struct {
	mu     sync.Mutex
	errors []string
	logs   []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

// TestLuaAssert checks the harness itself: a failed check reports the Lua
// line and the script goes on; passing checks report nothing.
func TestLuaAssert(t *testing.T) {
	const script = `
assert.eq(1, 1)
assert.eq("a", "b", "context")          -- line 3
assert.ne(1, 1)                          -- line 4
assert.true_(false)                      -- line 5
assert.true_(1)
assert.contains("hello", "ell")
assert.contains("hello", "xyz")          -- line 8
assert.contains({1, 2}, 3)               -- line 9
assert.raises(function() end, "OSError") -- line 10
local s = socket.socket() s:close()
local e = assert.raises(function() s:recv(1) end, "OSError")
assert.eq(e.errno, 9)
assert.raises(function() s:recv(1) end, "TimeoutError") -- line 14
assert.raises(function() error("boom") end, "boom")
assert.fails(function() error("boom") end, "bang")      -- line 16
assert.fails(function() s:recv(1) end, "x")             -- line 17: an error value, not a message
assert.fails(function() s.recv() end, "colon", "sock:recv")
assert.skip("for a reason")
assert(true, "Lua's assert still works")
assert.contains(select(2, pcall(assert, false, "raised")), "raised")
reached = true
`
	rec := &recorder{}
	a := &luaAssert{t: rec}
	rt := New(Options{Modules: map[string]lua.LGFunction{"assert": a.open}})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := rt.RunString(ctx, "self.lua", script+"assert.eq(reached, true)", nil); err != nil {
		t.Fatalf("run: %v", err)
	}
	wantLines := []string{"self.lua:3:", "self.lua:4:", "self.lua:5:", "self.lua:8:", "self.lua:9:",
		"self.lua:10:", "self.lua:14:", "self.lua:16:", "self.lua:17:"}
	if len(rec.errors) != len(wantLines) {
		t.Fatalf("got %d failures, want %d:\n%s", len(rec.errors), len(wantLines), strings.Join(rec.errors, "\n"))
	}
	for i, want := range wantLines {
		if !strings.HasPrefix(rec.errors[i], want+" ") {
			t.Errorf("failure %d = %q, want it to start with %q", i, rec.errors[i], want)
		}
	}
	if !strings.Contains(rec.errors[0], `context: got "a", want "b"`) {
		t.Errorf("eq failure lacks the message and values: %q", rec.errors[0])
	}
	if len(rec.logs) != 1 || !strings.Contains(rec.logs[0], "skipped: for a reason") {
		t.Errorf("logs = %q", rec.logs)
	}
}
