package luabind

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sockplay/sockplay/internal/i18n"
	lua "github.com/sockplay/sockplay/lua"
)

// Options configure a Runtime. Zero values are usable: no input, output
// discarded.
type Options struct {
	Stdin  io.Reader // what input() and io.read read; nil: always end of input
	Stdout io.Writer // print, io.write; nil: discarded. If it has a Flush() error method, it is called whenever a task waits or ends
	Stderr io.Writer // warnings and errors of spawned tasks; nil: discarded

	// Modules are extra Lua modules written in Go: each loader is run once
	// and what it returns becomes a global of that name, also available
	// through require(name).
	Modules map[string]lua.LGFunction

	// Scripts is where RunScript finds bundled scripts by name ("tcp/echo_server"
	// is Scripts' file "tcp/echo_server.lua"). nil: none.
	Scripts fs.FS

	// Trace, if set, traces every socket event (see tracer.go and
	// docs/TRACE.md). nil: no trace until socket.trace(true) or
	// SetTracing(true), which then write text lines to Stderr.
	Trace *TraceOptions

	// Sandbox, if set, confines the scripts: loopback only, no programs,
	// file writes only in its directory, limits (see sandbox.go).
	Sandbox *Sandbox

	// Command is how the user starts the host, as they would type it
	// ("sockplay", "go run ."): a script's arg[-1], as Lua's own
	// interpreter puts its name there, for the commands a script suggests.
	// "" leaves arg[-1] nil.
	Command string

	// Lang is the language of the hints under errors and of the trace's
	// text lines (TraceOptions.Text): English (the zero value) or
	// Chinese. Class names and errno texts stay Python's, and the JSON
	// lines are the same in every language.
	Lang Language

	// Strict makes reading a global that was never assigned an error
	// (NameError), as in Python; without it, a warning on Stderr, once
	// per name and place. A script turns it on with strict(true).
	Strict bool
}

// Language is a language the runtime's hints are in.
type Language = i18n.Lang

// The languages of Options.Lang.
const (
	English = i18n.English
	Chinese = i18n.Chinese // Simplified Chinese
)

// Runtime is one Lua state with the socket library, its tasks and sockets.
// Its methods are safe for concurrent use.
type Runtime struct {
	opts   Options
	stdout io.Writer
	stderr io.Writer

	gil sync.Mutex // the runtime lock: Lua runs only while it is held
	// queued counts tasks waiting to take gil; with none, a socket call
	// is first tried without letting go of it (Socket.wait).
	queued  atomic.Int32
	L       *lua.LState
	current *task // the task holding gil (valid only while gil is held)

	root       context.Context // parent of every task; cancelled by Close
	rootCancel context.CancelFunc

	mu    sync.Mutex // guards what follows, never held while waiting on gil
	tasks map[*task]struct{}
	// The socket metatables, one per kind (socket.go); guarded by gil.
	sockMethods    *lua.LTable
	methodNames    map[*lua.LFunction]string // sockMethods' names, for errors (errors.go)
	sockMetas      map[[3]int]*lua.LTable
	sockToStringFn *lua.LFunction
	// addrMeta is the address tables' metatable (addr.go), kept here as a
	// datagram's sender table is made per recvfrom; guarded by gil.
	addrMeta *lua.LTable

	procs map[*popenFile]struct{} // commands of io.popen not yet closed

	// freeThreads are Lua threads of finished tasks, kept for new ones.
	freeThreads []*lua.LState
	sockets     map[*Socket]struct{}
	nextTask    int
	nextSock    int
	tasksWG     taskGroup
	closed      bool
	// runs holds the cancel functions of the runs in progress: Cancel ends
	// a run as a whole, also before its main task exists and after it has
	// ended while spawned tasks go on.
	runs map[*context.CancelFunc]struct{}
	// runSem is held by the run in progress: runs take turns, since a
	// run's end closes every socket of the runtime. Close takes it for
	// good.
	runSem chan struct{}

	// guarded by gil
	defaultTimeout time.Duration // < 0: none (blocking)
	stdin          *lineReader
	exitCode       int  // set by os.exit
	exiting        bool // os.exit was called: the run ends
	// selects are the selects waiting (select.go)
	selects map[*selectWait]struct{}

	sandbox *sandboxState // nil: no sandbox (sandbox.go)

	sys backend // makes the sockets (backend.go)

	// guarded by gil: what errors are explained with (report.go, globals.go)
	errHandler  *lua.LFunction                      // captureFrames, every task's PCall handler
	sources     map[*lua.FunctionProto]*chunkSource // for error lines (report.go)
	sourceOrder []*chunkSource                      // oldest first
	lastError   *Error                              // the last error that ended a task
	globals     globalsState                        // undefined globals: warnings, strict
	// package.path as it began, and whether a run put its script's
	// folder first (scriptdir.go); guarded by gil
	basePath     *string
	scriptDirSet bool

	trace traceState // the socket trace (tracer.go)

	ls    *lsState // the LuaSocket dialect (luasocket.go)
	warns warnings // what the runtime warned about (warnings.go)
}

// New creates a runtime with the socket library and the helpers of the
// playground (input, sleep, spawn) installed as globals.
func New(opts Options) *Runtime {
	rt := &Runtime{
		opts:           opts,
		stdout:         opts.Stdout,
		stderr:         opts.Stderr,
		tasks:          map[*task]struct{}{},
		sockets:        map[*Socket]struct{}{},
		procs:          map[*popenFile]struct{}{},
		runs:           map[*context.CancelFunc]struct{}{},
		runSem:         make(chan struct{}, 1),
		defaultTimeout: -1,
		sys:            newBackend(),
	}
	if rt.stdout == nil {
		rt.stdout = io.Discard
	}
	if rt.stderr == nil {
		rt.stderr = io.Discard
	}
	rt.root, rt.rootCancel = context.WithCancel(context.Background())
	rt.stdin = newLineReader(opts.Stdin)
	// Small stacks: a task then costs a few KiB instead of ~100 KiB, which
	// matters for servers with a task per client. (128 is the smallest
	// RegistrySize gopher-lua takes: below it, it uses its default, 80 KiB.)
	rt.L = lua.NewState(sandboxLuaOptions(opts.Sandbox, lua.Options{
		RegistrySize:        128,
		RegistryMaxSize:     256 * 1024,
		CallStackSize:       200,
		MinimizeStackMemory: true,
	}))
	rt.initTrace()
	rt.errHandler = rt.L.NewFunction(rt.captureFrames)
	rt.L.SetCheckpoint(rt.checkpoint) // the watchdog's (warnings.go)
	rt.warns.wake = make(chan struct{}, 1)
	rt.globals.strict = opts.Strict
	rt.gil.Lock()
	rt.openLibs() // libs.go
	rt.gil.Unlock()
	return rt
}

// Lang is the language of the runtime's hints (Options.Lang): its host
// speaks to the user in the same one.
func (rt *Runtime) Lang() Language { return rt.opts.Lang }

// RunFile runs a Lua file with args in the global arg (arg[0] is the path).
// It returns when the file and every task it spawned have finished, on an
// uncaught error (then the remaining tasks are cancelled), or when ctx is
// cancelled. Every socket the run opened is closed before it returns.
// Runs on one Runtime take turns: a second run waits for the first to end
// (use a Runtime each, or a Session, to run scripts side by side).
//
// require looks for modules first in the file's folder, whatever the
// working directory (as Python puts the script's folder first on
// sys.path); a sandboxed run may read the .lua files there (ModuleFiles).
func (rt *Runtime) RunFile(ctx context.Context, filename string, args []string) error {
	src, err := os.ReadFile(filename)
	if err != nil {
		return fmt.Errorf("cannot read script: %w", err)
	}
	return rt.run(ctx, filename, string(src), filename, args, filename)
}

// RunFileCode is RunFile with the file's code already read (by a host
// that checks what it reads): filename names it and is where require
// looks first.
func (rt *Runtime) RunFileCode(ctx context.Context, filename, code string, args []string) error {
	return rt.run(ctx, filename, code, filename, args, filename)
}

// RunString runs Lua source code; name is used in error messages.
func (rt *Runtime) RunString(ctx context.Context, name, code string, args []string) error {
	return rt.run(ctx, name, code, name, args, "")
}

// RunScript runs a bundled script by name, e.g. "tcp/echo_server".
func (rt *Runtime) RunScript(ctx context.Context, name string, args []string) error {
	src, err := ReadScript(rt.opts.Scripts, name)
	if err != nil {
		return err
	}
	// "tcp/echo_server.lua" and "tcp/echo_server" are the same script.
	name = strings.TrimSuffix(path.Clean(name), ".lua")
	return rt.run(ctx, name+".lua", string(src), name, args, "")
}

// ReadScript returns the source of bundled script name ("tcp/echo_server"
// or "tcp/echo_server.lua") from fsys.
func ReadScript(fsys fs.FS, name string) ([]byte, error) {
	if fsys == nil {
		return nil, fmt.Errorf("no bundled scripts in this runtime")
	}
	file := strings.TrimSuffix(path.Clean(name), ".lua") + ".lua"
	src, err := fs.ReadFile(fsys, file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no bundled script named %q (see 'sockplay list')", name)
		}
		return nil, err
	}
	return src, nil
}

// run runs code; file is the script's file, "" for code that has none.
func (rt *Runtime) run(ctx context.Context, chunkName, code, arg0 string, args []string, file string) error {
	if rt.isClosed() {
		return errors.New("runtime is closed")
	}
	select {
	case rt.runSem <- struct{}{}:
	case <-ctx.Done():
		return &Error{Kind: Interrupted, Msg: "interrupted", cause: ctx.Err()}
	case <-rt.root.Done():
		return errors.New("runtime is closed")
	}
	defer func() { <-rt.runSem }()
	if rt.isClosed() { // Close came first and has finished
		return errors.New("runtime is closed")
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer rt.sandboxRun(cancel)() // the sandbox's time and memory limits
	defer rt.watch()()            // a task that holds the runtime (warnings.go)
	rt.mu.Lock()
	rt.runs[&cancel] = struct{}{}
	rt.mu.Unlock()
	defer func() {
		rt.mu.Lock()
		delete(rt.runs, &cancel)
		rt.mu.Unlock()
	}()

	rt.gil.Lock()
	fn, err := rt.L.Load(strings.NewReader(code), chunkName)
	if err != nil {
		rt.gil.Unlock()
		return rt.NewSyntaxError(chunkName, code, err)
	}
	rt.addSource(fn.Proto, code)
	rt.setArgs(arg0, args)
	rt.useScriptDir(file)
	rt.exitCode = 0
	rt.exiting = false
	rt.gil.Unlock()

	// Closing the runtime cancels a run in progress too.
	stop := context.AfterFunc(rt.root, cancel)
	defer stop()

	main := rt.newTask(ctx, ctx, fn, nil)
	main.isMain = true
	main.runCancel = cancel
	main.start()
	<-main.done
	if main.err == nil {
		// As Python waits for non-daemon threads: the run goes on while
		// spawned tasks do.
		rt.tasksWG.WaitContext(ctx)
	}
	interrupted := ctx.Err() != nil || main.interrupted
	cancel()
	rt.tasksWG.Wait()
	rt.closeSockets()

	rt.gil.Lock()
	defer rt.gil.Unlock()
	switch {
	case rt.exiting:
		if rt.exitCode == 0 {
			return nil
		}
		return &Error{Kind: Exit, Code: rt.exitCode, Msg: fmt.Sprintf("exit status %d", rt.exitCode)}
	case main.err != nil && !main.interrupted:
		return rt.taskError(main)
	case interrupted && rt.sandboxHit():
		return rt.sandboxStopError(main.err)
	case interrupted:
		return &Error{Kind: Interrupted, Msg: "interrupted", cause: parent.Err()}
	}
	return nil
}

func (rt *Runtime) setArgs(arg0 string, args []string) {
	L := rt.L
	t := L.NewTable()
	t.RawSetInt(0, lua.LString(arg0))
	if rt.opts.Command != "" {
		t.RawSetInt(-1, lua.LString(rt.opts.Command))
	}
	for i, a := range args {
		t.RawSetInt(i+1, lua.LString(a))
	}
	L.SetGlobal("arg", t)
}

// Cancel interrupts every task of the runtime: blocked calls return, busy
// loops stop. The runtime stays usable.
func (rt *Runtime) Cancel() {
	rt.mu.Lock()
	for cancel := range rt.runs {
		(*cancel)()
	}
	for t := range rt.tasks {
		t.cancel()
	}
	rt.mu.Unlock()
}

// Close cancels everything, waits for the tasks to end and closes every
// socket. The runtime cannot be used afterwards.
func (rt *Runtime) Close() error {
	rt.mu.Lock()
	if rt.closed {
		rt.mu.Unlock()
		return nil
	}
	rt.closed = true
	rt.mu.Unlock()
	rt.rootCancel()
	rt.Cancel()
	// Wait for the run in progress to end, and keep later ones out: they
	// must not use the Lua state once it is closed.
	rt.runSem <- struct{}{}
	rt.tasksWG.Wait()
	rt.closeSockets()
	rt.stdin.close()
	rt.gil.Lock()
	rt.L.Close()
	rt.gil.Unlock()
	if rt.sandbox != nil {
		rt.sandbox.closeRules()
	}
	return nil
}

func (rt *Runtime) isClosed() bool {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.closed
}

// closeSockets closes every socket still open; gopher-lua runs no __gc, so
// this is what keeps a run from leaking descriptors.
func (rt *Runtime) closeSockets() {
	rt.killProcs()
	rt.mu.Lock()
	socks := make([]*Socket, 0, len(rt.sockets))
	for s := range rt.sockets {
		socks = append(socks, s)
	}
	rt.mu.Unlock()
	rt.gil.Lock()
	defer rt.gil.Unlock()
	for _, s := range socks {
		s.close()
	}
	rt.L.CloseFiles() // io.open's, for the same reason
}

// OpenSockets reports how many sockets the runtime holds open.
func (rt *Runtime) OpenSockets() int {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return len(rt.sockets)
}

// ExitCode is the status passed to os.exit by the last run (0 if none).
func (rt *Runtime) ExitCode() int {
	rt.gil.Lock()
	defer rt.gil.Unlock()
	return rt.exitCode
}

// taskGroup counts live tasks like a sync.WaitGroup, but Add may come
// while another goroutine Waits (a WaitGroup panics then): a session's
// tasks start while Close or a run waits for the tasks to end.
type taskGroup struct {
	mu   sync.Mutex
	n    int
	zero chan struct{} // closed when n drops to 0; nil while nobody waits
}

func (g *taskGroup) Add(delta int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n += delta
	switch {
	case g.n < 0:
		panic("luabind: negative task count")
	case g.n == 0 && g.zero != nil:
		close(g.zero)
		g.zero = nil
	}
}

func (g *taskGroup) Done() { g.Add(-1) }

// Wait returns once no task is live.
func (g *taskGroup) Wait() { g.WaitContext(context.Background()) }

// WaitContext returns nil once no task is live, or ctx's error when ctx
// is done first.
func (g *taskGroup) WaitContext(ctx context.Context) error {
	select {
	case <-g.Zero():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Zero returns a channel closed once no task is live: at once if none is
// now.
func (g *taskGroup) Zero() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.n == 0 {
		return closedChan
	}
	if g.zero == nil {
		g.zero = make(chan struct{})
	}
	return g.zero
}

// closedChan is a channel that is closed: a wait on it is over at once.
var closedChan = func() chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}()
