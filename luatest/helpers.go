package luatest

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sockplay/sockplay/internal/bsd"
	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/internal/luaassert"
	"github.com/sockplay/sockplay/internal/syncbuf"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/lualib"
)

// The test module: the script under test, servers in the background,
// clients run to their end, and (in helpers.lua) sockets with deadlines.

//go:embed helpers.lua
var helpersLua string

// helpersChunk is the chunk name of helpers.lua; errors raised inside it
// are reported at the test's line that called the helper.
const helpersChunk = "(test helpers)"

const serverMeta = "sockplay.test.server"

func (tr *testRun) open(L *lua.LState) int {
	mod := L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"target":       tr.target,
		"tempdir":      tr.tempdir,
		"start_server": tr.startServer,
		"run":          tr.runClient,
		"source":       tr.source,
		"log":          tr.log,
		"say":          tr.say,
		"__run":        tr.runTestFunction,
		"__rethrow":    rethrow,
		"__address":    tr.address,
	})
	mod.RawSetString("timeout", lua.LNumber(tr.opts.ioTimeout().Seconds()))
	lang := "en"
	if tr.opts.Lang == i18n.Chinese {
		lang = "zh"
	}
	mod.RawSetString("lang", lua.LString(lang))
	mt := L.NewTypeMetatable(serverMeta)
	methods := L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"line":    tr.serverLine,
		"output":  tr.serverOutput,
		"stderr":  tr.serverStderr,
		"running": tr.serverRunning,
		"wait":    tr.serverWait,
		"stop":    tr.serverStop,
	})
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		s := tr.checkServer(L)
		switch key := L.CheckString(2); key {
		case "host":
			L.Push(lua.LString(s.host))
		case "port":
			L.Push(lua.LNumber(s.port))
		case "addr":
			if s.path != "" {
				L.Push(lua.LString(s.path))
			} else {
				a := L.CreateTable(2, 0)
				a.RawSetInt(1, lua.LString(s.host))
				a.RawSetInt(2, lua.LNumber(s.port))
				L.Push(a)
			}
		case "path":
			L.Push(lua.LString(s.path))
		case "name":
			L.Push(lua.LString(s.name))
		default:
			L.Push(methods.RawGetString(key))
		}
		return 1
	}))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		s := tr.checkServer(L)
		L.Push(lua.LString(fmt.Sprintf("<server %s on %s>", s.name, s.where())))
		return 1
	}))
	fn, err := L.Load(strings.NewReader(helpersLua), helpersChunk)
	if err != nil {
		L.RaiseError("%v", err)
	}
	L.Push(fn)
	L.Push(mod)
	L.Call(1, 0)
	L.Push(mod)
	return 1
}

// test.__run(name)   (the driver: runs the test file, then its function
// name; the tasks the test spawned are cancelled when it returns, as the
// servers it started are stopped)
func (tr *testRun) runTestFunction(L *lua.LState) int {
	name := L.CheckString(1)
	var spawned []lua.LValue
	if spawn := L.GetGlobal("spawn"); spawn != lua.LNil {
		L.SetGlobal("spawn", L.NewFunction(func(L *lua.LState) int {
			top := L.GetTop()
			L.Push(spawn)
			for i := 1; i <= top; i++ {
				L.Push(L.Get(i))
			}
			L.Call(top, 1)
			spawned = append(spawned, L.Get(-1))
			return 1
		}))
	}
	fn, err := L.Load(strings.NewReader(tr.src), tr.file)
	if err != nil {
		L.RaiseError("%v", err)
	}
	L.Push(fn)
	L.Call(0, 0)
	test, ok := L.GetGlobal(name).(*lua.LFunction)
	if !ok {
		file := tr.file
		L.RaiseError("%s", tr.opts.Lang.Sprintf("%s is not a function once %s has run", name, file))
	}
	L.Push(test)
	if err := L.PCall(0, 0, nil); err != nil {
		var apiErr *lua.ApiError
		if !errors.As(err, &apiErr) {
			L.RaiseError("%v", err)
		}
		tr.explainTimeout(L, apiErr.Object)
		L.Error(apiErr.Object, 0)
	}
	for _, task := range spawned {
		if cancel := L.GetField(task, "cancel"); cancel != lua.LNil {
			L.Push(cancel)
			L.Push(task)
			L.Call(1, 0)
		}
	}
	return 0
}

// test.target(default?) -> path   (the script under test: the one the runner was given, else default next to the test file)
func (tr *testRun) target(L *lua.LState) int {
	if tr.opts.Target != "" {
		L.Push(lua.LString(tr.opts.Target))
		return 1
	}
	def := L.OptString(1, "")
	if def == "" {
		L.RaiseError("%s", tr.opts.Lang.Sprintf("test.target: no script under test (give a default: test.target(\"solution/name.lua\"))"))
	}
	if !filepath.IsAbs(def) {
		def = filepath.Join(tr.dir, def)
	}
	L.Push(lua.LString(def))
	return 1
}

// test.tempdir(name?) -> path   (a directory of this test's own, removed after it: the sandbox's writable directory; with name, a new folder of that name in it)
func (tr *testRun) tempdir(L *lua.LState) int {
	dir := tr.tmp
	if name := L.OptString(1, ""); name != "" {
		if name != filepath.Base(name) || name == "." || name == ".." {
			L.ArgError(1, tr.opts.Lang.Sprintf("a folder name, without a path"))
		}
		dir = filepath.Join(dir, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			L.RaiseError("test.tempdir: %v", err)
		}
	}
	L.Push(lua.LString(dir))
	return 1
}

// test.log(...)   (to the test's output, shown with -v)
func (tr *testRun) log(L *lua.LState) int {
	parts := make([]string, 0, L.GetTop())
	for i := 1; i <= L.GetTop(); i++ {
		parts = append(parts, luaassert.Text(L, tr.opts.Lang, L.Get(i)))
	}
	tr.logf("%s %s\n", where(L), strings.Join(parts, "\t"))
	return 0
}

// test.say({en = "...", zh = "..."}, ...) -> text   (the text in the
// student's language, formatted with the arguments as string.format does
// when there are any): a check's words in both languages.
func (tr *testRun) say(L *lua.LState) int {
	text, ok := luaassert.Say(tr.opts.Lang, L.Get(1))
	if !ok {
		got := L.Get(1).Type().String()
		if got == "table" {
			got = tr.opts.Lang.Sprintf("a table with neither en nor zh")
		}
		L.ArgError(1, tr.opts.Lang.Sprintf("a table of texts by language expected ({en = \"...\", zh = \"...\"}), got %s", got))
	}
	top := L.GetTop()
	if top == 1 {
		L.Push(lua.LString(text))
		return 1
	}
	L.Push(L.GetField(L.GetGlobal("string"), "format"))
	L.Push(lua.LString(text))
	for i := 2; i <= top; i++ {
		L.Push(L.Get(i))
	}
	L.Call(top, 1)
	return 1
}

// test.source(script) -> text   (a script's source, to check how it is written)
func (tr *testRun) source(L *lua.LState) int {
	_, code, err := tr.resolve(L.CheckString(1))
	if err != nil {
		L.RaiseError("%v", err)
	}
	L.Push(lua.LString(code))
	return 1
}

// resolve finds script: a file (relative to the test file's folder, or
// to the working directory), or a bundled script. It returns the name
// errors will show and the source.
func (tr *testRun) resolve(script string) (name, code string, err error) {
	candidates := []string{script}
	if !filepath.IsAbs(script) && script != tr.opts.Target {
		// The target is as the user gave it: relative to the working
		// directory, never to the test file (which may sit next to a
		// starter of the same name).
		candidates = []string{filepath.Join(tr.dir, script), script}
	}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() {
			// As the test's own scripts may read: a sandboxed test reads
			// only its folder, the script under test and what the teacher
			// allows.
			src, err := tr.rt.ReadFile(c)
			if err != nil {
				return "", "", err
			}
			return c, string(src), nil
		}
	}
	if tr.opts.Scripts != nil {
		if src, err := luabind.ReadScript(tr.opts.Scripts, script); err == nil {
			return strings.TrimSuffix(script, ".lua") + ".lua", string(src), nil
		}
	}
	quoted := strconv.Quote(script)
	return "", "", errors.New(tr.opts.Lang.Sprintf("no script %s: neither a file (next to the test file or here) nor a bundled script", quoted))
}

// stringArgs converts the arguments from n on (strings or numbers) to
// strings, as a command line passes them.
func (tr *testRun) stringArgs(L *lua.LState, n int, fname string) []string {
	var args []string
	for i := n; i <= L.GetTop(); i++ {
		switch v := L.Get(i).(type) {
		case lua.LString, lua.LNumber:
			args = append(args, lua.LVAsString(v))
		default:
			got := v.Type().String()
			L.ArgError(i, tr.opts.Lang.Sprintf("%s: arguments must be strings or numbers, got %s", fname, got))
		}
	}
	return args
}

func (tr *testRun) listArg(L *lua.LState, v lua.LValue, fname string) []string {
	t, ok := v.(*lua.LTable)
	if !ok {
		if v != lua.LNil {
			L.RaiseError("%s", tr.opts.Lang.Sprintf("%s: args must be a list of strings or numbers", fname))
		}
		return nil
	}
	var args []string
	for i := 1; i <= t.Len(); i++ {
		switch x := t.RawGetInt(i).(type) {
		case lua.LString, lua.LNumber:
			args = append(args, lua.LVAsString(x))
		default:
			n, got := strconv.Itoa(i), x.Type().String()
			L.RaiseError("%s", tr.opts.Lang.Sprintf("%s: args[%s] must be a string or number, got %s", fname, n, got))
		}
	}
	return args
}

// A server is a script running in the background: in a runtime of its
// own, or in a child process of its own (Options.Isolate).
type server struct {
	tr     *testRun
	name   string
	run    *scriptRun
	out    *lineBuffer
	errOut *syncbuf.Buffer

	host string
	port int
	path string // AF_UNIX
	next int    // the next line srv:line() returns

	stopOnce  sync.Once
	abandoned bool
	told      bool // its end is in a failure already (guarded by the runtime lock)
}

func (s *server) where() string {
	if s.path != "" {
		return s.path
	}
	return net.JoinHostPort(s.host, strconv.Itoa(s.port))
}

func (s *server) ended() bool { return s.run.ended() }

// err is how the server ended, once it has.
func (s *server) err() error { return s.run.err }

// stop interrupts the server and waits for it (a child is killed, an
// in-process run abandoned, after stopGrace). Called by the runner at the
// test's end, and by srv:stop().
func (s *server) stop() {
	s.stopOnce.Do(func() {
		s.abandoned = !s.run.stop(stopGrace)
	})
}

// report says how the server ended, for a failed test: by itself before
// the test was over (endedEarly), with an error of its own, or not at all.
func (s *server) report(endedEarly bool) string {
	if s.told {
		return ""
	}
	l := s.tr.opts.Lang
	switch {
	case s.abandoned:
		return l.Sprintf("server %s did not stop within %v (a call that cannot be interrupted); abandoned", s.name, stopGrace)
	case s.run.killed:
		return l.Sprintf("server %s did not stop within %v (a call that cannot be interrupted); killed", s.name, stopGrace)
	case !s.ended():
		return ""
	}
	if s.err() == nil {
		if endedEarly {
			return l.Sprintf("server %s had already ended, without an error%s", s.name, s.stderrText())
		}
		return ""
	}
	var e *luabind.Error
	if errors.As(s.err(), &e) && e.Kind == luabind.Interrupted {
		if stderr := s.stderrText(); stderr != "" {
			// Its warnings (a global never assigned: if data ~= None) may say why.
			return l.Sprintf("server %s was still running%s", s.name, stderr)
		}
		return ""
	}
	return l.Sprintf("server %s ended with: %s", s.name, describeRunError(l, s.err(), context.Background(), 0, true)) + s.stderrText()
}

var listeningRE = regexp.MustCompile(`^server is listening on (.+)$`)

// test.start_server(script, args... | {args=, stdin=}) -> server   (runs script in the background, with args (default "0": a free port) and stdin as its input, and waits for its first line, "server is listening on HOST:PORT")
func (tr *testRun) startServer(L *lua.LState) int {
	script := L.CheckString(1)
	var args []string
	stdin := ""
	if opts, ok := L.Get(2).(*lua.LTable); ok {
		args = tr.listArg(L, opts.RawGetString("args"), "test.start_server")
		stdin = lua.LVAsString(opts.RawGetString("stdin"))
	} else {
		args = tr.stringArgs(L, 2, "test.start_server")
	}
	if len(args) == 0 {
		args = []string{"0"}
	}
	name, code, err := tr.resolve(script)
	if err != nil {
		L.RaiseError("test.start_server: %v", err)
	}
	s := &server{tr: tr, name: name, out: newLineBuffer(tr.opts.outputLimit()), errOut: &syncbuf.Buffer{Limit: tr.opts.outputLimit()}}
	// A server runs until the test ends: the test's time limit is its own.
	s.run, err = tr.startScript(name, code, args, stdin, s.out, s.errOut, false, tr.opts.timeout())
	if err != nil {
		L.RaiseError("test.start_server: %v", err)
	}
	tr.mu.Lock()
	tr.servers = append(tr.servers, s)
	tr.mu.Unlock()

	l := tr.opts.Lang
	first, ok := tr.waitLine(L, s, 0, tr.opts.ioTimeout())
	if !ok {
		if s.ended() {
			s.told = true
			L.RaiseError("%s", l.Sprintf("server %s ended before announcing its address: %s%s", name, s.endText(), s.stderrText()))
		}
		L.RaiseError("%s", l.Sprintf("server %s printed nothing within %v: a server must first print \"server is listening on HOST:PORT\"", name, tr.opts.ioTimeout()))
	}
	s.next = 1
	m := listeningRE.FindStringSubmatch(first)
	if m == nil {
		L.RaiseError("%s", l.Sprintf("server %s printed %q first; a server must first print \"server is listening on HOST:PORT\"", name, first))
	}
	// What a server announces is the tested script's to choose: the
	// checks connect only to a loopback address or to a socket file in
	// the test's folder, whatever it prints.
	if host, port, err := net.SplitHostPort(m[1]); err == nil {
		s.host = host
		s.port, _ = strconv.Atoi(port)
		if why := tr.notLoopback(host); why != "" {
			L.RaiseError("%s", l.Sprintf("server %s announced %s: %s", name, m[1], why))
		}
		if s.port <= 0 || s.port > 65535 {
			L.RaiseError("%s", l.Sprintf("server %s says it listens on port %s: print the port bind chose (sock:getsockname())", name, port))
		}
	} else {
		s.path = m[1]
		if why := tr.notInFolder(s.path); why != "" {
			L.RaiseError("%s", l.Sprintf("server %s announced %s: %s", name, m[1], why))
		}
	}
	ud := L.NewUserData()
	ud.Value = s
	L.SetMetatable(ud, L.GetTypeMetatable(serverMeta))
	L.Push(ud)
	return 1
}

// notLoopback says why host is not an address a check may connect to,
// or "": only loopback, and only as an address (a name would be looked
// up, and the lookup leave the machine).
func (tr *testRun) notLoopback(host string) string {
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return tr.opts.Lang.Sprintf("%q is not an IP address: the checks look up no names (use 127.0.0.1)", host)
	}
	if !ip.Unmap().IsLoopback() {
		return tr.opts.Lang.Sprintf("not a loopback address: the checks connect only to 127.0.0.0/8 and ::1")
	}
	return ""
}

// notInFolder says why a socket file's path is not one a check may
// connect to, or "": it must be in the test's folder. The kernel resolves
// the path when it connects, so ".." is refused outright, and the
// folder's real path must still be inside the test's.
func (tr *testRun) notInFolder(path string) string {
	why := tr.opts.Lang.Sprintf("a socket file must be in the test's folder (test.tempdir())")
	if !filepath.IsAbs(path) {
		return tr.opts.Lang.Sprintf("a socket file must be in the test's folder (test.tempdir()); give its full path")
	}
	for _, c := range strings.Split(path, string(filepath.Separator)) {
		if c == ".." {
			return why
		}
	}
	dir, err1 := filepath.EvalSymlinks(filepath.Dir(path))
	tmp, err2 := filepath.EvalSymlinks(tr.tmp)
	if err1 != nil || err2 != nil || dir != tmp && !strings.HasPrefix(dir, tmp+string(filepath.Separator)) {
		return why
	}
	return ""
}

// test.__address(target) -> {host, port} | path   (a target for test.connect and the helpers: {host, port}, "host:port" or a socket file's path; only loopback addresses and socket files in the test's folder, whoever printed them)
func (tr *testRun) address(L *lua.LState) int {
	var host, where string
	var port int
	switch v := L.Get(1).(type) {
	case *lua.LTable:
		h, ok1 := L.GetTable(v, lua.LNumber(1)).(lua.LString)
		p, ok2 := L.GetTable(v, lua.LNumber(2)).(lua.LNumber)
		if !ok1 || !ok2 {
			L.RaiseError("%s", tr.opts.Lang.Sprintf("an address is {host, port}, with host a string and port a number"))
		}
		host, port = string(h), int(p)
		where = net.JoinHostPort(host, strconv.Itoa(port))
	case lua.LString:
		h, p, err := net.SplitHostPort(string(v))
		n, perr := strconv.Atoi(p)
		if strings.HasPrefix(string(v), "/") || err != nil || perr != nil {
			if why := tr.notInFolder(string(v)); why != "" {
				L.RaiseError("%s: %s", string(v), why)
			}
			L.Push(v)
			return 1
		}
		host, port, where = h, n, string(v)
	default:
		got := L.Get(1).Type().String()
		L.RaiseError("%s", tr.opts.Lang.Sprintf("a server, {host, port}, \"host:port\" or a socket file's path expected, got %s", got))
	}
	if why := tr.notLoopback(host); why != "" {
		L.RaiseError("%s: %s", where, why)
	}
	if port <= 0 || port > 65535 {
		L.RaiseError("%s", tr.opts.Lang.Sprintf("%s: port out of range", where))
	}
	a := L.CreateTable(2, 0)
	a.RawSetInt(1, lua.LString(host))
	a.RawSetInt(2, lua.LNumber(port))
	L.Push(a)
	return 1
}

func (s *server) endText() string {
	l := s.tr.opts.Lang
	if s.err() == nil {
		return l.Sprintf("it ended without an error")
	}
	return describeRunError(l, s.err(), context.Background(), 0, true)
}

// stderrText is the start of what the server wrote to stderr, for a
// failure (the test's output has the rest of its room).
func (s *server) stderrText() string {
	e := s.errOut.Head(stderrShown)
	if s.ended() {
		// Its warnings come first in the failure, with their hint
		// (testRun.rootCause): not twice.
		for _, w := range s.run.warnings {
			e = strings.Replace(e, w.Text(), "", 1)
		}
	}
	if e := strings.TrimSpace(e); e != "" {
		return "\n" + s.tr.opts.Lang.Sprintf("its stderr: %s", e)
	}
	return ""
}

// stderrShown is how much of a server's stderr a failure shows.
const stderrShown = 4 << 10

// waitLine waits, with the runtime lock released, for line i of the
// server's output; ok false if the server ended first or timeout passed.
func (tr *testRun) waitLine(L *lua.LState, s *server, i int, timeout time.Duration) (line string, ok bool) {
	err := tr.rt.Blocking(L, func(ctx context.Context) error {
		timer := time.NewTimer(timeout)
		defer timer.Stop()
		for {
			l, have, changed := s.out.line(i)
			if have {
				line, ok = l, true
				return nil
			}
			select {
			case <-changed:
			case <-s.run.done:
				line, ok, _ = s.out.line(i) // what it printed last
				return nil
			case <-timer.C:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	})
	if err != nil {
		luabind.Raise(L, err)
	}
	return line, ok
}

func (tr *testRun) checkServer(L *lua.LState) *server {
	ud, ok := L.Get(1).(*lua.LUserData)
	if ok {
		if s, ok := ud.Value.(*server); ok {
			return s
		}
	}
	L.RaiseError("%s", tr.opts.Lang.Sprintf("server expected (call its methods with a colon: srv:line())"))
	return nil
}

func (tr *testRun) timeoutArg(L *lua.LState, n int, def time.Duration) time.Duration {
	if L.Get(n) == lua.LNil {
		return def
	}
	secs := float64(L.CheckNumber(n))
	if secs < 0 || secs != secs {
		L.ArgError(n, tr.opts.Lang.Sprintf("timeout must be a number of seconds >= 0"))
	}
	return time.Duration(secs * float64(time.Second))
}

// srv:line(timeout?) -> line   (the server's next line of output; raises TimeoutError after timeout (default test.timeout), an error if the server ended)
func (tr *testRun) serverLine(L *lua.LState) int {
	s := tr.checkServer(L)
	timeout := tr.timeoutArg(L, 2, tr.opts.ioTimeout())
	line, ok := tr.waitLine(L, s, s.next, timeout)
	if !ok {
		if s.ended() {
			s.told = true
			L.RaiseError("%s", tr.opts.Lang.Sprintf("server %s ended without printing another line: %s%s", s.name, s.endText(), s.stderrText()))
		}
		luabind.RaiseClass(L, "TimeoutError", tr.opts.Lang.Sprintf("server %s printed no new line within %v", s.name, timeout))
	}
	s.next++
	L.Push(lua.LString(line))
	return 1
}

// srv:output() -> text   (everything the server printed so far)
func (tr *testRun) serverOutput(L *lua.LState) int {
	L.Push(lua.LString(tr.checkServer(L).out.String()))
	return 1
}

// srv:stderr() -> text   (what the server wrote to stderr so far: errors of its tasks)
func (tr *testRun) serverStderr(L *lua.LState) int {
	L.Push(lua.LString(tr.checkServer(L).errOut.String()))
	return 1
}

// srv:running() -> boolean
func (tr *testRun) serverRunning(L *lua.LState) int {
	L.Push(lua.LBool(!tr.checkServer(L).ended()))
	return 1
}

// srv:wait(timeout?) -> ok, error message   (waits for the server to end by itself; raises TimeoutError if it is still running after timeout)
func (tr *testRun) serverWait(L *lua.LState) int {
	s := tr.checkServer(L)
	timeout := tr.timeoutArg(L, 2, tr.opts.ioTimeout())
	err := tr.rt.Blocking(L, func(ctx context.Context) error {
		timer := time.NewTimer(timeout)
		defer timer.Stop()
		select {
		case <-s.run.done:
		case <-timer.C:
		case <-ctx.Done():
			return ctx.Err()
		}
		return nil
	})
	if err != nil {
		luabind.Raise(L, err)
	}
	if !s.ended() {
		luabind.RaiseClass(L, "TimeoutError", tr.opts.Lang.Sprintf("server %s still running after %v", s.name, timeout))
	}
	if s.err() == nil {
		L.Push(lua.LTrue)
		return 1
	}
	L.Push(lua.LFalse)
	L.Push(lua.LString(s.endText()))
	return 2
}

// srv:stop()   (stops the server, as Ctrl-C does, and waits for it)
func (tr *testRun) serverStop(L *lua.LState) int {
	s := tr.checkServer(L)
	if err := tr.rt.Blocking(L, func(context.Context) error { s.stop(); return nil }); err != nil {
		luabind.Raise(L, err)
	}
	return 0
}

// test.run(script, {args=, stdin=, timeout=, sandbox=}?) -> stdout, error message | nil, stderr
// Runs script to its end in a fresh runtime (sandboxed as the test is, or
// if sandbox is true). The error is what the command line would print:
// "file:line: message", "os.exit(N)", or "did not finish within Ns".
func (tr *testRun) runClient(L *lua.LState) int {
	script := L.CheckString(1)
	opts, _ := L.Get(2).(*lua.LTable)
	if opts == nil && L.Get(2) != lua.LNil {
		L.ArgError(2, tr.opts.Lang.Sprintf("options table expected ({args=, stdin=, timeout=, sandbox=})"))
	}
	var args []string
	stdin := ""
	timeout := 2 * tr.opts.ioTimeout()
	force := false
	if opts != nil {
		args = tr.listArg(L, opts.RawGetString("args"), "test.run")
		if v, ok := opts.RawGetString("stdin").(lua.LString); ok {
			stdin = string(v)
		}
		if v, ok := opts.RawGetString("timeout").(lua.LNumber); ok {
			timeout = time.Duration(float64(v) * float64(time.Second))
		}
		force = lua.LVAsBool(opts.RawGetString("sandbox"))
	}
	name, code, err := tr.resolve(script)
	if err != nil {
		L.RaiseError("test.run: %v", err)
	}
	stdout := &syncbuf.Buffer{Limit: tr.opts.outputLimit()}
	stderr := &syncbuf.Buffer{Limit: tr.opts.outputLimit()}
	run, err := tr.startScript(name, code, args, stdin, stdout, stderr, force, timeout)
	if err != nil {
		L.RaiseError("test.run: %v", err)
	}
	finished := true
	var runCtx context.Context
	werr := tr.rt.Blocking(L, func(ctx context.Context) error {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
		select {
		case <-run.done:
			run.release()
		case <-runCtx.Done():
			finished = run.stop(stopGrace)
		}
		return ctx.Err()
	})
	if werr != nil {
		luabind.Raise(L, werr)
	}
	L.Push(lua.LString(stdout.String()))
	l := tr.opts.Lang
	switch {
	case !finished:
		L.Push(lua.LString(l.Sprintf("%s did not stop within %v of its time limit; abandoned", name, stopGrace)))
	case run.killed:
		L.Push(lua.LString(l.Sprintf("%s did not stop within %v of its time limit; killed", name, stopGrace)))
	case run.err != nil:
		L.Push(lua.LString(describeRunError(l, run.err, runCtx, timeout, false)))
	default:
		L.Push(lua.LNil)
	}
	L.Push(lua.LString(stderr.String()))
	return 3
}

// rethrow re-raises a helper's error as if raised where the test called
// the helper: error values get that position, strings lose the helper's.
func rethrow(L *lua.LState) int {
	v := L.Get(1)
	pos := where(L)
	switch e := v.(type) {
	case *lua.LTable:
		if lua.LVAsString(e.RawGetString("where")) != "" {
			e.RawSetString("where", lua.LString(pos))
		}
	case lua.LString:
		msg := string(e)
		if strings.HasPrefix(msg, helpersChunk+":") {
			if i := strings.Index(msg, ": "); i >= 0 {
				msg = msg[i+2:]
			}
			v = lua.LString(pos + " " + msg)
		}
	}
	L.Error(v, 0)
	return 0
}

// where is "file:line:" of the test code on the stack: the innermost
// Lua function that is neither Go nor one of the helpers.
func where(L *lua.LState) string {
	for level := 1; ; level++ {
		w := L.Where(level)
		if w == "" {
			return "?:"
		}
		if !strings.HasPrefix(w, "[G]") && !strings.HasPrefix(w, helpersChunk+":") {
			return w
		}
	}
}

// lineBuffer collects a server's output and splits it into lines, up to
// limit bytes (the rest is counted and dropped).
type lineBuffer struct {
	mu      sync.Mutex
	all     syncbuf.Buffer
	lines   []string
	partial string
	changed chan struct{} // closed (and replaced) when a line is complete
	room    int           // how many more bytes are split into lines
}

func newLineBuffer(limit int) *lineBuffer {
	b := &lineBuffer{changed: make(chan struct{}), room: limit}
	b.all.Limit = limit
	return b
}

func (b *lineBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.all.Write(p)
	n := len(p)
	if len(p) > b.room {
		p = p[:b.room]
	}
	b.room -= len(p)
	text := b.partial + string(p)
	parts := strings.Split(text, "\n")
	b.partial = parts[len(parts)-1]
	if len(parts) > 1 {
		for _, l := range parts[:len(parts)-1] {
			b.lines = append(b.lines, strings.TrimSuffix(l, "\r"))
		}
		close(b.changed)
		b.changed = make(chan struct{})
	}
	return n, nil
}

// line returns line i if it is complete, else a channel closed when
// another line is.
func (b *lineBuffer) line(i int) (string, bool, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if i < len(b.lines) {
		return b.lines[i], true, nil
	}
	return "", false, b.changed
}

func (b *lineBuffer) String() string {
	return b.all.String()
}

// explainTimeout adds to a socket's TimeoutError that ended a test what
// was waited for and how long (its text was only "timed out"): the
// class stays first, for the teacher.
func (tr *testRun) explainTimeout(L *lua.LState, v lua.LValue) {
	t, ok := lualib.IsError(L, v)
	if !ok || lua.LVAsString(t.RawGetString("name")) != "TimeoutError" {
		return
	}
	secs, ok := t.RawGetString("timeout").(lua.LNumber)
	if !ok {
		return
	}
	within := time.Duration(float64(secs) * float64(time.Second)).Round(time.Millisecond)
	typ, _ := t.RawGetString("type").(lua.LNumber)
	stream := int(typ) == bsd.SOCK_STREAM
	l := tr.opts.Lang
	var why string
	switch lua.LVAsString(t.RawGetString("call")) {
	case "recv", "recv_into", "recvfrom", "recvfrom_into", "read", "readline", "lines":
		// A helper's read (helpers.lua) records what it had got and what
		// it waits for.
		n, _ := t.RawGetString("got").(lua.LNumber)
		received, want := int(n), lua.LVAsString(t.RawGetString("want"))
		switch waiting := lua.LVAsString(t.RawGetString("waiting")); {
		case received > 0 && waiting == "close":
			why = l.Sprintf("%d bytes came back, then nothing more within %v, and the connection stayed open (the other side never closed it)", received, within)
		case received > 0 && waiting == "text":
			why = l.Sprintf("%d bytes came back without %q in them, then nothing more within %v", received, want, within)
		case received > 0 && waiting == "bytes":
			why = l.Sprintf("%d of %s bytes came back, then nothing more within %v", received, want, within)
		case stream:
			why = l.Sprintf("no answer within %v (the connection was made, but nothing came back)", within)
		default:
			why = l.Sprintf("no datagram came back within %v", within)
		}
	case "accept":
		why = l.Sprintf("no client connected within %v", within)
	case "send", "sendall", "sendto", "write":
		why = l.Sprintf("could not send within %v (the other side does not read what it is sent)", within)
	case "connect":
		why = l.Sprintf("could not connect within %v", within)
	default:
		return
	}
	t.RawSetString("strerror", lua.LString(lua.LVAsString(t.RawGetString("strerror"))+": "+why))
}
