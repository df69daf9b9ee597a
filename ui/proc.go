package ui

import (
	"time"

	"github.com/sockplay/sockplay/diagram"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/trace"
)

// keepEvents is how many events of a process the view keeps for its
// diagram before it trims: the diagram draws the last diagram.MaxSteps
// steps, and the older events only keep the matching of bytes right,
// which trim keeps by other means.
const keepEvents = 2048

// maxClosed bounds the closed sockets a process lists.
const maxClosed = 64

// A proc is one process of the view: the host's own run, or a run that
// joined it. Its fields are guarded by the hub's lock.
type proc struct {
	id   int
	name string // the script, "REPL", ...
	pid  int

	events  []*luabind.LiveEvent
	limit   int // trim when events grows beyond it
	skipped map[int]diagram.Skipped
	trimmed int // events left out of the diagram
	// unrecorded counts the data events not recorded while no page
	// watched (their bytes are in skipped and counts).
	unrecorded int

	// counts has the sockets with events and no close yet, and what
	// their events add up to.
	counts map[int]*sockCount
	closed []*closedSock // most recent last

	// gone has the events left out since the hub last gave them back
	// to the run that made them (hub.addEvents), and spare the counts of
	// sockets closed, for the next sockets: a busy server's connections
	// then cost the view no allocation.
	gone  []*luabind.LiveEvent
	spare []*sockCount

	snap *luabind.Snapshot // the latest
	// pending has, of the sockets with no event since snap was taken,
	// what snap says their data events left out since their last event
	// (luabind.SocketState.Skipped): a late page's counts of an idle
	// socket, which no kernel counts (UDP, Unix), lack it until the
	// socket's next event carries it (setSnap).
	pending  map[int]luabind.Skipped
	dropped  int64 // events the view never got (its queue was full)
	ended    bool
	endedWhy string // "" or how the connection to it ended
}

// sockCount is what a socket's events add up to.
type sockCount struct {
	in, out int64 // bytes received and sent, from the events
	// recorded counts the socket's data events in events (dataEvent:
	// what skip has to take out).
	recorded int
	family   string
	typ      string
	local    string
	remote   string
}

// closedSock is a socket the process closed, as its events left it.
type closedSock struct {
	sock          int
	family, typ   string
	local, remote string
	in, out       int64
	at            time.Time
	linger        string // a TCP state the kernel still holds it in (TIME_WAIT, ...), "" none
	looked        bool   // linger was looked up
}

func newProc(id int, name string, pid int) *proc {
	return &proc{id: id, name: name, pid: pid, limit: keepEvents, skipped: map[int]diagram.Skipped{},
		counts: map[int]*sockCount{}}
}

// add takes events in, in order; they are the proc's to keep.
func (p *proc) add(evs []*luabind.LiveEvent) {
	for _, le := range evs {
		ev := &le.Event
		if len(p.pending) > 0 {
			delete(p.pending, ev.Sock) // its counts are in the events now
		}
		c := p.counts[ev.Sock]
		if c == nil {
			c = p.newCount()
			p.counts[ev.Sock] = c
		}
		if sk := le.Skipped; sk.Events > 0 {
			p.unrecorded += sk.Events
			c.in += int64(sk.Received)
			c.out += int64(sk.Sent)
			p.skip(ev.Sock, c, sk.Sent, sk.Received)
		}
		if dataEvent(ev) {
			c.recorded++
		}
		p.events = append(p.events, le)
		c.family, c.typ = ev.Family, ev.Type
		if ev.Local != "" {
			c.local = ev.Local
		}
		if ev.Remote != "" && ev.Event != "sendto" && ev.Event != "recvfrom" && ev.Event != "accept" {
			c.remote = ev.Remote
		}
		switch ev.Event {
		case "send", "sendto":
			c.out += int64(ev.ByteCount())
		case "recv", "recvfrom":
			c.in += int64(ev.ByteCount())
		}
		if ev.Event == "close" && ev.Error == "" {
			at := le.At // taken late while no page watches: the event's own time
			if at.IsZero() {
				at = time.Now()
			}
			cs := p.closedSock()
			*cs = closedSock{sock: ev.Sock, family: c.family, typ: c.typ, local: c.local, remote: c.remote, in: c.in, out: c.out, at: at}
			p.closed = append(p.closed, cs)
			delete(p.counts, ev.Sock)
			p.spare = append(p.spare, c)
		}
	}
	if len(p.events) > p.limit {
		p.trim()
	}
}

// setSnap records the process's latest snapshot. The events the view has
// of the process must be those made before the snapshot was taken, or
// fewer (the hub takes its run's with tickMu held, a joined process sends
// its own before its snapshot): an event made after it carries what the
// snapshot says was left out, and would be counted twice.
func (p *proc) setSnap(snap *luabind.Snapshot) {
	p.snap = snap
	clear(p.pending)
	if snap == nil {
		return
	}
	for _, ss := range snap.Sockets {
		if ss.Skipped.Events > 0 {
			if p.pending == nil {
				p.pending = map[int]luabind.Skipped{}
			}
			p.pending[ss.Sock] = ss.Skipped
		}
	}
}

// closedSock makes room in closed for one more socket, and returns the
// closedSock to record it in: the oldest's when closed is full.
func (p *proc) closedSock() *closedSock {
	if len(p.closed) < maxClosed {
		return &closedSock{}
	}
	cs := p.closed[0]
	copy(p.closed, p.closed[1:])
	p.closed = p.closed[:maxClosed-1]
	return cs
}

// newCount is a zero sockCount, a closed socket's if there is one.
func (p *proc) newCount() *sockCount {
	n := len(p.spare)
	if n == 0 {
		return &sockCount{}
	}
	c := p.spare[n-1]
	p.spare = p.spare[:n-1]
	*c = sockCount{}
	return c
}

// skip records that a socket sent and received bytes in events the view
// did not get (luabind.LiveEvent.Skipped). The diagram counts skipped
// bytes as coming before the socket's events: the socket's data events
// kept from before these are left out too, their bytes counted (a
// datagram socket's too: a datagram kept from before a gap would be
// paired with a later one's receive).
func (p *proc) skip(sock int, c *sockCount, sent, received int) {
	if c.recorded > 0 {
		kept := p.events[:0]
		for _, le := range p.events {
			ev := &le.Event
			if ev.Sock == sock && dataEvent(ev) {
				if ev.Event == "send" || ev.Event == "sendto" {
					sent += ev.ByteCount()
				} else {
					received += ev.ByteCount()
				}
				p.trimmed++
				p.gone = append(p.gone, le)
				continue
			}
			kept = append(kept, le)
		}
		clear(p.events[len(kept):])
		p.events = kept
		c.recorded = 0
	}
	d := p.skipped[sock]
	d.Sent += sent
	d.Received += received
	p.skipped[sock] = d
}

// dataEvent reports whether ev is bytes sent or received that a run
// without a page leaves out, counting them: a send or recv, or on a
// datagram socket a sendto or recvfrom (luabind.TraceSink.WantsData).
func dataEvent(ev *trace.Event) bool {
	if ev.Error != "" || ev.ByteCount() == 0 {
		return false
	}
	switch ev.Event {
	case "send", "recv":
		return true
	case "sendto", "recvfrom":
		return ev.Type != "SOCK_STREAM"
	}
	return false
}

// trim leaves out of the diagram the older events that do not say what a
// socket still open is: data events (their bytes counted in skipped, so
// the later ones still match by their offsets in the stream) and every
// event of a closed socket. Then it lets the events grow to twice what
// is left, so trimming costs a constant per event.
func (p *proc) trim() {
	recent := len(p.events) - p.limit/2
	kept := p.events[:0] // in place: an event moves only towards the front
	for i, le := range p.events {
		ev := &le.Event
		if i < recent {
			drop := false
			switch ev.Event {
			case "send", "sendto", "recv", "recvfrom":
				drop = true
				if dataEvent(ev) {
					sk := p.skipped[ev.Sock]
					if ev.Event == "send" || ev.Event == "sendto" {
						sk.Sent += ev.ByteCount()
					} else {
						sk.Received += ev.ByteCount()
					}
					p.skipped[ev.Sock] = sk
					if c := p.counts[ev.Sock]; c != nil {
						c.recorded--
					}
				}
			case "accept":
				drop = p.counts[ev.Sock] == nil || ev.New != 0 && p.counts[ev.New] == nil
			default:
				drop = p.counts[ev.Sock] == nil
			}
			if drop {
				p.trimmed++
				p.gone = append(p.gone, le)
				continue
			}
		}
		kept = append(kept, le)
	}
	clear(p.events[len(kept):])
	present := map[int]bool{}
	for _, le := range kept {
		present[le.Event.Sock] = true
	}
	for sock := range p.skipped {
		if !present[sock] {
			delete(p.skipped, sock)
		}
	}
	p.events = kept
	p.limit = max(keepEvents, 2*len(kept))
}
