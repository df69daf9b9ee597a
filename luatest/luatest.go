// Package luatest runs Lua test files, as `sockplay test` and `sockplay
// exercise check` do.
//
// A test file is named *_test.lua. Its tests are the global functions
// whose names start with test_ (as Go's TestXxx), in the order they are
// defined; each runs in a fresh runtime (the file's top level runs again
// first). A test fails when one of its assertions fails — the assertions
// report and let the test go on, as testing.T's Errorf does — or when it
// raises an error. In a test, two modules are available: assert
// (assert.go) and test (helpers.go: the script under test, background
// servers, clients, sockets with deadlines).
//
// The comment right above a test function is its description; lines from
// one starting with "hint:" on are the hint shown when it fails; "zh:"
// and "zh hint:" start the same two in Simplified Chinese, which a
// Chinese user reads (TestResult.Text):
//
//	-- The server answers in upper case.
//	-- hint: send data:upper() back, with sendall.
//	-- zh: 服务端用大写回答。
//	-- zh hint: 用 sendall 把 data:upper() 发回去。
//	function test_upper_case()
package luatest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sockplay/sockplay/internal/child"
	"github.com/sockplay/sockplay/internal/luaassert"
	"github.com/sockplay/sockplay/internal/syncbuf"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lua/ast"
	"github.com/sockplay/sockplay/lua/parse"
	"github.com/sockplay/sockplay/luabind"
)

// Defaults for the zero fields of Options.
const (
	DefaultTimeout     = 30 * time.Second
	DefaultIOTimeout   = 5 * time.Second
	DefaultOutputLimit = 64 << 10
)

// stopGrace is how long a run may take to end once cancelled before it is
// abandoned: only a Go call that never returns (gopher-lua cannot
// interrupt one) takes longer. A variable for the tests.
var stopGrace = 5 * time.Second

// Options configure Run.
type Options struct {
	// Run selects the tests whose name matches; nil: every test.
	Run *regexp.Regexp
	// Target is what test.target() returns: the script under test. "":
	// the default the test file passes to test.target, relative to the
	// test file.
	Target string
	// Sandbox confines every script of a test — the test itself, the
	// servers and clients it starts — with luabind's Sandbox, a fresh
	// temporary directory per test and Timeout as the time limit.
	Sandbox bool
	// TrustTests leaves the tests themselves out of the sandbox, only the
	// scripts they start in it: for checks the teacher wrote, so that a
	// student's script hitting a limit is reported as its own failure.
	TrustTests bool
	// Timeout bounds each test. Default 30s.
	Timeout time.Duration
	// IOTimeout is test.timeout, how long the helpers wait for a line,
	// a connection or a reply. Default 5s.
	IOTimeout time.Duration
	// AllowRead are files and folders the sandboxed scripts may read
	// besides their own file and the test's folder (data a teacher hands
	// out).
	AllowRead []string
	// Isolate, if set, runs each test in a child process of its own, and
	// every script it starts in a child of that (child.go). The program
	// must call ServeChild first thing.
	Isolate *Isolation
	// OutputLimit is how much of a test's output, and of each failure,
	// is kept (the rest is dropped, with a note). Default 64 KiB.
	OutputLimit int
	// Scripts holds the bundled scripts that start_server and run accept
	// by name ("tcp/echo_server"); nil: files only.
	Scripts fs.FS
	// Report, if set, is called after each test, in order.
	Report func(*TestResult)
	// Strict runs the scripts a test starts (start_server, run) as
	// --strict does: reading a global never assigned is an error.
	Strict bool
	// Lang is the language of the hints of the runtimes (luabind's
	// Options.Lang): what the scripts under test are warned about; and of
	// what the runner and the test module say of them (a server that
	// ended early, a test that timed out).
	Lang luabind.Language
}

func (o Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

func (o Options) outputLimit() int {
	if o.OutputLimit > 0 {
		return o.OutputLimit
	}
	return DefaultOutputLimit
}

func (o Options) ioTimeout() time.Duration {
	if o.IOTimeout > 0 {
		return o.IOTimeout
	}
	return DefaultIOTimeout
}

// TestResult is one test's outcome.
type TestResult struct {
	File     string // the test file, as found
	Name     string // test_...; "" for a file that could not be loaded
	Line     int    // where the function is defined
	Doc      string // the comment above it, without the hint
	Hint     string // the comment's "hint:" part, or what a server it started was warned about
	DocZh    string // the comment's "zh:" part: Doc in Chinese
	HintZh   string // the comment's "zh hint:" part: its own hint in Chinese
	Failures []string
	Output   string // what the test printed, and the test.log lines
	Duration time.Duration
}

// Passed reports whether the test passed.
func (r *TestResult) Passed() bool { return len(r.Failures) == 0 }

// Result is the outcome of a Run.
type Result struct {
	Tests []*TestResult
}

// Counts returns how many tests passed and failed.
func (r *Result) Counts() (passed, failed int) {
	for _, t := range r.Tests {
		if t.Passed() {
			passed++
		} else {
			failed++
		}
	}
	return passed, failed
}

// Files expands paths into test files: a file as is, a folder into every
// *_test.lua below it (hidden folders skipped), sorted.
func Files(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != p && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), "_test.lua") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, nil
}

// Run runs the tests of files, one at a time. ctx ends the run early
// (the test in progress fails as interrupted).
func Run(ctx context.Context, files []string, opts Options) *Result {
	res := &Result{}
	report := func(r *TestResult) {
		sanitize(r, opts.outputLimit())
		res.Tests = append(res.Tests, r)
		if opts.Report != nil {
			opts.Report(r)
		}
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			report(&TestResult{File: file, Failures: []string{err.Error()}})
			continue
		}
		tests, err := discover(file, src)
		if err != nil {
			report(&TestResult{File: file, Failures: []string{err.Error()}})
			continue
		}
		if len(tests) == 0 {
			report(&TestResult{File: file, Failures: []string{file + ": no tests (global functions named test_...)"}})
			continue
		}
		for _, t := range tests {
			if opts.Run != nil && !opts.Run.MatchString(t.Name) {
				continue
			}
			if ctx.Err() != nil {
				return res
			}
			if opts.Isolate != nil && child.Supported {
				report(runTestInChild(ctx, file, t, opts))
				continue
			}
			report(runTest(ctx, file, string(src), t, opts))
		}
	}
	return res
}

// discover finds the test functions of a file without running it: the
// global functions named test_..., by the file's syntax tree.
func discover(file string, src []byte) ([]*TestResult, error) {
	chunk, err := parse.Parse(bytes.NewReader(src), file)
	if err != nil {
		// As the runner and the REPL show it: the line, a caret, a hint.
		return nil, errors.New(strings.TrimSuffix(luabind.NewSyntaxError(file, string(src), err).Report(), "\n"))
	}
	lines := strings.Split(string(src), "\n")
	var tests []*TestResult
	seen := map[string]bool{}
	add := func(name string, line int) {
		if !strings.HasPrefix(name, "test_") || seen[name] {
			return
		}
		seen[name] = true
		c := docComment(lines, line)
		tests = append(tests, &TestResult{File: file, Name: name, Line: line, Doc: c.doc, Hint: c.hint, DocZh: c.docZh, HintZh: c.hintZh})
	}
	for _, stmt := range chunk {
		switch s := stmt.(type) {
		case *ast.FuncDefStmt:
			if id, ok := s.Name.Func.(*ast.IdentExpr); ok && s.Name.Receiver == nil {
				add(id.Value, s.Line())
			}
		case *ast.AssignStmt:
			for i, lhs := range s.Lhs {
				id, ok := lhs.(*ast.IdentExpr)
				if ok && i < len(s.Rhs) {
					if _, isFn := s.Rhs[i].(*ast.FunctionExpr); isFn {
						add(id.Value, s.Line())
					}
				}
			}
		}
	}
	return tests, nil
}

// A comment is a test's description and hint, in English and Chinese.
type comment struct{ doc, hint, docZh, hintZh string }

// docComment reads the comment lines right above line (1-based): the
// description, then from a line starting with "hint:" on the hint, from
// "zh:" the Chinese description, from "zh hint:" the Chinese hint.
func docComment(lines []string, line int) comment {
	var block []string
	for i := line - 2; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(l, "--") || strings.HasPrefix(l, "--[[") {
			break
		}
		block = append([]string{strings.TrimSpace(strings.TrimLeft(l, "-"))}, block...)
	}
	var parts [4][]string // doc, hint, docZh, hintZh
	part := 0
	for _, l := range block {
		for i, prefix := range [...]string{"", "hint:", "zh:", "zh hint:"} {
			if rest, ok := strings.CutPrefix(l, prefix); ok && prefix != "" {
				part, l = i, strings.TrimSpace(rest)
			}
		}
		parts[part] = append(parts[part], l)
	}
	join := func(p []string) string { return strings.TrimSpace(strings.Join(p, " ")) }
	return comment{join(parts[0]), join(parts[1]), join(parts[2]), join(parts[3])}
}

// testRun is one test in progress: its runtime and what it reports.
type testRun struct {
	opts    Options
	file    string
	dir     string
	src     string
	tmp     string
	sandbox *luabind.Sandbox
	rt      *luabind.Runtime

	mu       sync.Mutex
	failures []string
	output   *syncbuf.Buffer
	servers  []*server
}

// rootCause puts first among a failed test's failures what the server s
// was warned about, if anything: a server that spins on recv's "" never
// answers, and the check's own failure (a timeout) would say nothing of
// why. The hint becomes the warning's.
func (tr *testRun) rootCause(s *server, res *TestResult) {
	if len(s.run.warnings) == 0 {
		return
	}
	w := s.run.warnings[0]
	tr.mu.Lock()
	defer tr.mu.Unlock()
	// The failure says what the server was warned about: its name, the warning.
	tr.failures = append([]string{tr.opts.Lang.Sprintf("server %s: %s", s.name, w.Msg)}, tr.failures...)
	res.Hint = w.Hint
	res.HintZh = "" // the warning's hint comes before the test's own
}

func (tr *testRun) fail(msg string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.failures = append(tr.failures, msg)
}

func (tr *testRun) logf(format string, args ...any) {
	fmt.Fprintf(tr.output, format, args...)
}

// Write is the test runtime's stdout: the test's output.
func (tr *testRun) Write(p []byte) (int, error) {
	return tr.output.Write(p)
}

const driver = `test.__run(arg[1])`

func runTest(ctx context.Context, file, src string, res *TestResult, opts Options) *TestResult {
	return inTestDir(res, func(tmp string) *TestResult { return runTestIn(ctx, file, src, res, opts, tmp) })
}

// inTestDir runs a test, timed, with a new temporary folder of its own:
// removed after it, or by child.Cleanup if the process must end first.
func inTestDir(res *TestResult, run func(tmp string) *TestResult) *TestResult {
	start := time.Now()
	defer func() { res.Duration = time.Since(start) }()
	tmp, err := os.MkdirTemp("", "sockplay-test-")
	if err != nil {
		res.Failures = []string{err.Error()}
		return res
	}
	child.OwnDir(tmp)
	defer child.RemoveDir(tmp)
	return run(tmp)
}

// endSeenWithin is how long a failed test waits for a server's end to be
// seen before reporting how the server ended.
const endSeenWithin = 500 * time.Millisecond

// runTestIn runs a test with tmp as its folder.
func runTestIn(ctx context.Context, file, src string, res *TestResult, opts Options, tmp string) *TestResult {
	tr := &testRun{opts: opts, file: file, dir: filepath.Dir(file), src: src, tmp: tmp,
		output: &syncbuf.Buffer{Limit: opts.outputLimit()}}
	if opts.Sandbox {
		// The test reads the files beside it, and what the teacher allows.
		tr.sandbox = newSandbox(opts, tmp, append([]string{tr.dir}, opts.AllowRead...))
	}
	stderr := syncbuf.Buffer{Limit: opts.outputLimit()}
	testSandbox := tr.sandbox
	if opts.TrustTests {
		testSandbox = nil
	}
	tr.rt = luabind.New(luabind.Options{
		Stdout:  tr,
		Stderr:  &stderr,
		Scripts: opts.Scripts,
		Modules: map[string]lua.LGFunction{"assert": luaassert.LoaderIn(opts.Lang, tr), "test": tr.open},
		Sandbox: testSandbox,
		Lang:    opts.Lang,
	})

	limit := opts.timeout()
	if tr.sandbox != nil {
		// The sandbox's own limit names the line the test (or the script
		// it waits for) was on; the runner's deadline is the backstop and
		// must not win the race.
		limit += time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	err, finished := runBounded(ctx, tr.rt, func(ctx context.Context) error {
		return tr.rt.RunString(ctx, "(sockplay test)", driver, []string{res.Name})
	})
	switch {
	case !finished:
		tr.fail(opts.Lang.Sprintf("%s did not stop within %v of its time limit (a call that cannot be interrupted); abandoned", res.Name, stopGrace))
	case err != nil:
		tr.fail(describeRunError(opts.Lang, err, ctx, opts.timeout(), false))
	}
	if s := stderr.String(); s != "" {
		tr.fail(opts.Lang.Sprintf("the test wrote to stderr (an error in a spawned task?):\n%s", strings.TrimRight(s, "\n")))
	}
	failed := len(tr.failures) > 0
	for _, s := range tr.servers {
		if failed && !s.ended() {
			// A server in a child process that ended (and so failed the
			// check) may not have been seen to end yet: its end, and
			// its stderr, are why the check failed.
			timer := time.NewTimer(endSeenWithin)
			select {
			case <-s.run.done:
			case <-timer.C:
			}
			timer.Stop()
		}
		endedEarly := s.ended()
		s.stop()
		if msg := s.report(endedEarly); msg != "" && failed {
			tr.fail(msg)
		}
		if failed {
			tr.rootCause(s, res)
		}
	}
	if finished {
		tr.rt.Close()
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	res.Failures = tr.failures
	res.Output = tr.output.String()
	return res
}

// runBounded runs run(ctx) and waits for it; once ctx is done, it waits
// stopGrace more and then gives up on it (finished false). rt is then
// left as it is: closing it would wait for the runaway call too.
func runBounded(ctx context.Context, rt *luabind.Runtime, run func(context.Context) error) (err error, finished bool) {
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	select {
	case err := <-done:
		return err, true
	case <-ctx.Done():
	}
	rt.Cancel()
	timer := time.NewTimer(stopGrace)
	defer timer.Stop()
	select {
	case err := <-done:
		return err, true
	case <-timer.C:
		return nil, false
	}
}

// describeRunError is a run's error as one message in l: the runner's text,
// and with hint, luabind's hint for it in parentheses on a line of its
// own. (A test's own errors go without: the hint would be about the
// check's call, not the script under test.)
func describeRunError(l luabind.Language, err error, ctx context.Context, limit time.Duration, hint bool) string {
	var e *luabind.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	switch e.Kind {
	case luabind.Interrupted:
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return l.Sprintf("did not finish within %v", limit)
		}
		return l.Sprintf("interrupted")
	case luabind.Exit:
		return fmt.Sprintf("os.exit(%d)", e.Code)
	}
	msg := e.Msg
	if hint && e.Hint != "" {
		msg += "\n(" + e.Hint + ")"
	}
	return msg
}
