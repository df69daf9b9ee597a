package luatest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/scripts"
)

// Hostile students (issue 13, classes 1-5): each script attacks the
// grader as exercise check runs it (trusted checks, every script in a
// process of its own). Each must fail its own check with a clear reason;
// the other check passes, the runner goes on, the JUnit file is written,
// and no temporary folder is left behind.
func TestHostileStudents(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	classmate := filepath.Join(t.TempDir(), "classmate.lua")
	if err := os.WriteFile(classmate, []byte("-- a classmate's secret solution"), 0o644); err != nil {
		t.Fatal(err)
	}
	// What the runner's folders are made in: empty again after each run.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	scriptDir := t.TempDir()
	for _, tc := range []struct {
		name   string
		script string
		want   string // in the failure of test_echo
	}{
		// 1. Addresses a student prints: the checks connect to none.
		{"announces a metadata address", `print("server is listening on 169.254.169.254:80") sleep(60)`,
			"announced 169.254.169.254:80: not a loopback address"},
		{"announces a name to look up", `print("server is listening on metadata.google.internal:80") sleep(60)`,
			`"metadata.google.internal" is not an IP address: the checks look up no names`},
		{"announces the docker socket", `print("server is listening on /var/run/docker.sock") sleep(60)`,
			"announced /var/run/docker.sock: a socket file must be in the test's folder"},
		// A server that announces itself, then never waits: its line is
		// out at once (the child's output does not wait for a wait), the
		// check connects while it listens, and its time limit ends it
		// (had the line waited for that end, the connection would be
		// refused, not reset).
		{"announces, then spins", `local s = socket.create_server({"127.0.0.1", 0}) print("server is listening on 127.0.0.1:" .. s:getsockname().port) while true do end`,
			"ConnectionResetError"},
		// 2. /proc through a symbolic link and "..".
		{"reads the grader's environment", `print(io.open("/var/run/../proc/self/environ"):read("*a"))`,
			`PermissionError: sandbox: reading "/var/run/../proc/self/environ" refused`},
		// 3. Files that are not the student's.
		{"reads a classmate's file", `print(io.open("` + classmate + `"):read("*a"))`,
			`reading "` + classmate + `" refused`},
		{"reads the grader's binary", `print(#io.open("` + exe + `"):read("*a"))`,
			`reading "` + exe + `" refused`},
		{"reads /etc/shadow", `print(io.open("/etc/shadow"):read("*a"))`, `reading "/etc/shadow" refused`},
		// 4. One call that would take the grader down, or never return.
		{"allocates 2^40 bytes in one call", `local s = ("x"):rep(2^40)`, "string.rep: resulting string too large"},
		{"reads 2^40 bytes in one call", `local f = io.tmpfile() f:write(("y"):rep(2^24), "y") f:seek("set") f:read(2^40)`,
			"file:read: resulting string too large"},
		{"packs a huge field", `string.pack("c2000000000", "")`, "string.pack: resulting string too large"},
		{"runs a pathological pattern", `string.find(("a"):rep(40), ("a*"):rep(40) .. "b")`, "sandbox: time limit"},
		{"unpacks a huge range", `unpack({}, 1, 2^30)`, "too many results to unpack"},
		{"grows its memory without end", `local t, s = {}, ("x"):rep(2^24 - 16) for i = 1, 1e9 do t[i] = s .. i end`, "memory"},
		// 5. Text that would paint over the report.
		{"paints a fake PASS line", `error("\27[2K\r  PASS  The server sends back what it gets.")`,
			`\x1b[2K\r  PASS  The server sends back what it gets.`},
		{"floods its stderr", `io.stderr:write(("e"):rep(2^20)) error("done")`, "bytes more dropped"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			script := filepath.Join(scriptDir, strings.NewReplacer(" ", "_", "/", "_").Replace(tc.name)+".lua")
			if err := os.WriteFile(script, []byte(tc.script), 0o644); err != nil {
				t.Fatal(err)
			}
			// A script that works a while (16 MiB and more) before the
			// error wanted gets a time limit that a loaded machine does
			// not reach first; the others a short one, as some wait for it.
			limit := 3 * time.Second
			if tc.name == "reads 2^40 bytes in one call" || tc.name == "grows its memory without end" {
				limit = 20 * time.Second
			}
			res := gradeStudent(t, script, limit)
			echo, other := res.Tests[0], res.Tests[1]
			if echo.Passed() {
				t.Fatalf("test_echo passed")
			}
			all := strings.Join(echo.Failures, "\n")
			if !strings.Contains(all, tc.want) {
				t.Errorf("test_echo failed with:\n%s\nwant %q in it", all, tc.want)
			}
			if strings.ContainsAny(all, "\r\x1b") {
				t.Errorf("a raw control character reached the report: %q", all)
			}
			if len(all) > 2*DefaultOutputLimit {
				t.Errorf("the failure is %d bytes long", len(all))
			}
			if !other.Passed() {
				t.Errorf("test_independent failed: %v", other.Failures)
			}
			var junit bytes.Buffer
			if err := res.WriteJUnit(&junit); err != nil || !strings.Contains(junit.String(), `failures="1"`) {
				t.Errorf("JUnit: %v\n%s", err, junit.String())
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("left behind in TMPDIR: %v", left)
			}
		})
	}
	t.Run("honest", func(t *testing.T) {
		res := gradeStudent(t, filepath.Join("testdata", "hostile", "honest.lua"), 20*time.Second)
		for _, r := range res.Tests {
			if !r.Passed() {
				t.Errorf("%s failed: %v", r.Name, r.Failures)
			}
		}
	})
}

// gradeStudent runs the checks against script as exercise check does,
// with limit the time limit of the script and of each check.
func gradeStudent(t *testing.T, script string, limit time.Duration) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res := Run(ctx, []string{filepath.Join("testdata", "hostile", "checks_test.lua")}, Options{
		Target: script, Sandbox: true, TrustTests: true, Isolate: &Isolation{},
		// The scripts' time limit comes before the checks' waits: a script
		// stuck in a call is stopped by its own limit, which says so.
		Timeout: limit, IOTimeout: limit + 2*time.Second, Scripts: scripts.FS,
	})
	if ctx.Err() != nil {
		t.Fatalf("the grader did not finish")
	}
	if len(res.Tests) != 2 {
		t.Fatalf("%d tests reported, want 2", len(res.Tests))
	}
	return res
}

// A server that never answers (it accepts and reads, or does not even
// accept), or answers and never closes: the check's failure names what it
// waited for and how long, in the student's language, after the class
// the teacher knows.
func TestSilentStudent(t *testing.T) {
	checks := filepath.Join("testdata", "hostile", "checks_test.lua")
	const listen = `local s = socket.create_server({"127.0.0.1", 0})
print("server is listening on 127.0.0.1:" .. s:getsockname().port)
`
	for _, tc := range []struct {
		name, script string
		en, zh       string // the failure, after "TimeoutError: timed out: "
	}{
		{"reads, never answers", listen + `local c = s:accept() c:recv(1024) sleep(60)`,
			"no answer within 1s (the connection was made, but nothing came back)",
			"1s 内没有回答（连接已经建立，但什么也没有发回来）"},
		{"never accepts", listen + `sleep(60)`,
			"no answer within 1s (the connection was made, but nothing came back)",
			"1s 内没有回答（连接已经建立，但什么也没有发回来）"},
		{"answers, never closes", listen + `local c = s:accept() c:sendall(c:recv(1024)) sleep(60)`,
			"4 bytes came back, then nothing more within 1s, and the connection stayed open (the other side never closed it)",
			"收到了 4 字节，之后 1s 内再没有数据，连接也一直开着（对方始终没有关闭它）"},
	} {
		script := filepath.Join(t.TempDir(), "silent.lua")
		if err := os.WriteFile(script, []byte(tc.script), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, lang := range []struct {
			name string
			l    i18n.Lang
			want string
		}{{"en", i18n.English, tc.en}, {"zh", i18n.Chinese, tc.zh}} {
			t.Run(tc.name+"/"+lang.name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				res := Run(ctx, []string{checks}, Options{
					Target: script, Sandbox: true, TrustTests: true, Isolate: &Isolation{},
					Timeout: 30 * time.Second, IOTimeout: time.Second, Scripts: scripts.FS, Lang: lang.l,
				})
				if ctx.Err() != nil || len(res.Tests) != 2 {
					t.Fatalf("the grader did not finish (%d tests reported)", len(res.Tests))
				}
				want := checks + ":7: TimeoutError: timed out: " + lang.want
				if got := res.Tests[0].Failures; len(got) == 0 || got[0] != want {
					t.Errorf("test_echo failed with %q, want first %q", got, want)
				}
			})
		}
	}
}
