package luabind

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/syncbuf"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// evalShow evaluates code in s and returns its results as Repr shows them.
func evalShow(t *testing.T, ctx context.Context, s *Session, code string) (string, error) {
	t.Helper()
	var shown []string
	err := s.Eval(ctx, "stdin", code, func(L *lua.LState, vals []lua.LValue) {
		for _, v := range vals {
			shown = append(shown, lualib.Repr(L, v))
		}
	})
	return strings.Join(shown, "\t"), err
}

// newTestSession is a session of a new runtime that prints to the
// returned buffer; both end with the test.
func newTestSession(t *testing.T) (*Session, *syncbuf.Buffer) {
	t.Helper()
	rt, stdout, _ := newTestRuntime(t, Options{})
	s := rt.NewSession()
	t.Cleanup(s.Close)
	return s, stdout
}

func TestSessionKeepsStateAndBackgroundTasks(t *testing.T) {
	ctx := testContext(t)
	s, _ := newTestSession(t)
	rt := s.rt

	if _, err := evalShow(t, ctx, s, "x = 41"); err != nil {
		t.Fatal(err)
	}
	if got, err := evalShow(t, ctx, s, `return x + 1, "a\r\n\255", nil, {1, "b", k = true}`); err != nil || got != `42	"a\r\n\xff"	nil	{1, "b", k = true}` {
		t.Fatalf("got %q, %v", got, err)
	}

	// A server spawned by one evaluation outlives it.
	_, err := evalShow(t, ctx, s, `
srv = socket.create_server({"127.0.0.1", 0})
server = spawn(function()
  while true do
    local c = srv:accept()
    c:sendall(c:recv(100):upper())
    c:close()
  end
end)
return srv:getsockname()`)
	if err != nil {
		t.Fatal(err)
	}
	if tasks := s.Tasks(); len(tasks) != 1 || !strings.HasPrefix(tasks[0].Name, "function at stdin:") {
		t.Fatalf("tasks: %+v", tasks)
	}
	ask := `local c = socket.create_connection(srv:getsockname(), 5); c:sendall("hi"); local r = c:recv(10); c:close(); return r`
	if got, err := evalShow(t, ctx, s, ask); err != nil || got != `"HI"` {
		t.Fatalf("client: %q, %v", got, err)
	}

	// Interrupting an evaluation blocked in accept leaves the server alive.
	lineCtx, lineCancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := evalShow(t, lineCtx, s, `local l = socket.create_server({"127.0.0.1", 0}); blocked = l; l:accept()`)
		done <- err
	}()
	// Wait until the evaluation is blocked: its listener exists.
	for {
		if got, _ := evalShow(t, ctx, s, "return blocked ~= nil"); got == "true" {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("evaluation never started")
		}
		time.Sleep(time.Millisecond) // polling for state; the deadline bounds it
	}
	lineCancel()
	var e *Error
	if err := <-done; !errors.As(err, &e) || e.Kind != Interrupted {
		t.Fatalf("interrupted eval returned %v", err)
	}
	if got, err := evalShow(t, ctx, s, ask); err != nil || got != `"HI"` {
		t.Fatalf("server after interrupt: %q, %v", got, err)
	}

	// Errors come back with their position; the session goes on.
	if _, err := evalShow(t, ctx, s, "error('boom')"); err == nil || err.Error() != "stdin:1: boom" {
		t.Fatalf("error: %v", err)
	}
	var se *Error
	if _, err := evalShow(t, ctx, s, "for i = 1, 2 do"); !errors.As(err, &se) || !se.Incomplete {
		t.Fatalf("incomplete chunk: %v", err)
	}
	if _, err := evalShow(t, ctx, s, "x = = 1"); !errors.As(err, &se) || se.Incomplete || se.Msg != "stdin:1: unexpected symbol near '='" {
		t.Fatalf("syntax error: %#v", err)
	}

	id := s.Tasks()[0].ID
	if !s.Kill(id) {
		t.Fatal("kill failed")
	}
	s.Close()
	if n := rt.OpenSockets(); n != 0 {
		t.Errorf("%d sockets open after Close", n)
	}
}

func TestSessionExitAndBackgroundScript(t *testing.T) {
	ctx := testContext(t)
	s, out := newTestSession(t)
	id, err := s.StartCode("bg.lua", `print("bg", arg[1]); shared = arg[1]`, []string{"one"})
	if err != nil || id == 0 {
		t.Fatal(id, err)
	}
	for len(s.Tasks()) > 0 && ctx.Err() == nil {
		time.Sleep(time.Millisecond) // polling for the task's end; bounded by ctx
	}
	if got, _ := evalShow(t, ctx, s, "return shared, arg[0]"); got != `"one"	"sockplay"` {
		t.Errorf("after background script: %q (output %q)", got, out.String())
	}
	var e *Error
	if err := s.Eval(ctx, "stdin", "os.exit(4)", nil); !errors.As(err, &e) || e.Kind != Exit || e.Code != 4 {
		t.Errorf("os.exit: %v", err)
	}
}
