package ui

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/luabind"
)

// udpExchange sends arg[1] datagrams of 10 bytes from a to b, says
// "ready", then b takes datagrams until "bye".
const udpExchange = `local a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
local b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
a:bind({"127.0.0.1", 0}); b:bind({"127.0.0.1", 0})
for i = 1, tonumber(arg[1]) do
  assert(a:sendto("0123456789", b:getsockname()) == 10)
  assert(b:recvfrom(100) == "0123456789")
end
print("ready")
while b:recvfrom(100) ~= "bye" do end
a:close(); b:close()`

// n is how many datagrams udpExchange sends before it is ready: 2n data
// events, of which the view records the first firstData.
const n = firstData

// runUDPExchange runs udpExchange with its events going to v, until it is
// ready; the run's end comes on the channel returned.
func runUDPExchange(t *testing.T, ctx context.Context, v *View) <-chan error {
	t.Helper()
	pr, pw := io.Pipe()
	rt := luabind.New(luabind.Options{Stdout: pw, Trace: &luabind.TraceOptions{Live: v.Sink()}})
	t.Cleanup(func() { rt.Close() })
	done := make(chan error, 1)
	go func() {
		err := rt.RunString(ctx, "udp", udpExchange, []string{strconv.Itoa(n)})
		pw.Close()
		done <- err
	}()
	if line, err := bufio.NewReader(pr).ReadString('\n'); line != "ready\n" {
		t.Fatalf("the script said %q (%v): %v", line, err, <-done)
	}
	return done
}

// checkUDPExchange checks what a page opened after udpExchange was ready
// shows of its process, and returns its socket b.
func checkUDPExchange(t *testing.T, p procView) sockView {
	t.Helper()
	if len(p.Sockets) != 2 {
		t.Fatalf("sockets: %+v", p.Sockets)
	}
	a, b := p.Sockets[0], p.Sockets[1]
	for _, s := range []sockView{a, b} {
		if s.Type != "SOCK_DGRAM" || s.State != "BOUND" || !strings.HasPrefix(s.Local, "127.0.0.1:") {
			t.Errorf("socket %+v", s)
		}
	}
	if a.Out != 10*n || a.In != 0 || b.In != 10*n || b.Out != 0 {
		t.Errorf("a sent %d and received %d, b sent %d and received %d; want %d sent and received", a.Out, a.In, b.Out, b.In, 10*n)
	}
	if p.Unrecorded != 2*n-firstData {
		t.Errorf("%d data events unrecorded, want %d", p.Unrecorded, 2*n-firstData)
	}
	return b
}

// A page opened after a UDP exchange that the view did not record (beyond
// its first firstData data events) sees the sockets, bound, with what they
// sent and received, though no event has carried those counts yet; then,
// watched, each datagram is an event in its log, and the counts follow.
func TestLatePageDatagrams(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	v := startView(t, Options{Name: "udp"})
	done := runUDPExchange(t, ctx, v)
	page := dialPage(t, ctx, v)
	var procs []procView
	readFrames(t, ctx, page, "the first frame", func(f map[string]json.RawMessage) bool {
		return json.Unmarshal(f["procs"], &procs) == nil && len(procs) == 1
	})
	b := checkUDPExchange(t, procs[0])

	c, err := net.Dial("udp", b.Local)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	msgs := []string{"one", "two", "three"}
	for _, m := range msgs {
		if _, err := c.Write([]byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	var texts []string
	readFrames(t, ctx, page, "the datagrams in the log and the counts", func(f map[string]json.RawMessage) bool {
		var lines []logLine
		json.Unmarshal(f["events"], &lines)
		for _, l := range lines {
			texts = append(texts, l.Text)
		}
		var procs []procView
		json.Unmarshal(f["procs"], &procs)
		return len(procs) == 1 && len(procs[0].Sockets) == 2 && procs[0].Sockets[1].In == 10*n+int64(len("onetwothree"))
	})
	log := strings.Join(texts, "\n")
	if strings.Count(log, " recvfrom ") != len(msgs) {
		t.Errorf("the log has not %d recvfroms:\n%s", len(msgs), log)
	}
	for _, m := range msgs {
		if !strings.Contains(log, "|"+m+"|") {
			t.Errorf("the log lacks the recvfrom of %q:\n%s", m, log)
		}
	}
	if _, err := c.Write([]byte("bye")); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Closed, the sockets keep their counts (their close carried them).
	readFrames(t, ctx, page, "the closed sockets", func(f map[string]json.RawMessage) bool {
		var procs []procView
		json.Unmarshal(f["procs"], &procs)
		if len(procs) != 1 || len(procs[0].Closed) != 2 {
			return false
		}
		b, a := procs[0].Closed[0], procs[0].Closed[1] // the latest first
		if a.Out != 10*n || b.In != 10*n+int64(len("onetwothreebye")) {
			t.Errorf("closed: %+v", procs[0].Closed)
		}
		return true
	})
}

// The same of a process that joined the view: its snapshot carries what
// its sockets' events have not.
func TestLatePageDatagramsJoined(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	dir := runDir(t)
	host := startView(t, Options{Name: "host", Dir: dir, Find: true})
	joined := startView(t, Options{Name: "udp", Dir: dir, Find: true})
	if joined.joined == nil {
		t.Fatal("the second view did not join the first")
	}
	done := runUDPExchange(t, ctx, joined)
	page := dialPage(t, ctx, host)
	var procs []procView
	// The joined process sends its snapshot once it hears a page watches.
	readFrames(t, ctx, page, "the joined process's sockets", func(f map[string]json.RawMessage) bool {
		return json.Unmarshal(f["procs"], &procs) == nil && len(procs) == 2 && len(procs[1].Sockets) == 2
	})
	b := checkUDPExchange(t, procs[1])
	c, err := net.Dial("udp", b.Local)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("bye")); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
