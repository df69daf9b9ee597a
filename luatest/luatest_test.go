package luatest

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/scripts"
)

// The runner's tests run testdata/pass_test.lua, whose tests must all
// pass, and testdata/fail_test.lua, whose tests fail in known ways.

func run(t *testing.T, file string, opts Options) map[string]*TestResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opts.Scripts = scripts.FS
	res := Run(ctx, []string{file}, opts)
	byName := map[string]*TestResult{}
	for _, r := range res.Tests {
		byName[r.Name] = r
	}
	return byName
}

// modes are the ways tests run: in this process, with and without the
// sandbox, and each test in a child process (as sockplay test --sandbox
// and exercise check run them).
var modes = []struct {
	name string
	opts Options
}{
	{"in-process", Options{}},
	{"sandbox", Options{Sandbox: true}},
	{"isolated", Options{Sandbox: true, Isolate: &Isolation{}}},
}

func TestPassing(t *testing.T) {
	for _, mode := range modes {
		sandbox := mode.name
		res := run(t, filepath.Join("testdata", "pass_test.lua"), mode.opts)
		if len(res) != 14 {
			t.Errorf("%s: %d tests, want 14", sandbox, len(res))
		}
		for name, r := range res {
			if !r.Passed() {
				t.Errorf("%s: %s failed:\n%s", sandbox, name, strings.Join(r.Failures, "\n"))
			}
		}
		if _, ok := res["test_local_is_not_a_test"]; ok {
			t.Errorf("a local function ran as a test")
		}
		if r := res["test_log"]; r == nil || r.Output != "testdata/pass_test.lua:121: logged\t42\n" {
			t.Errorf("test_log output: %+v", r)
		}
	}
}

func TestFailures(t *testing.T) {
	const f = "testdata/fail_test.lua:"
	want := map[string][]string{
		"test_eq": {
			f + `4: context: got "a", want "b"`,
			f + "6: got 2, want anything else",
		},
		"test_more_assertions": {
			f + "10: got nil, want a true value",
			f + `11: "hello" does not contain "xyz"`,
			f + "12: the table has no value 2",
			f + `13: "port x" does not match "^port %d+$"`,
			f + "14: got 1, want 2 ± 0.5",
			f + `15: got "abc", want a number near 2`,
			f + "16: no error raised, want OSError",
			f + `17: raised "` + f + `17: boom", want a TimeoutError`,
			f + `18: raised "` + f + `18: boom", want an error containing "bang"`,
			f + "19: by hand",
		},
		"test_error_ends_the_test": {f + "24: attempt to index a nil value (local 'x')"},
		"test_helper_error_at_the_callers_line": {
			f + "29: ConnectionRefusedError: [Errno 111] Connection refused",
		},
		"test_silent_server": {
			f + `33: server testdata/scripts/silent.lua printed nothing within 1s: a server must first print "server is listening on HOST:PORT"`,
		},
		"test_chatty_server": {
			f + `37: server testdata/scripts/chatty.lua printed "hello there" first; a server must first print "server is listening on HOST:PORT"`,
		},
		"test_crashing_server": {
			f + "45: server testdata/scripts/crash.lua ended without printing another line: testdata/scripts/crash.lua:7: attempt to index a nil value (local 'x')",
		},
		"test_no_such_script": {
			f + `49: test.start_server: no script "scripts/missing.lua": neither a file (next to the test file or here) nor a bundled script`,
		},
		"test_too_slow": {"did not finish within 3s"},
		"test_stderr": {
			"the test wrote to stderr (an error in a spawned task?):\nerror in task 2 (spawned at " + f + "57):\n" + f + "57: in a task",
		},
		"test_with_doc": {f + "65: fails"},
		"test_recv_until_times_out": {
			f + `79: TimeoutError: timed out: 3 bytes came back without "\n" in them, then nothing more within 1s`,
		},
		"test_recv_exactly_times_out": {
			f + "84: TimeoutError: timed out: 3 of 10 bytes came back, then nothing more within 1s",
		},
		"test_udp_times_out":    {f + "88: TimeoutError: timed out: no datagram came back within 1s"},
		"test_accept_times_out": {f + "94: TimeoutError: timed out: no client connected within 1s"},
	}
	for _, mode := range []Options{{}, {Isolate: &Isolation{}}} {
		mode.Timeout, mode.IOTimeout = 3*time.Second, time.Second
		t.Run(fmt.Sprintf("isolated=%v", mode.Isolate != nil), func(t *testing.T) { checkFailures(t, want, mode) })
	}
}

func checkFailures(t *testing.T, want map[string][]string, opts Options) {
	res := run(t, filepath.Join("testdata", "fail_test.lua"), opts)
	if len(res) != len(want) {
		t.Errorf("%d tests ran, want %d", len(res), len(want))
	}
	for name, failures := range want {
		r := res[name]
		if r == nil {
			t.Errorf("%s did not run", name)
			continue
		}
		if len(r.Failures) != len(failures) {
			t.Errorf("%s: %d failures, want %d:\n%s", name, len(r.Failures), len(failures), strings.Join(r.Failures, "\n"))
			continue
		}
		for i, w := range failures {
			if !strings.HasPrefix(r.Failures[i], w) {
				t.Errorf("%s: failure %d\n%q\nwant it to start with\n%q", name, i, r.Failures[i], w)
			}
		}
	}
	if r := res["test_with_doc"]; r == nil || r.Doc != "A failing check with a description." || r.Hint != "the hint, on two lines." || r.Line != 64 {
		t.Errorf("test_with_doc: %+v", r)
	}
}

// A run that does not end once cancelled (a Go call gopher-lua cannot
// interrupt) is abandoned after the grace period, so the runner goes on.
func TestRunBoundedAbandons(t *testing.T) {
	defer func(g time.Duration) { stopGrace = g }(stopGrace)
	stopGrace = 50 * time.Millisecond
	rt := luabind.New(luabind.Options{})
	defer rt.Close()
	release := make(chan struct{})
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, finished := runBounded(ctx, rt, func(context.Context) error {
		<-release // ignores ctx, as a runaway Go call does
		return nil
	})
	if finished {
		t.Errorf("runBounded reports a stuck run as finished")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("runBounded took %v", d)
	}
	err, finished := runBounded(context.Background(), rt, func(context.Context) error { return errors.New("done") })
	if !finished || err == nil || err.Error() != "done" {
		t.Errorf("a run that ends: %v, %v", err, finished)
	}
}

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a_test.lua", "sub/b_test.lua", "sub/c.lua", ".hidden/d_test.lua"} {
		path := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.WriteFile(path, []byte("function test_x() end"), 0o644)
	}
	files, err := Files([]string{dir, filepath.Join(dir, "sub/c.lua")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "a_test.lua"), filepath.Join(dir, "sub/b_test.lua"), filepath.Join(dir, "sub/c.lua")}
	if strings.Join(files, " ") != strings.Join(want, " ") {
		t.Errorf("Files = %v, want %v", files, want)
	}
	if _, err := Files([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Errorf("a missing path is not an error")
	}
}

func TestNoTestsAndRunFilter(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty_test.lua")
	os.WriteFile(empty, []byte("local x = 1\n"), 0o644)
	res := Run(context.Background(), []string{empty}, Options{})
	if len(res.Tests) != 1 || res.Tests[0].Passed() || !strings.Contains(res.Tests[0].Failures[0], "no tests") {
		t.Errorf("a file without tests: %+v", res.Tests)
	}
	two := filepath.Join(dir, "two_test.lua")
	os.WriteFile(two, []byte("function test_a() end\nfunction test_b() error('b') end\n"), 0o644)
	res = Run(context.Background(), []string{two}, Options{Run: regexp.MustCompile("_a$")})
	if p, f := res.Counts(); p != 1 || f != 0 {
		t.Errorf("-run: %d passed, %d failed", p, f)
	}
}

func TestJUnit(t *testing.T) {
	res := &Result{Tests: []*TestResult{
		{File: "a_test.lua", Name: "test_ok", Duration: time.Millisecond},
		{File: "a_test.lua", Name: "test_bad", Failures: []string{"a_test.lua:3: got 1, want 2\nmore", "second"}, Hint: "try harder", Output: "printed <&>"},
		{File: "b_test.lua", Failures: []string{"b_test.lua:1: syntax error"}},
	}}
	var buf bytes.Buffer
	if err := res.WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if doc.Tests != 3 || doc.Failures != 2 || len(doc.Suites) != 2 || doc.Suites[0].Tests != 2 || doc.Suites[1].Cases[0].Name != "(load)" {
		t.Errorf("parsed: %+v", doc)
	}
	bad := doc.Suites[0].Cases[1]
	if bad.Failure == nil || bad.Failure.Message != "a_test.lua:3: got 1, want 2" ||
		bad.Failure.Text != "a_test.lua:3: got 1, want 2\nmore\nsecond\nhint: try harder" || bad.SystemOut != "printed <&>" {
		t.Errorf("failed case: %+v %+v", bad, bad.Failure)
	}
}

// Options.Strict reaches the scripts a test starts, also each in a child
// process of its own.
func TestStrict(t *testing.T) {
	file := filepath.Join("testdata", "strict", "strict_test.lua")
	for _, mode := range modes {
		opts := mode.opts
		opts.Strict = true
		for name, r := range run(t, file, opts) {
			if !r.Passed() {
				t.Errorf("%s: %s failed:\n%s", mode.name, name, strings.Join(r.Failures, "\n"))
			}
		}
		// Without it, the same read is nil and a warning: the test fails.
		for name, r := range run(t, file, mode.opts) {
			if r.Passed() {
				t.Errorf("%s: %s passed without Strict", mode.name, name)
			}
		}
	}
}
