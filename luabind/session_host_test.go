package luabind

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/syncbuf"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lua/parse"
	"github.com/sockplay/sockplay/lualib"
)

// What a REPL needs from a Session beyond Eval: its own output and input,
// chunks it compiled itself, completion, jobs, reset, and os.exit.

func TestSessionOutputInputAndCompiledChunks(t *testing.T) {
	ctx := testContext(t)
	s, first := newTestSession(t)
	var out bytes.Buffer
	var errOut syncbuf.Buffer // a background task writes to it
	s.SetOutput(&out, &errOut)
	var asked []string
	s.SetInput(func(ctx context.Context) (string, bool, error) {
		asked = append(asked, "asked")
		if len(asked) > 1 {
			return "", false, nil // end of input
		}
		return "typed", true, nil
	})

	chunk, err := parse.Parse(strings.NewReader(`print("p"); io.write("w\n"); io.stdout:write("s\n"); io.stderr:write("e\n")
		return input("prompt: "), input()`), "host")
	if err != nil {
		t.Fatal(err)
	}
	proto, err := lua.Compile(chunk, "host")
	if err != nil {
		t.Fatal(err)
	}
	var shown []string
	err = s.EvalFunc(ctx, proto, func(L *lua.LState, vals []lua.LValue) {
		for _, v := range vals {
			shown = append(shown, lualib.Repr(L, v))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(shown, " "); got != `"typed" nil` {
		t.Errorf("results %s", got)
	}
	if out.String() != "p\nw\ns\nprompt: " || errOut.String() != "e\n" || first.String() != "" {
		t.Errorf("stdout %q, stderr %q, the runtime's own stdout %q", out.String(), errOut.String(), first.String())
	}
	// An error of a background task goes to the new stderr too.
	if err := s.Eval(ctx, "stdin", `spawn(function() error("bg failed") end)`, nil); err != nil {
		t.Fatal(err)
	}
	for !strings.Contains(errOut.String(), "bg failed") {
		if ctx.Err() != nil {
			t.Fatalf("no task error in %q", errOut.String())
		}
		time.Sleep(time.Millisecond) // polling the task's end; bounded by ctx
	}

	// input() waiting in the host is interrupted with its task.
	s.SetInput(func(ctx context.Context) (string, bool, error) {
		<-ctx.Done()
		return "", false, ctx.Err()
	})
	lineCtx, lineCancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer lineCancel()
	var e *Error
	if err := s.Eval(lineCtx, "stdin", "input()", nil); !errors.As(err, &e) || e.Kind != Interrupted {
		t.Errorf("input() cancelled: %v", err)
	}
}

func TestSessionNames(t *testing.T) {
	ctx := testContext(t)
	s, _ := newTestSession(t)
	if err := s.Eval(ctx, "stdin", `s = socket.socket(); s:bind({"127.0.0.1", 0}); a = s:getsockname()
		obj = setmetatable({field = 1}, {__index = {method = function() end, value = 2}})
		busy = setmetatable({}, {__index = function() error("must not run") end})`, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path     []string
		method   bool
		has, not []string
	}{
		{nil, false, []string{"socket", "print", "s", "obj"}, []string{"and"}},
		{[]string{"socket"}, false, []string{"AF_INET", "create_server", "SO_REUSEADDR"}, nil},
		{[]string{"s"}, true, []string{"accept", "sendall", "settimeout"}, []string{"family"}},
		{[]string{"s"}, false, []string{"accept", "family", "proto"}, nil},
		{[]string{"a"}, false, []string{"host", "port"}, nil},
		{[]string{"obj"}, false, []string{"field", "method", "value"}, nil},
		{[]string{"obj"}, true, []string{"method"}, []string{"field", "value"}},
		{[]string{"busy"}, false, nil, []string{"x"}},
		{[]string{"string"}, true, []string{"upper", "pack"}, nil},
		{[]string{"nosuch", "x"}, false, nil, nil},
	} {
		names := s.Names(tc.path, tc.method)
		for _, n := range tc.has {
			if !slices.Contains(names, n) {
				t.Errorf("Names(%q, %v) lacks %s: %q", tc.path, tc.method, n, names)
			}
		}
		for _, n := range tc.not {
			if slices.Contains(names, n) {
				t.Errorf("Names(%q, %v) has %s", tc.path, tc.method, n)
			}
		}
	}
}

func TestSessionJobsResetAndExit(t *testing.T) {
	ctx := testContext(t)
	s, _ := newTestSession(t)
	rt := s.rt

	// A background script that calls os.exit ends alone.
	id, err := s.StartCode("quit.lua", `os.exit(3)`, nil)
	if err != nil {
		t.Fatal(err)
	}
	var jobs []TaskInfo
	for {
		jobs = s.Jobs()
		if len(jobs) > 1 {
			t.Fatalf("one script, listed more than once: %+v", jobs) // then never again: the loop would spin
		}
		if len(jobs) == 1 && jobs[0].Status != "running" || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Millisecond) // polling the task's end; bounded by ctx
	}
	if len(jobs) != 1 || jobs[0].ID != id || jobs[0].Status != "cancelled" || jobs[0].Name != "quit.lua" {
		t.Fatalf("jobs: %+v", jobs)
	}
	if jobs := s.Jobs(); len(jobs) != 0 {
		t.Errorf("an ended script is reported once: %+v", jobs)
	}
	if err := s.Eval(ctx, "stdin", "x = 1", nil); err != nil {
		t.Errorf("after a background os.exit: %v", err)
	}
	if _, exited := s.Exited(); exited {
		t.Error("the session counts as exited")
	}

	// Reset: tasks stopped, sockets closed, globals as they were.
	if err := s.Eval(ctx, "stdin", `srv = socket.create_server({"127.0.0.1", 0})
		waiter = spawn(function() srv:accept() end)
		socket.AF_INET = 99; print = nil; x = 5`, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if n := rt.OpenSockets(); n != 0 || len(s.Tasks()) != 0 {
		t.Errorf("after Reset: %d sockets, tasks %+v", n, s.Tasks())
	}
	got, err := evalShow(t, ctx, s, "return x, srv, socket.AF_INET, type(print)")
	if err != nil || got != `nil	nil	2	"function"` {
		t.Errorf("after Reset: %s, %v", got, err)
	}

	// os.exit in a spawned task ends the session (and the evaluation
	// that spawned it, if it still runs).
	var e *Error
	if err := s.Eval(ctx, "stdin", `spawn(function() os.exit(7) end)`, nil); err != nil && !(errors.As(err, &e) && e.Kind == Exit) {
		t.Fatal(err)
	}
	select {
	case <-s.Done():
	case <-ctx.Done():
		t.Fatal("the session did not end")
	}
	if code, exited := s.Exited(); !exited || code != 7 {
		t.Errorf("Exited() = %d, %v", code, exited)
	}
}

// A background script has settled once each of its tasks — its main
// chunk and those spawned in it — has ended or waits in a blocking call.
// A task in Go code that keeps the runtime (a call that does not let go
// of it), or one reading input, which the host serves, has not.
func TestSessionSettled(t *testing.T) {
	ctx := testContext(t)
	entered, release := make(chan struct{}), make(chan struct{})
	reading := make(chan struct{})
	rt, _, _ := newTestRuntime(t, Options{Modules: map[string]lua.LGFunction{"gate": func(L *lua.LState) int {
		L.Push(L.NewFunction(func(L *lua.LState) int {
			entered <- struct{}{}
			<-release // with the runtime lock held: the task is busy
			return 0
		}))
		return 1
	}}})
	s := rt.NewSession()
	t.Cleanup(s.Close)
	s.SetInput(func(ctx context.Context) (string, bool, error) {
		reading <- struct{}{}
		<-ctx.Done()
		return "", false, ctx.Err()
	})
	settled := func(id int) bool {
		select {
		case <-s.Settled(id):
			return true
		default:
			return false
		}
	}
	waitSettled := func(what string, id int) {
		t.Helper()
		select {
		case <-s.Settled(id):
		case <-ctx.Done():
			t.Fatalf("%s: not settled within the test's deadline", what)
		}
	}
	waitFor := func(what string, ch chan struct{}) {
		t.Helper()
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("%s within the test's deadline", what)
		}
	}

	// A spawned task, busy after the main chunk has ended; then asleep.
	id, err := s.StartCode("spawns.lua", `spawn(function() gate() sleep(60) end)`, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitFor("the spawned task did not call gate", entered)
	if settled(id) {
		t.Errorf("settled while its spawned task runs")
	}
	release <- struct{}{}
	waitSettled("asleep", id)

	// input() is not a wait that settles the script.
	id, err = s.StartCode("asks.lua", `input("? ")`, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitFor("the script did not read input", reading)
	if settled(id) {
		t.Errorf("settled while it reads input")
	}
	s.Kill(id)
	waitSettled("killed", id)

	// Ended, and a number no script has: settled.
	id, err = s.StartCode("ends.lua", `local n = 0 for i = 1, 100 do n = n + i end`, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitSettled("ended", id)
	if !settled(12345) {
		t.Errorf("an unknown script is not settled")
	}

	// The session forgets a script once all its tasks have ended.
	s.StopBackground()
	if err := rt.tasksWG.WaitContext(ctx); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	left := len(s.groups)
	s.mu.Unlock()
	if left != 0 {
		t.Errorf("%d scripts still counted after all their tasks ended", left)
	}
}
