package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/sockplay/sockplay/luabind"
)

// sockplay [run] --sandbox [--timeout D] FILE|NAME [args]: a run confined
// by luabind's Sandbox (loopback only, no programs, writes only in a
// temporary directory, limits), the one `sockplay exercise check` uses.

const sandboxUsage = `usage: sockplay [run] --sandbox [--timeout DURATION] FILE|NAME [args]
  --sandbox         loopback addresses only, no programs, file writes only in a
                    temporary directory (os.getenv("TMPDIR")), caps on memory,
                    sockets and tasks
  --timeout D       the run's wall-clock limit (default 30s; 0: none), e.g. 2m
`

func isSandboxFlag(arg string) bool { return arg == "--sandbox" }

// sandboxGC undoes tuneGC for sandboxed runs: the sandbox's memory cap
// watches the heap, garbage included, and GOGC=400 lets garbage grow to
// four times the live heap. (An explicit GOGC is left alone.)
func sandboxGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(100)
	}
}

// sandboxFlags parses --sandbox and --timeout at the start of args.
func sandboxFlags(args []string) (timeout time.Duration, rest []string, err error) {
	for len(args) > 0 {
		a := args[0]
		switch {
		case a == "--sandbox":
			args = args[1:]
		case a == "--timeout" || strings.HasPrefix(a, "--timeout="):
			v, ok := strings.CutPrefix(a, "--timeout=")
			if !ok {
				if len(args) < 2 {
					return 0, nil, fmt.Errorf("--timeout needs a duration, e.g. 2m")
				}
				v, args = args[1], args[1:]
			}
			args = args[1:]
			d, err := time.ParseDuration(v)
			if err != nil && v == "0" {
				d, err = 0, nil
			}
			if err != nil || d < 0 {
				return 0, nil, fmt.Errorf("--timeout %s: not a duration (e.g. 30s, 2m)", v)
			}
			timeout = d
			if d == 0 {
				timeout = -1 // none
			}
		default:
			return timeout, args, nil
		}
	}
	return timeout, args, nil
}

// sandboxRun runs a script in the sandbox; args start with --sandbox.
func sandboxRun(args []string, stdin io.Reader, stdout, stderr io.Writer, interrupts func() (<-chan os.Signal, func())) int {
	timeout, rest, err := sandboxFlags(args)
	if err == nil && len(rest) == 0 {
		err = fmt.Errorf("no script to run")
	}
	if err != nil {
		fmt.Fprintf(stderr, "sockplay: %v\n%s", err, sandboxUsage)
		return exitUsage
	}
	sandboxGC()
	hook := func(opts *luabind.Options) func(int) int {
		dir, err := os.MkdirTemp("", "sockplay-sandbox-")
		if err != nil {
			dir = "" // no writes at all
		}
		opts.Sandbox = &luabind.Sandbox{TempDir: dir, Timeout: timeout}
		return func(code int) int {
			if dir != "" {
				os.RemoveAll(dir)
			}
			return code
		}
	}
	if rest[0] == "-e" {
		if len(rest) < 2 {
			fmt.Fprint(stderr, sandboxUsage)
			return exitUsage
		}
		return runSource(strings.NewReader(rest[1]), "(command line)", rest[2:], stdin, stdout, stderr, interrupts, hook)
	}
	return runTarget(rest[0], rest[1:], stdin, stdout, stderr, interrupts, hook)
}
