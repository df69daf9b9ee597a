package luabind

// Embedding: what a Go program that hosts luabind relies on. Modules
// written in Go, several runtimes in one process, no shared state.

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/sockplay/sockplay/internal/syncbuf"
	lua "github.com/sockplay/sockplay/lua"
)

func TestModules(t *testing.T) {
	var calls []string
	var mu sync.Mutex
	loads := 0
	greet := func(L *lua.LState) int {
		loads++
		mod := L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
			// greet.hello(name) -> "hello, name"
			"hello": func(L *lua.LState) int {
				name := L.CheckString(1)
				mu.Lock()
				calls = append(calls, name)
				mu.Unlock()
				L.Push(lua.LString("hello, " + name))
				return 1
			},
		})
		mod.RawSetString("version", lua.LNumber(2))
		L.Push(mod)
		return 1
	}
	rt, stdout, _ := newTestRuntime(t, Options{Modules: map[string]lua.LGFunction{"greet": greet}})
	const code = `
print(greet.hello("global"))
local g = require("greet")
print(g.hello("require"), g.version, rawequal(g, greet))
spawn(function() print(greet.hello("task")) end):join()
`
	if err := rt.RunString(testContext(t), "mod.lua", code, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := stdout.String(), "hello, global\nhello, require\t2\ttrue\nhello, task\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	if loads != 1 {
		t.Errorf("the loader ran %d times, want once", loads)
	}
	if strings.Join(calls, ",") != "global,require,task" {
		t.Errorf("calls = %v", calls)
	}
	// misuse of a module function is an ordinary Lua error
	e := asError(t, rt.RunString(testContext(t), "mod.lua", `greet.hello({})`, nil))
	if e.Kind != RuntimeError || !strings.Contains(e.Msg, "mod.lua:1:") {
		t.Errorf("Kind %v, Msg %q", e.Kind, e.Msg)
	}
}

// Two runtimes in one process share nothing: globals, default timeouts,
// sockets, output, cancellation.
func TestTwoRuntimesConcurrently(t *testing.T) {
	const echo = `
NAME = arg[1]
socket.setdefaulttimeout(tonumber(arg[2]))
local srv = socket.socket()
srv:bind({"127.0.0.1", 0})
srv:listen()
local server = spawn(function()
  for i = 1, 20 do
    local c = srv:accept()
    local data = c:recv(100)
    c:sendall(NAME .. ":" .. data)
    c:close()
  end
end)
for i = 1, 20 do
  local c = socket.create_connection(srv:getsockname())
  c:sendall(tostring(i))
  local reply = c:recv(100)
  assert(reply == NAME .. ":" .. i, "crossed replies: " .. reply)
  c:close()
  sleep(0)
end
server:join()
print(NAME, socket.getdefaulttimeout(), OTHER)
OTHER = NAME
`
	const n = 4
	var wg sync.WaitGroup
	outs := make([]*syncbuf.Buffer, n)
	errs := make([]error, n)
	rts := make([]*Runtime, n)
	for i := range n {
		rts[i], outs[i], _ = newTestRuntime(t, Options{})
	}
	ctx := testContext(t)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = rts[i].RunString(ctx, "echo.lua", echo, []string{fmt.Sprint("rt", i), fmt.Sprint(i + 1)})
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("runtime %d: %v", i, errs[i])
		}
		if got, want := outs[i].String(), fmt.Sprintf("rt%d\t%d\tnil\n", i, i+1); got != want {
			t.Errorf("runtime %d printed %q, want %q", i, got, want)
		}
	}

	// Cancelling one leaves the other running.
	outA := newSignalWriter()
	a, _, _ := newTestRuntime(t, Options{Stdout: outA})
	b, outB, _ := newTestRuntime(t, Options{})
	runA := runAsync(ctx, a, "a.lua", `print("ready") sleep(3600)`)
	waitBlocked(t, a, outA, runA)
	a.Cancel()
	runB := runAsync(ctx, b, "b.lua", `local x, y = socket.socketpair() x:send("b") print(y:recv(1))`)
	if e := asError(t, result(t, runA)); e.Kind != Interrupted {
		t.Errorf("a: Kind = %v", e.Kind)
	}
	if err := result(t, runB); err != nil || outB.String() != "b\n" {
		t.Errorf("b: err %v, stdout %q", err, outB.String())
	}
	// Closing one leaves the other usable.
	a.Close()
	if err := b.RunString(ctx, "b2.lua", `socket.socketpair()`, nil); err != nil {
		t.Errorf("b after a.Close: %v", err)
	}
}

// The Runtime's methods are safe for concurrent use: runs, Cancel,
// OpenSockets and Close from several goroutines (meaningful under -race).
func TestConcurrentAPI(t *testing.T) {
	rt := New(Options{})
	ctx := testContext(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			code := `local a, b = socket.socketpair() a:send("x") b:recv(1) sleep(0.001)`
			if i%2 == 0 {
				code = `spawn(function() sleep(0.001) end) socket.socket()`
			}
			rt.RunString(ctx, fmt.Sprint("c", i, ".lua"), code, nil)
		})
	}
	for range 4 {
		wg.Go(func() {
			rt.Cancel()
			rt.OpenSockets()
		})
	}
	wg.Wait()
	rt.Close()
	if err := rt.RunString(ctx, "after.lua", "x = 1", nil); err == nil {
		t.Error("run after Close succeeded")
	}
	rt.Cancel() // harmless after Close
}

// Close racing with runs that are starting: no panic, no hang, and every
// run returns.
func TestCloseWhileStarting(t *testing.T) {
	for range 20 {
		rt := New(Options{})
		ctx := testContext(t)
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Go(func() {
				rt.RunString(ctx, "start.lua", fmt.Sprintf(`local s = socket.socket() sleep(0.0%d)`, i), nil)
			})
		}
		rt.Close()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			t.Fatal("runs did not end after Close")
		}
		if n := rt.OpenSockets(); n != 0 {
			t.Errorf("%d sockets open after Close", n)
		}
	}
}
