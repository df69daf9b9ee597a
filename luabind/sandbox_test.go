package luabind

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/syncbuf"
	lua "github.com/sockplay/sockplay/lua"
)

// Hostile scripts: each must end with a clear error, promptly, with its
// sockets closed, and leave the host (this test binary) able to go on.
// No test here sends anything anywhere but loopback: the refused
// addresses are refused before any system call, and the tests prove it.

// sandboxRunTimeout bounds every run here; the sandbox's own limits are
// much smaller.
const sandboxRunTimeout = 30 * time.Second

func sandboxed(t *testing.T, sb Sandbox) (*Runtime, *syncbuf.Buffer) {
	t.Helper()
	if sb.TempDir == "" {
		sb.TempDir = t.TempDir()
	}
	var out syncbuf.Buffer
	rt := New(Options{Stdout: &out, Stderr: &out, Sandbox: &sb})
	t.Cleanup(func() { rt.Close() })
	return rt, &out
}

func runIn(t *testing.T, rt *Runtime, code string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), sandboxRunTimeout)
	defer cancel()
	err := rt.RunString(ctx, "hostile.lua", code, nil)
	if ctx.Err() != nil {
		t.Fatalf("the run did not end within %v: the sandbox did not stop it", sandboxRunTimeout)
	}
	if n := rt.OpenSockets(); n != 0 {
		t.Errorf("%d sockets open after the run", n)
	}
	return err
}

func TestSandboxHostileScripts(t *testing.T) {
	for _, tc := range []struct {
		name string
		code string
		want []string // in the run's error message, in order
	}{
		{"endless loop", `while true do end`,
			[]string{"hostile.lua:1:", "sandbox: time limit", "1s"}},
		{"endless wait", `local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s:bind({"127.0.0.1", 0})
s:recvfrom(10)`,
			[]string{"hostile.lua:3:", "sandbox: time limit"}},
		{"spawn bomb", `local function bomb() spawn(bomb) spawn(bomb) end
bomb()`,
			[]string{"sandbox: too many tasks", "at most 64"}},
		{"spawn loop", `while true do spawn(function() sleep(60) end) end`,
			[]string{"hostile.lua:1:", "sandbox: too many tasks"}},
		{"sockets until the cap", `local t = {}
while true do t[#t + 1] = socket.socket() end`,
			[]string{"hostile.lua:2:", "OSError: sandbox: too many open sockets", "at most 64"}},
		{"socketpairs until the cap", `while true do socket.socketpair() end`,
			[]string{"hostile.lua:1:", "too many open sockets"}},
		{"huge string.rep", `local s = string.rep("x", 2^31)`,
			[]string{"hostile.lua:1:", "string.rep: resulting string too large (2147483648 bytes, the limit is 16777216)"}},
		{"huge rep as a method", `local s = ("abc"):rep(1e9)`,
			[]string{"hostile.lua:1:", "string.rep: resulting string too large"}},
		{"string doubled in a loop", `local s = "x"
while true do s = s .. s end`,
			[]string{"hostile.lua:2:", "concatenation (..): resulting string too large (33554432 bytes"}},
		{"strings doubled in a table", `local t = {"x"}
while true do t[#t + 1] = t[#t] .. t[#t] end`,
			[]string{"hostile.lua:2:", "concatenation (..): resulting string too large"}},
		{"growing table", `local t = {}
local i = 0
while true do i = i + 1; t[i] = ("x"):rep(4096) .. i end`,
			[]string{"sandbox: memory limit"}},
		{"huge format width", `local s = string.format("%099999999d", 1)`,
			[]string{"hostile.lua:1:", "invalid format (width or precision too long)"}},
		{"huge table.concat", `local t = {}
for i = 1, 10 do t[i] = "x" end
local s = table.concat(t, ("y"):rep(10e6))`,
			[]string{"hostile.lua:3:", "table.concat: resulting string too large"}},
		{"huge gsub", `local s = ("x"):rep(20):gsub("x", ("y"):rep(1e6))`,
			[]string{"hostile.lua:1:", "string.gsub: resulting string too large"}},
		{"deep recursion", `local function f(n) return 1 + f(n + 1) end
f(1)`,
			[]string{"hostile.lua:1:", "stack overflow"}},
		{"deep recursion through metamethods", `local t = setmetatable({}, {__index = function(t, k) return t[k .. "x"] end})
local _ = t.a`,
			[]string{"hostile.lua:1:", "stack overflow"}},
		{"io.popen", `local p = io.popen("id")`,
			[]string{"hostile.lua:1:", "PermissionError: sandbox: io.popen is not allowed"}},
		{"os.execute", `os.execute("touch /tmp/sockplay-sandbox-escaped")`,
			[]string{"hostile.lua:1:", "PermissionError: sandbox: os.execute is not allowed"}},
		{"writing to /etc", `local f = io.open("/etc/sockplay-sandbox-test", "w")`,
			[]string{"hostile.lua:1:", `PermissionError: sandbox: writing "/etc/sockplay-sandbox-test" refused`, "files may be written only inside"}},
		{"appending to /etc via the temp dir", `local f = io.open(os.getenv("TMPDIR") .. "/../../etc/hosts", "a")`,
			[]string{"hostile.lua:1:", "refused"}},
		{"io.output to /etc", `io.output("/etc/sockplay-sandbox-test")`,
			[]string{"hostile.lua:1:", "PermissionError", "io.output"}},
		{"os.remove outside", `os.remove("/etc/hostname")`,
			[]string{"hostile.lua:1:", "PermissionError: sandbox: os.remove(\"/etc/hostname\") refused"}},
		{"os.rename outside", `os.rename("/etc/hostname", os.tmpname())`,
			[]string{"hostile.lua:1:", "PermissionError: sandbox: os.rename"}},
		{"os.setenv", `os.setenv("PATH", "/nowhere")`,
			[]string{"hostile.lua:1:", "PermissionError: sandbox: os.setenv is not allowed"}},
		{"reading a device", `local f = io.open("/dev/zero"); local s = f:read("*a")`,
			[]string{"hostile.lua:1:", "PermissionError", "/dev"}},
		{"loading from stdin", `dofile()`,
			[]string{"hostile.lua:1:", "PermissionError", "standard input"}},
		{"the host's stdin", `io.stdin:read("*l")`,
			[]string{"hostile.lua:1:", "PermissionError", "use input()"}},
		{"binding 0.0.0.0", `local s = socket.socket()
s:bind({"0.0.0.0", 0})`,
			[]string{"hostile.lua:2:", "PermissionError: sandbox: bind to 0.0.0.0:0 refused", `bind to "127.0.0.1"`}},
		{"binding the wildcard \"\"", `local s = socket.socket()
s:bind("", 0)`,
			[]string{"hostile.lua:2:", "PermissionError: sandbox: bind to 0.0.0.0:0 refused"}},
		{"create_server on all interfaces", `socket.create_server({"", 0})`,
			[]string{"hostile.lua:1:", "PermissionError: sandbox: bind to 0.0.0.0:0 refused"}},
		{"binding IPv6 ::", `local s = socket.socket(socket.AF_INET6)
s:bind({"::", 0})`,
			[]string{"hostile.lua:2:", "PermissionError: sandbox: bind to [::]:0 refused"}},
		{"connecting to a private address", `local s = socket.socket()
s:connect({"10.255.255.1", 80})`,
			[]string{"hostile.lua:2:", "PermissionError: sandbox: connect to 10.255.255.1:80 refused", "nothing was sent"}},
		{"connecting to a public address", `socket.create_connection({"198.51.100.7", 443}, 5)`,
			[]string{"hostile.lua:1:", "PermissionError: sandbox: connect to 198.51.100.7:443 refused"}},
		{"connect_ex to a public address raises", `local s = socket.socket()
local errno = s:connect_ex({"203.0.113.9", 22})`,
			[]string{"hostile.lua:2:", "PermissionError: sandbox: connect to 203.0.113.9:22 refused"}},
		{"a host name (DNS)", `socket.create_connection({"example.com", 80})`,
			[]string{"hostile.lua:1:", `PermissionError: sandbox: looking up "example.com" refused`, "no DNS"}},
		{"UDP to a public address", `local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s:sendto("x", {"192.0.2.1", 53})`,
			[]string{"hostile.lua:2:", "PermissionError: sandbox: sendto to 192.0.2.1:53 refused"}},
		{"UDP broadcast", `local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s:setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s:sendto("x", {"<broadcast>", 9})`,
			[]string{"hostile.lua:3:", "sendto to 255.255.255.255:9 refused"}},
		{"an AF_UNIX socket outside the temp dir", `local s = socket.socket(socket.AF_UNIX)
s:connect("/run/systemd/private")`,
			[]string{"hostile.lua:2:", "PermissionError: sandbox: connect to /run/systemd/private refused", "inside"}},
		{"an abstract AF_UNIX name", `local s = socket.socket(socket.AF_UNIX)
s:connect("\0/tmp/.X11-unix/X0")`,
			[]string{"hostile.lua:2:", "PermissionError: sandbox: connect to the abstract AF_UNIX name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The time limit: 1s, but more for the memory cases: after a
			// gigabyte of garbage the next run may wait for the GC.
			limit := time.Second
			for _, w := range tc.want {
				if strings.Contains(w, "memory limit") {
					limit = 20 * time.Second
				}
			}
			rt, out := sandboxed(t, Sandbox{Timeout: limit, MaxMemory: 64 << 20})
			start := time.Now()
			err := runIn(t, rt, tc.code)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("run: %v, want a *luabind.Error; output: %s", err, out)
			}
			at := 0
			for _, w := range tc.want {
				i := strings.Index(e.Msg[at:], w)
				if i < 0 {
					t.Fatalf("error %q lacks %q (after position %d)", e.Msg, w, at)
				}
				at += i + len(w)
			}
			if d := time.Since(start); d > 15*time.Second {
				t.Errorf("the run took %v", d)
			}
			// The host goes on: the same runtime runs the next script.
			out2 := &syncbuf.Buffer{}
			rt.stdout = out2
			if err := runIn(t, rt, `print("still here")`); err != nil || out2.String() != "still here\n" {
				t.Errorf("next run: %v, %q", err, out2)
			}
		})
	}
	if _, err := os.Stat("/tmp/sockplay-sandbox-escaped"); err == nil {
		t.Errorf("os.execute ran a command")
	}
}

// Refused addresses never reach a system call: a socket whose connect or
// sendto had reached the kernel would have been bound to a local port.
func TestSandboxRefusesBeforeAnySystemCall(t *testing.T) {
	rt, out := sandboxed(t, Sandbox{})
	err := runIn(t, rt, `
local addrs = {"10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
  "198.51.100.7", "203.0.113.9", "192.0.2.1", "224.0.0.251", "255.255.255.255", "0.0.0.0"}
local srv = socket.create_server({"127.0.0.1", 0})
for _, host in ipairs(addrs) do
  local s = socket.socket()
  s:settimeout(5)
  local ok, err = pcall(s.connect, s, {host, 80})
  assert(not ok and err:is("PermissionError"), host .. ": connect " .. tostring(err))
  ok, err = pcall(s.connect_ex, s, {host, 80})
  assert(not ok and err:is("PermissionError"), host .. ": connect_ex " .. tostring(err))
  assert(s:getsockname().port == 0, host .. ": the socket was bound, so connect ran")
  -- the same socket is as new: it connects to loopback
  s:connect(srv:getsockname())
  s:close()
  srv:accept():close()

  local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  ok, err = pcall(u.sendto, u, "x", {host, 9})
  assert(not ok and err:is("PermissionError"), host .. ": sendto " .. tostring(err))
  assert(u:getsockname().port == 0, host .. ": the socket was bound, so sendto ran")
  u:close()
end
for _, host in ipairs({"2001:db8::1", "fe80::1", "::ffff:10.0.0.1", "::"}) do
  local s = socket.socket(socket.AF_INET6)
  local ok, err = pcall(s.connect, s, {host, 80})
  assert(not ok and err:is("PermissionError"), host .. ": " .. tostring(err))
  s:close()
end
for _, name in ipairs({"example.com", "localhost.example.com", "metadata.google.internal"}) do
  local ok, err = pcall(socket.gethostbyname, name)
  assert(not ok and err:is("PermissionError"), name .. ": " .. tostring(err))
  ok, err = pcall(socket.getaddrinfo, name, 80)
  assert(not ok and err:is("PermissionError"), name .. ": " .. tostring(err))
end
srv:close()
print("all refused")
`)
	if err != nil || out.String() != "all refused\n" {
		t.Fatalf("run: %v; output: %s", err, out)
	}
}

// Loopback networking, files in the temp dir and modules work as usual.
func TestSandboxAllowsLoopbackAndTempFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "helper.lua"), []byte("return {answer = 42}"), 0o644); err != nil {
		t.Fatal(err)
	}
	rt, out := sandboxed(t, Sandbox{TempDir: dir})
	err := runIn(t, rt, `
local tmp = os.getenv("TMPDIR")
for _, host in ipairs({"127.0.0.1", "localhost", "127.9.9.9"}) do
  local srv = socket.create_server({host, 0})
  local c = socket.create_connection(srv:getsockname(), 5)
  local conn = srv:accept()
  c:sendall("ping " .. host)
  assert(conn:recv(100) == "ping " .. host)
  c:close() conn:close() srv:close()
end
local u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u1:bind({"127.0.0.1", 0})
local u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u2:settimeout(5)
u2:sendto("hi", u1:getsockname())
assert(u1:recvfrom(10) == "hi")
u1:close() u2:close()

local path = tmp .. "/echo.sock"
local us = socket.socket(socket.AF_UNIX)
us:bind(path) us:listen()
local uc = socket.socket(socket.AF_UNIX)
uc:connect(path)
us:accept():close()
uc:close() us:close()
assert(os.remove(path))

local name = os.tmpname()
assert(name:sub(1, #tmp) == tmp, name)
local f = assert(io.open(name, "w"))
f:write("saved") f:close()
assert(io.open(name):read("*a") == "saved")
assert(os.rename(name, tmp .. "/renamed.txt"))
package.path = tmp .. "/?.lua"
assert(require("helper").answer == 42)
local tf = io.tmpfile() tf:write("x") tf:close()
assert(("hello world"):gsub("(%w+)", "<%1>") == "<hello> <world>")
assert(("a-b"):gsub("%w", {a = "A"}) == "A-b")
assert(string.format("%5.2f|%-3s|%q", 1, "x", "y") == " 1.00|x  |\"y\"")
assert(table.concat({1, "b", 3}, ",") == "1,b,3")
assert(io.output() == io.stdout)
io.close()
print("works")
`)
	if err != nil || out.String() != "works\n" {
		t.Fatalf("run: %v; output: %s", err, out)
	}
}

func TestSandboxReadsWithArgs(t *testing.T) {
	readable := filepath.Join(t.TempDir(), "data.txt")
	if err := os.WriteFile(readable, []byte("line one\nline two\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rt, out := sandboxed(t, Sandbox{Read: []string{readable}})
	ctx, cancel := context.WithTimeout(context.Background(), sandboxRunTimeout)
	defer cancel()
	err := rt.RunString(ctx, "read.lua", `
local n = 0
for line in io.lines(arg[1]) do n = n + 1 end
print(n, os.getenv("HOME"), os.execute())`, []string{readable})
	if err != nil || out.String() != "2\tnil\tfalse\n" {
		t.Fatalf("run: %v; output: %q", err, out)
	}
}

// A sandbox without a directory allows no writes at all.
func TestSandboxWithoutTempDir(t *testing.T) {
	var out syncbuf.Buffer
	rt := New(Options{Stdout: &out, Sandbox: &Sandbox{}})
	defer rt.Close()
	for _, code := range []string{`os.tmpname()`, `io.open("x.txt", "w")`, `io.tmpfile()`} {
		err := runIn(t, rt, code)
		var e *Error
		if !errors.As(err, &e) || e.Class != "PermissionError" {
			t.Errorf("%s: %v, want a PermissionError", code, err)
		}
	}
}

func TestSandboxLimitsAreOptions(t *testing.T) {
	rt, out := sandboxed(t, Sandbox{MaxSockets: 3, MaxTasks: 2, MaxString: 10, CallStackSize: 50})
	err := runIn(t, rt, `
local a, b = socket.socketpair()
local c = socket.socket()
local ok, err = pcall(socket.socket)
print(ok, err:is("OSError"), err.errno)
c:close()
print(pcall(string.rep, "x", 11))
print(#("x"):rep(10))
local depth = 0
local function f() depth = depth + 1; f() end
local ok, e = pcall(f)
print(ok, e, depth <= 50)
local t = spawn(function() end)
print(pcall(spawn, function() end))
`)
	want := "false\ttrue\tnil\nfalse\tstring.rep: resulting string too large (11 bytes, the limit is 10)\n10\n"
	if !strings.HasPrefix(out.String(), want) {
		t.Errorf("output:\n%s\nwant it to start with\n%s", out, want)
	}
	if !strings.Contains(out.String(), "stack overflow\ttrue\n") {
		t.Errorf("output lacks the stack overflow: %s", out)
	}
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Msg, "at most 2 may run at once") {
		t.Errorf("run: %v, want the task limit", err)
	}
}

// Without a sandbox, nothing changes.
func TestNoSandboxNoLimits(t *testing.T) {
	var out syncbuf.Buffer
	rt := New(Options{Stdout: &out})
	defer rt.Close()
	err := runIn(t, rt, `print(os.getenv("PATH") ~= nil, #("x"):rep(20e6))`)
	if err != nil || out.String() != "true\t20000000\n" {
		t.Fatalf("run: %v; output %q", err, out.String())
	}
}

// Blocking releases the runtime lock for a host function's wait, and the
// task's cancellation reaches it.
func TestBlockingAndRaise(t *testing.T) {
	release := make(chan struct{})
	var rt *Runtime
	var out syncbuf.Buffer
	rt = New(Options{Stdout: &out, Modules: map[string]lua.LGFunction{"host": func(L *lua.LState) int {
		L.Push(L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
			// host.wait() waits for release (or the task's interruption)
			"wait": func(L *lua.LState) int {
				err := rt.Blocking(L, func(ctx context.Context) error {
					select {
					case <-release:
						return nil
					case <-ctx.Done():
						return ctx.Err()
					}
				})
				if err != nil {
					Raise(L, err)
				}
				L.Push(lua.LString("released"))
				return 1
			},
			"release": func(L *lua.LState) int { close(release); return 0 },
			// host.forever() waits until the task is interrupted
			"forever": func(L *lua.LState) int {
				Raise(L, rt.Blocking(L, func(ctx context.Context) error {
					<-ctx.Done()
					return ctx.Err()
				}))
				return 0
			},
			"fail": func(L *lua.LState) int { RaiseClass(L, "TimeoutError", "no line within 5s"); return 0 },
		}))
		return 1
	}}})
	defer rt.Close()
	// The waiting task holds no lock: the other task runs and releases it.
	err := runIn(t, rt, `
local waiter = spawn(host.wait)
spawn(host.release)
print(waiter:join())
local ok, err = pcall(host.fail)
print(err:is("OSError"), tostring(err))
local w = spawn(host.forever)
sleep(0)
w:cancel()
print(pcall(w.join, w))
`)
	if err != nil {
		t.Fatal(err)
	}
	want := "released\ntrue\tTimeoutError: no line within 5s\nfalse\tKeyboardInterrupt: interrupted\n"
	if out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}
