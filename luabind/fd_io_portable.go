package luabind

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
)

// The portable backend: I/O and waiting (fd_portable.go has the calls
// that do not wait). A call that may wait makes net's call with the
// runtime lock released and the socket's deadline set (waitDeadlines, as
// the Linux backend: a task's interrupt is a deadline in the past). What
// a read ahead found (select_portable.go) is taken first.

// portNow is how long a non-blocking call (timeout 0) waits for the
// system. net has no call that tries without waiting, so the call is made
// with a deadline this close: data already there is read at once, and
// nothing there costs this long, once. A read ahead then goes on in the
// background, and the next non-blocking call answers at once from what
// it found.
const portNow = 2 * time.Millisecond

// isDeadline reports a deadline's error: a timeout, or a task's interrupt.
func isDeadline(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }

// errnoOf is err's errno, if it has one.
func errnoOf(err error) (syscall.Errno, bool) {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno, true
	}
	return 0, false
}

// deadlineFor is the deadline of a call with timeout: none for < 0,
// portNow from now for 0.
func deadlineFor(timeout time.Duration) time.Time {
	switch {
	case timeout < 0:
		return time.Time{}
	case timeout == 0:
		return time.Now().Add(portNow)
	}
	return time.Now().Add(timeout)
}

// ioWait makes t.io's call on its system socket (t.io.obj) with the
// runtime lock released, until it is done or the deadline passes; the
// task's interrupt ends it. It returns the call's error.
func (fd *portFD) ioWait(L *lua.LState, t *task, write bool, deadline time.Time) error {
	for {
		if !fd.waitBegin(t, fd.s, write, deadline) {
			return t.ctx.Err()
		}
		portDo(&t.io, fd, deadline)
		t.io.takeData()
		err := t.io.err
		t.io.err = nil
		cancelled, err := fd.waitEnd(t, fd.s, write, err)
		if cancelled {
			return err
		}
		if isDeadline(err) && t.io.n == 0 && (deadline.IsZero() || time.Now().Before(deadline)) {
			continue // another task's interrupt, not our timeout
		}
		if isDeadline(err) && t.io.n == 0 && t.io.late {
			// The deadline passed before the call was made (a busy
			// machine: the task got the processor late), and net does
			// not try a call whose deadline has passed: a system call
			// would have, so it is tried now, as a non-blocking call.
			deadline = deadlineFor(0)
			continue
		}
		if err == io.EOF {
			return nil
		}
		return fd.s.waitError(unwrapOp(err))
	}
}

// passed reports whether deadline (not zero) has passed. Out of line: an
// idle connection's task waits below ioWait, whose frame stays small.
//
//go:noinline
func passed(deadline time.Time) bool {
	return !deadline.IsZero() && !time.Now().Before(deadline)
}

// portDo makes o's call on o.obj, as long as its deadline lets it; o.late
// says whether the deadline had passed already. The
// read of a stream, which an idle connection waits in, is made here; the
// other calls out of line, so that its frame stays small (the 4 KiB
// stacks of idle tasks, docs/PERFORMANCE.md).
func portDo(o *ioOp, fd *portFD, deadline time.Time) {
	o.late = passed(deadline)
	switch {
	case o.c == nil:
		portDoOther(o, fd)
	case o.kind == ioRead && o.rc != nil:
		portRawRead(o)
	case o.kind == ioRead:
		o.n, o.err = o.c.Read(o.readBuf(false))
		if o.err != nil {
			o.release()
		}
	default:
		o.n, o.err = o.c.Write(o.buf)
	}
}

// portRawRead makes a stream read in the read callback of the
// connection's RawConn, where the system allows it: when the socket is
// readable, into a buffer taken then (portRead), so that an idle
// connection holds none. Out of line, so that portDo's frame, on every
// send's path too, stays small.
//
//go:noinline
func portRawRead(o *ioOp) {
	err := o.rc.Read(o.readFn)
	if err == nil && o.needsBuffer() {
		err = o.rc.Read(o.readFn)
	}
	if err != nil {
		o.n, o.err = 0, err
		o.release()
	}
}

//go:noinline
func portDoOther(o *ioOp, fd *portFD) {
	switch o.kind {
	case ioRecvfrom:
		buf := o.readBuf(true)
		for {
			var from sockAddr
			o.n, from, o.err = readDatagram(o.obj, buf, fd.s.family)
			// A socketpair's end takes its peer's datagrams only.
			if o.err == nil && o.sa.ok() && !sameAddr(from, o.sa) {
				continue
			}
			o.from = from
			break
		}
		if o.err != nil {
			o.n = 0
			o.release()
		}
		o.n = min(o.n, o.size) // a datagram longer than asked for is cut
	case ioSendto:
		o.n, o.err = writeDatagram(o.obj, o.buf, o.sa)
	case ioAccept:
		o.nc, o.err = o.obj.(net.Listener).Accept()
	}
}

// readBuf is where a read goes: the caller's buffer, or a shared read
// buffer (readbuf.go) of o.size bytes; a datagram is read whole (what
// does not fit is cut afterwards, as the system would).
func (o *ioOp) readBuf(datagram bool) []byte {
	if o.buf != nil {
		return o.buf
	}
	if o.pooled == nil {
		if o.pooled = getReadBuf(); o.pooled == nil {
			o.pooled = newReadBuf()
		}
	}
	if datagram {
		return *o.pooled
	}
	return (*o.pooled)[:o.size]
}

// readDatagram reads one datagram from c, a net.PacketConn (a UDP
// socket's read gives its sender without allocating).
func readDatagram(c any, buf []byte, family int) (int, sockAddr, error) {
	switch c := c.(type) {
	case *net.UDPConn:
		n, ap, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			return n, sockAddr{}, err
		}
		return n, fromAddrPort(ap, family), nil
	case net.PacketConn:
		n, a, err := c.ReadFrom(buf)
		if err != nil {
			return n, sockAddr{}, err
		}
		return n, fromNetAddr(a, family), nil
	}
	return 0, sockAddr{}, syscall.ENOTCONN
}

// writeDatagram sends buf to sa on c, a net.PacketConn.
func writeDatagram(c any, buf []byte, sa sockAddr) (int, error) {
	switch c := c.(type) {
	case *net.UDPConn:
		return c.WriteToUDPAddrPort(buf, toAddrPort(sa))
	case *net.UnixConn:
		return c.WriteToUnix(buf, &net.UnixAddr{Name: netAddrString(sa), Net: "unixgram"})
	}
	return 0, syscall.ENOTCONN
}

// The reads.

func (fd *portFD) recvInto(L *lua.LState, buf []byte, flags int) (int, error) {
	t := fd.s.rt.currentTask(L)
	t.io.start(ioRead, buf, len(buf), flags)
	if err := fd.recvAll(L, t, flags); err != nil {
		return 0, err
	}
	return t.io.n, nil
}

// recvString reads up to bufsize bytes into a Lua string.
func (fd *portFD) recvString(L *lua.LState, bufsize, flags int) (lua.LString, error) {
	t := fd.s.rt.currentTask(L)
	t.io.start(ioRead, nil, bufsize, flags)
	var err error
	if bufsize > pooledBufSize || flags&bsd.MSG_WAITALL != 0 {
		err = fd.recvLarge(L, t, bufsize, flags)
	} else {
		ensureReadBuf() // here, not deeper down: see readbuf.go
		err = fd.recv(L, t, flags)
	}
	if err != nil {
		t.io.release()
		return "", err
	}
	if t.io.buf == nil {
		data := t.io.data
		t.io.data = "" // an idle task must not keep its last message
		return lua.LString(data), nil
	}
	return lua.LString(t.io.buf[:t.io.n]), nil
}

// recvLarge is recvString into a buffer of its own: bufsize is more than
// a shared buffer holds (a datagram's: at least that much, so that a
// whole one fits), or MSG_WAITALL fills it. recv(2^31) must not allocate
// 2 GiB up front: returning fewer bytes than asked is always allowed.
//
//go:noinline
func (fd *portFD) recvLarge(L *lua.LState, t *task, bufsize, flags int) error {
	size := min(bufsize, maxRecvBuf)
	if fd.s.typ == bsd.SOCK_DGRAM {
		size = max(size, pooledBufSize)
	}
	t.io.buf = make([]byte, size)
	t.io.size = min(bufsize, maxRecvBuf)
	return fd.recvAll(L, t, flags)
}

func (fd *portFD) recvFrom(L *lua.LState, bufsize, flags int) (lua.LString, sockAddr, error) {
	data, err := fd.recvString(L, bufsize, flags)
	if err != nil {
		return "", sockAddr{}, err
	}
	var from sockAddr
	switch {
	case fd.s.typ == bsd.SOCK_STREAM: // a connected stream has no sender per message
	case fd.unnamed:
		from = unixAddr("")
	default:
		from = fd.s.rt.currentTask(L).io.from
	}
	return data, from, nil
}

// recvAll is recv, and with MSG_WAITALL on a stream, recv until the
// buffer is full, the stream ends or an error comes (what was read is
// returned then).
func (fd *portFD) recvAll(L *lua.LState, t *task, flags int) error {
	if flags&bsd.MSG_WAITALL == 0 || fd.s.typ != bsd.SOCK_STREAM {
		return fd.recv(L, t, flags)
	}
	buf, got := t.io.buf[:t.io.size], 0
	for got < len(buf) {
		t.io.start(ioRead, buf[got:], 0, flags)
		t.io.size = len(buf) - got
		if err := fd.recv(L, t, flags); err != nil {
			if got > 0 {
				break
			}
			return err
		}
		if t.io.n == 0 {
			break
		}
		got += t.io.n
	}
	t.io.buf, t.io.n = buf, got
	return nil
}

// recv makes t.io's read: from what was read ahead, or a read of its own,
// waiting as the socket's timeout (MSG_DONTWAIT: none) says.
func (fd *portFD) recv(L *lua.LState, t *task, flags int) error {
	// The common case, a blocking read of a connected stream with nothing
	// ahead, in few frames: an idle connection waits in it.
	if flags == 0 && fd.conn != nil && fd.s.timeout != 0 && fd.s.typ == bsd.SOCK_STREAM {
		fd.mu.Lock()
		if !fd.reading && len(fd.ahead) == 0 && fd.aheadErr == nil && !fd.closedSys && !fd.shutRD {
			fd.reading = true
			fd.mu.Unlock()
			t.io.c, t.io.rc = fd.conn, fd.rc
			var deadline time.Time
			if fd.s.timeout > 0 {
				deadline = time.Now().Add(fd.s.timeout)
			}
			err := fd.ioWait(L, t, false, deadline)
			fd.endRead(false)
			return err
		}
		fd.mu.Unlock()
	}
	return fd.recvSlow(L, t, flags)
}

// recvSlow is recv in every other case.
//
//go:noinline
func (fd *portFD) recvSlow(L *lua.LState, t *task, flags int) error {
	if flags&bsd.MSG_OOB != 0 {
		return errNoOOB
	}
	if t.io.buf != nil && t.io.size == 0 {
		t.io.size = len(t.io.buf)
	}
	timeout := fd.s.timeoutFor(flags)
	peek := flags&bsd.MSG_PEEK != 0
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	for {
		if fd.s.closed() {
			return syscall.EBADF // by another task, while this one waited
		}
		fd.settleDial()
		obj, err := fd.readObj()
		if err != nil {
			return err
		}
		fd.mu.Lock()
		if fd.closedSys {
			fd.mu.Unlock()
			return syscall.EBADF
		}
		if fd.takeAheadLocked(&t.io, peek) {
			fd.mu.Unlock()
			err, t.io.err = t.io.err, nil
			return err
		}
		if fd.shutRD && fd.s.typ == bsd.SOCK_STREAM {
			fd.mu.Unlock()
			t.io.n, t.io.data = 0, ""
			return nil // shut for reading: the end, whatever comes
		}
		if fd.reading || fd.dialing {
			// Another read is under way (a task's, or one ahead), or the
			// connection is still being made: wait until it is over.
			if timeout == 0 {
				fd.mu.Unlock()
				return syscall.EAGAIN
			}
			ch := fd.watchLocked()
			fd.mu.Unlock()
			err := fd.waitChange(L, t, ch, deadline)
			fd.unwatch(ch)
			if err != nil {
				return err
			}
			continue
		}
		fd.reading = true
		fd.mu.Unlock()
		kind := ioRead
		if fd.s.typ == bsd.SOCK_DGRAM {
			kind = ioRecvfrom
		}
		t.io.kind, t.io.obj, t.io.sa = kind, obj, fd.peer
		if kind == ioRead {
			t.io.c = obj.(net.Conn)
			if obj == fd.conn {
				t.io.rc = fd.rc
			}
		}
		if peek {
			err = fd.peekRead(L, t, timeout, deadline)
			if err != nil {
				return err
			}
			continue // now it is ahead
		}
		err = fd.ioWait(L, t, false, deadlineOr(timeout, deadline))
		nothing := timeout == 0 && isDeadline(err)
		fd.endRead(nothing)
		if nothing {
			return syscall.EAGAIN
		}
		return err
	}
}

// deadlineOr is deadline, or for a timeout of 0 the deadline of a
// non-blocking call.
func deadlineOr(timeout time.Duration, deadline time.Time) time.Time {
	if timeout == 0 {
		return deadlineFor(0)
	}
	return deadline
}

// readObj is what a read reads from: the connection, the datagram
// socket (bound to an address of the system's choice first, as the
// system does on a first read), or an error for a stream socket that is
// not connected.
func (fd *portFD) readObj() (any, error) {
	switch {
	case fd.conn != nil:
		return fd.conn, nil
	case fd.pc != nil:
		return fd.pc, nil
	case fd.s.typ == bsd.SOCK_STREAM:
		if fd.dialing {
			return nil, nil // recv waits for it
		}
		return nil, syscall.ENOTCONN
	}
	if err := fd.autoBind(); err != nil {
		return nil, err
	}
	return fd.pc, nil
}

// peekRead reads into the read-ahead buffer, for MSG_PEEK: the data stays
// there for the next recv. fd.reading is set.
func (fd *portFD) peekRead(L *lua.LState, t *task, timeout time.Duration, deadline time.Time) error {
	o := &t.io
	kind, obj, peer := o.kind, o.obj, o.sa
	c := o.c
	saved := *o
	o.start(kind, fd.aheadBuf(), 0, 0)
	o.c, o.obj, o.sa = c, obj, peer
	o.size = len(o.buf)
	err := fd.ioWait(L, t, false, deadlineOr(timeout, deadline))
	n, from := o.n, o.from
	*o = saved
	fd.mu.Lock()
	fd.reading = false
	switch {
	case err == nil && kind == ioRecvfrom:
		fd.ahead, fd.aheadOK, fd.aheadFrom = fd.abuf[:n], true, from
	case err == nil && n == 0:
		fd.aheadErr = io.EOF
	case err == nil:
		fd.ahead = fd.abuf[:n]
	case timeout == 0 && isDeadline(err):
		fd.startPumpLocked()
		err = syscall.EAGAIN
	}
	fd.notifyLocked()
	fd.mu.Unlock()
	return err
}

// aheadBuf is the buffer reads ahead go to: 64 KiB for datagrams (a
// whole one must fit), 16 KiB for a stream.
func (fd *portFD) aheadBuf() []byte {
	size := 16 << 10
	if fd.s.typ == bsd.SOCK_DGRAM {
		size = pooledBufSize
	}
	if len(fd.abuf) != size {
		fd.abuf = make([]byte, size)
	}
	return fd.abuf
}

// takeAheadLocked gives o what was read ahead, if anything was: bytes, a
// datagram, the end of the stream or an error. peek leaves it there.
// fd.mu is held.
func (fd *portFD) takeAheadLocked(o *ioOp, peek bool) bool {
	switch {
	case fd.aheadOK: // a datagram
		o.n = min(len(fd.ahead), o.size)
		fd.give(o, fd.ahead[:o.n])
		o.from = fd.aheadFrom
		if !peek {
			fd.ahead, fd.aheadOK = nil, false
		}
		return true
	case len(fd.ahead) > 0:
		o.n = min(len(fd.ahead), o.size)
		fd.give(o, fd.ahead[:o.n])
		if !peek {
			fd.ahead = fd.ahead[o.n:]
		}
		return true
	case fd.aheadErr != nil:
		o.n, o.data = 0, ""
		if fd.aheadErr != io.EOF {
			o.err = fd.aheadErr
		}
		if !peek {
			fd.aheadErr = nil
		}
		return true
	}
	return false
}

// give copies b to where o's read goes.
func (fd *portFD) give(o *ioOp, b []byte) {
	if o.buf != nil {
		copy(o.buf, b)
		return
	}
	o.data = string(b)
}

// endRead ends a read of a task's own; if it found nothing (a
// non-blocking call), a read ahead starts, which the next calls and
// select see.
func (fd *portFD) endRead(nothing bool) {
	fd.mu.Lock()
	fd.reading = false
	if nothing {
		fd.startPumpLocked()
	}
	fd.notifyLocked()
	fd.mu.Unlock()
}

// The writes.

func (fd *portFD) send(L *lua.LState, data []byte, flags int, timeout time.Duration) (int, error) {
	t := fd.s.rt.currentTask(L)
	t.io.start(ioSend, data, 0, flags)
	if fd.conn != nil && flags&bsd.MSG_OOB == 0 {
		t.io.c = fd.conn
		return fd.write(L, t, timeout)
	}
	return fd.sendSlow(L, t, flags, timeout)
}

// sendSlow is send in every other case.
//
//go:noinline
func (fd *portFD) sendSlow(L *lua.LState, t *task, flags int, timeout time.Duration) (int, error) {
	if flags&bsd.MSG_OOB != 0 {
		return 0, errNoOOB
	}
	fd.settleDial()
	switch {
	case fd.conn != nil:
		t.io.c = fd.conn
	case fd.pc != nil && fd.peer.ok():
		t.io.kind, t.io.obj, t.io.sa = ioSendto, fd.pc, fd.peer
	case fd.dialing:
		return 0, syscall.EAGAIN // still connecting
	case fd.s.typ == bsd.SOCK_STREAM:
		return 0, syscall.EPIPE // never connected, as send(2) says
	default:
		return 0, syscall.EDESTADDRREQ
	}
	return fd.write(L, t, timeout)
}

func (fd *portFD) sendTo(L *lua.LState, data []byte, flags int, to sockAddr, timeout time.Duration) (int, error) {
	if flags&bsd.MSG_OOB != 0 {
		return 0, errNoOOB
	}
	fd.settleDial()
	if fd.s.typ == bsd.SOCK_STREAM {
		if fd.conn != nil {
			return 0, syscall.EISCONN
		}
		return 0, syscall.EPIPE
	}
	if err := fd.checkFamily(to); err != nil {
		return 0, err
	}
	t := fd.s.rt.currentTask(L)
	t.io.start(ioSendto, data, 0, flags)
	switch {
	case fd.pc != nil && fd.peer.ok() && !sameAddr(to, fd.peer):
		return 0, syscall.EISCONN
	case fd.conn != nil:
		// Connected at the system: only to its peer.
		if !sameAddr(to, fromNetAddr(fd.conn.RemoteAddr(), fd.s.family)) {
			return 0, syscall.EISCONN
		}
		t.io.kind, t.io.c = ioSend, fd.conn
	case fd.pc == nil && fd.s.family == bsd.AF_UNIX && !fd.local.ok():
		// An unbound AF_UNIX socket sends unnamed: the system binds it
		// to nothing.
		c, err := fd.senderTo(to)
		if err != nil {
			return 0, err
		}
		t.io.kind, t.io.c = ioSend, c
	default:
		if fd.pc == nil {
			// The system binds a socket that sends first.
			if err := fd.autoBind(); err != nil {
				return 0, err
			}
		}
		t.io.obj, t.io.sa = fd.pc, to
	}
	return fd.write(L, t, timeout)
}

// senderTo is an unbound AF_UNIX datagram socket connected to to, for
// sendto from an unbound socket: the last one made, if to is its peer.
func (fd *portFD) senderTo(to sockAddr) (net.Conn, error) {
	if fd.s.closed() {
		return nil, syscall.EBADF
	}
	if fd.sender != nil && sameAddr(fromNetAddr(fd.sender.RemoteAddr(), bsd.AF_UNIX), to) {
		return fd.sender, nil
	}
	if fd.sender != nil {
		fd.sender.Close()
		fd.sender = nil
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: netAddrString(to), Net: "unixgram"})
	if err != nil {
		return nil, unwrapOp(err)
	}
	fd.sender = c
	return c, nil
}

// sendNow is one non-blocking send.
func (fd *portFD) sendNow(L *lua.LState, data []byte) (int, error) {
	return fd.send(L, data, 0, 0)
}

// write makes t.io's send within timeout: what was sent counts, even if
// the time passed before all of it went.
func (fd *portFD) write(L *lua.LState, t *task, timeout time.Duration) (int, error) {
	fd.writes(1)
	err := fd.ioWait(L, t, true, deadlineFor(timeout))
	fd.writes(-1)
	if n := t.io.n; n > 0 {
		return n, nil
	}
	if timeout == 0 && isDeadline(err) {
		return 0, syscall.EAGAIN
	}
	return 0, err
}

// writes counts the sends under way (select's writability), and wakes
// the selects watching when one ends. Out of line: the send path's frames
// stay small.
//
//go:noinline
func (fd *portFD) writes(d int) {
	fd.mu.Lock()
	fd.writing += d
	if d < 0 {
		fd.notifyLocked()
	}
	fd.mu.Unlock()
}

// Connections.

func (fd *portFD) accept(L *lua.LState) (*Socket, sockAddr, error) {
	if fd.s.typ != bsd.SOCK_STREAM {
		return nil, sockAddr{}, syscall.EOPNOTSUPP
	}
	if !fd.listening {
		return nil, sockAddr{}, syscall.EINVAL
	}
	s := fd.s
	t := s.rt.currentTask(L)
	timeout := s.timeout
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	for {
		fd.mu.Lock()
		if fd.closedSys {
			fd.mu.Unlock()
			return nil, sockAddr{}, syscall.EBADF
		}
		if c := fd.aheadConn; c != nil {
			fd.aheadConn = nil
			fd.mu.Unlock()
			return fd.accepted(c)
		}
		if err := fd.aheadErr; err != nil {
			fd.aheadErr = nil
			fd.mu.Unlock()
			return nil, sockAddr{}, s.waitError(unwrapOp(err))
		}
		if fd.reading {
			if timeout == 0 {
				fd.mu.Unlock()
				return nil, sockAddr{}, syscall.EAGAIN
			}
			ch := fd.watchLocked()
			fd.mu.Unlock()
			err := fd.waitChange(L, t, ch, deadline)
			fd.unwatch(ch)
			if err != nil {
				return nil, sockAddr{}, err
			}
			continue
		}
		fd.reading = true
		fd.mu.Unlock()
		t.io.start(ioAccept, nil, 0, 0)
		t.io.obj = fd.ln
		err := fd.ioWait(L, t, false, deadlineOr(timeout, deadline))
		c := t.io.nc
		t.io.nc = nil
		nothing := timeout == 0 && isDeadline(err)
		fd.endRead(nothing)
		switch {
		case nothing:
			return nil, sockAddr{}, syscall.EAGAIN
		case err != nil:
			return nil, sockAddr{}, err
		}
		return fd.accepted(c)
	}
}

// accepted wraps an accepted connection as a socket, with the
// listener's TCP_NODELAY (net turns it on).
func (fd *portFD) accepted(c net.Conn) (*Socket, sockAddr, error) {
	s := fd.s
	ns, nfd := fd.b.newSocket(s.rt, s.family, s.typ, s.proto)
	nfd.setConn(c)
	nfd.nodelay = fd.nodelay
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetNoDelay(fd.nodelay)
	}
	return ns, fromNetAddr(c.RemoteAddr(), s.family), nil
}

func (fd *portFD) connect(L *lua.LState, sa sockAddr) error {
	if err := fd.checkFamily(sa); err != nil {
		return err
	}
	fd.settleDial()
	if fd.s.typ == bsd.SOCK_DGRAM {
		return fd.connectDatagram(sa)
	}
	fd.mu.Lock()
	dialing, failed := fd.dialing, fd.dialErr
	fd.dialErr = nil
	fd.mu.Unlock()
	switch {
	case fd.conn != nil:
		return syscall.EISCONN
	case dialing:
		return syscall.EALREADY
	case failed != nil:
		return failed // a background connect's failure, reported once
	case fd.listening:
		return syscall.EINVAL
	}
	var laddr net.Addr
	if fd.local.ok() {
		// Bound: the connection is made from the address bind found.
		laddr = netAddr(fd.network(), fd.local)
		fd.takeLocal()
	}
	d := portDialer(fd.control(nil), laddr)
	network, addr := fd.network(), netAddrString(sa)
	if fd.s.timeout == 0 {
		fd.dialInBackground(d, network, addr)
		return syscall.EINPROGRESS
	}
	t := fd.s.rt.currentTask(L)
	ctx, cancel := t.ctx, context.CancelFunc(func() {})
	if fd.s.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, fd.s.timeout)
	}
	var c net.Conn
	var err error
	fd.s.rt.unlockedBusy(t, func() { c, err = dialWaiting(ctx, d, network, addr) })
	cancel()
	if err != nil {
		if t.ctx.Err() != nil {
			return t.ctx.Err()
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return os.ErrDeadlineExceeded
		}
		return unwrapOp(err)
	}
	if fd.s.closed() {
		c.Close()
		return syscall.EBADF
	}
	fd.connected(c)
	return nil
}

// dialWaiting dials until ctx ends. A Unix-domain listener whose queue is
// full refuses a connect that does not wait (EAGAIN), and net's connects
// do not: a blocking connect(2) waits for room, so the dial is made again
// (after 1 ms, doubling up to 50 ms) until ctx ends.
func dialWaiting(ctx context.Context, d *net.Dialer, network, addr string) (net.Conn, error) {
	pause := time.Millisecond
	for {
		c, err := d.DialContext(ctx, network, addr)
		if network != "unix" || !errors.Is(err, syscall.EAGAIN) {
			return c, err
		}
		tm := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			tm.Stop()
			return nil, ctx.Err()
		case <-tm.C:
		}
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// connected makes c the socket's connection.
func (fd *portFD) connected(c net.Conn) {
	fd.releasePort()
	fd.local = sockAddr{}
	fd.setConn(c)
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetNoDelay(fd.nodelay)
	}
}

// dialInBackground starts a non-blocking connect: select sees the socket
// writable when it is over, SO_ERROR and the next connect say how it went.
func (fd *portFD) dialInBackground(d *net.Dialer, network, addr string) {
	ctx, cancel := context.WithCancel(context.Background())
	fd.mu.Lock()
	fd.dialing, fd.dialCancel, fd.dialDone = true, cancel, false
	fd.mu.Unlock()
	go func() {
		c, err := d.DialContext(ctx, network, addr)
		cancel()
		fd.mu.Lock()
		defer fd.mu.Unlock()
		fd.dialing = false
		if fd.closedSys {
			if c != nil {
				c.Close()
			}
			return
		}
		fd.dialConn, fd.dialErr, fd.dialDone = c, unwrapOp(err), true
		fd.notifyLocked()
	}()
}

// settleDial takes a background connect's connection, if it is over.
// Called with the runtime lock held.
func (fd *portFD) settleDial() {
	fd.mu.Lock()
	c, done := fd.dialConn, fd.dialDone
	fd.dialConn, fd.dialDone = nil, false
	if !done {
		fd.mu.Unlock()
		return
	}
	fd.mu.Unlock()
	if c != nil {
		fd.connected(c)
	}
}

// connectDatagram connects a datagram socket. A bound UDP socket is made
// again, connected, from the same address (what was queued for it is
// lost), so that the system reports a refusal on the next call as it does
// for a connected socket; a bound AF_UNIX socket remembers its peer, and
// takes datagrams from it alone.
func (fd *portFD) connectDatagram(sa sockAddr) error {
	if fd.s.closed() {
		return syscall.EBADF
	}
	var laddr net.Addr
	switch {
	case fd.pc != nil && fd.s.family == bsd.AF_UNIX:
		// A bound AF_UNIX socket keeps its socket and remembers its peer:
		// made again, it would not be the socket its peer may be
		// connected to.
		fd.peer = sa
		return nil
	case fd.pc == nil && fd.conn == nil && fd.local.ok():
		laddr = netAddr(fd.network(), fd.local) // disconnected: its address kept
		fd.local = sockAddr{}
	case fd.pc != nil:
		laddr = fd.pc.LocalAddr()
		fd.pc.Close()
		fd.pc = nil
		if u, ok := laddr.(*net.UnixAddr); ok && u.Name != "" && u.Name[0] != '@' {
			os.Remove(u.Name) // its socket file, which the new socket binds again
		}
	case fd.conn != nil:
		// Connected to another peer: connected again, from the same address.
		laddr = fd.conn.LocalAddr()
		fd.conn.Close()
		fd.conn = nil
	}
	c, err := portDialer(fd.control(nil), laddr).Dial(fd.network(), netAddrString(sa))
	if err != nil {
		if laddr != nil {
			// Bound again where it was, unconnected, as a failed connect leaves it.
			if pc, e := portListenConfig(fd.control(nil)).ListenPacket(context.Background(), fd.network(), laddr.String()); e == nil {
				fd.setPacketConn(pc)
			}
		}
		return unwrapOp(err)
	}
	fd.setConn(c)
	return nil
}

// netAddr is sa as a net.Addr of network.
func netAddr(network string, sa sockAddr) net.Addr {
	switch network {
	case "unix", "unixgram":
		return &net.UnixAddr{Name: netAddrString(sa), Net: network}
	case "udp4", "udp6":
		return net.UDPAddrFromAddrPort(toAddrPort(sa))
	}
	return net.TCPAddrFromAddrPort(toAddrPort(sa))
}
