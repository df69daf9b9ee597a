package luabind

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/syncbuf"
)

// The file allowlist (issue 13, classes 2 and 3): a script reads only its
// folder and the paths it is given, whatever "..", symbolic links or
// loaders it goes through; each refusal names the path and the rule.
func TestSandboxFileAllowlist(t *testing.T) {
	tmp := t.TempDir()
	allowed := t.TempDir()
	own := filepath.Join(allowed, "own.lua")
	other := filepath.Join(t.TempDir(), "classmate.lua")
	for path, text := range map[string]string{own: "return 'own'", other: "return 'secret'"} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Links the host made (a script cannot make one) still lead nowhere.
	if err := os.Symlink("/etc/passwd", filepath.Join(tmp, "passwd")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Dir(other), filepath.Join(tmp, "elsewhere")); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		code string
		want []string
	}{
		{"/proc through a symlink and ..", `io.open("/var/run/../proc/self/environ")`,
			[]string{"hostile.lua:1:", `PermissionError: sandbox: reading "/var/run/../proc/self/environ" refused: scripts may read only their own files`}},
		{"/proc with io.lines", `for l in io.lines("/var/run/../proc/self/environ") do print(l) end`,
			[]string{"hostile.lua:1:", `reading "/var/run/../proc/self/environ" refused`}},
		{"/proc with dofile", `dofile("/var/run/../proc/self/environ")`,
			[]string{"hostile.lua:1:", `reading "/var/run/../proc/self/environ" refused`}},
		{"/proc with loadfile", `loadfile("/var/run/../proc/self/environ")`,
			[]string{"hostile.lua:1:", `reading "/var/run/../proc/self/environ" refused`}},
		{"/proc with io.input", `io.input("/proc/self/environ")`,
			[]string{"hostile.lua:1:", `reading "/proc/self/environ" refused`}},
		{"/etc/shadow", `local f = io.open("/etc/shadow"); print(f and f:read("*a"))`,
			[]string{"hostile.lua:1:", `reading "/etc/shadow" refused`}},
		{"a classmate's file", `print(io.open(arg[1]):read("*a"))`,
			[]string{"hostile.lua:1:", `reading "` + other + `" refused`}},
		{"the grader's binary", `print(#io.open(arg[2]):read("*a"))`,
			[]string{"hostile.lua:1:", `reading "` + exe + `" refused`}},
		{"out of the folder by ..", `io.open(os.getenv("TMPDIR") .. "/../../etc/passwd")`,
			[]string{"hostile.lua:1:", `/../../etc/passwd" refused: the path leads out of ` + tmp}},
		{"out of the folder by a symlink", `io.open(os.getenv("TMPDIR") .. "/passwd")`,
			[]string{"hostile.lua:1:", `/passwd" refused: the path leads out of`, "symbolic link"}},
		{"out of the folder by a symlinked folder", `dofile(os.getenv("TMPDIR") .. "/elsewhere/classmate.lua")`,
			[]string{"hostile.lua:1:", `refused: the path leads out of`}},
		{"writing beside its own script", `io.open(arg[3], "a")`,
			[]string{"hostile.lua:1:", `writing "` + own + `" refused: files may be written only inside ` + tmp}},
		{"removing through ..", `os.remove(os.getenv("TMPDIR") .. "/../x")`,
			[]string{"hostile.lua:1:", `os.remove(`, `refused: the path leads out of`}},
		{"require through package.path", `package.path = "/var/run/../proc/self/?"; require("environ")`,
			[]string{"hostile.lua:1:", "module environ not found", "the sandbox reads only the script's own files"}},
		{"a socket file through ..", `local s = socket.socket(socket.AF_UNIX)
s:bind(os.getenv("TMPDIR") .. "/../escape.sock")`,
			[]string{"hostile.lua:2:", "PermissionError: sandbox: bind to", "AF_UNIX socket files must be inside"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt, out := sandboxed(t, Sandbox{TempDir: tmp, Read: []string{own}, Timeout: 5 * time.Second})
			err := runIn(t, rt, tc.code, other, exe, own)
			wantRefusal(t, err, out, tc.want)
			if strings.Contains(out.String(), "secret") || strings.Contains(out.String(), "root:") {
				t.Errorf("the script read what it may not: %q", out)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(tmp), "escape.sock")); err == nil {
		t.Errorf("a socket file was made outside the folder")
	}
}

// What the allowlist allows: its own files, by any path that names them,
// and its folder by relative paths and "..", inside it.
func TestSandboxFileAllowlistAllows(t *testing.T) {
	tmp := t.TempDir()
	lib := t.TempDir()
	if err := os.WriteFile(filepath.Join(lib, "mod.lua"), []byte("return {answer = 42}"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "lib")
	if err := os.Symlink(lib, link); err != nil {
		t.Fatal(err)
	}
	rt, out := sandboxed(t, Sandbox{TempDir: tmp, Read: []string{link}})
	err := runIn(t, rt, `
local tmp = os.getenv("TMPDIR")
local f = assert(io.open(tmp .. "/a.txt", "w")) f:write("A") f:close()
assert(io.open(tmp .. "/sub/../a.txt"):read("*a") == "A")
assert(io.open(tmp .. "/./a.txt"):read("*a") == "A")
package.path = arg[1] .. "/?.lua"
assert(require("mod").answer == 42)
assert(dofile(arg[2] .. "/mod.lua").answer == 42)
assert(loadfile(arg[1] .. "/mod.lua")().answer == 42)
local missing, msg = io.open(tmp .. "/nothing.txt")
assert(missing == nil and msg:find("no such file"), msg)
print("ok")
`, link, lib)
	if err != nil || out.String() != "ok\n" {
		t.Fatalf("run: %v; output %q", err, out)
	}
}

// One call, one bounded allocation (issue 13, class 4): each of these
// asked Go for gigabytes, or looped for minutes, in a single call.
func TestSandboxOneCallCaps(t *testing.T) {
	for _, tc := range []struct {
		name string
		code string
		want []string
	}{
		{"file:read(2^40)", `local f = io.tmpfile() f:write("x") f:seek("set") local s = f:read(2^40)
assert(#s == 1) f:write(("y"):rep(2^24)) f:seek("set") f:read(2^40)`,
			[]string{"hostile.lua:2:", "file:read: resulting string too large"}},
		{"string.pack of a huge field", `local s = string.pack("c2000000000", "")`,
			[]string{"hostile.lua:1:", "string.pack: resulting string too large"}},
		{"string.pack of many fields", `local s = string.pack(("c10000000"):rep(100), "")`,
			[]string{"hostile.lua:1:", "string.pack: resulting string too large"}},
		{"one concatenation of large strings", `local a = ("x"):rep(2^23) local s = a .. a .. a .. a .. a`,
			[]string{"hostile.lua:1:", "concatenation (..): resulting string too large"}},
		{"loadstring of deep nesting", `assert(loadstring(("("):rep(1e5) .. "1" .. (")"):rep(1e5)))`,
			[]string{"hostile.lua:1:", "too many syntax levels"}},
		{"load of a huge chunk", `assert(loadstring("return " .. ("1+"):rep(2^20) .. "1"))`,
			[]string{"hostile.lua:1:", "chunk too large"}},
		{"unpack of a huge range", `unpack({}, 1, 2^30)`,
			[]string{"hostile.lua:1:", "too many results to unpack"}},
		{"recursion through coroutine.resume", `local function f() coroutine.resume(coroutine.create(f)) error("deep") end
local co = coroutine.create(f)
local ok, err = coroutine.resume(co)
local function g() local ok, e = coroutine.resume(coroutine.create(g)) if not ok then error(e, 0) end end
g()`,
			[]string{"stack overflow"}},
		{"a pathological pattern", `string.find(("a"):rep(40), ("a*"):rep(40) .. "b")`,
			[]string{"hostile.lua:1:", "sandbox: time limit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The pattern waits for the time limit; the others work to
			// their error (file:read through 16 MiB) under a limit that
			// a loaded machine does not reach first.
			limit := 20 * time.Second
			if tc.name == "a pathological pattern" {
				limit = time.Second
			}
			rt, out := sandboxed(t, Sandbox{Timeout: limit})
			start := time.Now()
			err := runIn(t, rt, tc.code)
			wantRefusal(t, err, out, tc.want)
			if d := time.Since(start); d > 15*time.Second {
				t.Errorf("the run took %v", d)
			}
		})
	}
}

// wantRefusal checks that a run ended with an error whose message holds
// the parts want, in that order.
func wantRefusal(t *testing.T, err error, out *syncbuf.Buffer, want []string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("run: %v, want an error; output: %s", err, out)
	}
	at := 0
	for _, w := range want {
		i := strings.Index(e.Msg[at:], w)
		if i < 0 {
			t.Fatalf("error %q lacks %q (after position %d)", e.Msg, w, at)
		}
		at += i + len(w)
	}
}
