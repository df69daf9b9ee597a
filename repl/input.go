package repl

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/peterh/liner"
)

// Lines come from a lineSource: liner on a terminal, plain lines
// otherwise. read starts reading one line and delivers it on the channel;
// the REPL starts the next read only after receiving the last one, so a
// source never reads twice at once.
type lineSource interface {
	read(prompt string) <-chan readResult
}

type readResult struct {
	line string
	err  error // io.EOF at the end; errAborted for Ctrl-C at liner's prompt
}

// editorSource reads with liner, which writes the prompt itself.
type editorSource struct{ ed *liner.State }

func (s editorSource) read(prompt string) <-chan readResult {
	ch := make(chan readResult, 1)
	go func() {
		line, err := s.ed.Prompt(prompt)
		switch {
		case err == liner.ErrPromptAborted:
			err = errAborted
		case err != nil:
			err = io.EOF // Ctrl-D, or the terminal went away
		}
		ch <- readResult{line, err}
	}()
	return ch
}

// plainSource reads lines from a reader: a pipe, a file, a dumb terminal.
// One buffered reader serves the REPL's lines and input() alike, so
// `sockplay -i < file` gives input() the file's next line, as Python does.
type plainSource struct{ r *bufio.Reader }

func newPlainSource(r io.Reader) *plainSource {
	if r == nil {
		r = strings.NewReader("")
	}
	return &plainSource{bufio.NewReader(r)}
}

func (s *plainSource) read(string) <-chan readResult {
	ch := make(chan readResult, 1)
	go func() {
		line, err := s.r.ReadString('\n')
		if err != nil && line == "" {
			ch <- readResult{"", io.EOF}
			return
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		ch <- readResult{line, nil}
	}()
	return ch
}

// inputRequest is an input() (or io.read) call of a Lua task, waiting for
// the REPL to read it a line.
type inputRequest struct {
	ctx   context.Context // the calling task's: cancelled when it is interrupted
	reply chan inputReply
}

type inputReply struct {
	line string
	ok   bool
	err  error
}

// input serves input() for the session's tasks (Session.SetInput). It runs
// on the task's goroutine, without the runtime lock; the REPL's loop does
// the reading: while a line runs, or before the next prompt for a
// background task.
func (r *repl) input(ctx context.Context) (string, bool, error) {
	req := inputRequest{ctx: ctx, reply: make(chan inputReply, 1)}
	select {
	case r.inputs <- req:
	case <-ctx.Done():
		return "", false, ctx.Err()
	case <-r.quit:
		return "", false, nil
	}
	select {
	case rep := <-req.reply:
		return rep.line, rep.ok, rep.err
	case <-ctx.Done():
		return "", false, ctx.Err()
	case <-r.quit:
		return "", false, nil
	}
}

// serveInput reads a line for req. Ctrl-C at that prompt interrupts the
// asking task and counts as a Ctrl-C for the running line (ic, cancel).
func (r *repl) serveInput(req inputRequest, ic *interrupts, cancel context.CancelFunc) *leaveError {
	leave, _ := r.serveInputLine(req, ic, cancel)
	return leave
}

// serveInputLine is serveInput; ended says that the task's input has
// ended: end of input (Ctrl-D), or Ctrl-C.
func (r *repl) serveInputLine(req inputRequest, ic *interrupts, cancel context.CancelFunc) (leave *leaveError, ended bool) {
	if err := req.ctx.Err(); err != nil {
		req.reply <- inputReply{err: err}
		return nil, true
	}
	prompt := r.con.beginInput(r.mode == modeEditor)
	if r.mode == modeEditor {
		setKeySignals(false)
	}
	line, err := r.await(prompt)
	switch {
	case err == nil:
		req.reply <- inputReply{line: line, ok: true}
	case err == io.EOF:
		req.reply <- inputReply{} // end of input: input() returns nil
		ended = true
	case errors.Is(err, errAborted):
		req.reply <- inputReply{err: context.Canceled}
		leave, ended = r.interrupt(ic, cancel), true
	default:
		req.reply <- inputReply{err: context.Canceled}
		if !errors.As(err, &leave) {
			leave = &leaveError{err}
		}
	}
	return leave, ended
}

// serveWaitingInput serves the input() calls of background tasks that
// wait, before the next prompt.
func (r *repl) serveWaitingInput() *leaveError {
	for {
		select {
		case req := <-r.inputs:
			if leave := r.foreground(req); leave != nil {
				return leave
			}
		default:
			return nil
		}
	}
}

// keyboardMsg says that a background task reads the keyboard now, and how
// to get the prompt back: its number, its name.
const keyboardMsg = "[%s] %s reads the keyboard: what you type goes to it. Ctrl-D ends its input, Ctrl-C stops it; then the > prompt is back.\n"

// foreground gives the keyboard to the background task that asked for a
// line with req (a client started with :run): it reads that task's lines,
// one input() after another, until the task ends, its input ends (Ctrl-D)
// or Ctrl-C stops it; then the REPL's prompt is back. The keyboard does
// not flip to the prompt while the task sends and waits between two
// lines. Taking the keyboard, it says so (keyboardMsg).
func (r *repl) foreground(req inputRequest) *leaveError {
	owner := 0
	for {
		info, known := r.sess.TaskOf(req.ctx)
		if known && info.ID != owner {
			r.con.announce(r.opts.Stderr, r.rt.Lang().Sprintf(keyboardMsg, strconv.Itoa(info.ID), info.Name))
			owner = info.ID
		}
		var ic interrupts
		leave, ended := r.serveInputLine(req, &ic, func() {})
		if leave != nil || ended || !known {
			return leave
		}
		var ok bool
		if req, ok, leave = r.nextInput(owner); !ok {
			return leave
		}
	}
}

// nextInput waits for the next input() call of a task, while task id (the
// one that has the keyboard) runs. ok false: it ended, or Ctrl-C stopped
// it, or the REPL must leave.
func (r *repl) nextInput(id int) (req inputRequest, ok bool, leave *leaveError) {
	poll := time.NewTicker(10 * time.Millisecond) // for the task's end, which has no event
	defer poll.Stop()
	for {
		select {
		case req := <-r.inputs:
			return req, true, nil
		case <-poll.C:
			if !r.running(id) {
				return req, false, nil
			}
		case sig := <-r.sigs:
			if sig != os.Interrupt {
				return req, false, &leaveError{signalExit(sig)}
			}
			r.sess.Kill(id)
			r.awaitEnd(id)
			r.con.freshLine()
			r.rt.Lang().Fprintf(r.stderr, "interrupted\n")
			return req, false, nil
		case <-r.sess.Done():
			return req, false, r.sessionExit()
		case <-r.ctx.Done():
			return req, false, &leaveError{r.ctx.Err()}
		}
	}
}
