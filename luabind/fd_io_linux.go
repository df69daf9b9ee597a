package luabind

import (
	"errors"
	"os"
	"time"
	"unsafe"

	lua "github.com/sockplay/sockplay/lua"
	"golang.org/x/sys/unix"
)

// The descriptor layer, Linux: I/O and waiting (fd_linux.go has the calls
// that do not wait). Every system call that may have to wait goes
// through Socket.wait, which releases the runtime lock around it — so the
// call itself (send on loopback costs microseconds) runs in parallel with
// Lua code of other tasks, as Python releases its GIL — and waits through
// Go's netpoller. (When no other task is waiting for the lock, the call is
// first tried without letting go of it: see wait.) The arguments and
// results of the call live in the task's ioOp, reused from call to call,
// so the path allocates only the Lua string it returns.

type ioKind uint8

const (
	ioRead     ioKind = iota // read(2) into buf, or a shared read buffer of size
	ioRecvfrom               // recvfrom(2) with flags
	ioSend                   // write(2) of buf; sendmsg(2) with flags
	ioSendto                 // sendto(2) of buf to sa
	ioAccept                 // accept4(2)
	ioConnect                // connect(2) to sa, asked again until it is done
)

// ioOp is one system call's arguments and results.
type ioOp struct {
	kind   ioKind
	buf    []byte // data to send, or the caller's buffer to read into
	size   int    // read with buf nil: bytes wanted, into a shared read buffer
	flags  int
	sa     unix.Sockaddr
	pooled *[]byte // the shared read buffer, during the read
	data   string  // what a read into a shared buffer returned
	n      int
	nfd    int
	from   unix.Sockaddr
	err    error
	done   bool // result of the last control()
}

// attempt makes the system call once (retrying EINTR); false means it
// would block and the caller must wait for readiness.
func (o *ioOp) attempt(fd uintptr) bool {
	for {
		switch o.kind {
		case ioRead, ioRecvfrom:
			buf := o.buf
			if buf == nil {
				if o.pooled == nil {
					if o.pooled = getReadBuf(); o.pooled == nil {
						o.err = errNoReadBuffer // see readbuf.go
						return true
					}
				}
				buf = (*o.pooled)[:o.size]
			}
			if o.kind == ioRead {
				o.n, o.err = unix.Read(int(fd), buf)
			} else {
				o.n, o.from, o.err = recvfrom(int(fd), buf, o.flags)
			}
			// With MSG_TRUNC the kernel returns the datagram's whole
			// length, which may be more than it wrote into buf: what
			// the call received is what buf holds.
			o.n = min(max(o.n, 0), len(buf))
			if o.err != nil {
				o.release()
			}
		case ioSend:
			if o.flags == 0 {
				// write(2), as Go's net does: cheaper than sendmsg(2),
				// and a peer that has gone makes it fail with EPIPE
				// (Go ignores SIGPIPE on descriptors other than 1 and
				// 2, and a socket never gets those while they are
				// open).
				o.n, o.err = unix.Write(int(fd), o.buf)
			} else {
				o.n, o.err = unix.SendmsgN(int(fd), o.buf, nil, nil, o.flags|unix.MSG_NOSIGNAL)
			}
			if o.err != nil {
				o.n = 0 // write(2) says -1: nothing was sent
			}
		case ioSendto:
			o.err = unix.Sendto(int(fd), o.buf, o.flags|unix.MSG_NOSIGNAL, o.sa)
			if o.n = len(o.buf); o.err != nil {
				o.n = 0
			}
		case ioAccept:
			o.nfd, o.from, o.err = accept4(int(fd), unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
			// A connection reset while in the queue is not the listener's
			// problem: wait for the next one, as Go's net does.
			if o.err == unix.ECONNABORTED {
				o.err = unix.EAGAIN
			}
		case ioConnect:
			o.err = unix.Connect(int(fd), o.sa)
			switch o.err {
			case unix.EALREADY, unix.EINPROGRESS:
				return false
			case unix.EISCONN:
				o.err = nil
			}
		}
		if o.err != unix.EINTR {
			return o.err != unix.EAGAIN
		}
	}
}

// start prepares o for a new call. It assigns field by field: building an
// ioOp value would put a copy of it in the caller's stack frame, and the
// frames on the recv and send paths stay on an idle task's stack (see
// task.run).
func (o *ioOp) start(kind ioKind, buf []byte, size, flags int, sa unix.Sockaddr) {
	o.kind, o.buf, o.size, o.flags, o.sa = kind, buf, size, flags, sa
	o.pooled, o.data, o.n, o.nfd, o.from, o.err, o.done = nil, "", 0, 0, nil, nil, false
}

// control is attempt for RawConn.Control (non-blocking sockets).
func (o *ioOp) control(fd uintptr) { o.done = o.attempt(fd) }

// takeData copies what a read into a shared buffer returned into o.data
// and gives the buffer back. Socket.wait calls it before it takes the
// runtime lock again: the copy then overlaps other tasks' Lua code, and a
// buffer is held only for the system call and the copy, not while the
// task queues for the lock (with hundreds of busy tasks queued, as many
// buffers would be held, and the slots would run dry).
//
// A read that filled at least half the buffer is not copied: the buffer
// becomes the string (it is never written again: no slot holds it any
// more) and a new, uncleared buffer takes its place, which is cheaper than
// a 64 KiB copy (docs/PERFORMANCE.md). A smaller read is copied, so a
// short message does not pin 64 KiB.
func (o *ioOp) takeData() {
	if o.pooled == nil || o.err != nil {
		return
	}
	b := *o.pooled
	if o.n >= len(b)/2 {
		o.data = unsafe.String(&b[0], o.n)
		o.pooled = nil
		// A new buffer for the slot, allocated here because the lock is
		// not held yet (the next recv would find none and allocate with
		// it held). This deepens the stack of a task that reads this much;
		// an idle connection's small reads never come here.
		putReadBuf(newReadBuf())
		return
	}
	o.data = string(b[:o.n])
	o.release()
}

// needsBuffer reports whether the call stopped for want of a free read
// buffer (errNoReadBuffer), and if so gives it one, allocated here rather
// than in the callback: see readbuf.go.
func (o *ioOp) needsBuffer() bool {
	if o.err != errNoReadBuffer {
		return false
	}
	o.err, o.pooled = nil, newReadBuf()
	return true
}

// release returns the pooled read buffer, if any.
func (o *ioOp) release() {
	if o.pooled != nil {
		putReadBuf(o.pooled)
		o.pooled = nil
	}
}

// wait makes t.io's system call on s, waiting for readiness (write: for
// writing) as timeout says (the socket's, or what is left of a sendall's):
// 0 fails at once with EAGAIN, > 0 fails with TimeoutError after that long,
// < 0 waits without limit; the task's cancellation interrupts the wait.
// The result of the call itself is in t.io.err. The timeout is an
// argument, never written to the socket: other tasks, which run while
// this one waits, see the socket's own (gettimeout) and use it.
func (s *Socket) wait(L *lua.LState, t *task, write bool, timeout time.Duration) error {
	if timeout == 0 {
		done, err := s.tryNow(t)
		if err == nil && !done {
			err = unix.EAGAIN
		}
		return err
	}
	rt := s.rt
	if rt.queued.Load() == 0 {
		// No other task wants the lock: make the call at once, keeping
		// it. Handing the lock over around the call only pays when
		// another task can run meanwhile; a lone task (a UDP server, a
		// single client) would pay it on every call for nothing. If the
		// call would block, it waits as below, without the lock.
		if t.ctx.Err() != nil {
			return t.ctx.Err()
		}
		if done, err := s.tryNow(t); done || err != nil {
			return err
		}
	}
	var deadline time.Time // zero: no limit
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	for {
		s.prepareDeadline(write, deadline)
		if !t.waitOn(s, write) {
			s.endWait(write)
			return t.ctx.Err()
		}
		rt.release(t)
		var err error
		if write {
			err = s.rc.Write(t.ioFn)
		} else {
			err = s.rc.Read(t.ioFn)
			for err == nil && t.io.needsBuffer() {
				err = s.rc.Read(t.ioFn)
			}
		}
		t.io.takeData()
		s.endWait(write)
		// Before the lock is taken again: a task holding it may be
		// waiting in prepareDeadline for this interrupt to be over.
		if t.doneWaiting() {
			s.unkick()
		}
		rt.acquire(t)
		if t.ctx.Err() != nil {
			if err != nil {
				return t.ctx.Err()
			}
			return nil // the call finished before the interrupt
		}
		if errors.Is(err, os.ErrDeadlineExceeded) && (deadline.IsZero() || time.Now().Before(deadline)) {
			continue // another task's interrupt, not our timeout
		}
		return s.waitError(err)
	}
}

// tryNow makes t.io's call once, without waiting, and reports whether it
// is done (false: it would block).
func (s *Socket) tryNow(t *task) (bool, error) {
	err := s.rc.Control(t.ctlFn)
	if err == nil && t.io.needsBuffer() {
		err = s.rc.Control(t.ctlFn)
	}
	if err != nil {
		return false, s.waitError(err)
	}
	if t.io.done {
		t.io.takeData()
	}
	return t.io.done, nil
}

func (s *Socket) waitError(err error) error {
	if err != nil && (s.closed() || errors.Is(err, os.ErrClosed)) {
		// Another task closed the socket meanwhile. (RawConn returns
		// poll's "use of closed file", which is not os.ErrClosed.)
		return unix.EBADF
	}
	return err
}

// prepareDeadline waits until no interrupt is in flight, then sets the
// deadline of one direction for a task about to wait (endWait ends it),
// if it differs from the last one set. Tasks waiting in one direction
// share its deadline: while another waits, a later deadline (or none)
// must not replace its earlier one, or its timeout would come late (or
// never); the earliest is set, and a task woken by another's deadline
// waits again (wait).
func (fd *netFD) prepareDeadline(write bool, deadline time.Time) {
	fd.kmu.Lock()
	defer fd.kmu.Unlock()
	for fd.kicks > 0 {
		fd.kdone.Wait()
	}
	set, waiting := &fd.rdl, &fd.rwaiting
	if write {
		set, waiting = &fd.wdl, &fd.wwaiting
	}
	*waiting++
	if *waiting > 1 && !set.IsZero() && (deadline.IsZero() || set.Before(deadline)) && time.Now().Before(*set) {
		return // another task's, earlier, still to come
	}
	if !set.Equal(deadline) {
		if write {
			fd.file.SetWriteDeadline(deadline)
		} else {
			fd.file.SetReadDeadline(deadline)
		}
		*set = deadline
	}
}

// endWait ends a wait begun with prepareDeadline.
func (fd *netFD) endWait(write bool) {
	fd.kmu.Lock()
	if write {
		fd.wwaiting--
	} else {
		fd.rwaiting--
	}
	fd.kmu.Unlock()
}

var pastDeadline = time.Unix(1, 0)

// kick interrupts the waits of one direction (a task's interrupt).
func (fd *netFD) kick(write bool) {
	fd.kmu.Lock()
	defer fd.kmu.Unlock()
	fd.kicks++
	if write {
		fd.file.SetWriteDeadline(pastDeadline)
		fd.wdl = pastDeadline
	} else {
		fd.file.SetReadDeadline(pastDeadline)
		fd.rdl = pastDeadline
	}
}

func (fd *netFD) unkick() {
	fd.kmu.Lock()
	defer fd.kmu.Unlock()
	if fd.kicks--; fd.kicks == 0 {
		fd.kdone.Broadcast()
	}
}

// connect starts a connection and waits for it as the timeout says.
func (s *Socket) connect(L *lua.LState, sa unix.Sockaddr) error {
	err := ignoringEINTR(func() error { return unix.Connect(s.fd, sa) })
	switch err {
	case nil:
		return nil
	case unix.EINPROGRESS, unix.EALREADY:
	case unix.EAGAIN:
		if s.family != unix.AF_UNIX {
			return err
		}
		// An AF_UNIX listener with a full backlog: Linux says EAGAIN, and a
		// blocking connect would wait. Python on a blocking socket waits too.
		if s.timeout == 0 {
			return err
		}
		return s.retryUnixConnect(L, sa)
	default:
		return err
	}
	if s.timeout == 0 {
		return unix.EINPROGRESS
	}
	// Asking connect(2) again, rather than reading SO_ERROR, is what moves
	// the kernel's socket state on as a blocking connect would: after a
	// refusal the socket can connect again (ECONNABORTED otherwise), and a
	// connected socket answers a later connect with EISCONN.
	t := s.rt.currentTask(L)
	t.io.start(ioConnect, nil, 0, 0, sa)
	if err := s.wait(L, t, true, s.timeout); err != nil {
		return err
	}
	return t.io.err
}

func (s *Socket) retryUnixConnect(L *lua.LState, sa unix.Sockaddr) error {
	var deadline time.Time
	if s.timeout > 0 {
		deadline = time.Now().Add(s.timeout)
	}
	t := s.rt.currentTask(L)
	for delay := time.Millisecond; ; delay = min(2*delay, 100*time.Millisecond) {
		if !deadline.IsZero() && time.Now().After(deadline) {
			return os.ErrDeadlineExceeded
		}
		timer := time.NewTimer(delay)
		err := s.rt.waitChanTimer(t, timer)
		if err != nil {
			return err
		}
		err = ignoringEINTR(func() error { return unix.Connect(s.fd, sa) })
		if err != unix.EAGAIN {
			return err
		}
	}
}

// accept waits for a connection and wraps it as a new socket.
func (s *Socket) accept(L *lua.LState) (*Socket, unix.Sockaddr, error) {
	t := s.rt.currentTask(L)
	t.io.start(ioAccept, nil, 0, 0, nil)
	if err := s.wait(L, t, false, s.timeout); err != nil {
		return nil, nil, err
	}
	if t.io.err != nil {
		return nil, nil, t.io.err
	}
	c := s.rt.newSocket(t.io.nfd, s.family, s.typ, s.proto)
	return c, t.io.from, nil
}

// recvInto reads up to len(buf) bytes into buf. from is the sender for
// datagrams.
func (s *Socket) recvInto(L *lua.LState, buf []byte, flags int, wantFrom bool) (int, unix.Sockaddr, error) {
	t := s.rt.currentTask(L)
	t.io.start(ioRead, buf, 0, flags, nil)
	return s.recv(L, t, flags, wantFrom)
}

func (s *Socket) recv(L *lua.LState, t *task, flags int, wantFrom bool) (int, unix.Sockaddr, error) {
	if flags != 0 || wantFrom {
		t.io.kind = ioRecvfrom
	}
	if err := s.wait(L, t, false, s.timeoutFor(flags)); err != nil {
		t.io.release()
		return 0, nil, err
	}
	if t.io.err != nil {
		return 0, nil, t.io.err
	}
	return t.io.n, t.io.from, nil
}

// maxRecvBuf caps the buffer of one recv.
const maxRecvBuf = 4 << 20

// recvString reads up to bufsize bytes into a Lua string.
func (s *Socket) recvString(L *lua.LState, bufsize, flags int, wantFrom bool) (lua.LString, unix.Sockaddr, error) {
	t := s.rt.currentTask(L)
	t.io.start(ioRead, nil, bufsize, flags, nil)
	if bufsize > pooledBufSize {
		// recv(2^31) must not allocate 2 GiB up front (an out-of-memory
		// crash is a Go fatal error, not a Lua one). Returning fewer bytes
		// than asked is always allowed; no datagram comes near the cap
		// under Linux's default buffer limits.
		t.io.buf = make([]byte, min(bufsize, maxRecvBuf))
	} else {
		ensureReadBuf() // here, not deeper down: see readbuf.go
	}
	n, from, err := s.recv(L, t, flags, wantFrom)
	if err != nil {
		return "", nil, err
	}
	if t.io.buf == nil {
		data := t.io.data // copied by takeData
		t.io.data = ""    // an idle task must not keep its last message
		return lua.LString(data), from, nil
	}
	return lua.LString(t.io.buf[:n]), from, nil
}

// timeoutFor is the timeout of one call with flags: MSG_DONTWAIT makes
// it non-blocking (otherwise it only makes the system call fail with
// EAGAIN, and wait would wait for readiness).
func (s *Socket) timeoutFor(flags int) time.Duration {
	if flags&unix.MSG_DONTWAIT != 0 {
		return 0
	}
	return s.timeout
}

// stringBytes is the bytes of a Lua string without a copy: the system
// calls only read them, and the string stays alive on the Lua stack.
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// sendOnce sends as much of data as one send(2) takes (to: sendto),
// waiting as the socket's timeout says.
func (s *Socket) sendOnce(L *lua.LState, data []byte, flags int, to unix.Sockaddr) (int, error) {
	return s.sendWithin(L, data, flags, to, s.timeoutFor(flags))
}

// sendWithin is sendOnce waiting at most timeout (< 0: without limit).
func (s *Socket) sendWithin(L *lua.LState, data []byte, flags int, to unix.Sockaddr, timeout time.Duration) (int, error) {
	t := s.rt.currentTask(L)
	kind := ioSend
	if to != nil {
		kind = ioSendto
	}
	t.io.start(kind, data, 0, flags, to)
	if err := s.wait(L, t, true, timeout); err != nil {
		return 0, err
	}
	return t.io.n, t.io.err
}

// sendAll sends every byte of data; with a timeout, the whole call must
// finish within it (as Python's sendall since 3.5). The timeout is the
// socket's when the call began: a settimeout made meanwhile by another
// task applies to the calls after this one.
func (s *Socket) sendAll(L *lua.LState, data []byte, flags int) error {
	timeout := s.timeoutFor(flags)
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	for len(data) > 0 {
		left := timeout
		if timeout > 0 {
			if left = time.Until(deadline); left <= 0 {
				return os.ErrDeadlineExceeded
			}
		}
		n, err := s.sendWithin(L, data, flags, nil, left)
		if err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}
