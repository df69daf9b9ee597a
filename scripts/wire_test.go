package scripts_test

// The scripts of "see the wire" as their traces show them: the
// sticky-packet demo (its input is pressed when the client has sent,
// which a Lua test's fixed input cannot do) and the tutorial's echo
// exchange, traced on both ends and drawn as one diagram.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/diagram"
	"github.com/sockplay/sockplay/internal/leakcheck"
	"github.com/sockplay/sockplay/internal/syncbuf"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/scripts"
	"github.com/sockplay/sockplay/trace"
)

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
	leakcheck.CheckGoroutines(t, stopTimeout)
	enterR, enterW := io.Pipe()
	defer enterW.Close()
	var serverTrace syncbuf.Buffer
	srv := startServer(t, "tcp/sticky_server", luabind.Options{Stdin: enterR, Trace: &luabind.TraceOptions{JSON: &serverTrace}}, "0")

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

// The "done when": the tutorial's echo server and client, each
// traced as JSON, make one diagram with the handshake, the bytes both
// ways and the close.
func TestEchoTracesMakeOneDiagram(t *testing.T) {
	leakcheck.CheckGoroutines(t, stopTimeout)
	var serverTrace syncbuf.Buffer
	srv := startServer(t, "tcp/echo_server", luabind.Options{Trace: &luabind.TraceOptions{JSON: &serverTrace}}, "0")
	var clientTrace syncbuf.Buffer
	out := runClient(t, "tcp/echo_client", luabind.Options{Stdin: strings.NewReader("hello\n"), Trace: &luabind.TraceOptions{JSON: &clientTrace}}, srv.port())
	checkOutput(t, "echo_client", out, "send (Enter: hello)> b'HELLO'\n")
	srv.expect(t, "~^<socket", "b'hello'")
	if err := srv.wait(t); err != nil {
		t.Fatal(err)
	}
	server, err := trace.Read(strings.NewReader(serverTrace.String()), "server.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	client, err := trace.Read(strings.NewReader(clientTrace.String()), "client.jsonl")
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
