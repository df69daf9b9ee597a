package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/sockplay/sockplay/diagram"
	"github.com/sockplay/sockplay/internal/child"
	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/trace"
)

// runFlags are the flags of a run, the same wherever a run starts:
// sockplay run, a bare script (sockplay FILE.lua), -e CODE, - and the
// REPL. A new run flag is added here: a field, a line in register, its
// conflicts in check, its effect in prepare.
type runFlags struct {
	code        string // -e
	interactive bool   // -i
	trace       bool
	traceBytes  int // -1: not given
	traceJSON   string
	diagram     string
	sandbox     bool
	timeout     time.Duration // 0: none (with --sandbox: the sandbox's default)
	strict      bool
	limits      sandboxFlags // the sandbox's child process (sandbox.go)
	ui          bool
	uiPort      int // -1: not given
	uiJoin      string
	open        bool

	label string    // what runs, as the live view names it (plan sets it)
	lang  i18n.Lang // of its errors (register sets it)
	fs    *flag.FlagSet
}

const runFlagsLong = `
Run flags come before the script's name (or -e CODE); what follows it is
the script's arguments, arg[1], arg[2], ... ("--" ends the flags, so a
script's first argument may start with a dash).
`

func (f *runFlags) register(l i18n.Lang, fs *flag.FlagSet) {
	f.fs = fs
	f.lang = l
	f.traceBytes = -1
	fs.Var(&onceValue{p: &f.code}, "e", l.Sprintf("run `CODE`, a chunk of Lua, instead of a script file"))
	fs.BoolVar(&f.interactive, "i", false, l.Sprintf("the REPL, after the script or -e CODE, in the same runtime;\nwith piped stdin it reads lines and prints results"))
	fs.BoolVar(&f.trace, "trace", false, l.Sprintf("every socket event on stderr, one line each (docs/TRACE.md)"))
	fs.Var(countValue(&f.traceBytes, "bytes"), "trace-bytes", l.Sprintf("`N` bytes of data shown per event (default 64; 0: none);\nalone, it implies --trace"))
	fs.Var(fileValue(&f.traceJSON), "trace-json", l.Sprintf("write the events to `FILE` as JSON lines"))
	fs.Var(fileValue(&f.diagram), "diagram", l.Sprintf("draw the run as a sequence diagram in `FILE.svg` when it ends"))
	fs.BoolVar(&f.sandbox, "sandbox", false, l.Sprintf("confine the run: loopback only, no programs, file writes only\nin a temporary directory (os.getenv(\"TMPDIR\")), caps on\nmemory, sockets and tasks"))
	fs.Var(durationValue(&f.timeout, true), "timeout", l.Sprintf("end the run after `D` (e.g. 30s, 2m) with an error; with\n--sandbox the default is 30s, 0 means none"))
	fs.BoolVar(&f.strict, "strict", false, l.Sprintf("reading a global never assigned is an error (NameError),\nnot a warning (also strict(true) in a script)"))
	f.limits.register(l, fs, l.Sprintf("alone, each implies --sandbox"))
	f.registerUI(l, fs)
}

func (f *runFlags) given(name string) bool { return isSet(f.fs, name) }

// A runPlan is what a command line runs, once its flags are read.
type runPlan struct {
	target string   // FILE, NAME or "-"; "" for -e CODE or nothing
	args   []string // the script's arguments
	repl   bool     // the REPL, after target or -e CODE if any
	stdin  bool     // the script is standard input
	// replChild: a sandboxed REPL would run in a child process (sandbox.go)
	replChild bool
}

// plan decides what to run from the arguments left after the flags.
// needScript: the run command, which must be given something to run;
// stdinTerminal: whether standard input is a terminal.
func (f *runFlags) plan(args []string, needScript, stdinTerminal bool) (runPlan, error) {
	var p runPlan
	hasCode := f.given("e")
	if !hasCode && len(args) > 0 {
		p.target, args = args[0], args[1:]
	}
	p.args = args
	nothing := !hasCode && p.target == ""
	if needScript && nothing {
		return p, errors.New(f.lang.Sprintf("no script given: name a FILE, a bundled script (sockplay list), - for standard input, or -e CODE"))
	}
	p.repl = f.interactive || nothing && stdinTerminal
	p.stdin = p.target == "-" || nothing && !p.repl
	// On a terminal, the child must share it (not on Windows, where the
	// sandboxed REPL stays in this process).
	p.replChild = p.repl && child.Supported && (!stdinTerminal || child.TerminalSupported)
	f.label = runLabel(p, hasCode)
	return p, f.check(p)
}

// check refuses the combinations that cannot work, naming both sides.
func (f *runFlags) check(p runPlan) error {
	if p.repl && p.target == "-" {
		return errors.New(f.lang.Sprintf("-i and - conflict: standard input cannot be both the script and the REPL's input"))
	}
	if p.repl && !p.replChild {
		for _, name := range f.limits.processFlags() {
			if f.given(name) {
				return errors.New(f.lang.Sprintf("%s limits a sandboxed script's own process, and the REPL runs in this one (--sandbox -i confines it in this process)", dashed(name)))
			}
		}
	}
	if p.repl && f.given("timeout") {
		if f.interactive {
			return errors.New(f.lang.Sprintf("--timeout and -i conflict: --timeout limits a run, and the REPL runs until you leave it (Ctrl-C stops a line)"))
		}
		return errors.New(f.lang.Sprintf("--timeout needs a script to limit: the REPL runs until you leave it (Ctrl-C stops a line)"))
	}
	return f.checkUI()
}

// prepare sets the runtime options the flags ask for. What it returns
// runs when the run has ended, with its exit status, and returns the
// status to exit with: the trace files are closed, the diagram drawn, the
// sandbox's directory removed.
func (f *runFlags) prepare(opts *luabind.Options, stderr io.Writer) (finish func(status int) int, err error) {
	var finishers []func(int) int
	finish = func(status int) int {
		for _, fin := range finishers {
			status = fin(status)
		}
		return status
	}
	if fin, err := f.prepareTrace(opts, stderr); err != nil {
		return nil, err
	} else if fin != nil {
		finishers = append(finishers, fin)
	}
	if f.sandboxed() {
		finishers = append(finishers, f.prepareSandbox(opts))
	}
	opts.Strict = f.strict
	if fin, err := f.prepareUI(opts, stderr); err != nil {
		return nil, err
	} else if fin != nil {
		finishers = append(finishers, fin)
	}
	return finish, nil
}

// prepareTrace sets up the trace sinks: text on stderr (coloured on a
// terminal), a JSON file, and for a diagram the JSON in memory, drawn
// when the run ends (an interrupted run too: a server usually ends by
// Ctrl-C).
func (f *runFlags) prepareTrace(opts *luabind.Options, stderr io.Writer) (func(int) int, error) {
	text := f.trace || f.traceBytes >= 0 && f.traceJSON == "" && f.diagram == ""
	if !text && f.traceJSON == "" && f.diagram == "" {
		return nil, nil
	}
	topts := &luabind.TraceOptions{}
	switch {
	case f.traceBytes == 0:
		topts.Bytes = -1 // none
	case f.traceBytes > 0:
		topts.Bytes = f.traceBytes
	}
	if text {
		topts.Text = stderr
		topts.Color = colorTerminal(stderr)
	}
	var sinks []io.Writer
	var jsonFile *os.File
	if f.traceJSON != "" {
		file, err := os.Create(f.traceJSON)
		if err != nil {
			return nil, fmt.Errorf("--trace-json: %v", err)
		}
		jsonFile = file
		sinks = append(sinks, file)
	}
	var jsonBuf *bytes.Buffer
	if f.diagram != "" {
		jsonBuf = &bytes.Buffer{}
		sinks = append(sinks, jsonBuf)
	}
	if len(sinks) > 0 {
		topts.JSON = io.MultiWriter(sinks...)
	}
	opts.Trace = topts
	return func(status int) int {
		if jsonFile != nil {
			if err := jsonFile.Close(); err != nil {
				fmt.Fprintln(stderr, "sockplay: --trace-json:", err)
				status = max(status, exitError)
			}
		}
		if jsonBuf != nil {
			tr, err := trace.Read(jsonBuf, f.lang.Sprintf("this run")) // the diagram names it
			if err == nil {
				err = writeDiagram(f.diagram, diagram.BuildWith(diagram.Options{Lang: f.lang}, tr))
			}
			if err != nil {
				fmt.Fprintln(stderr, "sockplay: --diagram:", err)
				return max(status, exitError)
			}
			opts.Lang.Fprintf(stderr, "sockplay: diagram written to %s\n", f.diagram)
		}
		return status
	}, nil
}

// prepareSandbox confines the run to luabind's Sandbox with a temporary
// directory of its own, removed when the run ends (in a sandboxed run's
// child process, the directory its parent made and removes).
func (f *runFlags) prepareSandbox(opts *luabind.Options) func(int) int {
	sandboxGC()
	dir := ""
	if childRun != nil {
		dir = childRun.TempDir
	} else if d, err := os.MkdirTemp("", "sockplay-sandbox-"); err == nil {
		dir = d // else: no writes at all
	}
	timeout := f.timeout
	if f.given("timeout") && timeout == 0 {
		timeout = -1 // none
	}
	opts.Sandbox = &luabind.Sandbox{TempDir: dir, Timeout: timeout, Read: append([]string(nil), f.limits.allowRead...)}
	if m := f.limits.memory; m > 0 && childRun != nil {
		// The heap watchdog first: a clear error rather than a killed
		// process, for a script whose memory grows step by step.
		opts.Sandbox.MaxMemory = min(luabind.DefaultMaxMemory, m/2)
	}
	return func(status int) int {
		if dir != "" && childRun == nil {
			os.RemoveAll(dir)
		}
		return status
	}
}

// sandboxed reports whether the run is sandboxed: --sandbox, or one of
// the sandbox's limits given alone.
func (f *runFlags) sandboxed() bool { return f.sandbox || f.limits.anyGiven(f.fs) }

// runDeadline is the time limit the CLI itself puts on a run: --timeout
// without --sandbox (the sandbox keeps its own, with its own message).
func (f *runFlags) runDeadline() time.Duration {
	if f.sandboxed() {
		return 0
	}
	return f.timeout
}

// sandboxGC undoes tuneGC for sandboxed runs: the sandbox's memory cap
// watches the heap, garbage included, and GOGC=400 lets garbage grow to
// four times the live heap. (An explicit GOGC is left alone.)
func sandboxGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(100)
	}
}
