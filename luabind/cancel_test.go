package luabind

// Cancellation: rt.Cancel(), the run's context and rt.Close() interrupt a
// script wherever it waits, and a busy loop too. Every run must come back
// as an *Error of Kind Interrupted, promptly.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// signalWriter closes ready when the text written to it contains "ready"
// (want times: one per task that must be blocked).
type signalWriter struct {
	mu    sync.Mutex
	buf   strings.Builder
	want  int
	ready chan struct{}
	once  sync.Once
}

func newSignalWriter() *signalWriter { return newSignalWriterN(1) }

func newSignalWriterN(want int) *signalWriter {
	return &signalWriter{want: want, ready: make(chan struct{})}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Count(w.buf.String(), "ready") >= w.want {
		w.once.Do(func() { close(w.ready) })
	}
	return len(p), nil
}

func (w *signalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// waitReady returns once the script has printed "ready"; the run must not
// end first.
func waitReady(t *testing.T, w *signalWriter, runErr <-chan error) {
	t.Helper()
	select {
	case <-w.ready:
	case err := <-runErr:
		t.Fatalf("the run ended before it was ready: %v", err)
	case <-time.After(testTimeout):
		t.Fatal("the script never printed ready")
	}
}

// waitBlocked returns once the script has printed "ready" and then given
// up the runtime lock, which a task does only to wait: after its print,
// each script below makes exactly one blocking call, so then it is in it.
// No sleeps: the lock itself is the observation.
func waitBlocked(t *testing.T, rt *Runtime, w *signalWriter, runErr <-chan error) {
	t.Helper()
	waitReady(t, w, runErr)
	locked := make(chan struct{})
	go func() {
		rt.gil.Lock()
		//lint:ignore SA2001 taking the lock is the observation: the task let go of it
		rt.gil.Unlock()
		close(locked)
	}()
	select {
	case <-locked:
	case <-time.After(testTimeout):
		t.Fatal("the script never released the runtime lock")
	}
}

// fullListener returns the address of a listener on 127.0.0.1 whose accept
// queue is full (backlog 0, never accepted), so a further connect waits:
// the kernel drops its handshake until the queue has room.
func fullListener(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("Winsock keeps a listener's first backlog: net's, the longest")
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	// listen(2) again, with backlog 0 (the backends' sysListen).
	rc, err := ln.(*net.TCPListener).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	if cerr := rc.Control(func(h uintptr) { err = sysListen(h, 0) }); cerr != nil || err != nil {
		t.Fatal(cerr, err)
	}
	addr := ln.Addr().String()
	// Connect until one handshake does not complete: the queue is full.
	for i := 0; ; i++ {
		if i == 20 {
			t.Fatal("the backlog never filled")
		}
		c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond)
		if err != nil {
			break
		}
		t.Cleanup(func() { c.Close() })
	}
	return addr
}

func TestCancelBlocked(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T) (code string, stdin io.Reader)
	}{
		{"accept", func(t *testing.T) (string, io.Reader) {
			return `local s = socket.socket() s:bind({"127.0.0.1", 0}) s:listen()
				print("ready") s:accept()`, nil
		}},
		{"accept with timeout", func(t *testing.T) (string, io.Reader) {
			return `local s = socket.socket() s:bind({"127.0.0.1", 0}) s:listen() s:settimeout(3600)
				print("ready") s:accept()`, nil
		}},
		{"recv", func(t *testing.T) (string, io.Reader) {
			return `local a, b = socket.socketpair() print("ready") a:recv(10)`, nil
		}},
		{"recvfrom udp", func(t *testing.T) (string, io.Reader) {
			return `local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM) u:bind({"127.0.0.1", 0})
				print("ready") u:recvfrom(10)`, nil
		}},
		{"sendall to a full buffer", func(t *testing.T) (string, io.Reader) {
			return `local a, b = socket.socketpair() local big = string.rep("x", 64 * 1024 * 1024)
				print("ready") a:sendall(big)`, nil
		}},
		{"io.popen read", func(t *testing.T) (string, io.Reader) {
			return `local f = io.popen("sleep 30") print("ready") f:read("*a")`, nil
		}},
		{"readline", func(t *testing.T) (string, io.Reader) {
			return `local a, b = socket.socketpair() local f = a:makefile()
				print("ready") f:readline()`, nil
		}},
		{"connect", func(t *testing.T) (string, io.Reader) {
			host, port, _ := net.SplitHostPort(fullListener(t))
			return fmt.Sprintf(`local c = socket.socket() print("ready") c:connect({%q, %s})`, host, port), nil
		}},
		{"create_connection", func(t *testing.T) (string, io.Reader) {
			host, port, _ := net.SplitHostPort(fullListener(t))
			return fmt.Sprintf(`print("ready") socket.create_connection({%q, %s})`, host, port), nil
		}},
		{"sleep", func(t *testing.T) (string, io.Reader) {
			return `print("ready") sleep(3600)`, nil
		}},
		{"sleep for ever", func(t *testing.T) (string, io.Reader) {
			return `print("ready") sleep(math.huge)`, nil
		}},
		{"select", func(t *testing.T) (string, io.Reader) {
			return `local a, b = socket.socketpair() print("ready") select.select({a}, {}, {})`, nil
		}},
		{"select with timeout", func(t *testing.T) (string, io.Reader) {
			return `local a, b = socket.socketpair() print("ready") select.select({a}, {}, {}, 3600)`, nil
		}},
		{"input", func(t *testing.T) (string, io.Reader) {
			pr, pw := io.Pipe() // never written
			t.Cleanup(func() { pw.Close() })
			return `print("ready") input()`, pr
		}},
		{"join", func(t *testing.T) (string, io.Reader) {
			return `local task = spawn(function() sleep(3600) end) print("ready") task:join()`, nil
		}},
		{"inside pcall", func(t *testing.T) (string, io.Reader) {
			return `print("ready") pcall(sleep, 3600) print("after pcall")`, nil
		}},
		{"in a spawned task", func(t *testing.T) (string, io.Reader) {
			return `spawn(function() local a, b = socket.socketpair() print("ready") a:recv(1) end)`, nil
		}},
	}
	cancellers := []struct {
		name   string
		cancel func(rt *Runtime, cancelCtx context.CancelFunc)
	}{
		{"Cancel", func(rt *Runtime, _ context.CancelFunc) { rt.Cancel() }},
		{"context", func(_ *Runtime, cancel context.CancelFunc) { cancel() }},
		{"Close", func(rt *Runtime, _ context.CancelFunc) { rt.Close() }},
	}
	for _, tt := range tests {
		for _, c := range cancellers {
			t.Run(tt.name+"/"+c.name, func(t *testing.T) {
				code, stdin := tt.setup(t)
				out := newSignalWriter()
				rt, _, stderr := newTestRuntime(t, Options{Stdout: out, Stdin: stdin})
				ctx, cancel := context.WithCancel(testContext(t))
				defer cancel()
				runErr := runAsync(ctx, rt, "blocked.lua", code)
				waitBlocked(t, rt, out, runErr)
				c.cancel(rt, cancel)
				e := asError(t, result(t, runErr))
				if e.Kind != Interrupted {
					t.Errorf("Kind = %v (%s), want Interrupted", e.Kind, e.Msg)
				}
				if strings.Contains(out.String(), "after pcall") {
					t.Error("the script went on after the interrupt")
				}
				if stderr.String() != "" {
					t.Errorf("stderr = %q", stderr.String())
				}
				if n := rt.OpenSockets(); n != 0 {
					t.Errorf("%d sockets open", n)
				}
			})
		}
	}
}

// A busy loop holds the runtime lock; the context stops it anyway.
func TestCancelBusyLoop(t *testing.T) {
	for _, code := range []string{
		`print("ready") while true do end`,
		`print("ready") while true do pcall(function() end) end`,
		`print("ready") local t = {} while true do t[#t % 100 + 1] = tostring(#t) end`,
		`spawn(function() while true do end end) print("ready")`,
	} {
		for _, how := range []string{"Cancel", "context"} {
			t.Run(how, func(t *testing.T) {
				out := newSignalWriter()
				rt, _, _ := newTestRuntime(t, Options{Stdout: out})
				ctx, cancel := context.WithCancel(testContext(t))
				defer cancel()
				runErr := runAsync(ctx, rt, "busy.lua", code)
				// "ready" is printed by a registered task, which Cancel reaches.
				waitReady(t, out, runErr)
				if how == "Cancel" {
					rt.Cancel()
				} else {
					cancel()
				}
				e := asError(t, result(t, runErr))
				if e.Kind != Interrupted {
					t.Errorf("%s: Kind = %v (%s), want Interrupted", code, e.Kind, e.Msg)
				}
				// The context's error is what interrupted it; Cancel has none.
				if byContext := errors.Is(e, context.Canceled); byContext != (how == "context") {
					t.Errorf("%s, %s: errors.Is(err, context.Canceled) = %v", code, how, byContext)
				}
			})
		}
	}
}

// A deadline on the run's context interrupts it too.
func TestRunDeadline(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	for _, code := range []string{`while true do end`, `sleep(3600)`, `socket.socketpair():recv(1)`} {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		e := asError(t, result(t, runAsync(ctx, rt, "deadline.lua", code)))
		cancel()
		if e.Kind != Interrupted || !errors.Is(e, context.DeadlineExceeded) {
			t.Errorf("%s: Kind = %v (%s), unwraps to %v; want Interrupted by context.DeadlineExceeded", code, e.Kind, e.Msg, e.Unwrap())
		}
	}
	// an already cancelled context: the script does not run
	rt2, stdout, _ := newTestRuntime(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := asError(t, rt2.RunString(ctx, "cancelled.lua", `print("ran")`, nil))
	if e.Kind != Interrupted || !errors.Is(e, context.Canceled) || stdout.String() != "" {
		t.Errorf("Kind = %v, unwraps to %v, stdout = %q", e.Kind, e.Unwrap(), stdout.String())
	}
}

// After Cancel the runtime is usable for the next run; a script that
// catches the interrupt cannot go on blocking.
func TestCancelThenRunAgain(t *testing.T) {
	out := newSignalWriter()
	rt, _, _ := newTestRuntime(t, Options{Stdout: out})
	runErr := runAsync(testContext(t), rt, "one.lua", `print("ready") sleep(3600)`)
	waitBlocked(t, rt, out, runErr)
	rt.Cancel()
	if e := asError(t, result(t, runErr)); e.Kind != Interrupted {
		t.Fatalf("Kind = %v", e.Kind)
	}
	if err := rt.RunString(testContext(t), "two.lua", `sleep(0.001) local a, b = socket.socketpair() a:send("x") assert(b:recv(1) == "x")`, nil); err != nil {
		t.Errorf("run after Cancel: %v", err)
	}
	// Cancel with nothing running does nothing
	rt.Cancel()
	if err := rt.RunString(testContext(t), "three.lua", `sleep(0)`, nil); err != nil {
		t.Errorf("run after an idle Cancel: %v", err)
	}
}

// Cancelling one task from Go leaves the others running: Cancel is for the
// whole runtime, task:cancel() for one (tested in testdata/tasks.lua). Here:
// a script may catch KeyboardInterrupt only to have its run end anyway.
func TestInterruptIsFinal(t *testing.T) {
	out := newSignalWriter()
	rt, _, _ := newTestRuntime(t, Options{Stdout: out})
	const code = `
print("ready")
local ok, err = pcall(sleep, 3600)
print("caught", err)
sleep(3600)
`
	runErr := runAsync(testContext(t), rt, "catch.lua", code)
	waitBlocked(t, rt, out, runErr)
	rt.Cancel()
	if e := asError(t, result(t, runErr)); e.Kind != Interrupted {
		t.Errorf("Kind = %v (%s)", e.Kind, e.Msg)
	}
}

// Cancelling one task must not disturb other tasks waiting on the same
// socket: the interrupt works through the descriptor's deadline, which all
// its waiters share. The script blocks its tasks, then waits for a line
// of input; the test sends it once every task is in its wait.
func TestCancelOneOfManyWaiters(t *testing.T) {
	tests := []struct{ name, code string }{
		{"two accepts on one listener", `
local srv = socket.socket() srv:bind({"127.0.0.1", 0}) srv:listen()
local a = spawn(function() print("ready") srv:accept() end)
local b = spawn(function() print("ready") local c = srv:accept() c:close() return "b accepted" end)
print("ready") input()
a:cancel()
local ok, err = pcall(a.join, a)
assert(not ok and err.name == "KeyboardInterrupt", tostring(err))
local c = socket.create_connection(srv:getsockname())
assert(b:join() == "b accepted")
print("ok")`},
		{"recv cancelled, sendall goes on", `
local x, y = socket.socketpair()
local reader = spawn(function() print("ready") x:recv(10) end)
local writer = spawn(function() print("ready") x:sendall(string.rep("z", 8 * 1024 * 1024)) return "sent" end)
print("ready") input()
reader:cancel()
pcall(reader.join, reader)
local got = 0
while got < 8 * 1024 * 1024 do got = got + #y:recv(1024 * 1024) end
assert(writer:join() == "sent")
print("ok")`},
		{"a timeout still fires after another task's interrupt", `
local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM) u:bind({"127.0.0.1", 0})
u:settimeout(0.3)
local a = spawn(function() print("ready") u:recvfrom(10) end)
local b = spawn(function() print("ready") local ok, e = pcall(u.recvfrom, u, 10) return e end)
print("ready") input()
a:cancel()
pcall(a.join, a)
local e = b:join()
assert(e.name == "TimeoutError", tostring(e))
print("ok")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			defer pw.Close()
			out := newSignalWriterN(3) // main and its two tasks
			rt, _, stderr := newTestRuntime(t, Options{Stdout: out, Stdin: pr})
			runErr := runAsync(testContext(t), rt, "many.lua", tt.code)
			waitBlocked(t, rt, out, runErr)
			go pw.Write([]byte("go\n"))
			if err := result(t, runErr); err != nil {
				t.Fatalf("run: %v\nstderr: %s", err, stderr.String())
			}
			if !strings.HasSuffix(out.String(), "ok\n") {
				t.Errorf("stdout = %q", out.String())
			}
		})
	}
}
