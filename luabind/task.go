package luabind

import (
	"context"
	"fmt"
	"sync"
	"time"

	lua "github.com/sockplay/sockplay/lua"
)

// A task is one Lua thread on its own goroutine: the main chunk of a run,
// a spawned function, or a REPL line.
type task struct {
	rt     *Runtime
	id     int
	L      *lua.LState
	fn     *lua.LFunction
	args   []lua.LValue
	ctx    context.Context // cancelled to interrupt this task
	cancel context.CancelFunc
	// runCtx lives as long as the run (or REPL session) the task belongs
	// to; tasks it spawns derive from it, not from ctx, so a task spawned
	// by a REPL line outlives the line.
	runCtx    context.Context
	runCancel context.CancelFunc // ends the whole run (os.exit)
	isMain    bool
	name      string // what runs: a script name or where fn was defined
	// spawnedIn, spawnedAt: the function and line of the spawn call, for
	// a spawned task's error (formatted only then: a server spawns a task
	// per client).
	spawnedIn *lua.FunctionProto
	spawnedAt int
	// group: the background script (Session.StartCode) the task is part
	// of, its main chunk or a task spawned in it; nil outside one.
	group *scriptTasks

	done    chan struct{}    // closed when the task has ended
	results []lua.LValue     // fn's results; set before done is closed
	err     error            // fn's error (*lua.ApiError) or nil
	frames  []lua.StackFrame // the stack where err was raised (captureFrames)
	failure *Error           // err explained (taskError), once the task has ended
	// interrupted: the task ended with an error because it was cancelled.
	interrupted bool
	// joined: someone asked for the result, so an error is theirs to report.
	joined bool // guarded by the runtime lock

	savedThread *lua.LState // G.CurrentThread while the lock was released
	base        int         // L's stack top before the task's function

	wmu  sync.Mutex
	wake func() // interrupts the task's current wait; guarded by wmu
	// A wait on a socket is interrupted through these instead of a wake
	// closure, so the recv/send path allocates nothing. Guarded by wmu.
	wsock  *Socket
	wwrite bool
	kicked bool // the interrupt kicked wsock: the waiter must unkick

	// io is the system call the task is making; ioFn and ctlFn are its
	// methods bound once, for RawConn.Read/Write and Control (initIO).
	io    ioOp
	ioFn  func(fd uintptr) bool
	ctlFn func(fd uintptr)
}

func (rt *Runtime) newTask(ctx, runCtx context.Context, fn *lua.LFunction, args []lua.LValue) *task {
	t := &task{rt: rt, fn: fn, args: args, runCtx: runCtx, done: make(chan struct{})}
	t.ctx, t.cancel = context.WithCancel(ctx)
	t.L = rt.thread()
	t.L.SetContext(t.ctx) // a busy Lua loop stops when ctx is cancelled
	t.savedThread = t.L
	t.initIO()
	return t
}

// start registers the task and runs it on a new goroutine.
func (t *task) start() {
	rt := t.rt
	rt.mu.Lock()
	rt.nextTask++
	t.id = rt.nextTask
	rt.tasks[t] = struct{}{}
	rt.tasksWG.Add(1)
	rt.mu.Unlock()
	if t.group != nil {
		t.group.started() // busy from now: its goroutine may not run for a while
	}
	go t.run()
}

// run runs the task's function to its end. Its own stack frame is kept
// small, the work before and after the call being in functions of their
// own: the frame stays on the goroutine's stack for the whole life of the
// task, and an idle server task must fit a 4 KiB stack
// (BenchmarkIdleConnectionMemory, docs/PERFORMANCE.md).
func (t *task) run() {
	defer t.finish(context.AfterFunc(t.ctx, t.interrupt))
	nargs := t.begin()
	t.err = t.L.PCall(nargs, lua.MultRet, t.rt.errHandler)
	t.end()
}

// begin takes the lock and pushes the function and its arguments.
//
//go:noinline
func (t *task) begin() int {
	t.rt.acquire(t)
	t.base = t.L.GetTop()
	t.L.Push(t.fn)
	for _, a := range t.args {
		t.L.Push(a)
	}
	return len(t.args)
}

// end collects the results or reports the error, then hands the lock and
// the thread back.
//
//go:noinline
func (t *task) end() {
	rt, L := t.rt, t.L
	if t.err == nil {
		t.results = make([]lua.LValue, L.GetTop()-t.base)
		for i := range t.results {
			t.results[i] = L.Get(t.base + 1 + i)
		}
	}
	L.SetTop(t.base)
	t.interrupted = t.err != nil && t.ctx.Err() != nil
	if t.err != nil && !t.interrupted && !rt.exiting {
		t.failure = rt.taskError(t)
		rt.lastError = t.failure
		if !t.isMain && !t.joined {
			// As Python prints an exception that ends a thread: nobody else may.
			fmt.Fprint(rt.stderr, taskErrorReport(t.failure))
		}
	}
	rt.release(t)
	rt.reuseThread(L)
}

// finish unregisters the ended task and wakes those joining it.
func (t *task) finish(stopWake func() bool) {
	rt := t.rt
	stopWake()
	t.cancel()
	rt.mu.Lock()
	delete(rt.tasks, t)
	rt.mu.Unlock()
	if t.group != nil {
		t.group.ended()
	}
	close(t.done)
	rt.tasksWG.Done()
}

// maxFreeThreads bounds the Lua threads kept for reuse.
const maxFreeThreads = 256

// thread returns a Lua thread for a new task: one a finished task left, or
// a new one. NewThread costs a server a measurable share of each
// connection (it builds, and throws away, a whole global state), and a
// thread's stacks are already grown to what tasks use.
func (rt *Runtime) thread() *lua.LState {
	rt.mu.Lock()
	if n := len(rt.freeThreads); n > 0 {
		L := rt.freeThreads[n-1]
		rt.freeThreads = rt.freeThreads[:n-1]
		rt.mu.Unlock()
		return L
	}
	rt.mu.Unlock()
	L, _ := rt.L.NewThread()
	return L
}

// reuseThread keeps the thread of a finished task for the next one. PCall
// has unwound it: empty stack, no frames, upvalues closed.
func (rt *Runtime) reuseThread(L *lua.LState) {
	if L.GetTop() != 0 {
		return
	}
	L.RemoveContext()
	rt.mu.Lock()
	if len(rt.freeThreads) < maxFreeThreads {
		rt.freeThreads = append(rt.freeThreads, L)
	}
	rt.mu.Unlock()
}

// acquire takes the runtime lock for t and restores the Lua state's view of
// the running thread, which other tasks changed meanwhile.
func (rt *Runtime) acquire(t *task) {
	if !rt.gil.TryLock() {
		rt.queued.Add(1)
		rt.wakeWatch() // a task waits for the lock: is it held for long? (warnings.go)
		rt.gil.Lock()
		rt.queued.Add(-1)
	}
	rt.warns.acquires.Add(1) // for the watchdog (warnings.go)
	rt.current = t
	rt.L.G.CurrentThread = t.savedThread
}

func (rt *Runtime) release(t *task) {
	// A host that buffers the output (Options.Stdout) gets it when a
	// task waits or ends: what a script printed is out once it waits.
	if f, ok := rt.stdout.(interface{ Flush() error }); ok {
		f.Flush()
	}
	t.savedThread = rt.L.G.CurrentThread
	rt.current = nil
	rt.gil.Unlock()
}

// interrupt is called once when the task's context is cancelled.
func (t *task) interrupt() {
	t.wmu.Lock()
	switch {
	case t.wake != nil:
		t.wake()
	case t.wsock != nil:
		t.wsock.sys.kick(t.wwrite)
		t.kicked = true
	}
	t.wmu.Unlock()
}

// waitOn records that the task is about to wait on s, so an interrupt can
// wake it. It reports false if the task is already cancelled.
func (t *task) waitOn(s *Socket, write bool) bool {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	if t.ctx.Err() != nil {
		return false
	}
	t.wsock, t.wwrite, t.kicked = s, write, false
	return true
}

// doneWaiting ends a wait begun with waitOn and reports whether an
// interrupt kicked the socket meanwhile.
func (t *task) doneWaiting() bool {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	t.wsock = nil
	return t.kicked
}

// setWake installs wake as the way to interrupt the task's coming wait. It
// reports false if the task is already cancelled (do not start waiting).
func (t *task) setWake(wake func()) bool {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	if t.ctx.Err() != nil {
		return false
	}
	t.wake = wake
	return true
}

func (t *task) clearWake() {
	t.wmu.Lock()
	t.wake = nil
	t.wmu.Unlock()
}

// currentTask is the task calling into Go. Only valid with the lock held,
// which is always the case inside a Lua-visible Go function.
func (rt *Runtime) currentTask(L *lua.LState) *task {
	if rt.current == nil {
		// Called outside any task (while the host builds the state):
		// nothing to release.
		L.RaiseError("blocking call outside a task")
	}
	return rt.current
}

// unlocked runs wait with the runtime lock released, so other tasks run
// meanwhile; the lock is held again when it returns.
func (rt *Runtime) unlocked(t *task, wait func()) {
	rt.release(t)
	defer rt.acquire(t)
	if t.group != nil {
		t.group.park()
		defer t.group.unpark() // before the lock: a task queued for it is busy
	}
	wait()
}

// unlockedBusy is unlocked for a wait that does not settle a background
// script (Session.Settled): reading input, which a REPL serves by giving
// the task the keyboard; and the steps of making a connection, a name's
// lookup and a connect, which end by themselves (no peer has to act, as
// for an accept or a recv) and after which a client asks for input: the
// REPL's prompt waits, and the client gets the keyboard at once.
func (rt *Runtime) unlockedBusy(t *task, wait func()) {
	rt.release(t)
	defer rt.acquire(t)
	wait()
}

// scriptTasks are a background script's tasks: its main chunk and every
// task spawned in it, and in those. They are counted twice: live, for
// the session to forget the script once all have ended; and busy — live
// and not parked in a blocking call (a socket, sleep, select, join,
// Blocking) — for a REPL to know when the script has settled.
type scriptTasks struct {
	busy taskGroup
	mu   sync.Mutex
	live int
	over func() // called once the last task has ended (with no lock held)
}

func (g *scriptTasks) started() {
	g.mu.Lock()
	g.live++
	g.mu.Unlock()
	g.busy.Add(1)
}

func (g *scriptTasks) park()   { g.busy.Add(-1) }
func (g *scriptTasks) unpark() { g.busy.Add(1) }

// parksOnSocket reports whether the task's wait on a socket for t.io's
// call settles its background script: not a connect's (unlockedBusy).
func (t *task) parksOnSocket() bool {
	return t.group != nil && t.io.kind != ioConnect
}

func (g *scriptTasks) ended() {
	g.busy.Add(-1)
	g.mu.Lock()
	g.live--
	last := g.live == 0
	g.mu.Unlock()
	if last && g.over != nil {
		g.over()
	}
}

// waitCtx blocks until ch is closed or the task is cancelled; it returns
// the cancellation error. The lock is released meanwhile.
func (rt *Runtime) waitChan(t *task, ch <-chan struct{}) error {
	var err error
	rt.unlocked(t, func() {
		select {
		case <-ch:
		case <-t.ctx.Done():
			err = t.ctx.Err()
		}
	})
	return err
}

// waitChanTimer waits for timer (and stops it) or the task's cancellation.
func (rt *Runtime) waitChanTimer(t *task, timer *time.Timer) error {
	defer timer.Stop()
	var err error
	rt.unlocked(t, func() {
		select {
		case <-timer.C:
		case <-t.ctx.Done():
			err = t.ctx.Err()
		}
	})
	return err
}
