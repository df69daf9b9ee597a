package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/sockplay/sockplay/exercises"
	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/scripts"
)

// The CLI is tested as scripts, testdata/script/*.txtar (the format is
// documented in package testscript). The test binary doubles as the
// sockplay command: testscript.Main puts a copy of it named sockplay on
// the PATH, which runs main. The Go tests of this package that need the
// real CLI in a child process (on a terminal, with a descriptor limit)
// run that same sockplay.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"sockplay": main})
}

// scriptTimeout bounds every script's waits: its commands, its
// background processes and waitfile.
const scriptTimeout = 3 * time.Minute

func TestScripts(t *testing.T) {
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(scriptTimeout)
	if d, ok := t.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Deadline:            deadline,
		Setup: func(env *testscript.Env) error {
			env.Setenv("REPO", root)
			// The folder of the sockplay command alone: a PATH with no
			// other program on it (no browser to open).
			if bin, err := exec.LookPath("sockplay"); err == nil {
				env.Setenv("SOCKPLAYBIN", filepath.Dir(bin))
			}
			env.Setenv("VERSION", version)
			env.Setenv("NSCRIPTS", strconv.Itoa(len(scripts.List())))
			env.Setenv("NEXERCISES", strconv.Itoa(len(exercises.List(i18n.English))))
			// Every exercise has at least three checks.
			env.Setenv("MINCHECKS", strconv.Itoa(3*len(exercises.List(i18n.English))))
			// A sockplay built with -race sleeps a second at exit by default.
			env.Setenv("GORACE", "atexit_sleep_ms=0 "+os.Getenv("GORACE"))
			// No colours, no history: the scripts see plain text.
			env.Setenv("NO_COLOR", "1")
			env.Setenv("SOCKPLAY_HISTORY", "off")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":    cmdExits,
			"waitfile": cmdWaitfile,
			"atleast":  cmdAtLeast,
		},
	})
}

// exits N program [args...] runs the program, as exec does, and checks
// that its exit status is N.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits STATUS program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: %q is not an exit status", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = exitErr.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

// waitfile FILE waits until FILE exists: a background process is ready.
func cmdWaitfile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitfile FILE")
	}
	path := ts.MkAbs(args[0])
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s did not appear within 20s", args[0])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// atleast N PATTERN checks that PATTERN's first submatch in stdout is a
// number of at least N (a count that grows: the exercises' checks).
func cmdAtLeast(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: atleast N PATTERN")
	}
	min, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("atleast: %q is not a number", args[0])
	}
	stdout := ts.ReadFile("stdout")
	m := regexp.MustCompile(`(?m)` + args[1]).FindStringSubmatch(stdout)
	if len(m) < 2 {
		ts.Fatalf("no %q in stdout", args[1])
	}
	n, err := strconv.Atoi(strings.TrimSpace(m[1]))
	if err != nil || n < min {
		ts.Fatalf("%q matched %q, want a number >= %d", args[1], m[1], min)
	}
}

// sockplay returns the sockplay command testscript.Main put on the PATH.
func sockplay(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("sockplay")
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(path) {
		t.Fatalf("sockplay found at %s, not an absolute path", path)
	}
	return path
}

// The demo's "Next:" lines name sockplay as it was started: "go run ."
// from a clone before go install (go run builds into go-build.../exe/),
// "sockplay" on the PATH (testdata/script/run.txtar; the path typed:
// cli's TestCommandName).
func TestDemoNamesTheCommandAsStarted(t *testing.T) {
	bin, err := os.ReadFile(sockplay(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	goRun := filepath.Join(dir, "go-build1234", "b001", "exe", "sockplay")
	if err := os.MkdirAll(filepath.Dir(goRun), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(goRun, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goRun, "run", "demo")
	cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0 "+os.Getenv("GORACE"), "SOCKPLAY_LANG=en") // the English words, whatever the developer's locale
	out, err := cmd.CombinedOutput()
	want := "  go run . run tcp/echo_server      go run . run tcp/echo_client\nNext: 'go run . list' shows every program of the tutorial.\n"
	if err != nil || !strings.HasSuffix(string(out), want) {
		t.Errorf("run demo, built by go run: %v\n%s\nwant it to end with %q", err, out, want)
	}
}
