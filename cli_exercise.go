package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sockplay/sockplay/exercises"
	"github.com/sockplay/sockplay/luatest"
	"github.com/sockplay/sockplay/scripts"
)

// sockplay exercise list | start NAME [DIR] | check NAME FILE: the graded
// exercises of package exercises, checked by package luatest in the
// sandbox.

const exerciseUsage = `usage:
  sockplay exercise list               the exercises, in order
  sockplay exercise start NAME [DIR]   write the task (NAME.md) and the starter (NAME.lua) into DIR (default .)
  sockplay exercise check NAME FILE    run the exercise's checks against your FILE, in the sandbox
`

func exerciseCmd(args []string, stdout, stderr io.Writer, interrupts func() (<-chan os.Signal, func())) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, exerciseUsage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, exerciseUsage)
		return exitOK
	case "list":
		if len(args) != 1 {
			break
		}
		for i, info := range exercises.List() {
			fmt.Fprintf(stdout, "%d. %-18s %s\n", i+1, info.Name, info.Title)
		}
		fmt.Fprintln(stdout, "\nStart one with:  sockplay exercise start NAME")
		return exitOK
	case "start":
		if len(args) != 2 && len(args) != 3 {
			break
		}
		dir := "."
		if len(args) == 3 {
			dir = args[2]
		}
		return exerciseStart(args[1], dir, stdout, stderr)
	case "check":
		if len(args) != 3 {
			break
		}
		return exerciseCheck(args[1], args[2], stdout, stderr, interrupts)
	}
	fmt.Fprint(stderr, exerciseUsage)
	return exitUsage
}

func exerciseStart(name, dir string, stdout, stderr io.Writer) int {
	files, err := exercises.Start(name, dir)
	if err != nil {
		fmt.Fprintln(stderr, "sockplay exercise:", err)
		return exitUsage
	}
	task, starter := files[0], files[1]
	fmt.Fprintf(stdout, "wrote %s (the task) and %s (your starting point)\n\n", task, starter)
	fmt.Fprintf(stdout, "Read %s, fill in the TODOs of %s, then\n", task, starter)
	fmt.Fprintf(stdout, "  try it:    sockplay run %s\n", starter)
	fmt.Fprintf(stdout, "  check it:  sockplay exercise check %s %s\n", name, starter)
	return exitOK
}

func exerciseCheck(name, file string, stdout, stderr io.Writer, interrupts func() (<-chan os.Signal, func())) int {
	if !exercises.Exists(name) {
		fmt.Fprintf(stderr, "sockplay exercise: no exercise named %q (see 'sockplay exercise list')\n", name)
		return exitUsage
	}
	if st, err := os.Stat(file); err != nil || st.IsDir() {
		fmt.Fprintf(stderr, "sockplay exercise: %s: no such file\n", file)
		return exitUsage
	}
	sandboxGC()
	tmp, err := os.MkdirTemp("", "sockplay-check-")
	if err != nil {
		fmt.Fprintln(stderr, "sockplay exercise:", err)
		return exitError
	}
	defer os.RemoveAll(tmp)
	checks, err := exercises.Extract(name, tmp)
	if err != nil {
		fmt.Fprintln(stderr, "sockplay exercise:", err)
		return exitError
	}
	title := ""
	for _, info := range exercises.List() {
		if info.Name == name {
			title = info.Title
		}
	}
	fmt.Fprintf(stdout, "Checking %s against exercise %s (%s), in the sandbox:\n\n", file, name, title)
	// Messages name the checks by their file name, not the temporary copy.
	checksDir := filepath.Join(tmp, name) + string(filepath.Separator)
	ctx, stop := interruptible(interrupts, stderr)
	defer stop()
	res := luatest.Run(ctx, checks, luatest.Options{
		Target:     file,
		Sandbox:    true, // always: the checks run code nobody has reviewed
		TrustTests: true, // the exercise's checks are ours
		Scripts:    scripts.FS,
		Report: func(r *luatest.TestResult) {
			printCheck(stdout, r, checksDir)
		},
	})
	passed, failed := res.Counts()
	fmt.Fprintf(stdout, "\n%d passed, %d failed\n", passed, failed)
	switch {
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "interrupted")
		return exitInterrupted
	case failed > 0:
		fmt.Fprintln(stdout, "Not yet: fix the first failing check, try your script by hand, and check again.")
		return exitError
	}
	fmt.Fprintln(stdout, "Every check passes. Well done!")
	return exitOK
}

// printCheck prints a check as a student reads it: its description, and
// for a failed one what went wrong and the hint.
func printCheck(w io.Writer, r *luatest.TestResult, checksDir string) {
	what := r.Doc
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
	if r.Hint != "" {
		fmt.Fprintln(w, indent("hint: "+r.Hint, "        "))
	}
}
