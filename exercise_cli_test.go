package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/exercises"
)

// Tests of `sockplay test`, `sockplay exercise` and `--sandbox`. Every
// server here is on 127.0.0.1, port 0; every wait is bounded by the
// runner's timeouts and runCLI's.

const passingTests = `-- The bundled echo server answers in upper case.
function test_echo_server()
  local srv = test.start_server("tcp/echo_server")
  assert.eq(test.exchange(srv, "hello"), "HELLO")
  print("talked to", srv.port > 0)
end
`

const failingTests = `function test_wrong_reply()
  local srv = test.start_server("tcp/echo_server")
  assert.eq(test.exchange(srv, "hello"), "hello", "the reply")
end

-- An error ends a test.
-- hint: this one fails on purpose.
function test_raises()
  local s = socket.socket()
  s:connect({"127.0.0.1", 1})
end
`

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var summaryRE = regexp.MustCompile(`(?m)^(\d+) passed, (\d+) failed$`)

func summary(t *testing.T, out string) (passed, failed int) {
	t.Helper()
	m := summaryRE.FindAllStringSubmatch(out, -1)
	if len(m) != 1 {
		t.Fatalf("want one summary line \"N passed, N failed\", got %d in:\n%s", len(m), out)
	}
	passed, _ = strconv.Atoi(m[0][1])
	failed, _ = strconv.Atoi(m[0][2])
	return passed, failed
}

func TestCLITest(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a/pass_test.lua": passingTests,
		"b/fail_test.lua": failingTests,
		"b/helper.lua":    "this is not a test file",
	})
	junit := filepath.Join(t.TempDir(), "results.xml")
	r := runCLI(t, "", "test", dir, "-v", "--junit", junit)
	if r.code != exitError {
		t.Errorf("exit %d, want 1; stderr %s", r.code, r.stderr)
	}
	if p, f := summary(t, r.stdout); p != 1 || f != 2 {
		t.Errorf("%d passed, %d failed; want 1, 2:\n%s", p, f, r.stdout)
	}
	for _, want := range []string{
		"ok   " + filepath.Join(dir, "a/pass_test.lua") + ":2 test_echo_server (",
		"     | talked to\ttrue", // -v: the test's output
		"FAIL " + filepath.Join(dir, "b/fail_test.lua") + ":1 test_wrong_reply (",
		filepath.Join(dir, "b/fail_test.lua") + `:3: the reply: got "HELLO", want "hello"`,
		filepath.Join(dir, "b/fail_test.lua") + ":10: ConnectionRefusedError: [Errno 111] Connection refused",
		"hint: this one fails on purpose.",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}

	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(data, &suites); err != nil {
		t.Fatalf("JUnit XML: %v\n%s", err, data)
	}
	if suites.Tests != 3 || suites.Failures != 2 || len(suites.Suites) != 2 {
		t.Errorf("JUnit: %d tests, %d failures, %d suites; want 3, 2, 2\n%s", suites.Tests, suites.Failures, len(suites.Suites), data)
	} else if c := suites.Suites[1].Cases[0]; c.Name != "test_wrong_reply" || c.Failure == nil || !strings.Contains(c.Failure.Message, `got "HELLO"`) {
		t.Errorf("JUnit case %+v", c)
	}

	// -run selects; without failures the status is 0.
	r = runCLI(t, "", "test", "-run", "echo|nothing", dir)
	if r.code != exitOK || !strings.HasSuffix(r.stdout, "1 passed, 0 failed\n") || strings.Contains(r.stdout, "|") {
		t.Errorf("-run: %+v", r)
	}
}

func TestCLITestUsage(t *testing.T) {
	for _, args := range [][]string{{"test", "--help"}, {"exercise", "help"}} {
		if r := runCLI(t, "", args...); r.code != exitOK || !strings.HasPrefix(r.stdout, "usage:") {
			t.Errorf("sockplay %v: %+v", args, r)
		}
	}
	empty := t.TempDir()
	r := runCLI(t, "", "test", empty)
	if r.code != exitError || !strings.Contains(r.stderr, "no test files") || r.stdout != "0 passed, 0 failed\n" {
		t.Errorf("no test files: %+v", r)
	}
	for _, args := range [][]string{
		{"test", "--frob"},
		{"test", "-run", "("},
		{"test", "--junit"},
		{"test", "--timeout", "soon"},
		{"test", filepath.Join(empty, "missing")},
		{"test", "--target", filepath.Join(empty, "missing.lua")},
	} {
		if r := runCLI(t, "", args...); r.code != exitUsage {
			t.Errorf("sockplay %v: %+v, want exit 2", args, r)
		}
	}
	dir := writeFiles(t, map[string]string{"bad_test.lua": "function test_x() end end"})
	r = runCLI(t, "", "test", dir)
	if r.code != exitError || !strings.Contains(r.stdout, "bad_test.lua:1: syntax error near 'end'") {
		t.Errorf("syntax error: %+v", r)
	}
}

// The teacher's CI: every exercise's checks pass on its solution.
func TestCLITestExercises(t *testing.T) {
	r := runCLI(t, "", "test", "--sandbox", "exercises")
	passed, failed := summary(t, r.stdout)
	if r.code != exitOK || failed != 0 || passed < 3*len(exercises.List()) {
		t.Errorf("sockplay test exercises: exit %d, %d passed, %d failed\n%s%s", r.code, passed, failed, r.stdout, r.stderr)
	}
}

// A student's session: start, check the starter, check a solution.
func TestCLIExercise(t *testing.T) {
	r := runCLI(t, "", "exercise", "list")
	if r.code != exitOK || len(strings.Split(strings.TrimSpace(r.stdout), "\n")) < len(exercises.List())+1 ||
		!strings.Contains(r.stdout, "1. echo_upper ") {
		t.Errorf("list: %+v", r)
	}

	dir := t.TempDir()
	r = runCLI(t, "", "exercise", "start", "echo_upper", dir)
	starter := filepath.Join(dir, "echo_upper.lua")
	if r.code != exitOK || !strings.Contains(r.stdout, "sockplay exercise check echo_upper "+starter) {
		t.Fatalf("start: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "echo_upper.md")); err != nil {
		t.Errorf("start wrote no task: %v", err)
	}
	if r := runCLI(t, "", "exercise", "start", "echo_upper", dir); r.code != exitUsage || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("second start: %+v", r)
	}

	r = runCLI(t, "", "exercise", "check", "echo_upper", starter)
	if r.code != exitError {
		t.Errorf("check of the starter: exit %d, want 1", r.code)
	}
	if p, f := summary(t, r.stdout); p != 0 || f == 0 {
		t.Errorf("the starter: %d passed, %d failed", p, f)
	}
	for _, want := range []string{
		"in the sandbox",
		"  FAIL  A message comes back in upper case.\n",
		"        echo_upper_test.lua:", // the check, not its temporary copy
		"        hint: after accept, conn:recv(1024)",
		"Not yet:",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("check output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, os.TempDir()+"/sockplay-check-") {
		t.Errorf("check output shows the temporary copy:\n%s", r.stdout)
	}

	solution, err := exercises.FS.ReadFile("echo_upper/solution/echo_upper.lua")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(starter, solution, 0o644); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, "", "exercise", "check", "echo_upper", starter)
	if r.code != exitOK || !strings.Contains(r.stdout, "  PASS  A message comes back in upper case.\n") || !strings.Contains(r.stdout, "Every check passes") {
		t.Errorf("check of a solution: %+v", r)
	}

	for _, args := range [][]string{
		{"exercise"},
		{"exercise", "frob"},
		{"exercise", "start"},
		{"exercise", "start", "nope"},
		{"exercise", "check", "echo_upper"},
		{"exercise", "check", "nope", starter},
		{"exercise", "check", "echo_upper", filepath.Join(dir, "missing.lua")},
	} {
		if r := runCLI(t, "", args...); r.code != exitUsage {
			t.Errorf("sockplay %v: %+v, want exit 2", args, r)
		}
	}
}

// Hostile student scripts: each check fails with the sandbox's message,
// every check still runs, the grader ends normally.
func TestCLIExerciseCheckHostile(t *testing.T) {
	for _, tc := range []struct{ name, code, want string }{
		{"os.execute", `os.execute("touch /tmp/sockplay-check-escaped")`, "PermissionError: sandbox: os.execute is not allowed"},
		{"io.popen", `io.popen("id")`, "PermissionError: sandbox: io.popen is not allowed"},
		{"writing to /etc", `io.open("/etc/sockplay-check", "w")`, `sandbox: io.open("/etc/sockplay-check") refused`},
		{"binding 0.0.0.0", `socket.create_server({"0.0.0.0", 0})`, "sandbox: bind to 0.0.0.0:0 refused"},
		{"connecting out", `socket.create_connection({"192.168.1.1", 80})`, "sandbox: connect to 192.168.1.1:80 refused"},
		{"spawn bomb", `local function b() spawn(b) spawn(b) end b()`, "sandbox: too many tasks"},
		{"socket cap", `while true do socket.socket() end`, "sandbox: too many open sockets"},
		{"huge string", `local s = ("x"):rep(2^40)`, "sandbox: string.rep would build"},
		{"deep recursion", `local function f() return 1 + f() end f()`, "stack overflow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"mine.lua": tc.code})
			r := runCLI(t, "", "exercise", "check", "echo_upper", filepath.Join(dir, "mine.lua"))
			if r.code != exitError {
				t.Errorf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
			}
			if p, f := summary(t, r.stdout); p != 0 || f != 4 {
				t.Errorf("%d passed, %d failed; want every check to run and fail", p, f)
			}
			if n := strings.Count(r.stdout, tc.want); n != 4 {
				t.Errorf("%q appears %d times, want once per check:\n%s", tc.want, n, r.stdout)
			}
		})
	}
	if _, err := os.Stat("/tmp/sockplay-check-escaped"); err == nil {
		t.Errorf("os.execute ran a command")
	}
}

// An endless loop hits the time limit; the next test still runs.
func TestCLITestSandboxTimeLimit(t *testing.T) {
	dir := writeFiles(t, map[string]string{"loop_test.lua": `
function test_endless()
  while true do end
end

function test_after()
  assert.eq(1 + 1, 2)
end
`})
	r := runCLI(t, "", "test", "--sandbox", "--timeout", "1s", dir)
	if r.code != exitError || !strings.Contains(r.stdout, "loop_test.lua:3: sandbox: time limit: the run took longer than 1s") {
		t.Errorf("%+v", r)
	}
	if p, f := summary(t, r.stdout); p != 1 || f != 1 {
		t.Errorf("%d passed, %d failed; want 1, 1", p, f)
	}
}

func TestCLIRunSandbox(t *testing.T) {
	r := runCLI(t, "", "run", "--sandbox", "--timeout", "1s", "-e", "while true do end")
	if r.code != exitError || !strings.Contains(r.stderr, "(command line):1: sandbox: time limit") {
		t.Errorf("endless loop: %+v", r)
	}
	r = runCLI(t, "", "--sandbox", "-e", `io.open("/etc/sockplay-run", "w")`)
	if r.code != exitError || !strings.Contains(r.stderr, "PermissionError: sandbox:") {
		t.Errorf("write to /etc: %+v", r)
	}
	// The script's own directory: writable during the run, gone after it.
	r = runCLI(t, "", "--sandbox", "-e", `local d = os.getenv("TMPDIR")
local f = assert(io.open(d .. "/x", "w")) f:write("x") f:close()
print(d)`)
	dir := strings.TrimSpace(r.stdout)
	if r.code != exitOK || dir == "" {
		t.Fatalf("temp dir: %+v", r)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the sandbox's directory %s is still there: %v", dir, err)
	}
	// Loopback works as usual: a bundled server and client in one script.
	path := writeScript(t, "pair.lua", `local srv = socket.create_server({"localhost", 0})
local c = socket.create_connection(srv:getsockname())
local conn = srv:accept()
c:sendall("ping")
print(conn:recv(10))`)
	if r := runCLI(t, "", "run", "--sandbox", path); r.code != exitOK || r.stdout != "ping\n" {
		t.Errorf("loopback: %+v", r)
	}
	for _, args := range [][]string{{"--sandbox"}, {"run", "--sandbox", "--timeout"}, {"--sandbox", "--timeout", "x", path}} {
		if r := runCLI(t, "", args...); r.code != exitUsage {
			t.Errorf("sockplay %v: %+v, want exit 2", args, r)
		}
	}
}
