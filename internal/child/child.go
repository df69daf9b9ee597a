// Package child runs untrusted scripts in child processes: the same
// binary, re-executed with the hidden first argument "__child", under the
// operating system's limits, so that whatever a script does to its
// process (exhausts its memory, hangs in a Go call, crashes it) the
// process that started it goes on and reports it.
//
// A child gets, from the outside in (each layer holds on its own):
//
//   - its own process group, killed (SIGKILL) by the parent at its
//     wall-clock limit plus a short grace (Limits.Wall, Grace); on
//     Windows a job object, terminated as a whole;
//   - resource limits: address space, CPU seconds, open files, file size
//     (Limits; rlimit(2)); on macOS all but the address space (the system
//     does not enforce RLIMIT_AS; the Go runtime's soft limit remains);
//     on Windows the job's committed memory and CPU time, no limit on
//     files;
//   - on Linux with Landlock, a file-system allowlist enforced by the
//     kernel (Access), abstract Unix sockets and signals scoped to its
//     own domain;
//   - on Linux, where the process may create namespaces, a network
//     namespace of its own holding only loopback (Spec.NetNS).
//
// On macOS and Windows the in-process policy is the only guard of files
// and the network: the weaker layers are said by Layers (sockplay test
// -v), not hidden.
//
// The parent side is Start and Proc; the child side is Serve, which a
// program calls first thing in main (and a test binary in TestMain): in
// a child it applies the limits, runs the role the parent asked for and
// exits; elsewhere it returns at once.
package child

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/sockplay/sockplay/internal/i18n"
)

// Grace is how long past its wall-clock limit a child may take to end
// by itself (its own time limit fires first and it reports) before its
// group is killed.
const Grace = 2 * time.Second

// Defaults of the limits the command line documents.
const (
	DefaultMemory   = 512 << 20
	DefaultFiles    = 256
	DefaultFileSize = 64 << 20
)

// Limits are a child's resource limits; zero fields mean none.
type Limits struct {
	// Memory is how much address space the child may map beyond what it
	// had mapped once the Go runtime had started (RLIMIT_AS). The Go
	// runtime also sets its soft memory limit there, so that it collects
	// garbage before the hard limit.
	Memory int64
	// CPU is the child's CPU time (RLIMIT_CPU, rounded up to seconds).
	CPU time.Duration
	// Files is how many files the child may have open (RLIMIT_NOFILE).
	Files int
	// FileSize is the largest file the child may write (RLIMIT_FSIZE).
	FileSize int64
	// Wall is the wall-clock limit: the parent kills the child's process
	// group at Wall + Grace.
	Wall time.Duration
}

// Access is a child's file-system allowlist, enforced by the kernel
// where Landlock is available (best effort: on an older kernel the child
// runs without it, and Layers says so). The child may also execute this
// program (to start children of its own).
type Access struct {
	Read  []string // files and folders it may read (a file's folder may be listed)
	Write []string // folders it may read, write and create files in
}

// Spec describes a child to start.
type Spec struct {
	// Role names what the child runs, a key of the roles given to Serve;
	// Label is shown after it in the process list (ps).
	Role  string
	Label string
	// Payload is passed to the role as JSON.
	Payload any
	Limits  Limits
	// Access, if not nil, is the child's Landlock allowlist.
	Access *Access
	// NetNS asks for a network namespace of its own, holding only
	// loopback, where the kernel lets this process create one (NetNSError
	// says why not).
	NetNS bool
	// The child's standard streams; nil: empty input, output discarded.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// StdinPipe gives the child a pipe for its standard input, fed from
	// Stdin by the parent, even when Stdin is a file: a child that is not
	// in the terminal's foreground group must not read the terminal.
	StdinPipe bool
	// Terminal gives the child this process's terminal (where
	// TerminalSupported): Stdin, Stdout and Stderr, which must then be
	// files, are its own descriptors as they are, and it stays in this
	// process's group, the terminal's foreground group, instead of
	// leading one of its own. So it reads the terminal, the terminal's
	// Ctrl-C and Ctrl-Z reach it, and a shell's job control stops and
	// resumes it with this process. Ctrl-C reaches this process too: the
	// caller ignores it while the child runs. Killed, the child alone is
	// (its group is its parent's).
	Terminal bool
	// Lang is the language of the Outcome's Reason.
	Lang i18n.Lang
}

// setup is what the parent sends the child before anything else.
type setup struct {
	Role    string
	Payload json.RawMessage
	Limits  Limits
	Access  *Access
	NetNS   bool
	Exe     string // the executable, for the child's own children
	Nested  bool   // the child's parent is a child too
	// BaseAS is the address space of this program once started, measured
	// where /proc could still be read: a Landlocked child cannot read it
	// to measure itself, and starts as its first stage (or its parent) did.
	BaseAS uint64
	// Landlocked: the child's first stage has restricted itself with
	// Landlock ABI LandlockABI and started the program again.
	Landlocked  bool
	LandlockABI int
}

// Proc is a started child.
type Proc struct {
	spec    Spec
	cmd     *exec.Cmd
	report  *os.File // read end of the child's report pipe
	started time.Time
	done    chan struct{} // closed once the child has been waited for
	tail    *tailBuffer   // the last bytes of its stderr, for the reason of a crash
	sys     sysProc       // this system's handle on it: its job on Windows

	mu          sync.Mutex
	out         *Outcome
	killed      bool // by the wall-clock limit
	stopped     bool // by Kill
	interrupted bool // Interrupt was called
}

// Outcome is how a child ended.
type Outcome struct {
	// Report is what the role returned (JSON); nil if the child died
	// before it could say.
	Report json.RawMessage
	// Status is the exit status; -1 if a signal ended the child.
	Status int
	// Reason says why a child without a report ended ("used more than
	// 512 MiB of memory", "did not stop within 10s"), in Spec.Lang; ""
	// when it reported. Crashed: it ended by itself (a signal, an exit
	// status), no limit ended it.
	Reason  string
	Crashed bool
	// Interrupted: the SIGINT of Interrupt ended it (Reason "stopped"),
	// as it ends a child that does not listen for it, or not yet: one
	// interrupted while it still starts up, before its role began (on a
	// loaded machine). Not on Windows.
	Interrupted bool
	// Duration is how long it ran.
	Duration time.Duration
}

// live holds the children running, so that Cleanup can kill them when the
// process itself must end at once (a second Ctrl-C, SIGTERM's grace).
var live struct {
	sync.Mutex
	procs map[*Proc]struct{}
	dirs  map[string]struct{}
}

// Start starts a child as spec says.
func Start(spec Spec) (*Proc, error) {
	exe, err := executable()
	if err != nil {
		return nil, fmt.Errorf("cannot find this program to run a child: %w", err)
	}
	payload, err := json.Marshal(spec.Payload)
	if err != nil {
		return nil, err
	}
	netns := spec.NetNS && !inChild.Nested && netnsFlags() != 0
	if inChild.Role != "" {
		netns = false // a child's children share its namespace
	}
	su := setup{Role: spec.Role, Payload: payload, Limits: spec.Limits, Access: spec.Access, NetNS: netns, Exe: exe, Nested: inChild.Role != "", BaseAS: inChild.BaseAS}
	p, err := start(spec, su)
	if err != nil && netns && isNamespaceError(err) {
		// Probed by the first try: the kernel or the user may not create
		// namespaces here. Remember why and go on without.
		noNetNS(err)
		su.NetNS = false
		p, err = start(spec, su)
	}
	return p, err
}

func start(spec Spec, su setup) (*Proc, error) {
	if !Supported {
		return nil, errors.New("child processes under limits need Linux, macOS or Windows")
	}
	setupR, setupW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	reportR, reportW, err := os.Pipe()
	if err != nil {
		setupR.Close()
		setupW.Close()
		return nil, err
	}
	args := []string{su.Exe, childArg, spec.Role}
	if spec.Label != "" {
		args = append(args, spec.Label)
	}
	cmd := &exec.Cmd{Path: su.Exe, Args: args, Env: childEnv()}
	cmd.SysProcAttr = sysProcAttr(su)
	passFiles(cmd, setupR, reportW) // fds 3 and 4; inherited handles on Windows
	p := &Proc{spec: spec, cmd: cmd, report: reportR, done: make(chan struct{}), tail: &tailBuffer{max: 4096}}
	cmd.Stdout = spec.Stdout
	cmd.Stderr = &crashFilter{w: orDiscard(spec.Stderr), tail: p.tail, lineStart: true}
	var stdinW *os.File
	switch {
	case spec.Terminal:
		if !TerminalSupported {
			return nil, errors.New("a child cannot share the terminal on this system")
		}
		files := []*os.File{nil, nil, nil}
		for i, s := range []any{spec.Stdin, spec.Stdout, spec.Stderr} {
			f, ok := s.(*os.File)
			if !ok {
				return nil, errors.New("a child given the terminal needs files for its standard streams")
			}
			files[i] = f
		}
		// As they are: a pipe in between would make them no terminal,
		// and stderr's text reach it after stdout's that followed it.
		cmd.Stdin, cmd.Stdout, cmd.Stderr = files[0], files[1], files[2]
		shareGroup(cmd.SysProcAttr)
	case spec.StdinPipe:
		r, w, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		cmd.Stdin, stdinW = r, w
		defer r.Close()
	case spec.Stdin != nil:
		cmd.Stdin = spec.Stdin
	default:
		cmd.Stdin = strings.NewReader("")
	}
	err = cmd.Start()
	setupR.Close()
	reportW.Close()
	if err != nil {
		setupW.Close()
		reportR.Close()
		if stdinW != nil {
			stdinW.Close()
		}
		return nil, err
	}
	p.started = time.Now()
	// Before the child has its setup, so before it runs anything.
	if err := p.attach(); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		setupW.Close()
		reportR.Close()
		if stdinW != nil {
			stdinW.Close()
		}
		return nil, fmt.Errorf("limiting the child: %w", err)
	}
	live.Lock()
	if live.procs == nil {
		live.procs = map[*Proc]struct{}{}
	}
	live.procs[p] = struct{}{}
	live.Unlock()
	if stdinW != nil {
		go func() {
			if spec.Stdin != nil {
				io.Copy(stdinW, spec.Stdin)
			}
			stdinW.Close()
		}()
	}
	go func() {
		json.NewEncoder(setupW).Encode(su)
		setupW.Close()
	}()
	go p.wait()
	return p, nil
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// childEnv is the child's environment: only what its runtime, its
// messages and a terminal need from this process's (the grader's may
// hold secrets: a token of the CI job), with glibc told to keep one
// malloc arena (each reserves 64 MiB of address space, which the
// address-space limit counts), and short crash reports.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if keepEnv[name] || strings.HasPrefix(name, "LC_") || strings.HasPrefix(name, "SOCKPLAY_") {
			env = append(env, kv)
		}
	}
	if os.Getenv("MALLOC_ARENA_MAX") == "" {
		env = append(env, "MALLOC_ARENA_MAX=1")
	}
	// A crash's reason is in its first line; the stacks of every
	// goroutine would bury it (set GOTRACEBACK to see them).
	if os.Getenv("GOTRACEBACK") == "" {
		env = append(env, "GOTRACEBACK=none")
	}
	return env
}

var keepEnv = map[string]bool{
	"PATH": true, "LANG": true, "LANGUAGE": true, "TZ": true, "TMPDIR": true, "NO_COLOR": true, "TERM": true,
	"GOTRACEBACK": true, "GODEBUG": true, "GOMAXPROCS": true, "GOGC": true, "GORACE": true, "MALLOC_ARENA_MAX": true,
}

// wait waits for the child, killing its group at the wall-clock limit,
// and records its outcome.
func (p *Proc) wait() {
	var timer *time.Timer
	if d := p.spec.Limits.Wall; d > 0 {
		timer = time.AfterFunc(d+Grace, func() {
			p.mu.Lock()
			p.killed = true
			p.mu.Unlock()
			p.killGroup()
		})
	}
	report, _ := io.ReadAll(io.LimitReader(p.report, 64<<20))
	p.report.Close()
	err := p.cmd.Wait()
	if timer != nil {
		timer.Stop()
	}
	// Whatever the child started and left behind goes with it.
	p.killGroup()
	p.release()
	out := &Outcome{Status: p.cmd.ProcessState.ExitCode(), Duration: time.Since(p.started)}
	if len(report) > 0 && json.Valid(report) {
		out.Report = report
	}
	p.mu.Lock()
	if out.Report == nil {
		out.Reason, out.Crashed = p.reason(err)
		out.Interrupted = p.endedByInterrupt(err)
	}
	p.out = out
	p.mu.Unlock()
	live.Lock()
	delete(live.procs, p)
	live.Unlock()
	close(p.done)
}

// Done is closed when the child has ended.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Wait waits for the child to end and returns its outcome.
func (p *Proc) Wait() *Outcome {
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out
}

// Interrupt asks the child to stop as Ctrl-C does (SIGINT; Ctrl-Break on
// Windows): its run is cancelled and it reports.
func (p *Proc) Interrupt() {
	select {
	case <-p.done:
	default:
		p.mu.Lock()
		p.interrupted = true
		p.mu.Unlock()
		p.interrupt()
	}
}

// Kill kills the child (and its group) at once.
func (p *Proc) Kill() {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	p.killGroup()
}

// killGroup kills the child's process group (its job on Windows), or the
// child alone if it shares its parent's group (a child's child).
func (p *Proc) killGroup() {
	select {
	case <-p.done:
		return
	default:
	}
	p.killTree(!inChildNested() && !p.spec.Terminal)
}

// Signal passes sig on to the child (SIGTERM, SIGHUP; os.Interrupt as
// Interrupt does); where the system has no such signals, it interrupts
// the child for os.Interrupt and kills it for any other.
func (p *Proc) Signal(sig os.Signal) {
	select {
	case <-p.done:
	default:
		p.signal(sig)
	}
}

// reason says why a child that did not report ended.
func (p *Proc) reason(err error) (why string, crashed bool) {
	l := p.spec.Limits
	lang := p.spec.Lang
	tail := p.tail.String()
	var exit *exec.ExitError
	errors.As(err, &exit)
	sig, signaled := exitSignal(exit)
	switch {
	case p.killed:
		return lang.Sprintf("did not stop within %v (killed)", l.Wall), false
	case p.stopped || p.endedByInterrupt(err):
		return lang.Sprintf("stopped"), false
	case exit != nil && l.CPU > 0 && cpuKilled(exit, l.CPU):
		return lang.Sprintf("used more than %v of CPU time (killed)", cpuSeconds(l.CPU)), false
	case l.Memory > 0 && outOfMemory(tail):
		return lang.Sprintf("used more than %s of memory (killed)", Size(l.Memory)), false
	case signaled:
		return lang.Sprintf("crashed (%s)%s", fmt.Sprint(sig), lastLine(tail)), true
	case err != nil && exit == nil:
		return lang.Sprintf("crashed: %s", err.Error()), true
	}
	return lang.Sprintf("crashed (exit status %s)%s", strconv.Itoa(p.cmd.ProcessState.ExitCode()), lastLine(tail)), true
}

// endedByInterrupt reports whether the SIGINT of Interrupt ended the
// child (Outcome.Interrupted). Called with p.mu held.
func (p *Proc) endedByInterrupt(err error) bool {
	var exit *exec.ExitError
	errors.As(err, &exit)
	sig, signaled := exitSignal(exit)
	return p.interrupted && signaled && sig == syscall.SIGINT
}

// outOfMemory reports whether a Go runtime's last words say it ran out
// of address space: the allocator's, or thread creation's.
func outOfMemory(stderr string) bool {
	for _, s := range []string{"out of memory", "cannot allocate memory", "failed to create new OS thread", "pthread_create failed"} {
		if strings.Contains(stderr, s) {
			return true
		}
	}
	return false
}

func lastLine(s string) string {
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "fatal error:") || strings.HasPrefix(l, "panic:") {
			return ": " + l
		}
	}
	return ""
}

// Size is a byte count as the command line writes it: 512 MiB.
func Size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// cpuSeconds is d rounded up to whole seconds, as RLIMIT_CPU counts.
func cpuSeconds(d time.Duration) time.Duration {
	return (d + time.Second - 1).Truncate(time.Second)
}

// crashFilter passes a child's stderr on, until the Go runtime's report
// of a fatal error (the goroutines' stacks, hundreds of lines) begins:
// that goes only to tail, and the parent says what happened in a line.
type crashFilter struct {
	mu        sync.Mutex
	w         io.Writer
	tail      *tailBuffer
	lineStart bool
	muted     bool
}

// crashHeaders begin the runtime's own report, at the start of a line.
var crashHeaders = []string{"fatal error: ", "runtime: out of memory", "runtime: cannot allocate", "runtime/cgo: pthread_create failed"}

func (f *crashFilter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tail.Write(p)
	if f.muted {
		return len(p), nil
	}
	for i := 0; i < len(p); i++ {
		if (i == 0 && f.lineStart || i > 0 && p[i-1] == '\n') && isCrashHeader(p[i:]) {
			f.muted = true
			f.w.Write(p[:i])
			return len(p), nil
		}
	}
	f.lineStart = len(p) > 0 && p[len(p)-1] == '\n' || len(p) == 0 && f.lineStart
	f.w.Write(p)
	return len(p), nil
}

func isCrashHeader(p []byte) bool {
	for _, h := range crashHeaders {
		if len(p) >= len(h) && string(p[:len(h)]) == h {
			return true
		}
	}
	return false
}

// tailBuffer keeps the first and the last max bytes written to it: a
// Go runtime's last words come first, its goroutines' stacks after.
type tailBuffer struct {
	mu         sync.Mutex
	max        int
	head, tail []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	if room := t.max - len(t.head); room > 0 {
		k := min(room, len(p))
		t.head = append(t.head, p[:k]...)
		p = p[k:]
	}
	t.tail = append(t.tail, p...)
	if len(t.tail) > t.max {
		t.tail = append(t.tail[:0], t.tail[len(t.tail)-t.max:]...)
	}
	return n, nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.head) + "\n" + string(t.tail)
}

// OwnDir registers a temporary folder the caller owns and removes when
// its child has ended; Cleanup removes it too if the process must end
// first. Release forgets it (the caller removed it).
func OwnDir(dir string) {
	live.Lock()
	defer live.Unlock()
	if live.dirs == nil {
		live.dirs = map[string]struct{}{}
	}
	live.dirs[dir] = struct{}{}
}

// RemoveDir removes a folder registered with OwnDir and forgets it.
func RemoveDir(dir string) error {
	live.Lock()
	delete(live.dirs, dir)
	live.Unlock()
	return os.RemoveAll(dir)
}

// Cleanup kills every child still running and removes the folders
// registered with OwnDir: for a process that must exit now.
func Cleanup() {
	live.Lock()
	procs := make([]*Proc, 0, len(live.procs))
	for p := range live.procs {
		procs = append(procs, p)
	}
	dirs := make([]string, 0, len(live.dirs))
	for d := range live.dirs {
		dirs = append(dirs, d)
	}
	live.dirs = nil
	live.Unlock()
	for _, p := range procs {
		p.Kill()
	}
	for _, d := range dirs {
		os.RemoveAll(d)
	}
}
