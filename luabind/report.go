package luabind

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	lua "github.com/sockplay/sockplay/lua"
	"golang.org/x/text/width"
)

// How an error is shown: a traceback innermost last, as Python prints one
// (only the script's own functions, repetition collapsed), the message,
// the source line with a caret under what the message is about, and a
// hint. The command line, the REPL, the report of a spawned task's error
// and the test runner all print Error.Report.

// maxSources bounds the chunks whose sources a runtime keeps for error
// lines: a REPL session compiles a chunk for every line typed.
const maxSources = 64

// A chunkSource is the source of a compiled chunk, and its functions.
type chunkSource struct {
	code   string
	protos []*lua.FunctionProto
}

// AddSource gives the runtime the source of a chunk the host compiled
// itself (lua.Compile), as a REPL does for each line, so that a runtime
// error in one of its functions shows its source line and gets its hint.
func (rt *Runtime) AddSource(chunk *lua.FunctionProto, code string) {
	rt.gil.Lock()
	defer rt.gil.Unlock()
	rt.addSource(chunk, code)
}

// addSource is AddSource with the lock held. Sources are keyed by the
// functions themselves, not the chunk name: every line typed at a REPL
// is "stdin".
func (rt *Runtime) addSource(chunk *lua.FunctionProto, code string) {
	if rt.sources == nil {
		rt.sources = map[*lua.FunctionProto]*chunkSource{}
	}
	if len(rt.sourceOrder) >= maxSources {
		for _, p := range rt.sourceOrder[0].protos {
			delete(rt.sources, p)
		}
		rt.sourceOrder = rt.sourceOrder[1:]
	}
	cs := &chunkSource{code: strings.TrimPrefix(code, utf8BOM)} // the lexer skips it too
	var add func(p *lua.FunctionProto)
	add = func(p *lua.FunctionProto) {
		cs.protos = append(cs.protos, p)
		rt.sources[p] = cs
		for _, nested := range p.FunctionPrototypes {
			add(nested)
		}
	}
	add(chunk)
	rt.sourceOrder = append(rt.sourceOrder, cs)
}

// utf8BOM is the byte-order mark some editors put first in a UTF-8 file
// (Windows' Notepad): Lua skips it, and an error's line leaves it out.
const utf8BOM = "\xEF\xBB\xBF"

// sourceLine is line n of the chunk function p belongs to, if the
// runtime has its source. Called with the lock held.
func (rt *Runtime) sourceLine(p *lua.FunctionProto, n int) (string, bool) {
	cs, ok := rt.sources[p]
	if !ok || n < 1 {
		return "", false
	}
	code := cs.code
	for i := 1; i < n; i++ {
		_, rest, found := strings.Cut(code, "\n")
		if !found {
			return "", false
		}
		code = rest
	}
	line, _, _ := strings.Cut(code, "\n")
	return strings.TrimSuffix(line, "\r"), true
}

// captureFrames is the error handler of every task (PCall's errfunc): it
// runs where the error was raised, before the stack unwinds, and keeps
// the frames for the traceback. The error value passes through unchanged.
func (rt *Runtime) captureFrames(L *lua.LState) int {
	if t := rt.current; t != nil {
		frames := L.StackFrames()
		if len(frames) > 0 {
			frames = frames[1:] // this handler
		}
		t.frames = frames
	}
	L.Push(L.Get(1))
	return 1
}

// taskError is the *Error for the error that ended t, with its
// traceback, its source line and, for a spawned task or a background
// script, which task it was. Called with the lock held.
func (rt *Runtime) taskError(t *task) *Error {
	if t.failure != nil {
		return t.failure
	}
	e := rt.describe(t.err)
	if e.Kind != RuntimeError {
		return e
	}
	rt.explain(e, t.frames)
	if !t.isMain {
		e.Task = t.label()
	}
	return e
}

// label names a spawned task or a background script for its error.
func (t *task) label() string {
	if t.spawnedIn != nil {
		return fmt.Sprintf("task %d (spawned at %s:%d)", t.id, t.spawnedIn.SourceName, t.spawnedAt)
	}
	if t.name != "" {
		return fmt.Sprintf("task %d (%s)", t.id, t.name)
	}
	return fmt.Sprintf("task %d", t.id)
}

// explain adds to e the frames of its task, the traceback, the source
// line the message names and the column of its culprit, and the hint for
// a Python habit if no other hint applies.
func (rt *Runtime) explain(e *Error, frames []lua.StackFrame) {
	if frames != nil {
		// Else the VM's own text stays: after a stack overflow the handler
		// that keeps the frames has no room to run.
		e.Frames = frames
		e.Traceback = fullTraceback(frames)
	} else if strings.HasSuffix(e.Msg, ": stack overflow") && e.Hint == "" {
		e.Hint = e.lang.Text(stackOverflowHint)
	}
	f := messageFrame(e.Msg, frames)
	if f == nil {
		return
	}
	e.Line = f.Line
	text, ok := rt.sourceLine(f.Proto, f.Line)
	if !ok || strings.TrimSpace(text) == "" {
		return
	}
	e.SourceLine = text
	te, _ := lua.ParseTypeError(e.Msg)
	if col := culpritColumn(e, te, text); col >= 0 {
		e.Column = utf8.RuneCountInString(text[:col]) + 1
	}
	if e.Hint == "" {
		e.Hint = runtimeHint(e.lang, e, te, text)
	}
}

// messageFrame is the frame of the stack at the position a runtime
// message starts with ("echo.lua:3: ..."): the innermost Lua frame at
// that line of that chunk (error(msg, 2) names its caller's), nil if
// none is.
func messageFrame(msg string, frames []lua.StackFrame) *lua.StackFrame {
	for i := range frames {
		f := &frames[i]
		if f.Go() {
			continue
		}
		if strings.HasPrefix(msg, f.Source+":"+strconv.Itoa(f.Line)+":") {
			return f
		}
	}
	return nil
}

// culpritColumn is the byte offset in line of what the message is
// about: the variable, field or method a runtime error names, the
// global of a NameError, the method of an argument error; -1 if none.
func culpritColumn(e *Error, te *lua.TypeError, line string) int {
	code := maskCode(line)
	switch {
	case e.global != "":
		return findWord(code, e.global)
	case te != nil && te.Name != "" && te.Name != "?":
		switch te.Kind {
		case "global", "local", "upvalue", "constant":
			return findUse(code, te.Name, te.Op)
		case "field":
			return findAfter(code, "."+te.Name)
		case "method":
			return findAfter(code, ":"+te.Name)
		}
	}
	fn, ok := badArgFunction(e.Msg)
	if !ok {
		fn, ok = argErrorFunction(e.Msg, "bad self to ")
	}
	if ok {
		if i := strings.LastIndexAny(fn, ".:"); i >= 0 {
			fn = fn[i+1:]
		}
		if i := findAfter(code, ":"+fn+"("); i >= 0 {
			return i
		}
		if i := findAfter(code, "."+fn+"("); i >= 0 {
			return i
		}
		return findUse(code, fn, "call")
	}
	return -1
}

// findUse finds name where the line uses it as op does: a call is
// followed by ( or a string or table, an index by . [ or :.
func findUse(code, name, op string) int {
	first := findWord(code, name)
	for i := first; i >= 0; i = findWordFrom(code, name, i+1) {
		rest := strings.TrimLeft(code[i+len(name):], " \t")
		var follows bool
		switch op {
		case "call":
			follows = rest != "" && strings.ContainsRune("(\"'{", rune(rest[0])) || strings.HasPrefix(rest, "[[")
		case "index":
			follows = rest != "" && strings.ContainsRune(".[:", rune(rest[0]))
		default:
			return first
		}
		if follows {
			return i
		}
	}
	return first
}

// findAfter is the offset of the name in a ".name" or ":name" of code
// (after the dot), -1 if absent.
func findAfter(code, sep string) int {
	name := strings.TrimSuffix(sep[1:], "(")
	for from := 0; ; {
		i := strings.Index(code[from:], sep)
		if i < 0 {
			return -1
		}
		i += from + 1
		if end := i + len(name); end == len(code) || !isIdentByte(code[end]) {
			return i
		}
		from = i
	}
}

// Report is e as sockplay prints it, each line ending in a newline:
//
//	traceback (most recent call last):
//	  echo.lua:20: in main chunk
//	  echo.lua:9: in function 'handle'
//	echo.lua:9: attempt to call a nil value (global 'len')
//	  conn:sendall(len(data))
//	               ^
//	hint: Lua writes #x for len(x)
//
// The traceback is left out when it would name one line only (the
// message names it).
func (e *Error) Report() string {
	var b strings.Builder
	b.WriteString(compactTraceback(e.Frames))
	b.WriteString(e.Msg)
	b.WriteByte('\n')
	b.WriteString(caretLines(e.SourceLine, e.Column))
	if e.Hint != "" {
		b.WriteString(e.lang.Sprintf("hint: %s\n", e.Hint))
	}
	return b.String()
}

// caretLines shows line, without its own indentation, indented by two,
// and a caret under column col (counted in characters from 1; 0: no
// caret). Tabs inside the line stay tabs, so the caret lines up however
// wide they are shown; a wide character (你) takes two columns of a
// terminal, so two spaces.
func caretLines(line string, col int) string {
	trimmed := strings.TrimLeft(line, " \t")
	if trimmed == "" {
		return ""
	}
	col -= utf8.RuneCountInString(line[:len(line)-len(trimmed)])
	line = trimmed
	s := "  " + line + "\n"
	runes := []rune(line)
	if col < 1 || col > len(runes)+1 {
		return s
	}
	var pad strings.Builder
	for _, c := range runes[:col-1] {
		switch width.LookupRune(c).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			pad.WriteString("  ")
		default:
			if c == '\t' {
				pad.WriteByte('\t')
			} else {
				pad.WriteByte(' ')
			}
		}
	}
	return s + "  " + pad.String() + "^\n"
}

// taskErrorReport is what the runtime prints to stderr when an error ends
// a spawned task or a background script that nobody joined: which task,
// then the error as the runner prints one.
func taskErrorReport(e *Error) string {
	return e.lang.Sprintf("error in %s:\n", e.Task) + e.Report()
}

// frameText is one frame of a traceback: "echo.lua:9: in function
// 'handle'", "[Go]: in function 'error'".
func frameText(f lua.StackFrame) string {
	var fn string
	switch {
	case f.Name != "":
		fn = "function '" + f.Name + "'"
	case f.Go():
		fn = "a Go function"
	case f.LineDefined == 0:
		fn = "main chunk"
	default:
		fn = fmt.Sprintf("function <%s:%d>", f.Source, f.LineDefined)
	}
	if f.Go() {
		return "[Go]: in " + fn
	}
	return fmt.Sprintf("%s:%d: in %s", f.Source, f.Line, fn)
}

// fullTraceback lists every frame, innermost last.
func fullTraceback(frames []lua.StackFrame) string {
	if len(frames) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("traceback (most recent call last):\n")
	for i := len(frames) - 1; i >= 0; i-- {
		if frames[i].TailCalls > 0 {
			b.WriteString("  (...tail calls...)\n")
		}
		b.WriteString("  " + frameText(frames[i]) + "\n")
	}
	return b.String()
}

// Bounds of a compact traceback: the first and last frames of a deep
// stack that does not repeat itself.
const (
	tracebackHead = 10
	tracebackTail = 10
)

// compactTraceback lists the Lua frames innermost last, a run of the
// same line collapsed as Python collapses it; "" for fewer than two.
func compactTraceback(frames []lua.StackFrame) string {
	var lines []string
	luaFrames := 0
	for i := len(frames) - 1; i >= 0; i-- {
		f := frames[i]
		if f.Go() {
			continue
		}
		luaFrames++
		if f.TailCalls > 0 {
			lines = append(lines, "(...tail calls...)")
		}
		lines = append(lines, frameText(f))
	}
	if luaFrames < 2 {
		return ""
	}
	var out []string
	for i := 0; i < len(lines); {
		j := i + 1
		for j < len(lines) && lines[j] == lines[i] {
			j++
		}
		out = append(out, lines[i])
		if n := j - i - 1; n == 1 {
			out = append(out, "[previous line repeated 1 more time]")
		} else if n > 1 {
			out = append(out, fmt.Sprintf("[previous line repeated %d more times]", n))
		}
		i = j
	}
	if len(out) > tracebackHead+tracebackTail+1 {
		skipped := len(out) - tracebackHead - tracebackTail
		out = append(append(out[:tracebackHead:tracebackHead], fmt.Sprintf("... (%d more lines)", skipped)), out[len(out)-tracebackTail:]...)
	}
	return "traceback (most recent call last):\n  " + strings.Join(out, "\n  ") + "\n"
}
