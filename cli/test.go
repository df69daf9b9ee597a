package cli

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sockplay/sockplay/internal/child"
	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/luatest"
	"github.com/sockplay/sockplay/scripts"
)

func newTestCommand(l i18n.Lang) *Command {
	c := &Command{
		UsageLine:    "test [-v] [-run PATTERN] [--junit FILE] [--sandbox] [--timeout D] [--target FILE] [limits] [PATH...]",
		Short:        l.Sprintf("run Lua test files (*_test.lua), as go test does"),
		Interspersed: true,
		Long: l.Sprintf(`
Test runs the test_* functions of *_test.lua files and prints a line per
test, as go test does. PATH is a test file or a folder: every *_test.lua
below it (default: the current folder). Flags and paths may come in any
order. With --sandbox, each test runs in a process of its own, and
each script it starts in one more, under the limits (--memory, --cpu,
--files, --file-size, --allow-read; each implies --sandbox). See
docs/EXERCISES.md.

Exit status: 0 all passed, 1 a test failed (or none was found), 2 usage,
130 interrupted.
`),
	}
	var fl testFlags
	c.Flag.BoolVar(&fl.verbose, "v", false, l.Sprintf("show every test's output"))
	c.Flag.Var(regexpValue(&fl.run), "run", l.Sprintf("only the tests whose name matches the regular expression `PATTERN`"))
	c.Flag.Var(fileValue(&fl.junit), "junit", l.Sprintf("also write the results as JUnit XML to `FILE` (for CI)"))
	c.Flag.BoolVar(&fl.sandbox, "sandbox", false, l.Sprintf("confine the tests and the scripts they start (as sockplay run --sandbox)"))
	c.Flag.Var(durationValue(&fl.timeout, false), "timeout", l.Sprintf("the time limit of each test: `D` (default 30s)"))
	c.Flag.Var(fileValue(&fl.target), "target", l.Sprintf("the script under test, what test.target() returns: `FILE`"))
	c.Flag.Var(sizeValue(&fl.output), "output", l.Sprintf("what is kept of each test's output and failures: `SIZE`\n(default 64KiB)"))
	fl.limits.register(l, &c.Flag, l.Sprintf("each implies --sandbox"))
	c.Run = func(io *stdio, paths []string) int {
		fl.paths = paths
		if len(fl.paths) == 0 {
			fl.paths = []string{"."}
		}
		return runTests(c, &fl, io)
	}
	return c
}

type testFlags struct {
	verbose bool
	run     *regexp.Regexp
	junit   string
	sandbox bool
	timeout time.Duration
	target  string
	output  int64
	limits  sandboxFlags
	paths   []string
}

func runTests(c *Command, fl *testFlags, io *stdio) int {
	stdout, stderr := io.stdout, io.stderr
	if fl.target != "" {
		if st, err := os.Stat(fl.target); err != nil || st.IsDir() {
			return reportUsage(stderr, c.usageErrorf("--target %s: no such file", fl.target))
		}
	}
	files, err := luatest.Files(fl.paths)
	if err != nil {
		return reportUsage(stderr, c.usageErrorf("%v", err))
	}
	l := io.lang
	if len(files) == 0 {
		l.Fprintf(stderr, "sockplay test: no test files (*_test.lua) in %s\n", strings.Join(fl.paths, " "))
		printCounts(l, stdout, 0, 0)
		return exitError
	}

	opts := luatest.Options{
		Run:         fl.run,
		Target:      fl.target,
		Sandbox:     fl.sandbox || fl.limits.anyGiven(&c.Flag),
		Timeout:     fl.timeout,
		Scripts:     scripts.FS,
		OutputLimit: int(fl.output),
		Lang:        l,
		Report:      func(r *luatest.TestResult) { printTestResult(l, stdout, r, fl.verbose) },
	}
	if opts.Sandbox {
		sandboxGC()
		isolate(&opts, &fl.limits)
	}
	if fl.verbose {
		printLayers(stdout, opts)
	}
	ctx, stop := interruptible(l, stderr)
	defer stop()
	res := luatest.Run(ctx, files, opts)
	passed, failed := res.Counts()
	printCounts(l, stdout, passed, failed)
	if fl.junit != "" {
		if err := writeJUnit(fl.junit, res); err != nil {
			why := err.Error()
			l.Fprintf(stderr, "sockplay test: --junit: %s\n", why)
			return exitError
		}
	}
	switch {
	case ctx.Err() != nil:
		l.Fprintf(stderr, "interrupted\n")
		return exitInterrupted
	case failed > 0:
		return exitError
	case passed == 0:
		l.Fprintf(stderr, "sockplay test: no test matched\n")
		return exitError
	}
	return exitOK
}

// printCounts prints the last line, how many tests passed and failed (as
// text: x/text's printer would group the digits).
func printCounts(l i18n.Lang, w io.Writer, passed, failed int) {
	l.Fprintf(w, "%s passed, %s failed\n", strconv.Itoa(passed), strconv.Itoa(failed))
}

// printTestResult prints one line per test, as go test does, and under a
// failed test what failed (and the test's hint, in l where it has one);
// -v adds the output.
func printTestResult(l i18n.Lang, w io.Writer, r *luatest.TestResult, verbose bool) {
	status := "ok  "
	if !r.Passed() {
		status = "FAIL"
	}
	where := r.File
	if r.Line > 0 {
		where = fmt.Sprintf("%s:%d", r.File, r.Line)
	}
	name := r.Name
	if name == "" {
		name = l.Sprintf("(could not load)")
	}
	fmt.Fprintf(w, "%s %s %s (%.2fs)\n", status, where, name, r.Duration.Seconds())
	for _, f := range r.Failures {
		fmt.Fprintln(w, indent(f, "     "))
	}
	hint := r.Hint
	if l == i18n.Chinese && r.HintZh != "" {
		hint = r.HintZh
	}
	if !r.Passed() && hint != "" {
		fmt.Fprintln(w, indent(strings.TrimSuffix(l.Sprintf("hint: %s\n", hint), "\n"), "     "))
	}
	if verbose && r.Output != "" {
		fmt.Fprintln(w, indent(strings.TrimRight(r.Output, "\n"), "     | "))
	}
}

// isolate runs each test, and each script it starts, in a process of
// its own under the limits of l (where this system offers them).
func isolate(opts *luatest.Options, l *sandboxFlags) {
	opts.AllowRead = l.allowRead
	if child.Supported {
		opts.Isolate = l.isolation()
	}
}

// printLayers says what confines the tests here (sockplay test -v), in
// the tests' language.
func printLayers(w io.Writer, opts luatest.Options) {
	l := opts.Lang
	switch {
	case !opts.Sandbox:
		l.Fprintf(w, "sandbox: none (the tests run in this process; --sandbox confines them)\n")
	case opts.Isolate == nil:
		l.Fprintf(w, "sandbox layers: in-process policy (no child processes on this system)\n")
	default:
		layers, err := opts.Isolate.Layers(l, opts.Timeout)
		if err != nil {
			why := err.Error()
			layers = l.Sprintf("child process (%s), in-process policy", why)
		}
		l.Fprintf(w, "sandbox layers: %s\n", layers)
	}
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

func writeJUnit(path string, res *luatest.Result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := res.WriteJUnit(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
