package luabind

import (
	"context"
	"errors"
	"fmt"
	"time"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// The tasks library: spawn, sleep, and task objects (join, cancel,
// status). task.go has what a task is.

// openTasks installs spawn, sleep and the metatable of task objects.
func (rt *Runtime) openTasks() {
	L := rt.L
	mt := L.NewTypeMetatable("sockplay.task")
	mt.RawSetString("__index", L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"join":   rt.taskJoin,
		"cancel": rt.taskCancel,
		"status": rt.taskStatus,
	}))
	mt.RawSetString("__tostring", L.NewFunction(rt.taskToString))
	L.SetGlobal("spawn", L.NewFunction(rt.spawn))
	L.SetGlobal("sleep", L.NewFunction(rt.sleep))
}

// spawn(fn, ...) -> task   (runs fn(...) concurrently; the run waits for it)
func (rt *Runtime) spawn(L *lua.LState) int {
	fn := L.CheckFunction(1)
	args := make([]lua.LValue, 0, L.GetTop()-1)
	for i := 2; i <= L.GetTop(); i++ {
		args = append(args, L.Get(i))
	}
	parent := rt.currentTask(L)
	t := rt.newTask(parent.runCtx, parent.runCtx, fn, args)
	t.runCancel = parent.runCancel
	t.group = parent.group
	if fn.Proto != nil {
		t.name = fmt.Sprintf("function at %s:%d", fn.Proto.SourceName, fn.Proto.LineDefined)
	} else {
		t.name = "Go function"
	}
	t.spawnedIn, t.spawnedAt = L.Caller()
	t.start()
	ud := L.NewUserData()
	ud.Value = t
	L.SetMetatable(ud, L.GetTypeMetatable("sockplay.task"))
	L.Push(ud)
	return 1
}

// task:join() -> results of fn   (raises fn's error; waits until it ends)
func (rt *Runtime) taskJoin(L *lua.LState) int {
	t := checkTask(L, "task:join")
	self := rt.currentTask(L)
	if t == self {
		L.RaiseError("a task cannot join itself")
	}
	t.joined = true
	if err := rt.waitChan(self, t.done); err != nil {
		return raise(L, err)
	}
	if t.err != nil {
		var apiErr *lua.ApiError
		if errors.As(t.err, &apiErr) {
			if _, isValue := lualib.IsError(L, apiErr.Object); t.interrupted && !isValue {
				// The VM stops a cancelled task with the plain string
				// "context canceled"; the joiner sees the interrupt.
				return raise(L, context.Canceled)
			}
			L.Error(apiErr.Object, 0)
		}
		L.RaiseError("%s", t.err.Error())
	}
	for _, v := range t.results {
		L.Push(v)
	}
	return len(t.results)
}

// task:cancel()   (interrupts the task: its blocking call raises KeyboardInterrupt)
func (rt *Runtime) taskCancel(L *lua.LState) int {
	checkTask(L, "task:cancel").cancel()
	return 0
}

// task:status() -> "running" | "done" | "failed" | "cancelled"
func (rt *Runtime) taskStatus(L *lua.LState) int {
	L.Push(lua.LString(checkTask(L, "task:status").status()))
	return 1
}

func (t *task) status() string {
	select {
	case <-t.done:
	default:
		return "running"
	}
	switch {
	case t.err == nil:
		return "done"
	case t.interrupted:
		return "cancelled"
	}
	return "failed"
}

// tostring(task) -> "<task 3 running>"
func (rt *Runtime) taskToString(L *lua.LState) int {
	t := checkTask(L, "task:__tostring")
	L.Push(lua.LString(fmt.Sprintf("<task %d %s>", t.id, t.status())))
	return 1
}

// sleep(seconds)   (other tasks run meanwhile; interruptible)
func (rt *Runtime) sleep(L *lua.LState) int {
	// Named explicitly: spawn(sleep) runs it with no caller to name it.
	n, ok := L.Get(1).(lua.LNumber)
	if !ok {
		lualib.ArgError(L, 1, "sleep", "seconds expected (a number), got "+lualib.TypeName(L.Get(1)))
	}
	secs := float64(n)
	if secs < 0 || secs != secs {
		lualib.ArgError(L, 1, "sleep", "sleep length must be non-negative")
	}
	t := rt.currentTask(L)
	if err := rt.waitChanTimer(t, time.NewTimer(secondsDuration(secs))); err != nil { // sleep(math.huge): for ever
		return raise(L, err)
	}
	return 0
}
