package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The profiles docs/PERFORMANCE.md tells users to take: both files are
// written, in pprof's gzipped format, and a path that cannot be created
// is reported, not fatal.
func TestProfilesAreWritten(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof")
	t.Setenv("SOCKPLAY_CPUPROFILE", cpu)
	t.Setenv("SOCKPLAY_MEMPROFILE", mem)
	stop := startProfile()
	var out, errOut bytes.Buffer
	if code := cli([]string{"-e", "local t = {} for i = 1, 1e4 do t[i] = tostring(i) end"}, strings.NewReader(""), &out, &errOut, noInterrupts); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	stop()
	writeMemProfile()
	for _, path := range []string{cpu, mem} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
			t.Errorf("%s: not a gzipped pprof profile (%d bytes)", filepath.Base(path), len(data))
		}
	}

	t.Setenv("SOCKPLAY_MEMPROFILE", filepath.Join(dir, "missing", "mem.prof"))
	writeMemProfile() // prints the error; must not panic or exit
}
