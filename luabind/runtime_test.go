package luabind

// The Runtime as a Go program sees it: how a run ends, what it returns,
// where its output goes.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sockplay/sockplay/internal/syncbuf"
	lua "github.com/sockplay/sockplay/lua"
)

// testTimeout bounds every wait in the Go tests: a hang fails the test.
const testTimeout = 20 * time.Second

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// newTestRuntime makes a runtime with captured output, closed at the end of
// the test.
func newTestRuntime(t *testing.T, opts Options) (*Runtime, *syncbuf.Buffer, *syncbuf.Buffer) {
	t.Helper()
	stdout, stderr := &syncbuf.Buffer{}, &syncbuf.Buffer{}
	if opts.Stdout == nil {
		opts.Stdout = stdout
	}
	if opts.Stderr == nil {
		opts.Stderr = stderr
	}
	rt := New(opts)
	t.Cleanup(func() { rt.Close() })
	return rt, stdout, stderr
}

// runAsync runs code on its own goroutine; the result arrives on the channel.
func runAsync(ctx context.Context, rt *Runtime, name, code string) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- rt.RunString(ctx, name, code, nil) }()
	return ch
}

// result waits for a run's result, failing the test after testTimeout.
func result(t *testing.T, ch <-chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(testTimeout):
		// Where every goroutine waits: a hang seen once under load may
		// not come back when asked.
		pprof.Lookup("goroutine").WriteTo(os.Stderr, 2)
		t.Fatalf("the run did not end within %v (goroutines on stderr)", testTimeout)
		return nil
	}
}

// blockUntil is a host function's wait on ch, as Blocking runs one: the
// runtime lock is released until ch delivers (or is closed) or the task is
// cancelled; a cancellation is raised in the task. before, when not nil,
// runs first with the lock already released.
func blockUntil(rt *Runtime, L *lua.LState, ch <-chan struct{}, before func()) {
	err := rt.Blocking(L, func(ctx context.Context) error {
		if before != nil {
			before()
		}
		select {
		case <-ch:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	if err != nil {
		Raise(L, err)
	}
}

// asError returns err as *Error, failing the test if it is not one.
func asError(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *luabind.Error", err, err)
	}
	return e
}

func TestRunSucceeds(t *testing.T) {
	rt, stdout, stderr := newTestRuntime(t, Options{})
	err := rt.RunString(testContext(t), "ok.lua", `print("hello", 1, nil, true) io.write("a", 2, "\n")`, nil)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if got, want := stdout.String(), "hello\t1\tnil\ttrue\na2\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	if stderr.String() != "" {
		t.Errorf("stderr = %q", stderr.String())
	}
}

func TestRunArgs(t *testing.T) {
	rt, stdout, _ := newTestRuntime(t, Options{})
	err := rt.RunString(testContext(t), "args.lua", `print(arg[0], #arg, arg[1], arg[2])`, []string{"8080", "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := stdout.String(), "args.lua\t2\t8080\t127.0.0.1\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}

// arg[-1] is how the host is started (Options.Command), as lua puts its
// own name there; nil without it. A session's scripts see it too.
func TestRunArgCommand(t *testing.T) {
	for _, command := range []string{"go run .", ""} {
		rt, stdout, _ := newTestRuntime(t, Options{Command: command})
		if err := rt.RunString(testContext(t), "args.lua", `print(arg[-1])`, nil); err != nil {
			t.Fatal(err)
		}
		want := command
		if want == "" {
			want = "nil"
		}
		if got := stdout.String(); got != want+"\n" {
			t.Errorf("Command %q: arg[-1] printed %q", command, got)
		}
	}
	rt, _, _ := newTestRuntime(t, Options{Command: "./sockplay"})
	s := rt.NewSession()
	t.Cleanup(s.Close)
	ctx := testContext(t)
	if _, err := s.StartCode("bg.lua", `command = arg[-1]`, nil); err != nil {
		t.Fatal(err)
	}
	for len(s.Tasks()) > 0 && ctx.Err() == nil {
		time.Sleep(time.Millisecond) // polling for the task's end; bounded by ctx
	}
	if got, _ := evalShow(t, ctx, s, "return command"); got != `"./sockplay"` {
		t.Errorf("a session's script's arg[-1] = %s", got)
	}
}

func TestRunFile(t *testing.T) {
	rt, stdout, _ := newTestRuntime(t, Options{})
	path := filepath.Join(t.TempDir(), "script.lua")
	if err := os.WriteFile(path, []byte("print(arg[0] == ... or arg[0])\nerror('on line two')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := rt.RunFile(testContext(t), path, nil)
	e := asError(t, err)
	if e.Kind != RuntimeError || e.Msg != path+":2: on line two" {
		t.Errorf("got Kind %v Msg %q, want a RuntimeError at %s:2", e.Kind, e.Msg, path)
	}
	if !strings.Contains(stdout.String(), path) {
		t.Errorf("arg[0] = %q, want the path", stdout.String())
	}
	if err := rt.RunFile(testContext(t), filepath.Join(t.TempDir(), "missing.lua"), nil); err == nil {
		t.Error("running a missing file succeeded")
	}
}

func TestRunScript(t *testing.T) {
	fsys := fstest.MapFS{
		"tcp/echo.lua": {Data: []byte(`print("echo", arg[0], arg[1])`)},
	}
	rt, stdout, _ := newTestRuntime(t, Options{Scripts: fsys})
	for _, name := range []string{"tcp/echo", "tcp/echo.lua"} {
		if err := rt.RunScript(testContext(t), name, []string{"9000"}); err != nil {
			t.Fatalf("RunScript(%q): %v", name, err)
		}
	}
	if got, want := stdout.String(), "echo\ttcp/echo\t9000\necho\ttcp/echo\t9000\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	err := rt.RunScript(testContext(t), "tcp/nothing", nil)
	if err == nil || !strings.Contains(err.Error(), "no bundled script") {
		t.Errorf("unknown script: err = %v", err)
	}
	rt2, _, _ := newTestRuntime(t, Options{})
	if err := rt2.RunScript(testContext(t), "tcp/echo", nil); err == nil {
		t.Error("RunScript without Scripts succeeded")
	}
}

func TestSyntaxError(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	e := asError(t, rt.RunString(testContext(t), "bad.lua", "print('x'\nlocal = 1", nil))
	if e.Kind != SyntaxError {
		t.Errorf("Kind = %v, want SyntaxError", e.Kind)
	}
	if !strings.HasPrefix(e.Msg, "bad.lua") {
		t.Errorf("Msg = %q, want it to start with the chunk name", e.Msg)
	}
	// the runtime is still usable
	if err := rt.RunString(testContext(t), "good.lua", "x = 1", nil); err != nil {
		t.Errorf("run after a syntax error: %v", err)
	}
}

// An uncaught error in the main chunk ends the run at once, cancels the
// spawned tasks, and comes back as file:line: message with its class,
// errno and hint.
func TestUncaughtErrorInMain(t *testing.T) {
	rt, _, stderr := newTestRuntime(t, Options{})
	const code = `
local srv = socket.socket()
srv:bind({"127.0.0.1", 0})
srv:listen()
spawn(function() srv:accept() end)            -- blocks for ever
spawn(function() sleep(3600) end)
local holder = socket.socket()
holder:bind({"127.0.0.1", 0})                 -- bound, not listening: refuses
local c = socket.socket()
c:connect(holder:getsockname())               -- line 10
`
	e := asError(t, result(t, runAsync(testContext(t), rt, "client.lua", code)))
	if e.Kind != RuntimeError {
		t.Errorf("Kind = %v, want RuntimeError", e.Kind)
	}
	if want := "client.lua:10: ConnectionRefusedError: [Errno 111] Connection refused"; e.Msg != want {
		t.Errorf("Msg = %q, want %q", e.Msg, want)
	}
	if e.Class != "ConnectionRefusedError" || e.Errno != 111 {
		t.Errorf("Class, Errno = %q, %d", e.Class, e.Errno)
	}
	if !strings.Contains(e.Hint, "nothing listens") {
		t.Errorf("Hint = %q", e.Hint)
	}
	if !strings.Contains(e.Traceback, "client.lua:10") {
		t.Errorf("Traceback = %q", e.Traceback)
	}
	if e.Error() != e.Msg {
		t.Errorf("Error() = %q, want Msg", e.Error())
	}
	if stderr.String() != "" {
		t.Errorf("the cancelled tasks printed %q", stderr.String())
	}
	if n := rt.OpenSockets(); n != 0 {
		t.Errorf("%d sockets open", n)
	}
}

func TestErrorHints(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	tests := []struct {
		name, code, class string
		errno             int
		hint              string
	}{
		{"in use", `local a = socket.socket() a:bind({"127.0.0.1", 0}) a:listen()
			socket.socket():bind(a:getsockname())`, "OSError", 98, "a socket of this run, still open, is bound to"},
		{"closed", `local s = socket.socket() s:close() s:recv(1)`, "OSError", 9, "after close"},
		{"unix path in use", `local p = os.tmpname() os.remove(p)
			local a = socket.socket(socket.AF_UNIX) a:bind(p)
			local b = socket.socket(socket.AF_UNIX)
			local ok, e = pcall(b.bind, b, p) os.remove(p) error(e, 0)`,
			"OSError", 98, "the socket file already exists: remove it with os.remove(path)"},
		{"unix path in use, create_server", `local p = os.tmpname() os.remove(p)
			local a = socket.create_server(p, {family = socket.AF_UNIX})
			local ok, e = pcall(socket.create_server, p, {family = socket.AF_UNIX}) os.remove(p) error(e, 0)`,
			"OSError", 98, "the socket file already exists"},
		{"not connected", `socket.socket():recv(1)`, "OSError", 107, "accept() returned"},
		{"timeout", `local s = socket.socket() s:bind({"127.0.0.1", 0}) s:listen() s:settimeout(0.01) s:accept()`,
			"TimeoutError", 0, "timeout"},
		{"non-blocking", `local s = socket.socket() s:bind({"127.0.0.1", 0}) s:listen() s:settimeout(0) s:accept()`,
			"BlockingIOError", 11, "non-blocking"},
		{"plain error", `error("just a message")`, "", 0, ""},
		{"error value of a table", `error({})`, "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := asError(t, rt.RunString(testContext(t), "hint.lua", tt.code, nil))
			if e.Kind != RuntimeError || e.Class != tt.class || e.Errno != tt.errno {
				t.Errorf("Kind, Class, Errno = %v, %q, %d; want RuntimeError, %q, %d (%s)",
					e.Kind, e.Class, e.Errno, tt.class, tt.errno, e.Msg)
			}
			if tt.hint == "" && e.Hint != "" || !strings.Contains(e.Hint, tt.hint) {
				t.Errorf("Hint = %q, want one containing %q", e.Hint, tt.hint)
			}
			if tt.name == "error value of a table" {
				if e.Msg != "error object is a table value" {
					t.Errorf("Msg = %q", e.Msg)
				}
			} else if !strings.HasPrefix(e.Msg, "hint.lua:") {
				t.Errorf("Msg = %q, want file:line: first", e.Msg)
			}
		})
	}
}

// The run goes on while spawned tasks do, as Python waits for its threads.
func TestRunWaitsForTasks(t *testing.T) {
	rt, stdout, _ := newTestRuntime(t, Options{})
	const code = `
local a, b = socket.socketpair()
spawn(function()
  local got = b:recv(100)
  print("task got " .. got)
end)
spawn(function()
  sleep(0.01)
  a:sendall("late data")
end)
print("main done")
`
	if err := result(t, runAsync(testContext(t), rt, "wait.lua", code)); err != nil {
		t.Fatal(err)
	}
	if got, want := stdout.String(), "main done\ntask got late data\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}

// An error in a spawned task is printed to Stderr and does not stop the
// others, nor fail the run.
func TestErrorInTask(t *testing.T) {
	rt, stdout, stderr := newTestRuntime(t, Options{})
	const code = `
local bad = spawn(function()
  error("boom")                               -- line 3
end)
local refused = spawn(function()
  local holder = socket.socket()
  holder:bind({"127.0.0.1", 0})
  socket.socket():connect(holder:getsockname()) -- line 8
end)
local good = spawn(function()
  while bad:status() == "running" or refused:status() == "running" do sleep(0) end
  print("good task still runs")
end)
while good:status() == "running" do sleep(0) end
print("main", bad:status(), refused:status(), good:status())
`
	if err := result(t, runAsync(testContext(t), rt, "tasks.lua", code)); err != nil {
		t.Fatalf("run: %v", err)
	}
	if got, want := stdout.String(), "good task still runs\nmain\tfailed\tfailed\tdone\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	for _, want := range []string{
		"error in task 2 (spawned at tasks.lua:2):\ntasks.lua:3: boom\n  error(\"boom\")",
		"error in task 3 (spawned at tasks.lua:5):\ntasks.lua:8: ConnectionRefusedError: [Errno 111] Connection refused\n" +
			"  socket.socket():connect(holder:getsockname()) -- line 8\nhint: nothing listens at that address",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr = %q, want it to contain %q", stderr.String(), want)
		}
	}
}

func TestOsExit(t *testing.T) {
	tests := []struct {
		code     string
		wantCode int // -1: the run returns nil
	}{
		{`os.exit(3)`, 3},
		{`print("before") os.exit(3) print("after")`, 3},
		{`os.exit(0)`, -1},
		{`os.exit()`, -1},
		{`os.exit(true)`, -1},
		{`os.exit(false)`, 1},
		{`pcall(os.exit, 4) print("after pcall")`, 4},
		// from a spawned task: the whole run ends, the other tasks with it
		{`spawn(function() sleep(3600) end)
		  spawn(function() os.exit(5) end)
		  sleep(3600)`, 5},
	}
	for _, tt := range tests {
		rt, stdout, stderr := newTestRuntime(t, Options{})
		err := result(t, runAsync(testContext(t), rt, "exit.lua", tt.code))
		if tt.wantCode < 0 {
			if err != nil {
				t.Errorf("%s: err = %v, want nil", tt.code, err)
			}
			continue
		}
		e := asError(t, err)
		if e.Kind != Exit || e.Code != tt.wantCode {
			t.Errorf("%s: Kind, Code = %v, %d; want Exit, %d", tt.code, e.Kind, e.Code, tt.wantCode)
		}
		if rt.ExitCode() != tt.wantCode {
			t.Errorf("%s: ExitCode() = %d", tt.code, rt.ExitCode())
		}
		if strings.Contains(stdout.String(), "after") {
			t.Errorf("%s: code after os.exit ran: %q", tt.code, stdout.String())
		}
		if stderr.String() != "" {
			t.Errorf("%s: stderr = %q", tt.code, stderr.String())
		}
		// the runtime is usable for another run, which starts at status 0
		if err := rt.RunString(testContext(t), "again.lua", "x = 1", nil); err != nil {
			t.Errorf("run after exit: %v", err)
		}
	}
	// we are still here: the test process did not exit
}

func TestInput(t *testing.T) {
	rt, stdout, _ := newTestRuntime(t, Options{Stdin: strings.NewReader("first line\r\nsecond\nno newline")})
	const code = `
print(input("> "))
print(io.read())
print(input())
print(input())
print(io.read("L"))
`
	if err := rt.RunString(testContext(t), "input.lua", code, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := stdout.String(), "> first line\nsecond\nno newline\nnil\nnil\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	// no Stdin: end of input at once
	rt2, stdout2, _ := newTestRuntime(t, Options{})
	if err := rt2.RunString(testContext(t), "input.lua", `print(input())`, nil); err != nil {
		t.Fatal(err)
	}
	if stdout2.String() != "nil\n" {
		t.Errorf("stdout = %q", stdout2.String())
	}
	// A prompt at the end of the input gets its line ended (Ctrl-D echoes
	// no newline); a prompt answered does not.
	rt3, stdout3, _ := newTestRuntime(t, Options{Stdin: strings.NewReader("abc\n")})
	if err := rt3.RunString(testContext(t), "input.lua", `io.write(tostring(input(">>>")), "|", tostring(input(">>>")), "|")`, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := stdout3.String(), ">>>>>>\nabc|nil|"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}

// Output goes only to the writers given: nothing reaches the process's
// stdout or stderr, also with nil writers. The runs go in a child process
// (outputCheck) whose descriptors 1 and 2 are pipes this test reads: the
// test's own process never swaps its os.Stdout, where the testing
// package, a panic or the race detector would write too.
func TestOutputOnlyToWriters(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx := testContext(t)
	report := filepath.Join(t.TempDir(), "report.json")
	// testscript.Main runs a command by the name the process is called.
	cmd := exec.CommandContext(ctx, exe, report)
	cmd.Args[0] = outputCheckCmd
	// Under -race, a process sleeps a second at its exit by default.
	cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0 "+os.Getenv("GORACE"))
	var leaked bytes.Buffer
	cmd.Stdout, cmd.Stderr = &leaked, &leaked
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v; its output:\n%s", err, leaked.String())
	}
	if leaked.Len() != 0 {
		t.Errorf("written to the process's stdout/stderr: %q", leaked.String())
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var got outputReport
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("child's report %q: %v", data, err)
	}
	if got.RunErr != "" || got.QuietErr != "" {
		t.Fatalf("runs: %s, %s", got.RunErr, got.QuietErr)
	}
	if want := "print\nio.write\nio.stdout\n"; got.Stdout != want {
		t.Errorf("stdout = %q, want %q", got.Stdout, want)
	}
	if !strings.HasPrefix(got.Stderr, "io.stderr\nerror in task 2 (spawned at out.lua:6):\nout.lua:6: task error") {
		t.Errorf("stderr = %q", got.Stderr)
	}
}

// outputCheckCmd names the child of TestOutputOnlyToWriters.
const outputCheckCmd = "luabind-output-check"

// outputReport is what the child saw, written to the file its argument
// names: its own stdout and stderr are what the test checks stay empty.
type outputReport struct {
	RunErr, QuietErr string
	Stdout, Stderr   string
}

// outputCheck is the child: the same code in a runtime with writers and
// in one without.
func outputCheck() {
	const code = `
print("print")
io.write("io.write\n")
io.stdout:write("io.stdout\n")
io.stderr:write("io.stderr\n")
spawn(function() error("task error") end)
`
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	errText := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	stdout, stderr := &syncbuf.Buffer{}, &syncbuf.Buffer{}
	rt := New(Options{Stdout: stdout, Stderr: stderr})
	runErr := rt.RunString(ctx, "out.lua", code, nil)
	rt.Close()
	quiet := New(Options{})
	quietErr := quiet.RunString(ctx, "out.lua", code, nil)
	quiet.Close()
	data, err := json.Marshal(outputReport{errText(runErr), errText(quietErr), stdout.String(), stderr.String()})
	if err == nil {
		err = os.WriteFile(os.Args[1], data, 0o600)
	}
	if err != nil {
		// Output the test reads as a leak, with the reason.
		fmt.Fprintln(os.Stderr, "luabind-output-check:", err)
		os.Exit(1)
	}
}

// A runtime runs one script after another; globals persist, sockets do not.
func TestRuntimeReuse(t *testing.T) {
	rt, stdout, _ := newTestRuntime(t, Options{})
	ctx := testContext(t)
	if err := rt.RunString(ctx, "one.lua", `kept = 42 leftover = socket.socket()`, nil); err != nil {
		t.Fatal(err)
	}
	if err := rt.RunString(ctx, "two.lua", `print(kept, leftover:fileno())`, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := stdout.String(), "42\t-1\n"; got != want {
		t.Errorf("stdout = %q, want %q (the socket of the first run is closed)", got, want)
	}
	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rt.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := rt.RunString(ctx, "closed.lua", `x = 1`, nil); err == nil {
		t.Error("run on a closed runtime succeeded")
	}
}
