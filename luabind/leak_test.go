package luabind

// Nothing outlives a run or a runtime: sockets a script leaves open are
// closed when the run ends (gopher-lua runs no __gc), and Close leaves no
// goroutine behind.

import (
	"io"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/leakcheck"
	lua "github.com/sockplay/sockplay/lua"
)

// A script that leaves sockets open, by ending, failing, exiting or being
// cancelled, has them closed by the time the run returns.
func TestSocketsClosedAfterRun(t *testing.T) {
	dir := t.TempDir()
	const leave = `
local srv = socket.socket()
srv:bind({"127.0.0.1", 0})
srv:listen()
local c = socket.create_connection(srv:getsockname())
local conn = srv:accept()
local a, b = socket.socketpair()
local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
local x = socket.socket(socket.AF_UNIX)
x:bind(arg[1] .. "/leak.sock")
x:listen()
spawn(function() local p, q = socket.socketpair() p:send("x") end) -- ends, leaving p and q
`
	// a task blocked in recv when the run ends
	const blocked = `spawn(function() local p, q = socket.socketpair() print("ready") p:recv(1) end) `
	endings := map[string]string{
		"ends":      leave + `sleep(0)`,
		"fails":     leave + blocked + `error("uncaught")`,
		"exits":     leave + blocked + `os.exit(2)`,
		"cancelled": leave + blocked + `sleep(3600)`,
	}
	// Warm up: the first pollable file opens the netpoller's descriptors.
	warm := New(Options{})
	warm.RunString(testContext(t), "warm.lua", `local a, b = socket.socketpair() a:close() b:close()`, nil)
	warm.Close()

	for name, code := range endings {
		t.Run(name, func(t *testing.T) {
			beforeFDs, beforeSocks := leakcheck.Descriptors(t), leakcheck.Sockets(t)
			out := newSignalWriter()
			rt := New(Options{Stdout: out})
			defer rt.Close()
			ctx := testContext(t)
			runErr := make(chan error, 1)
			go func() { runErr <- rt.RunString(ctx, name+".lua", code, []string{dir}) }()
			if name == "cancelled" {
				waitBlocked(t, rt, out, runErr)
				rt.Cancel()
			}
			result(t, runErr)
			if n := rt.OpenSockets(); n != 0 {
				t.Errorf("OpenSockets() = %d after the run", n)
			}
			// The descriptors are really closed, not just forgotten.
			if after := leakcheck.Sockets(t); strings.Join(after, " ") != strings.Join(beforeSocks, " ") {
				t.Errorf("sockets before the run: %v, after: %v", beforeSocks, after)
			}
			if after := leakcheck.Descriptors(t); after != beforeFDs {
				t.Errorf("%d descriptors before the run, %d after", beforeFDs, after)
			}
			os.Remove(dir + "/leak.sock")
		})
	}
}

// Close without a run closes sockets a session-less host made; the count
// is back to zero, and explicit closes in the script are counted too.
func TestOpenSocketsCount(t *testing.T) {
	rt, stdout, _ := newTestRuntime(t, Options{})
	code := `
local a, b = socket.socketpair()
print(_OPEN())
a:close()
print(_OPEN())
a:close()
print(_OPEN())
`
	rt.gil.Lock()
	rt.L.SetGlobal("_OPEN", rt.L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(rt.OpenSockets()))
		return 1
	}))
	rt.gil.Unlock()
	if err := rt.RunString(testContext(t), "count.lua", code, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := stdout.String(), "2\n1\n1\n"; got != want {
		t.Errorf("open counts = %q, want %q", got, want)
	}
	if n := rt.OpenSockets(); n != 0 {
		t.Errorf("OpenSockets() = %d after the run", n)
	}
}

// After Close no goroutine of the runtime is left: not the tasks, not the
// context watchers, not the input reader.
func TestNoGoroutinesAfterClose(t *testing.T) {
	baseline := runtime.NumGoroutine()
	scripts := []struct {
		name, code string
		cancel     bool
	}{
		{"tasks finished", `
local ts = {}
for i = 1, 50 do ts[i] = spawn(function() sleep(0.001) return i end) end
for i = 1, 50 do ts[i]:join() end
local srv = socket.socket() srv:bind({"127.0.0.1", 0}) srv:listen()
local server = spawn(function() local c = srv:accept() c:sendall(c:recv(10)) c:close() end)
local c = socket.create_connection(srv:getsockname())
c:sendall("echo") assert(c:recv(10) == "echo")
server:join()`, false},
		{"tasks blocked when main fails", `
for i = 1, 20 do spawn(function() sleep(3600) end) end
local a, b = socket.socketpair()
for i = 1, 20 do spawn(function() a:recv(1) end) end
error("main fails")`, false},
		{"tasks blocked when cancelled", `
local srv = socket.socket() srv:bind({"127.0.0.1", 0}) srv:listen()
for i = 1, 20 do spawn(function() srv:accept() end) end
spawn(function() input() end)
print("ready")
sleep(3600)`, true},
	}
	for _, s := range scripts {
		pr, pw := io.Pipe() // an input that never comes
		out := newSignalWriter()
		rt := New(Options{Stdin: pr, Stdout: out})
		runErr := runAsync(testContext(t), rt, s.name+".lua", s.code)
		if s.cancel {
			waitBlocked(t, rt, out, runErr)
			rt.Cancel()
		}
		result(t, runErr)
		rt.Close()
		// A Read in progress cannot be interrupted in Go: the reader of a
		// stdin that never ends stays until the host closes its end.
		pw.Close()
		if !leakcheck.Goroutines(t, baseline, testTimeout) {
			t.FailNow()
		}
	}

	// Close during a run: the run ends and nothing is left either.
	out := newSignalWriter()
	rt := New(Options{Stdout: out})
	runErr := runAsync(testContext(t), rt, "close.lua", `
for i = 1, 10 do spawn(function() sleep(3600) end) end
print("ready") socket.socketpair():recv(1)`)
	waitBlocked(t, rt, out, runErr)
	rt.Close()
	if e := asError(t, result(t, runErr)); e.Kind != Interrupted {
		t.Errorf("run ended by Close: Kind = %v", e.Kind)
	}
	leakcheck.Goroutines(t, baseline, testTimeout)
}
