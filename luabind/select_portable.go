package luabind

import (
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
)

// Readiness on the portable backend. net cannot ask the system whether a
// socket is readable (and on Windows there is no descriptor to poll), so
// readiness is the sockets' own: a socket a select waits to read reads
// ahead in the background — a goroutine makes the read (stream: bytes;
// datagram: one datagram; listener: one connection) and keeps what it
// found for the next recv or accept, which take it first. A socket is
// readable when something was read ahead (the end of a stream and an
// error count), writable when no send is under way and it is connected
// (or its connect in the background is over). Each change wakes the
// selects watching the socket.

// startPumpLocked starts a read ahead, if nothing is under way or kept.
// fd.mu is held, and the runtime lock (the system socket does not change).
func (fd *portFD) startPumpLocked() {
	if fd.reading || fd.closedSys || fd.aheadOK || len(fd.ahead) > 0 || fd.aheadErr != nil || fd.aheadConn != nil {
		return
	}
	switch {
	case fd.listening && fd.ln != nil:
		fd.reading = true
		go fd.pumpAccept(fd.ln)
	case fd.conn != nil && fd.s.typ == bsd.SOCK_STREAM && !fd.shutRD:
		fd.reading = true
		go fd.pumpStream(fd.conn, fd.aheadBuf())
	case fd.conn != nil:
		fd.reading = true
		go fd.pumpDatagram(fd.conn, fd.aheadBuf(), sockAddr{})
	case fd.pc != nil:
		fd.reading = true
		go fd.pumpDatagram(fd.pc, fd.aheadBuf(), fd.peer)
	}
}

// pumpStart clears the read deadline a task's read may have left.
func (fd *portFD) pumpStart() { fd.prepare(false, time.Time{}) }

// pumpEnd stores what the read ahead found. A read the socket's close
// ended keeps nothing.
func (fd *portFD) pumpEnd(store func()) {
	fd.end(false)
	fd.mu.Lock()
	fd.reading = false
	if !fd.closedSys {
		store()
	}
	fd.notifyLocked()
	fd.mu.Unlock()
}

func (fd *portFD) pumpStream(c net.Conn, buf []byte) {
	fd.pumpStart()
	n, err := c.Read(buf)
	fd.pumpEnd(func() {
		switch {
		case n > 0:
			fd.ahead = buf[:n]
		case err == io.EOF:
			fd.aheadErr = io.EOF
		case err != nil && !isDeadline(err):
			fd.aheadErr = err
		}
	})
}

func (fd *portFD) pumpDatagram(c any, buf []byte, peer sockAddr) {
	fd.pumpStart()
	var n int
	var from sockAddr
	var err error
	for {
		n, from, err = readDatagram(c, buf, fd.s.family)
		if err != nil || !peer.ok() || sameAddr(from, peer) {
			break
		}
	}
	fd.pumpEnd(func() {
		switch {
		case err == nil:
			fd.ahead, fd.aheadOK, fd.aheadFrom = buf[:n], true, from
		case !isDeadline(err):
			fd.aheadErr = err
		}
	})
}

func (fd *portFD) pumpAccept(ln net.Listener) {
	fd.pumpStart()
	c, err := ln.Accept()
	fd.pumpEnd(func() {
		switch {
		case err == nil:
			fd.aheadConn = c
			c = nil
		case !isDeadline(err):
			fd.aheadErr = err
		}
	})
	if c != nil {
		c.Close() // the listener was closed meanwhile
	}
}

// watchLocked registers a channel that the socket's next change signals.
// fd.mu is held.
func (fd *portFD) watchLocked() chan struct{} {
	ch := make(chan struct{}, 1)
	if fd.watchers == nil {
		fd.watchers = map[chan struct{}]struct{}{}
	}
	fd.watchers[ch] = struct{}{}
	return ch
}

func (fd *portFD) unwatch(ch chan struct{}) {
	fd.mu.Lock()
	delete(fd.watchers, ch)
	fd.mu.Unlock()
}

// notifyLocked signals the watchers. fd.mu is held.
func (fd *portFD) notifyLocked() {
	for ch := range fd.watchers {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func (fd *portFD) notify() {
	fd.mu.Lock()
	fd.notifyLocked()
	fd.mu.Unlock()
}

// waitChange waits, with the runtime lock released, until ch is signalled
// (a change of the socket), the deadline passes (os.ErrDeadlineExceeded)
// or the task is interrupted.
func (fd *portFD) waitChange(L *lua.LState, t *task, ch chan struct{}, deadline time.Time) error {
	return waitSignal(fd.s.rt, t, ch, deadline)
}

func waitSignal(rt *Runtime, t *task, ch chan struct{}, deadline time.Time) error {
	var timer <-chan time.Time
	if !deadline.IsZero() {
		d := time.Until(deadline)
		if d <= 0 {
			return errDeadline
		}
		tm := time.NewTimer(d)
		defer tm.Stop()
		timer = tm.C
	}
	wake := func() {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	if !t.setWake(wake) {
		return t.ctx.Err()
	}
	timedOut := false
	rt.unlocked(t, func() {
		select {
		case <-ch:
		case <-timer:
			timedOut = true
		}
	})
	t.clearWake()
	if t.ctx.Err() != nil {
		return t.ctx.Err()
	}
	if timedOut {
		return errDeadline
	}
	return nil
}

// readyLocked is what the socket is ready for of events (bsd.POLLIN,
// POLLOUT), as poll(2) would say it, starting a read ahead if it is to be
// read and nothing is there yet. fd.mu is held, and the runtime lock.
func (fd *portFD) readyLocked(events int16) int16 {
	if fd.closedSys {
		return bsd.POLLNVAL
	}
	var re int16
	stream := fd.s.typ == bsd.SOCK_STREAM
	if !fd.hasSys() && !fd.dialing && !fd.dialDone {
		// Nothing at the system: a fresh stream socket is hung up, as
		// poll(2) says of one never connected; a datagram socket can send.
		if stream {
			return events&bsd.POLLOUT | bsd.POLLHUP
		}
		return events & bsd.POLLOUT
	}
	if events&bsd.POLLIN != 0 {
		if fd.aheadOK || len(fd.ahead) > 0 || fd.aheadErr != nil || fd.aheadConn != nil ||
			fd.shutRD && stream || fd.dialDone && fd.dialErr != nil {
			re |= bsd.POLLIN
		} else if !stream || fd.conn != nil || fd.listening {
			fd.startPumpLocked()
		}
	}
	if events&bsd.POLLOUT != 0 && fd.writing == 0 {
		switch {
		case fd.dialing, fd.listening:
		case !stream, fd.conn != nil, fd.dialDone:
			re |= bsd.POLLOUT
		}
	}
	return re
}

// socketNumbered is the runtime's open socket numbered n.
func (rt *Runtime) socketNumbered(n int) *Socket {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	for s := range rt.sockets {
		if s.fd == n {
			return s
		}
	}
	return nil
}

func (b *portBackend) sockets(rt *Runtime, fds []pollFd, socks []*Socket) []*portFD {
	out := make([]*portFD, len(fds))
	for i, p := range fds {
		s := socks[i]
		if s == nil && p.Fd >= 0 {
			s = rt.socketNumbered(int(p.Fd))
		}
		if s != nil {
			out[i], _ = s.sys.(*portFD)
		}
	}
	return out
}

// pollNow says what each socket is ready for now. A number that is none
// of the runtime's sockets is an error: there is no descriptor to ask
// the system about.
func (b *portBackend) pollNow(rt *Runtime, fds []pollFd, socks []*Socket) (int, error) {
	n := 0
	for i, fd := range b.sockets(rt, fds, socks) {
		p := &fds[i]
		switch {
		case p.Fd < 0:
			p.Revents = 0
			continue
		case fd == nil && socks[i] == nil:
			return 0, &portUnsupported{syscall.EBADF, fmt.Sprintf(
				"select.select: %d is not a socket of this run; the portable backend waits for its own sockets only", p.Fd)}
		case fd == nil:
			p.Revents = bsd.POLLNVAL
		default:
			fd.settleDial()
			fd.mu.Lock()
			p.Revents = fd.readyLocked(p.Events)
			fd.mu.Unlock()
		}
		if p.Revents != 0 {
			n++
		}
	}
	return n, nil
}

// waitAny waits until one of the sockets changes, then the caller polls.
func (b *portBackend) waitAny(L *lua.LState, rt *Runtime, fds []pollFd, socks []*Socket, timeout time.Duration, sw *selectWait) error {
	t := rt.currentTask(L)
	ch := make(chan struct{}, 1)
	pfds := b.sockets(rt, fds, socks)
	ready := false
	for i, fd := range pfds {
		if fd == nil || fds[i].Fd < 0 {
			continue
		}
		fd.settleDial()
		fd.mu.Lock()
		if fd.watchers == nil {
			fd.watchers = map[chan struct{}]struct{}{}
		}
		fd.watchers[ch] = struct{}{}
		// A change between the caller's poll and this registration is
		// seen here.
		if fd.readyLocked(fds[i].Events) != 0 {
			ready = true
		}
		fd.mu.Unlock()
	}
	defer func() {
		for _, fd := range pfds {
			if fd != nil {
				fd.unwatch(ch)
			}
		}
	}()
	if ready {
		return nil
	}
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	sw.wake = func() {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	err := waitSignal(rt, t, ch, deadline)
	sw.wake = nil
	if err == errDeadline {
		return nil // the caller polls once more, and sees the time is up
	}
	return err
}

// waitOne waits for one socket: waitAny, then its readiness.
func (b *portBackend) waitOne(L *lua.LState, t *task, s *Socket, p *pollFd, wait time.Duration) (int, error) {
	fds := []pollFd{*p}
	socks := []*Socket{s}
	var deadline time.Time
	if wait > 0 {
		deadline = time.Now().Add(wait)
	}
	sw := &selectWait{entries: []selectEntry{{sock: s, fd: s.fd}}}
	s.rt.watchCloses(sw)
	defer s.rt.unwatchCloses(sw)
	for {
		n, _ := b.pollNow(s.rt, fds, socks)
		if n > 0 || sw.closed {
			p.Revents = fds[0].Revents
			if sw.closed {
				p.Revents = bsd.POLLNVAL
			}
			return 1, nil
		}
		left := time.Duration(-1)
		if wait >= 0 {
			if left = time.Until(deadline); left <= 0 {
				return 0, nil
			}
		}
		if err := b.waitAny(L, s.rt, fds, socks, left, sw); err != nil {
			return 0, err
		}
	}
}

// errDeadline is a wait's time passing.
var errDeadline = os.ErrDeadlineExceeded
