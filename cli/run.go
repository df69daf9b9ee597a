package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sockplay/sockplay/internal/child"
	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/repl"
	"github.com/sockplay/sockplay/scripts"
)

// The runs: sockplay run, a bare script, -e CODE, -, and the REPL.

func newRunCommand(l i18n.Lang) *Command {
	c := &Command{
		UsageLine: "run [run flags] FILE|NAME|- [args]",
		Short:     l.Sprintf("run a script file or a bundled script"),
		FlagsName: i18n.Key("run flags:"),
		Long: `
Run runs a Lua script file, or a bundled script by name (tcp/echo_server;
see sockplay list), or with - the script on standard input; or with -e
CODE a chunk of Lua. It is what a bare "sockplay FILE.lua" does, except
that a name here is never taken for a command.
` + runFlagsLong,
	}
	var f runFlags
	f.register(l, &c.Flag)
	c.Run = func(io *stdio, args []string) int { return runCommandLine(c, &f, io, args, true) }
	return c
}

// runCommandLine runs what the run flags and args ask for. needScript:
// the run command, which needs something to run.
func runCommandLine(c *Command, f *runFlags, io *stdio, args []string, needScript bool) int {
	p, err := f.plan(args, needScript, isTerminal(io.stdin))
	if err != nil {
		return reportUsage(io.stderr, c.usageErrorf("%v", err))
	}
	src, status := f.source(c, p, io)
	if src == nil {
		return status
	}
	if f.sandboxed() && (!p.repl || p.replChild) && !child.InChild() && child.Supported {
		return runSandboxed(f, io, p, src) // sandbox.go
	}
	opts := luabind.Options{Stdin: io.stdin, Stdout: io.stdout, Stderr: io.stderr, Scripts: scripts.FS, Command: commandName(), Lang: io.lang}
	if p.stdin {
		opts.Stdin = nil // the script itself came from stdin: input() sees end of input
	}
	finish, err := f.prepare(&opts, io.stderr)
	if err != nil {
		fmt.Fprintf(io.stderr, "%s: %v\n", c.title(), err)
		return exitUsage
	}
	if opts.Sandbox != nil && src.file != "" {
		opts.Sandbox.Read = append(opts.Sandbox.Read, src.file) // its own file
	}
	if p.repl {
		return finish(runREPL(io, opts, src, p.args))
	}
	return finish(execute(io, opts, f.runDeadline(), src.run(p.args)))
}

// A source is the Lua code of a run; the zero source is none (the REPL
// alone).
type source struct {
	name    string // chunk name: the file, "tcp/echo_server.lua", "(command line)", "stdin"
	code    string // "" with file or bundled set: read by luabind
	file    string // a script file
	bundled string // a bundled script's name
	typed   bool   // -e CODE: in the REPL, run as a typed line (values shown, locals kept)
}

// source finds the code p names: a file, a bundled script, -e CODE or
// standard input. A target that is neither a file nor a bundled script is
// a usage error (nil source, status 2).
func (f *runFlags) source(c *Command, p runPlan, io *stdio) (*source, int) {
	switch {
	case f.given("e"):
		return &source{name: "(command line)", code: f.code, typed: true}, 0
	case p.stdin:
		code, err := readAll(io.stdin)
		if err != nil {
			fmt.Fprintln(io.stderr, "sockplay: reading the script from standard input:", err)
			return nil, exitError
		}
		return &source{name: "stdin", code: code}, 0
	case p.target == "":
		return &source{}, 0
	}
	t := p.target
	if msg := luabind.PythonFile(io.lang, t); msg != "" {
		fmt.Fprintln(io.stderr, "sockplay: "+msg)
		return nil, exitUsage
	}
	if st, err := os.Stat(t); err == nil && !st.IsDir() {
		return &source{name: t, file: t}, 0
	}
	if _, err := luabind.ReadScript(scripts.FS, t); err == nil {
		return &source{name: strings.TrimSuffix(t, ".lua") + ".lua", bundled: t}, 0
	}
	if file := luaFileFor(t); file != "" { // myserver: myserver.lua
		return &source{name: file, file: file}, 0
	}
	var e *usageError
	var near string
	if c.LongName() == "" {
		near = strings.Join(append(suggestCommands(newCommands(io.lang), t), suggestScripts(t)...), ", ")
	} else {
		near = strings.Join(suggestScripts(t), ", ")
	}
	switch {
	case c.LongName() == "" && newCommands(io.lang).lookup(t) != nil:
		e = c.usageErrorf("%s is a command: put it first (sockplay %s ...), before its flags", t, t)
	case near != "" && c.LongName() == "":
		e = c.usageErrorf("%s is neither a command nor a file nor a bundled script; did you mean %s? (see 'sockplay list')", t, near)
	case near != "":
		e = c.usageErrorf("%s is neither a file nor a bundled script; did you mean %s? (see 'sockplay list')", t, near)
	case strings.HasSuffix(t, ".lua"):
		e = c.usageErrorf("cannot open %s: no such file (nor a bundled script; see 'sockplay list')", t)
	case c.LongName() == "":
		e = c.usageErrorf("%s is neither a command nor a file nor a bundled script (see 'sockplay help' and 'sockplay list')", t)
	default:
		e = c.usageErrorf("%s is neither a file nor a bundled script (see 'sockplay list')", t)
	}
	return nil, reportUsage(io.stderr, e)
}

func readAll(r io.Reader) (string, error) {
	if r == nil {
		return "", nil
	}
	b, err := io.ReadAll(r)
	return string(b), err
}

// run is how a script run starts the source.
func (s *source) run(args []string) func(context.Context, *luabind.Runtime) error {
	return func(ctx context.Context, rt *luabind.Runtime) error {
		switch {
		case s.file != "":
			return rt.RunFile(ctx, s.file, args)
		case s.bundled != "":
			return rt.RunScript(ctx, s.bundled, args)
		}
		return rt.RunString(ctx, s.name, s.code, args)
	}
}

// errTimeLimit is why a run's context ends at --timeout.
var errTimeLimit = errors.New("time limit")

// execute runs one script in a fresh runtime. Ctrl-C cancels the run
// (interruptible); deadline, if not zero, ends it with an error.
func execute(io *stdio, opts luabind.Options, deadline time.Duration, run func(context.Context, *luabind.Runtime) error) int {
	rt := luabind.New(opts)
	defer rt.Close()
	ctx, stop := interruptible(io.lang, io.stderr)
	defer stop()
	if deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, deadline, errTimeLimit)
		defer cancel()
	}
	err := run(ctx, rt)
	var e *luabind.Error
	if errors.As(err, &e) && e.Kind == luabind.Interrupted && context.Cause(ctx) == errTimeLimit {
		io.lang.Fprintf(io.stderr, "sockplay: time limit: the run took longer than %v (--timeout)\n", deadline)
		return exitError
	}
	return report(io.lang, err, io.stderr)
}

// runREPL runs the REPL (package repl) in a fresh runtime, after running
// src in it. Line editing is used when stdin and stdout are both
// terminals. The REPL handles Ctrl-C itself: it interrupts the line.
func runREPL(io *stdio, opts luabind.Options, src *source, args []string) int {
	ropts := repl.Options{
		Stdin: io.stdin, Stdout: io.stdout, Stderr: io.stderr,
		InitArgs:    args,
		Banner:      io.lang.Sprintf("sockplay %s: Lua with Python's socket module. :help for help, Ctrl-D to leave.", version),
		HistoryFile: historyFile(),
		ScriptNames: scriptNames(),
	}
	switch {
	case src.typed:
		ropts.Init = src.code
	case src.file != "" || src.bundled != "":
		code, err := src.read()
		if err != nil {
			fmt.Fprintln(io.stderr, "sockplay:", err)
			return exitError
		}
		ropts.Init, ropts.InitName = code, src.name
	}
	rt := luabind.New(opts)
	err := repl.Run(context.Background(), rt, ropts)
	if errors.Is(err, repl.ErrStuck) {
		// A line is stuck outside Lua: closing the runtime would wait for it.
		return exitInterrupted
	}
	rt.Close()
	return report(io.lang, err, io.stderr)
}

// historyFile is where the REPL keeps its history: in a sandboxed REPL's
// child, the copy its parent made (replHistory).
func historyFile() string {
	if childRun != nil {
		return childRun.History
	}
	return repl.HistoryFile()
}

// read returns the code of a file or bundled source.
func (s *source) read() (string, error) {
	var b []byte
	var err error
	if s.file != "" {
		b, err = os.ReadFile(s.file)
	} else {
		b, err = luabind.ReadScript(scripts.FS, s.bundled)
	}
	return string(b), err
}

func scriptNames() []string {
	var names []string
	for _, s := range scripts.List() {
		names = append(names, s.Name)
	}
	return names
}

// report prints a run's error as luabind words it (the traceback, the
// message, the source line with a caret, a hint), and returns the exit
// status.
func report(l i18n.Lang, err error, stderr io.Writer) int {
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
		l.Fprintf(stderr, "interrupted\n")
		return exitInterrupted
	case luabind.Exit:
		return e.Code
	}
	fmt.Fprint(stderr, e.Report())
	return exitError
}
