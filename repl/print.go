package repl

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sockplay/sockplay/luabind"
)

// showError prints a line's error as the runner does, "file:line:
// message" and a hint for the common mistakes, and keeps it for :trace.
func (r *repl) showError(err error) {
	var e *luabind.Error
	if !errors.As(err, &e) {
		fmt.Fprintln(r.stderr, err)
		return
	}
	switch e.Kind {
	case luabind.Interrupted:
		fmt.Fprintln(r.stderr, "interrupted")
		return
	case luabind.SyntaxError:
		fmt.Fprintln(r.stderr, e.Msg)
		return
	}
	r.lastErr = e
	fmt.Fprintln(r.stderr, e.Msg)
	if e.Hint != "" {
		fmt.Fprintln(r.stderr, "hint:", e.Hint)
	}
}

// showSyntaxError prints a syntax error and, when its column is known, the
// line with a caret under the offending token:
//
//	stdin:1: syntax error near '='
//	  x = = 1
//	      ^
func (r *repl) showSyntaxError(e *syntaxError, code string) {
	fmt.Fprintln(r.stderr, e.msg)
	lines := strings.Split(code, "\n")
	if e.col <= 0 || e.line < 1 || e.line > len(lines) {
		return
	}
	line := []rune(lines[e.line-1])
	if e.col > len(line)+1 {
		return
	}
	// Tabs stay tabs, so the caret lines up however wide they are shown.
	var pad strings.Builder
	for _, c := range line[:e.col-1] {
		if c == '\t' {
			pad.WriteRune('\t')
		} else {
			pad.WriteByte(' ')
		}
	}
	fmt.Fprintf(r.stderr, "  %s\n  %s^\n", string(line), pad.String())
}

// showJobs prints the background tasks, one a line.
func (r *repl) showJobs(jobs []luabind.TaskInfo) {
	if len(jobs) == 0 {
		fmt.Fprintln(r.stdout, "no background tasks")
		return
	}
	for _, j := range jobs {
		fmt.Fprintf(r.stdout, "[%d] %-9s %s\n", j.ID, j.Status, j.Name)
	}
}
