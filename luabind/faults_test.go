package luabind

// The fault scenarios of issue 12 that need Go around them: the trace,
// the REPL's session, a host's Go function that panics. The others are
// testdata/faults.lua.

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/syncbuf"
	lua "github.com/sockplay/sockplay/lua"
)

// 4. A send that fails while tracing: the event says what failed, with
// no data (a failed write(2) returns -1, which was used as a length).
func TestTracedSendThatFails(t *testing.T) {
	text, events := traced(t, `
local a, b = socket.socketpair()
b:close()
local ok, e = pcall(a.send, a, "x")
assert(not ok and tostring(e):find("BrokenPipeError"), tostring(e))
local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ok, e = pcall(u.sendto, u, string.rep("x", 70000), {"127.0.0.1", 9})
assert(not ok and tostring(e):find("Errno 90"), tostring(e))
ok, e = pcall(a.sendall, a, "y")
assert(not ok, "sendall")
`, TraceOptions{})
	var failed int
	for _, ev := range events {
		if ev["error"] != nil && (ev["event"] == "send" || ev["event"] == "sendto") {
			failed++
			if ev["bytes"] != nil && ev["bytes"].(interface{ String() string }).String() != "0" {
				t.Errorf("a failed send reports %v bytes: %v", ev["bytes"], ev)
			}
		}
	}
	if failed != 3 {
		t.Errorf("%d failed send events, want 3\n%s", failed, text)
	}
	checkNoGoPanic(t, "trace", text)
}

// 6. In the REPL, a generator made on one line is used on the next: the
// line that made it has ended (its context is cancelled), the coroutine
// lives on.
func TestGeneratorAcrossSessionLines(t *testing.T) {
	var out, errs syncbuf.Buffer
	rt := New(Options{Stdout: &out, Stderr: &errs})
	defer rt.Close()
	s := rt.NewSession()
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), luaTestTimeout)
	defer cancel()
	for _, line := range []string{
		`gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)`,
		`print(gen())`,
		`print(gen())`,
		`co = coroutine.create(function() coroutine.yield(sleep(0) or "slept") end)`,
		`print(coroutine.resume(co))`,
		`spawn(function() print(gen()) end):join()`,
	} {
		if err := s.Eval(ctx, "stdin", line, nil); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	if got, want := out.String(), "1\n2\ntrue\tslept\n3\n"; got != want {
		t.Errorf("printed %q, want %q (stderr %q)", got, want, errs.String())
	}
}

// A host's Go function that panics is a bug of the host, reported as one:
// the script can catch it, an uncaught one ends the run with a message
// that says what happened, and no Go panic text reaches the script or the
// writers, whichever task it happens in.
func TestHostGoPanic(t *testing.T) {
	var out, errs syncbuf.Buffer
	rt := New(Options{Stdout: &out, Stderr: &errs, Modules: map[string]lua.LGFunction{
		"host": func(L *lua.LState) int {
			mod := L.NewTable()
			mod.RawSetString("boom", L.NewFunction(func(L *lua.LState) int {
				var s []int
				return s[L.GetTop()+2]
			}))
			L.Push(mod)
			return 1
		},
	}})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), luaTestTimeout)
	defer cancel()
	err := rt.RunString(ctx, "panics.lua", `
local ok, e = pcall(host.boom)
print(ok, e)
local u = spawn(host.boom)   -- reported on stderr: nobody joins it
while u:status() == "running" do sleep(0) end
local t = spawn(function() host.boom() end)
print(pcall(t.join, t))
host.boom()
`, nil)
	var e *Error
	if !errors.As(err, &e) || e.Kind != RuntimeError {
		t.Fatalf("run: %#v, want a RuntimeError", err)
	}
	for what, text := range map[string]string{"stdout": out.String(), "stderr": errs.String(), "error": e.Msg + "\n" + e.Traceback} {
		if !strings.Contains(text, lua.GoPanicText) || !strings.Contains(text, "index out of range") {
			t.Errorf("%s does not report the Go panic: %q", what, text)
		}
		checkNoGoPanic(t, what, text)
	}
	if !strings.Contains(e.Msg, "boom") {
		t.Errorf("the error does not name the function: %q", e.Msg)
	}
}

// goPanicTexts are what Go prints of a panic or a crash. None may reach
// a script or the terminal: a Go panic in a Lua-visible function is
// reported as lua.GoPanicText (which the fuzzer counts as a failure too).
var goPanicTexts = []string{"runtime error:", "fatal error:", "goroutine ", "panic:", "[recovered]"}

func checkNoGoPanic(t *testing.T, what, text string) {
	t.Helper()
	for _, bad := range goPanicTexts {
		if strings.Contains(text, bad) {
			t.Errorf("%s has Go's %q: %q", what, bad, text)
		}
	}
}
