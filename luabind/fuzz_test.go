package luabind

// The Lua argument fuzzer: every Lua-visible function of a runtime —
// found by walking what the runtime installed (the globals and modules
// the library table of libs.go opened, and the metatables of its object
// types in the registry), so a new function is fuzzed without anyone
// listing it — called from Lua with hostile and plausible arguments, on
// sockets of every family, type and state. It checks that no Go panic
// text reaches a script (a result or an error) or the terminal (the
// runtime's writers), that every call ends once cancelled (no hang), and
// that descriptors and goroutines come back to their baseline (no leak).
//
// go test runs a bounded number of calls with a fixed seed; more on
// demand:
//
//	go test -run TestFuzzArguments -fuzzcalls 500000 -fuzzseed 7 ./luabind/
//	SOCKPLAY_FUZZCALLS=500000 go test -run TestFuzzArguments ./luabind/
//
// The runtime runs with the sandbox (limits off), which keeps hostile
// arguments from writing files outside a temporary directory, running
// programs or asking DNS: the sandbox checks first, then calls the same
// functions.

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/bsd"
	"github.com/sockplay/sockplay/internal/leakcheck"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

var (
	flagFuzzCalls = flag.Int("fuzzcalls", 0, "calls the Lua argument fuzzer makes (0: $SOCKPLAY_FUZZCALLS, or the default)")
	flagFuzzSeed  = flag.Int64("fuzzseed", 1, "seed of the Lua argument fuzzer")
)

// The calls go test makes by default: about 20-40 s under -race on a
// small CI machine, a few seconds without.
const (
	defaultFuzzCalls     = 20000
	defaultFuzzCallsRace = 6000
)

func fuzzCallCount(t *testing.T) int {
	if *flagFuzzCalls > 0 {
		return *flagFuzzCalls
	}
	if v := os.Getenv("SOCKPLAY_FUZZCALLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("SOCKPLAY_FUZZCALLS=%q: want a positive number", v)
		}
		return n
	}
	if testing.Short() {
		return 500
	}
	if raceEnabled {
		return defaultFuzzCallsRace
	}
	return defaultFuzzCalls
}

// panicPattern matches what Go prints of a panic or a crash, and the
// message a recovered panic becomes (lua.GoPanicText): none may reach a
// script or the terminal.
var panicPattern = regexp.MustCompile(`runtime error|fatal error|goroutine \d+ \[|slice bounds|nil pointer|index out of range \[|invalid memory address|` + regexp.QuoteMeta(lua.GoPanicText))

// panicWords are literal parts of panicPattern: text without any of them
// needs no regexp. (The regexp over a 10 MB print, under the race
// detector, took longer than the fuzzer's hang limit.)
var panicWords = [][]byte{[]byte("runtime error"), []byte("fatal error"), []byte("goroutine "), []byte("slice bounds"),
	[]byte("nil pointer"), []byte("index out of range"), []byte("invalid memory address"), []byte(lua.GoPanicText)}

// findPanicText is panicPattern.Find(p), fast for the text that has none.
func findPanicText(p []byte) []byte {
	for _, w := range panicWords {
		if bytes.Contains(p, w) {
			return panicPattern.Find(p)
		}
	}
	return nil
}

// maxErrorMessage is the longest error message a call may raise: one
// that echoes a huge argument must show only part of it.
const maxErrorMessage = 64 << 10

// fuzzTarget is one Lua-visible function and what its self is.
type fuzzTarget struct {
	name string
	fn   *lua.LFunction
	// self: the object a method wants as its first argument: "socket",
	// "file", "task", "addr", "error", "table" (the table the function
	// was found in: io.stdin's read), "" for a plain function.
	self  string
	table lua.LValue // for self "table"
	// params are the names of its arguments, from its signature comment
	// (// sock:recv(bufsize, flags?) -> data): each name has arguments
	// of its own (typed). nil: not known.
	params []string
}

// fuzzFindings collects what the fuzzer found, by kind and target.
type fuzzFindings struct {
	mu       sync.Mutex
	count    map[string]int
	examples map[string]string
}

func (f *fuzzFindings) add(key, example string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.count == nil {
		f.count, f.examples = map[string]int{}, map[string]string{}
	}
	f.count[key]++
	if _, ok := f.examples[key]; !ok {
		f.examples[key] = example
	}
}

func (f *fuzzFindings) report(t *testing.T) {
	f.mu.Lock()
	defer f.mu.Unlock()
	keys := make([]string, 0, len(f.count))
	for k := range f.count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Errorf("%s (%d times), e.g.:\n%s", k, f.count[k], f.examples[k])
	}
}

// scanWriter is the runtime's stdout and stderr: it keeps nothing but
// looks at every write for Go's panic texts.
type scanWriter struct {
	name     string
	findings *fuzzFindings
}

func (w *scanWriter) Write(p []byte) (int, error) {
	if m := findPanicText(p); m != nil {
		w.findings.add("Go panic text on "+w.name+": "+string(m), clipText(string(p), 2000))
	}
	return len(p), nil
}

func clipText(s string, n int) string {
	if len(s) > n {
		return s[:n] + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return s
}

// fuzzer is one run of the fuzzer in one runtime.
type fuzzer struct {
	t        *testing.T
	rt       *Runtime
	rng      *rand.Rand
	dir      string
	targets  []fuzzTarget
	returned []fuzzTarget // functions calls returned (iterators, wrapped coroutines)
	fixture  *lua.LFunction
	call     *lua.LFunction
	findings *fuzzFindings
	large    lua.LString
	huge     lua.LString
	// soft: a call still running then is cancelled, as Ctrl-C would;
	// hard: one still running after that is a hang.
	soft, hard time.Duration
	calls      map[string]int
	cancelled  map[string]int // calls still running at the soft deadline
	passed     map[string]int // calls that got past the argument checks
	good       map[string][][]argChoice
	stopped    bool
}

// The Lua half of the fuzzer: fixture(family, type, state, want) makes a
// socket in that state (with a short timeout, so that waits end soon)
// and what a method wants as its self; call(f, ...) calls f from Lua.
const fuzzLua = `
local dir = ...
local seq = 0
local T = 0.002
local function where(family)
  if family == socket.AF_UNIX then seq = seq + 1 return dir .. "/s" .. seq end
  if family == socket.AF_INET6 then return {"::1", 0} end
  return {"127.0.0.1", 0}
end
local function new(family, typ)
  local s = socket.socket(family, typ)
  s:settimeout(T)
  return s
end
-- connect and accept of a fixture are not what is fuzzed: they get time
-- (a connect on a busy machine can take longer than T), then T again.
local function connect(s, addr)
  s:settimeout(10)
  s:connect(addr)
  s:settimeout(T)
end
local function accept(l)
  l:settimeout(10)
  local c = l:accept()
  l:settimeout(T)
  return c
end
local function sock(family, typ, state)
  local s = new(family, typ)
  if state == "fresh" then return s end
  if state == "closed" then s:close() return s end
  s:bind(where(family))
  if state == "bound" then return s end
  if state == "listening" then
    s:listen(4)
    seq = seq + 1
    if seq % 2 == 0 then -- a connection waits to be accepted
      local c = new(family, typ)
      connect(c, s:getsockname())
      return s, c
    end
    return s
  end
  local peer
  if typ == socket.SOCK_STREAM then
    local l = new(family, typ)
    l:bind(where(family))
    l:listen(4)
    connect(s, l:getsockname())
    peer = accept(l)
    peer:settimeout(T)
    peer:send("some bytes\nmore")
  else
    peer = new(family, typ)
    peer:bind(where(family))
    s:connect(peer:getsockname())
    peer:connect(s:getsockname())
    peer:send("a datagram")
  end
  if state == "peer closed" then peer:close()
  elseif state == "shut down" then s:shutdown(socket.SHUT_RDWR) end
  return s, peer
end
local function fixture(family, typ, state, want)
  local s, peer = sock(family, typ, state)
  if want == "file" then
    local modes = {"r", "w", "rw"}
    if s:fileno() < 0 then return s, s, peer end
    return s:makefile(modes[seq % 3 + 1]), s, peer
  elseif want == "task" then
    -- done, failed, running for a moment, running until cancelled
    if state == "bound" then return spawn(error, "task failed"), s, peer end
    if state == "closed" then return spawn(sleep, math.huge), s, peer end
    if state == "connected" then return spawn(sleep, 0.01), s, peer end
    return spawn(function() return 1 end), s, peer
  elseif want == "addr" then
    if s:fileno() >= 0 and state ~= "fresh" then return s:getsockname(), s, peer end
    return socket.getaddrinfo("127.0.0.1", 80)[1][5], s, peer
  elseif want == "error" then
    local closed = new(family, typ)
    closed:close()
    return select(2, pcall(closed.recv, closed, 1)), s, peer
  end
  return s, s, peer
end
local function call(f, ...) return pcall(f, ...) end
return fixture, call
`

var (
	fuzzFamilies = []int{bsd.AF_INET, bsd.AF_INET6, bsd.AF_UNIX}
	fuzzTypes    = []int{bsd.SOCK_STREAM, bsd.SOCK_DGRAM}
	fuzzStates   = []string{"fresh", "bound", "listening", "connected", "peer closed", "shut down", "closed"}
)

// fuzzExcluded are the functions the fuzzer does not call, each for a
// reason: they would end the run or change the fuzzer's own code, not
// the values it passes.
var fuzzExcluded = map[string]string{
	"os.exit":             "ends the run",
	"setfenv":             "setfenv(2, t) changes the environment of the fuzzer's caller",
	"debug.setfenv":       "the same",
	"debug.setlocal":      "changes the fuzzer's locals",
	"debug.setupvalue":    "the same, for upvalues",
	"debug.setmetatable":  "changes the metatable of every string, number, ... of the state",
	"module":              "changes the environment of its caller",
	fuzzHarnessModuleName: "the fuzzer itself",
}

const fuzzHarnessModuleName = "fuzzharness"

// apiTargets lists every function reachable from the globals (two
// levels: socket.socket, io.stdin.read), the loaded modules, and the
// metatables in the registry (the socket, makefile, task, address and
// error types, and any added later), each once.
func apiTargets(L *lua.LState) []fuzzTarget {
	var targets []fuzzTarget
	seen := map[*lua.LFunction]bool{}
	add := func(name string, v lua.LValue, self string, table lua.LValue) {
		fn, ok := v.(*lua.LFunction)
		if !ok || seen[fn] {
			return
		}
		seen[fn] = true
		if _, skip := fuzzExcluded[name]; skip || strings.Contains(name, fuzzHarnessModuleName) {
			return
		}
		targets = append(targets, fuzzTarget{name: name, fn: fn, self: self, table: table})
	}
	sortedKeys := func(t *lua.LTable) []string {
		var keys []string
		t.ForEach(func(k, _ lua.LValue) {
			if s, ok := k.(lua.LString); ok {
				keys = append(keys, string(s))
			}
		})
		sort.Strings(keys)
		return keys
	}
	var walk func(prefix string, t *lua.LTable, depth int, self string)
	walk = func(prefix string, t *lua.LTable, depth int, self string) {
		for _, k := range sortedKeys(t) {
			v := t.RawGetString(k)
			name := prefix + k
			if _, skip := fuzzExcluded[name]; skip {
				continue
			}
			switch v := v.(type) {
			case *lua.LFunction:
				s := self
				if s == "" && depth > 0 {
					s = "table"
				}
				add(name, v, s, t)
			case *lua.LTable:
				if depth < 2 && k != "_G" && k != "loaded" && k != "_LOADED" {
					walk(name+".", v, depth+1, self)
				}
			}
			// A module that is called (socket(...), select(...)) has its
			// function as __call.
			if mt, ok := L.GetMetatable(v).(*lua.LTable); ok && depth == 0 {
				add(name+"()", mt.RawGetString("__call"), "", nil)
			}
		}
	}
	walk("", L.G.Global, 0, "")
	if loaded := lualib.Loaded(L); loaded != nil {
		for _, k := range sortedKeys(loaded) {
			if t, ok := loaded.RawGetString(k).(*lua.LTable); ok && k != "_G" {
				walk(k+".", t, 1, "")
			}
		}
	}
	selfOf := map[string]string{
		sockMetaName: "socket", fileMetaName: "file", "sockplay.task": "task",
		addrMetaName: "addr", "sockplay.error": "error",
	}
	reg := L.Get(lua.RegistryIndex).(*lua.LTable)
	for _, k := range sortedKeys(reg) {
		mt, ok := reg.RawGetString(k).(*lua.LTable)
		if !ok || k == "_LOADED" {
			continue
		}
		self := selfOf[k]
		// The methods: __index, and the __index of its metatable (a
		// socket's fields table leads to its methods).
		index := mt.RawGetString("__index")
		for i := 0; i < 2; i++ {
			it, ok := index.(*lua.LTable)
			if !ok {
				break
			}
			for _, m := range sortedKeys(it) {
				add(k+":"+m, it.RawGetString(m), self, nil)
			}
			index = lua.LNil
			if imt, ok := L.GetMetatable(it).(*lua.LTable); ok {
				index = imt.RawGetString("__index")
			}
		}
		for _, m := range sortedKeys(mt) {
			add(k+"."+m, mt.RawGetString(m), self, nil)
		}
	}
	return targets
}

func TestFuzzArguments(t *testing.T) {
	calls := fuzzCallCount(t)
	// Warm up what the process keeps for good (the netpoller's
	// descriptors, the read buffers), then take the baseline.
	warm := New(Options{})
	warm.RunString(testContext(t), "warm.lua", `local a, b = socket.socketpair() a:close() b:close()`, nil)
	warm.Close()
	baseFDs, baseGoroutines := leakcheck.Descriptors(t), runtime.NumGoroutine()

	findings := &fuzzFindings{}
	f := runFuzzer(t, calls, *flagFuzzSeed, findings)

	findings.report(t)
	t.Logf("%d calls of %d functions, seed %d; cancelled at %v: %v", calls, len(f.targets), *flagFuzzSeed, f.soft, f.cancelled)
	if testing.Verbose() {
		names := make([]string, 0, len(f.calls))
		for n := range f.calls {
			names = append(names, n)
		}
		sort.Strings(names)
		var b strings.Builder
		for _, n := range names {
			fmt.Fprintf(&b, "%s %d (%d past the argument checks)\n", n, f.calls[n], f.passed[n])
		}
		t.Logf("calls per function:\n%s", b.String())
	}
	if f.stopped {
		return // a hang: its goroutines are still there
	}
	// No leak: descriptors and goroutines back to their baseline once the
	// runtime is closed.
	deadline := time.Now().Add(10 * time.Second)
	for {
		fds, gs := leakcheck.Descriptors(t), runtime.NumGoroutine()
		if fds <= baseFDs && gs <= baseGoroutines {
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Errorf("leak: %d descriptors (baseline %d): %s\n%d goroutines (baseline %d)\n%s",
				fds, baseFDs, strings.Join(openFiles(), ", "), gs, baseGoroutines, buf[:runtime.Stack(buf, true)])
			break
		}
		time.Sleep(10 * time.Millisecond) // polling the process's counts: nothing to wait on
	}
}

// runFuzzer makes calls calls with seed in a new runtime and closes it.
func runFuzzer(t *testing.T, calls int, seed int64, findings *fuzzFindings) *fuzzer {
	dir, err := os.MkdirTemp("", "fuzz") // short: AF_UNIX paths are at most 107 bytes
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	f := &fuzzer{
		t: t, rng: rand.New(rand.NewSource(seed)), dir: dir, findings: findings,
		large: lua.LString(strings.Repeat("L", 1<<20)),
		huge:  lua.LString(strings.Repeat("\xff", 10<<20)),
		soft:  100 * time.Millisecond, hard: 10 * time.Second,
		calls: map[string]int{}, cancelled: map[string]int{}, passed: map[string]int{},
		good: map[string][][]argChoice{},
	}
	if raceEnabled {
		f.soft, f.hard = 200*time.Millisecond, 30*time.Second
	}
	rt := New(Options{
		Stdout: &scanWriter{"stdout", findings},
		Stderr: &scanWriter{"stderr", findings},
		Modules: map[string]lua.LGFunction{fuzzHarnessModuleName: func(L *lua.LState) int {
			L.Push(L.NewFunction(func(L *lua.LState) int {
				f.run(L, calls)
				return 0
			}))
			return 1
		}},
		Sandbox: &Sandbox{TempDir: dir, Timeout: -1, MaxSockets: -1, MaxTasks: -1, MaxMemory: -1},
	})
	f.rt = rt
	done := make(chan error, 1)
	go func() {
		done <- rt.RunString(context.Background(), "fuzz.lua", fuzzHarnessModuleName+"()", nil)
	}()
	select {
	case err := <-done:
		if err != nil && !f.stopped {
			t.Errorf("the fuzzer's run: %v", err)
		}
	case <-time.After(time.Duration(calls)*f.hard + time.Minute):
		t.Errorf("the fuzzer's run did not end")
		f.stopped = true
	}
	if f.stopped {
		go rt.Close() // a hung task would keep Close waiting
		return f
	}
	rt.Close()
	return f
}

// run is the fuzzer's loop, in the run's main task (with the runtime lock).
func (f *fuzzer) run(L *lua.LState, calls int) {
	defer func() {
		if r := recover(); r != nil {
			f.t.Errorf("the fuzzer itself failed: %v\n%s", r, debug.Stack())
			f.rt.Cancel() // the run ends, tasks the calls left included
		}
	}()
	rt := f.rt
	fn, err := L.LoadString(fuzzLua)
	if err != nil {
		f.t.Errorf("fuzzer's Lua: %v", err)
		return
	}
	L.Push(fn)
	L.Push(lua.LString(f.dir))
	L.Call(1, 2)
	f.fixture, f.call = L.Get(-2).(*lua.LFunction), L.Get(-1).(*lua.LFunction)
	L.Pop(2)
	f.targets = apiTargets(L)
	withSignatures(f.targets, apiSignatures())
	f.checkTargets()
	if len(f.targets) < 100 {
		f.t.Errorf("only %d functions found to fuzz", len(f.targets))
		return
	}
	self := rt.currentTask(L)
	baseFDs, baseGoroutines := leakcheck.Descriptors(f.t), runtime.NumGoroutine()
	defer func() {
		if !f.stopped {
			f.cleanup(L, self)
		}
	}()
	for i := 0; i < calls && !f.stopped; i++ {
		f.one(L, self, i)
		if i%500 == 499 {
			// Mid-run: every socket and task of a call is gone after it,
			// so the process's descriptors stay near where they began.
			if n := leakcheck.Descriptors(f.t); n > baseFDs+16 {
				f.findings.add("descriptor leak", fmt.Sprintf("%d descriptors after %d calls, %d at the start: %s", n, i+1, baseFDs, strings.Join(openFiles(), ", ")))
			}
			if n := runtime.NumGoroutine(); n > baseGoroutines+64 {
				f.findings.add("goroutine leak", fmt.Sprintf("%d goroutines after %d calls, %d at the start", n, i+1, baseGoroutines))
			}
		}
	}
}

// checkTargets makes sure the walk of apiTargets finds what the
// libraries install: every socket method, the module functions and
// methods of each library of libs.go.
func (f *fuzzer) checkTargets() {
	names := map[string]bool{}
	for _, tg := range f.targets {
		names[tg.name] = true
	}
	want := []string{"spawn", "sleep", "input", "print", "select.select", "socket.socket", "socket.create_server",
		"encoding.decode", "repr", "hexdump", "sockplay.sockfile:readline", "sockplay.task:join", "sockplay.addr.__eq",
		"sockplay.error:is", "io.popen", "os.date", "utf8.char", "bit32.band"}
	for name := range f.rt.socketMethods() {
		want = append(want, sockMetaName+":"+name)
	}
	for _, name := range want {
		if !names[name] {
			f.t.Errorf("the fuzzer does not find %s", name)
		}
	}
	for _, tg := range f.targets {
		if strings.HasPrefix(tg.name, sockMetaName+":") && tg.params == nil && tg.name != sockMetaName+":close" {
			// Every socket method has a signature comment; a new one
			// without is fuzzed, but without arguments of its own.
			if _, ok := apiSignatures()["sock:"+strings.TrimPrefix(tg.name, sockMetaName+":")]; !ok {
				f.t.Logf("no signature comment for %s", tg.name)
			}
		}
	}
}

// one makes call number i.
func (f *fuzzer) one(L *lua.LState, self *task, i int) {
	rt := f.rt
	var tg fuzzTarget
	if len(f.returned) > 0 && f.rng.Intn(10) == 0 {
		tg = f.returned[f.rng.Intn(len(f.returned))]
	} else {
		tg = f.targets[f.rng.Intn(len(f.targets))]
	}
	family := fuzzFamilies[f.rng.Intn(len(fuzzFamilies))]
	typ := fuzzTypes[f.rng.Intn(len(fuzzTypes))]
	state := fuzzStates[f.rng.Intn(len(fuzzStates))]
	if typ == bsd.SOCK_DGRAM && state == "listening" {
		state = "bound"
	}
	want := tg.self
	if want == "" || want == "table" || f.rng.Intn(8) == 0 {
		want = []string{"socket", "file", "task", "addr", "error"}[f.rng.Intn(5)]
	}
	top := L.GetTop()
	defer L.SetTop(top)
	err := L.CallByParam(lua.P{Fn: f.fixture, NRet: 3, Protect: true},
		lua.LNumber(family), lua.LNumber(typ), lua.LString(state), lua.LString(want))
	if err != nil {
		why := err.Error()
		var apiErr *lua.ApiError
		if errors.As(err, &apiErr) {
			if t, ok := lualib.IsError(L, apiErr.Object); ok {
				why = lualib.ErrorText(t) // the error value's text, not "table: 0x..."
			}
		}
		f.findings.add("the fuzzer cannot build a fixture", fmt.Sprintf("%s %s %s %s: %s",
			constName(familyNames, family), constName(typeNames, typ), state, want, why))
		f.cleanup(L, self)
		return
	}
	obj, sock, peer := L.Get(-3), L.Get(-2), L.Get(-1)

	args := []lua.LValue{tg.fn}
	switch {
	case tg.self == "table" && f.rng.Intn(2) == 0:
		args = append(args, tg.table)
	case tg.self != "" && tg.self != "table" && f.rng.Intn(8) != 0:
		args = append(args, obj)
	}
	choices := f.choose(tg.name, tg.params)
	for _, c := range choices {
		if c.param != "" {
			args = append(args, f.typed(L, c.param, family, sock, peer, obj))
		} else if c.plausible {
			args = append(args, f.plausible(L, c.n, family, sock, peer, obj))
		} else {
			args = append(args, f.hostile(L, c.n, sock))
		}
	}
	desc := f.describe(L, tg, family, typ, state, args[1:], i)
	f.calls[tg.name]++

	t := rt.newTask(self.runCtx, self.runCtx, f.call, args)
	t.start()
	hung := false
	rt.unlocked(self, func() {
		soft := time.NewTimer(f.soft)
		defer soft.Stop()
		select {
		case <-t.done:
			return
		case <-soft.C:
			t.cancel() // as Ctrl-C would: the call must end now
			f.cancelled[tg.name]++
		}
		hard := time.NewTimer(f.hard)
		defer hard.Stop()
		select {
		case <-t.done:
		case <-hard.C:
			hung = true
		}
	})
	if hung {
		buf := make([]byte, 1<<20)
		f.findings.add("hang: "+tg.name, desc+"\n"+string(buf[:runtime.Stack(buf, true)]))
		f.stopped = true
		return
	}
	if t.err != nil {
		f.check(L, tg, desc, lua.LString(t.err.Error()), true)
	}
	if os.Getenv("FUZZDEBUG") == tg.name {
		var r []string
		for _, v := range t.results {
			r = append(r, clipText(L.ToStringMeta(v).String(), 100))
		}
		f.t.Logf("%s\n  -> %s", desc, strings.Join(r, ", "))
	}
	if len(t.results) > 0 && t.results[0] == lua.LFalse && len(t.results) > 1 {
		f.check(L, tg, desc, t.results[1], true)
		if msg, isText := t.results[1].(lua.LString); !isText || !strings.HasPrefix(string(msg), "bad argument") && !strings.HasPrefix(string(msg), "bad self") {
			f.passed[tg.name]++
			f.remember(tg.name, choices) // past the argument checks
		}
	} else if t.err == nil {
		f.passed[tg.name]++
		f.remember(tg.name, choices)
	}
	for _, v := range t.results {
		f.check(L, tg, desc, v, false)
		if fn, ok := v.(*lua.LFunction); ok && len(f.returned) < 64 {
			f.returned = append(f.returned, fuzzTarget{name: "a function returned by " + tg.name, fn: fn})
		}
	}
	f.cleanup(L, self)
}

// argChoice is how an argument is made: which case of plausible or
// hostile, made again for each call (the sockets are new each time).
type argChoice struct {
	plausible bool
	n         int
	param     string // an argument for a parameter of this name (typed)
}

const (
	hostileCases   = 34
	plausibleCases = 30
)

func (f *fuzzer) randomChoice() argChoice {
	if f.rng.Intn(100) < 55 {
		return argChoice{plausible: true, n: f.rng.Intn(plausibleCases)}
	}
	return argChoice{n: f.rng.Intn(hostileCases)}
}

// choose picks the arguments of a call of name: most often a change of
// one argument of a call that got past the argument checks before (so
// the calls reach what lies behind them: a bind with a good address, a
// recv with a good size, then one bad value), else new ones.
func (f *fuzzer) choose(name string, params []string) []argChoice {
	if good := f.good[name]; len(good) > 0 && f.rng.Intn(10) < 6 {
		c := append([]argChoice(nil), good[f.rng.Intn(len(good))]...)
		switch i := f.rng.Intn(max(len(c), 1)); f.rng.Intn(4) {
		case 0, 1:
			if len(c) > 0 {
				c[i] = f.randomChoice()
			}
		case 2:
			c = append(c, f.randomChoice())
		case 3:
			if len(c) > 0 {
				c = append(c[:i], c[i+1:]...)
			}
		}
		return c
	}
	if len(params) > 0 && f.rng.Intn(10) < 7 {
		// As the signature says, with a bad value here and there, and the
		// last arguments sometimes left out.
		c := make([]argChoice, 0, len(params))
		for _, p := range params[:len(params)-f.rng.Intn(len(params)+1)/2] {
			if f.rng.Intn(10) < 8 {
				c = append(c, argChoice{param: p})
			} else {
				c = append(c, f.randomChoice())
			}
		}
		return c
	}
	n := f.rng.Intn(5)
	if f.rng.Intn(10) == 0 {
		n += f.rng.Intn(5)
	}
	c := make([]argChoice, n)
	for i := range c {
		c[i] = f.randomChoice()
	}
	return c
}

// remember keeps the arguments of a call that got past the argument
// checks, for choose.
func (f *fuzzer) remember(name string, c []argChoice) {
	good := f.good[name]
	if len(good) < 16 {
		f.good[name] = append(good, c)
		return
	}
	good[f.rng.Intn(len(good))] = c
}

// check looks at one value a call returned or raised.
func (f *fuzzer) check(L *lua.LState, tg fuzzTarget, desc string, v lua.LValue, raised bool) {
	var text string
	switch x := v.(type) {
	case lua.LString:
		text = string(x)
	case *lua.LTable:
		if e, ok := lualib.IsError(L, x); ok {
			text = lualib.ErrorText(e) + " " + lua.LVAsString(e.RawGetString("where"))
		}
	default:
		return
	}
	scan := text
	if len(scan) > 1<<20 {
		scan = scan[:1<<20]
	}
	if m := findPanicText([]byte(scan)); m != nil {
		f.findings.add("Go panic text reaches the script: "+tg.name+": "+string(m), desc+"\n-> "+clipText(text, 2000))
	}
	if raised && len(text) > maxErrorMessage && tg.name != "error" && tg.name != "assert" && tg.name != "assert()" {
		f.findings.add("an error message of more than 64 KiB: "+tg.name, desc+"\n-> "+clipText(text, 300))
	}
}

// cleanup ends what a call left: its tasks (cancelled, and waited for),
// every socket, the files in the directory, and the default timeout.
func (f *fuzzer) cleanup(L *lua.LState, self *task) {
	rt := f.rt
	rt.mu.Lock()
	var others []*task
	for t := range rt.tasks {
		if t != self {
			others = append(others, t)
		}
	}
	rt.mu.Unlock()
	for _, t := range others {
		t.cancel()
	}
	hung := false
	rt.unlocked(self, func() {
		timer := time.NewTimer(f.hard)
		defer timer.Stop()
		for _, t := range others {
			select {
			case <-t.done:
			case <-timer.C:
				hung = true
				return
			}
		}
	})
	if hung {
		buf := make([]byte, 1<<20)
		f.findings.add("hang: a task left by a call does not end when cancelled", string(buf[:runtime.Stack(buf, true)]))
		f.stopped = true
		return
	}
	rt.mu.Lock()
	socks := make([]*Socket, 0, len(rt.sockets))
	for s := range rt.sockets {
		socks = append(socks, s)
	}
	rt.mu.Unlock()
	for _, s := range socks {
		s.close()
	}
	rt.L.CloseFiles()
	rt.defaultTimeout = -1
	if entries, err := os.ReadDir(f.dir); err == nil {
		for _, e := range entries {
			os.RemoveAll(filepath.Join(f.dir, e.Name()))
		}
	}
}

// hostile is an argument no function expects.
func (f *fuzzer) hostile(L *lua.LState, n int, sock lua.LValue) lua.LValue {
	switch n {
	case 0:
		return lua.LNil
	case 1:
		return lua.LTrue
	case 2:
		return lua.LFalse
	case 3:
		return lua.LNumber(0)
	case 4:
		return lua.LNumber(-1)
	case 5:
		return lua.LNumber(1 << 31)
	case 6:
		return lua.LNumber(1 << 53)
	case 7:
		return lua.LNumber(math.Pow(2, 63))
	case 8:
		return lua.LNumber(-math.Pow(2, 63))
	case 9:
		return lua.LNumber(math.NaN())
	case 10:
		return lua.LNumber(math.Inf(1))
	case 11:
		return lua.LNumber(math.Inf(-1))
	case 12:
		return lua.LNumber(1.5)
	case 13:
		return lua.LString("")
	case 14:
		return f.large
	case 15:
		if f.rng.Intn(20) == 0 {
			return f.huge
		}
		return f.large[:70000]
	case 16:
		return lua.LString("\xff\xfe\x00\x80\xc3")
	case 17:
		return lua.LString("%s%d%q%(%")
	case 18:
		return L.NewTable()
	case 19:
		t := L.NewTable()
		t.RawSetString("x", t)
		t.RawSetInt(1, t)
		return t
	case 20:
		// A table whose metamethods raise.
		t := L.NewTable()
		mt := L.NewTable()
		boom := L.NewFunction(func(L *lua.LState) int { L.RaiseError("metamethod raised"); return 0 })
		for _, m := range []string{"__index", "__newindex", "__tostring", "__len", "__eq", "__lt", "__le", "__concat", "__call", "__unm", "__add"} {
			mt.RawSetString(m, boom)
		}
		L.SetMetatable(t, mt)
		return t
	case 21:
		return L.NewFunction(func(L *lua.LState) int { return 0 })
	case 22:
		return L.NewFunction(func(L *lua.LState) int { L.RaiseError("a callback raised"); return 0 })
	case 23:
		return L.NewFunction(func(L *lua.LState) int { L.Push(lua.LNumber(1 << 32)); return 1 })
	case 24:
		return L.GetGlobal("print")
	case 25:
		// A coroutine, suspended or dead.
		co := L.GetField(L.GetGlobal("coroutine"), "create")
		L.Push(co)
		L.Push(L.NewFunction(func(L *lua.LState) int { return 0 }))
		L.Call(1, 1)
		co = L.Get(-1)
		if f.rng.Intn(2) == 0 {
			L.Push(L.GetField(L.GetGlobal("coroutine"), "resume"))
			L.Push(co)
			L.Call(1, 0)
		}
		L.Pop(1)
		return co
	case 26:
		// A closed socket (the fixture may be open).
		s, err := f.rt.openSocketFD(bsd.AF_INET, bsd.SOCK_STREAM, 0)
		if err != nil {
			return sock
		}
		s.close()
		ud := L.NewUserData()
		ud.Value = s
		L.SetMetatable(ud, f.rt.sockMeta(s.family, s.typ, s.proto))
		return ud
	case 27:
		t := L.NewTable()
		t.RawSetInt(1, lua.LNumber(math.NaN()))
		t.RawSetInt(2, lua.LNumber(-1))
		t.RawSetInt(5, lua.LString("x"))
		return t
	case 28:
		t := L.NewTable()
		t.RawSetString("fileno", L.NewFunction(func(L *lua.LState) int { L.Push(lua.LNumber(1 << 40)); return 1 }))
		return t
	case 29:
		return lua.LNumber(1e-10)
	case 30:
		return lua.LNumber(1 << 32)
	case 31:
		return lua.LString("127.0.0.1:80")
	case 32:
		return lua.LString("::ffff:127.0.0.1")
	}
	ud := L.NewUserData()
	ud.Value = f // a userdata of no known type
	return ud
}

// plausible is an argument some function expects: an address that
// works, a size, a constant, a mode, a socket.
func (f *fuzzer) plausible(L *lua.LState, n int, family int, sock, peer, obj lua.LValue) lua.LValue {
	addrOf := func(v lua.LValue) lua.LValue {
		if ud, ok := v.(*lua.LUserData); ok {
			if s, ok := ud.Value.(*Socket); ok && !s.closed() {
				if sa, err := s.sys.sockname(); err == nil {
					return newAddr(L, sa)
				}
			}
		}
		return lua.LNil
	}
	switch n {
	case 0:
		return addrOf(sock)
	case 1:
		return addrOf(peer)
	case 2:
		t := L.NewTable()
		t.RawSetInt(1, lua.LString("127.0.0.1"))
		t.RawSetInt(2, lua.LNumber(0))
		return t
	case 3:
		t := L.NewTable()
		t.RawSetInt(1, lua.LString("::1"))
		t.RawSetInt(2, lua.LNumber(0))
		t.RawSetInt(3, lua.LNumber(0))
		t.RawSetInt(4, lua.LNumber(f.rng.Intn(3)))
		return t
	case 4:
		return lua.LString([]string{"127.0.0.1", "::1", "localhost", "", "<broadcast>", "fe80::1%lo"}[f.rng.Intn(6)])
	case 5:
		return lua.LString(filepath.Join(f.dir, fmt.Sprintf("p%d", f.rng.Intn(4))))
	case 6:
		return lua.LNumber([]int{1, 2, 4, 10, 100, 1024, 4096, 65535, 65536, 70000}[f.rng.Intn(10)])
	case 7:
		names := []string{"AF_INET", "AF_INET6", "AF_UNIX", "SOCK_STREAM", "SOCK_DGRAM", "SOL_SOCKET", "SO_REUSEADDR",
			"SO_RCVBUF", "SO_LINGER", "TCP_NODELAY", "IPPROTO_TCP", "SHUT_RD", "SHUT_WR", "SHUT_RDWR", "MSG_PEEK",
			"MSG_DONTWAIT", "MSG_TRUNC", "MSG_WAITALL", "MSG_OOB", "AI_PASSIVE", "IPV6_V6ONLY"}
		name := names[f.rng.Intn(len(names))]
		return L.GetField(L.GetGlobal("socket"), name)
	case 8:
		return lua.LString([]string{"x", "hello\n", "GET / HTTP/1.0\r\n\r\n", "\x00\x01\x02"}[f.rng.Intn(4)])
	case 9:
		return lua.LString([]string{"r", "w", "rw", "rb", "a", "*a", "*l", "l", "L", "n", "*n"}[f.rng.Intn(11)])
	case 10:
		return lua.LString([]string{"i4", ">I2", "s1", "z", "<d", "!4 i3", "c3", "j", "Xi4", "<i16"}[f.rng.Intn(10)])
	case 11:
		return obj
	case 12:
		return sock
	case 13:
		return peer
	case 14:
		return lua.LNumber([]float64{0, 0.01, 0.5, 1}[f.rng.Intn(4)])
	case 15:
		t := L.NewTable()
		keys := []string{"family", "type", "proto", "backlog", "reuse_port"}
		t.RawSetString(keys[f.rng.Intn(len(keys))], lua.LNumber([]int{1, 2, 10, 5}[f.rng.Intn(4)]))
		return t
	case 16:
		t := L.NewTable()
		t.Append(sock)
		if peer != lua.LNil {
			t.Append(peer)
		}
		return t
	case 17:
		return lua.LBool(f.rng.Intn(2) == 0)
	case 18:
		return lua.LString([]string{"utf-8", "gbk", "latin-1", "strict", "replace", "ascii"}[f.rng.Intn(6)])
	case 19:
		return lua.LString([]string{"%d", "%5.2f", "%q", "%s", "%x", "%c", "%%"}[f.rng.Intn(7)])
	case 20:
		return lua.LString([]string{"(%a+)", "%d+", ".-", "[a-z]*", "%b()", "^x$"}[f.rng.Intn(6)])
	case 21:
		return lua.LNumber(f.rng.Intn(20) - 5)
	case 22:
		return L.NewFunction(func(L *lua.LState) int { L.Push(lua.LString("x")); return 1 })
	case 23:
		return lua.LString(strings.Repeat("ab\n", f.rng.Intn(200)))
	case 24:
		t := L.NewTable()
		for i := 1; i <= 3; i++ {
			t.Append(lua.LNumber(i))
		}
		return t
	case 25:
		return lua.LString("tcp/echo_server")
	case 26:
		return lua.LString([]string{"socket", "select", "string", "nosuchmodule"}[f.rng.Intn(4)])
	case 27:
		return lua.LNumber(family)
	case 28:
		return L.GetGlobal("string")
	}
	return lua.LString("stream")
}

// signatureLine is the first comment line of a Lua-visible function:
// its Lua signature (STYLE.md), "// sock:recv(bufsize, flags?) -> data".
var signatureLine = regexp.MustCompile(`^// ([a-z_]+)([.:])([a-z_]+)\(([^)]*)\)`)

// apiSignatures reads the parameter names of the Lua functions of this
// package and of lualib from their signature comments, by "obj:name".
func apiSignatures() map[string][]string {
	sigs := map[string][]string{}
	for _, pattern := range []string{"*.go", "../lualib/*.go"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			data, err := os.ReadFile(file)
			if err != nil {
				continue
			}
			for _, line := range strings.Split(string(data), "\n") {
				m := signatureLine.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				var params []string
				for _, p := range strings.Split(m[4], ",") {
					p = strings.Trim(strings.TrimSpace(p), "[]?. ")
					if i := strings.IndexAny(p, " |?"); i >= 0 {
						p = p[:i]
					}
					if p != "" {
						params = append(params, p)
					}
				}
				// The first signature line of a name is its function's;
				// later ones are prose quoting a call ("sock:recv(...)").
				if _, seen := sigs[m[1]+m[2]+m[3]]; !seen {
					sigs[m[1]+m[2]+m[3]] = params
				}
			}
		}
	}
	return sigs
}

// withSignatures gives each target the parameters of its signature: a
// method of an object type ("sock:recv" is the socket metatable's recv),
// or a module's function ("socket.socket").
func withSignatures(targets []fuzzTarget, sigs map[string][]string) {
	objects := map[string][]string{
		"sock": {sockMetaName}, "file": {fileMetaName, "sockplay.popen"},
		"task": {"sockplay.task"}, "err": {"sockplay.error"},
	}
	for i, tg := range targets {
		cut := strings.LastIndexAny(tg.name, ".:")
		if cut < 0 {
			continue
		}
		prefix, name := tg.name[:cut], tg.name[cut+1:]
		for sig, params := range sigs {
			obj, fn, _ := strings.Cut(strings.Replace(sig, ":", ".", 1), ".")
			if fn != name {
				continue
			}
			if slices.Contains(objects[obj], prefix) || strings.HasPrefix(prefix, obj) {
				targets[i].params = params
			}
		}
	}
}

// typed is an argument for a parameter named param: mostly what it
// wants, in every form it takes.
func (f *fuzzer) typed(L *lua.LState, param string, family int, sock, peer, obj lua.LValue) lua.LValue {
	pick := func(vs ...lua.LValue) lua.LValue { return vs[f.rng.Intn(len(vs))] }
	constant := func(names ...string) lua.LValue {
		return L.GetField(L.GetGlobal("socket"), names[f.rng.Intn(len(names))])
	}
	num := func(xs ...float64) lua.LValue { return lua.LNumber(xs[f.rng.Intn(len(xs))]) }
	switch param {
	case "address", "source_address":
		return f.plausible(L, f.rng.Intn(6), family, sock, peer, obj)
	case "bufsize", "n", "size", "limit", "buflen":
		return num(0, 1, 2, 5, 16, 1024, 65536, 70000, 1<<22, 1<<31-1)
	case "x":
		return num(0, 1, 80, 0xffff, 0x10000, 1<<31)
	case "pos":
		return num(1, 2, -1, 0, 100)
	case "flags":
		switch f.rng.Intn(3) {
		case 0:
			return lua.LNumber(0)
		case 1:
			return constant("MSG_PEEK", "MSG_DONTWAIT", "MSG_TRUNC", "MSG_WAITALL", "MSG_OOB", "AI_PASSIVE")
		}
		return lua.LNumber(bsd.MSG_PEEK | bsd.MSG_DONTWAIT)
	case "level":
		return constant("SOL_SOCKET", "IPPROTO_TCP", "IPPROTO_IP", "IPPROTO_IPV6")
	case "option":
		return lua.LNumber(knownOptions[f.rng.Intn(len(knownOptions))].opt)
	case "value":
		return pick(lua.LNumber(1), lua.LNumber(0), lua.LTrue, lua.LFalse, lua.LNumber(4096), lua.LString("\x01\x00\x00\x00\x05\x00\x00\x00"))
	case "seconds", "timeout":
		return pick(lua.LNil, lua.LNumber(0), lua.LNumber(0.01), lua.LNumber(1e-10))
	case "how":
		return constant("SHUT_RD", "SHUT_WR", "SHUT_RDWR")
	case "backlog":
		return num(0, 1, 5, 128)
	case "data", "text", "s":
		return pick(lua.LString(""), lua.LString("x"), lua.LString("hello\n"), f.large[:5000], lua.LString("\x00\x00\x00\x05hello"))
	case "mode":
		return lua.LString([]string{"r", "w", "rw", "rb", "wb"}[f.rng.Intn(5)])
	case "family":
		return constant("AF_INET", "AF_INET6", "AF_UNIX", "AF_UNSPEC")
	case "type":
		return constant("SOCK_STREAM", "SOCK_DGRAM")
	case "proto":
		return pick(lua.LNumber(0), lua.LNumber(bsd.IPPROTO_TCP), lua.LNumber(bsd.IPPROTO_UDP))
	case "host", "name":
		return lua.LString([]string{"127.0.0.1", "::1", "localhost", "", "gbk", "utf-8"}[f.rng.Intn(6)])
	case "port":
		return pick(lua.LNumber(0), lua.LNumber(80), lua.LString("http"), lua.LNil)
	case "fmt":
		return lua.LString([]string{"i4", ">I2 s1", "z", "<d", "!4 i3 x", "c3", "j", "bBhH", ">s4"}[f.rng.Intn(9)])
	case "format":
		return lua.LString([]string{"%Y-%m-%d", "*t", "!%c", "%H:%M:%S", "%q%"}[f.rng.Intn(5)])
	case "opts":
		return f.plausible(L, 15, family, sock, peer, obj)
	case "rlist", "wlist", "xlist":
		return f.plausible(L, 16, family, sock, peer, obj)
	case "on", "flag":
		return pick(lua.LTrue, lua.LFalse)
	case "errors":
		return lua.LString([]string{"strict", "replace"}[f.rng.Intn(2)])
	case "fn":
		return f.plausible(L, 22, family, sock, peer, obj)
	case "path", "from", "to":
		return lua.LString(filepath.Join(f.dir, fmt.Sprintf("p%d", f.rng.Intn(4))))
	case "code":
		return num(0, 1, 2)
	case "time":
		return num(0, 1e9, -1, 1e12)
	}
	return f.plausible(L, f.rng.Intn(plausibleCases), family, sock, peer, obj)
}

// describe is a call as a line of Lua-ish text, for a report.
func (f *fuzzer) describe(L *lua.LState, tg fuzzTarget, family, typ int, state string, args []lua.LValue, i int) string {
	parts := make([]string, len(args))
	for j, a := range args {
		switch x := a.(type) {
		case lua.LString:
			parts[j] = lualib.ShowArg(x)
		case lua.LNumber:
			parts[j] = x.String()
		case *lua.LUserData:
			switch v := x.Value.(type) {
			case *Socket:
				parts[j] = "<socket " + constName(familyNames, v.family) + " " + constName(typeNames, v.typ) + ">"
			case *sockFile:
				parts[j] = "<makefile>"
			case *task:
				parts[j] = "<task>"
			default:
				parts[j] = "<userdata>"
			}
		default:
			parts[j] = a.Type().String()
		}
	}
	return fmt.Sprintf("call %d (seed %d): %s(%s) on a %s %s socket, %s", i, *flagFuzzSeed, tg.name,
		strings.Join(parts, ", "), constName(familyNames, family), constName(typeNames, typ), state)
}

// openFiles lists what the process's descriptors are, for a leak report.
func openFiles() []string {
	entries, _ := os.ReadDir("/proc/self/fd")
	var files []string
	for _, e := range entries {
		target, _ := os.Readlink("/proc/self/fd/" + e.Name())
		files = append(files, e.Name()+"="+target)
	}
	return files
}
