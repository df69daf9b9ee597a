package main

import (
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
)

// readmeErrors finds the README's example errors of bundled scripts: a
// block line "$ sockplay run NAME" followed by what it prints, starting
// with "NAME.lua:LINE:".
var readmeErrors = regexp.MustCompile("(?m)^\\$ sockplay run (\\S+)\\n((\\S+)\\.lua:\\d+: [^\\n]*\\n(?:[^$`\\n][^\\n]*\\n)*)")

// The README's example errors are what the bundled scripts print now:
// the line number, the source line, the hint. An edit of a script that
// moves its lines fails here until the README follows. Each runs against
// a port where nothing listens (the README's has none: the default).
func TestReadmeErrorExamples(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, m := range readmeErrors.FindAllStringSubmatch(string(readme), -1) {
		name, want, file := m[1], m[2], m[3]
		if file != name {
			continue
		}
		found++
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		ln.Close() // refused from now on
		cmd := exec.Command(sockplay(t), "run", name, port)
		cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0 "+os.Getenv("GORACE"), "NO_COLOR=1", "SOCKPLAY_LANG=en") // the README quotes the English
		out, _ := cmd.CombinedOutput()
		if string(out) != want {
			t.Errorf("README.md shows for sockplay run %s:\n%s\nit prints:\n%s", name, want, out)
		}
	}
	if found == 0 {
		t.Error("no example error of a bundled script found in README.md")
	}
}
