package luabind

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/sockplay/sockplay/internal/i18n"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// Sandbox confines the scripts of a runtime, for code the host does not
// trust (a grader running students' scripts). Set Options.Sandbox to use
// it; zero fields take the defaults below; a negative Timeout, MaxSockets,
// MaxTasks, MaxMemory or MaxString means no limit.
//
//   - Network: scripts may bind, connect and send only to loopback
//     addresses (127.0.0.0/8, ::1) and to AF_UNIX paths inside TempDir;
//     anything else raises PermissionError before any packet leaves. Host
//     names other than "localhost" are not looked up (no DNS query).
//   - Host: os.execute, io.popen, os.setenv and the host's standard input
//     are refused (PermissionError); os.exit ends the run, as always.
//   - Files: writing (io.open for writing, io.output, os.remove,
//     os.rename, os.tmpname, io.tmpfile) only inside TempDir; reading
//     only regular files inside TempDir and the paths of Read. Files are
//     opened through os.Root handles of those folders (sandbox_files.go):
//     ".." and symbolic links cannot lead out of them.
//   - Limits: a wall-clock limit per run, caps on open sockets and live
//     tasks, on the Lua call stack and value stack, on the size of any
//     one string the VM builds (lua.Options.MaxStringSize: "..",
//     string.rep, string.format, string.gsub, table.concat, file:read)
//     and of a chunk it compiles, and on how much the Go heap may grow
//     during a run. Hitting one ends the script with a clear error; the
//     host goes on.
//
// The memory cap is a watchdog over the process's heap, sampled every few
// milliseconds: it stops a script that builds memory step by step (a
// string doubled in a loop, a growing table). It counts what other
// runtimes of the process allocate meanwhile, so a host that runs
// untrusted scripts side by side sees all of them stopped; and a single
// operation that allocates gigabytes at once (one concatenation of many
// huge strings) can still outrun it: run graders under an OS memory limit
// too.
type Sandbox struct {
	// TempDir is the only directory scripts may write in, and where AF_UNIX
	// socket files may be; os.getenv("TMPDIR") and os.tmpname() point
	// there. "": no file writes at all.
	TempDir string
	// Read lists the files and folders scripts may read besides TempDir:
	// the script being run (the runner adds it), data a teacher allows.
	// Reading anything else raises PermissionError.
	Read []string
	// Timeout is the wall-clock limit of one run (RunFile, RunString,
	// RunScript). Default 30s.
	Timeout time.Duration
	// MaxSockets is how many sockets may be open at once. Default 64.
	MaxSockets int
	// MaxTasks is how many tasks may run at once, the main chunk
	// included (spawn raises beyond it). Default 64.
	MaxTasks int
	// MaxMemory is how many bytes the Go heap may grow by during a run.
	// Default 256 MiB.
	MaxMemory int64
	// MaxString is the longest string the VM may build in one operation
	// (lua.Options.MaxStringSize), in bytes. Default 16 MiB.
	MaxString int
	// MaxSource is the longest chunk load, loadstring, loadfile, dofile
	// and require may compile (lua.Options.MaxSourceSize), in bytes.
	// Default 1 MiB: compiling costs a few hundred bytes per byte at worst.
	MaxSource int
	// CallStackSize is the deepest Lua call nesting (deeper: "stack
	// overflow"). Default 200.
	CallStackSize int
	// RegistryMaxSize is how many Lua values one task's stack may hold
	// ("registry overflow" beyond). Default 256 Ki.
	RegistryMaxSize int
}

// The sandbox's defaults, for the zero fields of a Sandbox.
const (
	DefaultSandboxTimeout   = 30 * time.Second
	DefaultMaxSockets       = 64
	DefaultMaxTasks         = 64
	DefaultMaxMemory        = 256 << 20
	DefaultMaxString        = 16 << 20
	DefaultMaxSource        = 1 << 20
	DefaultCallStackSize    = 200
	DefaultRegistryMaxSize  = 256 * 1024
	sandboxMemorySampleTime = 5 * time.Millisecond
)

// withDefaults returns a copy of sb with its zero fields set.
func (sb Sandbox) withDefaults() Sandbox {
	if sb.Timeout == 0 {
		sb.Timeout = DefaultSandboxTimeout
	}
	if sb.MaxSockets == 0 {
		sb.MaxSockets = DefaultMaxSockets
	}
	if sb.MaxTasks == 0 {
		sb.MaxTasks = DefaultMaxTasks
	}
	if sb.MaxMemory == 0 {
		sb.MaxMemory = DefaultMaxMemory
	}
	if sb.MaxString == 0 {
		sb.MaxString = DefaultMaxString
	}
	if sb.MaxSource <= 0 {
		sb.MaxSource = DefaultMaxSource
	}
	if sb.CallStackSize <= 0 {
		sb.CallStackSize = DefaultCallStackSize
	}
	if sb.RegistryMaxSize <= 0 {
		sb.RegistryMaxSize = DefaultRegistryMaxSize
	}
	return sb
}

// sandboxLuaOptions applies sb's limits to the options of the Lua state
// (New calls it; nil sb changes nothing): the VM enforces them in every
// operation that builds a string or compiles a chunk.
func sandboxLuaOptions(sb *Sandbox, o lua.Options) lua.Options {
	if sb == nil {
		return o
	}
	c := sb.withDefaults()
	o.CallStackSize = c.CallStackSize
	o.RegistryMaxSize = c.RegistryMaxSize
	if c.MaxString > 0 {
		o.MaxStringSize = c.MaxString
	}
	o.MaxSourceSize = c.MaxSource
	// gopher-lua's growing call stack panics when full ("lua callstack
	// overflow", without a line); the fixed one raises "stack overflow"
	// where the recursion is. It costs CallStackSize frames per task.
	o.MinimizeStackMemory = false
	if o.RegistrySize > o.RegistryMaxSize {
		o.RegistrySize = o.RegistryMaxSize
	}
	return o
}

// sandboxState is a runtime's sandbox: its limits and what the current
// run has hit.
type sandboxState struct {
	cfg      Sandbox
	lang     Language // of the refusals' explanations (their "sandbox: ... refused:" stays English)
	tempReal string   // TempDir with symlinks resolved; "" if none
	// rules is the file allowlist (sandbox_files.go), longest path
	// first; roots are its os.Root handles, closed with the runtime.
	rules []fileRule
	roots []*os.Root
	// requiring: require's searcher is looking for a module, the one use
	// of the rules for the modules beside a script (guarded by the
	// runtime lock).
	requiring bool
	// hit is why the sandbox stopped the current run (nil if it did not).
	hit atomic.Pointer[string]
	// cancel ends the current run (nil between runs).
	cancel atomic.Pointer[context.CancelFunc]
}

// stop ends the current run because of why (the first reason wins).
func (sb *sandboxState) stop(why string) {
	sb.hit.CompareAndSwap(nil, &why)
	if cancel := sb.cancel.Load(); cancel != nil {
		(*cancel)()
	}
}

// openSandbox installs the sandbox's guards, if Options.Sandbox is set.
// Called once by New, after the libraries are open.
func (rt *Runtime) openSandbox() {
	if rt.opts.Sandbox == nil {
		return
	}
	sb := &sandboxState{cfg: rt.opts.Sandbox.withDefaults(), lang: rt.opts.Lang}
	if sb.cfg.TempDir != "" {
		dir, err := filepath.Abs(sb.cfg.TempDir)
		if err == nil {
			if real, err := filepath.EvalSymlinks(dir); err == nil {
				dir = real
			}
			sb.tempReal = dir
		}
	}
	sb.openRules()
	rt.sandbox = sb
	L := rt.L
	// Every file the libraries open by name goes through the allowlist.
	// Threads copy the state's options: this is set before any exists.
	L.Options.OpenFile = sb.openFile
	if oslib, ok := L.GetGlobal("os").(*lua.LTable); ok {
		oslib.RawSetString("execute", L.NewFunction(sb.osExecute))
		oslib.RawSetString("setenv", L.NewFunction(sb.refused("os.setenv", i18n.Key("scripts cannot change the host's environment"))))
		oslib.RawSetString("getenv", L.NewFunction(sb.osGetenv))
		oslib.RawSetString("remove", L.NewFunction(sb.osRemove))
		oslib.RawSetString("rename", L.NewFunction(sb.osRename))
		oslib.RawSetString("tmpname", L.NewFunction(sb.osTmpname))
	}
	if iolib, ok := L.GetGlobal("io").(*lua.LTable); ok {
		open, _ := iolib.RawGetString("open").(*lua.LFunction)
		iolib.RawSetString("popen", L.NewFunction(sb.refused("io.popen", noPrograms)))
		iolib.RawSetString("tmpfile", L.NewFunction(sb.ioTmpfile(open)))
		iolib.RawSetString("lines", L.NewFunction(sb.ioLines(iolib.RawGetString("lines"))))
		iolib.RawSetString("input", L.NewFunction(sb.ioInput(iolib.RawGetString("input"))))
		iolib.RawSetString("output", L.NewFunction(sb.ioOutput(iolib.RawGetString("output"))))
		iolib.RawSetString("close", L.NewFunction(sb.ioClose(iolib.RawGetString("close"))))
		// io.stdin is the host's standard input: reading it would take the
		// grader's input and hold the runtime lock while it waits.
		stdin := L.NewTable()
		for _, name := range []string{"read", "lines", "close", "seek", "setvbuf"} {
			stdin.RawSetString(name, L.NewFunction(sb.refused("io.stdin:"+name, useInput)))
		}
		iolib.RawSetString("stdin", stdin)
	}
	L.SetGlobal("dofile", L.NewFunction(sb.guardPathArg("dofile", L.GetGlobal("dofile"))))
	L.SetGlobal("loadfile", L.NewFunction(sb.guardPathArg("loadfile", L.GetGlobal("loadfile"))))
	if loaders, ok := L.GetField(L.Get(lua.RegistryIndex), "_LOADERS").(*lua.LTable); ok {
		// require's file searcher: the same search, in the allowlist.
		loaders.RawSetInt(2, L.NewFunction(sb.luaSearcher))
	}
	if spawn, ok := L.GetGlobal("spawn").(*lua.LFunction); ok && spawn.IsG {
		L.SetGlobal("spawn", L.NewFunction(func(L *lua.LState) int {
			rt.mu.Lock()
			n := len(rt.tasks)
			rt.mu.Unlock()
			if n >= sb.cfg.MaxTasks && sb.cfg.MaxTasks > 0 {
				// A hard limit: it ends the run, or a spawn bomb's tasks
				// would go on spawning (and failing) until the time limit.
				why := "sandbox: too many tasks: " + sb.lang.Sprintf("at most %s may run at once (does every spawned task end?)", strconv.Itoa(sb.cfg.MaxTasks))
				sb.stop(why)
				L.RaiseError("%s", why)
			}
			return spawn.GFunction(L)
		}))
	}
}

// refuse raises PermissionError("sandbox: ..."): what is refused, in
// English, and why, in the user's language (the sandbox's lang).
func refuse(L *lua.LState, format string, args ...any) {
	L.Error(lualib.NewError(L, "PermissionError", lualib.NoErrno, "sandbox: "+fmt.Sprintf(format, args...)), 0)
}

// Why a function of the host is refused, the key of its translation.
var (
	noPrograms = i18n.Key("scripts cannot run programs")
	useInput   = i18n.Key("use input() or io.read() to read the script's input")
	nameAFile  = i18n.Key("name the file to load")
)

// refused is a function that refuses to run: name is not allowed, for
// the reason why (a key of the catalog).
func (sb *sandboxState) refused(name, why string) lua.LGFunction {
	return func(L *lua.LState) int {
		refuse(L, "%s is not allowed (%s)", name, sb.lang.Text(why))
		return 0
	}
}

// os.execute(cmd?) -> false   (sandbox: there is no shell; running a command raises PermissionError)
func (sb *sandboxState) osExecute(L *lua.LState) int {
	if L.GetTop() == 0 {
		L.Push(lua.LFalse)
		return 1
	}
	refuse(L, "os.execute is not allowed (%s)", sb.lang.Text(noPrograms))
	return 0
}

func (sb *sandboxState) tempDirText() string {
	if sb.tempReal == "" {
		return sb.lang.Sprintf("the sandbox's directory (this sandbox has none)")
	}
	return sb.tempReal + ` (os.getenv("TMPDIR"))`
}
