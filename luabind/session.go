package luabind

import (
	"context"
	"fmt"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Session is a long run of many evaluations in one runtime, as a REPL
// needs: globals, sockets and spawned tasks persist from one evaluation to
// the next, and cancelling an evaluation interrupts it alone, not the tasks
// it spawned.
type Session struct {
	rt     *Runtime
	ctx    context.Context // the session's life; spawned tasks derive from it
	cancel context.CancelFunc
}

// NewSession starts a session in rt. Close it to stop its tasks and close
// its sockets.
func (rt *Runtime) NewSession() *Session {
	s := &Session{rt: rt}
	s.ctx, s.cancel = context.WithCancel(rt.root)
	rt.gil.Lock()
	rt.exiting = false
	rt.setArgs("sockplay", nil)
	rt.gil.Unlock()
	return s
}

// Compile checks that code is a complete chunk. A *Error with Incomplete
// set means more lines could complete it.
func (s *Session) Compile(name, code string) error {
	s.rt.gil.Lock()
	defer s.rt.gil.Unlock()
	if _, err := s.rt.L.Load(strings.NewReader(code), name); err != nil {
		return syntaxError(name, err)
	}
	return nil
}

// Eval runs code as a task and waits for it. ctx interrupts this evaluation
// only: tasks it spawned keep running. show, if not nil, receives the
// chunk's results with the runtime lock held, to format them (see Repr).
// os.exit in the code returns an *Error of Kind Exit.
func (s *Session) Eval(ctx context.Context, name, code string, show func(L *lua.LState, results []lua.LValue)) error {
	rt := s.rt
	rt.gil.Lock()
	fn, err := rt.L.Load(strings.NewReader(code), name)
	rt.gil.Unlock()
	if err != nil {
		return syntaxError(name, err)
	}
	return s.runTask(ctx, fn, nil, show)
}

// EvalFunc is Eval for a function already compiled by the host.
func (s *Session) runTask(ctx context.Context, fn *lua.LFunction, args []lua.LValue, show func(*lua.LState, []lua.LValue)) error {
	rt := s.rt
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()
	t := rt.newTask(ctx, s.ctx, fn, args)
	t.isMain = true // its error is returned, not printed
	t.runCancel = s.cancel
	t.start()
	<-t.done

	rt.gil.Lock()
	defer rt.gil.Unlock()
	switch {
	case rt.exiting:
		return &Error{Kind: Exit, Code: rt.exitCode, Msg: fmt.Sprintf("exit status %d", rt.exitCode)}
	case t.interrupted:
		return &Error{Kind: Interrupted, Msg: "interrupted"}
	case t.err != nil:
		return rt.describe(t.err)
	}
	if show != nil {
		show(rt.L, t.results)
	}
	return nil
}

// Start runs a bundled script in the background, as a task of the session
// (the REPL's :run NAME). Its arguments are in arg while it starts.
func (s *Session) Start(name string, args []string) (int, error) {
	src, err := ReadScript(s.rt.opts.Scripts, name)
	if err != nil {
		return 0, err
	}
	return s.StartCode(strings.TrimSuffix(name, ".lua")+".lua", string(src), args)
}

// StartCode runs code in the background as a task of the session and
// returns its task number.
func (s *Session) StartCode(name, code string, args []string) (int, error) {
	rt := s.rt
	rt.gil.Lock()
	defer rt.gil.Unlock()
	fn, err := rt.L.Load(strings.NewReader(code), name)
	if err != nil {
		return 0, syntaxError(name, err)
	}
	argv := rt.L.NewTable()
	argv.RawSetInt(0, lua.LString(name))
	for i, a := range args {
		argv.RawSetInt(i+1, lua.LString(a))
	}
	// The script sees its own arg table: a new environment whose lookups
	// fall through to the globals, so its globals are still the session's.
	env := rt.L.NewTable()
	env.RawSetString("arg", argv)
	meta := rt.L.NewTable()
	meta.RawSetString("__index", rt.L.G.Global)
	meta.RawSetString("__newindex", rt.L.G.Global)
	rt.L.SetMetatable(env, meta)
	fn.Env = env
	t := rt.newTask(s.ctx, s.ctx, fn, nil)
	t.runCancel = t.cancel // os.exit in a background script ends that script
	t.name = name
	t.start()
	return t.id, nil
}

// TaskInfo describes a task for a job list.
type TaskInfo struct {
	ID     int
	Name   string // the script or the function's definition place
	Status string // running, done, failed, cancelled
}

// Tasks lists the session's running tasks (evaluations excluded).
func (s *Session) Tasks() []TaskInfo {
	rt := s.rt
	rt.mu.Lock()
	var out []TaskInfo
	for t := range rt.tasks {
		if !t.isMain {
			out = append(out, TaskInfo{ID: t.id, Name: t.name, Status: "running"})
		}
	}
	rt.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Kill cancels task id; false if no such task runs.
func (s *Session) Kill(id int) bool {
	rt := s.rt
	rt.mu.Lock()
	defer rt.mu.Unlock()
	for t := range rt.tasks {
		if t.id == id && !t.isMain {
			t.cancel()
			return true
		}
	}
	return false
}

// StopBackground cancels every background task of the session; the
// session stays usable.
func (s *Session) StopBackground() {
	rt := s.rt
	rt.mu.Lock()
	for t := range rt.tasks {
		if !t.isMain {
			t.cancel()
		}
	}
	rt.mu.Unlock()
}

// Close stops every task of the session, waits for them, and closes every
// socket of the runtime.
func (s *Session) Close() {
	s.cancel()
	s.rt.Cancel()
	s.rt.tasksWG.Wait()
	s.rt.closeSockets()
}
