package luabind

import (
	"os"
	"time"

	lua "github.com/sockplay/sockplay/lua"
)

// The seam between the Lua-facing files and the system. A Socket's
// system side is a netFD, made by the runtime's backend:
//
//   - Linux's (fd_linux.go, fd_io_linux.go, sockaddr_linux.go,
//     select_linux.go): raw descriptors made with socket(2) and driven
//     with system calls, waiting on Go's poller, so bind, setsockopt and
//     listen(backlog) mean exactly what they mean in C and Python.
//   - the portable one (fd_portable.go, fd_io_portable.go,
//     select_portable.go, sockopt_*.go): Go's net package, on every
//     system; the one used elsewhere than on Linux, and on Linux when
//     SOCKPLAY_BACKEND=portable (so that every test runs on it too).
//     Where it cannot do what BSD sockets do, docs/API.md says what
//     differs.
//
// Addresses cross the seam as sockAddr (addr.go), numbers as package bsd
// has them (Linux's, on every system), errors as syscall.Errno values of
// the system.

// netFD is a socket at the system. The methods that wait do so as the
// socket's timeout says (s.timeout, or an argument), with the runtime lock
// released, and stop when the calling task is interrupted; the others do
// not wait. Called with the runtime lock held.
type netFD interface {
	bind(sa sockAddr) error
	listen(backlog int) error
	shutdown(how int) error
	sockname() (sockAddr, error)
	peername() (sockAddr, error)
	getsockoptInt(level, opt int) (int, error)
	setsockoptInt(level, opt, v int) error
	getsockoptBytes(level, opt, buflen int) (string, error)
	setsockoptBytes(level, opt int, v string) error
	// disconnect dissolves a datagram socket's association with its peer.
	disconnect() error
	// close releases the system's socket (Socket.close does the rest).
	close() error

	connect(L *lua.LState, sa sockAddr) error
	accept(L *lua.LState) (*Socket, sockAddr, error)
	// recvInto reads up to len(buf) bytes into buf.
	recvInto(L *lua.LState, buf []byte, flags int) (int, error)
	// recvString reads up to bufsize bytes into a Lua string.
	recvString(L *lua.LState, bufsize, flags int) (lua.LString, error)
	// recvFrom is recvString with the sender (none for a connected
	// stream socket).
	recvFrom(L *lua.LState, bufsize, flags int) (lua.LString, sockAddr, error)
	// send sends as much of data as one send(2) takes, waiting at most
	// timeout (< 0: without limit; 0: not at all).
	send(L *lua.LState, data []byte, flags int, timeout time.Duration) (int, error)
	// sendTo is send to an address (sendto(2)).
	sendTo(L *lua.LState, data []byte, flags int, to sockAddr, timeout time.Duration) (int, error)
	// sendNow is one non-blocking send, which lets go of the runtime lock
	// for the system call when other tasks wait for it.
	sendNow(L *lua.LState, data []byte) (int, error)
	// kick interrupts the waits of one direction: a task's interrupt.
	kick(write bool)
}

// backend makes a runtime's sockets and waits for select.
type backend interface {
	// name is what socket.backend says: "linux" or "portable".
	name() string
	open(rt *Runtime, family, typ, proto int) (*Socket, error)
	pair(rt *Runtime, family, typ int) (*Socket, *Socket, error)
	// pollNow sets the revents of fds (socks[i] is fds[i]'s socket, or
	// nil for a bare descriptor number) without waiting, and returns how
	// many are ready.
	pollNow(rt *Runtime, fds []pollFd, socks []*Socket) (int, error)
	// waitAny waits until one of fds may be ready, timeout passes (< 0:
	// no limit), one of sw's sockets is closed, or the task is
	// interrupted, with the runtime lock released. The caller polls again.
	waitAny(L *lua.LState, rt *Runtime, fds []pollFd, socks []*Socket, timeout time.Duration, sw *selectWait) error
	// waitOne waits until s is ready for p's one direction (bsd.POLLIN or
	// bsd.POLLOUT), within wait; it returns 1 and p's revents, or 0.
	waitOne(L *lua.LState, t *task, s *Socket, p *pollFd, wait time.Duration) (int, error)
}

// pollFd is poll(2)'s struct pollfd, with the events of package bsd.
type pollFd struct {
	Fd      int32
	Events  int16
	Revents int16
}

// backendEnv names the environment variable that forces the portable
// backend on Linux (docs/DESIGN.md): SOCKPLAY_BACKEND=portable.
const backendEnv = "SOCKPLAY_BACKEND"

// portableForced reports whether the environment asks for the portable
// backend.
func portableForced() bool { return os.Getenv(backendEnv) == "portable" }
