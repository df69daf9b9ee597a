package luabind

import (
	"fmt"
	"math"
	"os"
	"sync"
	"syscall"
	"time"

	lua "github.com/sockplay/sockplay/lua"
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
	// The deadlines last set on the descriptor, so a wait sets one only
	// when it changes (guarded by kmu).
	rdl, wdl time.Time

	last lastSender // for sendto to the last recvfrom's sender (lastsender.go)
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
	L.SetMetatable(ud, rt.sockMeta(s.family, s.typ, s.proto))
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
	if err := s.wait(L, t, true); err != nil {
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
	if err := s.wait(L, t, false); err != nil {
		return nil, nil, err
	}
	if t.io.err != nil {
		return nil, nil, t.io.err
	}
	c := s.rt.newSocket(t.io.nfd, s.family, s.typ, s.proto)
	return c, t.io.from, nil
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
