// Command sockplay is a socket playground: write TCP, UDP and Unix-socket
// servers and clients as Lua scripts, run against Go's network stack.
//
// This file is the CLI only: flags, terminal detection, exit codes. The
// runtime is package luabind; the bundled scripts are package scripts.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/repl"
	"github.com/sockplay/sockplay/scripts"
	"golang.org/x/sys/unix"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Exit codes, as DESIGN.md gives them.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitInterrupted = 130
)

const usage = `sockplay — a socket playground: TCP, UDP and Unix sockets in Lua

usage:
  sockplay                        the REPL, on a terminal (with piped stdin: run stdin as a script)
  sockplay -i                     the REPL; with piped stdin it reads lines and prints results
  sockplay -e CODE -i [args]      run a chunk of Lua, then the REPL in the same runtime
  sockplay FILE.lua [args]        run a script (args are in the global arg)
  sockplay run FILE|NAME [args]   run a script file or a bundled script, e.g. tcp/echo_server
  sockplay list                   list the bundled scripts
  sockplay show NAME              print a bundled script's source, to copy and edit
  sockplay -e CODE [args]         run a chunk of Lua
  sockplay -                      run a script read from standard input
  sockplay [run] --trace FILE|NAME   show every socket event; also --trace-bytes N,
                                     --trace-json FILE, --diagram FILE.svg (docs/TRACE.md)
  sockplay diagram TRACE.jsonl... -o FILE.svg   draw traces as a sequence diagram
  sockplay [run] --sandbox [--timeout D] FILE|NAME   run confined: loopback only, no
                                     programs, writes only in a temp dir, limits
  sockplay test [-v] [-run RE] [--junit FILE] [--sandbox] [PATH...]   run *_test.lua files
  sockplay exercise list | start NAME [DIR] | check NAME FILE   graded exercises (docs/EXERCISES.md)
  sockplay --version | --help

Start with:  sockplay run demo   (or just sockplay, then :help)
Exit status: 0 done, 1 the script raised an error, 2 usage, 130 interrupted (Ctrl-C);
the REPL: 0 at Ctrl-D or :quit, n after os.exit(n).
`

func main() {
	tuneGC()
	stopProfile := startProfile()
	code := cli(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, notifyInterrupts)
	stopProfile()
	writeMemProfile()
	os.Exit(code)
}

// cli runs the command line args and returns the exit status. interrupts
// delivers Ctrl-C; tests pass their own.
func cli(args []string, stdin io.Reader, stdout, stderr io.Writer, interrupts func() (<-chan os.Signal, func())) int {
	if len(args) == 0 {
		if isTerminal(stdin) {
			return runREPL("", nil, stdin, stdout, stderr, interrupts)
		}
		return runSource(stdin, "stdin", nil, stdin, stdout, stderr, interrupts)
	}
	if code, rest, ok := replFlags(args); ok {
		return runREPL(code, rest, stdin, stdout, stderr, interrupts)
	}
	if isTraceFlag(args[0]) { // cli_trace.go
		return traceRun(args, stdin, stdout, stderr, interrupts)
	}
	if isSandboxFlag(args[0]) { // cli_sandbox.go
		return sandboxRun(args, stdin, stdout, stderr, interrupts)
	}
	switch cmd := args[0]; cmd {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "--version", "version":
		fmt.Fprintf(stdout, "sockplay %s\n", version)
		return exitOK
	case "list":
		for _, s := range scripts.List() {
			fmt.Fprintf(stdout, "%-22s %s\n", s.Name, s.Summary)
		}
		return exitOK
	case "show":
		if len(args) != 2 {
			fmt.Fprintln(stderr, "usage: sockplay show NAME   (names: sockplay list)")
			return exitUsage
		}
		src, err := luabind.ReadScript(scripts.FS, args[1])
		if err != nil {
			fmt.Fprintln(stderr, "sockplay:", err)
			return exitUsage
		}
		stdout.Write(src)
		return exitOK
	case "run":
		if len(args) < 2 {
			fmt.Fprintln(stderr, "usage: sockplay run FILE|NAME [args]   (bundled names: sockplay list)")
			return exitUsage
		}
		if isTraceFlag(args[1]) {
			return traceRun(args[1:], stdin, stdout, stderr, interrupts)
		}
		if isSandboxFlag(args[1]) {
			return sandboxRun(args[1:], stdin, stdout, stderr, interrupts)
		}
		return runTarget(args[1], args[2:], stdin, stdout, stderr, interrupts)
	case "test": // cli_test_runner.go
		return testCmd(args[1:], stdout, stderr, interrupts)
	case "exercise": // cli_exercise.go
		return exerciseCmd(args[1:], stdout, stderr, interrupts)
	case "diagram":
		return diagramCmd(args[1:], stdout, stderr)
	case "-e":
		if len(args) < 2 {
			fmt.Fprintln(stderr, "usage: sockplay -e CODE [args]")
			return exitUsage
		}
		return runSource(strings.NewReader(args[1]), "(command line)", args[2:], stdin, stdout, stderr, interrupts)
	case "-":
		return runSource(stdin, "stdin", args[1:], stdin, stdout, stderr, interrupts)
	}
	if strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(stderr, "sockplay: unknown option %s\n\n%s", args[0], usage)
		return exitUsage
	}
	return runTarget(args[0], args[1:], stdin, stdout, stderr, interrupts)
}

// replFlags recognises the REPL's command lines: -i, -e CODE -i and -i -e
// CODE, followed by the chunk's arguments. ok is false without -i.
func replFlags(args []string) (code string, rest []string, ok bool) {
	for len(args) > 0 {
		switch {
		case args[0] == "-i":
			ok = true
			args = args[1:]
		case args[0] == "-e" && len(args) >= 2 && code == "":
			code = args[1]
			args = args[2:]
		default:
			return code, args, ok
		}
	}
	return code, args, ok
}

// runREPL runs the interactive REPL (package repl) in a fresh runtime,
// after running code (-e) in it. Line editing is used when stdin and
// stdout are both terminals.
func runREPL(code string, args []string, stdin io.Reader, stdout, stderr io.Writer, interrupts func() (<-chan os.Signal, func()), hooks ...runHook) int {
	opts := luabind.Options{Stdin: stdin, Stdout: stdout, Stderr: stderr, Scripts: scripts.FS}
	var afters []func(int) int
	for _, h := range hooks { // cli_trace.go: sockplay --trace opens a traced REPL
		if after := h(&opts); after != nil {
			afters = append(afters, after)
		}
	}
	rt := luabind.New(opts)
	sigs, stop := interrupts()
	defer stop()
	var names []string
	for _, s := range scripts.List() {
		names = append(names, s.Name)
	}
	err := repl.Run(context.Background(), rt, repl.Options{
		Stdin: stdin, Stdout: stdout, Stderr: stderr, Signals: sigs,
		Init: code, InitArgs: args,
		Banner:      fmt.Sprintf("sockplay %s: Lua with Python's socket module. :help for help, Ctrl-D to leave.", version),
		HistoryFile: repl.HistoryFile(),
		ScriptNames: names,
	})
	if errors.Is(err, repl.ErrStuck) {
		// A line is stuck outside Lua: closing the runtime would wait for it.
		return exitInterrupted
	}
	rt.Close()
	status := report(err, stderr)
	for _, after := range afters {
		status = after(status)
	}
	return status
}

// runTarget runs a script file if target names one, else a bundled script.
func runTarget(target string, args []string, stdin io.Reader, stdout, stderr io.Writer, interrupts func() (<-chan os.Signal, func()), hooks ...runHook) int {
	if st, err := os.Stat(target); err == nil && !st.IsDir() {
		return execute(func(ctx context.Context, rt *luabind.Runtime) error {
			return rt.RunFile(ctx, target, args)
		}, stdin, stdout, stderr, interrupts, hooks...)
	}
	if _, err := luabind.ReadScript(scripts.FS, target); err != nil {
		if strings.HasSuffix(target, ".lua") {
			fmt.Fprintf(stderr, "sockplay: cannot open %s: no such file (nor a bundled script; see 'sockplay list')\n", target)
		} else {
			fmt.Fprintf(stderr, "sockplay: %s is neither a file nor a bundled script (see 'sockplay list')\n", target)
		}
		return exitUsage
	}
	return execute(func(ctx context.Context, rt *luabind.Runtime) error {
		return rt.RunScript(ctx, target, args)
	}, stdin, stdout, stderr, interrupts, hooks...)
}

func runSource(src io.Reader, name string, args []string, stdin io.Reader, stdout, stderr io.Writer, interrupts func() (<-chan os.Signal, func()), hooks ...runHook) int {
	code, err := io.ReadAll(src)
	if err != nil {
		fmt.Fprintln(stderr, "sockplay:", err)
		return exitError
	}
	if src == stdin {
		stdin = nil // the script itself came from stdin: input() sees end of input
	}
	return execute(func(ctx context.Context, rt *luabind.Runtime) error {
		return rt.RunString(ctx, name, string(code), args)
	}, stdin, stdout, stderr, interrupts, hooks...)
}

// execute runs one script in a fresh runtime. The first Ctrl-C cancels the
// run (blocked calls return, the script's sockets are closed); a second one
// exits at once.
func execute(run func(context.Context, *luabind.Runtime) error, stdin io.Reader, stdout, stderr io.Writer, interrupts func() (<-chan os.Signal, func()), hooks ...runHook) int {
	opts := luabind.Options{Stdin: stdin, Stdout: stdout, Stderr: stderr, Scripts: scripts.FS}
	var afters []func(int) int
	for _, h := range hooks { // cli_trace.go: the trace of a run
		if after := h(&opts); after != nil {
			afters = append(afters, after)
		}
	}
	rt := luabind.New(opts)
	defer rt.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	sigs, stop := interrupts()
	defer stop()
	// finished, not ctx.Done(): ctx is done as soon as the first Ctrl-C
	// cancels it, and the second must still be waited for.
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-sigs:
		case <-finished:
			return
		}
		cancel()
		select {
		case <-sigs:
			fmt.Fprintln(stderr, "\ninterrupted")
			os.Exit(exitInterrupted)
		case <-finished:
		}
	}()

	err := run(ctx, rt)
	status := report(err, stderr)
	for _, after := range afters {
		status = after(status)
	}
	return status
}

// report prints a run's error as file:line: message plus a hint, and
// returns the exit status.
func report(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var e *luabind.Error
	if !errors.As(err, &e) {
		fmt.Fprintln(stderr, "sockplay:", err)
		return exitError
	}
	switch e.Kind {
	case luabind.Interrupted:
		fmt.Fprintln(stderr, "interrupted")
		return exitInterrupted
	case luabind.Exit:
		return e.Code
	}
	fmt.Fprintln(stderr, e.Msg)
	if e.Hint != "" {
		fmt.Fprintln(stderr, "hint:", e.Hint)
	}
	return exitError
}

func notifyInterrupts() (<-chan os.Signal, func()) {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	return ch, func() { signal.Stop(ch) }
}

// isTerminal reports whether r is a terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
