package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/diagram"
	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/trace"
)

// A long run: the view keeps a bounded number of events, and the bytes of
// a connection that outlives the trimming still match by their offsets.
func TestTrimKeepsMatching(t *testing.T) {
	server, client := newProc(1, "server", 1), newProc(2, "client", 2)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	k := 0
	ev := func(sock int, event, local, remote string) *luabind.LiveEvent {
		k++
		return &luabind.LiveEvent{At: t0.Add(time.Duration(k) * time.Microsecond), Event: trace.Event{Task: 1, Sock: sock,
			Event: event, Family: "AF_INET", Type: "SOCK_STREAM", Local: local, Remote: remote}}
	}
	data := func(e *luabind.LiveEvent, s string) *luabind.LiveEvent {
		n := len(s)
		e.Event.Bytes, e.Head = &n, []byte(s)
		return e
	}
	const srv, cli = "127.0.0.1:8081", "127.0.0.1:40000"
	backlog := 5
	l := ev(1, "listen", srv, "")
	l.Event.Backlog = &backlog
	acc := ev(1, "accept", srv, cli)
	acc.Event.New = 2
	server.add([]*luabind.LiveEvent{ev(1, "created", "", ""), l, acc})
	client.add([]*luabind.LiveEvent{ev(1, "connect", cli, srv)})
	// Many short connections, closed, and one long one going on.
	for i := 0; i < 3000; i++ {
		c := fmt.Sprintf("127.0.0.1:%d", 41000+i)
		a := ev(1, "accept", srv, c)
		a.Event.New = 3 + i
		server.add([]*luabind.LiveEvent{a, ev(3+i, "close", srv, c)})
		client.add([]*luabind.LiveEvent{ev(2+i, "connect", c, srv), ev(2+i, "close", c, srv)})
	}
	for i := 0; i < 20000; i++ {
		// Sends of varying sizes, taken by recvs that cut them elsewhere.
		msg := fmt.Sprintf("m%d;", i)
		client.add([]*luabind.LiveEvent{data(ev(1, "send", cli, srv), msg)})
		server.add([]*luabind.LiveEvent{data(ev(2, "recv", srv, cli), msg)})
	}
	for _, p := range []*proc{server, client} {
		if len(p.events) > 2*keepEvents || p.trimmed == 0 {
			t.Errorf("%s keeps %d events, trimmed %d", p.name, len(p.events), p.trimmed)
		}
		if len(p.closed) != maxClosed {
			t.Errorf("%s lists %d closed sockets", p.name, len(p.closed))
		}
	}
	skipped := map[diagram.SockRef]diagram.Skipped{}
	for i, p := range []*proc{server, client} {
		for sock, sk := range p.skipped {
			skipped[diagram.SockRef{Trace: i, Sock: sock}] = sk
		}
	}
	values := func(evs []*luabind.LiveEvent) []trace.Event {
		out := make([]trace.Event, len(evs))
		for i, ev := range evs {
			out[i] = *ev.Fill()
		}
		return out
	}
	d := diagram.BuildWith(diagram.Options{Last: true, Skipped: skipped},
		&trace.Trace{Name: "server", Events: values(server.events)}, &trace.Trace{Name: "client", Events: values(client.events)})
	sends := 0
	for _, st := range d.Steps {
		if st.Kind != diagram.KindSend || st.Row > d.Steps[len(d.Steps)-1].Row-2 {
			continue
		}
		sends++
		if len(st.Links) != 1 || st.Links[0].Ev.Data != st.Ev.Data {
			t.Fatalf("send %q matched to %d recvs (%v)", st.Ev.DataBytes(), len(st.Links), st.Links)
		}
	}
	if sends < 200 {
		t.Errorf("only %d sends drawn", sends)
	}
}

// Data events not recorded while no page watched (their bytes come with
// the socket's next event): the socket's data events recorded before
// them are left out too, so that the later ones still match.
func TestGapKeepsMatching(t *testing.T) {
	p := newProc(1, "pair", 1)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	k := 0
	ev := func(sock int, event string, data string, skip luabind.Skipped) *luabind.LiveEvent {
		k++
		le := &luabind.LiveEvent{At: t0.Add(time.Duration(k) * time.Microsecond), Skipped: skip,
			Event: trace.Event{Task: 1, Sock: sock, Event: event, Family: "AF_UNIX", Type: "SOCK_STREAM"}}
		if event == "send" || event == "recv" {
			n := len(data)
			le.Event.Bytes, le.Head = &n, []byte(data)
		}
		return le
	}
	a, b := ev(1, "created", "", luabind.Skipped{}), ev(2, "created", "", luabind.Skipped{})
	a.Event.Peer, b.Event.Peer = 2, 1
	p.add([]*luabind.LiveEvent{a, b, ev(1, "send", "ab", luabind.Skipped{}), ev(2, "recv", "ab", luabind.Skipped{})})
	// "cd" went unrecorded; "ef" comes with what was left out.
	p.add([]*luabind.LiveEvent{
		ev(1, "send", "ef", luabind.Skipped{Events: 1, Sent: 2}),
		ev(2, "recv", "ef", luabind.Skipped{Events: 1, Received: 2}),
	})
	if p.unrecorded != 2 || p.skipped[1].Sent != 4 || p.skipped[2].Received != 4 || len(p.events) != 4 {
		t.Fatalf("unrecorded %d, skipped %+v, %d events kept", p.unrecorded, p.skipped, len(p.events))
	}
	var evs []trace.Event
	for _, le := range p.events {
		evs = append(evs, *le.Fill())
	}
	skipped := map[diagram.SockRef]diagram.Skipped{}
	for sock, sk := range p.skipped {
		skipped[diagram.SockRef{Trace: 0, Sock: sock}] = sk
	}
	d := diagram.BuildWith(diagram.Options{Last: true, Skipped: skipped}, &trace.Trace{Name: "pair", Events: evs})
	var sends []*diagram.Step
	for _, st := range d.Steps {
		if st.Kind == diagram.KindSend {
			sends = append(sends, st)
		}
	}
	if len(sends) != 1 || len(sends[0].Links) != 1 || string(sends[0].Links[0].Ev.DataBytes()) != "ef" {
		t.Fatalf("ef is not matched to its recv: %+v", sends)
	}
	if c := p.counts[1]; c.out != 6 {
		t.Errorf("sock 1 sent %d bytes, want 6", c.out)
	}
}

// A run without a page makes its events in the ones the view left out
// (luabind.Runtime.ReuseLive): many sockets cost a bounded number of
// events, and those the view keeps are each still the event the trace
// wrote, none overwritten by a later one.
func TestEventsReused(t *testing.T) {
	h := newHub(newSink(sinkMax), "run", 1, i18n.English)
	var lines bytes.Buffer
	rt := luabind.New(luabind.Options{Trace: &luabind.TraceOptions{JSON: &lines, Live: h.local}})
	defer rt.Close()
	seen := map[*luabind.LiveEvent]bool{}
	const rounds, pairs = 100, 20 // 4 events a pair: 8,000 events
	for range rounds {
		if err := rt.RunString(context.Background(), "pairs", fmt.Sprintf(`for i = 1, %d do
  local a, b = socket.socketpair()
  a:close(); b:close()
end`, pairs), nil); err != nil {
			t.Fatal(err)
		}
		h.tick(false)
		for _, le := range h.procs[0].events {
			seen[le] = true
		}
	}
	p := h.procs[0]
	if p.trimmed == 0 || len(p.closed) != maxClosed || len(p.counts) != 0 {
		t.Fatalf("trimmed %d, %d closed, %d open", p.trimmed, len(p.closed), len(p.counts))
	}
	// Without reuse every event would be a new one.
	if len(seen) > 3*keepEvents {
		t.Errorf("%d events made for %d", len(seen), rounds*pairs*4)
	}
	wrote := map[[2]any]trace.Event{}
	for line := range strings.Lines(lines.String()) {
		var ev trace.Event
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatal(err)
		}
		wrote[[2]any{ev.Sock, ev.Event}] = ev
	}
	if len(wrote) != rounds*pairs*4 {
		t.Fatalf("%d JSON lines", len(wrote))
	}
	for _, le := range p.events {
		got := *le.Fill()
		if want := wrote[[2]any{got.Sock, got.Event}]; got != want {
			t.Fatalf("the view keeps\n%+v\nthe trace wrote\n%+v", got, want)
		}
	}
}

// The same for datagrams: a datagram socket's datagrams recorded before
// the ones not recorded are left out, so that a receive after the gap is
// not paired with a datagram sent before it.
func TestDatagramGapKeepsMatching(t *testing.T) {
	p := newProc(1, "udp", 1)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	k := 0
	const a, b = "127.0.0.1:1000", "127.0.0.1:2000"
	ev := func(sock int, event, local, remote, data string, skip luabind.Skipped) *luabind.LiveEvent {
		k++
		le := &luabind.LiveEvent{At: t0.Add(time.Duration(k) * time.Microsecond), Skipped: skip,
			Event: trace.Event{Task: 1, Sock: sock, Event: event, Family: "AF_INET", Type: "SOCK_DGRAM", Local: local, Remote: remote}}
		if data != "" {
			n := len(data)
			le.Event.Bytes, le.Head = &n, []byte(data)
		}
		return le
	}
	none := luabind.Skipped{}
	p.add([]*luabind.LiveEvent{ev(1, "created", "", "", "", none), ev(1, "bind", a, "", "", none),
		ev(2, "created", "", "", "", none), ev(2, "bind", b, "", "", none),
		ev(1, "sendto", a, b, "d1", none)})
	// d1's receive and d2 went unrecorded; d3 comes with what was left out.
	p.add([]*luabind.LiveEvent{
		ev(1, "sendto", a, b, "d3", luabind.Skipped{Events: 1, Sent: 2}),
		ev(2, "recvfrom", b, a, "d3", luabind.Skipped{Events: 2, Received: 4}),
	})
	if p.unrecorded != 3 || len(p.events) != 6 || p.counts[1].out != 6 || p.counts[2].in != 6 {
		t.Fatalf("unrecorded %d, %d events kept, counts %+v %+v", p.unrecorded, len(p.events), p.counts[1], p.counts[2])
	}
	var evs []trace.Event
	for _, le := range p.events {
		evs = append(evs, *le.Fill())
	}
	d := diagram.BuildWith(diagram.Options{Last: true}, &trace.Trace{Name: "udp", Events: evs})
	var dgrams []*diagram.Step
	for _, st := range d.Steps {
		if st.Kind == diagram.KindDatagram {
			dgrams = append(dgrams, st)
		}
	}
	if len(dgrams) != 1 || len(dgrams[0].Links) != 1 || string(dgrams[0].Links[0].Ev.DataBytes()) != "d3" {
		t.Fatalf("d3 is not matched to its receive: %+v", dgrams)
	}
}
