package luabind

// io on the runtime's streams, as a Go host sees it: what io.write writes
// and returns, and io.stdin waiting for input with the runtime lock
// released, cancellably.

import (
	"io"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/syncbuf"
	lua "github.com/sockplay/sockplay/lua"
)

func TestIOWriteReturnsStdout(t *testing.T) {
	rt, stdout, _ := newTestRuntime(t, Options{})
	const code = `
local f = io.write("a", 1, "b")
assert(rawequal(f, io.stdout), "io.write returns io.stdout")
f:write("c\n"):write("d")
io.write("e"):write("\n")
`
	if err := rt.RunString(testContext(t), "write.lua", code, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := stdout.String(), "a1bc\nde\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}

	// Session.SetOutput replaces io.stdout: io.write returns the new one,
	// so a chained write goes where io.write does.
	s := rt.NewSession()
	defer s.Close()
	var out syncbuf.Buffer
	s.SetOutput(&out, nil)
	if err := s.Eval(testContext(t), "write.lua", `io.write("x"):write("y")`, nil); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "xy" {
		t.Errorf("after SetOutput: output %q, want %q", got, "xy")
	}
}

// gatedReader is a Stdin that tells when the runtime waits on it and
// hands out data only when the test sends some.
type gatedReader struct {
	reading chan struct{} // a Read waits for data
	data    chan string   // closed: end of input
}

func (r *gatedReader) Read(p []byte) (int, error) {
	select {
	case r.reading <- struct{}{}:
	default:
	}
	s, ok := <-r.data
	if !ok {
		return 0, io.EOF
	}
	return copy(p, s), nil
}

// A task waiting in io.stdin:read, io.read or io.lines() leaves the
// runtime lock free: the main task runs Lua code meanwhile (were the lock
// held, host.waitReading could not return to Lua and the run would hang
// until the test's deadline). The wait is cancellable.
func TestIOStdinWaitsUnlocked(t *testing.T) {
	for _, read := range []string{"io.stdin:read()", "io.read()", "io.lines()()", "io.stdin:lines()()"} {
		t.Run(read, func(t *testing.T) {
			code := `
local reader = spawn(function() return READ, READ end)
host.waitReading()
host.feed("1\n2\n")
local a, b = reader:join()
assert(a == "1" and b == "2", "got " .. tostring(a) .. ", " .. tostring(b))

local waiter = spawn(function() return READ end)
host.waitReading()
waiter:cancel()
local ok, err = pcall(waiter.join, waiter)
assert(not ok and err:is("KeyboardInterrupt"), "cancelled: " .. tostring(err))
host.feed("3\n")
local c = READ
assert(c == "3", "the input goes on after the interrupted wait, got " .. tostring(c))
`
			runGated(t, strings.ReplaceAll(code, "READ", read))
		})
	}
}

// runGated runs code with a gatedReader as Stdin and a host module:
// host.waitReading() returns once a task waits for input (with the lock
// released, as any blocking call), host.feed(s) gives the input s.
func runGated(t *testing.T, code string) {
	in := &gatedReader{reading: make(chan struct{}, 1), data: make(chan string)}
	defer close(in.data)
	var rt *Runtime
	host := func(L *lua.LState) int {
		L.Push(L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
			"waitReading": func(L *lua.LState) int {
				blockUntil(rt, L, in.reading, nil)
				return 0
			},
			"feed": func(L *lua.LState) int {
				s := L.CheckString(1)
				go func() { in.data <- s }()
				return 0
			},
		}))
		return 1
	}
	rt, _, stderr := newTestRuntime(t, Options{Stdin: in, Modules: map[string]lua.LGFunction{"host": host}})
	if err := result(t, runAsync(testContext(t), rt, "stdin.lua", code)); err != nil {
		t.Fatal(err)
	}
	if s := stderr.String(); s != "" {
		t.Errorf("stderr = %q", s)
	}
}

// Cancelling the run interrupts the main task waiting in io.stdin:read.
func TestIOStdinReadCancelled(t *testing.T) {
	in := &gatedReader{reading: make(chan struct{}, 1), data: make(chan string)}
	defer close(in.data)
	rt, _, _ := newTestRuntime(t, Options{Stdin: in})
	ch := runAsync(testContext(t), rt, "cancel.lua", `io.stdin:read()`)
	select {
	case <-in.reading:
	case err := <-ch:
		t.Fatalf("the run ended before waiting for input: %v", err)
	case <-testContext(t).Done():
		t.Fatal("io.stdin:read never read the runtime's input")
	}
	rt.Cancel()
	if e := asError(t, result(t, ch)); e.Kind != Interrupted {
		t.Errorf("Kind = %v (%s), want Interrupted", e.Kind, e.Msg)
	}
}
