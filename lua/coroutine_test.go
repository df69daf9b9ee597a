package lua

import (
	"context"
	"strings"
	"testing"
)

// Two threads of one state taking turns, as luabind's tasks do: the Go
// function other(fn) runs fn on a second root thread while the calling
// thread waits inside it, as a task waits in a blocking call while
// another task runs (G.CurrentThread is switched as luabind switches it).
func withOtherThread(t *testing.T, src string) string {
	t.Helper()
	L := NewState()
	defer L.Close()
	out := capturePrint(L)
	other, _ := L.NewThread()
	L.SetGlobal("other", L.NewFunction(func(L *LState) int {
		fn := L.CheckFunction(1)
		saved := L.G.CurrentThread
		L.G.CurrentThread = other
		other.Push(fn)
		err := other.PCall(0, 0, nil)
		L.G.CurrentThread = saved
		if err != nil {
			L.RaiseError("other thread: %v", err)
		}
		return 0
	}))
	if err := L.DoString(src); err != nil {
		t.Fatalf("%v\noutput so far:\n%s", err, out)
	}
	return strings.TrimSuffix(out.String(), "\n")
}

// A coroutine waiting inside a call of another thread is running to
// every other thread: its status says so, and a resume is refused
// instead of running one Lua thread on two stacks.
func TestCoroutineWaitingInAnotherThread(t *testing.T) {
	got := withOtherThread(t, `
local co
co = coroutine.create(function()
  other(function()
    print(coroutine.status(co))
    print(coroutine.resume(co))
    local w = coroutine.wrap(function() end)
    print(pcall(coroutine.resume, co))
  end)
  return "done"
end)
print(coroutine.resume(co))
print(coroutine.status(co))`)
	want := "running\nfalse\tcannot resume running coroutine\ntrue\tfalse\tcannot resume running coroutine\ntrue\tdone\ndead"
	if got != want {
		t.Errorf("printed\n%s\nwant\n%s", got, want)
	}
}

// A thread that no resume started is not a coroutine: coroutine.running
// says nil there, so no other thread can get hold of it and resume it.
func TestRunningInRootThreads(t *testing.T) {
	got := withOtherThread(t, `
print(coroutine.running())
other(function() print(coroutine.running()) end)
local co = coroutine.create(function() other(function() print(coroutine.running()) end) return coroutine.running() end)
local ok, th = coroutine.resume(co)
print(ok, th == co)`)
	if want := "nil\nnil\nnil\ntrue\ttrue"; got != want {
		t.Errorf("printed\n%s\nwant\n%s", got, want)
	}
}

// A coroutine runs under the context of whoever resumes it: the thread
// that made it may have ended (its context cancelled), and cancelling
// the resumer stops it.
func TestCoroutineAdoptsResumerContext(t *testing.T) {
	L := NewState()
	defer L.Close()
	out := capturePrint(L)

	// Made by a thread whose context then ends.
	maker, _ := L.NewThread()
	makerCtx, endMaker := context.WithCancel(context.Background())
	maker.SetContext(makerCtx)
	fn, err := maker.LoadString(`gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end) return gen()`)
	if err != nil {
		t.Fatal(err)
	}
	maker.Push(fn)
	if err := maker.PCall(0, 1, nil); err != nil {
		t.Fatalf("maker: %v", err)
	}
	endMaker()

	user, _ := L.NewThread()
	userCtx, cancelUser := context.WithCancel(context.Background())
	defer cancelUser()
	user.SetContext(userCtx)
	if err := doIn(user, `print(gen(), gen())`); err != nil {
		t.Fatalf("a generator whose maker ended: %v", err)
	}
	if got := out.String(); got != "2\t3\n" {
		t.Errorf("printed %q, want \"2\\t3\\n\"", got)
	}

	// Cancelling the resumer stops the coroutine's loop.
	stopper, _ := L.NewThread()
	ctx, cancel := context.WithCancel(context.Background())
	stopper.SetContext(ctx)
	L.SetGlobal("stop", L.NewFunction(func(*LState) int { cancel(); return 0 }))
	err = doIn(stopper, `local co = coroutine.wrap(function() stop() while true do end end) co()`)
	if err == nil || !strings.Contains(err.Error(), context.Canceled.Error()) {
		t.Errorf("a busy coroutine of a cancelled resumer: %v, want %v", err, context.Canceled)
	}
}

func doIn(L *LState, src string) error {
	fn, err := L.LoadString(src)
	if err != nil {
		return err
	}
	L.Push(fn)
	return L.PCall(0, 0, nil)
}
