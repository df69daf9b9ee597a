//go:build linux

package child

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/i18n"
)

// The test binary is its own child: TestMain serves these roles.
var testRoles = map[string]Role{
	"echo": func(p json.RawMessage) (any, int) { return p, 0 },
	"exit": func(p json.RawMessage) (any, int) {
		var n int
		json.Unmarshal(p, &n)
		os.Exit(n)
		return nil, 0
	},
	// alloc keeps allocating, a MiB at a time, until something stops it.
	"alloc": func(json.RawMessage) (any, int) {
		var keep [][]byte
		for {
			b := make([]byte, 1<<20)
			for i := range b {
				b[i] = 1
			}
			keep = append(keep, b)
		}
	},
	"spin": func(json.RawMessage) (any, int) {
		for {
		}
	},
	"sleep": func(json.RawMessage) (any, int) {
		time.Sleep(time.Hour)
		return nil, 0
	},
	"panic": func(json.RawMessage) (any, int) { panic("the script broke it") },
	"env":   func(json.RawMessage) (any, int) { return os.Environ(), 0 },
	// read tries to read each path and says what happened.
	"read": func(p json.RawMessage) (any, int) {
		var paths []string
		json.Unmarshal(p, &paths)
		res := map[string]string{}
		for _, path := range paths {
			_, err := os.ReadFile(path)
			res[path] = errText(err)
		}
		return res, 0
	},
	"write": func(p json.RawMessage) (any, int) {
		var path string
		json.Unmarshal(p, &path)
		return errText(os.WriteFile(path, make([]byte, 2<<20), 0o644)), 0
	},
	// net lists the interfaces and talks over loopback.
	"net": func(json.RawMessage) (any, int) {
		ifs, err := net.Interfaces()
		if err != nil {
			return err.Error(), 1
		}
		var names []string
		for _, i := range ifs {
			names = append(names, fmt.Sprintf("%s up=%v", i.Name, i.Flags&net.FlagUp != 0))
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "listen: " + err.Error(), 1
		}
		defer l.Close()
		c, err := net.DialTimeout("tcp", l.Addr().String(), 5*time.Second)
		if err != nil {
			return "dial: " + err.Error(), 1
		}
		c.Close()
		return map[string]any{"ifs": names, "netns": inChild.NetNS}, 0
	},
	// abstract connects to an abstract Unix socket of the parent's.
	"abstract": func(p json.RawMessage) (any, int) {
		var name string
		json.Unmarshal(p, &name)
		c, err := net.DialTimeout("unix", "@"+name, 5*time.Second)
		if err == nil {
			c.Close()
		}
		return errText(err), 0
	},
	// nested starts a child of its own that sleeps, and sleeps.
	"nested": func(json.RawMessage) (any, int) {
		p, err := Start(Spec{Role: "sleep"})
		if err != nil {
			return err.Error(), 1
		}
		fmt.Println(p.cmd.Process.Pid)
		time.Sleep(time.Hour)
		return nil, 0
	},
}

func errText(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return "denied"
	}
	return err.Error()
}

func TestMain(m *testing.M) {
	Serve(testRoles)
	os.Exit(m.Run())
}

func run(t *testing.T, spec Spec) *Outcome {
	t.Helper()
	p, err := Start(spec)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.Done():
	case <-time.After(60 * time.Second):
		p.Kill()
		t.Fatalf("the child %s did not end within 60s", spec.Role)
	}
	return p.Wait()
}

func TestReport(t *testing.T) {
	out := run(t, Spec{Role: "echo", Payload: map[string]int{"a": 1}})
	if string(out.Report) != "{\"a\":1}\n" || out.Status != 0 || out.Reason != "" {
		t.Errorf("outcome %+v", out)
	}
	out = run(t, Spec{Role: "exit", Payload: 7})
	if out.Report != nil || out.Status != 7 || out.Reason != "crashed (exit status 7)" || !out.Crashed {
		t.Errorf("outcome %+v", out)
	}
	out = run(t, Spec{Role: "panic"})
	if out.Report != nil || out.Reason != "crashed (exit status 2): panic: the script broke it" || !out.Crashed {
		t.Errorf("outcome %+v", out)
	}
	// In Chinese: the words, not the Go runtime's last line.
	out = run(t, Spec{Role: "panic", Lang: i18n.Chinese})
	if out.Reason != "崩溃了（退出状态 2）: panic: the script broke it" || !out.Crashed {
		t.Errorf("outcome in Chinese %+v", out)
	}
}

// A child gets none of the grader's environment but what its runtime
// needs: a CI job's token stays out of reach.
func TestEnvironment(t *testing.T) {
	t.Setenv("GRADER_TOKEN", "secret")
	t.Setenv("LANG", "C.UTF-8")
	out := run(t, Spec{Role: "env"})
	var env []string
	if err := json.Unmarshal(out.Report, &env); err != nil {
		t.Fatalf("report %s: %v", out.Report, err)
	}
	got := strings.Join(env, " ")
	if strings.Contains(got, "secret") || !strings.Contains(got, "LANG=C.UTF-8") {
		t.Errorf("the child's environment: %s", got)
	}
}

// A child that hangs is killed at its wall-clock limit plus the grace.
func TestWallClockLimit(t *testing.T) {
	start := time.Now()
	out := run(t, Spec{Role: "spin", Limits: Limits{Wall: 100 * time.Millisecond}})
	if out.Reason != "did not stop within 100ms (killed)" || out.Crashed {
		t.Errorf("reason %q", out.Reason)
	}
	if d := time.Since(start); d < Grace {
		t.Errorf("killed after %v, before the grace", d)
	}
}

func TestCPULimit(t *testing.T) {
	out := run(t, Spec{Role: "spin", Limits: Limits{CPU: time.Second, Wall: time.Minute}})
	if out.Reason != "used more than 1s of CPU time (killed)" {
		t.Errorf("reason %q", out.Reason)
	}
}

func TestMemoryLimit(t *testing.T) {
	if raceDetector {
		t.Skip("no address-space limit under the race detector (its shadow memory); go test without -race checks it")
	}
	out := run(t, Spec{Role: "alloc", Limits: Limits{Memory: 64 << 20, Wall: time.Minute}})
	if out.Reason != "used more than 64 MiB of memory (killed)" {
		t.Errorf("reason %q (status %d)", out.Reason, out.Status)
	}
}

func TestFileSizeLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big")
	out := run(t, Spec{Role: "write", Payload: path, Limits: Limits{FileSize: 1 << 20}})
	if string(out.Report) != "\"write "+path+": file too large\"\n" {
		t.Errorf("report %s, reason %q", out.Report, out.Reason)
	}
}

// Landlock: the child reads what its allowlist names, nothing else, and
// writes only in its folder.
func TestLandlock(t *testing.T) {
	if LandlockABI() == 0 {
		t.Skip("this kernel has no Landlock (or it is not enabled): the child runs without it")
	}
	allowedDir := t.TempDir()
	allowedFile := filepath.Join(t.TempDir(), "own.lua")
	other := filepath.Join(filepath.Dir(allowedFile), "classmate.lua")
	for _, f := range []string{filepath.Join(allowedDir, "a"), allowedFile, other} {
		if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	exe, _ := os.Executable()
	paths := []string{filepath.Join(allowedDir, "a"), allowedFile, other, "/etc/passwd", "/proc/self/environ", exe}
	out := run(t, Spec{Role: "read", Payload: paths, Access: &Access{Read: []string{allowedDir, allowedFile}}})
	var got map[string]string
	if err := json.Unmarshal(out.Report, &got); err != nil {
		t.Fatalf("report %s: %v (%s)", out.Report, err, out.Reason)
	}
	// The program itself stays readable: a child starts it again.
	want := map[string]string{paths[0]: "ok", paths[1]: "ok", other: "denied", "/etc/passwd": "denied", "/proc/self/environ": "denied", exe: "ok"}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("reading %s: %s, want %s", p, got[p], w)
		}
	}
	tmp := t.TempDir()
	out = run(t, Spec{Role: "write", Payload: filepath.Join(t.TempDir(), "x"), Access: &Access{Write: []string{tmp}}})
	if string(out.Report) != "\"denied\"\n" {
		t.Errorf("writing outside its folder: %s", out.Report)
	}
	out = run(t, Spec{Role: "write", Payload: filepath.Join(tmp, "x"), Access: &Access{Write: []string{tmp}}})
	if string(out.Report) != "\"ok\"\n" {
		t.Errorf("writing in its folder: %s %s", out.Report, out.Reason)
	}
}

// Abstract Unix sockets are scoped: the child cannot reach one outside
// its domain (Landlock ABI 6), nor outside its network namespace.
func TestAbstractSocketsScoped(t *testing.T) {
	if LandlockABI() < 6 {
		t.Skipf("Landlock ABI %d: no scoping of abstract Unix sockets (ABI 6)", LandlockABI())
	}
	name := fmt.Sprintf("sockplay-child-test-%d", os.Getpid())
	l, err := net.Listen("unix", "@"+name)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	out := run(t, Spec{Role: "abstract", Payload: name})
	if string(out.Report) != "\"ok\"\n" {
		t.Fatalf("without Landlock the child reaches it: %s %s", out.Report, out.Reason)
	}
	out = run(t, Spec{Role: "abstract", Payload: name, Access: &Access{}})
	if string(out.Report) != "\"denied\"\n" {
		t.Errorf("with Landlock: %s %s", out.Report, out.Reason)
	}
}

func TestNetworkNamespace(t *testing.T) {
	out := run(t, Spec{Role: "net", NetNS: true})
	var got struct {
		Ifs   []string
		NetNS bool
	}
	if err := json.Unmarshal(out.Report, &got); err != nil {
		t.Fatalf("report %s: %v (%s)", out.Report, err, out.Reason)
	}
	if !got.NetNS {
		t.Skipf("no network namespace here (%v): the in-process policy holds alone", NetNSError())
	}
	if strings.Join(got.Ifs, ",") != "lo up=true" {
		t.Errorf("interfaces %v, want loopback alone, up", got.Ifs)
	}
}

// Killing a child kills the children it started (they share its group).
func TestKillTakesTheGroup(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p, err := Start(Spec{Role: "nested", Stdout: w})
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	if _, err := fmt.Fscan(r, &pid); err != nil {
		p.Kill()
		t.Fatal(err)
	}
	p.Kill()
	p.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("the grandchild %d outlived its parent", pid)
		}
		time.Sleep(10 * time.Millisecond) // polling for another process's end
	}
}

func TestCleanup(t *testing.T) {
	dir := t.TempDir()
	owned := filepath.Join(dir, "owned")
	os.Mkdir(owned, 0o755)
	OwnDir(owned)
	p, err := Start(Spec{Role: "sleep"})
	if err != nil {
		t.Fatal(err)
	}
	Cleanup()
	if out := p.Wait(); out.Reason != "stopped" {
		t.Errorf("reason %q", out.Reason)
	}
	if _, err := os.Stat(owned); err == nil {
		t.Errorf("Cleanup left %s", owned)
	}
}

func TestProbe(t *testing.T) {
	ls, err := Probe(Limits{Memory: DefaultMemory, CPU: time.Second, Files: DefaultFiles, FileSize: DefaultFileSize, Wall: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s := ls.String()
	t.Log(s)
	for _, want := range []string{"child process", "rlimits (", "256 open files", "in-process policy"} {
		if !strings.Contains(s, want) {
			t.Errorf("%q lacks %q", s, want)
		}
	}
	if (LandlockABI() > 0) != strings.Contains(s, fmt.Sprintf("Landlock ABI %d", LandlockABI())) {
		t.Errorf("%q: the kernel's Landlock ABI is %d", s, LandlockABI())
	}
}

// The layers as sockplay test -v lists them, in English and in Chinese
// (the mechanisms' names as they are, the numbers not grouped).
func TestLayersIn(t *testing.T) {
	ls := Layers{Limits: Limits{Memory: 512 << 20, CPU: 30 * time.Second, Files: 1024, FileSize: 64 << 20, Wall: 30 * time.Second},
		AddressSpace: true, LandlockABI: 6, NetNS: true}
	if got, want := ls.String(), "child process, rlimits (memory 512 MiB, CPU 30s, 1024 open files, files up to 64 MiB, killed after 32s), Landlock ABI 6, netns (loopback only), in-process policy"; got != want {
		t.Errorf("English:\n%s\nwant\n%s", got, want)
	}
	if got, want := ls.In(i18n.Chinese), "子进程，rlimits（内存 512 MiB，CPU 时间 30s，最多打开 1024 个文件，单个文件最大 64 MiB，32s 后强行终止），Landlock ABI 6，网络命名空间（只有回环接口），进程内策略"; got != want {
		t.Errorf("Chinese:\n%s\nwant\n%s", got, want)
	}
	ls = Layers{Limits: Limits{Memory: 512 << 20}, NetNSError: "operation not permitted"}
	if got, want := ls.In(i18n.Chinese), "子进程，rlimits（内存：在竞态检测器下不限制），没有 Landlock（这个内核不支持），没有网络命名空间（operation not permitted），进程内策略"; got != want {
		t.Errorf("Chinese, fewer layers:\n%s\nwant\n%s", got, want)
	}
}

// alive reports whether process pid runs (a zombie does not).
func alive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(stat), ") ")
	return !strings.HasPrefix(rest, "Z")
}

// A child ended by Interrupt's SIGINT before it listens for it (here,
// never; in real roles, while it still starts up) was stopped; it did
// not crash.
func TestInterruptBeforeItListens(t *testing.T) {
	p, err := Start(Spec{Role: "sleep", Limits: Limits{Wall: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	p.Interrupt()
	select {
	case <-p.Done():
	case <-time.After(60 * time.Second):
		p.Kill()
		t.Fatal("the child did not end within 60s of its interrupt")
	}
	if out := p.Wait(); !out.Interrupted || out.Crashed || out.Reason != "stopped" || out.Report != nil {
		t.Errorf("outcome %+v", out)
	}
	// A SIGINT that Interrupt did not send is a crash.
	p, err = Start(Spec{Role: "sleep", Limits: Limits{Wall: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Process.Signal(os.Interrupt)
	if out := p.Wait(); out.Interrupted || !out.Crashed || out.Reason != "crashed (interrupt)" {
		t.Errorf("outcome of a SIGINT from elsewhere %+v", out)
	}
}
