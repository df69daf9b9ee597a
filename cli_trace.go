package main

// The CLI of issue "See the wire": the trace options of a run and the
// diagram command.
//
//	sockplay [run] [--trace] [--trace-bytes N] [--trace-json FILE] [--diagram FILE.svg] FILE|NAME [args]
//	sockplay diagram TRACE.jsonl... [-o FILE.svg]

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/sockplay/sockplay/diagram"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/trace"
	"golang.org/x/sys/unix"
)

const traceUsage = `usage: sockplay [run] [trace options] FILE|NAME [args]
       sockplay [trace options] [-i]      (the REPL, traced)
trace options (before the script's name; what follows it is the script's):
  --trace             every socket event on stderr, one line each
  --trace-bytes N     bytes of data shown per event (default 64; 0: none)
  --trace-json FILE   the events as JSON lines (docs/TRACE.md)
  --diagram FILE.svg  a sequence diagram of the run, written when it ends
`

const diagramUsage = `usage: sockplay diagram TRACE.jsonl... [-o FILE.svg]
  draws one or several traces (written by --trace-json; a server's and a
  client's are merged by time) as a sequence diagram; without -o, to stdout
`

// runHook adjusts the runtime options of a run before it starts; what it
// returns (if not nil) runs after the run with its exit status and
// returns the status to exit with.
type runHook func(opts *luabind.Options) (after func(code int) int)

// isTraceFlag reports whether arg is one of the trace options.
func isTraceFlag(arg string) bool {
	name, _, _ := strings.Cut(arg, "=")
	switch name {
	case "--trace", "--trace-bytes", "--trace-json", "--diagram":
		return true
	}
	return false
}

// traceFlags are the trace options given.
type traceFlags struct {
	text     bool
	bytes    int // -1: not given
	jsonPath string
	svgPath  string
}

// parseTraceFlags takes the leading trace options off args.
func parseTraceFlags(args []string) (traceFlags, []string, error) {
	fl := traceFlags{bytes: -1}
	for len(args) > 0 && isTraceFlag(args[0]) {
		name, value, hasValue := strings.Cut(args[0], "=")
		args = args[1:]
		if name == "--trace" {
			if hasValue {
				return fl, nil, errors.New("--trace takes no value")
			}
			fl.text = true
			continue
		}
		if !hasValue {
			if len(args) == 0 {
				return fl, nil, fmt.Errorf("%s needs a value", name)
			}
			value, args = args[0], args[1:]
		}
		switch name {
		case "--trace-bytes":
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 {
				return fl, nil, fmt.Errorf("--trace-bytes wants a number of bytes >= 0, got %q", value)
			}
			fl.bytes = n
		case "--trace-json":
			fl.jsonPath = value
		case "--diagram":
			fl.svgPath = value
		}
		if value == "" {
			return fl, nil, fmt.Errorf("%s needs a file name", name)
		}
	}
	if fl.bytes >= 0 && fl.jsonPath == "" && fl.svgPath == "" {
		fl.text = true // --trace-bytes alone: the text trace is what it sizes
	}
	return fl, args, nil
}

// traceRun runs `sockplay [run] TRACE-OPTIONS TARGET [args]`.
func traceRun(args []string, stdin io.Reader, stdout, stderr io.Writer, interrupts func() (<-chan os.Signal, func())) int {
	fl, rest, err := parseTraceFlags(args)
	if err != nil {
		fmt.Fprintf(stderr, "sockplay: %v\n%s", err, traceUsage)
		return exitUsage
	}
	hook, err := fl.hook(stderr)
	if err != nil {
		fmt.Fprintln(stderr, "sockplay:", err)
		return exitUsage
	}
	// No script, or -i: the REPL, traced (on a terminal; -i also when piped).
	if code, replArgs, ok := replFlags(rest); ok || len(rest) == 0 && isTerminal(stdin) {
		return runREPL(code, replArgs, stdin, stdout, stderr, interrupts, hook)
	}
	if len(rest) == 0 { // piped: stdin is the script, as without --trace
		return runSource(stdin, "stdin", nil, stdin, stdout, stderr, interrupts, hook)
	}
	if rest[0] == "-e" {
		if len(rest) < 2 {
			fmt.Fprintln(stderr, "usage: sockplay [trace options] -e CODE [args]")
			return exitUsage
		}
		return runSource(strings.NewReader(rest[1]), "(command line)", rest[2:], stdin, stdout, stderr, interrupts, hook)
	}
	return runTarget(rest[0], rest[1:], stdin, stdout, stderr, interrupts, hook)
}

// hook sets up the trace sinks of a run: text on stderr (coloured on a
// terminal), a JSON file, and for a diagram the JSON in memory, drawn
// when the run ends (interrupted runs too: a server usually ends by
// Ctrl-C).
func (fl traceFlags) hook(stderr io.Writer) (runHook, error) {
	var jsonFile *os.File
	if fl.jsonPath != "" {
		f, err := os.Create(fl.jsonPath)
		if err != nil {
			return nil, err
		}
		jsonFile = f
	}
	return func(opts *luabind.Options) func(int) int {
		topts := &luabind.TraceOptions{}
		switch {
		case fl.bytes == 0:
			topts.Bytes = -1 // none
		case fl.bytes > 0:
			topts.Bytes = fl.bytes
		}
		if fl.text {
			topts.Text = stderr
			topts.Color = colorTerminal(stderr)
		}
		var jsonBuf *bytes.Buffer
		var sinks []io.Writer
		if jsonFile != nil {
			sinks = append(sinks, jsonFile)
		}
		if fl.svgPath != "" {
			jsonBuf = &bytes.Buffer{}
			sinks = append(sinks, jsonBuf)
		}
		if len(sinks) > 0 {
			topts.JSON = io.MultiWriter(sinks...)
		}
		opts.Trace = topts
		return func(code int) int {
			if jsonFile != nil {
				if err := jsonFile.Close(); err != nil {
					fmt.Fprintln(stderr, "sockplay:", err)
					code = max(code, exitError)
				}
			}
			if jsonBuf != nil {
				tr, err := trace.Read(jsonBuf, "this run")
				if err == nil {
					err = writeDiagram(fl.svgPath, diagram.Build(tr))
				}
				if err != nil {
					fmt.Fprintln(stderr, "sockplay: diagram:", err)
					return max(code, exitError)
				}
				fmt.Fprintf(stderr, "sockplay: diagram written to %s\n", fl.svgPath)
			}
			return code
		}
	}, nil
}

// diagramCmd runs `sockplay diagram TRACE.jsonl... [-o FILE.svg]`.
func diagramCmd(args []string, stdout, stderr io.Writer) int {
	out := ""
	var files []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-o" || a == "--output":
			if i+1 >= len(args) {
				fmt.Fprint(stderr, "sockplay: -o needs a file name\n"+diagramUsage)
				return exitUsage
			}
			i++
			out = args[i]
		case strings.HasPrefix(a, "-o="), strings.HasPrefix(a, "--output="):
			_, out, _ = strings.Cut(a, "=")
		case a == "-h" || a == "--help":
			fmt.Fprint(stdout, diagramUsage)
			return exitOK
		case strings.HasPrefix(a, "-") && a != "-":
			fmt.Fprintf(stderr, "sockplay: unknown option %s\n%s", a, diagramUsage)
			return exitUsage
		default:
			files = append(files, a)
		}
	}
	if len(files) == 0 {
		fmt.Fprint(stderr, diagramUsage)
		return exitUsage
	}
	var traces []*trace.Trace
	for _, f := range files {
		tr, err := trace.ReadFile(f)
		if err != nil {
			fmt.Fprintln(stderr, "sockplay:", err)
			return exitError
		}
		traces = append(traces, tr)
	}
	d := diagram.Build(traces...)
	if out == "" || out == "-" {
		if err := d.WriteSVG(stdout); err != nil {
			fmt.Fprintln(stderr, "sockplay:", err)
			return exitError
		}
		return exitOK
	}
	if err := writeDiagram(out, d); err != nil {
		fmt.Fprintln(stderr, "sockplay:", err)
		return exitError
	}
	return exitOK
}

func writeDiagram(path string, d *diagram.Diagram) error {
	var b bytes.Buffer
	if err := d.WriteSVG(&b); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// colorTerminal reports whether w is a terminal that may get colours
// (NO_COLOR, https://no-color.org, turns them off).
func colorTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
