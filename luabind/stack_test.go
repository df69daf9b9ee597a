package luabind

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
)

// An idle server task (a connection served once, its task now waiting in
// recv inside pcall) must fit in a 4 KiB goroutine stack: one deeper frame
// on that path doubles the stack of every idle connection, for good
// (docs/PERFORMANCE.md, 7). The test runs the benchmarks' echo server in a
// child process, the clients in this one, and reads the goroutine stacks
// the idle connections cost the child: 3.8-4.5 KiB each while the rule
// holds (the 4 KiB stacks, and Go's stack caches), 8 and more when it is
// broken.
//
// To find what broke it, run the test with SOCKPLAY_MAXSTACK=4096: the
// child then serves under debug.SetMaxStack(4096), and the first
// goroutine whose stack must grow past 4 KiB crashes it with the stack
// that needed it, which the test shows.
//
// The race detector's instrumentation makes frames larger than the
// program's own, so under -race the child is the package's tests built
// without it.

const (
	// stackCheckEnv tells the child process to be the server.
	stackCheckEnv = "SOCKPLAY_IDLE_STACK_CHECK"
	// idleStackConns is how many idle connections are measured.
	idleStackConns = 200
	// maxIdleStackKiB is the most an idle connection may cost.
	maxIdleStackKiB = 5.0
)

func TestIdleTasksFit4KiBStacks(t *testing.T) {
	if os.Getenv(stackCheckEnv) == "1" {
		serveIdleConnections(t)
		return
	}
	checkIdleStacks(t, "^TestIdleTasksFit4KiBStacks$")
}

// checkIdleStacks runs the test named by run in a child process, with env
// added to its environment, which serves (serveIdleConnections), and
// measures its idle connections.
func checkIdleStacks(t *testing.T, run string, env ...string) {
	if testing.Short() {
		t.Skip("runs a child process (-short)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := os.Args[0]
	if raceEnabled {
		bin = buildWithoutRace(ctx, t)
	}
	cmd := exec.CommandContext(ctx, bin, "-test.run="+run, "-test.count=1")
	// Goroutines start at the smallest stack, not at the average size
	// the runtime has seen: an idle task's stack is what it grew to.
	cmd.Env = append(append(os.Environ(), stackCheckEnv+"=1", "GODEBUG=adaptivestackstart=0"), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	toChild, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	fromChild, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(fromChild)
	next := func() string {
		lines.Scan()
		return lines.Text()
	}
	conns := make([]net.Conn, 0, 1+idleStackConns)
	idle := conns[:0:1]
	addr, ok := strings.CutPrefix(next(), "listening ")
	if ok {
		// The first connection takes paths no later one does (the first
		// accept, the first read buffer); the rule is about the tasks of
		// the connections that follow.
		idle, err = dialIdle(addr, idle)
		fmt.Fprintln(toChild, "measure")
		ok = err == nil && next() == "measuring"
	}
	var result string
	if ok {
		idle, err = dialIdle(addr, conns[:len(idle)])
		fmt.Fprintln(toChild, "done")
		result = next()
	}
	toChild.Close()
	closeAll(idle)
	waitErr := cmd.Wait()
	perConn, convErr := strconv.ParseFloat(strings.TrimPrefix(result, "stack-KiB/conn "), 64)
	if !ok || err != nil || waitErr != nil || convErr != nil {
		t.Fatalf("%d idle connections: client: %v, server: %v %q\n%s",
			len(idle), err, waitErr, result, culprit(stderr.String()))
	}
	t.Logf("%.2f KiB of goroutine stack per idle connection", perConn)
	if perConn > maxIdleStackKiB {
		t.Errorf("an idle connection costs %.2f KiB of goroutine stack, more than %.1f: its task no longer fits in 4 KiB "+
			"(run this test with SOCKPLAY_MAXSTACK=4096 to see what grew it)", perConn, maxIdleStackKiB)
	}
}

// serveIdleConnections is the child's part: the echo server, and the
// growth of its goroutine stacks between the parent's "measure" and
// "done", per connection.
func serveIdleConnections(t *testing.T) {
	addr, stop := runEcho(t)
	defer stop()
	fmt.Println("listening", addr)
	in := bufio.NewScanner(os.Stdin)
	if !in.Scan() {
		return
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	maxStack, _ := strconv.Atoi(os.Getenv("SOCKPLAY_MAXSTACK"))
	if maxStack > 0 {
		maxStack = debug.SetMaxStack(maxStack)
	}
	fmt.Println("measuring")
	in.Scan()
	if maxStack > 0 {
		debug.SetMaxStack(maxStack) // closing may take deeper paths
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	fmt.Printf("stack-KiB/conn %.3f\n", float64(after.StackInuse-before.StackInuse)/idleStackConns/1024)
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

// culprit is the part of the child's error output that names the
// goroutine whose stack grew too far, and the stack that needed it.
func culprit(out string) string {
	i := strings.Index(out, "goroutine stack exceeds")
	if i < 0 {
		return out
	}
	lines := strings.SplitAfter(out[i:], "\n")
	return strings.Join(lines[:min(len(lines), 80)], "")
}
