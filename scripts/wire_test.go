package scripts_test

// The scripts of "see the wire": the sticky-packet demo, framed
// messages, the command client's encodings, and the traces of the
// tutorial's echo exchange drawn as one diagram.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/diagram"
	"github.com/sockplay/sockplay/internal/syncbuf"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/scripts"
	"github.com/sockplay/sockplay/trace"
)

// tracedServer is startServer with a trace and an input the test feeds.
func tracedServer(t *testing.T, name string, stdin io.Reader, trace *luabind.TraceOptions, args ...string) *server {
	t.Helper()
	pr, pw := io.Pipe()
	s := &server{name: name, lines: make(chan string, 10000), stderr: &syncbuf.Buffer{}, done: make(chan struct{})}
	s.rt = luabind.New(luabind.Options{Stdin: stdin, Stdout: pw, Stderr: s.stderr, Scripts: scripts.FS, Trace: trace})
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	s.cancel = cancel
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
		io.Copy(io.Discard, pr)
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
	m := listeningRE.FindStringSubmatch(s.next(t))
	if m == nil {
		t.Fatalf("%s did not say where it listens", name)
	}
	s.Addr = m[1]
	_, p, _ := net.SplitHostPort(s.Addr)
	s.Port, _ = strconv.Atoi(p)
	return s
}

// tracedClient runs a client script with a JSON trace; it returns the
// output and the trace.
func tracedClient(t *testing.T, name, stdin string, args ...string) (string, []byte) {
	t.Helper()
	var js, out, errOut syncbuf.Buffer
	rt := luabind.New(luabind.Options{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Scripts: scripts.FS, Trace: &luabind.TraceOptions{JSON: &js}})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	if err := rt.RunScript(ctx, name, args); err != nil {
		t.Fatalf("%s: %v\noutput: %s%s", name, err, out.String(), errOut.String())
	}
	if n := rt.OpenSockets(); n != 0 {
		t.Errorf("%d sockets still open after the run", n)
	}
	return out.String(), []byte(js.String())
}

// jsonEvents parses a JSON trace.
func jsonEvents(t *testing.T, js []byte) []trace.Event {
	t.Helper()
	tr, err := trace.Read(bytes.NewReader(js), "trace")
	if err != nil {
		t.Fatal(err)
	}
	return tr.Events
}

// The sticky demo: the server calls recv only after the client's three
// sends (the test presses Enter once the client says it sent them), and
// its trace shows them arriving as one recv; one 200000-byte sendall
// arrives in several.
func TestSticky(t *testing.T) {
	checkGoroutines(t)
	enterR, enterW := io.Pipe()
	defer enterW.Close()
	var serverTrace syncbuf.Buffer
	srv := tracedServer(t, "tcp/sticky_server", enterR, &luabind.TraceOptions{JSON: &serverTrace}, "0")

	// The client runs on; the test reads its output as it comes.
	outR, outW := io.Pipe()
	var clientTrace syncbuf.Buffer
	rt := luabind.New(luabind.Options{Stdout: outW, Scripts: scripts.FS, Trace: &luabind.TraceOptions{JSON: &clientTrace}})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	clientDone := make(chan error, 1)
	go func() {
		clientDone <- rt.RunScript(ctx, "tcp/sticky_client", []string{srv.port()})
		outW.Close()
	}()
	clientOut := bufio.NewScanner(outR)
	var out []string
	for clientOut.Scan() {
		out = append(out, clientOut.Text())
		if len(out) == 3 {
			// "sent 1 bytes" of the third send: all three are on their way.
			srv.expect(t, "~^client \\('127\\.0\\.0\\.1', \\d+\\) connected", "press Enter to call recv(65536)")
			io.WriteString(enterW, "\n")
		}
	}
	if err := <-clientDone; err != nil {
		t.Fatalf("sticky_client: %v\n%s", err, strings.Join(out, "\n"))
	}
	want := []string{
		`sent 5 bytes: "hello"`,
		`sent 5 bytes: "world"`,
		`sent 1 bytes: "!"`,
		`server: your sends arrived stuck together: one recv took 11 bytes "helloworld!"`,
		"sent 200000 bytes with one sendall",
	}
	if len(out) != 6 || strings.Join(out[:5], "\n") != strings.Join(want, "\n") ||
		!regexp.MustCompile(`^server: your one sendall of 200000 bytes arrived in \d+ recvs$`).MatchString(out[5]) {
		t.Fatalf("sticky_client printed\n%s\nwant\n%s\nserver: your one sendall of 200000 bytes arrived in N recvs", strings.Join(out, "\n"), strings.Join(want, "\n"))
	}
	srv.expect(t, `recv #1: 11 bytes "helloworld!"`)
	var recvs int
	for {
		line := srv.next(t)
		if m := regexp.MustCompile(`^the large send arrived in (\d+) recvs, 200000 bytes in all$`).FindStringSubmatch(line); m != nil {
			recvs, _ = strconv.Atoi(m[1])
			break
		}
	}
	if recvs < 4 { // recv(65536) can take at most 65536 of the 200000
		t.Errorf("the large send arrived in %d recvs, want at least 4", recvs)
	}
	if err := srv.wait(t); err != nil {
		t.Fatal(err)
	}

	// The trace shows it: the client's three sends, the server's one recv
	// of all 11 bytes.
	var sends []string
	for _, ev := range jsonEvents(t, []byte(clientTrace.String())) {
		if ev.Event == "send" && ev.Call == "" {
			sends = append(sends, ev.Data)
		}
	}
	if strings.Join(sends, ",") != "68656c6c6f,776f726c64,21" {
		t.Errorf("client's sends in its trace: %v", sends)
	}
	var first *trace.Event
	dataRecvs := 0
	for _, ev := range jsonEvents(t, []byte(serverTrace.String())) {
		if ev.Event == "recv" && ev.Bytes != nil && *ev.Bytes > 0 {
			if first == nil {
				first = &ev
			}
			dataRecvs++
		}
	}
	if first == nil || *first.Bytes != 11 || first.Data != "68656c6c6f776f726c6421" {
		t.Errorf("the server's first recv in its trace: %+v, want the 11 bytes helloworld!", first)
	}
	if dataRecvs != 1+recvs {
		t.Errorf("%d recvs with data in the server's trace, want 1 + %d", dataRecvs, recvs)
	}

	// And the diagram of both traces draws three sends into that recv.
	server, _ := trace.Read(strings.NewReader(serverTrace.String()), "server")
	client, _ := trace.Read(strings.NewReader(clientTrace.String()), "client")
	d := diagram.Build(server, client)
	for _, st := range d.Steps {
		if st.Kind == diagram.KindRecv && st.Ev.Data == "68656c6c6f776f726c6421" && len(st.Links) != 3 {
			t.Errorf("the recv of helloworld! takes %d sends in the diagram, want 3", len(st.Links))
		}
	}
}

// Framed messages arrive one by one, sent back to back; the empty line
// is an empty message.
func TestFramed(t *testing.T) {
	checkGoroutines(t)
	srv := startServer(t, "tcp/framed_server", "", "0")
	out := mustRun(t, "tcp/framed_client", "hello\n\nworld, with spaces\n", srv.port())
	checkOutput(t, "framed_client", out, "type messages, one per line; end of input (Ctrl-D) sends them all at once\n"+
		"server: message 1: 5 bytes\n"+
		"server: message 2: 0 bytes\n"+
		"server: message 3: 18 bytes\n"+
		"server: message 4: 200000 bytes\n")
	srv.expect(t,
		`~^client \('127\.0\.0\.1', \d+\) connected$`,
		`message 1: 5 bytes "hello"`,
		`message 2: 0 bytes ""`,
		`message 3: 18 bytes "world, with spaces"`,
		`message 4: 200000 bytes "0123456789012345678901234567890123456789"...`,
		"the client has closed the connection after 4 messages")
	if err := srv.wait(t); err != nil {
		t.Fatal(err)
	}

	// No input: the sticky demo's messages, framed.
	srv = startServer(t, "tcp/framed_server", "", "0")
	out = mustRun(t, "tcp/framed_client", "", srv.port())
	if !strings.Contains(out, "server: message 3: 1 bytes\nserver: message 4: 200000 bytes\n") {
		t.Errorf("framed_client without input printed %q", out)
	}
	srv.expect(t, "~connected", `message 1: 5 bytes "hello"`, `message 2: 5 bytes "world"`, `message 3: 1 bytes "!"`,
		"~^message 4: 200000 bytes ", "the client has closed the connection after 4 messages")
	// The server serves one client and ends by itself.
	if err := srv.wait(t); err != nil {
		t.Fatal(err)
	}
}

// The command client decodes the output as the original did (GBK), when
// asked; an unknown encoding fails before any command.
func TestCmdClientEncoding(t *testing.T) {
	checkGoroutines(t)
	srv := startServer(t, "tcp/cmd_server", "", "0")
	srv.expect(t, "~^WARNING")
	// 你好 in GBK, as a Chinese Windows' cmd.exe would write it.
	out := mustRun(t, "tcp/cmd_client", `printf '\304\343\272\303\n'`+"\n", srv.port(), "127.0.0.1", "gbk")
	checkOutput(t, "cmd_client gbk", out, ">>>你好\n>>>")
	out, err := runClient(t, "tcp/cmd_client", "echo hi\n", srv.port(), "127.0.0.1", "klingon")
	if err == nil || !strings.Contains(err.Error(), `unknown encoding "klingon"`) || out != "" {
		t.Errorf("unknown encoding: %v, output %q", err, out)
	}
	srv.stop(t)
}

// The "done when": the tutorial's echo server and client, each
// traced as JSON, make one diagram with the handshake, the bytes both
// ways and the close.
func TestEchoTracesMakeOneDiagram(t *testing.T) {
	checkGoroutines(t)
	var serverTrace syncbuf.Buffer
	srv := tracedServer(t, "tcp/echo_server", nil, &luabind.TraceOptions{JSON: &serverTrace}, "0")
	out, clientJSON := tracedClient(t, "tcp/echo_client", "hello\n", srv.port())
	checkOutput(t, "echo_client", out, "send (Enter: hello)> b'HELLO'\n")
	srv.expect(t, "~^<socket", "b'hello'")
	if err := srv.wait(t); err != nil {
		t.Fatal(err)
	}
	server, err := trace.Read(strings.NewReader(serverTrace.String()), "server.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	client, err := trace.Read(bytes.NewReader(clientJSON), "client.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	d := diagram.Build(server, client)
	kinds := map[string]int{}
	var labels []string
	for _, st := range d.Steps {
		kinds[st.Kind]++
		labels = append(labels, st.Label)
	}
	if len(d.Lifelines) != 2 || kinds[diagram.KindHandshake] != 1 || kinds[diagram.KindSend] != 2 ||
		kinds[diagram.KindRecv] != 2 || kinds[diagram.KindFIN] != 2 {
		t.Errorf("%d lifelines, steps %v:\n%s", len(d.Lifelines), kinds, strings.Join(labels, "\n"))
	}
	for _, st := range d.Steps {
		if st.Kind == diagram.KindSend && len(st.Links) != 1 {
			t.Errorf("%q is not matched to the recv that took it", st.Label)
		}
	}
	var svg bytes.Buffer
	if err := d.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`send 5 bytes &#34;hello&#34;`, `recv(1024) → 5 bytes &#34;HELLO&#34;`, "SYN, ACK", "close() → FIN"} {
		if !strings.Contains(svg.String(), want) {
			t.Errorf("the SVG lacks %s", want)
		}
	}
	// The JSON lines are the documented ones.
	for _, line := range strings.Split(strings.TrimSpace(serverTrace.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil || m["time"] == nil || m["event"] == nil {
			t.Errorf("trace line %q: %v", line, err)
		}
	}
}
