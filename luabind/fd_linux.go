package luabind

import (
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The Linux backend: a socket's descriptor and the system calls on it
// that do not wait (fd_io_linux.go has those that do). Everything above
// this layer sees the netFD interface (backend.go), not system calls.

// linuxFD is a socket descriptor (Socket.fd): non-blocking,
// close-on-exec, registered with Go's poller through an os.File.
type linuxFD struct {
	s    *Socket
	file *os.File
	rc   syscall.RawConn
	waitDeadlines
}

type linuxBackend struct{}

func (linuxBackend) name() string { return "linux" }

// open makes a socket with socket(2).
func (linuxBackend) open(rt *Runtime, family, typ, proto int) (*Socket, error) {
	fd, err := unix.Socket(family, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	return newLinuxSocket(rt, fd, family, typ, proto), nil
}

// pair makes two connected sockets with socketpair(2).
func (linuxBackend) pair(rt *Runtime, family, typ int) (*Socket, *Socket, error) {
	fds, err := unix.Socketpair(family, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	return newLinuxSocket(rt, fds[0], family, typ, 0), newLinuxSocket(rt, fds[1], family, typ, 0), nil
}

// newLinuxSocket wraps descriptor sysfd, fresh from socket(2),
// socketpair(2) or accept4(2) with SOCK_NONBLOCK|SOCK_CLOEXEC, and
// registers it with the runtime. The Socket and its linuxFD are one
// allocation: a server makes one per connection.
func newLinuxSocket(rt *Runtime, sysfd, family, typ, proto int) *Socket {
	both := &struct {
		s  Socket
		fd linuxFD
	}{}
	s, fd := &both.s, &both.fd
	s.fd = sysfd
	s.sys = fd
	fd.s = s
	fd.file = os.NewFile(uintptr(sysfd), "socket")
	fd.rc, _ = fd.file.SyscallConn()
	fd.waitDeadlines.init(fd.file)
	rt.register(s, family, typ, proto)
	return s
}

// close closes the descriptor; the os.File makes sure it happens once.
func (fd *linuxFD) close() error { return fd.file.Close() }

func (fd *linuxFD) bind(sa sockAddr) error {
	var raw unix.RawSockaddrAny
	n, err := encodeSockaddr(sa, &raw)
	if err != nil {
		return err
	}
	_, _, e := unix.Syscall(unix.SYS_BIND, uintptr(fd.s.fd), uintptr(unsafe.Pointer(&raw)), n)
	return errnoErr(e)
}

func (fd *linuxFD) listen(backlog int) error { return unix.Listen(fd.s.fd, backlog) }

func (fd *linuxFD) shutdown(how int) error { return unix.Shutdown(fd.s.fd, how) }

// sockname is the socket's own address.
func (fd *linuxFD) sockname() (sockAddr, error) { return sockName(unix.SYS_GETSOCKNAME, fd.s.fd) }

// peername is the address of a connected socket's peer.
func (fd *linuxFD) peername() (sockAddr, error) { return sockName(unix.SYS_GETPEERNAME, fd.s.fd) }

func (fd *linuxFD) getsockoptInt(level, opt int) (int, error) {
	return unix.GetsockoptInt(fd.s.fd, level, opt)
}

func (fd *linuxFD) setsockoptInt(level, opt, v int) error {
	return unix.SetsockoptInt(fd.s.fd, level, opt, v)
}

func (fd *linuxFD) setsockoptBytes(level, opt int, v string) error {
	return unix.SetsockoptString(fd.s.fd, level, opt, v)
}

// getsockoptBytes reads a raw option value, as Python's getsockopt with
// buflen. (x/sys's GetsockoptString stops at the first zero byte, which
// binary values such as SO_LINGER's struct contain.)
func (fd *linuxFD) getsockoptBytes(level, opt, buflen int) (string, error) {
	buf := make([]byte, buflen)
	n := uint32(buflen)
	_, _, e := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd.s.fd), uintptr(level), uintptr(opt),
		uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n)), 0)
	if e != 0 {
		return "", e
	}
	return string(buf[:n]), nil
}

// disconnect dissolves a datagram socket's association with its peer:
// connect(2) to an address of family AF_UNSPEC.
func (fd *linuxFD) disconnect() error {
	var sa unix.RawSockaddrInet6 // large enough for either family; Family 0 is AF_UNSPEC
	_, _, e := unix.Syscall(unix.SYS_CONNECT, uintptr(fd.s.fd), uintptr(unsafe.Pointer(&sa)), unsafe.Sizeof(sa))
	return errnoErr(e)
}

// kick interrupts the waits of one direction (a task's interrupt).
func (fd *linuxFD) kick(write bool) { fd.waitDeadlines.kick(write) }

// ignoringEINTR retries a system call that a signal interrupted; Go's
// runtime sends signals (preemption) that a raw syscall can see.
func ignoringEINTR(fn func() error) error {
	for {
		if err := fn(); err != unix.EINTR {
			return err
		}
	}
}

// errnoErr is e as an error: nil for 0.
func errnoErr(e unix.Errno) error {
	if e != 0 {
		return e
	}
	return nil
}

var _ netFD = (*linuxFD)(nil)
