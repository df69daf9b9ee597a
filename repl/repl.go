// Package repl is sockplay's interactive loop: type Lua at a prompt, see
// every value it returns, and keep servers running in the background while
// you type client commands at the same prompt.
//
// Run drives one luabind.Session. On a terminal (stdin and stdout both
// terminals) it edits lines with github.com/peterh/liner: history, Tab
// completion, Ctrl-C at the prompt. Otherwise it reads plain lines and
// prints results with no prompts and no escape codes.
//
// Three facts shape the loop:
//
//   - Evaluations run as tasks of the session: cancelling one (Ctrl-C)
//     interrupts that line only; what it spawned lives on.
//   - liner cannot print above its prompt: output of background tasks that
//     arrives while a prompt is shown is held (see console); each line
//     they finish is shown at once above the prompt, which liner then
//     draws again with the half-typed line.
//   - Between prompts the terminal sends SIGINT for Ctrl-C; during a prompt
//     liner reads it as a key. Run catches the signal and never lets it end
//     the process.
package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/peterh/liner"
	"github.com/sockplay/sockplay/internal/tty"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/lualib"
)

// Options configure Run. Zero values are usable: no input (Run returns at
// once), output discarded.
type Options struct {
	Stdin  io.Reader // lines to evaluate; os.Stdin on a terminal enables line editing
	Stdout io.Writer // results and what Lua code prints
	Stderr io.Writer // errors and diagnostics

	// Signals delivers Ctrl-C (os.Interrupt) while a line runs; SIGTERM
	// and SIGHUP make the REPL leave. nil: Run catches these signals
	// itself for as long as it runs.
	Signals <-chan os.Signal

	// Init is Lua code run in the session before the first prompt. With
	// InitName "", it runs as a typed chunk (its values shown, its
	// top-level locals kept): sockplay -e CODE -i. With InitName, it runs
	// as :load runs a file, InitName naming it in messages and in arg[0]:
	// sockplay -i FILE. InitArgs are its arg[1..]. An error in it is
	// shown, and the REPL starts all the same; Ctrl-C stops it.
	Init     string
	InitName string
	InitArgs []string

	// Banner is printed once before the first prompt, on a terminal only.
	Banner string

	// HistoryFile keeps the line history across sessions ("": none); see
	// HistoryFile(). Used on a terminal only.
	HistoryFile string

	// ScriptNames are the bundled scripts, offered by Tab after :run.
	ScriptNames []string

	// Transcript makes a non-terminal session look like a terminal one:
	// prompts are written and each line read is echoed after its prompt,
	// and background output is held while a line is awaited. For tests
	// and recorded sessions.
	Transcript bool
}

// ErrStuck is returned when a line kept running after repeated Ctrl-C
// (it waits outside Lua, e.g. in io.popen). The runtime is left as is:
// closing it would wait for that line; the host should exit.
var ErrStuck = errors.New("the running line does not stop (it waits outside Lua)")

// How lines are read and shown.
type mode int

const (
	modePiped  mode = iota // no prompts, nothing held
	modePlain              // prompts written by us (a dumb terminal, or Transcript)
	modeEditor             // liner
)

// chunkName names typed code in error messages: stdin:1: ...
const chunkName = "stdin"

type repl struct {
	ctx  context.Context
	rt   *luabind.Runtime
	sess *luabind.Session
	opts Options
	mode mode
	echo bool // Transcript: echo lines read

	con     *console
	stdout  io.Writer // the REPL's own output, through con
	stderr  io.Writer
	src     lineSource
	pending <-chan readResult // a read started and not yet received
	ed      *liner.State      // modeEditor only
	hist    *history
	sigs    <-chan os.Signal
	inputs  chan inputRequest // input() calls from Lua tasks
	quit    chan struct{}     // closed when Run returns
	typed   string            // the chunk typed last: on the screen already
}

// leaveError ends the loop: nil error inside means a normal end.
type leaveError struct{ err error }

func (e *leaveError) Error() string { return fmt.Sprint("leave: ", e.err) }

// Run runs the REPL on rt until end of input (Ctrl-D), :quit, os.exit or
// ctx's end. It returns nil for a normal end, a *luabind.Error of Kind Exit
// for os.exit (Code is its status, 0 included), ErrStuck when a line could
// not be stopped, or ctx's error. Every task and socket of the session is
// closed when it returns (except after ErrStuck).
//
// Run owns rt's input and output from then on (Session.SetInput and
// SetOutput): what Lua code prints goes to Options.Stdout and Stderr, held
// while a line is being typed, and input() reads through the REPL.
func Run(ctx context.Context, rt *luabind.Runtime, opts Options) (err error) {
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	r := &repl{
		ctx:    ctx,
		rt:     rt,
		opts:   opts,
		inputs: make(chan inputRequest),
		quit:   make(chan struct{}),
	}
	r.con = newConsole(opts.Stdout)
	r.stdout = r.con.writer(opts.Stdout)
	r.stderr = r.con.writer(opts.Stderr)

	r.sigs = opts.Signals
	if r.sigs == nil {
		ch := make(chan os.Signal, 4)
		signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
		defer signal.Stop(ch)
		r.sigs = ch
	}

	switch {
	case isTerminal(opts.Stdin, os.Stdin) && isTerminal(opts.Stdout, os.Stdout) && liner.TerminalSupported():
		r.mode = modeEditor
		r.ed = liner.NewLiner()
		defer r.ed.Close()
		r.ed.SetCtrlCAborts(true)
		r.ed.SetTabCompletionStyle(liner.TabPrints)
		r.ed.SetWordCompleter(r.complete)
		r.hist = openHistory(opts.HistoryFile, r.ed, r.stderr, r.rt.Lang())
		r.src = editorSource{r.ed}
		r.con.redraw = redrawPrompt
	case isTerminal(opts.Stdin, nil) && isTerminal(opts.Stdout, nil):
		r.mode = modePlain // a terminal liner cannot drive (TERM=dumb): it echoes itself
		r.src = newPlainSource(opts.Stdin)
	case opts.Transcript:
		r.mode = modePlain
		r.echo = true
		r.src = newPlainSource(opts.Stdin)
	default:
		r.mode = modePiped
		r.src = newPlainSource(opts.Stdin)
	}

	r.sess = rt.NewSession()
	r.sess.SetOutput(r.con.writer(opts.Stdout), r.con.writer(opts.Stderr))
	r.sess.SetInput(r.input)
	defer func() {
		close(r.quit)
		if errors.Is(err, ErrStuck) {
			return
		}
		if !r.closeSession(5 * time.Second) {
			err = ErrStuck
		}
	}()

	if r.mode != modePiped && opts.Banner != "" {
		fmt.Fprintln(r.stdout, opts.Banner)
	}
	if leave := r.init(); leave != nil {
		return leave.err
	}
	if leave := r.loop(); leave != nil {
		return leave.err
	}
	return nil
}

// closeSession stops the session's tasks and closes its sockets, giving up
// after timeout (a task stuck outside Lua).
func (r *repl) closeSession(timeout time.Duration) bool {
	done := make(chan struct{})
	go func() {
		r.sess.Close()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// init runs Options.Init: a file's code as :load runs it, else like a
// typed chunk.
func (r *repl) init() *leaveError {
	name, arg0, typed := "(command line)", "sockplay", true
	if r.opts.InitName != "" {
		name, arg0, typed = r.opts.InitName, r.opts.InitName, false
		if st, err := os.Stat(r.opts.InitName); err == nil && st.Mode().IsRegular() {
			r.sess.AddModuleDir(r.opts.InitName) // -i FILE: its modules, for the session
		}
	}
	if len(r.opts.InitArgs) > 0 || !typed {
		// arg as `lua -e CODE args` and `lua FILE args` have it: set from
		// Lua, like any line.
		var b strings.Builder
		b.WriteString("arg = {[0] = " + lualib.Quote(arg0))
		for _, a := range r.opts.InitArgs {
			b.WriteString(", " + lualib.Quote(a))
		}
		b.WriteString("}")
		if leave := r.evalSource(b.String(), "(command line)", true); leave != nil {
			return leave
		}
	}
	if r.opts.Init == "" {
		return nil
	}
	return r.evalSource(r.opts.Init, name, typed)
}

// loop reads chunks and evaluates them until the session ends. At the
// >> prompt, a second empty line in a row gives up on the chunk and shows
// why it is unfinished, as Python's prompt gives up at an empty line.
// (Not inside a long string or comment, where empty lines are text.)
func (r *repl) loop() *leaveError {
	var chunk []string
	var unfinished *luabind.Error // why chunk is not finished
	blanks := 0                   // empty lines in a row at the >> prompt
	for {
		if leave := r.serveWaitingInput(); leave != nil {
			return leave
		}
		prompt := "> "
		if len(chunk) > 0 {
			prompt = ">> "
		}
		line, err := r.readLine(prompt)
		switch {
		case errors.Is(err, errAborted):
			chunk = nil // Ctrl-C at the prompt drops the line or the unfinished chunk
			continue
		case err == io.EOF:
			if r.mode != modePiped {
				fmt.Fprintln(r.stdout)
			}
			return nil
		case err != nil:
			var leave *leaveError
			if errors.As(err, &leave) {
				return leave
			}
			return &leaveError{err}
		}
		if r.hist != nil {
			r.hist.add(line)
		}
		if len(chunk) == 0 {
			trimmed := strings.TrimSpace(line)
			if trimmed == "" {
				continue
			}
			if strings.HasPrefix(trimmed, ":") {
				if leave := r.command(trimmed); leave != nil {
					return leave
				}
				continue
			}
		}
		if len(chunk) > 0 && strings.TrimSpace(line) == "" && !inLongText(unfinished) {
			if blanks++; blanks == 2 {
				serr := unfinishedError(r.rt, strings.Join(chunk, "\n"), unfinished)
				chunk, blanks = nil, 0
				r.showError(serr)
				continue
			}
		} else {
			blanks = 0
		}
		chunk = append(chunk, line)
		proto, serr := compileTyped(r.rt, strings.Join(chunk, "\n"), chunkName)
		// An unfinished chunk with a hint is Python's block header
		// (`for i in range(3):`, `try:`): no line can finish it, so say
		// so now rather than at the second empty line.
		code := strings.Join(chunk, "\n")
		if serr != nil && serr.Incomplete {
			if serr.Hint == "" {
				unfinished = serr
				continue
			}
			serr = unfinishedError(r.rt, code, serr)
		}
		chunk, blanks = nil, 0
		if serr != nil {
			r.typed = code
			r.showError(serr)
			continue
		}
		r.rt.AddSource(proto, code)
		r.typed = code
		if leave := r.eval(proto); leave != nil {
			return leave
		}
	}
}

// inLongText reports whether a chunk is unfinished because a long string
// or comment ([[ ... ]]) is open: the parser's message says which.
func inLongText(e *luabind.Error) bool {
	return e != nil && (strings.Contains(e.Msg, "unfinished long string") || strings.Contains(e.Msg, "unfinished long comment"))
}

// evalSource compiles and runs code (Init, :load) in the foreground.
// typed: as a typed chunk (return first, locals kept).
func (r *repl) evalSource(code, name string, typed bool) *leaveError {
	var proto *lua.FunctionProto
	var serr *luabind.Error
	if typed {
		proto, serr = compileTyped(r.rt, code, name)
	} else {
		proto, serr = compileFile(r.rt, code, name)
	}
	if serr != nil {
		r.showError(serr)
		return nil
	}
	r.rt.AddSource(proto, code)
	return r.eval(proto)
}

// eval runs a compiled chunk as the foreground line: Ctrl-C interrupts it,
// input() is served, and its results are printed.
func (r *repl) eval(proto *lua.FunctionProto) *leaveError {
	lineCtx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	var shown []string
	done := make(chan error, 1)
	go func() {
		done <- r.sess.EvalFunc(lineCtx, proto, func(L *lua.LState, vals []lua.LValue) {
			for _, v := range vals {
				shown = append(shown, lualib.Repr(L, v))
			}
		})
	}()
	var ic interrupts
	for {
		select {
		case err := <-done:
			return r.finish(err, shown)
		case sig := <-r.sigs:
			select {
			case err := <-done: // it ended anyway: the signal came late
				return r.finish(err, shown)
			default:
			}
			if leave := r.signal(sig, &ic, cancel); leave != nil {
				return leave
			}
		case req := <-r.inputs:
			if leave := r.serveInput(req, &ic, cancel); leave != nil {
				return leave
			}
		case <-r.ctx.Done():
			cancel()
			return &leaveError{r.ctx.Err()}
		}
	}
}

// finish reports how a line ended; os.exit ends the REPL.
func (r *repl) finish(err error, shown []string) *leaveError {
	if err == nil {
		if len(shown) > 0 {
			r.con.freshLine()
			fmt.Fprintln(r.stdout, strings.Join(shown, "\t"))
		}
		return nil
	}
	var e *luabind.Error
	if errors.As(err, &e) && e.Kind == luabind.Exit {
		return &leaveError{e}
	}
	r.showError(err)
	return nil
}

// interrupts counts the Ctrl-C presses during one line.
type interrupts struct {
	first   time.Time // the first press (the line was cancelled)
	stopped bool      // a second press stopped the background tasks
}

// signal handles a signal that arrived while a line runs. The first Ctrl-C
// cancels the line; a second within a second, if the line still runs,
// stops the background tasks too; one more after that gives up on the line.
func (r *repl) signal(sig os.Signal, ic *interrupts, cancel context.CancelFunc) *leaveError {
	if sig != os.Interrupt {
		cancel()
		return &leaveError{signalExit(sig)}
	}
	if r.mode == modePlain && !r.echo {
		fmt.Fprintln(r.stderr) // past the ^C a plain terminal echoes
	}
	return r.interrupt(ic, cancel)
}

func (r *repl) interrupt(ic *interrupts, cancel context.CancelFunc) *leaveError {
	now := time.Now()
	switch {
	case ic.stopped:
		r.rt.Lang().Fprintf(r.stderr, "interrupted: the line does not stop (it waits outside Lua); leaving\n")
		return &leaveError{ErrStuck}
	case ic.first.IsZero() || now.Sub(ic.first) > time.Second:
		ic.first = now
		cancel()
	default:
		ic.stopped = true
		r.sess.StopBackground()
		r.rt.Lang().Fprintf(r.stderr, "interrupted: stopping the background tasks too\n")
	}
	return nil
}

// signalExit is how a terminating signal ends the REPL: status 128+n.
func signalExit(sig os.Signal) error {
	n := 15
	if s, ok := sig.(syscall.Signal); ok {
		n = int(s)
	}
	return &luabind.Error{Kind: luabind.Exit, Code: 128 + n, Msg: "terminated by " + sig.String()}
}

// sessionExit is the error for a session ended by os.exit in a task.
func (r *repl) sessionExit() *leaveError {
	if code, ok := r.sess.Exited(); ok {
		return &leaveError{&luabind.Error{Kind: luabind.Exit, Code: code, Msg: fmt.Sprintf("exit status %d", code)}}
	}
	return &leaveError{nil}
}

// errAborted: Ctrl-C at a prompt.
var errAborted = errors.New("aborted")

// readLine shows prompt and returns the next line, io.EOF at the end,
// errAborted for Ctrl-C, or a *leaveError when the REPL must end.
func (r *repl) readLine(prompt string) (string, error) {
	switch r.mode {
	case modeEditor:
		r.con.beginPrompt("")
		setKeySignals(false)
	case modePlain:
		r.con.beginPrompt(prompt)
		prompt = ""
	}
	return r.await(prompt)
}

// await waits for the line being read (starting the read if none is
// pending). In the plain modes a Ctrl-C signal aborts the wait with
// errAborted, but the read goes on: its line is for the next prompt.
func (r *repl) await(prompt string) (string, error) {
	if r.pending == nil {
		r.pending = r.src.read(prompt)
	}
	for {
		select {
		case res := <-r.pending:
			r.pending = nil
			if r.mode == modeEditor {
				setKeySignals(true)
			}
			// After a line (or liner's "^C"), the cursor is at the start
			// of a line: the terminal or liner echoed the newline, or we do.
			r.con.endRead(res.line, r.echo && res.err == nil,
				r.mode != modePiped && (res.err == nil || res.err == errAborted))
			return res.line, res.err
		case sig := <-r.sigs:
			if sig != os.Interrupt {
				r.con.release()
				return "", &leaveError{signalExit(sig)}
			}
			if r.mode == modeEditor {
				continue // liner reads Ctrl-C as a key; this signal came from elsewhere
			}
			r.con.abortRead(r.mode != modePiped)
			return "", errAborted
		case <-r.sess.Done():
			r.con.release()
			return "", r.sessionExit()
		case <-r.ctx.Done():
			r.con.release()
			return "", &leaveError{r.ctx.Err()}
		}
	}
}

// isTerminal reports whether v is a terminal file (the same as std, if
// std is not nil: liner works on the process's own stdin and stdout). By
// descriptor, not by number: Windows numbers its handles otherwise.
func isTerminal(v any, std *os.File) bool {
	f, ok := v.(*os.File)
	if !ok || std != nil && f != std && f.Fd() != std.Fd() {
		return false
	}
	return tty.IsTerminal(f)
}

// redrawPrompt makes liner draw its prompt and the line being edited
// again, on the line the cursor is on: liner does so when the terminal's
// size changes (SIGWINCH; a console's size event on Windows), and has no
// other way to be asked.
func redrawPrompt() { tty.Resized() }

// setKeySignals turns the terminal's Ctrl-C into SIGINT (on) or into a key
// (off). liner turns it off only once it has written the prompt, so a
// Ctrl-C typed just as the prompt appears would arrive as a signal at the
// prompt (and the terminal drop what was typed before it); it is off from
// before the prompt, and on again as soon as the line is read, so that
// Ctrl-C interrupts the running line.
func setKeySignals(on bool) { tty.SetKeySignals(on) }
