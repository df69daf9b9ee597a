package lua

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// What luabind's argument fuzzer (luabind/fuzz_test.go) found in the VM,
// each as it was found.

func TestFuzzFoundArguments(t *testing.T) {
	expectOutput(t, []struct{ name, src, want string }{
		// index out of range [-9223372036854775804]: a local number
		// that is not positive was taken for a temporary.
		{"getlocal of no local", `print(debug.getlocal(1, 1/0), debug.getlocal(1, -1/0), debug.getlocal(1, 0), debug.getlocal(1, -1))`,
			"nil\tnil\tnil\tnil"},
		// makechan: size out of range (and a huge size: out of memory).
		{"channel.make sizes", argReason + `print(reason(select(2, pcall(channel.make, -1))), reason(select(2, pcall(channel.make, 2^63))), reason(select(2, pcall(channel.make, 0/0))), type(channel.make(4)))`,
			"bad argument #1 (buffer size must be 0-1048576)\tbad argument #1 (buffer size must be 0-1048576)\tbad argument #1 (buffer size must be 0-1048576)\tchannel"},
		// A message quoting a 1 MB argument was 1 MB (350 KB for require,
		// which quotes the name once per path it tried).
		{"messages quote a part", `local huge = string.rep("m", 1e6)
local _, e1 = pcall(io.open, "x", huge)
local _, e2 = pcall(require, huge)
local _, e3 = pcall(dofile, huge)
print(#e1 < 2100, #e2 < 2100, #e3 < 400, e1:find("%.%.%. %(%d+ bytes%)") ~= nil)`, "true\ttrue\ttrue\ttrue"},
	})
}

// load with a reader function that never ends is bounded by the source
// size, keeps no string per piece, and stops when its context is
// cancelled (a Go reader runs no Lua instruction, where the VM looks).
func TestLoadReaderStops(t *testing.T) {
	L := NewState(Options{MaxSourceSize: 1 << 20})
	defer L.Close()
	out := capturePrint(L)
	if err := L.DoString(`local one = string.char(120) print(load(function() return one end))`); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "chunk too large") {
		t.Errorf("printed %q", out.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	L.SetContext(ctx)
	L.SetGlobal("piece", L.NewFunction(func(L *LState) int { L.Push(LString("x")); return 1 }))
	L.SetGlobal("cancel", L.NewFunction(func(*LState) int { cancel(); return 0 }))
	done := make(chan error, 1)
	go func() { done <- L.DoString(`cancel() load(piece)`) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), context.Canceled.Error()) {
			t.Errorf("load after cancel: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("load went on after its context was cancelled")
	}
}

// The files a script opens and leaves open are closed by CloseFiles (and
// Close): no __gc runs here.
func TestCloseFiles(t *testing.T) {
	dir := t.TempDir()
	L := NewState()
	defer L.Close()
	L.SetGlobal("dir", LString(dir))
	if err := L.DoString(`
a = io.open(dir .. "/a", "w") a:write("x")
b = io.open(dir .. "/a")
c = io.open(dir .. "/c", "w") c:close()
d = io.tmpfile()`); err != nil {
		t.Fatal(err)
	}
	if n := L.CloseFiles(); n != 3 {
		t.Errorf("CloseFiles closed %d files, want 3 (a, b, the tmpfile)", n)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "a")); err != nil || string(data) != "x" {
		t.Errorf("a holds %q, %v: what was written is flushed", data, err)
	}
	if err := L.DoString(`assert(not pcall(a.write, a, "y")) assert(io.type(b) == "closed file")`); err != nil {
		t.Error(err)
	}
	if n := L.CloseFiles(); n != 0 {
		t.Errorf("CloseFiles again closed %d", n)
	}
}
