package repl

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sockplay/sockplay/luabind"
)

// showError prints an error as the runner does (luabind.Error.Report:
// the traceback, the message, the source line with a caret, the hint).
func (r *repl) showError(err error) {
	var e *luabind.Error
	if !errors.As(err, &e) {
		fmt.Fprintln(r.stderr, err)
		return
	}
	if e.Kind == luabind.Interrupted {
		r.rt.Lang().Fprintf(r.stderr, "interrupted\n")
		return
	}
	if e.Column == 0 && e.SourceLine != "" && slices.Contains(strings.Split(r.typed, "\n"), e.SourceLine) {
		// A line just typed is on the screen: shown again only to put a
		// caret under it.
		shown := *e
		shown.SourceLine = ""
		e = &shown
	}
	fmt.Fprint(r.stderr, e.Report())
}

// showJobs prints the background tasks, one a line.
func (r *repl) showJobs(jobs []luabind.TaskInfo) {
	if len(jobs) == 0 {
		r.rt.Lang().Fprintf(r.stdout, "no background tasks\n")
		return
	}
	for _, j := range jobs {
		fmt.Fprintf(r.stdout, "[%d] %-9s %s\n", j.ID, j.Status, j.Name)
	}
}
