package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sockplay/sockplay/scripts"
)

// The test binary doubles as the sockplay command when this variable is
// set, so signal tests run the real CLI in a child process without a
// separate build.
const asCLI = "SOCKPLAY_TEST_AS_CLI"

// cliNoFile sets the child CLI's RLIMIT_NOFILE.
const cliNoFile = "SOCKPLAY_TEST_NOFILE"

func TestMain(m *testing.M) {
	if os.Getenv(asCLI) == "1" {
		if n, err := strconv.ParseUint(os.Getenv(cliNoFile), 10, 64); err == nil {
			// A descriptor limit for the child alone (TestOutOfDescriptors).
			syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: n, Max: n})
		}
		os.Exit(cli(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, notifyInterrupts))
	}
	os.Exit(m.Run())
}

// noInterrupts is an interrupt source that never fires.
func noInterrupts() (<-chan os.Signal, func()) { return nil, func() {} }

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- cli(args, strings.NewReader(stdin), &out, &errOut, noInterrupts) }()
	select {
	case code := <-done:
		return result{code, out.String(), errOut.String()}
	case <-time.After(30 * time.Second):
		t.Fatalf("sockplay %v did not finish within 30s", args)
		return result{}
	}
}

func writeScript(t *testing.T, name, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCLIInformation(t *testing.T) {
	if r := runCLI(t, "", "--version"); r.code != 0 || !strings.HasPrefix(r.stdout, "sockplay ") {
		t.Errorf("--version: %+v", r)
	}
	if r := runCLI(t, "", "--help"); r.code != 0 || !strings.Contains(r.stdout, "sockplay run FILE|NAME") {
		t.Errorf("--help: %+v", r)
	}
	r := runCLI(t, "", "list")
	if r.code != 0 {
		t.Fatalf("list: %+v", r)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != len(scripts.List()) {
		t.Errorf("list printed %d lines for %d scripts", len(lines), len(scripts.List()))
	}
	for _, want := range []string{"tcp/echo_server", "udp/time_client", "unix/echo_server", "bench/echo_server", "demo"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(want) + ` +\S`).MatchString(r.stdout) {
			t.Errorf("list lacks %q with a summary:\n%s", want, r.stdout)
		}
	}
	r = runCLI(t, "", "show", "tcp/echo_server")
	if r.code != 0 || !strings.Contains(r.stdout, "socket") || !strings.HasPrefix(r.stdout, "--") {
		t.Errorf("show: %+v", r)
	}
}

func TestCLIUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run"}, "usage: sockplay run"},
		{[]string{"show"}, "usage: sockplay show"},
		{[]string{"show", "tcp/nope"}, `no bundled script named "tcp/nope"`},
		{[]string{"run", "tcp/nope"}, "neither a file nor a bundled script"},
		{[]string{"missing.lua"}, "cannot open missing.lua"},
		{[]string{"--frobnicate"}, "unknown option --frobnicate"},
		{[]string{"-e"}, "usage: sockplay -e"},
	} {
		r := runCLI(t, "", tc.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("sockplay %v: code %d, stderr %q; want code 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

func TestCLIRunsCodeFilesAndStdin(t *testing.T) {
	r := runCLI(t, "", "-e", "print(arg[1], #arg, socket.AF_INET)", "x", "y")
	if r.code != 0 || r.stdout != "x\t2\t2\n" {
		t.Errorf("-e: %+v", r)
	}
	path := writeScript(t, "args.lua", "print(arg[0], arg[1], input('name? '))")
	r = runCLI(t, "ada\n", path, "one")
	if r.code != 0 || r.stdout != path+"\tone\tname? ada\n" && r.stdout != "name? "+path+"\tone\tada\n" {
		t.Errorf("file: %+v", r)
	}
	r = runCLI(t, "", "run", path, "two")
	if r.code != 0 || !strings.Contains(r.stdout, "\ttwo\t") {
		t.Errorf("run FILE: %+v", r)
	}
	// With no arguments and piped stdin, stdin is the script (as `lua -`).
	r = runCLI(t, "print('from stdin', input())")
	if r.code != 0 || r.stdout != "from stdin\tnil\n" {
		t.Errorf("stdin script: %+v", r)
	}
}

func TestCLIErrorsHaveLineAndHint(t *testing.T) {
	path := writeScript(t, "refused.lua", `local s = socket.socket()
-- port 1 on loopback: nothing listens there
s:connect({"127.0.0.1", 1})
`)
	r := runCLI(t, "", path)
	if r.code != exitError {
		t.Fatalf("code %d, want 1: %+v", r.code, r)
	}
	wantLine := path + ":3: ConnectionRefusedError: [Errno 111] Connection refused\n"
	if !strings.HasPrefix(r.stderr, wantLine) {
		t.Errorf("stderr %q, want first line %q", r.stderr, wantLine)
	}
	if !strings.Contains(r.stderr, "hint: nothing listens at that address") {
		t.Errorf("no hint in %q", r.stderr)
	}

	r = runCLI(t, "", "-e", "error('boom')")
	if r.code != exitError || r.stderr != "(command line):1: boom\n" {
		t.Errorf("error(): %+v", r)
	}
	r = runCLI(t, "", "-e", "local x = = 1")
	if r.code != exitError || !strings.Contains(r.stderr, "(command line)") {
		t.Errorf("syntax error: %+v", r)
	}
	r = runCLI(t, "", "-e", "s = socket.socket(); s:bind({'127.0.0.1', 70000})")
	if r.code != exitError || !strings.Contains(r.stderr, "bad argument #1 to 'sock:bind' (port must be 0-65535, got 70000)") {
		t.Errorf("bad port: %+v", r)
	}
}

func TestCLIExitStatusFromOsExit(t *testing.T) {
	if r := runCLI(t, "", "-e", "print('a'); os.exit(3); print('b')"); r.code != 3 || r.stdout != "a\n" {
		t.Errorf("os.exit(3): %+v", r)
	}
	if r := runCLI(t, "", "-e", "os.exit(0)"); r.code != 0 {
		t.Errorf("os.exit(0): %+v", r)
	}
	if r := runCLI(t, "", "-e", "os.exit(false)"); r.code != 1 {
		t.Errorf("os.exit(false): %+v", r)
	}
}

func TestCLIInterruptCancelsRun(t *testing.T) {
	sigs := make(chan os.Signal, 2)
	src := writeScript(t, "block.lua", `local s = socket.create_server({"127.0.0.1", 0})
print("ready")
s:accept()
print("not reached")
`)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	var errOut bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- cli([]string{src}, strings.NewReader(""), pw, &errOut,
			func() (<-chan os.Signal, func()) { return sigs, func() {} })
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("read %q, %v", line, err)
	}
	sigs <- os.Interrupt
	select {
	case code := <-done:
		if code != exitInterrupted || errOut.String() != "interrupted\n" {
			t.Errorf("code %d stderr %q; want 130 and interrupted", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("interrupt did not end the run")
	}
}

// TestCLISignals runs the CLI as a child process and sends real SIGINTs:
// the first cancels the run, and when the script cannot be interrupted
// (it waits in a child process), the second exits at once.
func TestCLISignals(t *testing.T) {
	for _, tc := range []struct {
		name    string
		script  string
		signals int
	}{
		{"accept", `local s = socket.create_server({"127.0.0.1", 0}); print("ready"); s:accept()`, 1},
		{"busy loop", `print("ready"); local n = 0; while true do n = n + 1 end`, 1},
		{"uninterruptible", `print("ready"); os.execute("sleep 30")`, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-e", tc.script)
			cmd.Env = append(os.Environ(), asCLI+"=1")
			// Its own process group, so the cleanup also ends what the
			// script started (the sleep), which outlives an os.Exit; and
			// the sleep holds the stderr pipe, so Wait must not wait for it.
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			cmd.WaitDelay = time.Second
			t.Cleanup(func() {
				if cmd.Process != nil {
					syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				}
			})
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if line, err := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
				t.Fatalf("read %q, %v", line, err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			// Without the second signal, the uninterruptible script would
			// outlive the test's deadline. Two SIGINTs sent back to back
			// can merge into one pending signal in the kernel, so the
			// second is repeated until the process has gone.
			cmd.Process.Signal(syscall.SIGINT)
			if tc.signals > 1 {
				go func() {
					tick := time.NewTicker(100 * time.Millisecond)
					defer tick.Stop()
					for {
						select {
						case <-tick.C:
							cmd.Process.Signal(syscall.SIGINT)
						case <-ctx.Done():
							return
						}
					}
				}()
			}
			select {
			case err := <-exited:
				var exitErr *exec.ExitError
				if !errors.As(err, &exitErr) || exitErr.ExitCode() != exitInterrupted {
					t.Errorf("exit: %v, want status 130; stderr %q", err, stderr.String())
				}
				if !strings.Contains(stderr.String(), "interrupted") {
					t.Errorf("stderr %q lacks 'interrupted'", stderr.String())
				}
			case <-ctx.Done():
				t.Fatal("no exit after SIGINT")
			}
		})
	}
}

// TestOutOfDescriptors runs tcp/concurrent_server with few descriptors
// and connects more clients than it can hold: accept fails with EMFILE,
// which the script catches and reports; the clients it holds are still
// served, and once some leave, a new client is served too.
func TestOutOfDescriptors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "run", "tcp/concurrent_server", "0")
	cmd.Env = append(os.Environ(), asCLI+"=1", cliNoFile+"=32")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
	}()
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	first := <-lines
	addr, ok := strings.CutPrefix(first, "server is listening on ")
	if !ok {
		t.Fatalf("first line %q", first)
	}
	ask := func(c net.Conn, msg string) error {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write([]byte(msg)); err != nil {
			return err
		}
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(c, got); err != nil {
			return err
		}
		if string(got) != strings.ToUpper(msg) {
			return fmt.Errorf("got %q", got)
		}
		return nil
	}
	// More clients than 32 descriptors allow; the kernel queues them all.
	var conns []net.Conn
	for i := 0; i < 40; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	// Wait for the server to report that accept ran out of descriptors.
	for line := range lines {
		if strings.Contains(line, "accept failed: OSError: [Errno 24] Too many open files") {
			break
		}
	}
	go func() {
		for range lines { // keep the child's output flowing
		}
	}()
	// The first client was accepted before the limit: it is still served.
	if err := ask(conns[0], "first"); err != nil {
		t.Fatalf("first client: %v", err)
	}
	// Free descriptors: the clients that were accepted leave.
	for _, c := range conns[:20] {
		c.Close()
	}
	// The last client, queued while descriptors ran out, is served now.
	if err := ask(conns[len(conns)-1], "last"); err != nil {
		t.Fatalf("last client after descriptors were freed: %v; stderr %s", err, stderr.String())
	}
}
