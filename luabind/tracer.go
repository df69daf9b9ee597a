package luabind

import (
	"encoding/hex"
	"io"
	"math"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
	"github.com/sockplay/sockplay/trace"
)

// The runtime's socket tracer: every socket event of a runtime (created,
// bind, listen, connect, accept, send, recv, sendto, recvfrom, shutdown,
// close, and their errors) as a trace.Event, written as one text line
// and/or one JSON line (package trace has the formats, docs/TRACE.md
// describes them). This file decides what an event holds and in which
// order events are written.
//
// Tracing off costs one atomic load per socket call: the call sites do
// `tc := rt.traceBegin()` (traceSend for calls that put bytes on the
// wire) and emit only when tc is not nil; calls that do not wait use
// rt.traceEvent. A live sink that wants no data events (a view without a
// page) costs a send or recv, and a datagram's sendto or recvfrom, the
// same load, a branch, and the count of its bytes on the socket
// (traceState.data, countable).

// DefaultTraceBytes is how many bytes of data an event shows when
// TraceOptions.Bytes is 0.
const DefaultTraceBytes = 64

// liveBatch is how many live events are allocated at once (newLive).
const liveBatch = 64

// TraceOptions configure the socket trace of a runtime (Options.Trace).
type TraceOptions struct {
	Text  io.Writer // one line per event, in Options.Lang; nil: none
	Color bool      // ANSI colours in Text: set it only when Text is a terminal
	JSON  io.Writer // one JSON object per line (docs/TRACE.md); nil: none
	// Bytes is how many bytes of each send/recv the events carry (hex and
	// ASCII in Text, hex in JSON): 0 means DefaultTraceBytes, negative none.
	Bytes int
	// Off starts the runtime with tracing off: socket.trace(true) or
	// SetTracing(true) turns it on.
	Off bool
	// Live, if set, receives every event as it happens (a live view,
	// package ui), whether Text and JSON are on or off: socket.trace and
	// SetTracing turn only those.
	Live TraceSink
}

// A TraceSink receives the events of a runtime as they happen
// (TraceOptions.Live).
type TraceSink interface {
	// WantsData reports whether the sink wants the data events now: the
	// sends and recvs, and the datagrams' sendtos and recvfroms
	// (countable). When it does not, each costs the runtime only the
	// count of its bytes, which the socket's next event carries
	// (LiveEvent.Skipped) and a Snapshot shows until then
	// (SocketState.Skipped), so that a sink that draws bytes to the recv
	// that took them still can: a live view without a page does not want
	// them, and costs a busy server almost nothing. Ends of stream, empty
	// datagrams, failures and the other events always come. The runtime
	// asks when it starts and again when the sink calls
	// Runtime.TraceSinkChanged, not on each call: a sink whose answer
	// changes calls that after the change.
	WantsData() bool
	// Attach is called once, by New, with the runtime whose events
	// follow; the sink may take its Snapshot (from another goroutine).
	Attach(rt *Runtime)
	// TraceEvent is called for each event, in the order the text and
	// JSON lines are written, with the runtime lock held: it must
	// return at once (queue the event, or drop it when the queue is
	// full). The event is the sink's to keep, or to give back when it
	// is done with it (Runtime.ReuseLive); ev.Fill() completes it.
	TraceEvent(ev *LiveEvent)
}

// traceState is the runtime's tracing: on is the tracer in use (nil:
// off), and data what the calls that may carry data get from traceBegin
// (nil: off; the tracer's quiet call while a data event would only be
// counted; else its full call), the only things the socket calls look
// at. Both change together, with mu held (setData).
type traceState struct {
	on   atomic.Pointer[tracer]
	data atomic.Pointer[traceCall]
	mu   sync.Mutex
	tr   *tracer // the configured tracer, made on first use
}

// tracer writes events. Its methods are called with the runtime lock held
// (from Lua functions), but it locks itself too: SetTracing may come from
// any goroutine.
type tracer struct {
	mu    sync.Mutex
	opts  TraceOptions
	lang  Language // of the text lines (Options.Lang)
	bytes int      // data bytes per event (>= 0)
	start time.Time
	queue []*traceSlot // events waiting for an earlier call to return
	// batch holds live events allocated for the events to come, and
	// reused the events the sink gave back (newLive; both guarded by the
	// runtime lock).
	batch  []LiveEvent
	reused []*LiveEvent
	// free has the events given back since newLive last took them
	// (Runtime.ReuseLive), nFree how many: newLive looks at the count,
	// not the lock, while it has none.
	freeMu sync.Mutex
	free   []*LiveEvent
	nFree  atomic.Int64
	// muted: Text and JSON are off while Live goes on (SetTracing(false)
	// with a live sink).
	muted atomic.Bool
	// quiet is the call traceBegin gives when nothing of a data event is
	// wanted but its count; full stands for the calls begin makes
	// (traceState.data; shared: never written).
	quiet, full traceCall
	// The second timeText formatted last, and its text (guarded by mu).
	sec     int64
	secText string
}

func newTracer(opts TraceOptions, lang Language) *tracer {
	tr := &tracer{opts: opts, lang: lang, bytes: opts.Bytes, start: time.Now()}
	tr.quiet = traceCall{tr: tr, quiet: true}
	tr.full = traceCall{tr: tr}
	if tr.bytes == 0 {
		tr.bytes = DefaultTraceBytes
	}
	if tr.bytes < 0 {
		tr.bytes = 0
	}
	return tr
}

// initTrace sets up tracing from the runtime's options (called by New).
func (rt *Runtime) initTrace() {
	if o := rt.opts.Trace; o != nil {
		rt.trace.tr = newTracer(*o, rt.opts.Lang)
		rt.trace.tr.muted.Store(o.Off && o.Live != nil)
		if !o.Off || o.Live != nil {
			rt.trace.on.Store(rt.trace.tr)
		}
		if o.Live != nil {
			o.Live.Attach(rt)
		}
		// After Attach: a sink whose answer changes before it knows the
		// runtime cannot tell it (TraceSinkChanged), so it is asked now.
		rt.trace.mu.Lock()
		rt.trace.setData()
		rt.trace.mu.Unlock()
	}
}

// setData sets what traceBegin gives the calls that may carry data, from
// on, the lines and the live sink's WantsData. Called with mu held, so
// that of two changes at once the later one sees both.
func (ts *traceState) setData() {
	tr := ts.on.Load()
	switch {
	case tr == nil:
		ts.data.Store(nil)
	case tr.opts.Live != nil && !tr.linesOn() && !tr.opts.Live.WantsData():
		ts.data.Store(&tr.quiet)
	default:
		ts.data.Store(&tr.full)
	}
}

// TraceSinkChanged tells the runtime that its live sink's WantsData may
// have changed (TraceSink): the runtime asks it again. Safe from any
// goroutine, and from the sink's TraceEvent.
func (rt *Runtime) TraceSinkChanged() {
	rt.trace.mu.Lock()
	defer rt.trace.mu.Unlock()
	rt.trace.setData()
}

// SetTracing turns the socket trace on or off and reports whether it was
// on. Without Options.Trace, turning it on writes text lines to the
// runtime's Stderr. Safe from any goroutine; a REPL's command for tracing
// can call it.
func (rt *Runtime) SetTracing(on bool) (was bool) {
	rt.trace.mu.Lock()
	defer rt.trace.mu.Unlock()
	was = rt.Tracing()
	defer rt.trace.setData()
	if tr := rt.trace.tr; tr != nil && tr.opts.Live != nil {
		// The live sink goes on; only the lines stop or start.
		tr.muted.Store(!on)
		return was
	}
	if !on {
		rt.trace.on.Store(nil)
		return was
	}
	if rt.trace.tr == nil {
		rt.trace.tr = newTracer(TraceOptions{Text: rt.stderr}, rt.opts.Lang)
	}
	rt.trace.on.Store(rt.trace.tr)
	return was
}

// Tracing reports whether the socket trace is on (its text and JSON
// lines; a live sink is always on).
func (rt *Runtime) Tracing() bool {
	tr := rt.trace.on.Load()
	return tr != nil && !tr.muted.Load()
}

// linesOn reports whether the tracer writes lines (text or JSON) now.
func (tr *tracer) linesOn() bool {
	return !tr.muted.Load() && (tr.opts.Text != nil || tr.opts.JSON != nil)
}

// traceCall is one traced socket call: when it began and, for a call
// that puts bytes or a connection on the wire, its place in the output.
type traceCall struct {
	tr      *tracer
	t0      time.Time
	quiet   bool // the tracer's quiet call (traceState.data)
	atStart bool // the event is timed when the call began
	slot    *traceSlot
	live    *LiveEvent // the live sink's event, made beforehand (nil: made by emit)
}

// traceBegin is called where a socket call that may wait starts: nil when
// tracing is off (the call sites check that, and do nothing else).
func (rt *Runtime) traceBegin() *traceCall {
	c := rt.trace.data.Load()
	if c == nil || c.quiet {
		// Off, or a live view without a page: most calls are recvs, of
		// which it wants only the bytes, so no allocation, no clock (the
		// events of traceBegin's calls are timed when they return; only
		// their durations are lost).
		return c
	}
	return c.tr.begin()
}

// begin is a traced call, starting now.
func (tr *tracer) begin() *traceCall {
	c := &traceCall{tr: tr, t0: time.Now()}
	if tr.opts.Live != nil && tr.opts.Live.WantsData() {
		// The event is taken here, before the call waits, not after it
		// returns: the allocator may go deep, and an idle task's stack
		// must stay within the call's wait.
		c.live = tr.newLive()
	}
	return c
}

// newLive is a live event for the sink: one the sink gave back
// (Runtime.ReuseLive), else from a batch allocated at once. An event made
// after a call returned then rarely needs the allocator, which would take
// a task's stack beyond its wait's (and growing a stack copies it); and a
// sink that keeps only recent events costs no allocation per event.
// Called with the runtime lock held.
func (tr *tracer) newLive() *LiveEvent {
	if len(tr.reused) == 0 && tr.nFree.Load() > 0 {
		tr.freeMu.Lock()
		tr.reused, tr.free = tr.free, tr.reused
		tr.nFree.Store(0)
		tr.freeMu.Unlock()
	}
	if n := len(tr.reused); n > 0 {
		e := tr.reused[n-1]
		tr.reused[n-1] = nil
		tr.reused = tr.reused[:n-1]
		return e
	}
	if len(tr.batch) == 0 {
		tr.batch = make([]LiveEvent, liveBatch)
	}
	e := &tr.batch[0]
	tr.batch = tr.batch[1:]
	return e
}

// ReuseLive gives the runtime back live events that its sink got
// (TraceSink.TraceEvent) and holds no more: the tracer makes its next
// events in them instead of allocating new ones. The sink must keep no
// pointer into them, nor give one back twice. Safe from any goroutine.
func (rt *Runtime) ReuseLive(evs []*LiveEvent) {
	rt.trace.mu.Lock()
	tr := rt.trace.tr
	rt.trace.mu.Unlock()
	if tr == nil || tr.opts.Live == nil || len(evs) == 0 {
		return
	}
	for _, e := range evs {
		*e = LiveEvent{} // here, not on the task that takes it
	}
	tr.freeMu.Lock()
	defer tr.freeMu.Unlock()
	tr.free = append(tr.free, evs...)
	tr.nFree.Store(int64(len(tr.free)))
}

// traceSend is traceBegin for send, sendto and connect, whose event is
// placed where the call began: the runtime lock is released during the
// system call, so the task that receives the bytes may report its recv
// before this call returns, and the reserved place keeps the send first.
func (rt *Runtime) traceSend() *traceCall {
	tr := rt.trace.on.Load()
	if tr == nil {
		return nil
	}
	return tr.beginSend()
}

// traceDataSend is traceSend for a send of data on s (send, sendall,
// sendto, LuaSocket's send and sendto; event is the event it makes).
// While a data event would only be counted (the quiet call, countable),
// it needs neither a place nor its start time: it gets traceBegin's quiet
// call, with no allocation, clock or lock (a failed send's event is then
// timed when it returns).
func (rt *Runtime) traceDataSend(s *Socket, event string) *traceCall {
	c := rt.trace.data.Load()
	if c == nil || c.quiet && countable(s.typ, event) {
		return c
	}
	return c.tr.beginSend()
}

// beginSend is a traced send, placed where it began (traceSend).
func (tr *tracer) beginSend() *traceCall {
	c := tr.begin()
	c.atStart = true
	c.slot = tr.reserve()
	return c
}

// counted counts the call's data event (event, of bytes on s) if the live
// sink does not want it (countOnly), and reports whether it did: then
// there is no event to emit. For the call sites whose event costs
// something to describe (a datagram's address as text), which ask before
// they describe it; emit asks for the others.
func (c *traceCall) counted(s *Socket, event string, bytes int, err error) bool {
	return c.tr.opts.Live != nil && c.tr.countOnly(s, c.slot, event, bytes, err)
}

// emit writes the call's event (err: its failure, nil if none).
func (c *traceCall) emit(L *lua.LState, s *Socket, ev *traceNote, err error) {
	c.tr.emit(L, s, c.t0, c.atStart, c.slot, c.live, ev, err)
}

// settle gives up the call's place if it was not filled: a Lua error
// (an argument or sandbox check) left the call before it could emit.
func (c *traceCall) settle() {
	if c.slot == nil {
		return
	}
	c.tr.mu.Lock()
	defer c.tr.mu.Unlock()
	if !c.slot.filled {
		c.tr.write(c.slot, "", nil, nil)
	}
}

// head is the part of data the event keeps.
func (c *traceCall) head(data string) []byte { return c.tr.head(data) }

// traceSlot is a place in the output, reserved when a call began and
// filled when it returns; the events after it wait for it.
type traceSlot struct {
	text   string
	json   []byte
	live   *LiveEvent // for the live sink, if any
	filled bool
}

// reserve takes a place in the lines; nil when no lines are written (a
// live sink alone orders events by their times, not by their places).
func (tr *tracer) reserve() *traceSlot {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if !tr.linesOn() {
		return nil
	}
	sl := &traceSlot{}
	tr.queue = append(tr.queue, sl)
	return sl
}

// write puts an event in its slot (nil: at the end) and writes out every
// filled slot at the front. Called with tr.mu held.
func (tr *tracer) write(sl *traceSlot, text string, js []byte, live *LiveEvent) {
	if sl == nil {
		if len(tr.queue) == 0 {
			tr.out(text, js, live)
			return
		}
		sl = &traceSlot{}
		tr.queue = append(tr.queue, sl)
	}
	sl.text, sl.json, sl.live, sl.filled = text, js, live, true
	for len(tr.queue) > 0 && tr.queue[0].filled {
		tr.out(tr.queue[0].text, tr.queue[0].json, tr.queue[0].live)
		tr.queue[0] = nil
		tr.queue = tr.queue[1:]
	}
}

func (tr *tracer) out(text string, js []byte, live *LiveEvent) {
	if live != nil {
		tr.opts.Live.TraceEvent(live)
	}
	if w := tr.opts.JSON; w != nil && js != nil {
		w.Write(js)
	}
	if w := tr.opts.Text; w != nil && text != "" {
		io.WriteString(w, text)
	}
}

// Skipped counts data events a live sink did not want (WantsData).
type Skipped struct {
	Events         int // sends and recvs left out
	Sent, Received int // their bytes
}

// countOnly counts a data event (event, of bytes on s) that the live
// sink does not want, and reports whether that is all there is to do: no
// lines are written and the sink does not want it.
func (tr *tracer) countOnly(s *Socket, sl *traceSlot, event string, bytes int, err error) bool {
	if err != nil || bytes == 0 || !countable(s.typ, event) || s.rt.trace.data.Load() != &tr.quiet {
		return false
	}
	sk := &s.traced.skipped
	sk.Events++
	if event == "send" || event == "sendto" {
		sk.Sent += bytes
	} else {
		sk.Received += bytes
	}
	if sl != nil {
		tr.mu.Lock()
		tr.write(sl, "", nil, nil) // a place taken while the lines were on
		tr.mu.Unlock()
	}
	return true
}

// countable reports whether an event of a socket of type typ is a data
// event that a live sink may not want (WantsData): a send or recv, or on
// a datagram socket a sendto or recvfrom. A stream socket's sendto and
// recvfrom are rare, and stay events.
func countable(typ int, event string) bool {
	switch event {
	case "send", "recv":
		return true
	case "sendto", "recvfrom":
		return typ != bsd.SOCK_STREAM
	}
	return false
}

// traceNote is what a call site knows of its event; emit completes it
// into a trace.Event with the time, task, socket, addresses and error.
type traceNote struct {
	event   string // created bind listen connect accept send recv sendto recvfrom shutdown close
	call    string // the Lua call, when it is not the event's name (sendall, recv_msg, makefile, ...)
	data    []byte // the data sent or received (only its first bytes are kept)
	bytes   int    // bytes sent or received (data events)
	bufsize int    // recv, recvfrom: the size asked for (0: not shown)
	remote  string // sendto, recvfrom, connect: the other end, when not the socket's peer
	newSock int    // accept: the new socket
	peer    int    // socketpair: the other socket
	backlog int    // listen
	how     string // shutdown: SHUT_RD, SHUT_WR, SHUT_RDWR
	isData  bool   // bytes is meaningful (also when 0: a recv at end of stream)
}

// emit writes one event of socket s; t0 is when the call began (zero: it
// did not wait), atStart says the event is timed then (else when it
// returned), sl is its reserved place (nil: none), live the live sink's
// event if made beforehand, err its failure (nil: it succeeded). Called
// with the runtime lock held.
func (tr *tracer) emit(L *lua.LState, s *Socket, t0 time.Time, atStart bool, sl *traceSlot, live *LiveEvent, ev *traceNote, err error) {
	// Its frame stays small, the rest being in functions of their own:
	// it runs on the task's stack after a recv, and an idle server task
	// must still fit in 4 KiB (TestIdleTasksFit4KiBStacksWithLiveSink).
	if tr.opts.Live != nil && tr.countOnly(s, sl, ev.event, ev.bytes, err) {
		return
	}
	now := time.Now()
	at := now
	if atStart {
		at = t0
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	local, remote := tr.endpoints(s, ev.event)
	// With a live sink the event is a LiveEvent, whose text forms (Time,
	// Data) are written only if the lines need them now; the sink writes
	// them when it needs them, which a view without a page never does.
	var j *trace.Event
	if tr.opts.Live != nil {
		if live == nil {
			live = tr.newLive()
		}
		live.At = at
		j = &live.Event
	} else {
		j = &trace.Event{}
	}
	tr.fill(j, live, L, s, local, remote, now, t0, at, ev, err)
	var line []byte
	text := ""
	if tr.linesOn() {
		text, line = tr.lines(j, at, ev)
	}
	tr.write(sl, text, line, live)
}

// fill writes the event of socket s (live, if set, is the LiveEvent j
// belongs to). Called with tr.mu held.
//
//go:noinline
func (tr *tracer) fill(j *trace.Event, live *LiveEvent, L *lua.LState, s *Socket, local, remote string, now, t0, at time.Time, ev *traceNote, err error) {
	j.T = roundMicro(at.Sub(tr.start).Seconds())
	if cur := s.rt.current; cur != nil {
		j.Task = cur.id
	}
	j.Sock, j.Event, j.Call = s.id, ev.event, ev.call
	j.Family, j.Type = constName(familyNames, s.family), constName(typeNames, s.typ)
	j.Local, j.Remote = local, remote
	if ev.remote != "" {
		j.Remote = ev.remote
	}
	j.Bufsize, j.New, j.Peer, j.How = ev.bufsize, ev.newSock, ev.peer, ev.how
	if err != nil {
		j.Error, j.Errno = errorFields(L, err)
	}
	if ev.isData {
		if live != nil {
			live.n = ev.bytes
			j.Bytes = &live.n
			// data is not ours to keep
			live.Head = append(live.head[:0], ev.data[:min(len(ev.data), tr.bytes)]...)
		} else {
			n := ev.bytes
			j.Bytes = &n
		}
	}
	if ev.event == "listen" {
		b := ev.backlog
		j.Backlog = &b
	}
	if !t0.IsZero() {
		j.Dur = roundMicro(now.Sub(t0).Seconds())
	}
	if live != nil {
		live.Skipped, s.traced.skipped = s.traced.skipped, Skipped{}
	}
}

// errorFields are a failed call's error text and errno (0: none).
func errorFields(L *lua.LState, err error) (string, int) {
	v, made := err.(valueError)
	if !made {
		v = valueError{errorValue(L, err)}
	}
	errno := 0
	if n, ok := v.t.RawGetString("errno").(lua.LNumber); ok {
		errno = int(n)
	}
	return lualib.ErrorText(v.t), errno
}

// lines writes the event's text forms and its lines. Called with tr.mu
// held.
//
//go:noinline
func (tr *tracer) lines(j *trace.Event, at time.Time, ev *traceNote) (text string, line []byte) {
	j.Time = tr.timeText(at)
	if ev.isData {
		j.Data = hex.EncodeToString(ev.data[:min(len(ev.data), tr.bytes)])
	}
	if tr.opts.JSON != nil {
		line, _ = j.JSONLine() // nil (no line) only for a NaN time
	}
	if tr.opts.Text != nil {
		text = j.TextLineIn(tr.opts.Color, tr.lang)
	}
	return text, line
}

// A LiveEvent is an event as a live sink gets it (TraceOptions.Live): the
// trace.Event, whose Time and Data may not be written yet, and what they
// are written from. Fill writes them.
type LiveEvent struct {
	Event trace.Event
	At    time.Time // the event's time
	Head  []byte    // the first bytes of its data, for Data
	// Skipped is what the socket's data events left out since its
	// previous event carried (TraceSink.WantsData).
	Skipped Skipped
	// What Event.Bytes points to, and Head's bytes: in the event's own
	// allocation, as a busy server makes many events.
	n    int
	head [DefaultTraceBytes]byte
}

// Fill writes the event's Time and Data, if they are not yet, and
// returns the event. Not safe for concurrent use on one event.
func (e *LiveEvent) Fill() *trace.Event {
	if ev := &e.Event; ev.Time == "" {
		ev.Time = e.At.UTC().Format(time.RFC3339Nano)
		if ev.Bytes != nil {
			ev.Data = hex.EncodeToString(e.Head)
		}
	}
	return &e.Event
}

// timeText is t as time.RFC3339Nano writes it in UTC, the date and the
// second formatted once per second: Format was a good part of what an
// event cost a busy server.
func (tr *tracer) timeText(t time.Time) string {
	t = t.UTC()
	if sec := t.Unix(); sec != tr.sec || tr.secText == "" {
		tr.sec, tr.secText = sec, t.Format("2006-01-02T15:04:05")
	}
	var buf [40]byte
	b := append(buf[:0], tr.secText...)
	if ns := t.Nanosecond(); ns != 0 {
		var frac [9]byte
		for i := 8; i >= 0; i-- {
			frac[i] = byte('0' + ns%10)
			ns /= 10
		}
		n := 9
		for frac[n-1] == '0' {
			n--
		}
		b = append(append(b, '.'), frac[:n]...)
	}
	return string(append(b, 'Z'))
}

// head is the part of data an event keeps. It is the string's own bytes,
// not a copy: emit only reads it, and copies what it keeps.
func (tr *tracer) head(data string) []byte {
	n := min(len(data), tr.bytes)
	if n == 0 {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(data), n)
}

func roundMicro(secs float64) float64 { return math.Round(secs*1e6) / 1e6 }

// sockTrace is what the tracer keeps of a socket (Socket.traced, guarded
// by the runtime lock, which every event is made with): on the socket
// itself, so it goes with it, and a busy server's events look nothing up.
type sockTrace struct {
	// addrs are its addresses, so events on a closed socket still name
	// its ends.
	addrs sockAddrs
	// skipped counts the data events the live sink did not want since
	// the socket's last event (countOnly).
	skipped Skipped
}

// sockAddrs are a socket's addresses as last seen; fixed: they stay as
// they are until a bind, listen or connect.
type sockAddrs struct {
	local, remote string
	fixed         bool
}

// endpoints returns the socket's local and remote addresses as text, from
// the kernel while the socket is open, else as last seen; event is the
// event they are for ("" for none). Called with tr.mu held.
func (tr *tracer) endpoints(s *Socket, event string) (local, remote string) {
	seen := s.traced.addrs
	if s.closed() {
		return seen.local, seen.remote
	}
	// A connection that has ended has no peer any more (ENOTCONN): its
	// events still name the peer it had.
	local, remote = seen.local, seen.remote
	// The addresses change only with these events: a connected stream
	// socket keeps its two, a listening one and a bound datagram socket
	// their own, so the events of a busy server do not ask the kernel
	// each time (two system calls per event were most of what tracing
	// cost).
	switch event {
	case "created", "bind", "listen", "connect", "":
	default:
		if seen.fixed {
			return local, remote
		}
	}
	return tr.ask(s, event, local, remote)
}

// ask asks the kernel for the socket's addresses (local and remote are
// the last seen, kept when it cannot tell). Kept out of line: the system
// calls go deep, and only the events that change the addresses get here.
//
//go:noinline
func (tr *tracer) ask(s *Socket, event, local, remote string) (string, string) {
	fixed := false
	if sa, err := s.sys.sockname(); err == nil {
		local = sockaddrText(sa)
		fixed = local != "" && (s.typ != bsd.SOCK_STREAM || event == "listen" || event == "accept")
	}
	if sa, err := s.sys.peername(); err == nil {
		remote = sockaddrText(sa)
		fixed = fixed || s.typ == bsd.SOCK_STREAM
	}
	s.traced.addrs = sockAddrs{local, remote, fixed}
	return local, remote
}

// accepted records the addresses of c, which listener s accepted from
// remote: without a system call when the listener listens on one address
// (a connection's local address is then the listener's), else asking the
// kernel.
func (tr *tracer) accepted(c, s *Socket, remote string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if l := s.traced.addrs; l.fixed && remote != "" && l.local != "" && !wildcardAddr(l.local) {
		c.traced.addrs = sockAddrs{l.local, remote, true}
		return
	}
	tr.endpoints(c, "")
}

// wildcardAddr reports whether addr (host:port) has the address of every
// interface, 0.0.0.0 or ::.
func wildcardAddr(addr string) bool {
	ap, err := netip.ParseAddrPort(addr)
	return err == nil && ap.Addr().IsUnspecified()
}

// sockaddrText writes an address as host:port ([v6]:port), a path for
// AF_UNIX ("" unnamed, "@name" abstract); "" for an unbound IP socket.
func sockaddrText(sa sockAddr) string {
	switch sa.family {
	case bsd.AF_INET, bsd.AF_INET6:
		if sa.port == 0 && sa.ip.IsUnspecified() {
			return ""
		}
		return sa.addrPort().String()
	case bsd.AF_UNIX:
		if strings.HasPrefix(sa.path, "\x00") {
			return "@" + sa.path[1:]
		}
		return sa.path
	}
	return ""
}

// targetText is the address a connect or sendto went to: the resolved
// address, or as written when it could not be resolved.
func targetText(spec addrSpec, sa sockAddr) string {
	if t := sockaddrText(sa); t != "" {
		return t
	}
	if spec.path != "" {
		return spec.path
	}
	return net.JoinHostPort(spec.host, strconv.Itoa(spec.port))
}

// traceEvent emits an event of a call that does not wait, if tracing is
// on (for the calls that are not hot paths; those check traceBegin inline).
func (rt *Runtime) traceEvent(L *lua.LState, s *Socket, ev *traceNote, err error) {
	if tr := rt.trace.on.Load(); tr != nil {
		tr.emit(L, s, time.Time{}, false, nil, nil, ev, err)
	}
}
