package luabind

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// An idle server task (a connection served once, its task now waiting in
// recv inside pcall) must fit in a 4 KiB goroutine stack: a deeper frame
// on that path doubles the stack of every idle connection, for good
// (docs/PERFORMANCE.md, 7). The test serves connections under
// debug.SetMaxStack(4096), where a goroutine whose stack must grow past
// 4 KiB crashes the process with the stack that needed it; so it runs in a
// child process, and the crash is the failure it reports.
//
// The race detector's instrumentation makes frames larger than the
// program's own, so under -race the child is the package's tests built
// without it.

// stackCheckEnv tells the child process to serve under the stack limit.
const stackCheckEnv = "SOCKPLAY_IDLE_STACK_CHECK"

// idleStackConns is how many idle connections the child serves.
const idleStackConns = 200

func TestIdleTasksFit4KiBStacks(t *testing.T) {
	if os.Getenv(stackCheckEnv) == "1" {
		serveUnderStackLimit(t)
		return
	}
	if testing.Short() {
		t.Skip("runs a child process (-short)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := os.Args[0]
	if raceEnabled {
		bin = buildWithoutRace(ctx, t)
	}
	cmd := exec.CommandContext(ctx, bin, "-test.run=^TestIdleTasksFit4KiBStacks$", "-test.count=1")
	cmd.Env = append(os.Environ(), stackCheckEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("serving %d idle connections under debug.SetMaxStack(4096): %v\n%s",
			idleStackConns, err, culprit(string(out)))
	}
}

// serveUnderStackLimit is the child's part: the echo server of the
// benchmarks, warmed up with one connection, then idleStackConns
// connections served once each under the limit.
func serveUnderStackLimit(t *testing.T) {
	addr, stop := runEcho(t)
	defer stop()
	// The first connection takes paths no later one does (the first
	// accept, the first read buffer); the rule is about the tasks of
	// the connections that follow.
	dialIdle(t, addr, 1)
	old := debug.SetMaxStack(4096)
	dialIdle(t, addr, idleStackConns)
	debug.SetMaxStack(old) // closing may take deeper paths
}

// buildWithoutRace builds this package's tests without the race
// detector, into a temporary directory.
func buildWithoutRace(ctx context.Context, t *testing.T) string {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("under -race the check needs the go command to build the tests without it: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "luabind.test")
	build := exec.CommandContext(ctx, goTool, "test", "-c", "-race=false", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go test -c -race=false: %v\n%s", err, out)
	}
	return bin
}

// culprit is the part of a crashed child's output that names the
// goroutine whose stack grew too far, and the stack that needed it.
func culprit(out string) string {
	i := strings.Index(out, "goroutine stack exceeds")
	if i < 0 {
		return out
	}
	lines := strings.SplitAfter(out[i:], "\n")
	return strings.Join(lines[:min(len(lines), 80)], "")
}
