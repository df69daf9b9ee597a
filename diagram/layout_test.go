package diagram

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/trace"
)

// drawAll lays out every step of d as WriteSVG does.
func drawAll(d *Diagram) []*drawing {
	draws := make([]*drawing, len(d.Steps))
	for i, st := range d.Steps {
		draws[i] = d.draw(st)
	}
	placeLabels(draws)
	return draws
}

// No arrow crosses the label of another step, in the diagrams of this
// package's traces and of the walk-through's.
func TestArrowsDoNotCrossLabels(t *testing.T) {
	sets := map[string][]*trace.Trace{
		"echo":   load(t, "echo_server", "echo_client"),
		"sticky": load(t, "sticky_server", "sticky_client"),
		"udp":    load(t, "udp_server", "udp_client"),
		"unix":   load(t, "unix"),
		"errors": load(t, "errors"),
	}
	dirs, _ := filepath.Glob(filepath.Join("..", "docs", "tutorial", "testdata", "*"))
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
		var traces []*trace.Trace
		for _, f := range files {
			tr, err := trace.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			traces = append(traces, tr)
		}
		if len(traces) > 0 {
			sets["tutorial/"+filepath.Base(dir)] = traces
		}
	}
	if len(sets) < 10 {
		t.Fatalf("only %d sets of traces: the walk-through's are missing", len(sets))
	}
	for name, traces := range sets {
		if bad := collisions(drawAll(Build(traces...))); len(bad) > 0 {
			t.Errorf("%s:\n%s", name, strings.Join(bad, "\n"))
		}
	}
}

// The geometry the check above relies on.
func TestArrowCrossesBox(t *testing.T) {
	a := arrowLine{x1: 0, y1: 0, x2: 100, y2: 100}
	for _, tc := range []struct {
		x0, y0, x1, y1 float64
		want           bool
	}{
		{40, 40, 60, 60, true},  // on the diagonal
		{60, 0, 100, 30, false}, // above it
		{0, 60, 30, 100, false}, // below it
		{-10, -10, 5, 5, true},  // at its start
		{200, 200, 300, 300, false},
	} {
		if got := a.crosses(tc.x0, tc.y0, tc.x1, tc.y1); got != tc.want {
			t.Errorf("box %v,%v-%v,%v: crosses %v, want %v", tc.x0, tc.y0, tc.x1, tc.y1, got, tc.want)
		}
	}
	flat := arrowLine{x1: 100, y1: 50, x2: 0, y2: 50}
	if !flat.crosses(40, 40, 60, 60) || flat.crosses(40, 51, 60, 60) {
		t.Error("a horizontal arrow")
	}
}

// manyConnections is a server's trace and its clients' trace: n
// connections one after another, each an echo of "hello".
func manyConnections(n int) (server, client *trace.Trace) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	k := 0
	at := func() string {
		k++
		return t0.Add(time.Duration(k) * time.Microsecond).Format(time.RFC3339Nano)
	}
	five, backlog, zero := 5, 5, 0
	ev := func(sock int, event, local, remote string) trace.Event {
		return trace.Event{Time: at(), Task: 1, Sock: sock, Event: event, Family: "AF_INET", Type: "SOCK_STREAM", Local: local, Remote: remote}
	}
	data := func(e trace.Event, hex string, bufsize int) trace.Event {
		e.Bytes, e.Data, e.Bufsize = &five, hex, bufsize
		return e
	}
	server, client = &trace.Trace{Name: "server"}, &trace.Trace{Name: "client"}
	const srv = "127.0.0.1:8081"
	listen := ev(1, "listen", srv, "")
	listen.Backlog = &backlog
	server.Events = append(server.Events, ev(1, "created", "", ""), listen)
	for i := 0; i < n; i++ {
		cl := fmt.Sprintf("127.0.0.1:%d", 20000+i%40000)
		cs, ss := i+1, i+2
		acc := ev(1, "accept", srv, cl)
		acc.New = ss
		eos := ev(ss, "recv", srv, cl)
		eos.Bytes, eos.Bufsize = &zero, 1024
		client.Events = append(client.Events, ev(cs, "connect", cl, srv))
		server.Events = append(server.Events, acc)
		client.Events = append(client.Events, data(ev(cs, "send", cl, srv), "68656c6c6f", 0))
		server.Events = append(server.Events, data(ev(ss, "recv", srv, cl), "68656c6c6f", 1024))
		server.Events = append(server.Events, data(ev(ss, "send", srv, cl), "48454c4c4f", 0))
		client.Events = append(client.Events, data(ev(cs, "recv", cl, srv), "48454c4c4f", 1024))
		client.Events = append(client.Events, ev(cs, "close", cl, srv))
		server.Events = append(server.Events, eos, ev(ss, "close", srv, cl))
	}
	return server, client
}

// Many connections: each hello and HELLO is matched, the lifelines drawn
// are only those the drawn steps use, and a live view (Last) draws the
// end.
func TestManyConnections(t *testing.T) {
	server, client := manyConnections(2000)
	for _, traces := range [][]*trace.Trace{{server, client}, {server}, {client}} {
		d := Build(traces...)
		if len(d.Steps) != MaxSteps || d.Omitted == 0 {
			t.Fatalf("%d steps, %d omitted", len(d.Steps), d.Omitted)
		}
		used := map[*Lifeline]bool{}
		for i, st := range d.Steps {
			used[st.From] = true
			if st.To != nil {
				used[st.To] = true
			}
			// (The last sends' recvs are beyond what is drawn.)
			if len(traces) == 2 && st.Kind == KindSend && i < len(d.Steps)-10 && len(st.Links) != 1 {
				t.Errorf("send at row %d (%s) matched to %d recvs", st.Row, st.Label, len(st.Links))
			}
		}
		if len(used) != len(d.Lifelines) {
			t.Errorf("%d lifelines, %d used", len(d.Lifelines), len(used))
		}
	}
	d := BuildWith(Options{Last: true}, server, client)
	if len(d.Steps) != MaxSteps || !d.OmittedEarlier || d.Steps[len(d.Steps)-1].Ev.Event != "close" {
		t.Fatalf("Last: %d steps, %d omitted", len(d.Steps), d.Omitted)
	}
	drawn := map[*Step]bool{}
	for _, st := range d.Steps {
		drawn[st] = true
	}
	for _, st := range d.Steps {
		for _, l := range st.Links {
			if !drawn[l] {
				t.Fatalf("a link to a step that is not drawn")
			}
		}
	}
	var b strings.Builder
	if err := d.WriteSVG(&b); err != nil || !strings.Contains(b.String(), "earlier events are not drawn") {
		t.Errorf("the live diagram does not say what it left out (%v)", err)
	}
}

// Skipped keeps the matching right when the first events of a
// connection are left out.
func TestSkippedBytes(t *testing.T) {
	server, client := manyConnections(1)
	// Leave out the hello (the client's send and the server's recv).
	var s2, c2 trace.Trace
	for _, e := range server.Events {
		if !(e.Event == "recv" && e.ByteCount() == 5) {
			s2.Events = append(s2.Events, e)
		}
	}
	for _, e := range client.Events {
		if e.Event != "send" {
			c2.Events = append(c2.Events, e)
		}
	}
	// Without Skipped, nothing is left out of the server's sent stream,
	// so HELLO is matched anyway; make the server's send the one that
	// needs the offset instead: skip 7 bytes before it on both sides.
	d := BuildWith(Options{Skipped: map[SockRef]Skipped{{0, 2}: {Sent: 7}, {1, 1}: {Received: 7}}}, &s2, &c2)
	sends := stepsOf(d, KindSend)
	if len(sends) != 1 || len(sends[0].Links) != 1 || sends[0].Links[0].Ev.Data != "48454c4c4f" {
		t.Fatalf("HELLO after skipped bytes: %+v", sends)
	}
	d = BuildWith(Options{Skipped: map[SockRef]Skipped{{0, 2}: {Sent: 7}}}, &s2, &c2)
	if sends := stepsOf(d, KindSend); len(sends[0].Links) != 0 {
		t.Errorf("offsets that disagree still matched")
	}
}

// BenchmarkBuild draws n connections (issue 12: it was quadratic): one
// process's trace, and the two processes' traces.
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{1000, 4000, 16000} {
		server, client := manyConnections(n)
		for _, set := range []struct {
			name   string
			traces []*trace.Trace
		}{{"server", []*trace.Trace{server}}, {"both", []*trace.Trace{server, client}}} {
			b.Run(fmt.Sprintf("%s/conns=%d", set.name, n), func(b *testing.B) {
				for b.Loop() {
					d := Build(set.traces...)
					if err := d.WriteSVG(discard{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// A label's background is as wide as its text in the monospace font, where
// a Chinese character takes two columns: "你好" in a label's data must
// not overflow it.
func TestLabelBoxCountsWideCharacters(t *testing.T) {
	for _, c := range []struct {
		text    string
		columns int
	}{{"send 2 bytes", 12}, {`send 6 bytes "你好"`, 19}, {"5 字节", 6}} {
		l := textLabel{x: 100, y: 50, anchor: "start", text: c.text}
		x0, _, x1, _ := l.box()
		if want := float64(c.columns)*charW + 6; math.Abs(x1-x0-want) > 1e-9 {
			t.Errorf("%q: box %.1f wide, want %.1f (%d columns)", c.text, x1-x0, want, c.columns)
		}
	}
}
