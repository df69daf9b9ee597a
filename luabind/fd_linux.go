package luabind

import (
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The descriptor layer, Linux: a socket's descriptor and the system calls
// on it that do not wait (fd_io_linux.go has those that do). Everything
// above this layer sees methods, not system calls.

// netFD is a socket descriptor: non-blocking, close-on-exec, registered
// with Go's poller through an os.File.
type netFD struct {
	fd   int // -1 once closed
	file *os.File
	rc   syscall.RawConn

	// Deadlines belong to the descriptor, not to one waiter: interrupting
	// a task by setting its deadline in the past wakes every task waiting
	// in that direction. kicks counts such interrupts in flight, and no
	// wait resets a deadline until they are over, or the interrupted task
	// would sleep on; the other tasks then simply wait again.
	kmu   sync.Mutex
	kdone *sync.Cond // signalled when kicks drops to 0
	kicks int
	// The deadlines last set on the descriptor, so a wait sets one only
	// when it changes, and how many tasks wait in each direction
	// (prepareDeadline). Guarded by kmu.
	rdl, wdl           time.Time
	rwaiting, wwaiting int
}

// init wraps descriptor sysfd, fresh from socket(2), socketpair(2) or
// accept4(2) with SOCK_NONBLOCK|SOCK_CLOEXEC.
func (fd *netFD) init(sysfd int) {
	fd.fd = sysfd
	fd.file = os.NewFile(uintptr(sysfd), "socket")
	fd.rc, _ = fd.file.SyscallConn()
	fd.kdone = sync.NewCond(&fd.kmu)
}

func (fd *netFD) closed() bool { return fd.fd < 0 }

// openSocketFD makes a socket with socket(2), within the sandbox's cap.
func (rt *Runtime) openSocketFD(family, typ, proto int) (*Socket, error) {
	if err := rt.socketQuota(1); err != nil { // the sandbox's socket cap
		return nil, err
	}
	fd, err := unix.Socket(family, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	return rt.newSocket(fd, family, typ, proto), nil
}

// openSocketPair makes two connected sockets with socketpair(2), within
// the sandbox's cap.
func (rt *Runtime) openSocketPair(family, typ int) (*Socket, *Socket, error) {
	if err := rt.socketQuota(2); err != nil { // the sandbox's socket cap
		return nil, nil, err
	}
	fds, err := unix.Socketpair(family, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	return rt.newSocket(fds[0], family, typ, 0), rt.newSocket(fds[1], family, typ, 0), nil
}

// close closes the socket: its descriptor number becomes -1 (fileno, the
// closed checks) and the descriptor is closed, once. Called with the
// runtime lock held.
func (s *Socket) close() error {
	s.fd = -1
	if s.selects > 0 {
		s.rt.wakeSelects(s) // the kernel does not wake them: select.go
	}
	s.rt.mu.Lock()
	if _, open := s.rt.sockets[s]; !open {
		s.rt.mu.Unlock()
		return nil
	}
	delete(s.rt.sockets, s)
	s.rt.mu.Unlock()
	return s.file.Close()
}

func (fd *netFD) bind(sa unix.Sockaddr) error { return unix.Bind(fd.fd, sa) }

func (fd *netFD) listen(backlog int) error { return unix.Listen(fd.fd, backlog) }

func (fd *netFD) shutdown(how int) error { return unix.Shutdown(fd.fd, how) }

// sockname is the socket's own address.
func (fd *netFD) sockname() (unix.Sockaddr, error) { return unix.Getsockname(fd.fd) }

// peername is the address of a connected socket's peer.
func (fd *netFD) peername() (unix.Sockaddr, error) { return unix.Getpeername(fd.fd) }

func (fd *netFD) getsockoptInt(level, opt int) (int, error) {
	return unix.GetsockoptInt(fd.fd, level, opt)
}

func (fd *netFD) setsockoptInt(level, opt, v int) error {
	return unix.SetsockoptInt(fd.fd, level, opt, v)
}

func (fd *netFD) setsockoptBytes(level, opt int, v string) error {
	return unix.SetsockoptString(fd.fd, level, opt, v)
}

// getsockoptBytes reads a raw option value, as Python's getsockopt with
// buflen. (x/sys's GetsockoptString stops at the first zero byte, which
// binary values such as SO_LINGER's struct contain.)
func (fd *netFD) getsockoptBytes(level, opt, buflen int) (string, error) {
	buf := make([]byte, buflen)
	n := uint32(buflen)
	_, _, e := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd.fd), uintptr(level), uintptr(opt),
		uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n)), 0)
	if e != 0 {
		return "", e
	}
	return string(buf[:n]), nil
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
