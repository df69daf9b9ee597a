// Package diagram draws socket traces (the JSON lines that sockplay's
// --trace-json writes, read with package trace; see docs/TRACE.md) as
// sequence diagrams in SVG: one lifeline per endpoint, the connect/accept
// handshake, each send with its bytes and the recv calls that took them,
// FIN and close, UDP datagrams, errors. Several traces (a server's and a
// client's, from two processes) are merged by time and matched by their
// address pairs.
//
// The package works on trace.Events alone: it does not need the runtime
// that wrote them, nor the Lua VM.
package diagram

import (
	"fmt"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/trace"
)

// MaxSteps bounds a diagram: a long trace draws its first MaxSteps steps
// and says how many it left out.
const MaxSteps = 600

// Diagram is one or several traces merged in time and matched across:
// the lifelines and the steps to draw, top to bottom.
type Diagram struct {
	Traces    []string
	Lifelines []*Lifeline
	Steps     []*Step
	Omitted   int // events beyond MaxSteps, not drawn
	// OmittedEarlier: the omitted events are the first ones, not the last
	// (Options.Last).
	OmittedEarlier bool

	lang i18n.Lang // of its words: the legend, notes, "bytes"
}

// Options change what Build draws.
type Options struct {
	// Last draws the last MaxSteps steps instead of the first: a live
	// view follows the end of a run.
	Last bool
	// Skipped is, per socket, how many bytes it sent and received in
	// events left out of the traces given (a live view keeps only the
	// recent data events), so that the bytes of the events given are
	// still matched by their offsets in the stream.
	Skipped map[SockRef]Skipped
	// Lang is the language of the diagram's own words (the legend, the
	// notes, "3 bytes"); the calls, addresses and TCP's words (FIN, SYN)
	// are the same in every language.
	Lang i18n.Lang
}

// SockRef names a socket: the index of its trace in Build's arguments
// and its number in that trace.
type SockRef struct{ Trace, Sock int }

// Skipped is what the events left out of a socket's trace carried.
type Skipped struct{ Sent, Received int }

// A Lifeline is one endpoint: an address (host:port, a path), or one
// unnamed AF_UNIX socket.
type Lifeline struct {
	// Endpoint is its address: "127.0.0.1:8081", "/tmp/echo.sock", or
	// "(unnamed)" (Unnamed), which the SVG shows in the diagram's
	// language.
	Endpoint string
	Unnamed  bool   // an unnamed AF_UNIX socket's, or an address not known
	Traced   bool   // false: only seen as the other end of a traced socket
	Detail   string // which trace and sockets: "server.jsonl: sock 1, 2"
	// Group is the trace (an index in Diagram.Traces) whose sockets the
	// lifeline shows; -1 for one that is not traced. The lifelines of a
	// group are side by side.
	Group int
	socks []*sock
	index int
	near  *Lifeline // an untraced lifeline: the one that talks to it
	used  bool      // a drawn step starts or ends on it
}

// Step kinds, also the SVG class of their group.
const (
	KindNote      = "note"      // created, bind, listen, accept, close, shutdown
	KindError     = "error"     // a call that failed
	KindHandshake = "handshake" // connect and accept: SYN, SYN-ACK, ACK
	KindRefused   = "refused"   // a connect that failed: SYN, then RST or nothing
	KindSend      = "send"      // bytes into a stream
	KindRecv      = "recv"      // bytes out of a stream (or the end of it)
	KindFIN       = "fin"       // close or shutdown: the end of a direction
	KindRST       = "rst"       // a close that reset the connection (the peer's recv failed)
	KindDatagram  = "datagram"  // sendto, or send on a datagram socket
	KindDgramRecv = "dgramrecv" // recvfrom, or recv on a datagram socket
)

// A Step is one thing drawn at one row: a note on a lifeline, or an arrow
// from a lifeline to another, ending at the row of the step it is linked
// to (a send ends at the recv that took its first bytes).
type Step struct {
	Kind  string
	Row   int
	Rows  int     // rows it takes (a handshake takes 2)
	At    float64 // seconds since the first event of the diagram
	Trace string
	Ev    *trace.Event
	From  *Lifeline // where it is drawn, or where the arrow starts
	To    *Lifeline // the arrow's end (nil: a note)
	Label string
	Title string  // details, shown as a tooltip
	Links []*Step // send: the recvs that took its bytes; recv: the sends it took bytes of; fin: the recv that saw it

	preview string // of a send's data, for its label
}

type sockKey struct{ trace, id int }

// sock is one socket of one trace.
type sock struct {
	key           sockKey
	family, typ   string
	local, remote string
	listening     bool
	first         int // position of its first event
	lifeline      *Lifeline
	peer          *sock // the other end of a stream connection
	sends         []span
	taken         int   // the first of the peer's sends not wholly received
	got           int   // bytes received so far (stream)
	sent          int   // bytes sent so far (stream)
	fin           *Step // the FIN it sent, once sent
	finSeen       bool  // a recv saw the peer's FIN
	closed        bool
	pairID        int // socketpair: the other socket's number
}

// span is the bytes [start, end) of a stream that one send put in.
type span struct {
	start, end int
	step       *Step
}

func (s *sock) stream() bool { return s.typ != "SOCK_DGRAM" }

type item struct {
	ev    *trace.Event
	trace int
	at    float64
}

// Build merges traces in time and matches them: stream sockets by their
// address pairs, bytes sent to bytes received by their offsets in the
// stream, datagrams in order per sender and receiver.
func Build(traces ...*trace.Trace) *Diagram { return BuildWith(Options{}, traces...) }

// BuildWith is Build with options. Its cost is linear in the events (and
// n log n for merging them by time), however many connections they have.
func BuildWith(opts Options, traces ...*trace.Trace) *Diagram {
	d := &Diagram{lang: opts.Lang}
	var items []item
	for ti, tr := range traces {
		d.Traces = append(d.Traces, tr.Name)
		for i := range tr.Events {
			ev := &tr.Events[i]
			// Sends and connects are timed when they began, the rest
			// when they returned: a send comes before the recv that
			// took its bytes, also across two processes.
			items = append(items, item{ev, ti, ev.Wall()})
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].at < items[j].at })

	b := &builder{d: d, traces: traces, socks: map[sockKey]*sock{}, lines: map[string]*Lifeline{},
		byPort: map[string][]*Lifeline{}, dgrams: map[dgramKey][]*Step{}}
	b.scan(items)
	for k, sk := range opts.Skipped {
		if s := b.socks[sockKey{k.Trace, k.Sock}]; s != nil {
			s.sent, s.got = sk.Sent, sk.Received
		}
	}
	b.pair()
	start := 0.0
	if len(items) > 0 {
		start = items[0].at
	}
	for _, it := range items {
		if !opts.Last && len(d.Steps) >= MaxSteps {
			d.Omitted++
			continue
		}
		b.step(it, it.at-start)
	}
	if opts.Last && len(d.Steps) > MaxSteps {
		d.Omitted = len(d.Steps) - MaxSteps
		d.OmittedEarlier = true
		d.Steps = d.Steps[d.Omitted:]
		drawn := make(map[*Step]bool, len(d.Steps))
		for _, st := range d.Steps {
			drawn[st] = true
		}
		for _, st := range d.Steps {
			st.Links = slices.DeleteFunc(st.Links, func(l *Step) bool { return !drawn[l] })
		}
	}
	for _, st := range d.Steps {
		st.From.used = true
		if st.To != nil {
			st.To.used = true
		}
	}
	b.arrange()
	row := 0
	for _, st := range d.Steps {
		st.Row = row
		row += st.Rows
		if st.Kind == KindSend {
			if len(st.Links) > 1 {
				st.Label += " → " + d.lang.Sprintf("%d recvs", len(st.Links))
			}
			st.Label += " " + st.preview
		}
	}
	return d
}

type builder struct {
	d      *Diagram
	traces []*trace.Trace
	socks  map[sockKey]*sock
	order  []*sock
	lines  map[string]*Lifeline
	// byPort holds the traced lifelines by the port of their endpoint
	// (portOf): only those can be sameEndpoint as an address.
	byPort map[string][]*Lifeline
	// dgrams are the datagrams not received yet, in order, by where they
	// go and the port (or path) they came from.
	dgrams map[dgramKey][]*Step
}

type dgramKey struct {
	to   *Lifeline
	from string
}

// scan learns every socket's final addresses, then gives each a lifeline.
func (b *builder) scan(items []item) {
	get := func(ti, id int, pos int) *sock {
		k := sockKey{ti, id}
		s := b.socks[k]
		if s == nil {
			s = &sock{key: k, first: pos}
			b.socks[k] = s
			b.order = append(b.order, s)
		}
		return s
	}
	for pos, it := range items {
		ev := it.ev
		s := get(it.trace, ev.Sock, pos)
		if ev.Family != "" {
			s.family, s.typ = ev.Family, ev.Type
		}
		if ev.Local != "" {
			s.local = ev.Local
		}
		if ev.Peer != 0 {
			s.pairID = ev.Peer
		}
		switch ev.Event {
		case "listen":
			s.listening = ev.Error == ""
		case "accept":
			s.listening = true
			if ev.New != 0 && ev.Error == "" {
				c := get(it.trace, ev.New, pos)
				c.family, c.typ = s.family, s.typ
				if c.local == "" {
					c.local = s.local
				}
				c.remote = ev.Remote
			}
		case "sendto", "recvfrom":
		case "connect":
			if ev.Error == "" && ev.Remote != "" {
				s.remote = ev.Remote
			}
		default:
			if ev.Remote != "" && s.stream() && !s.listening {
				s.remote = ev.Remote
			}
		}
	}
	for _, s := range b.order {
		ep := s.local
		if ep == "" {
			// Unnamed (an AF_UNIX client, socketpair): a lifeline of its own.
			ep = fmt.Sprintf("(unnamed) %s sock %d", b.traces[s.key.trace].Name, s.key.id)
		}
		l := b.lines[ep]
		if l == nil {
			l = &Lifeline{Endpoint: ep, Traced: true, Group: s.key.trace}
			if s.local == "" {
				l.Endpoint, l.Unnamed = trace.ShowAddr(""), true
			}
			k := portOf(l.Endpoint)
			b.byPort[k] = append(b.byPort[k], l)
			b.lines[ep] = l
			b.d.Lifelines = append(b.d.Lifelines, l)
		}
		l.socks = append(l.socks, s)
		s.lifeline = l
	}
	for _, l := range b.d.Lifelines {
		var parts []string
		byTrace := map[int][]string{}
		var traces []int
		for _, s := range l.socks {
			if _, ok := byTrace[s.key.trace]; !ok {
				traces = append(traces, s.key.trace)
			}
			byTrace[s.key.trace] = append(byTrace[s.key.trace], strconv.Itoa(s.key.id))
		}
		for _, ti := range traces {
			name, socks := b.traces[ti].Name, strings.Join(byTrace[ti], ", ")
			if len(byTrace[ti]) > 1 {
				parts = append(parts, b.d.lang.Sprintf("%s: socks %s", name, socks))
			} else {
				parts = append(parts, b.d.lang.Sprintf("%s: sock %s", name, socks))
			}
		}
		l.Detail = strings.Join(parts, "; ")
	}
}

// pair matches the two ends of each stream connection: a socket whose
// remote is the other's local, and the other way round. Unnamed AF_UNIX
// clients all look alike; they pair in the order they appear.
func (b *builder) pair() {
	for _, s := range b.order {
		if s.pairID != 0 && s.peer == nil {
			// socketpair names its pair; both ends are unnamed.
			if p := b.socks[sockKey{s.key.trace, s.pairID}]; p != nil && p.peer == nil {
				s.peer, p.peer = p, s
			}
		}
	}
	// The candidates by their remote address, in order: a socket's peer
	// is the first unpaired one whose remote is its local address.
	type queue struct {
		socks []*sock
		head  int // the ones before it are paired
	}
	byRemote := map[string]*queue{}
	for _, p := range b.order {
		if p.stream() && p.peer == nil && !p.listening {
			q := byRemote[p.remote]
			if q == nil {
				q = &queue{}
				byRemote[p.remote] = q
			}
			q.socks = append(q.socks, p)
		}
	}
	for _, s := range b.order {
		if !s.stream() || s.peer != nil || s.remote == "" || s.listening {
			continue
		}
		q := byRemote[s.local]
		if q == nil {
			continue
		}
		for q.head < len(q.socks) && q.socks[q.head].peer != nil {
			q.head++
		}
		for _, p := range q.socks[q.head:] {
			if p != s && p.peer == nil && sameEndpoint(p.local, s.remote) {
				s.peer, p.peer = p, s
				break
			}
		}
	}
}

// sameEndpoint compares addresses, a wildcard host (0.0.0.0, ::) matching
// any host on the same port.
func sameEndpoint(a, b string) bool {
	if a == b {
		return true
	}
	ah, ap, err1 := net.SplitHostPort(a)
	bh, bp, err2 := net.SplitHostPort(b)
	if err1 != nil || err2 != nil || ap != bp {
		return false
	}
	wild := func(h string) bool { return h == "0.0.0.0" || h == "::" }
	return wild(ah) || wild(bh)
}

// portOf is the port of host:port, else the address itself (a path).
func portOf(addr string) string {
	if _, port, err := net.SplitHostPort(addr); err == nil {
		return port
	}
	return addr
}

// lifelineFor finds the lifeline of an address, or adds an untraced one
// next to near, the lifeline that talks to it.
func (b *builder) lifelineFor(addr string, near *Lifeline) *Lifeline {
	unnamed := addr == ""
	if unnamed {
		addr = trace.ShowAddr("")
	}
	if l := b.lines[addr]; l != nil {
		return l
	}
	for _, l := range b.byPort[portOf(addr)] {
		if sameEndpoint(l.Endpoint, addr) {
			return l
		}
	}
	l := &Lifeline{Endpoint: addr, Unnamed: unnamed, Detail: b.d.lang.Sprintf("not traced"), near: near, Group: -1}
	b.lines[addr] = l
	b.d.Lifelines = append(b.d.Lifelines, l)
	return l
}

// arrange leaves out the lifelines no drawn step uses, keeps those of a
// trace side by side (in the order they appear), puts each untraced
// lifeline right after the one that talks to it, so its arrows do not
// cross the whole diagram, and numbers them.
func (b *builder) arrange() {
	var out []*Lifeline
	near := map[*Lifeline][]*Lifeline{}
	for _, l := range b.d.Lifelines {
		if l.near != nil {
			near[l.near] = append(near[l.near], l)
		}
	}
	var place func(l *Lifeline)
	place = func(l *Lifeline) {
		if l.used {
			out = append(out, l)
		}
		for _, u := range near[l] {
			place(u)
		}
	}
	groups := map[int][]*Lifeline{}
	var order []int
	for _, l := range b.d.Lifelines {
		if l.near != nil {
			continue
		}
		if _, ok := groups[l.Group]; !ok {
			order = append(order, l.Group)
		}
		groups[l.Group] = append(groups[l.Group], l)
	}
	for _, g := range order {
		for _, l := range groups[g] {
			place(l)
		}
	}
	for i, l := range out {
		l.index = i
	}
	b.d.Lifelines = out
}

func (b *builder) add(st *Step) *Step {
	if st.Rows == 0 {
		st.Rows = 1
	}
	b.d.Steps = append(b.d.Steps, st)
	return st
}

// step turns one event into what is drawn for it.
func (b *builder) step(it item, at float64) {
	ev := it.ev
	s := b.socks[sockKey{it.trace, ev.Sock}]
	st := &Step{At: at, Trace: b.traces[it.trace].Name, Ev: ev, From: s.lifeline, Title: title(b.d.lang, b.traces[it.trace].Name, ev, at, s.listening)}
	if ev.Error != "" && ev.Event != "connect" {
		st.Kind = KindError
		st.Label = fmt.Sprintf("%s ✗ %s", ev.CallName(), ev.Error)
		if p := s.peer; p != nil && ev.Errno == 104 && p.fin != nil && len(p.fin.Links) == 0 {
			// The peer's close reset the connection (SO_LINGER 0, or
			// unread data): what it sent was an RST, not a FIN.
			p.fin.Kind = KindRST
			p.fin.Label = strings.TrimSuffix(p.fin.Label, " → FIN") + " → RST"
			p.fin.Links = append(p.fin.Links, st)
			st.Links = append(st.Links, p.fin)
			st.To = p.lifeline
		}
		b.add(st)
		return
	}
	switch ev.Event {
	case "created":
		st.Kind = KindNote
		st.Label = "socket() → " + sockWord(b.d.lang, ev.Sock) + " " + shortType(b.d.lang, ev.Type)
		if ev.Call != "" {
			st.Label += " (" + ev.Call + ")"
		}
	case "bind":
		st.Kind = KindNote
		st.Label = "bind(" + trace.ShowAddrIn(b.d.lang, ev.Local) + ")"
	case "listen":
		st.Kind = KindNote
		st.Label = "listen(" + backlog(ev) + ")"
	case "accept":
		st.Kind = KindNote
		newSock, client := strconv.Itoa(ev.New), trace.ShowAddrIn(b.d.lang, ev.Remote)
		st.Label = "accept() → " + b.d.lang.Sprintf("sock %s for %s", newSock, client)
	case "connect":
		b.connect(st, s)
		return
	case "send", "sendto", "recv", "recvfrom":
		b.data(st, s)
		return
	case "shutdown":
		st.Kind = KindNote
		st.Label = "shutdown(" + ev.How + ")"
		if ev.How != "SHUT_RD" {
			b.fin(st, s)
			return
		}
	case "close":
		st.Kind = KindNote
		st.Label = "close()"
		s.closed = true
		if s.fin == nil && s.stream() && s.remote != "" && !s.listening {
			b.fin(st, s)
			return
		}
	default:
		st.Kind = KindNote
		st.Label = ev.CallName()
	}
	b.add(st)
}

// data draws a data event: bytes into or out of a stream, or a datagram
// (sendto is one on any socket; recvfrom and send on a datagram socket).
// A datagram's other end is the event's address (sendto, recvfrom), else
// the socket's peer.
func (b *builder) data(st *Step, s *sock) {
	ev := st.Ev
	other := s.remote
	if ev.Event == "sendto" || ev.Event == "recvfrom" {
		other = ev.Remote
	}
	sending := ev.Event == "send" || ev.Event == "sendto"
	switch {
	case sending && (ev.Event == "sendto" || !s.stream()):
		b.datagram(st, s, other)
	case sending:
		b.send(st, s)
	case !s.stream():
		b.dgramRecv(st, s, other)
	default:
		b.recv(st, s)
	}
}

func (b *builder) connect(st *Step, s *sock) {
	ev := st.Ev
	if s.peer != nil {
		st.To = s.peer.lifeline
	} else {
		st.To = b.lifelineFor(ev.Remote, s.lifeline)
	}
	switch {
	case ev.Error != "":
		st.Kind = KindRefused
		st.Rows = 2
		st.Label = "connect() ✗ " + ev.Error
	case !s.stream():
		// A datagram socket's connect only sets its default peer.
		st.Kind = KindNote
		st.To = nil
		st.Label = "connect(" + trace.ShowAddrIn(b.d.lang, ev.Remote) + "): " + b.d.lang.Sprintf("the default peer")
	default:
		st.Kind = KindHandshake
		st.Rows = 2
		st.Label = "connect(" + trace.ShowAddrIn(b.d.lang, ev.Remote) + ")"
		if ev.Call != "" && ev.Call != "connect" {
			st.Label = ev.Call + "(" + trace.ShowAddrIn(b.d.lang, ev.Remote) + ")"
		}
	}
	b.add(st)
}

func (b *builder) send(st *Step, s *sock) {
	ev := st.Ev
	n := ev.ByteCount()
	st.Kind = KindSend
	st.Label = ev.CallName() + " " + byteCount(b.d.lang, n)
	st.preview = preview(ev.DataBytes(), n) // after "→ N recvs", once the recvs are known
	if s.peer != nil {
		st.To = s.peer.lifeline
	} else {
		st.To = b.lifelineFor(s.remote, s.lifeline)
	}
	s.sends = append(s.sends, span{s.sent, s.sent + n, st})
	s.sent += n
	b.add(st)
}

func (b *builder) recv(st *Step, s *sock) {
	ev := st.Ev
	n := ev.ByteCount()
	st.Kind = KindRecv
	call := ev.CallName()
	size := ""
	if ev.Bufsize != 0 && ev.Call == "" {
		size = strconv.Itoa(ev.Bufsize)
	}
	if call == "makefile" {
		call = "makefile read"
	} else {
		call += "(" + size + ")"
	}
	if s.peer != nil {
		st.To = s.peer.lifeline // drawn on s's lifeline; To names the sender
	}
	if n == 0 {
		st.Label = call + ` → "" ` + b.d.lang.Sprintf("end of stream")
		if p := s.peer; p != nil && p.fin != nil && !s.finSeen {
			p.fin.Links = append(p.fin.Links, st)
			st.Links = append(st.Links, p.fin)
		}
		s.finSeen = true
		b.add(st)
		return
	}
	st.Label = call + " → " + byteCount(b.d.lang, n)
	if p := s.peer; p != nil {
		// The sends are in stream order and the recvs take them in
		// order: look from the first send not wholly taken yet.
		from, to := s.got, s.got+n
		for s.taken < len(p.sends) && p.sends[s.taken].end <= from {
			s.taken++
		}
		for _, sp := range p.sends[s.taken:] {
			if sp.start >= to {
				break
			}
			if sp.end > from {
				st.Links = append(st.Links, sp.step)
				sp.step.Links = append(sp.step.Links, st)
			}
		}
		if len(st.Links) > 1 {
			st.Label += " " + b.d.lang.Sprintf("of %d sends", len(st.Links))
		}
	}
	st.Label += " " + preview(ev.DataBytes(), n)
	s.got += n
	b.add(st)
}

// fin is a close or shutdown that ends s's sending direction.
func (b *builder) fin(st *Step, s *sock) {
	s.fin = st
	st.Kind = KindFIN
	if s.peer != nil {
		st.To = s.peer.lifeline
	} else {
		st.To = b.lifelineFor(s.remote, s.lifeline)
	}
	st.Label += " → FIN"
	b.add(st)
}

func (b *builder) datagram(st *Step, s *sock, to string) {
	ev := st.Ev
	n := ev.ByteCount()
	st.Kind = KindDatagram
	st.To = b.lifelineFor(to, s.lifeline)
	st.Label = ev.CallName() + " " + byteCount(b.d.lang, n) + " " + preview(ev.DataBytes(), n)
	k := dgramKey{st.To, portOf(ev.Local)}
	b.dgrams[k] = append(b.dgrams[k], st)
	b.add(st)
}

// dgramRecv takes the first datagram not yet received that was sent from
// `from` to this socket's lifeline.
func (b *builder) dgramRecv(st *Step, s *sock, from string) {
	ev := st.Ev
	n := ev.ByteCount()
	st.Kind = KindDgramRecv
	st.Label = fmt.Sprintf("%s(%d) → %s %s", ev.CallName(), ev.Bufsize, byteCount(b.d.lang, n), preview(ev.DataBytes(), n))
	// Only a datagram to this lifeline from the same port (or path) can
	// match: sameEndpoint compares ports.
	k := dgramKey{s.lifeline, portOf(from)}
	for i, d := range b.dgrams[k] {
		src := d.Ev.Local
		if sameEndpoint(src, from) || src == "" && from == "" {
			d.Links = append(d.Links, st)
			st.Links = append(st.Links, d)
			st.To = d.From
			b.dgrams[k] = slices.Delete(b.dgrams[k], i, i+1)
			break
		}
	}
	if st.To == nil && from != "" {
		st.To = b.lifelineFor(from, s.lifeline)
		st.Label += " " + b.d.lang.Sprintf("from %s", from) // no sendto in the traces shows where from
	}
	b.add(st)
}

// title is a step's tooltip; listening: its socket is a listener, which
// has no peer.
func title(l i18n.Lang, traceName string, ev *trace.Event, at float64, listening bool) string {
	var b strings.Builder
	task := strconv.Itoa(ev.Task)
	fmt.Fprintf(&b, "+%.6f s  %s  %s  %s  %s", at, traceName, l.Sprintf("task %s", task), sockWord(l, ev.Sock), ev.Event)
	if ev.Call != "" {
		fmt.Fprintf(&b, " (%s)", ev.Call)
	}
	switch {
	case ev.Remote == "" && ev.Local != "" && (ev.Family != "AF_UNIX" || listening):
		// No peer: an AF_INET socket's "" is none, where a connected
		// AF_UNIX socket's is an unnamed one.
		b.WriteString("\n" + ev.Local)
	case ev.Local != "" || ev.Remote != "":
		fmt.Fprintf(&b, "\n%s → %s", trace.ShowAddrIn(l, ev.Local), trace.ShowAddrIn(l, ev.Remote))
	}
	if ev.Bytes != nil {
		n := *ev.Bytes
		b.WriteString("\n" + l.Sprintf("%d bytes", n)) // n, as byteCount names it: one message
		if data := ev.DataBytes(); len(data) > 0 {
			fmt.Fprintf(&b, ", %s % x", l.Sprintf("first %d:", len(data)), data)
		}
	}
	if ev.Error != "" {
		b.WriteString("\n" + ev.Error)
	}
	return b.String()
}

func backlog(ev *trace.Event) string {
	if ev.Backlog == nil {
		return ""
	}
	return strconv.Itoa(*ev.Backlog)
}

func shortType(l i18n.Lang, t string) string {
	switch t {
	case "SOCK_STREAM":
		return l.Sprintf("(stream)")
	case "SOCK_DGRAM":
		return l.Sprintf("(datagram)")
	}
	return ""
}

// sockWord names a socket by its number in l, as the trace's text lines
// do.
func sockWord(l i18n.Lang, n int) string {
	sock := strconv.Itoa(n)
	return l.Sprintf("sock %s", sock)
}

// byteCount is "1 byte", "N bytes" in l.
func byteCount(l i18n.Lang, n int) string {
	if n == 1 {
		return l.Sprintf("1 byte")
	}
	return l.Sprintf("%d bytes", n)
}

// previewLen is how many characters of data a label shows.
const previewLen = 24

// preview quotes the start of data as a Lua string literal would (decimal
// escapes for bytes that are not printable), "…" when there is more.
func preview(data []byte, total int) string {
	var b strings.Builder
	b.WriteByte('"')
	shown := 0
	i := 0
	for ; i < len(data) && shown < previewLen; shown++ {
		c := data[i]
		switch {
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		case c >= 0x80:
			r, size := utf8.DecodeRune(data[i:])
			if r != utf8.RuneError && unicode.IsPrint(r) {
				b.Write(data[i : i+size])
				i += size
				continue
			}
			fmt.Fprintf(&b, `\%d`, c)
		default:
			fmt.Fprintf(&b, `\%d`, c)
		}
		i++
	}
	b.WriteByte('"')
	if i < total {
		b.WriteString("…")
	}
	return b.String()
}
