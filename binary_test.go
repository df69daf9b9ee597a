package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/exercises"
	"github.com/sockplay/sockplay/internal/i18n"
)

// The binary as users build it (go build, no race detector): students
// hold it, so it must not contain the exercises' solutions (issue 13: a
// script could read the binary and cut one out).
func TestShippedBinaryHasNoSolutions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sockplay")
	}
	bin := filepath.Join(t.TempDir(), "sockplay")
	goBuild(t, "build", "-o", bin, ".")
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	// What is shipped on purpose, whose lines a solution may share: the
	// exercises but their solutions, the bundled scripts, the helpers.
	var shipped strings.Builder
	for _, root := range []string{"exercises", "scripts", "luatest"} {
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() && (d.Name() == "solution" || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".lua") || strings.HasSuffix(path, ".md")) {
				shipped.WriteString(readFile(t, path))
			}
			return nil
		})
	}
	for _, info := range exercises.List(i18n.English) {
		name := info.Name
		dir := filepath.Join("exercises", name)
		// The search finds what is embedded: the starter's lines.
		starter := distinctLines(readFile(t, filepath.Join(dir, name+".lua")), "")
		if len(starter) == 0 || !bytes.Contains(data, []byte(starter[0])) {
			t.Errorf("%s: the starter's line %q is not in the binary: the search finds nothing", name, starter)
		}
		solution := distinctLines(readFile(t, filepath.Join(dir, "solution", name+".lua")), shipped.String())
		if len(solution) == 0 {
			t.Errorf("%s: the solution has no line of its own to look for", name)
		}
		for _, l := range solution {
			if bytes.Contains(data, []byte(l)) {
				t.Errorf("%s: the binary holds the solution's line %q", name, l)
			}
		}
	}
}

// The address-space limit of a child process, which a race build cannot
// set (the race detector's shadow memory): the child package's own test
// of it, built without the race detector.
func TestChildMemoryLimitWithoutRaceDetector(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a test binary")
	}
	bin := filepath.Join(t.TempDir(), "child.test")
	goBuild(t, "test", "-c", "-o", bin, "./internal/child")
	out, err := exec.Command(bin, "-test.run", "^TestMemoryLimit$", "-test.v").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestMemoryLimit") {
		t.Errorf("%v\n%s", err, out)
	}
}

func goBuild(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// distinctLines are the lines of src, trimmed, long enough to be
// telling (20 bytes or more), that other does not contain.
func distinctLines(src, other string) []string {
	var lines []string
	for _, l := range strings.Split(src, "\n") {
		if l = strings.TrimSpace(l); len(l) >= 20 && !strings.Contains(other, l) {
			lines = append(lines, l)
		}
	}
	return lines
}
