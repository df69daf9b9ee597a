package luabind

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/syncbuf"
)

// The sandbox as a Go program configures it: Sandbox's fields. What a
// script meets in it — the refusals, the limits that end a run — is
// testdata/sandbox*.lua.

// sandboxRunTimeout bounds every run here; the sandbox's own limits are
// much smaller.
const sandboxRunTimeout = 30 * time.Second

// sandboxed makes a runtime confined by sb (with a temporary folder of
// the test's unless sb names one), its output in the buffer returned.
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

// runIn runs code as hostile.lua with the arguments args in rt, which must
// end it (with its sockets closed) within sandboxRunTimeout.
func runIn(t *testing.T, rt *Runtime, code string, args ...string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), sandboxRunTimeout)
	defer cancel()
	err := rt.RunString(ctx, "hostile.lua", code, args)
	if ctx.Err() != nil {
		t.Fatalf("the run did not end within %v: the sandbox did not stop it", sandboxRunTimeout)
	}
	if n := rt.OpenSockets(); n != 0 {
		t.Errorf("%d sockets open after the run", n)
	}
	return err
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
	out := &syncbuf.Buffer{}
	rt := New(Options{Stdout: out, Sandbox: &Sandbox{TempDir: t.TempDir(), MaxSockets: 3, MaxTasks: 2, MaxString: 10, CallStackSize: 50}})
	defer rt.Close()
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

// What the sandbox refuses is named in English (the PermissionError's
// "sandbox: ... refused"), why in the user's language.
func TestSandboxRefusalsInChinese(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ code, en, zh string }{
		{`socket.dns.tohostname("192.0.2.1")`,
			"sandbox: looking up the name of 192.0.2.1 refused: only loopback addresses may be used (no DNS queries)",
			"sandbox: looking up the name of 192.0.2.1 refused: 只能使用回环地址（不做 DNS 查询）"},
		{`socket.udp4():setoption("ip-add-membership", {multiaddr = "224.0.0.1", interface = "*"})`,
			`sandbox: setoption("ip-add-membership") refused: the sandbox allows loopback only`,
			`sandbox: setoption("ip-add-membership") refused: 沙箱只允许回环地址`},
		{`os.setenv("A", "b")`,
			"sandbox: os.setenv is not allowed (scripts cannot change the host's environment)",
			"sandbox: os.setenv is not allowed (脚本不能修改宿主的环境变量)"},
		{`os.execute("ls")`, "sandbox: os.execute is not allowed (scripts cannot run programs)", "sandbox: os.execute is not allowed (脚本不能启动程序)"},
		{`io.popen("ls")`, "sandbox: io.popen is not allowed (scripts cannot run programs)", "sandbox: io.popen is not allowed (脚本不能启动程序)"},
		{`io.stdin:read()`,
			"sandbox: io.stdin:read is not allowed (use input() or io.read() to read the script's input)",
			"sandbox: io.stdin:read is not allowed (请用 input() 或 io.read() 读取脚本的输入)"},
		{`io.lines()`,
			"sandbox: io.lines() reads the host's standard input: use input() or io.read() to read the script's input",
			"sandbox: io.lines() reads the host's standard input: 请用 input() 或 io.read() 读取脚本的输入"},
		{`dofile()`,
			"sandbox: dofile without a file name reads the host's standard input: name the file to load",
			"sandbox: dofile without a file name reads the host's standard input: 请写出要加载的文件名"},
		{`io.input()`,
			"sandbox: io.input() is the host's standard input: use input() or io.read() to read the script's input",
			"sandbox: io.input() is the host's standard input: 请用 input() 或 io.read() 读取脚本的输入"},
		{`os.remove("/etc/passwd")`,
			`sandbox: os.remove("/etc/passwd") refused: files may be written only inside ` + dir + ` (os.getenv("TMPDIR"))`,
			`sandbox: os.remove("/etc/passwd") refused: 只能在 ` + dir + ` (os.getenv("TMPDIR")) 里写文件`},
	} {
		for _, lc := range []struct {
			l    Language
			want string
		}{{English, c.en}, {Chinese, c.zh}} {
			rt := New(Options{Sandbox: &Sandbox{TempDir: dir}, Lang: lc.l})
			err := runIn(t, rt, c.code)
			rt.Close()
			var e *Error
			if !errors.As(err, &e) || e.Class != "PermissionError" || !strings.HasSuffix(e.Msg, ": "+lc.want) {
				t.Errorf("%s (%v): %v, want PermissionError %q", c.code, lc.l, err, lc.want)
			}
		}
	}
	rt := New(Options{Sandbox: &Sandbox{}, Lang: Chinese})
	defer rt.Close()
	err := runIn(t, rt, `os.tmpname()`)
	if want := "sandbox: os.tmpname is not allowed: 这个沙箱没有可以写入的目录"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("os.tmpname: %v, want %q", err, want)
	}
}
