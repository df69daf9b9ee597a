package luabind

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lua/pm"
	"golang.org/x/sys/unix"
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
//     os.rename, os.tmpname, io.tmpfile) only inside TempDir; reading only
//     regular files, nothing under /dev, /proc or /sys.
//   - Limits: a wall-clock limit per run, caps on open sockets and live
//     tasks, on the Lua call stack and value stack, on the strings that
//     string.rep, string.format, string.gsub and table.concat build, and
//     on how much the Go heap may grow during a run. Hitting one ends the
//     script with a clear error; the host goes on.
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
	// MaxString is the longest string string.rep, string.format,
	// string.gsub and table.concat may build, in bytes. Default 16 MiB.
	MaxString int
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
	if sb.CallStackSize <= 0 {
		sb.CallStackSize = DefaultCallStackSize
	}
	if sb.RegistryMaxSize <= 0 {
		sb.RegistryMaxSize = DefaultRegistryMaxSize
	}
	return sb
}

// sandboxLuaOptions applies sb's stack limits to the options of the Lua
// state (New calls it; nil sb changes nothing).
func sandboxLuaOptions(sb *Sandbox, o lua.Options) lua.Options {
	if sb == nil {
		return o
	}
	c := sb.withDefaults()
	o.CallStackSize = c.CallStackSize
	o.RegistryMaxSize = c.RegistryMaxSize
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
	tempReal string // TempDir with symlinks resolved; "" if none
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
	sb := &sandboxState{cfg: rt.opts.Sandbox.withDefaults()}
	if sb.cfg.TempDir != "" {
		dir, err := filepath.Abs(sb.cfg.TempDir)
		if err == nil {
			if real, err := filepath.EvalSymlinks(dir); err == nil {
				dir = real
			}
			sb.tempReal = dir
		}
	}
	rt.sandbox = sb
	L := rt.L
	if oslib, ok := L.GetGlobal("os").(*lua.LTable); ok {
		oslib.RawSetString("execute", L.NewFunction(sbOsExecute))
		oslib.RawSetString("setenv", L.NewFunction(sbRefused("os.setenv", "scripts cannot change the host's environment")))
		oslib.RawSetString("getenv", L.NewFunction(sb.osGetenv))
		oslib.RawSetString("remove", L.NewFunction(sb.osRemove))
		oslib.RawSetString("rename", L.NewFunction(sb.osRename))
		oslib.RawSetString("tmpname", L.NewFunction(sb.osTmpname))
	}
	if iolib, ok := L.GetGlobal("io").(*lua.LTable); ok {
		open, _ := iolib.RawGetString("open").(*lua.LFunction)
		iolib.RawSetString("popen", L.NewFunction(sbRefused("io.popen", "scripts cannot run programs")))
		iolib.RawSetString("open", L.NewFunction(sb.ioOpen(open)))
		iolib.RawSetString("tmpfile", L.NewFunction(sb.ioTmpfile(open)))
		iolib.RawSetString("lines", L.NewFunction(sb.ioLines(iolib.RawGetString("lines"))))
		iolib.RawSetString("input", L.NewFunction(sb.ioInput(iolib.RawGetString("input"))))
		iolib.RawSetString("output", L.NewFunction(sb.ioOutput(iolib.RawGetString("output"))))
		iolib.RawSetString("close", L.NewFunction(sb.ioClose(iolib.RawGetString("close"))))
		// io.stdin is the host's standard input: reading it would take the
		// grader's input and hold the runtime lock while it waits.
		stdin := L.NewTable()
		for _, name := range []string{"read", "lines", "close", "seek", "setvbuf"} {
			stdin.RawSetString(name, L.NewFunction(sbRefused("io.stdin:"+name, "use input() or io.read() to read the script's input")))
		}
		iolib.RawSetString("stdin", stdin)
	}
	L.SetGlobal("dofile", L.NewFunction(sb.guardPathArg("dofile", L.GetGlobal("dofile"))))
	L.SetGlobal("loadfile", L.NewFunction(sb.guardPathArg("loadfile", L.GetGlobal("loadfile"))))
	if loaders, ok := L.GetField(L.Get(lua.RegistryIndex), "_LOADERS").(*lua.LTable); ok {
		// require's file searcher: the same search, with the read check.
		loaders.RawSetInt(2, L.NewFunction(sb.luaSearcher))
	}
	for _, t := range strLibTables(L) {
		wrapG(L, t, "rep", sb.checkRep)
		wrapG(L, t, "format", sb.checkFormat)
		wrapG(L, t, "gsub", sb.checkGsub)
	}
	if tablib, ok := L.GetGlobal("table").(*lua.LTable); ok {
		wrapG(L, tablib, "concat", sb.checkConcat)
	}
	if spawn, ok := L.GetGlobal("spawn").(*lua.LFunction); ok && spawn.IsG {
		L.SetGlobal("spawn", L.NewFunction(func(L *lua.LState) int {
			rt.mu.Lock()
			n := len(rt.tasks)
			rt.mu.Unlock()
			if n >= sb.cfg.MaxTasks && sb.cfg.MaxTasks > 0 {
				// A hard limit: it ends the run, or a spawn bomb's tasks
				// would go on spawning (and failing) until the time limit.
				why := fmt.Sprintf("sandbox: too many tasks: at most %d may run at once (does every spawned task end?)", sb.cfg.MaxTasks)
				sb.stop(why)
				L.RaiseError("%s", why)
			}
			return spawn.GFunction(L)
		}))
	}
}

// refuse raises PermissionError("sandbox: ...").
func refuse(L *lua.LState, format string, args ...any) {
	L.Error(newError(L, "PermissionError", noErrno, "sandbox: "+fmt.Sprintf(format, args...)), 0)
}

func sbRefused(name, why string) lua.LGFunction {
	return func(L *lua.LState) int {
		refuse(L, "%s is not allowed (%s)", name, why)
		return 0
	}
}

// os.execute(cmd?) -> false   (sandbox: there is no shell; running a command raises PermissionError)
func sbOsExecute(L *lua.LState) int {
	if L.GetTop() == 0 {
		L.Push(lua.LFalse)
		return 1
	}
	refuse(L, "os.execute is not allowed (scripts cannot run programs)")
	return 0
}

// callOriginal calls fn with the arguments of the current call and
// returns its results. (Closures with upvalues, as io.lines is, must be
// called, not have their GFunction run on this frame.)
func callOriginal(L *lua.LState, fn lua.LValue) int {
	top := L.GetTop()
	L.Push(fn)
	for i := 1; i <= top; i++ {
		L.Push(L.Get(i))
	}
	L.Call(top, lua.MultRet)
	return L.GetTop() - top
}

// wrapG replaces t[name], a Go function without upvalues, with one that
// runs check on the arguments first.
func wrapG(L *lua.LState, t *lua.LTable, name string, check func(L *lua.LState)) {
	fn, ok := t.RawGetString(name).(*lua.LFunction)
	if !ok || !fn.IsG || len(fn.Upvalues) > 0 {
		return
	}
	orig := fn.GFunction
	t.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
		check(L)
		return orig(L)
	}))
}

// The network policy.

// allowAddr raises PermissionError unless the sandbox lets the script
// use sa for op ("bind", "connect", "sendto"). It is called before the
// system call, so nothing leaves the machine. No sandbox: no check.
func (rt *Runtime) allowAddr(L *lua.LState, op string, sa unix.Sockaddr) {
	if rt.sandbox == nil {
		return
	}
	if msg := rt.sandbox.addrRefusal(op, sa); msg != "" {
		refuse(L, "%s", msg)
	}
}

// addrRefusal says why the sandbox refuses sa, or "".
func (sb *sandboxState) addrRefusal(op string, sa unix.Sockaddr) string {
	const only = "only loopback addresses (127.0.0.0/8, ::1) may be used"
	var ap netip.AddrPort
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		ap = netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port))
	case *unix.SockaddrInet6:
		ap = netip.AddrPortFrom(netip.AddrFrom16(a.Addr).Unmap(), uint16(a.Port))
	case *unix.SockaddrUnix:
		if strings.HasPrefix(a.Name, "@") {
			return fmt.Sprintf("%s to the abstract AF_UNIX name %q refused: use a socket file inside %s", op, a.Name[1:], sb.tempDirText())
		}
		if _, ok := sb.inside(a.Name); !ok {
			return fmt.Sprintf("%s to %s refused: AF_UNIX socket files must be inside %s", op, a.Name, sb.tempDirText())
		}
		return ""
	default:
		return fmt.Sprintf("%s refused: unsupported address", op)
	}
	ip := ap.Addr()
	if ip.IsLoopback() {
		return ""
	}
	if ip.IsUnspecified() && op == "bind" {
		return fmt.Sprintf("bind to %s refused: %s; bind to \"127.0.0.1\", not \"\" or \"0.0.0.0\"", ap, only)
	}
	return fmt.Sprintf("%s to %s refused: %s (nothing was sent)", op, ap, only)
}

func (sb *sandboxState) tempDirText() string {
	if sb.tempReal == "" {
		return "the sandbox's directory (this sandbox has none)"
	}
	return sb.tempReal + ` (os.getenv("TMPDIR"))`
}

// sandboxLookup answers a host-name lookup in the sandbox without asking
// any resolver: "localhost" is loopback, any other name raises
// PermissionError (a DNS query would leave the machine). network is
// "ip4", "ip6" or "ip". ok false: no sandbox, look it up as usual.
func (rt *Runtime) sandboxLookup(L *lua.LState, host, network string) (ips []netip.Addr, ok bool) {
	if rt.sandbox == nil {
		return nil, false
	}
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	if name != "localhost" && !strings.HasSuffix(name, ".localhost") {
		refuse(L, "looking up %q refused: only \"localhost\" and loopback addresses may be used (no DNS queries)", host)
	}
	v4, v6 := netip.AddrFrom4([4]byte{127, 0, 0, 1}), netip.IPv6Loopback()
	switch network {
	case "ip4":
		return []netip.Addr{v4}, true
	case "ip6":
		return []netip.Addr{v6}, true
	}
	return []netip.Addr{v4, v6}, true
}

// socketQuota reports an error if opening n more sockets would pass the
// sandbox's cap.
func (rt *Runtime) socketQuota(n int) error {
	if rt.sandbox == nil || rt.sandbox.cfg.MaxSockets < 0 {
		return nil
	}
	if max := rt.sandbox.cfg.MaxSockets; rt.OpenSockets()+n > max {
		return limitError(fmt.Sprintf("sandbox: too many open sockets: at most %d at once (close the sockets you are done with)", max))
	}
	return nil
}

// limitError is a limit the sandbox enforces; as a Lua error value it is
// an OSError without errno.
type limitError string

func (e limitError) Error() string { return string(e) }

// Files.

// inside returns path made absolute (symlinks of its directory resolved)
// and whether it lies inside the sandbox's directory.
func (sb *sandboxState) inside(path string) (string, bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path, false
	}
	dir, base := filepath.Split(abs)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		abs = filepath.Join(real, base)
	}
	if sb.tempReal == "" {
		return abs, false
	}
	rel, err := filepath.Rel(sb.tempReal, abs)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return abs, false
	}
	return abs, true
}

// checkWrite raises PermissionError unless path may be written.
func (sb *sandboxState) checkWrite(L *lua.LState, what, path string) {
	if _, ok := sb.inside(path); !ok {
		refuse(L, "%s(%q) refused: files may be written only inside %s", what, path, sb.tempDirText())
	}
}

// checkRead raises PermissionError unless path may be read: a regular
// file (or one that does not exist: the original call reports that),
// not under /dev, /proc or /sys, not larger than the memory cap.
func (sb *sandboxState) checkRead(L *lua.LState, what, path string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	for _, dir := range []string{"/dev", "/proc", "/sys"} {
		if abs == dir || strings.HasPrefix(abs, dir+"/") {
			refuse(L, "%s(%q) refused: scripts may not read %s", what, path, dir)
		}
	}
	st, err := os.Stat(abs)
	if err != nil {
		return
	}
	if !st.Mode().IsRegular() {
		refuse(L, "%s(%q) refused: not a regular file", what, path)
	}
	if max := sb.cfg.MaxMemory; max > 0 && st.Size() > max {
		refuse(L, "%s(%q) refused: the file is larger than the sandbox's memory limit", what, path)
	}
}

// os.getenv(name) -> value | nil   (sandbox: only TMPDIR, TMP and TEMP, the sandbox's directory)
func (sb *sandboxState) osGetenv(L *lua.LState) int {
	switch L.CheckString(1) {
	case "TMPDIR", "TMP", "TEMP":
		if sb.tempReal != "" {
			L.Push(lua.LString(sb.tempReal))
			return 1
		}
	}
	L.Push(lua.LNil)
	return 1
}

// os.remove(path) -> true | nil, message   (sandbox: only inside the sandbox's directory)
func (sb *sandboxState) osRemove(L *lua.LState) int {
	path := L.CheckString(1)
	sb.checkWrite(L, "os.remove", path)
	return osResult(L, os.Remove(path))
}

// os.rename(from, to) -> true | nil, message   (sandbox: both inside the sandbox's directory)
func (sb *sandboxState) osRename(L *lua.LState) int {
	from, to := L.CheckString(1), L.CheckString(2)
	sb.checkWrite(L, "os.rename", from)
	sb.checkWrite(L, "os.rename", to)
	return osResult(L, os.Rename(from, to))
}

func osResult(L *lua.LState, err error) int {
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(lua.LTrue)
	return 1
}

// os.tmpname() -> path   (sandbox: a new empty file in the sandbox's directory)
func (sb *sandboxState) osTmpname(L *lua.LState) int {
	if sb.tempReal == "" {
		refuse(L, "os.tmpname is not allowed: this sandbox has no directory to write in")
	}
	f, err := os.CreateTemp(sb.tempReal, "lua_")
	if err != nil {
		L.RaiseError("unable to generate a unique filename: %v", err)
	}
	f.Close()
	L.Push(lua.LString(f.Name()))
	return 1
}

// io.open(path, mode?) -> file | nil, message   (sandbox: writing only inside the sandbox's directory; reading regular files)
func (sb *sandboxState) ioOpen(open *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		path := L.CheckString(1)
		mode := L.OptString(2, "r")
		if strings.ContainsAny(mode, "wa+") {
			sb.checkWrite(L, "io.open", path)
		} else {
			sb.checkRead(L, "io.open", path)
		}
		return callOriginal(L, open)
	}
}

// io.tmpfile() -> file   (sandbox: in the sandbox's directory)
func (sb *sandboxState) ioTmpfile(open *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		sb.osTmpname(L)
		name := L.Get(-1)
		L.SetTop(0)
		L.Push(name)
		L.Push(lua.LString("w+"))
		return callOriginal(L, open)
	}
}

// io.lines(path) -> iterator   (sandbox: a path is required: the host's standard input is not the script's)
func (sb *sandboxState) ioLines(lines lua.LValue) lua.LGFunction {
	return func(L *lua.LState) int {
		if L.GetTop() == 0 {
			refuse(L, "io.lines() reads the host's standard input: use input() or io.read() to read the script's input")
		}
		sb.checkRead(L, "io.lines", L.CheckString(1))
		return callOriginal(L, lines)
	}
}

// io.input(path | file) -> file   (sandbox: not the host's standard input)
func (sb *sandboxState) ioInput(input lua.LValue) lua.LGFunction {
	return func(L *lua.LState) int {
		switch v := L.Get(1).(type) {
		case *lua.LNilType:
			refuse(L, "io.input() is the host's standard input: use input() or io.read() to read the script's input")
		case lua.LString:
			sb.checkRead(L, "io.input", string(v))
		}
		return callOriginal(L, input)
	}
}

// io.output(path | file) -> file   (sandbox: a path only inside the sandbox's directory; no argument: io.stdout)
func (sb *sandboxState) ioOutput(output lua.LValue) lua.LGFunction {
	return func(L *lua.LState) int {
		switch v := L.Get(1).(type) {
		case *lua.LNilType:
			// gopher-lua's default output is the host's stdout, which
			// io.close() would close.
			L.Push(L.GetField(L.GetGlobal("io"), "stdout"))
			return 1
		case lua.LString:
			sb.checkWrite(L, "io.output", string(v))
		}
		return callOriginal(L, output)
	}
}

// io.close(file?) -> true   (sandbox: without a file, nothing: the default output is not the host's to close)
func (sb *sandboxState) ioClose(closeFn lua.LValue) lua.LGFunction {
	return func(L *lua.LState) int {
		if L.GetTop() == 0 {
			L.Push(lua.LTrue)
			return 1
		}
		return callOriginal(L, closeFn)
	}
}

// guardPathArg wraps dofile or loadfile: a path is required (not the
// host's standard input) and must be readable.
func (sb *sandboxState) guardPathArg(name string, fn lua.LValue) lua.LGFunction {
	return func(L *lua.LState) int {
		path, ok := L.Get(1).(lua.LString)
		if !ok {
			refuse(L, "%s without a file name reads the host's standard input", name)
		}
		sb.checkRead(L, name, string(path))
		return callOriginal(L, fn)
	}
}

// luaSearcher is require's searcher for Lua files (package.loaders[2]),
// as gopher-lua's, with the sandbox's read check on what it opens.
func (sb *sandboxState) luaSearcher(L *lua.LState) int {
	name := L.CheckString(1)
	path := lua.LVAsString(L.GetField(L.GetField(L.Get(lua.EnvironIndex), "package"), "path"))
	var tried []string
	for _, pat := range strings.Split(path, ";") {
		if pat == "" {
			continue
		}
		file := strings.ReplaceAll(pat, "?", strings.ReplaceAll(name, ".", string(filepath.Separator)))
		st, err := os.Stat(file)
		if err != nil || st.IsDir() {
			tried = append(tried, "\n\tno file '"+file+"'")
			continue
		}
		sb.checkRead(L, "require", file)
		fn, err := L.LoadFile(file)
		if err != nil {
			L.RaiseError("%s", err.Error())
		}
		L.Push(fn)
		return 1
	}
	L.Push(lua.LString(strings.Join(tried, "")))
	return 1
}

// String sizes.

func (sb *sandboxState) tooLong(L *lua.LState, fname string, n float64) {
	if max := sb.cfg.MaxString; max > 0 && n > float64(max) {
		L.RaiseError("sandbox: %s would build a string of %.0f bytes (at most %d)", fname, n, max)
	}
}

func (sb *sandboxState) checkRep(L *lua.LState) {
	s := L.CheckString(1)
	n := float64(L.CheckNumber(2))
	if n > 0 {
		sb.tooLong(L, "string.rep", float64(len(s))*n)
	}
}

var formatSpec = regexp.MustCompile(`%[-+ #0]*([0-9]*)(?:\.([0-9]*))?([a-zA-Z%])`)

// checkFormat refuses widths and precisions of more than two digits, as
// C Lua does (Go's fmt would pad to any width), and results beyond the cap.
func (sb *sandboxState) checkFormat(L *lua.LState) {
	f := L.CheckString(1)
	size := float64(len(f))
	arg := 2
	for _, m := range formatSpec.FindAllStringSubmatch(f, -1) {
		if len(m[1]) > 2 || len(m[2]) > 2 {
			L.RaiseError("invalid format (width or precision too long)")
		}
		if m[3] == "%" {
			continue
		}
		size += 100
		if s, ok := L.Get(arg).(lua.LString); ok {
			size += float64(len(s)) * 2 // %q may escape every byte
		}
		arg++
	}
	sb.tooLong(L, "string.format", size)
}

// checkGsub bounds what string.gsub builds: its result's size, and its
// cost (gopher-lua copies the whole string for every replacement).
func (sb *sandboxState) checkGsub(L *lua.LState) {
	s := L.CheckString(1)
	pat := L.CheckString(2)
	limit := L.OptInt(4, -1)
	matches, err := pm.Find(pat, []byte(s), 0, limit)
	if err != nil || len(matches) == 0 {
		return // the original reports the error, or returns s
	}
	if float64(len(matches))*float64(len(s)) > 1<<33 {
		L.RaiseError("sandbox: string.gsub with %d replacements in %d bytes is too slow for the sandbox", len(matches), len(s))
	}
	size := float64(len(s))
	switch repl := L.Get(3).(type) {
	case lua.LString:
		literal, refs := gsubTemplate(string(repl))
		for _, m := range matches {
			size += literal
			for _, idx := range refs {
				switch {
				case idx >= m.CaptureLength():
					size += float64(m.Capture(1) - m.Capture(0))
				case m.IsPosCapture(idx):
					size += 20
				default:
					size += float64(m.Capture(idx+1) - m.Capture(idx))
				}
			}
		}
	case *lua.LTable:
		if L.GetMetatable(repl) != lua.LNil {
			return // lookups run Lua code: the memory watchdog watches
		}
		for _, m := range matches {
			idx := 0
			if m.CaptureLength() > 2 {
				idx = 2
			}
			var v lua.LValue
			if m.IsPosCapture(idx) {
				v = repl.RawGet(lua.LNumber(m.Capture(idx)))
			} else {
				v = repl.RawGet(lua.LString(s[m.Capture(idx):m.Capture(idx+1)]))
			}
			size += float64(len(lua.LVAsString(v)))
		}
	default:
		return // a function runs Lua code: the memory watchdog watches
	}
	sb.tooLong(L, "string.gsub", size)
}

// gsubTemplate splits a gsub replacement string into its literal length
// and the capture references (%0-%9) it expands, as capture indexes of
// pm.MatchData (2*n; %0 is the whole match).
func gsubTemplate(repl string) (literal float64, refs []int) {
	for i := 0; i < len(repl); i++ {
		if repl[i] != '%' || i+1 == len(repl) {
			literal++
			continue
		}
		i++
		if c := repl[i]; c >= '0' && c <= '9' {
			refs = append(refs, 2*int(c-'0'))
		} else {
			literal += 2
		}
	}
	return literal, refs
}

func (sb *sandboxState) checkConcat(L *lua.LState) {
	t := L.CheckTable(1)
	sep := float64(len(L.OptString(2, "")))
	i := L.OptInt(3, 1)
	j := L.OptInt(4, t.Len())
	if i < 1 {
		i = 1
	}
	if j > t.Len() {
		j = t.Len()
	}
	size := 0.0
	for k := i; k <= j; k++ {
		size += float64(len(lua.LVAsString(t.RawGetInt(k)))) + sep
	}
	sb.tooLong(L, "table.concat", size)
}

// Time and memory.

// sandboxRun starts the sandbox's watch over a run: when the wall-clock
// limit passes or the heap grows beyond the cap, it records why and calls
// cancel. The returned function stops the watch. No sandbox: nothing.
func (rt *Runtime) sandboxRun(cancel context.CancelFunc) func() {
	sb := rt.sandbox
	if sb == nil {
		return func() {}
	}
	sb.hit.Store(nil)
	sb.cancel.Store(&cancel)
	stopWith := sb.stop
	var timer *time.Timer
	if d := sb.cfg.Timeout; d > 0 {
		timer = time.AfterFunc(d, func() {
			stopWith(fmt.Sprintf("sandbox: time limit: the run took longer than %v (an endless loop? waiting for something that never comes?)", d))
		})
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	if max := sb.cfg.MaxMemory; max > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
			heap := func() int64 {
				metrics.Read(sample)
				if sample[0].Value.Kind() != metrics.KindUint64 {
					return 0
				}
				return int64(sample[0].Value.Uint64())
			}
			base := heap()
			tick := time.NewTicker(sandboxMemorySampleTime)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
				}
				// No GC first to tell garbage from live memory: on a heap of
				// gigabytes it takes longer than the script needs to double
				// it again. Garbage stays near the live heap's size (GOGC),
				// far below the cap, unless a run really holds that much.
				if heap()-base > max {
					stopWith(fmt.Sprintf("sandbox: memory limit: the run used more than %d MiB", max>>20))
					return
				}
			}
		}()
	}
	return func() {
		sb.cancel.Store(nil)
		if timer != nil {
			timer.Stop()
		}
		close(done)
		wg.Wait()
	}
}

// sandboxHit reports whether the sandbox stopped the current run.
func (rt *Runtime) sandboxHit() bool {
	return rt.sandbox != nil && rt.sandbox.hit.Load() != nil
}

var wherePrefix = regexp.MustCompile(`^(\S.*?:\d+:) `)

// sandboxStopError is the run's error when the sandbox stopped it: why, with
// the line the main task was at, if it was still running. Called with the
// runtime lock held.
func (rt *Runtime) sandboxStopError(mainErr error) *Error {
	e := &Error{Kind: RuntimeError, Msg: *rt.sandbox.hit.Load()}
	if mainErr != nil {
		if m := wherePrefix.FindStringSubmatch(rt.describe(mainErr).Msg); m != nil {
			e.Msg = m[1] + " " + e.Msg
		}
	}
	return e
}
