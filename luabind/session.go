package luabind

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// Session is a long run of many evaluations in one runtime, as a REPL
// needs: globals, sockets and spawned tasks persist from one evaluation to
// the next, and cancelling an evaluation interrupts it alone, not the tasks
// it spawned.
type Session struct {
	rt     *Runtime
	ctx    context.Context // the session's life; spawned tasks derive from it
	cancel context.CancelFunc
	saved  []savedTable // the globals as the session began, for Reset; guarded by gil
	// stopWatch stops the session's watchdog (warnings.go), once.
	stopWatch func()

	mu      sync.Mutex
	scripts []*task              // started by StartCode and not yet reported ended by Jobs
	groups  map[int]*scriptTasks // the tasks of each script started, by its number, until all have ended
}

// NewSession starts a session in rt. Close it to stop its tasks and close
// its sockets.
func (rt *Runtime) NewSession() *Session {
	s := &Session{rt: rt}
	s.ctx, s.cancel = context.WithCancel(rt.root)
	s.stopWatch = sync.OnceFunc(rt.watch()) // a task that holds the runtime (warnings.go)
	rt.gil.Lock()
	rt.exiting = false
	rt.setArgs("sockplay", nil)
	s.saved = saveGlobals(rt.L)
	rt.gil.Unlock()
	return s
}

// Eval runs code as a task and waits for it. ctx interrupts this evaluation
// only: tasks it spawned keep running. show, if not nil, receives the
// chunk's results with the runtime lock held, to format them (see Repr).
// os.exit in the code returns an *Error of Kind Exit.
func (s *Session) Eval(ctx context.Context, name, code string, show func(L *lua.LState, results []lua.LValue)) error {
	rt := s.rt
	rt.gil.Lock()
	fn, err := rt.L.Load(strings.NewReader(code), name)
	if err == nil {
		rt.addSource(fn.Proto, code)
	}
	rt.gil.Unlock()
	if err != nil {
		return rt.NewSyntaxError(name, code, err)
	}
	return s.runTask(ctx, fn, nil, show)
}

// EvalFunc is Eval for a chunk the host compiled itself (lua.Compile), as
// a REPL does after rewriting it.
func (s *Session) EvalFunc(ctx context.Context, proto *lua.FunctionProto, show func(L *lua.LState, results []lua.LValue)) error {
	rt := s.rt
	rt.gil.Lock()
	fn := rt.L.NewFunctionFromProto(proto)
	rt.gil.Unlock()
	return s.runTask(ctx, fn, nil, show)
}

func (s *Session) runTask(ctx context.Context, fn *lua.LFunction, args []lua.LValue, show func(*lua.LState, []lua.LValue)) error {
	rt := s.rt
	rt.gil.Lock()
	if s.ctx.Err() == nil {
		// os.exit in a background script ended that script, not the session.
		rt.exiting = false
	}
	rt.gil.Unlock()
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
		return rt.taskError(t)
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
		return 0, rt.NewSyntaxError(name, code, err)
	}
	rt.addSource(fn.Proto, code)
	argv := rt.L.NewTable()
	argv.RawSetInt(0, lua.LString(name))
	if rt.opts.Command != "" {
		argv.RawSetInt(-1, lua.LString(rt.opts.Command))
	}
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
	g := &scriptTasks{}
	g.over = func() {
		s.mu.Lock()
		delete(s.groups, t.id)
		s.mu.Unlock()
	}
	t.group = g
	// The lock is held: the task cannot run, so neither end, before its
	// tasks are recorded below.
	t.start()
	s.mu.Lock()
	s.scripts = append(s.scripts, t)
	if s.groups == nil {
		s.groups = map[int]*scriptTasks{}
	}
	s.groups[t.id] = g
	s.mu.Unlock()
	return t.id, nil
}

// Settled returns a channel that is closed once background script id
// (Start, StartCode) has settled: its main chunk and every task spawned
// in it (and in those) has either ended or waits in a blocking call — a
// socket, sleep, select.select, join, Blocking — as a REPL waits for a
// script it starts before its next prompt, and a notebook for a cell.
// Reading input does not count as waiting (the host serves it), nor do a
// connect and a name lookup (they end by themselves, and a client then
// asks for input). Closed at once for a script whose tasks have all
// ended, or an unknown id.
func (s *Session) Settled(id int) <-chan struct{} {
	s.mu.Lock()
	g := s.groups[id]
	s.mu.Unlock()
	if g == nil {
		return closedChan
	}
	return g.busy.Zero()
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

// TaskOf names the background task whose context ctx is (what the read
// function of SetInput is given): a REPL says which script reads the
// keyboard. ok false for an evaluation, or a task that has ended.
func (s *Session) TaskOf(ctx context.Context) (info TaskInfo, ok bool) {
	rt := s.rt
	rt.mu.Lock()
	defer rt.mu.Unlock()
	for t := range rt.tasks {
		if t.ctx == ctx && !t.isMain {
			return TaskInfo{ID: t.id, Name: t.name, Status: "running"}, true
		}
	}
	return TaskInfo{}, false
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
	s.stopWatch()
	s.cancel()
	s.rt.Cancel()
	s.rt.tasksWG.Wait()
	s.rt.closeSockets()
}

// Jobs lists the session's background tasks: those running, and the
// background scripts (Start, StartCode) that ended since the last call,
// with how they ended (done, failed, cancelled).
func (s *Session) Jobs() []TaskInfo {
	out := s.Tasks()
	running := map[int]bool{}
	for _, ti := range out {
		running[ti.ID] = true
	}
	s.mu.Lock()
	kept := s.scripts[:0]
	for _, t := range s.scripts {
		select {
		case <-t.done:
			if running[t.id] { // it ended since Tasks listed it: once, ended
				out = slices.DeleteFunc(out, func(ti TaskInfo) bool { return ti.ID == t.id })
			}
			out = append(out, TaskInfo{ID: t.id, Name: t.name, Status: t.status()})
		default:
			kept = append(kept, t)
		}
	}
	s.scripts = kept
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// LastError is the error that last ended a task of the runtime: an
// evaluation, a spawned task, a background script (interruptions and
// os.exit aside); nil if none since the session began or was Reset.
func (s *Session) LastError() *Error {
	s.rt.gil.Lock()
	defer s.rt.gil.Unlock()
	return s.rt.lastError
}

// Done is closed when the session ends: Close, the runtime's Close, or
// os.exit in one of its tasks (then Exited tells the status).
func (s *Session) Done() <-chan struct{} { return s.ctx.Done() }

// Exited reports whether os.exit ended the session, and its status.
func (s *Session) Exited() (code int, exited bool) {
	s.rt.gil.Lock()
	defer s.rt.gil.Unlock()
	return s.rt.exitCode, s.rt.exiting && s.ctx.Err() != nil
}

// SetOutput sends what Lua code prints (print, io.write, io.stdout,
// input's prompt) to stdout and diagnostics (errors of background tasks,
// io.stderr) to stderr, for the rest of the runtime's life: a REPL holds
// background output back while the user types. nil keeps a writer. Call
// it before the first evaluation.
func (s *Session) SetOutput(stdout, stderr io.Writer) {
	rt := s.rt
	rt.gil.Lock()
	defer rt.gil.Unlock()
	if stdout != nil {
		rt.stdout = stdout
	}
	if stderr != nil {
		rt.stderr = stderr
	}
	if iolib, ok := rt.L.GetGlobal("io").(*lua.LTable); ok {
		iolib.RawSetString("stdout", rt.writerObject(rt.stdout))
		iolib.RawSetString("stderr", rt.writerObject(rt.stderr))
	}
}

// SetInput makes input() and io.read call read, with the calling task's
// context, instead of reading the runtime's Stdin: a REPL serves them from
// its own line editor. read returns ok false at end of input, and ctx's
// error when the task is interrupted. Call it before the first evaluation.
func (s *Session) SetInput(read func(ctx context.Context) (line string, ok bool, err error)) {
	rt := s.rt
	lr := newLineReader(nil)
	lr.host = read
	rt.gil.Lock()
	old := rt.stdin
	rt.stdin = lr
	rt.gil.Unlock()
	old.close()
}

// Names lists what may follow path in an expression, for completion. With
// method false: the string keys of the value at path (the globals if path
// is empty), following __index tables, and a socket's fields and methods;
// with method true, only what can be called with ':'. Lookups are raw: no
// metamethod runs. If the runtime stays busy (a task in a busy loop holds
// the lock) it gives up and returns nil.
func (s *Session) Names(path []string, method bool) []string {
	rt := s.rt
	deadline := time.Now().Add(100 * time.Millisecond)
	for !rt.gil.TryLock() {
		if time.Now().After(deadline) {
			return nil
		}
		time.Sleep(time.Millisecond) // polling a lock: completion must not hang the prompt
	}
	defer rt.gil.Unlock()
	L := rt.L
	var v lua.LValue = L.G.Global
	for _, name := range path {
		if v = rawField(L, v, name, 0); v == lua.LNil {
			return nil
		}
	}
	seen := map[string]bool{}
	rt.collectNames(v, method, seen, 0)
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// rawField is v.name without metamethods other than __index tables.
func rawField(L *lua.LState, v lua.LValue, name string, depth int) lua.LValue {
	t, ok := v.(*lua.LTable)
	if !ok || depth > 8 {
		return lua.LNil
	}
	if f := t.RawGetString(name); f != lua.LNil {
		return f
	}
	if mt, ok := L.GetMetatable(t).(*lua.LTable); ok {
		if idx, ok := mt.RawGetString("__index").(*lua.LTable); ok {
			return rawField(L, idx, name, depth+1)
		}
	}
	return lua.LNil
}

func (rt *Runtime) collectNames(v lua.LValue, method bool, seen map[string]bool, depth int) {
	if depth > 8 {
		return
	}
	L := rt.L
	add := func(name string, val lua.LValue) {
		if method && val.Type() != lua.LTFunction || !lualib.IsIdentifier(name) {
			return
		}
		seen[name] = true
	}
	switch x := v.(type) {
	case *lua.LTable:
		x.ForEach(func(k, val lua.LValue) {
			if s, ok := k.(lua.LString); ok {
				add(string(s), val)
			}
		})
	case *lua.LUserData:
		if _, isSock := x.Value.(*Socket); isSock {
			// Its fields and methods are in its metatable's __index chain.
			for name := range rt.socketMethods() {
				seen[name] = true
			}
			if !method {
				for _, name := range []string{"family", "type", "proto"} {
					seen[name] = true
				}
			}
			return
		}
	case lua.LString:
	default:
		return
	}
	mt, ok := L.GetMetatable(v).(*lua.LTable)
	if !ok {
		return
	}
	switch idx := mt.RawGetString("__index").(type) {
	case *lua.LTable:
		rt.collectNames(idx, method, seen, depth+1)
	case *lua.LFunction:
		if mt == L.GetTypeMetatable(addrMetaName) && !method {
			seen["host"], seen["port"] = true, true
		}
	}
}

// Reset gives the session a fresh start: it stops every background task
// and waits for them (until ctx is done), closes every socket of the
// runtime, and restores the globals and the standard libraries' tables to
// what they were when the session began. Call it while no evaluation runs.
func (s *Session) Reset(ctx context.Context) error {
	rt := s.rt
	s.StopBackground()
	if err := rt.tasksWG.WaitContext(ctx); err != nil {
		return fmt.Errorf("some tasks did not stop: %w", err)
	}
	rt.closeSockets()
	rt.gil.Lock()
	defer rt.gil.Unlock()
	restoreGlobals(s.saved)
	rt.resetGlobals()
	rt.lastError = nil
	rt.exiting = false
	rt.exitCode = 0
	rt.defaultTimeout = -1
	s.mu.Lock()
	s.scripts = nil
	s.mu.Unlock()
	return nil
}

// savedTable is a copy of one table's entries.
type savedTable struct {
	t       *lua.LTable
	entries map[lua.LValue]lua.LValue
}

// saveGlobals copies the global table, every table it holds (the
// libraries) and package.loaded, one level deep.
func saveGlobals(L *lua.LState) []savedTable {
	tables := []*lua.LTable{L.G.Global}
	L.G.Global.ForEach(func(_, v lua.LValue) {
		if t, ok := v.(*lua.LTable); ok && t != L.G.Global {
			tables = append(tables, t)
		}
	})
	if loaded := lualib.Loaded(L); loaded != nil {
		tables = append(tables, loaded)
	}
	saved := make([]savedTable, 0, len(tables))
	for _, t := range tables {
		st := savedTable{t: t, entries: map[lua.LValue]lua.LValue{}}
		t.ForEach(func(k, v lua.LValue) { st.entries[k] = v })
		saved = append(saved, st)
	}
	return saved
}

func restoreGlobals(saved []savedTable) {
	for _, st := range saved {
		var extra []lua.LValue
		st.t.ForEach(func(k, _ lua.LValue) {
			if _, ok := st.entries[k]; !ok {
				extra = append(extra, k)
			}
		})
		for _, k := range extra {
			st.t.RawSet(k, lua.LNil)
		}
		for k, v := range st.entries {
			st.t.RawSet(k, v)
		}
	}
}
