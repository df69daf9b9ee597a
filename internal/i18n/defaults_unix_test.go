//go:build unix

package i18n

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeDefaults writes a shell script standing in for macOS's defaults:
// body is run with the key asked for in $3.
func fakeDefaults(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "defaults")
	script := "#!/bin/sh\n[ \"$1 $2\" = 'read -g' ] || exit 9\n" + body + "\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// readDefaults with a stand-in for defaults, on any Unix: what it makes
// of its answers, and that neither a missing nor a hung one holds up
// sockplay's start.
func TestReadDefaults(t *testing.T) {
	for _, c := range []struct {
		name, body string
		want       []string
	}{
		{"languages", `[ "$3" = AppleLanguages ] && printf '(\n    "zh-Hans-CN",\n    en\n)\n'`, []string{"zh-Hans-CN", "en"}},
		{"locale when no languages", `if [ "$3" = AppleLocale ]; then echo zh_CN; else echo 'does not exist' >&2; exit 1; fi`, []string{"zh_CN"}},
		{"neither", `echo 'does not exist' >&2; exit 1`, nil},
		{"empty list", `[ "$3" = AppleLanguages ] && printf '(\n)\n'`, nil},
		{"hung", `exec sleep 60`, nil},
	} {
		got := readDefaults(fakeDefaults(t, c.body), 200*time.Millisecond)
		if strings.Join(got, "|") != strings.Join(c.want, "|") || len(got) != len(c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if got := readDefaults(filepath.Join(t.TempDir(), "missing"), 200*time.Millisecond); got != nil {
		t.Errorf("no defaults: %q", got)
	}
}

// A hung defaults whose own child holds its output open: readDefaults
// gives up at its deadline, not when that child ends (a minute later).
func TestReadDefaultsHungGrandchild(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	path := fakeDefaults(t, "sleep 60 &\necho $! > '"+pidFile+"'\nwait")
	t.Cleanup(func() {
		if b, err := os.ReadFile(pidFile); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	done := make(chan []string, 1)
	go func() { done <- readDefaults(path, 200*time.Millisecond) }()
	select {
	case got := <-done:
		if got != nil {
			t.Errorf("%q, want nil", got)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("readDefaults waited for its program's child")
	}
}
