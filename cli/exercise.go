package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sockplay/sockplay/exercises"
	"github.com/sockplay/sockplay/internal/child"
	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/internal/near"
	"github.com/sockplay/sockplay/luatest"
	"github.com/sockplay/sockplay/scripts"
)

// The graded exercises of package exercises, checked by package luatest
// in the sandbox.

func newExerciseCommand(l i18n.Lang) *Command {
	return &Command{
		UsageLine: "exercise list | start | check [args]",
		Short:     l.Sprintf("graded exercises: list them, start one, check your solution"),
		Long: l.Sprintf(`
Exercise hands out socket exercises and checks the solutions, in the
sandbox. See docs/EXERCISES.md.
`),
		Commands: []*Command{newExerciseListCommand(l), newExerciseStartCommand(l), newExerciseCheckCommand(l)},
	}
}

func newExerciseListCommand(l i18n.Lang) *Command {
	c := &Command{
		UsageLine: "exercise list",
		Short:     l.Sprintf("the exercises, in order"),
	}
	c.Run = noArgs(c, func(io *stdio) int {
		var rows [][2]string
		for i, info := range exercises.List(io.lang) {
			rows = append(rows, [2]string{fmt.Sprintf("%d. %s", i+1, info.Name), info.Title})
		}
		writeColumns(io.stdout, "", rows)
		io.lang.Fprintf(io.stdout, "\nStart one with:  sockplay exercise start NAME (or its number)\n")
		return exitOK
	})
	return c
}

func newExerciseStartCommand(l i18n.Lang) *Command {
	c := &Command{
		UsageLine: "exercise start NAME [DIR]",
		Short:     l.Sprintf("write the task (NAME.md) and the starter (NAME.lua) into DIR (default .)"),
	}
	c.Run = func(io *stdio, args []string) int {
		if len(args) != 1 && len(args) != 2 {
			return reportUsage(io.stderr, c.usageErrorf("want an exercise name and at most a folder, got %d arguments", len(args)))
		}
		dir := "."
		if len(args) == 2 {
			dir = args[1]
		}
		return exerciseStart(c, exerciseName(args[0]), dir, io)
	}
	return c
}

func newExerciseCheckCommand(l i18n.Lang) *Command {
	c := &Command{
		UsageLine:    "exercise check [flags] NAME [FILE]",
		Short:        l.Sprintf("run the exercise's checks against your FILE (default NAME.lua), in the sandbox"),
		Interspersed: true,
		Long: l.Sprintf(`
Check runs every check of exercise NAME against the script FILE (without
it, NAME.lua: the file exercise start wrote), in the sandbox, and says
for each what went wrong and a hint. Each check runs in a process of its
own, and your script in one more, under the limits.

Exit status: 0 every check passes, 1 one failed, 2 usage, 130 interrupted.
`),
	}
	var fl checkFlags
	c.Flag.Var(durationValue(&fl.timeout, false), "timeout", l.Sprintf("the time limit of each check: `D` (default 30s)"))
	c.Flag.Var(sizeValue(&fl.output), "output", l.Sprintf("what is kept of each check's output and failures: `SIZE`\n(default 64KiB)"))
	fl.limits.register(l, &c.Flag, l.Sprintf("the checks always run sandboxed"))
	c.Run = func(io *stdio, args []string) int {
		switch len(args) {
		case 1:
			// exercise start wrote NAME.lua: check that.
			name := exerciseName(args[0])
			return exerciseCheck(c, name, name+".lua", &fl, io)
		case 2:
			return exerciseCheck(c, exerciseName(args[0]), args[1], &fl, io)
		}
		return reportUsage(io.stderr, c.usageErrorf("want an exercise name and your script, got %d arguments", len(args)))
	}
	return c
}

func exerciseStart(c *Command, name, dir string, io *stdio) int {
	stdout := io.stdout
	if !exercises.Exists(name) {
		return reportUsage(io.stderr, unknownExercise(c, name))
	}
	files, err := exercises.Start(name, dir, io.lang)
	if err != nil {
		return reportUsage(io.stderr, c.usageErrorf("%v", err))
	}
	task, starter := files[0], files[1]
	l := io.lang
	l.Fprintf(stdout, "wrote %s (the task) and %s (your starting point)\n\n", task, starter)
	l.Fprintf(stdout, "Read %s, fill in the TODOs of %s, then\n", task, starter)
	l.Fprintf(stdout, "  try it:    %s run %s\n", commandName(), starter)
	l.Fprintf(stdout, "  check it:  %s exercise check %s %s\n", commandName(), name, starter)
	return exitOK
}

type checkFlags struct {
	timeout time.Duration
	output  int64
	limits  sandboxFlags
}

func exerciseCheck(c *Command, name, file string, fl *checkFlags, io *stdio) int {
	stdout, stderr := io.stdout, io.stderr
	if !exercises.Exists(name) {
		return reportUsage(stderr, unknownExercise(c, name))
	}
	if st, err := os.Stat(file); err != nil || st.IsDir() {
		if file == name+".lua" {
			return reportUsage(stderr, c.usageErrorf("%s: no such file (sockplay exercise start %s writes it; or name your script: sockplay exercise check %s FILE)", file, name, name))
		}
		return reportUsage(stderr, c.usageErrorf("%s: no such file", file))
	}
	sandboxGC()
	tmp, err := os.MkdirTemp("", "sockplay-check-")
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", c.title(), err)
		return exitError
	}
	child.OwnDir(tmp)
	defer child.RemoveDir(tmp)
	checks, err := exercises.Extract(name, tmp)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", c.title(), err)
		return exitError
	}
	title := ""
	for _, info := range exercises.List(io.lang) {
		if info.Name == name {
			title = info.Title
		}
	}
	l := io.lang
	l.Fprintf(stdout, "Checking %s against exercise %s (%s), in the sandbox:\n\n", file, name, title)
	// Messages name the checks by their file name, not the temporary copy.
	checksDir := filepath.Join(tmp, name) + string(filepath.Separator)
	ctx, stop := interruptible(l, stderr)
	defer stop()
	opts := luatest.Options{
		Target:      file,
		Sandbox:     true, // always: the checks run code nobody has reviewed
		TrustTests:  true, // the exercise's checks are ours
		Timeout:     fl.timeout,
		OutputLimit: int(fl.output),
		Scripts:     scripts.FS,
		Lang:        l,
		Report: func(r *luatest.TestResult) {
			printCheck(l, stdout, r, checksDir)
		},
	}
	isolate(&opts, &fl.limits)
	res := luatest.Run(ctx, checks, opts)
	passed, failed := res.Counts()
	l.Fprintf(stdout, "\n%s passed, %s failed\n", strconv.Itoa(passed), strconv.Itoa(failed))
	switch {
	case ctx.Err() != nil:
		l.Fprintf(stderr, "interrupted\n")
		return exitInterrupted
	case failed > 0:
		l.Fprintf(stdout, "Not yet: fix the first failing check, try your script by hand, and check again.\n")
		return exitError
	}
	l.Fprintf(stdout, "Every check passes. Well done!\n")
	return exitOK
}

// printCheck prints a check as a student reads it, in l: its
// description, and for a failed one what went wrong and the hint.
func printCheck(l i18n.Lang, w io.Writer, r *luatest.TestResult, checksDir string) {
	what, hint := r.Doc, r.Hint
	if l == i18n.Chinese && r.DocZh != "" {
		what = r.DocZh
	}
	if l == i18n.Chinese && r.HintZh != "" {
		hint = r.HintZh
	}
	if what == "" {
		what = strings.ReplaceAll(strings.TrimPrefix(r.Name, "test_"), "_", " ")
	}
	if r.Passed() {
		fmt.Fprintf(w, "  PASS  %s\n", what)
		return
	}
	fmt.Fprintf(w, "  FAIL  %s\n", what)
	for _, f := range r.Failures {
		fmt.Fprintln(w, indent(strings.ReplaceAll(f, checksDir, ""), "        "))
	}
	if hint != "" {
		fmt.Fprintln(w, indent(strings.TrimSuffix(l.Sprintf("hint: %s\n", hint), "\n"), "        "))
	}
}

// exerciseName is the exercise arg names: its number in 'exercise list'
// (1 for the first) stands for its name.
func exerciseName(arg string) string {
	n, err := strconv.Atoi(arg)
	if list := exercises.List(i18n.English); err == nil && n >= 1 && n <= len(list) {
		return list[n-1].Name
	}
	return arg
}

// unknownExercise is the error of an exercise name that is none, with
// the names it may have meant.
func unknownExercise(c *Command, name string) *usageError {
	if _, err := strconv.Atoi(name); err == nil {
		// A number past the list (or 0): say what the numbers are.
		last := len(exercises.List(c.lang))
		return c.usageErrorf("there is no exercise %s: 'sockplay exercise list' numbers them 1 to %d", name, last)
	}
	var meant []string
	for _, info := range exercises.List(c.lang) {
		if near.Name(name, info.Name) {
			meant = append(meant, info.Name)
		}
	}
	if len(meant) > 0 {
		return c.usageErrorf("no exercise named %q; did you mean %s? (see 'sockplay exercise list')", name, strings.Join(meant, ", "))
	}
	return c.usageErrorf("no exercise named %q (see 'sockplay exercise list')", name)
}
