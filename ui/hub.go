package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sockplay/sockplay/diagram"
	"github.com/sockplay/sockplay/internal/hexdump"
	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/lualib"
	"github.com/sockplay/sockplay/trace"
)

// The hub is the view's state, in the process that serves the page: the
// processes (its own run and those that joined), their events, the
// latest snapshot of each, and the pages connected. While a page is
// connected, it takes its own run's events every tickEvery and sends the
// pages a frame at most every frameEvery: the sockets and tasks of each
// process, the diagram drawn again by package diagram when events came,
// and the events themselves for the page's log. While none is, it
// sleeps, and takes the events only when the sink is half full (or the
// run ends): a run without a page has no goroutine of the view waking.

const (
	tickEvery  = 50 * time.Millisecond
	frameEvery = 200 * time.Millisecond
	// lingerEvery is how often the closed sockets' lingering TCP state
	// is looked up (kernel_linux.go; not on other systems).
	lingerEvery = time.Second
)

type hub struct {
	local *sink     // this process's run
	lang  i18n.Lang // of the diagram and the log

	frameMu sync.Mutex // one frame at a time
	// tickMu: one take of the run's events at a time, so they stay in
	// order, and none while a frame takes the run's snapshot (frame).
	tickMu sync.Mutex

	mu        sync.Mutex
	procs     []*proc // procs[0] is this process
	nextProc  int
	clients   map[*client]struct{}
	joiners   map[*joinConn]struct{}
	version   int // counts changes of the events, for the diagram
	lastFrame time.Time
	lastLing  time.Time
	built     int // version the current diagram shows
	diagram   json.RawMessage
	diagSeq   int

	watchers atomic.Int32  // pages connected
	changed  chan struct{} // a page came or left (cap 1)

	stop chan struct{}
	done chan struct{}
}

func newHub(local *sink, name string, pid int, lang i18n.Lang) *hub {
	h := &hub{local: local, lang: lang, clients: map[*client]struct{}{}, joiners: map[*joinConn]struct{}{},
		changed: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	h.addProc(name, pid)
	return h
}

func (h *hub) addProc(name string, pid int) *proc {
	h.nextProc++
	p := newProc(h.nextProc, name, pid)
	h.procs = append(h.procs, p)
	return p
}

// run takes the events and sends frames until stop is closed.
func (h *hub) run() {
	defer close(h.done)
	tick := newPacer()
	defer tick.Stop()
	for {
		tick.set(h.watchers.Load() > 0)
		select {
		case <-h.stop:
			h.tick(true)
			return
		case <-tick.C:
			h.tick(false)
		case <-h.local.wake: // half full, or a page came or left
			h.tick(false)
		}
	}
}

// A pacer ticks every tickEvery while a page watches (set), and not at
// all while none does.
type pacer struct {
	*time.Ticker
	on bool
}

func newPacer() *pacer { return &pacer{time.NewTicker(tickEvery), true} }

func (p *pacer) set(on bool) {
	if on == p.on {
		return
	}
	p.on = on
	if on {
		p.Reset(tickEvery)
	} else {
		p.Stop()
	}
}

// tick takes the run's new events and, if a page watches and it is time,
// sends a frame (force: now).
func (h *hub) tick(force bool) {
	h.tickMu.Lock()
	evs, dropped := h.local.take()
	h.mu.Lock()
	h.addEvents(h.procs[0], evs, dropped)
	h.tickMu.Unlock()
	due := force || time.Now().Sub(h.lastFrame) >= frameEvery
	h.mu.Unlock()
	if due && h.watchers.Load() > 0 {
		h.frame()
	}
}

// addEvents records a process's events and passes them to the pages'
// logs. Called with h.mu held.
func (h *hub) addEvents(p *proc, evs []*luabind.LiveEvent, dropped int64) {
	p.dropped += dropped
	if len(evs) == 0 {
		return
	}
	p.add(evs)
	h.version++
	if len(h.clients) > 0 {
		lines := make([]logLine, len(evs))
		who := fmt.Sprintf("%s %d", p.name, p.pid)
		for i, ev := range evs {
			lines[i] = logLine{Proc: p.id, Who: who, Text: ev.Fill().TextLineIn(false, h.lang), Error: ev.Event.Error != ""}
		}
		for c := range h.clients {
			c.push(lines)
		}
	}
	// The events p left out (of evs too) go back to this process's run,
	// which makes its next ones in them; a joined process's were made
	// here (addRemote) and are left to the collector.
	if p == h.procs[0] {
		h.local.reuse(p.gone)
	}
	clear(p.gone)
	p.gone = p.gone[:0]
}

// addRemote takes events that a joined process sent.
func (h *hub) addRemote(p *proc, evs []wireEvent, dropped int64) {
	ptrs := make([]*luabind.LiveEvent, len(evs))
	for i, w := range evs {
		ptrs[i] = &luabind.LiveEvent{Event: w.Event} // Time and Data written
		// At, as the local events have it (a joined process without a
		// page sends its events late).
		ptrs[i].At, _ = time.Parse(time.RFC3339Nano, w.Event.Time)
		if w.Skipped != nil {
			ptrs[i].Skipped = *w.Skipped
		}
	}
	h.mu.Lock()
	h.addEvents(p, ptrs, dropped)
	h.mu.Unlock()
}

// frame sends every page the state of every process, and the diagram
// if events came since the last.
func (h *hub) frame() {
	h.frameMu.Lock()
	defer h.frameMu.Unlock()
	// No events of the run are added between the snapshot and its place
	// (proc.setSnap).
	h.tickMu.Lock()
	local := h.local.snapshot()
	now := time.Now()

	h.mu.Lock()
	h.tickMu.Unlock()
	h.lastFrame = now
	if local != nil {
		h.procs[0].setSnap(local)
	}
	var closed []*closedSock
	var ends [][2]string
	// Look the closed connections up when one is new, else every
	// lingerEvery while one may still linger (TIME_WAIT lasts a minute).
	var tcp []*closedSock
	fresh := false
	for _, p := range h.procs {
		for _, c := range p.closed {
			if c.typ == "SOCK_STREAM" && c.family != "AF_UNIX" && now.Sub(c.at) < 2*time.Minute {
				tcp = append(tcp, c)
				fresh = fresh || !c.looked
			}
		}
	}
	if fresh || now.Sub(h.lastLing) >= lingerEvery {
		h.lastLing = now
		closed = tcp
		for _, c := range tcp {
			ends = append(ends, [2]string{c.local, c.remote})
		}
	}
	h.mu.Unlock()
	var linger []string
	if len(ends) > 0 {
		linger = lingering(ends) // kernel_linux.go
	}

	h.mu.Lock()
	for i, c := range closed {
		// Meanwhile c may have become another socket's (proc.closedSock):
		// that one is looked up next time.
		if c.local == ends[i][0] && c.remote == ends[i][1] {
			c.linger, c.looked = linger[i], true
		}
	}
	views := make([]procView, len(h.procs))
	for i, p := range h.procs {
		views[i] = p.view(i == 0)
	}
	var traces []*trace.Trace
	var skipped map[diagram.SockRef]diagram.Skipped
	rebuild := h.version != h.built
	if rebuild {
		h.built = h.version
		skipped = map[diagram.SockRef]diagram.Skipped{}
		for i, p := range h.procs {
			tr := &trace.Trace{Name: p.label(), Events: make([]trace.Event, len(p.events))}
			// Copies, Bytes too: the diagram is drawn without the lock,
			// and an event left out meanwhile is made again in the run
			// (luabind.Runtime.ReuseLive).
			counts := make([]int, len(p.events))
			for j, ev := range p.events {
				e := &tr.Events[j]
				*e = *ev.Fill() // each event is filled once, with the lock
				if e.Bytes != nil {
					counts[j] = *e.Bytes
					e.Bytes = &counts[j]
				}
			}
			traces = append(traces, tr)
			for sock, sk := range p.skipped {
				skipped[diagram.SockRef{Trace: i, Sock: sock}] = sk
			}
		}
	}
	h.mu.Unlock()

	var diag json.RawMessage
	if rebuild {
		diag = drawDiagram(diagram.BuildWith(diagram.Options{Last: true, Skipped: skipped, Lang: h.lang}, traces...))
	}
	procs, _ := json.Marshal(views)

	h.mu.Lock()
	defer h.mu.Unlock()
	if rebuild {
		h.diagSeq++
		h.diagram = diag
	}
	f := &sharedFrame{procs: procs, diagram: h.diagram, diagSeq: h.diagSeq}
	for c := range h.clients {
		c.setFrame(f)
	}
}

// label names a process in the diagram.
func (p *proc) label() string {
	return fmt.Sprintf("%s (pid %d)", p.name, p.pid)
}

// The JSON the page reads (page/app.js).

type procView struct {
	ID       int    `json:"id"`
	Name     string `json:"name"`
	PID      int    `json:"pid"`
	Host     bool   `json:"host"` // the process that serves the view
	Ended    bool   `json:"ended"`
	EndedWhy string `json:"ended_why,omitempty"`
	Dropped  int64  `json:"dropped"` // events the view never got
	Trimmed  int    `json:"trimmed"` // old events left out of the diagram
	// Unrecorded counts the data events (sends, recvs, datagrams) not
	// recorded while no page watched (their bytes were counted).
	Unrecorded int        `json:"unrecorded"`
	Busy       bool       `json:"busy"`
	Sockets    []sockView `json:"sockets"`
	Closed     []sockView `json:"closed"`
	Tasks      []taskView `json:"tasks"`
}

type sockView struct {
	Sock      int          `json:"sock"`
	FD        int          `json:"fd"`
	Family    string       `json:"family"`
	Type      string       `json:"type"`
	Local     string       `json:"local"`
	Remote    string       `json:"remote"`
	State     string       `json:"state"`
	Kernel    bool         `json:"kernel"` // State is TCP's, from the kernel
	In        int64        `json:"in"`
	Out       int64        `json:"out"`
	BytesFrom string       `json:"bytes_from"` // "kernel" or "trace"
	RecvQ     int          `json:"recvq"`
	SendQ     int          `json:"sendq"`
	RTT       float64      `json:"rtt_ms"`
	AcceptQ   int          `json:"acceptq"`
	Backlog   int          `json:"backlog"`
	Waiters   []waiterView `json:"waiters"`
	Closed    bool         `json:"closed"`
}

type waiterView struct {
	Task int    `json:"task"`
	Call string `json:"call"`
}

type taskView struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Call  string `json:"call"`
	Where string `json:"where"`
	Sock  int    `json:"sock"`
}

// view is the process as the page shows it. Called with the hub's lock
// held.
func (p *proc) view(host bool) procView {
	v := procView{ID: p.id, Name: p.name, PID: p.pid, Host: host, Ended: p.ended, EndedWhy: p.endedWhy,
		Dropped: p.dropped, Trimmed: p.trimmed, Unrecorded: p.unrecorded, Sockets: []sockView{}, Closed: []sockView{}, Tasks: []taskView{}}
	for _, sk := range p.pending {
		v.Unrecorded += sk.Events
	}
	if s := p.snap; s != nil && !p.ended {
		v.Busy = s.Busy
		for _, ss := range s.Sockets {
			v.Sockets = append(v.Sockets, p.sockView(ss))
		}
		for _, t := range s.Tasks {
			v.Tasks = append(v.Tasks, taskView{ID: t.ID, Name: t.Name, Call: t.Call, Where: t.Where, Sock: t.Sock})
		}
	}
	for i := len(p.closed) - 1; i >= 0; i-- {
		c := p.closed[i]
		state := "CLOSED"
		if c.linger != "" {
			state = c.linger
		}
		v.Closed = append(v.Closed, sockView{Sock: c.sock, FD: -1, Family: c.family, Type: c.typ, Local: c.local, Remote: c.remote,
			State: state, Kernel: c.linger != "", In: c.in, Out: c.out, BytesFrom: "trace", Closed: true, Waiters: []waiterView{}})
	}
	return v
}

func (p *proc) sockView(ss luabind.SocketState) sockView {
	v := sockView{Sock: ss.Sock, FD: ss.FD, Family: ss.Family, Type: ss.Type, Local: ss.Local, Remote: ss.Remote,
		BytesFrom: "trace", Waiters: []waiterView{}}
	if c := p.counts[ss.Sock]; c != nil {
		v.In, v.Out = c.in, c.out
	}
	sk := p.pending[ss.Sock]
	v.In += int64(sk.Received)
	v.Out += int64(sk.Sent)
	for _, w := range ss.Waiters {
		v.Waiters = append(v.Waiters, waiterView{Task: w.Task, Call: w.Call})
	}
	k := ss.Kernel
	switch {
	case k != nil && k.State != "":
		v.State, v.Kernel = k.State, true
		v.In, v.Out, v.BytesFrom = int64(k.Received), int64(k.Sent), "kernel"
		v.RTT = float64(k.RTT) / float64(time.Millisecond)
		v.AcceptQ, v.Backlog = k.AcceptQueue, k.Backlog
	case ss.Listening:
		v.State = "LISTEN"
	case ss.Remote != "":
		v.State = "CONNECTED"
	case ss.Local != "":
		v.State = "BOUND"
	default:
		v.State = "UNBOUND"
	}
	if k != nil {
		v.RecvQ, v.SendQ = k.RecvQueue, k.SendQueue
	}
	return v
}

type diagramView struct {
	Seq     int        `json:"seq"`
	SVG     string     `json:"svg"`
	Steps   []stepView `json:"steps"` // by the SVG's data-step
	Omitted int        `json:"omitted"`
}

// stepView is what the page shows when a step of the diagram is
// clicked: its details, and for data its bytes as a hex dump and as text.
type stepView struct {
	Title string `json:"title"`
	Bytes *int   `json:"bytes,omitempty"`
	Shown int    `json:"shown"` // how many of the bytes the trace kept
	Hex   string `json:"hex,omitempty"`
	Text  string `json:"text,omitempty"`
}

func drawDiagram(d *diagram.Diagram) json.RawMessage {
	var svg bytes.Buffer
	d.WriteSVG(&svg)
	v := diagramView{SVG: svg.String(), Omitted: d.Omitted, Steps: make([]stepView, len(d.Steps))}
	for i, st := range d.Steps {
		sv := stepView{Title: st.Title, Bytes: st.Ev.Bytes}
		if data := st.Ev.DataBytes(); len(data) > 0 {
			sv.Shown = len(data)
			sv.Hex = hexdump.Dump(data)
			sv.Text = lualib.Quote(string(data))
		}
		v.Steps[i] = sv
	}
	b, _ := json.Marshal(v)
	return b
}

// A sharedFrame is the part of a frame every page gets.
type sharedFrame struct {
	procs   json.RawMessage
	diagram json.RawMessage
	diagSeq int
}

// logLine is one event in a page's log.
type logLine struct {
	Proc  int    `json:"proc"`
	Who   string `json:"who"` // the process's name and pid
	Text  string `json:"text"`
	Error bool   `json:"error,omitempty"`
}

// clientMax bounds the log lines waiting for a page: a page that reads
// slower than the run makes events misses the rest, and is told how many.
const clientMax = 1000

// A client is one page. The hub never waits for it: it replaces the
// frame waiting to be sent with the newest, appends log lines up to
// clientMax (counting what it drops), and wakes the client's writer.
type client struct {
	send func(msg []byte) error // writes one message (the WebSocket); may be slow

	mu       sync.Mutex
	pending  []logLine
	dropped  int64 // log lines this page missed, in all
	frame    *sharedFrame
	sentDiag int
	wake     chan struct{}
}

func newClient(send func([]byte) error) *client {
	return &client{send: send, wake: make(chan struct{}, 1)}
}

func (c *client) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *client) push(lines []logLine) {
	c.mu.Lock()
	room := clientMax - len(c.pending)
	if room < len(lines) {
		c.dropped += int64(len(lines) - max(room, 0))
		lines = lines[:max(room, 0)]
	}
	c.pending = append(c.pending, lines...)
	c.mu.Unlock()
	c.poke()
}

func (c *client) setFrame(f *sharedFrame) {
	c.mu.Lock()
	c.frame = f
	c.mu.Unlock()
	c.poke()
}

// next is the message to send now, nil if nothing is new.
func (c *client) next() []byte {
	c.mu.Lock()
	lines, f, dropped := c.pending, c.frame, c.dropped
	c.pending, c.frame = nil, nil
	sendDiag := f != nil && f.diagSeq != c.sentDiag && f.diagram != nil
	if sendDiag {
		c.sentDiag = f.diagSeq
	}
	c.mu.Unlock()
	if len(lines) == 0 && f == nil {
		return nil
	}
	var b bytes.Buffer
	b.WriteString(`{"type":"frame","dropped":` + strconv.FormatInt(dropped, 10))
	if f != nil {
		b.WriteString(`,"procs":`)
		b.Write(f.procs)
		if sendDiag {
			b.WriteString(`,"diagram":`)
			b.Write(f.diagram)
		}
	}
	if len(lines) > 0 {
		lj, _ := json.Marshal(lines)
		b.WriteString(`,"events":`)
		b.Write(lj)
	}
	b.WriteString("}")
	return b.Bytes()
}

// writeLoop sends the client's messages until done is closed or a write
// fails.
func (c *client) writeLoop(done <-chan struct{}) error {
	for {
		select {
		case <-done:
			return nil
		case <-c.wake:
		}
		if msg := c.next(); msg != nil {
			if err := c.send(msg); err != nil {
				return err
			}
		}
	}
}

// addClient registers a page and sends it everything at once. The events
// the sink holds (without a page the hub takes them only when it fills)
// are taken first: they go to the diagram, not to this page's log, as
// the events before it came.
func (h *hub) addClient(c *client) {
	h.tick(false)
	h.mu.Lock()
	h.clients[c] = struct{}{}
	h.mu.Unlock()
	h.watchers.Add(1)
	h.notifyWatch()
	h.frame()
}

func (h *hub) removeClient(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
	h.watchers.Add(-1)
	h.notifyWatch()
}

// notifyWatch tells the joined processes whether a page watches (they
// take snapshots only then), and Finish that the pages changed.
func (h *hub) notifyWatch() {
	// Read with the lock held: of two pages that come and go at once,
	// the later call sets what holds.
	h.mu.Lock()
	on := h.watchers.Load() > 0
	h.local.setWatched(on) // which wakes run, to tick or to stop
	for j := range h.joiners {
		j.setWatch(on)
	}
	h.mu.Unlock()
	select {
	case h.changed <- struct{}{}:
	default:
	}
}
