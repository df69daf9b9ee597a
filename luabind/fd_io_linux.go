package luabind

import (
	"errors"
	"os"
	"time"

	lua "github.com/sockplay/sockplay/lua"
	"golang.org/x/sys/unix"
)

// The Linux backend: I/O and waiting (fd_linux.go has the calls that do
// not wait). Every system call that may have to wait goes through
// linuxFD.wait, which releases the runtime lock around it — so the
// call itself (send on loopback costs microseconds) runs in parallel with
// Lua code of other tasks, as Python releases its GIL — and waits through
// Go's netpoller. (When no other task is waiting for the lock, the call is
// first tried without letting go of it: see wait.) The arguments and
// results of the call live in the task's ioOp, reused from call to call,
// so the path allocates only the Lua string it returns.

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
				o.n, o.err = recvfrom(int(fd), buf, o.flags, &o.from)
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
			o.err = sendto(int(fd), o.buf, o.flags|unix.MSG_NOSIGNAL, &o.sa)
			if o.n = len(o.buf); o.err != nil {
				o.n = 0
			}
		case ioAccept:
			o.nfd, o.err = accept4(int(fd), unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, &o.from)
			// A connection reset while in the queue is not the listener's
			// problem: wait for the next one, as Go's net does.
			if o.err == unix.ECONNABORTED {
				o.err = unix.EAGAIN
			}
		case ioConnect:
			o.err = connectRaw(int(fd), &o.sa)
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

// control is attempt for RawConn.Control (non-blocking sockets).
func (o *ioOp) control(fd uintptr) { o.done = o.attempt(fd) }

// wait makes t.io's system call on the socket, waiting for readiness
// (write: for writing) as timeout says (the socket's, or what is left of a
// sendall's): 0 fails at once with EAGAIN, > 0 fails with TimeoutError
// after that long, < 0 waits without limit; the task's cancellation
// interrupts the wait. The result of the call itself is in t.io.err. The
// timeout is an argument, never written to the socket: other tasks, which
// run while this one waits, see the socket's own (gettimeout) and use it.
func (fd *linuxFD) wait(L *lua.LState, t *task, write bool, timeout time.Duration) error {
	if timeout == 0 {
		done, err := fd.tryNow(t)
		if err == nil && !done {
			err = unix.EAGAIN
		}
		return err
	}
	rt := fd.s.rt
	if rt.queued.Load() == 0 {
		// No other task wants the lock: make the call at once, keeping
		// it. Handing the lock over around the call only pays when
		// another task can run meanwhile; a lone task (a UDP server, a
		// single client) would pay it on every call for nothing. If the
		// call would block, it waits as below, without the lock.
		if t.ctx.Err() != nil {
			return t.ctx.Err()
		}
		if done, err := fd.tryNow(t); done || err != nil {
			return err
		}
	}
	var deadline time.Time // zero: no limit
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	for {
		if !fd.waitBegin(t, fd.s, write, deadline) {
			return t.ctx.Err()
		}
		var err error
		if write {
			err = fd.rc.Write(t.ioFn)
		} else {
			err = fd.rc.Read(t.ioFn)
			for err == nil && t.io.needsBuffer() {
				err = fd.rc.Read(t.ioFn)
			}
		}
		t.io.takeData()
		cancelled, err := fd.waitEnd(t, fd.s, write, err)
		if cancelled {
			return err
		}
		if errors.Is(err, os.ErrDeadlineExceeded) && (deadline.IsZero() || time.Now().Before(deadline)) {
			continue // another task's interrupt, not our timeout
		}
		return fd.s.waitError(err)
	}
}

// tryNow makes t.io's call once, without waiting, and reports whether it
// is done (false: it would block).
func (fd *linuxFD) tryNow(t *task) (bool, error) {
	err := fd.rc.Control(t.ctlFn)
	if err == nil && t.io.needsBuffer() {
		err = fd.rc.Control(t.ctlFn)
	}
	if err != nil {
		return false, fd.s.waitError(err)
	}
	if t.io.done {
		t.io.takeData()
	}
	return t.io.done, nil
}

// connect starts a connection and waits for it as the timeout says.
func (fd *linuxFD) connect(L *lua.LState, sa sockAddr) error {
	s := fd.s
	err := ignoringEINTR(func() error { return connectRaw(s.fd, &sa) })
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
		return fd.retryUnixConnect(L, sa)
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
	t.io.start(ioConnect, nil, 0, 0)
	t.io.sa = sa
	if err := fd.wait(L, t, true, s.timeout); err != nil {
		return err
	}
	return t.io.err
}

func (fd *linuxFD) retryUnixConnect(L *lua.LState, sa sockAddr) error {
	s := fd.s
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
		err = ignoringEINTR(func() error { return connectRaw(s.fd, &sa) })
		if err != unix.EAGAIN {
			return err
		}
	}
}

// accept waits for a connection and wraps it as a new socket.
func (fd *linuxFD) accept(L *lua.LState) (*Socket, sockAddr, error) {
	s := fd.s
	t := s.rt.currentTask(L)
	t.io.start(ioAccept, nil, 0, 0)
	if err := fd.wait(L, t, false, s.timeout); err != nil {
		return nil, sockAddr{}, err
	}
	if t.io.err != nil {
		return nil, sockAddr{}, t.io.err
	}
	c := newLinuxSocket(s.rt, t.io.nfd, s.family, s.typ, s.proto)
	return c, t.io.from, nil
}

func (fd *linuxFD) recvInto(L *lua.LState, buf []byte, flags int) (int, error) {
	t := fd.s.rt.currentTask(L)
	t.io.start(ioRead, buf, 0, flags)
	return fd.recv(L, t, flags, false)
}

// recv makes t.io's read; the sender, if asked for, is in t.io.from.
func (fd *linuxFD) recv(L *lua.LState, t *task, flags int, wantFrom bool) (int, error) {
	if flags != 0 || wantFrom {
		t.io.kind = ioRecvfrom
	}
	if err := fd.wait(L, t, false, fd.s.timeoutFor(flags)); err != nil {
		t.io.release()
		return 0, err
	}
	if t.io.err != nil {
		return 0, t.io.err
	}
	return t.io.n, nil
}

// msgWantFrom, among recvString's flags, asks for the sender (recvFrom):
// a bit no MSG_* flag uses, taken off before the system call. A flag
// rather than an argument, so recvString is one frame, not a wrapper
// (an idle task's stack holds it).
const msgWantFrom = 1 << 30

// recvFrom is recvString with the sender, which the read's recvfrom(2)
// left in the task's ioOp.
func (fd *linuxFD) recvFrom(L *lua.LState, bufsize, flags int) (lua.LString, sockAddr, error) {
	data, err := fd.recvString(L, bufsize, flags|msgWantFrom)
	if err != nil {
		return "", sockAddr{}, err
	}
	return data, fd.s.rt.currentTask(L).io.from, nil
}

func (fd *linuxFD) recvString(L *lua.LState, bufsize, flags int) (lua.LString, error) {
	t := fd.s.rt.currentTask(L)
	wantFrom := flags&msgWantFrom != 0
	flags &^= msgWantFrom
	t.io.start(ioRead, nil, bufsize, flags)
	if bufsize > pooledBufSize {
		// recv(2^31) must not allocate 2 GiB up front (an out-of-memory
		// crash is a Go fatal error, not a Lua one). Returning fewer bytes
		// than asked is always allowed; no datagram comes near the cap
		// under Linux's default buffer limits.
		t.io.buf = make([]byte, min(bufsize, maxRecvBuf))
	} else {
		ensureReadBuf() // here, not deeper down: see readbuf.go
	}
	n, err := fd.recv(L, t, flags, wantFrom)
	if err != nil {
		return "", err
	}
	if t.io.buf == nil {
		data := t.io.data // copied by takeData
		t.io.data = ""    // an idle task must not keep its last message
		return lua.LString(data), nil
	}
	return lua.LString(t.io.buf[:n]), nil
}

func (fd *linuxFD) send(L *lua.LState, data []byte, flags int, timeout time.Duration) (int, error) {
	t := fd.s.rt.currentTask(L)
	t.io.start(ioSend, data, 0, flags)
	if err := fd.wait(L, t, true, timeout); err != nil {
		return 0, err
	}
	return t.io.n, t.io.err
}

func (fd *linuxFD) sendTo(L *lua.LState, data []byte, flags int, to sockAddr, timeout time.Duration) (int, error) {
	t := fd.s.rt.currentTask(L)
	t.io.start(ioSendto, data, 0, flags)
	t.io.sa = to
	if err := fd.wait(L, t, true, timeout); err != nil {
		return 0, err
	}
	return t.io.n, t.io.err
}

// sendNow makes one non-blocking send of data: a call with timeout 0,
// which must not wait. When other tasks wait for the runtime lock it
// lets go of it for the system call, as the waiting calls do (a server
// of many non-blocking connections would otherwise send one connection
// at a time). EAGAIN: nothing could be sent now.
func (fd *linuxFD) sendNow(L *lua.LState, data []byte) (int, error) {
	rt := fd.s.rt
	t := rt.currentTask(L)
	t.io.start(ioSend, data, 0, 0)
	var err error
	if rt.queued.Load() > 0 {
		rt.release(t)
		err = fd.rc.Control(t.ctlFn)
		rt.acquire(t)
	} else {
		err = fd.rc.Control(t.ctlFn)
	}
	if err != nil {
		return 0, fd.s.waitError(err)
	}
	if !t.io.done {
		return 0, unix.EAGAIN
	}
	return t.io.n, t.io.err
}
