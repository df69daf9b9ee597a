package luabind

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/syncbuf"
	"github.com/sockplay/sockplay/trace"
)

// liveSink records what a runtime gives a TraceSink.
type liveSink struct {
	mu       sync.Mutex
	attached []*Runtime
	events   []*trace.Event
	skips    []Skipped
}

func (s *liveSink) Attach(rt *Runtime) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attached = append(s.attached, rt)
}

func (s *liveSink) WantsData() bool { return true }

func (s *liveSink) TraceEvent(ev *LiveEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, ev.Fill())
}

// A live sink gets every event, in the order of the text lines, also
// while socket.trace(false) has stopped the lines; socket.trace() then
// answers for the lines.
func TestLiveSink(t *testing.T) {
	var sink liveSink
	var text syncbuf.Buffer
	rt := New(Options{Trace: &TraceOptions{Text: &text, Live: &sink}})
	defer rt.Close()
	if len(sink.attached) != 1 || sink.attached[0] != rt {
		t.Fatalf("Attach: %v", sink.attached)
	}
	code := `local a, b = socket.socketpair()
a:sendall("hello")
assert(b:recv(100) == "hello")
assert(socket.trace(false) == true)
assert(socket.trace() == false)
a:close()
assert(socket.trace(true) == false)
b:close()`
	if err := rt.RunString(context.Background(), "live", code, nil); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range sink.events {
		got = append(got, ev.Event+" "+ev.Call)
	}
	want := "created socketpair|created socketpair|send sendall|recv |close |close "
	if strings.Join(got, "|") != want {
		t.Errorf("live events:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	if ev := sink.events[2]; ev.ByteCount() != 5 || string(ev.DataBytes()) != "hello" || ev.Time == "" || ev.Task != 1 {
		t.Errorf("the send: %+v", ev)
	}
	// The lines: all but the first close, made while they were off.
	if n := strings.Count(text.String(), "\n"); n != 5 || strings.Count(text.String(), " close") != 1 {
		t.Errorf("text lines:\n%s", text.String())
	}
}

// Off with a live sink: no lines until socket.trace(true); the sink gets
// everything.
func TestLiveSinkOff(t *testing.T) {
	var sink liveSink
	var text syncbuf.Buffer
	rt := New(Options{Trace: &TraceOptions{Text: &text, Off: true, Live: &sink}})
	defer rt.Close()
	if rt.Tracing() {
		t.Error("Tracing() with Off")
	}
	if err := rt.RunString(context.Background(), "off", `socket.socket():close() socket.trace(true) socket.socket():close()`, nil); err != nil {
		t.Fatal(err)
	}
	if len(sink.events) != 4 || strings.Count(text.String(), "\n") != 2 || !rt.Tracing() {
		t.Errorf("%d live events; lines:\n%s", len(sink.events), text.String())
	}
	if rt.SetTracing(false) != true || rt.Tracing() {
		t.Error("SetTracing(false)")
	}
}

// The tracer's own time formatting is time.RFC3339Nano's.
func TestTimeText(t *testing.T) {
	tr := newTracer(TraceOptions{}, English)
	base := time.Date(2026, 11, 25, 15, 50, 11, 0, time.FixedZone("CET", 3600))
	for _, d := range []time.Duration{0, 1, 10, 120, 695444260, 999999999, time.Second, time.Second + 500*time.Millisecond, 36 * time.Hour} {
		at := base.Add(d)
		if got, want := tr.timeText(at), at.UTC().Format(time.RFC3339Nano); got != want {
			t.Errorf("timeText(%v) = %q, want %q", at, got, want)
		}
	}
}

// quietSink wants no data events.
type quietSink struct{ liveSink }

func (*quietSink) WantsData() bool { return false }

func (s *quietSink) TraceEvent(ev *LiveEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.skips = append(s.skips, ev.Skipped)
	s.events = append(s.events, ev.Fill())
}

// A sink that does not want data events gets, on each socket's next
// event, what they carried; ends of stream and the other events come.
func TestLiveSinkCountsWhatItDoesNotWant(t *testing.T) {
	var sink quietSink
	rt := New(Options{Trace: &TraceOptions{Live: &sink}})
	defer rt.Close()
	code := `local a, b = socket.socketpair()
a:send("abc")
assert(b:recv(10) == "abc")
a:sendall("de")
a:close()
assert(b:recv(10) == "de")
assert(b:recv(10) == "")
b:close()`
	if err := rt.RunString(context.Background(), "quiet", code, nil); err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, ev := range sink.events {
		got = append(got, fmt.Sprintf("%d %s %d %+v", ev.Sock, ev.Event, ev.ByteCount(), sink.skips[i]))
	}
	want := []string{
		"1 created 0 {Events:0 Sent:0 Received:0}",
		"2 created 0 {Events:0 Sent:0 Received:0}",
		"1 close 0 {Events:2 Sent:5 Received:0}",
		"2 recv 0 {Events:2 Sent:0 Received:5}",
		"2 close 0 {Events:0 Sent:0 Received:0}",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A stream send that fails still makes its event for a sink that wants no
// data (it gets the quiet call, traceDataSend: timed when it returns),
// and LuaSocket's sends are counted like the others.
func TestLiveSinkQuietSendsFailAndCount(t *testing.T) {
	var sink quietSink
	rt := New(Options{Trace: &TraceOptions{Live: &sink}})
	defer rt.Close()
	code := `local a, b = socket.socketpair()
b:close()
local ok, err = pcall(a.sendall, a, "x")
assert(not ok and err:is("BrokenPipeError"), tostring(err))
a:close()
local ls = require("socket")
local server = assert(ls.bind("127.0.0.1", 0))
local ip, port = server:getsockname()
local c = assert(ls.connect(ip, port))
local s = assert(server:accept())
assert(c:send("hello") == 5)
assert(s:receive(5) == "hello")
c:close(); s:close(); server:close()`
	if err := rt.RunString(context.Background(), "quiet", code, nil); err != nil {
		t.Fatal(err)
	}
	var failed, counted bool
	for i, ev := range sink.events {
		if ev.Sock == 1 && ev.Event == "send" && ev.Error != "" {
			failed = true
		}
		if sk := sink.skips[i]; sk.Sent == 5 && sk.Events == 1 {
			counted = true
		}
	}
	if !failed || !counted {
		var got []string
		for i, ev := range sink.events {
			got = append(got, fmt.Sprintf("%d %s %q %+v", ev.Sock, ev.Event, ev.Error, sink.skips[i]))
		}
		t.Errorf("failed send seen: %v, LuaSocket send counted: %v; events:\n%s", failed, counted, strings.Join(got, "\n"))
	}
}

// switchSink wants data events when told, and tells the runtime.
type switchSink struct {
	quietSink
	wants atomic.Bool
}

func (s *switchSink) WantsData() bool { return s.wants.Load() }

func (s *switchSink) set(rt *Runtime, wants bool) {
	s.wants.Store(wants)
	rt.TraceSinkChanged()
}

// The runtime asks the sink whether it wants data events when it starts
// and when the sink says its answer changed (TraceSinkChanged), and the
// lines want them whatever the sink says.
func TestLiveSinkChangesItsMind(t *testing.T) {
	sink := &switchSink{}
	var text syncbuf.Buffer
	rt := New(Options{Trace: &TraceOptions{Text: &text, Off: true, Live: sink}})
	defer rt.Close()
	exchange := func(msg string) {
		t.Helper()
		code := `local a, b = socket.socketpair()
a:sendall(arg[1])
assert(b:recv(100) == arg[1])
a:close(); b:close()`
		if err := rt.RunString(context.Background(), "switch", code, []string{msg}); err != nil {
			t.Fatal(err)
		}
	}
	exchange("ab") // counted
	sink.set(rt, true)
	exchange("cde") // recorded
	sink.set(rt, false)
	rt.SetTracing(true)
	exchange("fghi") // recorded: the lines want it
	rt.SetTracing(false)
	exchange("jklmn") // counted
	var data []string
	skipped := 0
	for i, ev := range sink.events {
		if ev.Event == "send" || ev.Event == "recv" {
			data = append(data, ev.Event+" "+string(ev.DataBytes()))
		}
		skipped += sink.skips[i].Sent + sink.skips[i].Received
	}
	if got, want := strings.Join(data, "|"), "send cde|recv cde|send fghi|recv fghi"; got != want {
		t.Errorf("data events %q, want %q", got, want)
	}
	if skipped != 2*len("ab")+2*len("jklmn") {
		t.Errorf("%d bytes counted, want %d", skipped, 2*len("ab")+2*len("jklmn"))
	}
	if !strings.Contains(text.String(), "fghi") || strings.Contains(text.String(), "cde") {
		t.Errorf("lines:\n%s", text.String())
	}
}

// keptSink keeps the live events themselves.
type keptSink struct {
	liveSink
	kept []*LiveEvent
}

func (s *keptSink) TraceEvent(ev *LiveEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kept = append(s.kept, ev)
}

// The events a sink gives back (ReuseLive) are the next ones made, with
// nothing left of what they said before.
func TestReuseLive(t *testing.T) {
	var sink keptSink
	rt := New(Options{Trace: &TraceOptions{Live: &sink}})
	defer rt.Close()
	run := func(code string) []*LiveEvent {
		t.Helper()
		sink.kept = nil
		if err := rt.RunString(context.Background(), "reuse", code, nil); err != nil {
			t.Fatal(err)
		}
		return sink.kept
	}
	// Data, an error and a listen's backlog, then events with none.
	first := run(`local a, b = socket.socketpair()
a:sendall("hello")
assert(b:recv(100) == "hello")
a:close()
assert(not pcall(a.send, a, "x"))
b:close()
local l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
l:bind({"127.0.0.1", 0}); l:listen(3); l:close()`)
	given := map[*LiveEvent]bool{}
	for _, e := range first {
		e.Fill()
		given[e] = true
	}
	rt.ReuseLive(first)
	second := run(`for i = 1, 4 do
  local a, b = socket.socketpair()
  a:close(); b:close()
end`)
	if len(second) < len(first) {
		t.Fatalf("%d events after %d", len(second), len(first))
	}
	for i, e := range second {
		if i < len(first) != given[e] {
			t.Errorf("event %d (%s): reused %v, of %d given back", i, e.Event.Event, given[e], len(first))
		}
		ev := e.Fill()
		if ev.Bytes != nil || ev.Data != "" || ev.Error != "" || ev.Errno != 0 || ev.Backlog != nil || len(e.Head) != 0 || e.Skipped != (Skipped{}) {
			t.Errorf("event %d keeps an earlier one's fields: %+v", i, ev)
		}
		if ev.Event != "created" && ev.Event != "close" || ev.Family != "AF_UNIX" {
			t.Errorf("event %d: %+v", i, ev)
		}
	}
}

// datagrams is a script that sends and receives datagrams every way:
// UDP sendto and recvfrom, send and recv on a connected UDP socket, a
// Unix datagram socket, LuaSocket's udp; then it waits in probe.wait()
// if wait, and closes its sockets. path is the Unix socket's.
func datagrams(path string, wait bool) string {
	return fmt.Sprintf("local path, wait = %q, %v\n", path, wait) + `local a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
local b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
a:bind({"127.0.0.1", 0}); b:bind({"127.0.0.1", 0})
assert(a:sendto("abc", b:getsockname()) == 3)
local data, from = b:recvfrom(10)
assert(data == "abc")
assert(b:sendto("de", from) == 2)
assert(a:recvfrom(10) == "de")
b:connect(a:getsockname())
assert(b:send("f") == 1)
assert(a:recv(10) == "f")
local u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
u:bind(path)
local v = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
assert(v:sendto("ghij", path) == 4)
assert(u:recvfrom(10) == "ghij")
local ls = require("socket")
local c = assert(ls.udp()); assert(c:setsockname("127.0.0.1", 0))
local d = assert(ls.udp()); assert(d:setsockname("127.0.0.1", 0))
assert(c:sendto("klmno", d:getsockname()) == 5)
assert(d:receivefrom() == "klmno")
if wait then probe.wait() end
a:close(); b:close(); u:close(); v:close(); c:close(); d:close()`
}

// datagramCounts is what each socket of datagrams sent and received, by
// its number.
var datagramCounts = map[int]Skipped{1: {3, 3, 3}, 2: {3, 3, 3}, 3: {1, 0, 4}, 4: {1, 4, 0}, 5: {1, 5, 0}, 6: {1, 0, 5}}

// counted adds up what a quietSink's events carried, by socket, and fails
// the test if a data event came.
func (s *quietSink) counted(t *testing.T) map[int]Skipped {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := map[int]Skipped{}
	for i, ev := range s.events {
		if ev.ByteCount() > 0 {
			t.Errorf("a data event came: %+v", ev)
		}
		sk, c := s.skips[i], counts[ev.Sock]
		counts[ev.Sock] = Skipped{c.Events + sk.Events, c.Sent + sk.Sent, c.Received + sk.Received}
	}
	return counts
}

// A sink that does not want data events gets no datagram either, of any
// kind of datagram socket: each socket's next event carries what they
// carried, as for a stream.
func TestLiveSinkCountsDatagrams(t *testing.T) {
	var sink quietSink
	rt := New(Options{Trace: &TraceOptions{Live: &sink}})
	defer rt.Close()
	if err := rt.RunString(context.Background(), "dgrams", datagrams(t.TempDir()+"/u.sock", false), nil); err != nil {
		t.Fatal(err)
	}
	if counts := sink.counted(t); fmt.Sprint(counts) != fmt.Sprint(datagramCounts) {
		t.Errorf("counted %v, want %v", counts, datagramCounts)
	}
}

// A snapshot shows, of each socket, what the data events a sink did not
// want carried since the socket's last event: what no event has carried
// yet.
func TestSnapshotShowsSkipped(t *testing.T) {
	var sink quietSink
	rt, release, done := startAtProbe(t, "dgrams", datagrams(t.TempDir()+"/u.sock", true), &TraceOptions{Live: &sink})
	want := maps.Clone(datagramCounts)
	want[2] = Skipped{1, 1, 0} // b's connect carried the rest
	got := map[int]Skipped{}
	for _, ss := range rt.Snapshot().Sockets {
		got[ss.Sock] = ss.Skipped
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("snapshot: %v, want %v", got, want)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if counts := sink.counted(t); fmt.Sprint(counts) != fmt.Sprint(datagramCounts) {
		t.Errorf("counted %v, want %v", counts, datagramCounts)
	}
}
