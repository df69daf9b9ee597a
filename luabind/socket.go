package luabind

import (
	"errors"
	"fmt"
	"math"
	"os"
	"sync"
	"syscall"
	"time"

	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// Socket is a BSD socket as Lua sees it. The descriptor is created with
// socket(2) and driven with raw system calls, so bind, setsockopt and
// listen(backlog) mean exactly what they mean in C and Python; waits go
// through Go's netpoller (the descriptor is non-blocking and registered
// through os.NewFile), never a blocking system call holding a thread.
type Socket struct {
	rt     *Runtime
	id     int
	fd     int // -1 once closed
	file   *os.File
	rc     syscall.RawConn
	family int
	typ    int
	proto  int

	timeout time.Duration // < 0: blocking without limit; 0: non-blocking

	// Deadlines belong to the descriptor, not to one waiter: interrupting
	// a task by setting its deadline in the past wakes every task waiting
	// in that direction. kicks counts such interrupts in flight, and no
	// wait resets a deadline until they are over, or the interrupted task
	// would sleep on; the other tasks then simply wait again.
	kmu   sync.Mutex
	kdone *sync.Cond // signalled when kicks drops to 0
	kicks int
}

const sockMetaName = "sockplay.socket"

// newSocket wraps a fresh non-blocking descriptor and registers it with the
// runtime, which closes whatever a run leaves open.
func (rt *Runtime) newSocket(fd, family, typ, proto int) *Socket {
	file := os.NewFile(uintptr(fd), "socket")
	rc, _ := file.SyscallConn()
	s := &Socket{rt: rt, fd: fd, file: file, rc: rc, family: family, typ: typ, proto: proto, timeout: rt.defaultTimeout}
	s.kdone = sync.NewCond(&s.kmu)
	rt.mu.Lock()
	rt.nextSock++
	s.id = rt.nextSock
	rt.sockets[s] = struct{}{}
	rt.mu.Unlock()
	return s
}

func (rt *Runtime) pushSocket(L *lua.LState, s *Socket) {
	ud := L.NewUserData()
	ud.Value = s
	L.SetMetatable(ud, L.GetTypeMetatable(sockMetaName))
	L.Push(ud)
}

// closeFD closes the descriptor once; safe from any goroutine.
func (s *Socket) closeFD() error {
	s.rt.mu.Lock()
	if _, open := s.rt.sockets[s]; !open {
		s.rt.mu.Unlock()
		return nil
	}
	delete(s.rt.sockets, s)
	s.rt.mu.Unlock()
	return s.file.Close()
}

func (s *Socket) closed() bool { return s.fd < 0 }

// checkSocket returns the open socket that is argument 1 (self) of method
// fname; a closed socket raises EBADF as Python does.
func checkSocket(L *lua.LState, fname string) *Socket {
	s := checkAnySocket(L, fname)
	if s.closed() {
		raiseErrno(L, unix.EBADF)
	}
	return s
}

func checkAnySocket(L *lua.LState, fname string) *Socket {
	ud, ok := L.Get(1).(*lua.LUserData)
	if ok {
		if s, ok := ud.Value.(*Socket); ok {
			return s
		}
	}
	L.RaiseError("bad self to '%s' (socket expected, got %s; call it as sock:%s(...), with a colon)",
		fname, typeName(L.Get(1)), fname[len("sock:"):])
	return nil
}

// ignoringEINTR retries a system call that a signal interrupted; Go's
// runtime sends signals (preemption) that a raw syscall can see.
func ignoringEINTR(fn func() error) error {
	for {
		if err := fn(); err != unix.EINTR {
			return err
		}
	}
}

// wait runs op until it reports done, waiting for readiness (write: for
// writing) as the socket's timeout says: non-blocking fails at once with
// EAGAIN, a timeout fails with TimeoutError, and the task's cancellation
// interrupts the wait. op is tried once before the runtime lock is released,
// which saves the lock hand-off when data is already there.
func (s *Socket) wait(L *lua.LState, write bool, op func(fd uintptr) bool) error {
	done := false
	s.rc.Control(func(fd uintptr) { done = op(fd) })
	if done {
		return nil
	}
	if s.timeout == 0 {
		return unix.EAGAIN
	}
	t := s.rt.currentTask(L)
	var deadline time.Time // zero: no limit
	if s.timeout > 0 {
		deadline = time.Now().Add(s.timeout)
	}
	setDeadline := s.file.SetReadDeadline
	if write {
		setDeadline = s.file.SetWriteDeadline
	}
	for {
		s.settleKicks()
		setDeadline(deadline)
		kicked := false // set by the wake, read after clearWake (both under t.wmu)
		if !t.setWake(func() { s.kick(setDeadline, &kicked) }) {
			return t.ctx.Err()
		}
		var err error
		s.rt.unlocked(t, func() {
			if write {
				err = s.rc.Write(op)
			} else {
				err = s.rc.Read(op)
			}
			// Before the lock is taken again: a task holding it may be
			// waiting in settleKicks for this interrupt to be over.
			t.clearWake()
			if kicked {
				s.unkick()
			}
		})
		if t.ctx.Err() != nil {
			if err != nil {
				return t.ctx.Err()
			}
			return nil // op finished before the interrupt
		}
		if err != nil && s.closed() {
			// Another task closed the socket meanwhile. (RawConn returns
			// poll's "use of closed file", which is not os.ErrClosed.)
			return unix.EBADF
		}
		if errors.Is(err, os.ErrDeadlineExceeded) && (deadline.IsZero() || time.Now().Before(deadline)) {
			continue // another task's interrupt, not our timeout
		}
		if errors.Is(err, os.ErrClosed) {
			return unix.EBADF
		}
		return err
	}
}

// kick interrupts the waits of one direction (the task's wake).
func (s *Socket) kick(setDeadline func(time.Time) error, kicked *bool) {
	s.kmu.Lock()
	defer s.kmu.Unlock()
	s.kicks++
	*kicked = true
	setDeadline(time.Unix(1, 0))
}

func (s *Socket) unkick() {
	s.kmu.Lock()
	defer s.kmu.Unlock()
	if s.kicks--; s.kicks == 0 {
		s.kdone.Broadcast()
	}
}

// settleKicks waits until no interrupt is in flight. The interrupted
// tasks leave their waits at once and do not need the runtime lock for it.
func (s *Socket) settleKicks() {
	s.kmu.Lock()
	defer s.kmu.Unlock()
	for s.kicks > 0 {
		s.kdone.Wait()
	}
}

// bufPool holds read buffers: a fresh 64 KiB buffer per call measurably
// slows an echo server.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 64*1024); return &b }}

// recvInto reads up to len(buf) bytes. from is the sender for datagrams.
func (s *Socket) recvInto(L *lua.LState, buf []byte, flags int, wantFrom bool) (int, unix.Sockaddr, error) {
	defer s.dontWait(flags)()
	var n int
	var from unix.Sockaddr
	var opErr error
	err := s.wait(L, false, func(fd uintptr) bool {
		opErr = ignoringEINTR(func() (e error) {
			if flags == 0 && !wantFrom {
				n, e = unix.Read(int(fd), buf)
			} else {
				n, from, e = unix.Recvfrom(int(fd), buf, flags)
			}
			return e
		})
		return opErr != unix.EAGAIN
	})
	if err != nil {
		return 0, nil, err
	}
	if opErr != nil {
		return 0, nil, opErr
	}
	if n < 0 {
		n = 0
	}
	return n, from, nil
}

// maxRecvBuf caps the buffer of one recv.
const maxRecvBuf = 4 << 20

// recvString reads up to bufsize bytes into a Lua string.
func (s *Socket) recvString(L *lua.LState, bufsize, flags int, wantFrom bool) (lua.LString, unix.Sockaddr, error) {
	var bp *[]byte
	var buf []byte
	if bufsize <= 64*1024 {
		bp = bufPool.Get().(*[]byte)
		buf = (*bp)[:bufsize]
		defer bufPool.Put(bp)
	} else {
		// recv(2^31) must not allocate 2 GiB up front (an out-of-memory
		// crash is a Go fatal error, not a Lua one). Returning fewer bytes
		// than asked is always allowed; no datagram comes near the cap
		// under Linux's default buffer limits.
		buf = make([]byte, min(bufsize, maxRecvBuf))
	}
	n, from, err := s.recvInto(L, buf, flags, wantFrom)
	if err != nil {
		return "", nil, err
	}
	return lua.LString(buf[:n]), from, nil
}

// dontWait makes this one call non-blocking if flags has MSG_DONTWAIT
// (which otherwise only makes the system call fail with EAGAIN, and wait
// would wait for readiness); it returns what restores the timeout. The
// lock is not released with timeout 0, so no other task sees the change.
func (s *Socket) dontWait(flags int) func() {
	if flags&unix.MSG_DONTWAIT == 0 {
		return func() {}
	}
	saved := s.timeout
	s.timeout = 0
	return func() { s.timeout = saved }
}

// sendOnce sends as much of data as one send(2) takes.
func (s *Socket) sendOnce(L *lua.LState, data []byte, flags int, to unix.Sockaddr) (int, error) {
	defer s.dontWait(flags)()
	var n int
	var opErr error
	err := s.wait(L, true, func(fd uintptr) bool {
		opErr = ignoringEINTR(func() (e error) {
			if to == nil {
				n, e = unix.SendmsgN(int(fd), data, nil, nil, flags|unix.MSG_NOSIGNAL)
			} else {
				e = unix.Sendto(int(fd), data, flags|unix.MSG_NOSIGNAL, to)
				n = len(data)
			}
			return e
		})
		return opErr != unix.EAGAIN
	})
	if err != nil {
		return 0, err
	}
	return n, opErr
}

// sendAll sends every byte of data; with a timeout, the whole call must
// finish within it (as Python's sendall since 3.5).
func (s *Socket) sendAll(L *lua.LState, data []byte, flags int) error {
	var deadline time.Time
	if s.timeout > 0 {
		deadline = time.Now().Add(s.timeout)
	}
	saved := s.timeout
	defer func() { s.timeout = saved }()
	for len(data) > 0 {
		if !deadline.IsZero() {
			s.timeout = time.Until(deadline)
			if s.timeout <= 0 {
				return os.ErrDeadlineExceeded
			}
		}
		n, err := s.sendOnce(L, data, flags, nil)
		if err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
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
	var opErr error
	werr := s.wait(L, true, func(fd uintptr) bool {
		opErr = ignoringEINTR(func() error { return unix.Connect(int(fd), sa) })
		switch opErr {
		case unix.EALREADY, unix.EINPROGRESS:
			return false
		case unix.EISCONN:
			opErr = nil
		}
		return true
	})
	if werr != nil {
		return werr
	}
	return opErr
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
	var nfd int
	var from unix.Sockaddr
	var opErr error
	err := s.wait(L, false, func(fd uintptr) bool {
		opErr = ignoringEINTR(func() (e error) {
			nfd, from, e = unix.Accept4(int(fd), unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
			return e
		})
		// A connection reset while in the queue is not the listener's
		// problem: wait for the next one, as Go's net does.
		return opErr != unix.EAGAIN && opErr != unix.ECONNABORTED
	})
	if err != nil {
		return nil, nil, err
	}
	if opErr != nil {
		return nil, nil, opErr
	}
	c := s.rt.newSocket(nfd, s.family, s.typ, s.proto)
	if s.timeout > 0 || s.rt.defaultTimeout >= 0 {
		c.timeout = s.rt.defaultTimeout
	}
	return c, from, nil
}

// durationArg reads a timeout in seconds: nil means none (-1).
func durationArg(L *lua.LState, n int, fname string) time.Duration {
	v := L.Get(n)
	if v == lua.LNil {
		return -1
	}
	f, ok := v.(lua.LNumber)
	if !ok {
		argError(L, n, fname, "timeout must be a number or nil, got "+typeName(v))
	}
	secs := float64(f)
	if secs < 0 || math.IsNaN(secs) {
		argError(L, n, fname, "timeout value out of range (must be >= 0 or nil)")
	}
	if secs > 1e9 {
		secs = 1e9
	}
	return time.Duration(secs * float64(time.Second))
}

func durationValue(d time.Duration) lua.LValue {
	if d < 0 {
		return lua.LNil
	}
	return lua.LNumber(d.Seconds())
}

// intArg reads an integer argument.
func intArg(L *lua.LState, n int, fname, what string) int {
	v := L.Get(n)
	f, ok := v.(lua.LNumber)
	if !ok {
		argError(L, n, fname, what+" must be an integer, got "+typeName(v))
	}
	if float64(f) != math.Trunc(float64(f)) || math.Abs(float64(f)) > math.MaxInt32 {
		argError(L, n, fname, fmt.Sprintf("%s must be an integer, got %s", what, f.String()))
	}
	return int(f)
}

func optIntArg(L *lua.LState, n int, fname, what string, def int) int {
	if L.Get(n) == lua.LNil {
		return def
	}
	return intArg(L, n, fname, what)
}

func stringArg(L *lua.LState, n int, fname, what string) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		argError(L, n, fname, what+" must be a string (bytes), got number; use tostring()")
	}
	argError(L, n, fname, what+" must be a string (bytes), got "+typeName(L.Get(n)))
	return ""
}
