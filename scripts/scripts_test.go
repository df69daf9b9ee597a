package scripts_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/syncbuf"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/scripts"
)

// Every wait in these tests is bounded: a run by its context, a line of
// output or a socket read by a deadline.
const (
	runTimeout  = 30 * time.Second // a whole script run
	lineTimeout = 10 * time.Second // one line of a server's output
	stopTimeout = 5 * time.Second  // a cancelled run must return within this
)

// checkGoroutines fails the test if it leaves goroutines behind. Call it
// first: its cleanup then runs after every other cleanup of the test.
func checkGoroutines(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(stopTimeout)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				n := runtime.Stack(buf, true)
				t.Errorf("goroutines: %d before the test, %d after:\n%s", before, runtime.NumGoroutine(), buf[:n])
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// newRuntime makes a script's runtime, in strict mode: a bundled script
// reads no global it never assigned (sockplay --strict runs them all).
func newRuntime(stdin string, stdout, stderr io.Writer) *luabind.Runtime {
	return luabind.New(luabind.Options{
		Stdin:   strings.NewReader(stdin),
		Stdout:  stdout,
		Stderr:  stderr,
		Scripts: scripts.FS,
		Strict:  true,
	})
}

// server is a bundled server script running in its own runtime, as if in
// its own process; its output arrives line by line.
type server struct {
	name   string
	rt     *luabind.Runtime
	cancel context.CancelFunc
	lines  chan string
	stderr *syncbuf.Buffer
	done   chan struct{}
	err    error // the run's result, once done is closed

	Port int    // from the first line, "server is listening on HOST:PORT"
	Addr string // what follows "server is listening on "
}

var listeningRE = regexp.MustCompile(`^server is listening on (.+)$`)

// startServer runs script name with args and stdin, and waits for its
// first line, which must announce where it listens.
func startServer(t *testing.T, name, stdin string, args ...string) *server {
	t.Helper()
	pr, pw := io.Pipe()
	s := &server{
		name:   name,
		lines:  make(chan string, 10000),
		stderr: &syncbuf.Buffer{},
		done:   make(chan struct{}),
	}
	s.rt = newRuntime(stdin, pw, s.stderr)
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	s.cancel = cancel
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 4<<20)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
		io.Copy(io.Discard, pr) // never block the server's print
	}()
	go func() {
		s.err = s.rt.RunScript(ctx, name, args)
		pw.Close()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.stop(t)
		s.rt.Close()
	})

	first := s.next(t)
	m := listeningRE.FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("%s: first line %q, want \"server is listening on HOST:PORT\"", name, first)
	}
	s.Addr = m[1]
	if _, port, err := net.SplitHostPort(s.Addr); err == nil {
		s.Port, _ = strconv.Atoi(port)
		if s.Port == 0 {
			t.Fatalf("%s: listens on port 0, want the bound port: %q", name, first)
		}
	}
	return s
}

func (s *server) port() string { return strconv.Itoa(s.Port) }

// next returns the server's next line of output.
func (s *server) next(t *testing.T) string {
	t.Helper()
	timer := time.NewTimer(lineTimeout)
	defer timer.Stop()
	select {
	case line, ok := <-s.lines:
		if !ok {
			<-s.done
			t.Fatalf("%s ended before the expected output: %v; stderr: %s", s.name, s.err, s.stderr)
		}
		return line
	case <-timer.C:
		t.Fatalf("%s: no output within %v; stderr: %s", s.name, lineTimeout, s.stderr)
	}
	return ""
}

// expect checks that the server's next lines are want, exactly or (for
// regexp entries starting with "~") by pattern.
func (s *server) expect(t *testing.T, want ...string) {
	t.Helper()
	for _, w := range want {
		got := s.next(t)
		if strings.HasPrefix(w, "~") {
			if !regexp.MustCompile(w[1:]).MatchString(got) {
				t.Fatalf("%s printed %q, want a match of %s", s.name, got, w[1:])
			}
		} else if got != w {
			t.Fatalf("%s printed %q, want %q", s.name, got, w)
		}
	}
}

// wait waits for a server that ends by itself and returns its error.
func (s *server) wait(t *testing.T) error {
	t.Helper()
	timer := time.NewTimer(lineTimeout)
	defer timer.Stop()
	select {
	case <-s.done:
	case <-timer.C:
		t.Fatalf("%s did not end within %v", s.name, lineTimeout)
	}
	s.checkClosed(t)
	return s.err
}

// stop cancels the server's run, as Ctrl-C does, and checks that it
// returns promptly, interrupted, with every socket closed.
func (s *server) stop(t *testing.T) {
	t.Helper()
	select {
	case <-s.done:
		s.cancel()
		return
	default:
	}
	s.cancel()
	timer := time.NewTimer(stopTimeout)
	defer timer.Stop()
	select {
	case <-s.done:
	case <-timer.C:
		t.Fatalf("%s still running %v after cancel", s.name, stopTimeout)
	}
	var lerr *luabind.Error
	if !errors.As(s.err, &lerr) || lerr.Kind != luabind.Interrupted {
		t.Errorf("%s after cancel: %#v, want an Interrupted error", s.name, s.err)
	}
	s.checkClosed(t)
}

func (s *server) checkClosed(t *testing.T) {
	t.Helper()
	if n := s.rt.OpenSockets(); n != 0 {
		t.Errorf("%s: %d sockets still open after the run", s.name, n)
	}
}

// runClient runs script name to its end in a fresh runtime and returns
// what it printed and its error.
func runClient(t *testing.T, name, stdin string, args ...string) (string, error) {
	t.Helper()
	return runIn(t, stdin, func(ctx context.Context, rt *luabind.Runtime) error {
		return rt.RunScript(ctx, name, args)
	})
}

// runCode runs Lua code as a client, as runClient does a script.
func runCode(t *testing.T, code string, args ...string) (string, error) {
	t.Helper()
	return runIn(t, "", func(ctx context.Context, rt *luabind.Runtime) error {
		return rt.RunString(ctx, "client", code, args)
	})
}

func runIn(t *testing.T, stdin string, run func(context.Context, *luabind.Runtime) error) (string, error) {
	t.Helper()
	var out, errOut syncbuf.Buffer
	rt := newRuntime(stdin, &out, &errOut)
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	err := run(ctx, rt)
	if n := rt.OpenSockets(); n != 0 {
		t.Errorf("%d sockets still open after the run", n)
	}
	if s := errOut.String(); s != "" && err == nil {
		t.Errorf("stderr: %s", s)
	}
	return out.String(), err
}

func mustRun(t *testing.T, name, stdin string, args ...string) string {
	t.Helper()
	out, err := runClient(t, name, stdin, args...)
	if err != nil {
		t.Fatalf("%s: %v\noutput: %s", name, err, out)
	}
	return out
}

func checkOutput(t *testing.T, name, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s printed\n%q\nwant\n%q", name, got, want)
	}
}

func TestListMatchesEmbeddedFiles(t *testing.T) {
	embedded := map[string]bool{}
	err := fs.WalkDir(scripts.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			embedded[strings.TrimSuffix(path, ".lua")] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, info := range scripts.List() {
		if listed[info.Name] {
			t.Errorf("%s listed twice", info.Name)
		}
		listed[info.Name] = true
		if !embedded[info.Name] {
			t.Errorf("%s is listed but not embedded", info.Name)
		}
		if info.Summary == "" || strings.HasPrefix(info.Summary, "-") {
			t.Errorf("%s: summary %q", info.Name, info.Summary)
		}
		src, _ := fs.ReadFile(scripts.FS, info.Name+".lua")
		if !strings.Contains(string(src), "sockplay run "+info.Name) {
			t.Errorf("%s: its header does not say how to run it (sockplay run %s)", info.Name, info.Name)
		}
		if !strings.Contains(string(src), "Tutorial") && !strings.Contains(string(src), "tutorial") {
			t.Errorf("%s: its header names no tutorial section", info.Name)
		}
	}
	for name := range embedded {
		if !listed[name] {
			t.Errorf("%s is embedded but missing from the list", name)
		}
	}
	if l := scripts.List(); len(l) == 0 || l[0].Name != "demo" {
		t.Errorf("the list should start with the demo")
	}
}

func TestSummary(t *testing.T) {
	for src, want := range map[string]string{
		"-- An echo server.\n--\n-- More.\n": "An echo server.",
		"--- Three dashes\n":                 "Three dashes",
		"local x = 1\n":                      "",
		"":                                   "",
	} {
		if got := scripts.Summary([]byte(src)); got != want {
			t.Errorf("Summary(%q) = %q, want %q", src, got, want)
		}
	}
}

func TestDemo(t *testing.T) {
	checkGoroutines(t)
	out := mustRun(t, "demo", "")
	ports := regexp.MustCompile(`(127\.0\.0\.1(:|', ))\d+`)
	got := ports.ReplaceAllString(out, "${1}PORT")
	want := `[server] server is listening on 127.0.0.1:PORT
[client] connect to ('127.0.0.1', PORT)
[client] send: hello
[server] received b'hello' from ('127.0.0.1', PORT)
[server] send b'HELLO', then close
[client] received: HELLO
Done. The same as two programs, in two terminals:
  sockplay run tcp/echo_server      sockplay run tcp/echo_client
Next: 'sockplay list' shows every program of the tutorial.
`
	checkOutput(t, "demo", got, want)
}

func TestAddr(t *testing.T) {
	checkGoroutines(t)
	srv := startServer(t, "tcp/addr_server", "", "0")
	out := mustRun(t, "tcp/addr_client", "", srv.port())
	m := regexp.MustCompile(`^local:\('127\.0\.0\.1', (\d+)\), peer:\('127\.0\.0\.1', (\d+)\)\n$`).FindStringSubmatch(out)
	if m == nil || m[2] != srv.port() {
		t.Fatalf("addr_client printed %q, want local:('127.0.0.1', N), peer:('127.0.0.1', %d)", out, srv.Port)
	}
	// The server sees the same connection from the other end.
	srv.expect(t,
		fmt.Sprintf("local:('127.0.0.1', %d), peer:('127.0.0.1', %s)", srv.Port, m[1]),
		`~^描述符\d+$`)
	if err := srv.wait(t); err != nil {
		t.Fatal(err)
	}
}

func TestEcho(t *testing.T) {
	for _, tc := range []struct{ stdin, sent, reply string }{
		{"", "b'hello'", "b'HELLO'"},   // no input: the tutorial's hello
		{"\n", "b'hello'", "b'HELLO'"}, // just Enter: the same
		{"abc\n", "b'abc'", "b'ABC'"},  // a line of input
		{"你好\n", `b'\xe4\xbd\xa0\xe5\xa5\xbd'`, `b'\xe4\xbd\xa0\xe5\xa5\xbd'`}, // bytes, as Python shows them
	} {
		t.Run(strconv.Quote(tc.stdin), func(t *testing.T) {
			checkGoroutines(t)
			srv := startServer(t, "tcp/echo_server", "", "0")
			out := mustRun(t, "tcp/echo_client", tc.stdin, srv.port())
			checkOutput(t, "echo_client", out, "send (Enter: hello)> "+tc.reply+"\n")
			srv.expect(t,
				fmt.Sprintf(`~^<socket fd=\d+, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=\('127\.0\.0\.1', %d\), raddr=\('127\.0\.0\.1', (\d+)\)>\t\('127\.0\.0\.1', \d+\)$`, srv.Port),
				tc.sent)
			if err := srv.wait(t); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// The Python original spins forever once its client has left; this one
// ends.
func TestLoopServerEndsWhenClientLeaves(t *testing.T) {
	checkGoroutines(t)
	srv := startServer(t, "tcp/loop_server", "", "0")
	out := mustRun(t, "tcp/loop_client", "abc\n\n123\nit's\n", srv.port())
	checkOutput(t, "loop_client", out, ">>>b'ABC'\n>>>>>>b'123'\n>>>b\"IT'S\"\n>>>")
	srv.expect(t, "b'abc'", "b'123'", `b"it's"`, "the client has closed the connection")
	if err := srv.wait(t); err != nil {
		t.Fatal(err)
	}
}

func TestLoopClientWhenServerLeaves(t *testing.T) {
	checkGoroutines(t)
	// A server that answers the first message, reads the second and
	// closes (after reading it, so that the close is a FIN, not a reset).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	served := make(chan struct{})
	go func() {
		defer close(served)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(runTimeout))
		buf := make([]byte, 1024)
		n, _ := c.Read(buf)
		c.Write(bytes.ToUpper(buf[:n]))
		c.Read(buf)
	}()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	out := mustRun(t, "tcp/loop_client", "abc\ndef\nnever sent\n", port)
	<-served
	checkOutput(t, "loop_client", out, ">>>b'ABC'\n>>>the server has closed the connection\n")
}

func TestMultiServer(t *testing.T) {
	checkGoroutines(t)
	srv := startServer(t, "tcp/multi_server", "", "0")
	conn := fmt.Sprintf(`~^<socket fd=\d+, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=\('127\.0\.0\.1', %d\), raddr=\('127\.0\.0\.1', \d+\)>\t\('127\.0\.0\.1', \d+\)$`, srv.Port)

	// A client that closes politely: the server's recv returns "".
	out := mustRun(t, "tcp/loop_client", "abc\n", srv.port())
	checkOutput(t, "loop_client", out, ">>>b'ABC'\n>>>")
	srv.expect(t, conn, "b'abc'", `~^client \('127\.0\.0\.1', \d+\) closed the connection$`)

	// A client that resets the connection (SO_LINGER with a zero timeout
	// makes close send RST): the server's recv raises ConnectionResetError.
	out, err := runCode(t, `
		local s = socket.socket()
		s:connect({"127.0.0.1", tonumber(arg[1])})
		s:sendall("x")
		print(s:recv(1024))
		s:setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, string.pack("ii", 1, 0))
		s:close()`, srv.port())
	if err != nil {
		t.Fatal(err)
	}
	checkOutput(t, "resetting client", out, "X\n")
	srv.expect(t, conn, "b'x'",
		`~^client \('127\.0\.0\.1', \d+\) left: ConnectionResetError: \[Errno 104\] Connection reset by peer$`)

	// And it still serves the next one.
	out = mustRun(t, "tcp/loop_client", "again\n", srv.port())
	checkOutput(t, "loop_client", out, ">>>b'AGAIN'\n>>>")
	srv.expect(t, conn, "b'again'", `~closed the connection$`)
	srv.stop(t)
}

func TestCmd(t *testing.T) {
	checkGoroutines(t)
	srv := startServer(t, "tcp/cmd_server", "", "0")
	srv.expect(t, `~^WARNING: this server runs every command it receives`)

	big := "head -c 100000 /dev/zero | tr '\\0' 'a'"
	stdin := "echo out; echo err >&2\n\n   \nprintf x\n" + big + "\nQ\necho never\n"
	out := mustRun(t, "tcp/cmd_client", stdin, srv.port())
	want := ">>>out\nerr\n>>>>>>>>>x\n>>>" + strings.Repeat("a", 100000) + "\n>>>"
	if out != want {
		t.Errorf("cmd_client printed %d bytes %.200q..., want %d bytes %.200q...", len(out), out, len(want), want)
	}
	srv.expect(t, `~^<socket fd=\d+, `, `b'echo out; echo err >&2'`, "b'printf x'", `b"`+strings.ReplaceAll(big, `\`, `\\`)+`"`)

	// The server goes on with the next client; "q" quits too.
	out = mustRun(t, "tcp/cmd_client", "echo second\nq\n", srv.port())
	checkOutput(t, "cmd_client", out, ">>>second\n>>>")
	srv.expect(t, `~^<socket fd=\d+, `, "b'echo second'")
	srv.stop(t)
}

func TestCmdServerRefusesNonLoopback(t *testing.T) {
	checkGoroutines(t)
	var out, errOut syncbuf.Buffer
	rt := newRuntime("", &out, &errOut)
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	err := rt.RunScript(ctx, "tcp/cmd_server", []string{"0", "0.0.0.0"})
	var lerr *luabind.Error
	if !errors.As(err, &lerr) || lerr.Kind != luabind.Exit || lerr.Code != 2 {
		t.Errorf("cmd_server 0 0.0.0.0: %#v, want exit status 2", err)
	}
	if !strings.Contains(errOut.String(), "refusing to listen on 0.0.0.0") {
		t.Errorf("stderr %q does not explain the refusal", errOut.String())
	}
	if out.String() != "" {
		t.Errorf("stdout %q, want nothing", out.String())
	}
	if n := rt.OpenSockets(); n != 0 {
		t.Errorf("%d sockets open", n)
	}
}

// A server that dies in the middle of a frame is a clear error, not a
// short output.
func TestCmdClientShortFrame(t *testing.T) {
	checkGoroutines(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	served := make(chan struct{})
	go func() {
		defer close(served)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(runTimeout))
		c.Read(make([]byte, 1024))
		frame := binary.BigEndian.AppendUint32(nil, 100)
		c.Write(append(frame, "0123456789"...))
	}()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	out, err := runClient(t, "tcp/cmd_client", "ls\n", port)
	<-served
	if err == nil || !strings.Contains(err.Error(), "the server closed the connection in the middle of a reply (10 of 100 bytes)") {
		t.Errorf("cmd_client: %v, want an error about the short reply; output %q", err, out)
	}
}

func TestUDP(t *testing.T) {
	checkGoroutines(t)
	srv := startServer(t, "udp/server", "", "0")
	out := mustRun(t, "udp/client", "", srv.port())
	checkOutput(t, "udp/client", out, fmt.Sprintf("hi\t('127.0.0.1', %d)\n", srv.Port))
	srv.expect(t, "b'hello'")
	if err := srv.wait(t); err != nil {
		t.Fatal(err)
	}
}

func TestChat(t *testing.T) {
	checkGoroutines(t)
	// The server has two replies to type, then its input ends.
	srv := startServer(t, "udp/chat_server", "hi Tom\n  hi Mike  \n", "0")
	const (
		pick = "请选择聊天对象: "
		ask  = "请输入消息,回车发送,输入q结束和他的聊天: "
	)
	from := fmt.Sprintf("来自[127.0.0.1:%d]的一条消息:", srv.Port)
	// Nobody is not a contact; an empty message is not sent; q ends the
	// chat with Tom; end of input ends the program in the chat with Mike.
	stdin := "Nobody\nTom\nhello\n\nq\n Mike \n  yo  \n"
	out := mustRun(t, "udp/chat_client", stdin, srv.port())
	want := "contacts: Tom, Mike, Jack, John\n" +
		pick + pick + ask + from + "\x1b[1;44mhi Tom\x1b[0m\n" + ask + ask +
		pick + ask + from + "\x1b[1;44mhi Mike\x1b[0m\n" + ask
	checkOutput(t, "chat_client", out, want)

	msg := `来自\[127\.0\.0\.1:(\d+)\]的一条消息:\x1b\[1;44m`
	srv.expect(t, "~^"+msg+`hello\x1b\[0m$`, "~^回复消息: "+msg+`yo\x1b\[0m$`)

	// Its input has ended: the next message is printed, and the server
	// ends instead of replying.
	c, err := net.Dial("udp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("bye"))
	srv.expect(t, "~^回复消息: "+msg+`bye\x1b\[0m$`, "回复消息: ")
	if err := srv.wait(t); err != nil {
		t.Fatal(err)
	}
}

func TestTime(t *testing.T) {
	checkGoroutines(t)
	srv := startServer(t, "udp/time_server", "", "0")
	const prompt = "请输入时间格式(例%Y %m %d)>>: "
	before := time.Now()
	out := mustRun(t, "udp/time_client", "%Y\n\n%H:%M:%S %%\n*t\n", srv.port())
	after := time.Now()

	answers := strings.Split(out, prompt)
	if len(answers) != 6 || answers[0] != "" || answers[5] != "" {
		t.Fatalf("time_client printed %q, want 4 answers after prompts", out)
	}
	year := answers[1]
	if year != fmt.Sprintf("当前日期: %d\n", before.Year()) && year != fmt.Sprintf("当前日期: %d\n", after.Year()) {
		t.Errorf("%%Y: %q, want the year", year)
	}
	// An empty format: the default "%Y-%m-%d %X", local time.
	def := strings.TrimSuffix(strings.TrimPrefix(answers[2], "当前日期: "), "\n")
	when, err := time.ParseInLocation("2006-01-02 15:04:05", def, time.Local)
	if err != nil || when.Before(before.Truncate(time.Second)) || when.After(after) {
		t.Errorf("empty format: %q, want the time between %v and %v (%v)", answers[2], before, after, err)
	}
	if !regexp.MustCompile(`^当前日期: \d\d:\d\d:\d\d %\n$`).MatchString(answers[3]) {
		t.Errorf("%%H:%%M:%%S %%%%: %q", answers[3])
	}
	checkOutput(t, "time_client", answers[4], "当前日期: bad time format: *t\n")

	srv.expect(t, "===>\tb'%Y'", year[len("当前日期: "):len(year)-1]+"\tstring",
		"===>\tb''", def+"\tstring")
	srv.stop(t)
}

func TestUnixEcho(t *testing.T) {
	checkGoroutines(t)
	path := filepath.Join(t.TempDir(), "echo.sock")
	// A socket file left by a run that was killed: the server removes it.
	stale, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	stale.SetUnlinkOnClose(false)
	stale.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no stale socket file: %v", err)
	}

	srv := startServer(t, "unix/echo_server", "", path)
	if srv.Addr != path {
		t.Errorf("listening on %q, want %q", srv.Addr, path)
	}
	out := mustRun(t, "unix/echo_client", "abc\n\nxyz\n", path)
	checkOutput(t, "unix/echo_client", out, ">>>b'ABC'\n>>>>>>b'XYZ'\n>>>")
	srv.expect(t, "b'abc'", "b'xyz'", "the client has closed the connection")
	if err := srv.wait(t); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the socket file is still there after the server ended: %v", err)
	}
}

// The server removes a stale socket file, and nothing else.
func TestUnixEchoServerLeavesOtherFiles(t *testing.T) {
	checkGoroutines(t)
	dir := t.TempDir()
	regular := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(regular, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	busy := filepath.Join(dir, "busy.sock")
	ln, err := net.Listen("unix", busy)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()

	for _, tc := range []struct{ path, why string }{
		{regular, "exists and is not a socket"},
		{busy, "another server is listening on " + busy},
	} {
		var out, errOut syncbuf.Buffer
		rt := newRuntime("", &out, &errOut)
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		err := rt.RunScript(ctx, "unix/echo_server", []string{tc.path})
		cancel()
		var lerr *luabind.Error
		if !errors.As(err, &lerr) || lerr.Kind != luabind.Exit || lerr.Code != 1 {
			t.Errorf("unix/echo_server %s: %#v, want exit status 1", tc.path, err)
		}
		if !strings.Contains(errOut.String(), tc.why) {
			t.Errorf("unix/echo_server %s: stderr %q, want %q", tc.path, errOut.String(), tc.why)
		}
		if n := rt.OpenSockets(); n != 0 {
			t.Errorf("%d sockets open", n)
		}
		rt.Close()
	}
	if b, err := os.ReadFile(regular); err != nil || string(b) != "keep me" {
		t.Errorf("the regular file was touched: %q, %v", b, err)
	}
	if _, err := os.Stat(busy); err != nil {
		t.Errorf("the busy socket file was removed: %v", err)
	}
}

// binaryPayload is every byte value, then n pseudo-random bytes.
func binaryPayload(seed, n int) []byte {
	p := make([]byte, 0, 256+n)
	for i := 0; i < 256; i++ {
		p = append(p, byte(i))
	}
	x := uint32(seed)*2654435761 + 1
	for i := 0; i < n; i++ {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		p = append(p, byte(x))
	}
	return p
}

func TestBenchEchoServer(t *testing.T) {
	checkGoroutines(t)
	srv := startServer(t, "bench/echo_server", "", "0")
	dial := func() *net.TCPConn {
		t.Helper()
		c, err := net.Dial("tcp", srv.Addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(runTimeout))
		return c.(*net.TCPConn)
	}
	roundTrip := func(c net.Conn, msg []byte) error {
		if _, err := c.Write(msg); err != nil {
			return err
		}
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(c, got); err != nil {
			return err
		}
		if !bytes.Equal(got, msg) {
			return fmt.Errorf("echo differs")
		}
		return nil
	}

	// Two clients at once: a server that served one client at a time
	// would never answer b while a is connected.
	a, b := dial(), dial()
	for _, c := range []net.Conn{a, b, a} {
		if err := roundTrip(c, binaryPayload(1, 100)); err != nil {
			t.Fatal(err)
		}
	}
	a.Close()
	b.Close()

	// Many clients streaming binary data at the same time; each writes
	// while it reads, as the echo can be larger than the socket buffers.
	const clients = 8
	errs := make(chan error, clients)
	for i := 0; i < clients; i++ {
		c := dial()
		go func() {
			defer c.Close()
			payload := binaryPayload(i, 300_000)
			go func() {
				for p := payload; len(p) > 0; {
					n := min(len(p), 7000+i*1000)
					if _, err := c.Write(p[:n]); err != nil {
						return
					}
					p = p[n:]
				}
				c.CloseWrite() // the server's recv then returns ""
			}()
			got, err := io.ReadAll(c) // until the server closes its end
			switch {
			case err != nil:
				errs <- fmt.Errorf("client %d: %v after %d bytes", i, err, len(got))
			case !bytes.Equal(got, payload):
				errs <- fmt.Errorf("client %d: %d bytes back, want %d, equal %v", i, len(got), len(payload), bytes.Equal(got, payload))
			default:
				errs <- nil
			}
		}()
	}
	for i := 0; i < clients; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	srv.stop(t)
	if s := srv.stderr.String(); s != "" {
		t.Errorf("stderr: %s", s)
	}
}

func TestBenchUDPEchoServer(t *testing.T) {
	checkGoroutines(t)
	srv := startServer(t, "bench/udp_echo_server", "", "0")
	dial := func() net.Conn {
		t.Helper()
		c, err := net.Dial("udp", srv.Addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(runTimeout))
		return c
	}
	roundTrip := func(c net.Conn, msg []byte) error {
		if _, err := c.Write(msg); err != nil {
			return err
		}
		buf := make([]byte, 65536)
		n, err := c.Read(buf)
		if err != nil {
			return err
		}
		if !bytes.Equal(buf[:n], msg) {
			return fmt.Errorf("%d bytes back, want %d equal bytes", n, len(msg))
		}
		return nil
	}

	// Several clients at once, one datagram in flight each: far below
	// the server's receive buffer, so none is lost even on loopback
	// under load.
	const clients, rounds = 4, 20
	errs := make(chan error, clients)
	for i := 0; i < clients; i++ {
		c := dial()
		go func() {
			defer c.Close()
			for r := 0; r < rounds; r++ {
				if err := roundTrip(c, binaryPayload(i*rounds+r, 64+r*100)); err != nil {
					errs <- fmt.Errorf("client %d round %d: %v", i, r, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for i := 0; i < clients; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}

	// A large datagram, alone (several at once could overflow the
	// server's receive buffer: UDP may drop them, and this is not a test
	// of that).
	c := dial()
	defer c.Close()
	if err := roundTrip(c, binaryPayload(99, 60000)); err != nil {
		t.Errorf("60000-byte datagram: %v", err)
	}
	srv.stop(t)
}

// The tutorial's own Python programs (with the port as an argument, and
// the server saying which port it got) talk to the Lua ones.
const (
	pyEchoClient = `import socket, sys
tcp_socket_client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp_socket_client.connect(('127.0.0.1', int(sys.argv[1])))

#客户端发送数据
tcp_socket_client.send('hello'.encode('utf-8'))
data_recv = tcp_socket_client.recv(1024)
print(data_recv)

tcp_socket_client.close()
`
	pyEchoServer = `import socket, sys

#定义tcp或udp套接字对象
tcp_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

tcp_socket.bind(('127.0.0.1', int(sys.argv[1])))
tcp_socket.listen(5)
print('server is listening on %s:%d' % tcp_socket.getsockname())

conn, addr = tcp_socket.accept()
print(conn, addr)

data_recv = conn.recv(1024)
print(data_recv)

conn.send(data_recv.upper())

conn.close()
tcp_socket.close()
`
	pyUDPClient = `import socket, sys
ip_port=('127.0.0.1',int(sys.argv[1]))
udp_sk=socket.socket(type=socket.SOCK_DGRAM)
udp_sk.sendto(b'hello',ip_port)
back_msg,addr=udp_sk.recvfrom(1024)
print(back_msg.decode('utf-8'),addr)
`
)

func python(t *testing.T, ctx context.Context, code string, args ...string) *exec.Cmd {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	file := filepath.Join(t.TempDir(), "prog.py")
	if err := os.WriteFile(file, []byte(code), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, py, append([]string{"-u", file}, args...)...)
	cmd.WaitDelay = stopTimeout
	return cmd
}

func TestPythonInterop(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found")
	}

	t.Run("python echo client, Lua tcp/echo_server", func(t *testing.T) {
		checkGoroutines(t)
		srv := startServer(t, "tcp/echo_server", "", "0")
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		defer cancel()
		out, err := python(t, ctx, pyEchoClient, srv.port()).CombinedOutput()
		if err != nil {
			t.Fatalf("python client: %v\n%s", err, out)
		}
		checkOutput(t, "python client", string(out), "b'HELLO'\n")
		srv.expect(t, `~^<socket fd=\d+, `, "b'hello'")
		if err := srv.wait(t); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Lua tcp/echo_client, python echo server", func(t *testing.T) {
		checkGoroutines(t)
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		defer cancel()
		cmd := python(t, ctx, pyEchoServer, "0")
		var stderr syncbuf.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			cancel() // on failure, do not wait for the server's accept
			cmd.Wait()
		}()
		lines := bufio.NewScanner(stdout)
		if !lines.Scan() {
			t.Fatalf("python server said nothing; stderr: %s", stderr.String())
		}
		m := listeningRE.FindStringSubmatch(lines.Text())
		if m == nil {
			t.Fatalf("python server: %q", lines.Text())
		}
		_, port, _ := net.SplitHostPort(m[1])

		out := mustRun(t, "tcp/echo_client", "", port)
		checkOutput(t, "echo_client", out, "send (Enter: hello)> b'HELLO'\n")
		var rest []string
		for lines.Scan() {
			rest = append(rest, lines.Text())
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("python server: %v; stderr: %s", err, stderr.String())
		}
		if len(rest) != 2 || !strings.HasPrefix(rest[0], "<socket.socket fd=") || rest[1] != "b'hello'" {
			t.Errorf("python server printed %q", rest)
		}
	})

	t.Run("python UDP client, Lua udp/server", func(t *testing.T) {
		checkGoroutines(t)
		srv := startServer(t, "udp/server", "", "0")
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		defer cancel()
		out, err := python(t, ctx, pyUDPClient, srv.port()).CombinedOutput()
		if err != nil {
			t.Fatalf("python client: %v\n%s", err, out)
		}
		checkOutput(t, "python client", string(out), fmt.Sprintf("hi ('127.0.0.1', %d)\n", srv.Port))
		srv.expect(t, "b'hello'")
		if err := srv.wait(t); err != nil {
			t.Fatal(err)
		}
	})
}

// TestManyClientsAtOnce checks the two servers that serve clients at the
// same time: a task per client, and one task with select.
func TestManyClientsAtOnce(t *testing.T) {
	for _, name := range []string{"tcp/concurrent_server", "tcp/select_server"} {
		t.Run(name, func(t *testing.T) {
			checkGoroutines(t)
			srv := startServer(t, name, "", "0")
			dial := func() *net.TCPConn {
				t.Helper()
				c, err := net.Dial("tcp", srv.Addr)
				if err != nil {
					t.Fatal(err)
				}
				c.SetDeadline(time.Now().Add(runTimeout))
				return c.(*net.TCPConn)
			}
			ask := func(c net.Conn, msg string) {
				t.Helper()
				if _, err := c.Write([]byte(msg)); err != nil {
					t.Fatal(err)
				}
				got := make([]byte, len(msg))
				if _, err := io.ReadFull(c, got); err != nil {
					t.Fatal(err)
				}
				if want := strings.ToUpper(msg); string(got) != want {
					t.Fatalf("got %q, want %q", got, want)
				}
			}
			// Three clients connected at once, served in turns: a server
			// that served one client at a time would not answer b.
			a, b, c := dial(), dial(), dial()
			for i := 0; i < 3; i++ {
				for _, conn := range []net.Conn{a, b, c} {
					ask(conn, fmt.Sprintf("round %d from %s", i, conn.LocalAddr()))
				}
			}
			// A client that sends a lot and does not read yet must not
			// stop the others from being served.
			big := strings.Repeat("x", 2<<20)
			hog := dial()
			go hog.Write([]byte(big)) // blocks until the server echoes back; read below
			ask(a, "still served")
			got := make([]byte, len(big))
			if _, err := io.ReadFull(hog, got); err != nil || string(got) != strings.ToUpper(big) {
				t.Fatalf("hog: %v, echo equal %v", err, string(got) == strings.ToUpper(big))
			}
			// One leaves politely, one with a reset; the server goes on.
			b.Close()
			c.SetLinger(0)
			c.Close()
			hog.Close()
			ask(a, "after the others left")
			a.Close()
			lines := []string{}
			for len(lines) < 10 {
				line := srv.next(t)
				lines = append(lines, line)
				if strings.Contains(strings.Join(lines, "\n"), "left: ConnectionResetError") &&
					strings.Count(strings.Join(lines, "\n"), "closed the connection") >= 3 {
					break
				}
			}
			out := strings.Join(lines, "\n")
			if strings.Count(out, " connected") != 4 {
				t.Errorf("want 4 connections in the server's output:\n%s", out)
			}
			srv.stop(t)
			if s := srv.stderr.String(); s != "" {
				t.Errorf("stderr: %s", s)
			}
		})
	}
}
