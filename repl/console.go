package repl

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// console is the output shared by the REPL, the line it runs and the
// background tasks.
//
// While a line is being read it holds what is written: text written under
// liner's prompt would garble the line being edited. With a line editor
// (redraw set), each line a background task finishes is shown at once
// all the same, above the prompt: the prompt's line is erased, the output
// written, and the editor asked to draw its prompt and the half-typed
// line again below it (liner has no call for that, but it redraws them
// when the terminal's size changes: SIGWINCH). Without one (a dumb
// terminal, a transcript), what was held is shown when the line is
// entered (Enter), so an empty line shows it at once. :help says so.
//
// It also remembers the text after the last newline: whether a prompt
// needs a fresh line first, and the prompt of a waiting input() call.
type console struct {
	out io.Writer // where prompts and echoed lines go (the REPL's stdout)

	mu      sync.Mutex
	holding bool
	held    []heldWrite
	heldLen int
	dropped int    // bytes of held output dropped for space
	partial []byte // written after the last newline
	lastW   io.Writer
	// redraw, with a line editor, makes it draw its prompt and line again
	// (set before the first read); nil: held output waits for Enter.
	redraw func()

	// announcing: holdWhile runs; complete lines stay held too, as no
	// prompt is on the screen and what it writes must come first.
	announcing bool
}

type heldWrite struct {
	w io.Writer
	p []byte
}

const (
	maxHeld    = 1 << 20 // held output beyond this drops its oldest part
	maxPartial = 256
	maxPrompt  = 60 // runes of an input() prompt given to liner
)

func newConsole(out io.Writer) *console {
	return &console{out: out, lastW: out}
}

// writer returns a writer to w through the console.
func (c *console) writer(w io.Writer) io.Writer { return consoleWriter{c, w} }

type consoleWriter struct {
	c *console
	w io.Writer
}

func (cw consoleWriter) Write(p []byte) (int, error) {
	c := cw.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.holding {
		c.hold(cw.w, p)
		if c.redraw != nil && !c.announcing && bytes.IndexByte(p, '\n') >= 0 {
			c.showHeldLines()
		}
		return len(p), nil
	}
	return c.emit(cw.w, p)
}

// showHeldLines shows the complete lines held while a line editor reads,
// above its prompt: it erases the prompt's line, writes them and has the
// editor draw its prompt and half-typed line again below. An unfinished
// last line stays held, as it would be drawn over. Called with mu held.
func (c *console) showHeldLines() {
	last, end := -1, 0
	for i := len(c.held) - 1; i >= 0 && last < 0; i-- {
		if j := bytes.LastIndexByte(c.held[i].p, '\n'); j >= 0 {
			last, end = i, j+1
		}
	}
	if last < 0 {
		return
	}
	c.out.Write([]byte("\r\x1b[K")) // to the start of the prompt's line, and erase it
	c.showDropped()
	for _, h := range c.held[:last] {
		c.emit(h.w, h.p)
	}
	h := c.held[last]
	c.emit(h.w, h.p[:end])
	rest := c.held[last+1:]
	if end < len(h.p) {
		rest = append([]heldWrite{{h.w, h.p[end:]}}, rest...)
	}
	c.held, c.heldLen = nil, 0
	for _, r := range rest {
		c.held = append(c.held, r)
		c.heldLen += len(r.p)
	}
	c.redraw()
}

// showDropped says how much held output was dropped, if any. Called with
// mu held.
func (c *console) showDropped() {
	if c.dropped > 0 {
		c.emit(c.out, fmt.Appendf(nil, "[%d bytes of background output dropped while you typed]\n", c.dropped))
		c.dropped = 0
	}
}

func (c *console) hold(w io.Writer, p []byte) {
	c.held = append(c.held, heldWrite{w, bytes.Clone(p)})
	c.heldLen += len(p)
	for c.heldLen > maxHeld && len(c.held) > 1 {
		c.dropped += len(c.held[0].p)
		c.heldLen -= len(c.held[0].p)
		c.held = c.held[1:]
	}
}

func (c *console) emit(w io.Writer, p []byte) (int, error) {
	n, err := w.Write(p)
	p = p[:n]
	if len(p) == 0 {
		return n, err
	}
	c.lastW = w
	if i := bytes.LastIndexByte(p, '\n'); i >= 0 {
		c.partial = append(c.partial[:0], p[i+1:]...)
	} else {
		c.partial = append(c.partial, p...)
	}
	if len(c.partial) > maxPartial {
		c.partial = append([]byte(nil), c.partial[len(c.partial)-maxPartial:]...)
	}
	return n, err
}

// flush shows what was held and stops holding. Called with mu held.
func (c *console) flush() {
	c.holding = false
	c.showDropped()
	for _, h := range c.held {
		c.emit(h.w, h.p)
	}
	c.held, c.heldLen = nil, 0
}

// announce writes msg (a line) to w on a line of its own, before the
// prompt an input() call has written, which it writes again after it.
func (c *console) announce(w io.Writer, msg string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	prompt, pw := bytes.Clone(c.partial), c.lastW
	if len(prompt) > 0 {
		c.emit(pw, []byte("\n"))
	}
	c.emit(w, []byte(msg))
	if len(prompt) > 0 {
		c.emit(pw, prompt)
	}
}

// freshLine starts a new line unless the cursor is at the start of one.
func (c *console) freshLine() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.partial) > 0 {
		c.emit(c.lastW, []byte("\n"))
	}
}

// holdWhile runs fn with output held, then writes say (not held) and what
// was held, in that order: :run announces a script before it speaks, even
// when the script's first line comes before fn returns.
func (c *console) holdWhile(fn func() (say string)) {
	c.mu.Lock()
	c.holding, c.announcing = true, true
	c.mu.Unlock()
	say := fn()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.announcing = false
	if say != "" {
		c.emit(c.out, []byte(say))
	}
	c.flush()
}

// beginPrompt starts a prompt for a line: on a fresh line, with prompt
// written unless liner writes it, and output held from now on.
func (c *console) beginPrompt(prompt string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.partial) > 0 {
		c.emit(c.lastW, []byte("\n"))
	}
	if prompt != "" {
		c.emit(c.out, []byte(prompt))
	}
	c.holding = true
}

// beginInput starts reading a line for input(): the text after the last
// newline (input's own prompt, already written) is the prompt; output is
// held from now on. For liner, the cursor goes back to the line's start,
// as liner writes the prompt again.
func (c *console) beginInput(editor bool) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.holding = true
	if !editor {
		return ""
	}
	prompt := promptText(c.partial)
	if len(c.partial) > 0 {
		c.lastW.Write([]byte("\r"))
	}
	return prompt
}

// promptText makes p a prompt liner accepts: no control or format
// characters, no invalid UTF-8, at most maxPrompt runes (the last ones).
func promptText(p []byte) string {
	var b strings.Builder
	for len(p) > 0 {
		r, size := utf8.DecodeRune(p)
		p = p[size:]
		if r == utf8.RuneError || unicode.Is(unicode.C, r) {
			continue
		}
		b.WriteRune(r)
	}
	s := []rune(b.String())
	if len(s) > maxPrompt {
		s = s[len(s)-maxPrompt:]
	}
	return string(s)
}

// endRead ends a read: echo writes the line after its prompt (Transcript);
// atLineStart says the cursor is now at the start of a line. Held output
// is shown.
func (c *console) endRead(line string, echo, atLineStart bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if echo {
		c.emit(c.out, []byte(line+"\n"))
	}
	if atLineStart {
		c.partial = c.partial[:0]
	}
	c.flush()
}

// abortRead ends a read interrupted by a Ctrl-C signal: newline moves past
// the prompt (where the terminal showed ^C).
func (c *console) abortRead(newline bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if newline {
		c.emit(c.out, []byte("\n"))
	}
	c.flush()
}

// release shows what was held and stops holding.
func (c *console) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flush()
}
