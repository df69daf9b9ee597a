package lua

import "fmt"

func OpenCoroutine(L *LState) int {
	// TODO: Tie module name to contents of linit.go?
	mod := L.RegisterModule(CoroutineLibName, coFuncs)
	L.Push(mod)
	return 1
}

var coFuncs = map[string]LGFunction{
	"create":  coCreate,
	"yield":   coYield,
	"resume":  coResume,
	"running": coRunning,
	"status":  coStatus,
	"wrap":    coWrap,
}

func coCreate(L *LState) int {
	fn := L.CheckFunction(1)
	newthread := L.newCoroutine()
	newthread.pushThreadBody(fn)
	L.Push(newthread)
	return 1
}

func coYield(L *LState) int {
	return -1
}

func coResume(L *LState) int {
	th := L.CheckThread(1)
	if msg := L.resumeRefusal(th); msg != "" {
		if th.wrapped {
			L.RaiseError("%s", msg)
			return 0
		}
		L.Push(LFalse)
		L.Push(LString(msg))
		return 2
	}
	th.Parent = L
	th.coDepth = L.coDepth + 1
	th.adoptContext(L)
	L.G.CurrentThread = th
	if !th.isStarted() {
		cf := th.stack.Last()
		th.currentFrame = cf
		th.SetTop(0)
		nargs := L.GetTop() - 1
		L.XMoveTo(th, nargs)
		cf.NArgs = nargs
		th.initCallFrame(cf)
		th.Panic = panicWithoutTraceback
	} else {
		nargs := L.GetTop() - 1
		L.XMoveTo(th, nargs)
	}
	top := L.GetTop()
	threadRun(th)
	return L.GetTop() - top
}

// resumeRefusal says why ls may not resume th ("" if it may), in Lua
// 5.1's words ("cannot resume normal coroutine"). A coroutine that resumed
// the running one (status "normal") is not suspended: resuming it would
// run one Lua thread twice.
// Each coroutine resumed inside another costs Go stack (the resume is a
// Go call), so nesting is capped as C Lua caps it (LUAI_MAXCCALLS):
// without a cap, a coroutine that resumes a new one of itself ends in
// Go's fatal "stack overflow", which no pcall catches.
//
// A coroutine is resumed from the moment a resume starts it until it
// yields or ends (Parent is set meanwhile). It may be resumed by a thread
// other than the current one's ancestors: the host may run several Lua
// threads of one state in turn (luabind runs a task per goroutine, taking
// turns around blocking calls), and a coroutine waiting inside one of
// them, in a blocking call, must not be started again by another.
func (ls *LState) resumeRefusal(th *LState) string {
	if th.Dead {
		return "cannot resume dead coroutine"
	}
	if th.Parent != nil || th == ls || ls.G.CurrentThread == th {
		return "cannot resume " + ls.Status(th) + " coroutine" // running or normal
	}
	if max := ls.Options.maxCoroutineDepth(); ls.coDepth >= max {
		return fmt.Sprintf("stack overflow (more than %d nested coroutines)", max)
	}
	return ""
}

// coRunning returns the running coroutine, or nil in a thread that no
// resume started: the main thread, as in Lua 5.1, and any thread the host
// runs on its own (a luabind task). Such a thread is not a coroutine: a
// resume of it would run it twice.
func coRunning(L *LState) int {
	if L.Parent == nil {
		L.Push(LNil)
		return 1
	}
	L.Push(L)
	return 1
}

// newCoroutine is the thread of coroutine.create: NewThread without a
// context of its own, since the coroutine runs under the context of
// whoever resumes it (adoptContext).
func (ls *LState) newCoroutine() *LState {
	th := newLStateG(ls.Options, ls.G)
	th.Env = ls.Env
	return th
}

// adoptContext makes th, about to be resumed by ls, run under ls's
// context: cancelling the resumer stops the coroutine, and a coroutine
// outlives the thread that created it (a generator made by one task or
// REPL line and used by another). A coroutine belongs to whoever resumes
// it, as in C Lua, where it has no context at all.
func (th *LState) adoptContext(ls *LState) {
	th.ctx = ls.ctx
	if th.ctx != nil {
		th.mainLoop = mainLoopWithContext
	} else {
		th.mainLoop = mainLoop
	}
}

func coStatus(L *LState) int {
	L.Push(LString(L.Status(L.CheckThread(1))))
	return 1
}

func wrapaux(L *LState) int {
	L.Insert(L.ToThread(UpvalueIndex(1)), 1)
	return coResume(L)
}

func coWrap(L *LState) int {
	coCreate(L)
	L.CheckThread(L.GetTop()).wrapped = true
	v := L.Get(L.GetTop())
	L.Pop(1)
	L.Push(L.NewClosure(wrapaux, v))
	return 1
}

//
