package luatest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sockplay/sockplay/internal/child"
	"github.com/sockplay/sockplay/internal/syncbuf"
	"github.com/sockplay/sockplay/luabind"
)

// Tests and scripts in child processes (Options.Isolate): each test runs
// in a child of its own (in a network namespace of its own where the
// kernel allows), and every script a test starts runs in a child of that
// child, with its own limits and a Landlock allowlist of its own script,
// the test's folder and Options.AllowRead. Whatever a script does to its
// process, the test reports it; whatever a test does to its own, the
// runner reports it and goes on.

// Isolation are the limits of each child; zero fields take the defaults
// documented in docs/EXERCISES.md, negative ones mean none.
type Isolation struct {
	Memory   int64         // address space per child (default 512 MiB)
	CPU      time.Duration // CPU time per child (default: its time limit)
	Files    int           // open files per child (default 256)
	FileSize int64         // largest file a child may write (default 64 MiB)
}

func (iso Isolation) limits(wall time.Duration) child.Limits {
	or := func(n, def int64) int64 {
		switch {
		case n < 0:
			return 0 // none
		case n == 0:
			return def
		}
		return n
	}
	l := child.Limits{
		Memory:   or(iso.Memory, child.DefaultMemory),
		CPU:      time.Duration(or(int64(iso.CPU), int64(wall))),
		Files:    int(or(int64(iso.Files), child.DefaultFiles)),
		FileSize: or(iso.FileSize, child.DefaultFileSize),
		Wall:     wall,
	}
	return l
}

// Layers says what confines the tests' children on this machine (for
// sockplay test -v), in lang, by starting one.
func (iso Isolation) Layers(lang luabind.Language, timeout time.Duration) (string, error) {
	l := iso.limits(testWall(Options{Timeout: timeout}))
	ls, err := child.Probe(l)
	if err != nil {
		return "", err
	}
	return ls.In(lang), nil
}

// ServeChild makes this process one of the runner's children if it was
// started as one (it then runs its part and exits), and returns at once
// otherwise: a program that runs tests with Options.Isolate calls it
// first thing in main (and a test binary in TestMain). scripts are the
// bundled scripts, as Options.Scripts.
func ServeChild(scripts fs.FS) {
	child.Serve(ChildRoles(scripts))
}

// ChildRoles are the roles of the runner's children, for a program that
// serves roles of its own besides (sockplay's main).
func ChildRoles(scripts fs.FS) map[string]child.Role {
	return map[string]child.Role{
		"test":   func(p json.RawMessage) (any, int) { return testChild(p, scripts) },
		"script": func(p json.RawMessage) (any, int) { return scriptChild(p, scripts) },
	}
}

// childOptions are the Options a test child runs with.
type childOptions struct {
	Target      string
	Sandbox     bool
	TrustTests  bool
	Timeout     time.Duration
	IOTimeout   time.Duration
	OutputLimit int
	AllowRead   []string
	Isolate     Isolation
	Strict      bool
	Lang        luabind.Language
}

type testJob struct {
	File, Name string
	Hint       string // the test's own hint
	Tmp        string // the test's folder, the parent's to remove
	Opts       childOptions
}

type testReport struct {
	Failures []string
	Output   string
	Hint     string // the test's hint, or one for what its servers did
}

// runTestInChild runs one test in a child process and reports it, also
// when the child dies.
func runTestInChild(ctx context.Context, file string, res *TestResult, opts Options) *TestResult {
	return inTestDir(res, func(tmp string) *TestResult { return runChildIn(ctx, file, res, opts, tmp) })
}

// runChildIn runs a test in a child process with tmp as its folder.
func runChildIn(ctx context.Context, file string, res *TestResult, opts Options, tmp string) *TestResult {
	iso := *opts.Isolate
	job := testJob{File: file, Name: res.Name, Hint: res.Hint, Tmp: tmp, Opts: childOptions{
		Target: opts.Target, Sandbox: opts.Sandbox, TrustTests: opts.TrustTests,
		Timeout: opts.timeout(), IOTimeout: opts.ioTimeout(), OutputLimit: opts.outputLimit(),
		AllowRead: opts.AllowRead, Isolate: iso, Strict: opts.Strict, Lang: opts.Lang,
	}}
	// The test reads its own folder (its scripts, its data), the script
	// under test, what the teacher allows; it writes only in its folder,
	// and runs only this program (the children of its scripts).
	read := append([]string{filepath.Dir(file)}, opts.AllowRead...)
	if opts.Target != "" {
		// The script under test, and the modules beside it it may require.
		read = append(read, opts.Target)
		read = append(read, luabind.ModuleFiles(opts.Target)...)
	}
	stderr := &syncbuf.Buffer{Limit: opts.outputLimit()}
	proc, err := child.Start(child.Spec{
		Role: "test", Label: file + " " + res.Name, Payload: job,
		Stderr: stderr,
		Limits: iso.limits(testWall(opts)),
		Access: &child.Access{Read: read, Write: []string{tmp}},
		NetNS:  true,
		Lang:   opts.Lang,
	})
	if err != nil {
		res.Failures = []string{"cannot start the test's process: " + err.Error()}
		return res
	}
	stop := context.AfterFunc(ctx, proc.Interrupt)
	out := proc.Wait()
	stop()
	var rep testReport
	if out.Report != nil && json.Unmarshal(out.Report, &rep) == nil {
		if rep.Hint != res.Hint {
			res.HintZh = "" // a server's warning took the place of the test's hint
		}
		res.Failures, res.Output, res.Hint = rep.Failures, rep.Output, rep.Hint
		return res
	}
	if out.Interrupted {
		// Stopped while it started up, before the test ran: as a test
		// interrupted at once (runTestIn's words, the child's own once
		// it listens for the interrupt).
		interrupted := &luabind.Error{Kind: luabind.Interrupted, Msg: "interrupted"}
		res.Failures = []string{describeRunError(opts.Lang, interrupted, ctx, opts.timeout(), false)}
		return res
	}
	msg := opts.Lang.Sprintf("%s: its process %s", res.Name, out.Reason)
	if s := strings.TrimSpace(stderr.String()); s != "" && !out.Crashed {
		msg += "\n" + opts.Lang.Sprintf("its stderr: %s", s)
	}
	res.Failures = []string{msg}
	return res
}

// testWall is the wall-clock limit of a test's process. Its own limits
// come first (the sandbox's, then the runner's backstop, then stopGrace
// for a stuck call): the kill is for a child that cannot report any more.
func testWall(opts Options) time.Duration {
	return opts.timeout() + time.Second + stopGrace
}

// testChild is the "test" role: it runs one test as runTest does and
// reports its failures and output.
func testChild(payload json.RawMessage, scripts fs.FS) (any, int) {
	var job testJob
	if err := json.Unmarshal(payload, &job); err != nil {
		return testReport{Failures: []string{"bad job: " + err.Error()}}, 1
	}
	res := &TestResult{File: job.File, Name: job.Name}
	src, err := os.ReadFile(job.File)
	if err != nil {
		return testReport{Failures: []string{err.Error()}}, 0
	}
	o := job.Opts
	iso := o.Isolate
	opts := Options{Target: o.Target, Sandbox: o.Sandbox, TrustTests: o.TrustTests,
		Timeout: o.Timeout, IOTimeout: o.IOTimeout, OutputLimit: o.OutputLimit,
		AllowRead: o.AllowRead, Isolate: &iso, Scripts: scripts, Strict: o.Strict, Lang: o.Lang}
	// The runner interrupts a test as Ctrl-C would.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res.Hint = job.Hint
	runTestIn(ctx, job.File, string(src), res, opts, job.Tmp)
	return testReport{Failures: res.Failures, Output: res.Output, Hint: res.Hint}, 0
}

type scriptJob struct {
	Name    string // as errors show it
	File    bool   // Name is a file: require looks beside it
	Code    string
	Args    []string
	Sandbox *luabind.Sandbox
	Strict  bool
	Lang    luabind.Language
}

type scriptReport struct {
	Err      *luabind.Error    // nil: it ended without an error
	Warnings []luabind.Warning // what its runtime warned about
}

// scriptChild is the "script" role: one script run to its end (or until
// it is interrupted, as Ctrl-C), on this process's standard streams.
func scriptChild(payload json.RawMessage, scripts fs.FS) (any, int) {
	var job scriptJob
	if err := json.Unmarshal(payload, &job); err != nil {
		return scriptReport{Err: &luabind.Error{Kind: luabind.RuntimeError, Msg: "bad job: " + err.Error()}}, 1
	}
	// What the script prints goes out when it waits or ends (luabind
	// flushes Stdout then): a server that prints its address and ends at
	// once has ended before the test reads the address. A script that
	// never waits (a busy loop, non-blocking calls in a loop) has its
	// output sent after a moment all the same, as a test in the same
	// process would see it.
	stdout := newLateFlusher(os.Stdout, lateFlush)
	rt := luabind.New(luabind.Options{Stdin: os.Stdin, Stdout: stdout, Stderr: os.Stderr, Scripts: scripts, Sandbox: job.Sandbox, Strict: job.Strict, Lang: job.Lang})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// The runtime is not closed: the process ends with the run, and a
	// call stuck in Go would keep Close waiting.
	var err error
	if job.File {
		err = rt.RunFileCode(ctx, job.Name, job.Code, job.Args)
	} else {
		err = rt.RunString(ctx, job.Name, job.Code, job.Args)
	}
	stdout.Flush()
	rep := scriptReport{Warnings: rt.Warnings()}
	var e *luabind.Error
	switch {
	case err == nil:
	case errors.As(err, &e):
		rep.Err = e
	default:
		rep.Err = &luabind.Error{Kind: luabind.RuntimeError, Msg: err.Error()}
	}
	return rep, 0
}

// A scriptRun is a script a test started: in a runtime of the test's
// process, or (isolated) in a child process of its own.
type scriptRun struct {
	done      chan struct{}
	err       error             // the run's result, once done is closed
	warnings  []luabind.Warning // what its runtime warned about, once done is closed
	interrupt func()
	kill      func() // nil: it cannot be killed (in-process: abandoned)
	release   func() // once done: free what it holds
	killed    bool
}

// startScript starts a script with its arguments and input; its output
// goes to stdout and stderr. force sandboxes it even in a test that is
// not; limit is its time limit, for a child's.
func (tr *testRun) startScript(name, code string, args []string, stdin string, stdout, stderr io.Writer, force bool, limit time.Duration) (*scriptRun, error) {
	sb := tr.scriptSandbox(name, force)
	sr := &scriptRun{done: make(chan struct{})}
	if tr.opts.Isolate != nil && child.InChild() {
		job := scriptJob{Name: name, File: tr.isFile(name), Code: code, Args: args, Sandbox: sb, Strict: tr.opts.Strict, Lang: tr.opts.Lang}
		access := &child.Access{Read: tr.opts.AllowRead, Write: []string{tr.tmp}}
		if job.File {
			access.Read = append(access.Read, name)
			access.Read = append(access.Read, luabind.ModuleFiles(name)...)
		}
		proc, err := child.Start(child.Spec{
			Role: "script", Label: name, Payload: job,
			Stdin: strings.NewReader(stdin), Stdout: stdout, Stderr: stderr,
			Limits: tr.opts.Isolate.limits(limit + time.Second),
			Access: access,
			Lang:   tr.opts.Lang,
		})
		if err != nil {
			return nil, err
		}
		sr.interrupt, sr.kill, sr.release = proc.Interrupt, proc.Kill, func() {}
		go func() {
			sr.err, sr.warnings = outcome(tr.opts.Lang, proc.Wait())
			close(sr.done)
		}()
		return sr, nil
	}
	rt := luabind.New(luabind.Options{Stdin: strings.NewReader(stdin), Stdout: stdout, Stderr: stderr, Scripts: tr.opts.Scripts, Sandbox: sb, Strict: tr.opts.Strict, Lang: tr.opts.Lang})
	ctx, cancel := context.WithCancel(context.Background())
	sr.interrupt = func() { cancel(); rt.Cancel() }
	sr.release = func() { rt.Close() }
	file := tr.isFile(name)
	go func() {
		if file {
			sr.err = rt.RunFileCode(ctx, name, code, args)
		} else {
			sr.err = rt.RunString(ctx, name, code, args)
		}
		sr.warnings = rt.Warnings()
		close(sr.done)
	}()
	return sr, nil
}

// outcome is a script child's result as a run's error (its own, or why
// its process ended without one) and what its runtime warned about.
func outcome(l luabind.Language, out *child.Outcome) (error, []luabind.Warning) {
	var rep scriptReport
	if out.Report != nil && json.Unmarshal(out.Report, &rep) == nil {
		if rep.Err != nil {
			return rep.Err, rep.Warnings
		}
		return nil, rep.Warnings
	}
	if out.Interrupted {
		// Stopped while it started up, before the script ran: as a
		// script interrupted at once.
		return &luabind.Error{Kind: luabind.Interrupted, Msg: "interrupted"}, nil
	}
	return errors.New(l.Sprintf("its process %s", out.Reason)), nil
}

// stop interrupts the script and waits for it to end, at most grace;
// then a child is killed, an in-process run abandoned (finished false).
func (sr *scriptRun) stop(grace time.Duration) (finished bool) {
	sr.interrupt()
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-sr.done:
		sr.release()
		return true
	case <-timer.C:
	}
	if sr.kill == nil {
		return false
	}
	sr.killed = true
	sr.kill()
	<-sr.done
	return true
}

// ended reports whether the script has ended.
func (sr *scriptRun) ended() bool {
	select {
	case <-sr.done:
		return true
	default:
		return false
	}
}

// scriptSandbox is the sandbox of a script a test starts: the test's (or,
// forced, one like it), reading its own file and what the teacher allows.
func (tr *testRun) scriptSandbox(name string, force bool) *luabind.Sandbox {
	if tr.sandbox == nil && !force {
		return nil
	}
	read := tr.opts.AllowRead
	if tr.isFile(name) {
		read = append(append([]string(nil), read...), name)
	}
	return newSandbox(tr.opts, tr.tmp, read)
}

// newSandbox is the sandbox of a test or a script it starts: tmp its
// folder, read what it may read besides. Isolated, its heap watchdog
// fires before its process's memory limit: a clear error rather than a
// killed process, for a script whose memory grows step by step.
func newSandbox(opts Options, tmp string, read []string) *luabind.Sandbox {
	sb := &luabind.Sandbox{TempDir: tmp, Timeout: opts.timeout(), Read: read}
	if opts.Isolate != nil {
		if m := opts.Isolate.limits(0).Memory; m > 0 {
			sb.MaxMemory = min(luabind.DefaultMaxMemory, m/2)
		}
	}
	return sb
}

// isFile reports whether a resolved script name is a file (not a bundled
// script).
func (tr *testRun) isFile(name string) bool {
	st, err := os.Stat(name)
	return err == nil && st.Mode().IsRegular()
}

// lateFlush is how long a child script's output may wait in its buffer
// while the script runs without waiting: long beside printing and ending
// at once, short beside a test's time limits.
const lateFlush = 100 * time.Millisecond

// A lateFlusher buffers writes to w until Flush, or until the oldest
// unflushed byte has waited delay.
type lateFlusher struct {
	mu    sync.Mutex
	w     *bufio.Writer
	delay time.Duration
	timer *time.Timer // set while bytes wait
}

func newLateFlusher(w io.Writer, delay time.Duration) *lateFlusher {
	return &lateFlusher{w: bufio.NewWriter(w), delay: delay}
}

func (f *lateFlusher) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, err := f.w.Write(p)
	if f.w.Buffered() > 0 && f.timer == nil {
		f.timer = time.AfterFunc(f.delay, func() { f.Flush() })
	}
	return n, err
}

// Flush writes what waits, at once.
func (f *lateFlusher) Flush() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.timer != nil {
		f.timer.Stop()
		f.timer = nil
	}
	return f.w.Flush()
}
