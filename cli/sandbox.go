package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/sockplay/sockplay/internal/child"
	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/internal/tty"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/luatest"
	"github.com/sockplay/sockplay/repl"
	"github.com/sockplay/sockplay/scripts"
)

// Sandboxed runs in a child process: sockplay run --sandbox, the
// sandboxed REPL (--sandbox -i), sockplay test --sandbox and sockplay
// exercise check run every untrusted script in a process of its own
// (package internal/child) under the limits below, and survive whatever
// it does.

// sandboxFlags are the limits of a sandboxed script's own process, the
// same for run, test and exercise check.
type sandboxFlags struct {
	memory    int64
	cpu       time.Duration
	files     int
	fileSize  int64
	allowRead []string
}

// register adds the flags; note ends the --allow-read line (how the
// flags relate to --sandbox there).
func (f *sandboxFlags) register(l i18n.Lang, fs *flag.FlagSet, note string) {
	f.memory, f.files, f.fileSize = child.DefaultMemory, child.DefaultFiles, child.DefaultFileSize
	fs.Var(sizeValue(&f.memory), "memory", l.Sprintf("each sandboxed script's memory (its address space): `SIZE`\n(default 512MiB; 0: none)"))
	fs.Var(durationValue(&f.cpu, true), "cpu", l.Sprintf("each sandboxed script's CPU time: `D` (default: its time limit)"))
	fs.Var(countValue(&f.files, "files"), "files", l.Sprintf("how many files a sandboxed script may have open: `N` (default 256)"))
	fs.Var(sizeValue(&f.fileSize), "file-size", l.Sprintf("the largest file a sandboxed script may write: `SIZE` (default 64MiB)"))
	fs.Var(listValue{&f.allowRead}, "allow-read", l.Sprintf("a file or folder sandboxed scripts may read besides their own\nscript: `PATH` (again for more; %s)", note))
}

// processFlags are the flags that limit a child process.
func (f *sandboxFlags) processFlags() []string {
	return []string{"memory", "cpu", "files", "file-size"}
}

func (f *sandboxFlags) anyGiven(fs *flag.FlagSet) bool {
	for _, name := range append(f.processFlags(), "allow-read") {
		if isSet(fs, name) {
			return true
		}
	}
	return false
}

// childLimits are the limits of a run's process whose own time limit is
// timeout (0: none): it is killed a second after, its CPU time is the
// same by default.
func (f *sandboxFlags) childLimits(timeout time.Duration) child.Limits {
	l := child.Limits{Memory: f.memory, CPU: f.cpu, Files: f.files, FileSize: f.fileSize}
	if timeout > 0 {
		l.Wall = timeout + time.Second
		if l.CPU == 0 {
			l.CPU = l.Wall
		}
	}
	return l
}

// isolation is the same for luatest, whose zero fields mean the defaults.
func (f *sandboxFlags) isolation() *luatest.Isolation {
	none := func(n int64) int64 {
		if n == 0 {
			return -1
		}
		return n
	}
	return &luatest.Isolation{Memory: none(f.memory), CPU: f.cpu, Files: int(none(int64(f.files))), FileSize: none(f.fileSize)}
}

// childRoles are what this program runs as a child (child.Serve).
func childRoles() map[string]child.Role {
	roles := luatest.ChildRoles(scripts.FS)
	roles["run"] = runChild
	return roles
}

// runJob is a sandboxed run's command line, for its child process.
type runJob struct {
	Args    []string // sockplay's arguments, as given
	TempDir string   // the run's folder, which the parent removes
	Script  *string  // the script, when it came from standard input
	// UIJoin is the live view (--ui) the run sends its events to: the
	// parent's, which the parent started or joined. The view lives in
	// the parent, so it outlives the child and nothing of it runs in the
	// sandboxed process but the sending.
	UIJoin  string
	Command string // how the user started sockplay (commandName)
	// History is the REPL's history file: a copy of the user's in a
	// folder of its own (repl.CopyHistory), which the parent merges
	// back; "" for none.
	History string
	// Lang is the parent's language: the child's environment may not
	// say it (on Windows and macOS the system's settings may).
	Lang i18n.Lang
}

type runReport struct{ Status int }

// childRun is the job of this process when it is a sandboxed run's
// child: prepareSandbox uses its folder.
var childRun *runJob

// runChild is the "run" role: the command line again, in this process.
func runChild(payload json.RawMessage) (any, int) {
	var job runJob
	if err := json.Unmarshal(payload, &job); err != nil {
		fmt.Fprintln(os.Stderr, "sockplay: bad run job:", err)
		return nil, exitError
	}
	childRun = &job
	var stdin io.Reader = os.Stdin
	if job.Script != nil {
		stdin = strings.NewReader(*job.Script)
	}
	status := runIn(job.Lang, job.Args, stdin, os.Stdout, os.Stderr)
	return runReport{Status: status}, status
}

// runSandboxed runs a sandboxed script in a child process: this program
// again, under f's limits, runs the same command line, with a folder
// this process makes and removes whatever happens. It returns the run's
// exit status, or says why the child ended without one.
func runSandboxed(f *runFlags, io *stdio, p runPlan, src *source) int {
	dir, err := os.MkdirTemp("", "sockplay-sandbox-")
	if err != nil {
		fmt.Fprintln(io.stderr, "sockplay:", err)
		return exitError
	}
	child.OwnDir(dir)
	defer child.RemoveDir(dir)
	job := runJob{Args: io.args, TempDir: dir, Command: commandName(), Lang: io.lang}
	access := &child.Access{Read: f.limits.allowRead, Write: []string{dir}}
	if src.file != "" {
		// The script, and the modules beside it that it may require.
		access.Read = append(access.Read, src.file)
		access.Read = append(access.Read, luabind.ModuleFiles(src.file)...)
	}
	if p.stdin {
		job.Script = &src.code
	}
	// The files the run writes outside its folder: made here, so that
	// the child may write them and nothing else.
	for _, out := range []string{f.traceJSON, f.diagram} {
		if out == "" {
			continue
		}
		fh, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE, 0o644)
		if err != nil {
			fmt.Fprintf(io.stderr, "sockplay: %v\n", err)
			return exitUsage
		}
		fh.Close()
		access.Write = append(access.Write, out)
	}
	if f.wantsUI() {
		view, err := f.startView(io.stderr)
		if err != nil {
			fmt.Fprintln(io.stderr, "sockplay:", err)
			return exitError
		}
		job.UIJoin = view.URL()
		defer finishView(view)
	}
	timeout := f.timeout
	if !f.given("timeout") {
		timeout = luabind.DefaultSandboxTimeout
	}
	if p.repl {
		// The sandbox's time limit is each line's; the session lasts as
		// long as the user types (--timeout is refused with the REPL).
		timeout = 0
	}
	spec := child.Spec{
		Role: "run", Label: src.name, Payload: job,
		Stdout: io.stdout, Stderr: io.stderr,
		Limits: f.limits.childLimits(timeout),
		Access: access,
		Lang:   io.lang,
	}
	term := p.repl && isTerminal(io.stdin) && isTerminal(io.stdout) && isFile(io.stderr)
	switch {
	case term:
		// The REPL's line editor needs the terminal itself.
		spec.Stdin, spec.Terminal = io.stdin, true
		hist, done, err := replHistory(access, io.lang, io.stderr)
		if err != nil {
			fmt.Fprintln(io.stderr, "sockplay:", err)
			return exitError
		}
		defer done()
		job.History = hist
		spec.Payload = job
		defer tty.SaveMode(io.stdin.(*os.File)).Restore() // what a killed REPL left raw
	case !p.stdin && io.stdin != nil:
		// A pipe, even from a terminal: the child is not in the
		// terminal's foreground group.
		spec.Stdin, spec.StdinPipe = io.stdin, true
	}
	var sigs chan os.Signal
	if p.repl {
		// From before the child starts: a SIGTERM meanwhile is its too.
		sigs = make(chan os.Signal, 4)
		signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
		defer signal.Stop(sigs)
	}
	proc, err := child.Start(spec)
	if err != nil {
		fmt.Fprintln(io.stderr, "sockplay: cannot start the sandbox's process:", err)
		return exitError
	}
	ctx := context.Background()
	if p.repl {
		defer forwardSignals(proc, sigs, term)()
	} else {
		var stop func()
		ctx, stop = interruptible(io.lang, io.stderr)
		defer stop()
		// Ctrl-C is the terminal's to send to this process: the child gets
		// it from here, and reports "interrupted" itself.
		defer context.AfterFunc(ctx, proc.Interrupt)()
	}
	out := proc.Wait()
	var rep runReport
	if out.Report != nil && json.Unmarshal(out.Report, &rep) == nil {
		return rep.Status
	}
	io.lang.Fprintf(io.stderr, "sockplay: sandbox: the run %s\n", out.Reason)
	if ctx.Err() != nil {
		return exitInterrupted
	}
	return exitError
}

// forwardSignals passes on to a sandboxed REPL's child the signals this
// process gets on sigs (os.Interrupt, SIGTERM, SIGHUP), until stop:
// SIGTERM and SIGHUP make the REPL leave (and set the terminal back),
// Ctrl-C interrupts its line. When the child shares the terminal (term),
// the terminal's Ctrl-C reaches it directly, and this process drops its
// own.
func forwardSignals(proc *child.Proc, sigs <-chan os.Signal, term bool) (stop func()) {
	done := make(chan struct{})
	go func() {
		for {
			select {
			case sig := <-sigs:
				if sig != os.Interrupt || !term {
					proc.Signal(sig)
				}
			case <-done:
				return
			}
		}
	}()
	return func() { close(done) }
}

// replHistory gives a sandboxed REPL's child a copy of the user's history
// file, in a folder of its own that the child may write (its only one
// besides its temporary folder, which its scripts may read: the history
// is not theirs). done adds the lines typed to the user's file and
// removes the folder. No history: "".
func replHistory(access *child.Access, l i18n.Lang, stderr io.Writer) (path string, done func(), err error) {
	orig := repl.HistoryFile()
	if orig == "" {
		return "", func() {}, nil
	}
	dir, err := os.MkdirTemp("", "sockplay-history-")
	if err != nil {
		return "", nil, err
	}
	child.OwnDir(dir)
	c, err := repl.CopyHistory(orig, filepath.Join(dir, "history"))
	if err != nil {
		child.RemoveDir(dir)
		return "", nil, err
	}
	access.Write = append(access.Write, dir)
	return c.Path(), func() {
		if err := c.Merge(); err != nil {
			// As the REPL words it (repl/history.go).
			why := err.Error()
			l.Fprintf(stderr, "history is not saved: %s (SOCKPLAY_HISTORY=off turns it off)\n", why)
		}
		child.RemoveDir(dir)
	}, nil
}

func isFile(w any) bool {
	_, ok := w.(*os.File)
	return ok
}
