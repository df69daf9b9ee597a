package luatest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
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
// documented in docs/EXERCISES.md.
type Isolation struct {
	Memory   int64         // address space per child (default 512 MiB)
	CPU      time.Duration // CPU time per child (default: its time limit)
	Files    int           // open files per child (default 256)
	FileSize int64         // largest file a child may write (default 64 MiB)
	// NoNetNS runs the tests in this process's network namespace even
	// where a private one could be made.
	NoNetNS bool
}

func (iso Isolation) limits(wall time.Duration) child.Limits {
	l := child.Limits{Memory: iso.Memory, CPU: iso.CPU, Files: iso.Files, FileSize: iso.FileSize, Wall: wall}
	if l.Memory == 0 {
		l.Memory = child.DefaultMemory
	}
	if l.CPU == 0 {
		l.CPU = wall
	}
	if l.Files == 0 {
		l.Files = child.DefaultFiles
	}
	if l.FileSize == 0 {
		l.FileSize = child.DefaultFileSize
	}
	return l
}

// Layers says what confines the tests' children on this machine (for
// sockplay test -v), by starting one.
func (iso Isolation) Layers(timeout time.Duration) (string, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	l := iso.limits(timeout)
	ls, err := child.Probe(l)
	if err != nil {
		return "", err
	}
	if iso.NoNetNS {
		ls.NetNS, ls.NetNSError = false, "--no-netns"
	}
	return ls.String(), nil
}

// ChildRoles are the roles of the test runner's children, for
// child.Serve: a program whose tests run isolated serves them first
// thing (sockplay's main does, and the tests of this package).
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
}

type testJob struct {
	File, Name string
	Tmp        string // the test's folder, the parent's to remove
	Opts       childOptions
}

type testReport struct {
	Failures []string
	Output   string
}

// runTestInChild runs one test in a child process and reports it, also
// when the child dies.
func runTestInChild(ctx context.Context, file string, res *TestResult, opts Options) *TestResult {
	start := time.Now()
	defer func() { res.Duration = time.Since(start) }()
	tmp, err := os.MkdirTemp("", "sockplay-test-")
	if err != nil {
		res.Failures = []string{err.Error()}
		return res
	}
	child.OwnDir(tmp)
	defer child.RemoveDir(tmp)
	iso := *opts.Isolate
	job := testJob{File: file, Name: res.Name, Tmp: tmp, Opts: childOptions{
		Target: opts.Target, Sandbox: opts.Sandbox, TrustTests: opts.TrustTests,
		Timeout: opts.timeout(), IOTimeout: opts.ioTimeout(), OutputLimit: opts.outputLimit(),
		AllowRead: opts.AllowRead, Isolate: iso,
	}}
	// The test reads its own folder (its scripts, its data), the script
	// under test, what the teacher allows; it writes only in its folder,
	// and runs only this program (the children of its scripts).
	read := append([]string{filepath.Dir(file)}, opts.AllowRead...)
	if opts.Target != "" {
		read = append(read, opts.Target)
	}
	exe, err := os.Executable()
	if err != nil {
		res.Failures = []string{err.Error()}
		return res
	}
	stderr := &syncbuf.Buffer{Limit: opts.outputLimit()}
	// Its own limit fires first (the sandbox's, then the runner's
	// backstop, then stopGrace for a stuck call): the kill is for a
	// child that cannot report any more.
	wall := opts.timeout() + time.Second + stopGrace
	proc, err := child.Start(child.Spec{
		Role: "test", Label: file + " " + res.Name, Payload: job,
		Stderr: stderr,
		Limits: iso.limits(wall),
		Access: &child.Access{Read: read, Write: []string{tmp}, Exec: []string{exe}},
		NetNS:  !iso.NoNetNS,
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
		res.Failures, res.Output = rep.Failures, rep.Output
		return res
	}
	msg := res.Name + ": its process " + out.Reason
	if s := strings.TrimSpace(stderr.String()); s != "" && !strings.Contains(out.Reason, "crashed") {
		msg += "\nits stderr: " + s
	}
	res.Failures = []string{msg}
	return res
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
		AllowRead: o.AllowRead, Isolate: &iso, Scripts: scripts}
	// The runner interrupts a test as Ctrl-C would.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	runTestIn(ctx, job.File, string(src), res, opts, job.Tmp)
	return testReport{Failures: res.Failures, Output: res.Output}, 0
}

type scriptJob struct {
	Name    string // as errors show it
	Code    string
	Args    []string
	Sandbox *luabind.Sandbox
}

type scriptReport struct {
	Err *luabind.Error // nil: it ended without an error
}

// scriptChild is the "script" role: one script run to its end (or until
// it is interrupted, as Ctrl-C), on this process's standard streams.
func scriptChild(payload json.RawMessage, scripts fs.FS) (any, int) {
	var job scriptJob
	if err := json.Unmarshal(payload, &job); err != nil {
		return scriptReport{Err: &luabind.Error{Kind: luabind.RuntimeError, Msg: "bad job: " + err.Error()}}, 1
	}
	rt := luabind.New(luabind.Options{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Scripts: scripts, Sandbox: job.Sandbox})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// The runtime is not closed: the process ends with the run, and a
	// call stuck in Go would keep Close waiting.
	err := rt.RunString(ctx, job.Name, job.Code, job.Args)
	var e *luabind.Error
	switch {
	case err == nil:
		return scriptReport{}, 0
	case errors.As(err, &e):
		return scriptReport{Err: e}, 0
	}
	return scriptReport{Err: &luabind.Error{Kind: luabind.RuntimeError, Msg: err.Error()}}, 0
}

// A scriptRun is a script a test started: in a runtime of the test's
// process, or (isolated) in a child process of its own.
type scriptRun struct {
	done      chan struct{}
	err       error // the run's result, once done is closed
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
		job := scriptJob{Name: name, Code: code, Args: args, Sandbox: sb}
		access := &child.Access{Read: tr.opts.AllowRead, Write: []string{tr.tmp}}
		if tr.isFile(name) {
			access.Read = append(access.Read, name)
		}
		proc, err := child.Start(child.Spec{
			Role: "script", Label: name, Payload: job,
			Stdin: strings.NewReader(stdin), Stdout: stdout, Stderr: stderr,
			Limits: tr.opts.Isolate.limits(limit + time.Second),
			Access: access,
		})
		if err != nil {
			return nil, err
		}
		sr.interrupt, sr.kill, sr.release = proc.Interrupt, proc.Kill, func() {}
		go func() {
			sr.err = outcomeError(proc.Wait())
			close(sr.done)
		}()
		return sr, nil
	}
	rt := luabind.New(luabind.Options{Stdin: strings.NewReader(stdin), Stdout: stdout, Stderr: stderr, Scripts: tr.opts.Scripts, Sandbox: sb})
	ctx, cancel := context.WithCancel(context.Background())
	sr.interrupt = func() { cancel(); rt.Cancel() }
	sr.release = func() { rt.Close() }
	go func() {
		sr.err = rt.RunString(ctx, name, code, args)
		close(sr.done)
	}()
	return sr, nil
}

// outcomeError is a script child's result as a run's error: its own, or
// why its process ended without one.
func outcomeError(out *child.Outcome) error {
	var rep scriptReport
	if out.Report != nil && json.Unmarshal(out.Report, &rep) == nil {
		if rep.Err != nil {
			return rep.Err
		}
		return nil
	}
	return errors.New("its process " + out.Reason)
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
	sb := &luabind.Sandbox{TempDir: tr.tmp, Timeout: tr.opts.timeout(), Read: tr.opts.AllowRead}
	if tr.isFile(name) {
		sb.Read = append(append([]string(nil), sb.Read...), name)
	}
	return sb
}

// isFile reports whether a resolved script name is a file (not a bundled
// script).
func (tr *testRun) isFile(name string) bool {
	st, err := os.Stat(name)
	return err == nil && st.Mode().IsRegular()
}
