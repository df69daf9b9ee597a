package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/sockplay/sockplay/luatest"
	"github.com/sockplay/sockplay/scripts"
)

// sockplay test [flags] [PATH...]: Lua test files, reported as go test
// does. The runner is package luatest.

const testUsage = `usage: sockplay test [-v] [-run PATTERN] [--junit FILE] [--sandbox] [--timeout D] [--target FILE] [PATH...]
  PATH            a *_test.lua file, or a folder: every *_test.lua below it (default .)
  -v              show every test's output
  -run PATTERN    only the tests whose name matches the regular expression
  --junit FILE    also write the results as JUnit XML (for CI)
  --sandbox       confine the tests and the scripts they start (sockplay run --sandbox)
  --timeout D     the limit of each test (default 30s)
  --target FILE   the script under test: what test.target() returns
Exit status: 0 all passed, 1 a test failed (or none was found), 2 usage.
`

type testFlags struct {
	verbose bool
	run     *regexp.Regexp
	junit   string
	sandbox bool
	timeout time.Duration
	target  string
	paths   []string
}

// parseTestFlags reads flags and paths in any order, as go test does;
// flags take one or two dashes.
func parseTestFlags(args []string) (testFlags, error) {
	var fl testFlags
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			fl.paths = append(fl.paths, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		needValue := func() (string, error) {
			if hasValue {
				return value, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s needs a value", a)
			}
			i++
			return args[i], nil
		}
		switch name {
		case "v":
			fl.verbose = true
		case "sandbox":
			fl.sandbox = true
		case "run", "junit", "timeout", "target":
			v, err := needValue()
			if err != nil {
				return fl, err
			}
			switch name {
			case "run":
				re, err := regexp.Compile(v)
				if err != nil {
					return fl, fmt.Errorf("-run %s: %v", v, err)
				}
				fl.run = re
			case "junit":
				fl.junit = v
			case "timeout":
				d, err := time.ParseDuration(v)
				if err != nil || d <= 0 {
					return fl, fmt.Errorf("--timeout %s: not a duration (e.g. 30s, 2m)", v)
				}
				fl.timeout = d
			case "target":
				fl.target = v
			}
		default:
			return fl, fmt.Errorf("unknown flag %s", a)
		}
	}
	if len(fl.paths) == 0 {
		fl.paths = []string{"."}
	}
	return fl, nil
}

func testCmd(args []string, stdout, stderr io.Writer, interrupts func() (<-chan os.Signal, func())) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprint(stdout, testUsage)
		return exitOK
	}
	fl, err := parseTestFlags(args)
	if err != nil {
		fmt.Fprintf(stderr, "sockplay test: %v\n%s", err, testUsage)
		return exitUsage
	}
	if fl.target != "" {
		if st, err := os.Stat(fl.target); err != nil || st.IsDir() {
			fmt.Fprintf(stderr, "sockplay test: --target %s: no such file\n", fl.target)
			return exitUsage
		}
	}
	files, err := luatest.Files(fl.paths)
	if err != nil {
		fmt.Fprintf(stderr, "sockplay test: %v\n", err)
		return exitUsage
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "sockplay test: no test files (*_test.lua) in %s\n", strings.Join(fl.paths, " "))
		fmt.Fprintln(stdout, "0 passed, 0 failed")
		return exitError
	}

	if fl.sandbox {
		sandboxGC()
	}
	ctx, stop := interruptible(interrupts, stderr)
	defer stop()
	res := luatest.Run(ctx, files, luatest.Options{
		Run:     fl.run,
		Target:  fl.target,
		Sandbox: fl.sandbox,
		Timeout: fl.timeout,
		Scripts: scripts.FS,
		Report:  func(r *luatest.TestResult) { printTestResult(stdout, r, fl.verbose) },
	})
	passed, failed := res.Counts()
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if fl.junit != "" {
		if err := writeJUnit(fl.junit, res); err != nil {
			fmt.Fprintf(stderr, "sockplay test: --junit: %v\n", err)
			return exitError
		}
	}
	switch {
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "interrupted")
		return exitInterrupted
	case failed > 0:
		return exitError
	case passed == 0:
		fmt.Fprintln(stderr, "sockplay test: no test matched")
		return exitError
	}
	return exitOK
}

// printTestResult prints one line per test, as go test does, and under a
// failed test what failed (and the test's hint); -v adds the output.
func printTestResult(w io.Writer, r *luatest.TestResult, verbose bool) {
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
		name = "(could not load)"
	}
	fmt.Fprintf(w, "%s %s %s (%.2fs)\n", status, where, name, r.Duration.Seconds())
	for _, f := range r.Failures {
		fmt.Fprintln(w, indent(f, "     "))
	}
	if !r.Passed() && r.Hint != "" {
		fmt.Fprintln(w, indent("hint: "+r.Hint, "     "))
	}
	if verbose && r.Output != "" {
		fmt.Fprintln(w, indent(strings.TrimRight(r.Output, "\n"), "     | "))
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

// interruptible returns a context the first Ctrl-C cancels; a second one
// exits at once.
func interruptible(interrupts func() (<-chan os.Signal, func()), stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs, stopSigs := interrupts()
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		cancel()
		select {
		case <-sigs:
			fmt.Fprintln(stderr, "\ninterrupted")
			os.Exit(exitInterrupted)
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		stopSigs()
		cancel()
	}
}
