package luabind

import (
	"context"
	"fmt"
	"strings"
	"testing"

	lua "github.com/sockplay/sockplay/lua"
)

// An uncaught error prints as Python prints one: the traceback innermost
// last, only Lua frames, a run of the same line collapsed, then the
// message, the source line with a caret, and the hint. A traceback of one
// line is left out: the message names it.
func TestReport(t *testing.T) {
	for _, c := range []struct{ name, code, want string }{
		{"one frame", "local x = {}\nprint(len(x))", `r.lua:2: attempt to call a nil value (global 'len')
  print(len(x))
        ^
hint: Lua writes #x for len(x)
`},
		{"nested", `local function helper(data)
  return data.decode("utf-8")
end
function handle(conn)
  local text = helper(conn)
  return text
end
handle("bytes")`, `traceback (most recent call last):
  r.lua:8: in main chunk
  r.lua:5: in function 'handle'
  r.lua:2: in function 'helper'
r.lua:2: attempt to call a nil value (field 'decode')
  return data.decode("utf-8")
              ^
hint: a Lua string is bytes already: use it as it is (encoding.decode(data, "gbk") converts text from another encoding)
`},
		{"recursion collapsed", `local function countdown(n)
  if n == 0 then error("liftoff") end
  countdown(n - 1)
end
countdown(30)`, `traceback (most recent call last):
  r.lua:5: in main chunk
  r.lua:3: in function 'countdown'
  [previous line repeated 29 more times]
  r.lua:2: in function 'countdown'
r.lua:2: liftoff
  if n == 0 then error("liftoff") end
`},
		{"tail call", `local function inner() error("deep") end
local function outer() return inner() end
outer()`, `traceback (most recent call last):
  r.lua:3: in main chunk
  (...tail calls...)
  r.lua:1: in function <r.lua:1>
r.lua:1: deep
  local function inner() error("deep") end
`},
		{"error level 2 names the caller's line", `local function check(v)
  if not v then error("check failed", 2) end
end
check(false)`, `traceback (most recent call last):
  r.lua:4: in main chunk
  r.lua:2: in function 'check'
r.lua:4: check failed
  check(false)
`},
		{"through pcall and a Go callback", `local ok, err = pcall(function() end)
local t = {3, 1, 2}
table.sort(t, function(a, b) return a.x < b end)`, `traceback (most recent call last):
  r.lua:3: in main chunk
  r.lua:3: in function <r.lua:3>
r.lua:3: attempt to index a number value (local 'a')
  table.sort(t, function(a, b) return a.x < b end)
                                      ^
`},
	} {
		t.Run(c.name, func(t *testing.T) {
			rt, _, _ := newTestRuntime(t, Options{})
			err := result(t, runAsync(testContext(t), rt, "r.lua", c.code))
			if got := asError(t, err).Report(); got != c.want {
				t.Errorf("report:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

// A stack overflow leaves no room for the handler that keeps the frames:
// the VM's traceback stays, and a hint says what overflowed.
func TestStackOverflowReport(t *testing.T) {
	e := runFails(t, Options{}, "local function f(n) return 1 + f(n) end\nf(1)")
	if e.Msg != "py.lua:1: stack overflow" || e.Hint != stackOverflowHint || !strings.HasPrefix(e.Traceback, "stack traceback:") {
		t.Errorf("%q, hint %q, traceback %q", e.Msg, e.Hint, e.Traceback)
	}
}

// The full traceback (Error.Traceback, the REPL's :trace) has every
// frame, Go functions too.
func TestFullTraceback(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	err := result(t, runAsync(testContext(t), rt, "r.lua", "local function f()\n  error('x')\nend\nf()"))
	e := asError(t, err)
	want := `traceback (most recent call last):
  r.lua:4: in main chunk
  r.lua:2: in function 'f'
  [Go]: in function 'error'
`
	if e.Traceback != want {
		t.Errorf("traceback:\n%s\nwant:\n%s", e.Traceback, want)
	}
	if len(e.Frames) != 3 || e.Frames[0].Name != "error" || e.Frames[2].Line != 4 {
		t.Errorf("frames: %+v", e.Frames)
	}
}

// An error that ends a spawned task nobody joins is printed with the task
// and where it was spawned; the run goes on. The session remembers it.
func TestSpawnedTaskReport(t *testing.T) {
	rt, stdout, stderr := newTestRuntime(t, Options{})
	code := `local function serve(conn)
  conn:sendall(len(conn))
end
local t = spawn(serve, "not a socket")
while t:status() == "running" do sleep(0) end
print(t:status())`
	if err := result(t, runAsync(testContext(t), rt, "srv.lua", code)); err != nil {
		t.Fatalf("run: %v", err)
	}
	if stdout.String() != "failed\n" {
		t.Errorf("stdout %q", stdout.String())
	}
	want := `error in task 2 (spawned at srv.lua:4):
srv.lua:2: attempt to call a nil value (global 'len')
  conn:sendall(len(conn))
               ^
hint: Lua writes #x for len(x)
`
	if stderr.String() != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr.String(), want)
	}

	s := rt.NewSession()
	defer s.Close()
	if err := s.Eval(context.Background(), "stdin", "spawn(function() error('in the background') end)", nil); err != nil {
		t.Fatal(err)
	}
	if err := rt.tasksWG.WaitContext(testContext(t)); err != nil {
		t.Fatal(err)
	}
	last := s.LastError()
	if last == nil || last.Task != "task 4 (spawned at stdin:1)" || last.Msg != "stdin:1: in the background" {
		t.Errorf("LastError = %+v", last)
	}
	if !strings.Contains(last.Traceback, "[Go]: in function 'error'") {
		t.Errorf("LastError's traceback: %q", last.Traceback)
	}
}

// A syntax error of a script: Lua's message and line, the line with a
// caret under the token, a hint for a Python line.
func TestSyntaxErrorReport(t *testing.T) {
	for _, c := range []struct{ code, want string }{
		{"local s = socket.socket()\nif s != nil then end\n", `f.lua:2: 'then' expected near '!'
  if s != nil then end
       ^
hint: Lua writes ~= for !=
`},
		{"if true then\n  print(1)\n", "f.lua:3: 'end' expected (to close 'if' at line 1) near <eof>\n"},
		{"\tx = \"你好\" +* 1\n", "f.lua:1: unexpected symbol near '*'\n  x = \"你好\" +* 1\n              ^\n"},
		// A UTF-8 byte-order mark (Windows' Notepad writes one) is no part of the line.
		{"\uFEFFx = = 1\r\n", "f.lua:1: unexpected symbol near '='\n  x = = 1\n      ^\n"},
	} {
		rt, _, _ := newTestRuntime(t, Options{})
		e := asError(t, rt.RunString(testContext(t), "f.lua", c.code, nil))
		if e.Kind != SyntaxError || e.Report() != c.want {
			t.Errorf("%q: kind %v\n%s\nwant:\n%s", c.code, e.Kind, e.Report(), c.want)
		}
	}
	// A runtime error's line leaves the mark out too.
	rt, _, _ := newTestRuntime(t, Options{})
	e := asError(t, rt.RunString(testContext(t), "f.lua", "\uFEFFprint(len(\"abc\"))\r\n", nil))
	if want := "f.lua:1: attempt to call a nil value (global 'len')\n  print(len(\"abc\"))\n        ^\nhint: Lua writes #x for len(x)\n"; e.Report() != want {
		t.Errorf("runtime error after a byte-order mark:\n%s\nwant:\n%s", e.Report(), want)
	}
}

// A deep stack that does not repeat one line is cut to its first and
// last lines; a line twice says "1 more time".
func TestCompactTracebackBounds(t *testing.T) {
	var frames []lua.StackFrame
	for i := 30; i >= 1; i-- { // innermost first
		frames = append(frames, lua.StackFrame{Source: "t.lua", Line: i, LineDefined: i, Name: fmt.Sprintf("f%d", i)})
	}
	frames = append(frames, lua.StackFrame{Source: "t.lua", Line: 40})
	got := compactTraceback(frames)
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 1+tracebackHead+1+tracebackTail || lines[0] != "traceback (most recent call last):" ||
		lines[1] != "  t.lua:40: in main chunk" || lines[1+tracebackHead] != "  ... (11 more lines)" ||
		lines[len(lines)-1] != "  t.lua:30: in function 'f30'" {
		t.Errorf("cut traceback:\n%s", got)
	}
	twice := []lua.StackFrame{
		{Source: "t.lua", Line: 2, LineDefined: 1, Name: "f"},
		{Source: "t.lua", Line: 2, LineDefined: 1, Name: "f"},
		{Source: "t.lua", Line: 5},
	}
	want := "traceback (most recent call last):\n  t.lua:5: in main chunk\n  t.lua:2: in function 'f'\n  [previous line repeated 1 more time]\n"
	if got := compactTraceback(twice); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// A background script of a session is named by its file in its error.
func TestBackgroundScriptReport(t *testing.T) {
	rt, _, stderr := newTestRuntime(t, Options{})
	s := rt.NewSession()
	defer s.Close()
	if _, err := s.StartCode("bg.lua", "local t = {}\nprint(len(t))", nil); err != nil {
		t.Fatal(err)
	}
	if err := rt.tasksWG.WaitContext(testContext(t)); err != nil {
		t.Fatal(err)
	}
	want := "error in task 1 (bg.lua):\nbg.lua:2: attempt to call a nil value (global 'len')\n  print(len(t))\n        ^\nhint: Lua writes #x for len(x)\n"
	if stderr.String() != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr.String(), want)
	}
}
