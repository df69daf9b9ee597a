package luabind

import (
	"errors"
	"os"
	"syscall"
	"time"
	"unsafe"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
)

// A socket's I/O above the backends: which timeout a call waits with,
// sendall's loop, and what an error of a closed socket says.

// defaultBacklog is listen's when none is given.
const defaultBacklog = 128

// maxRecvBuf caps the buffer of one recv.
const maxRecvBuf = 4 << 20

// timeoutFor is the timeout of one call with flags: MSG_DONTWAIT makes
// it non-blocking (otherwise it only makes the system call fail with
// EAGAIN, and the backend would wait for readiness).
func (s *Socket) timeoutFor(flags int) time.Duration {
	if flags&bsd.MSG_DONTWAIT != 0 {
		return 0
	}
	return s.timeout
}

// stringBytes is the bytes of a Lua string without a copy: the system
// calls only read them, and the string stays alive on the Lua stack.
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// sendOnce sends as much of data as one send(2) takes (to: sendto, when
// it is an address), waiting as the socket's timeout says.
func (s *Socket) sendOnce(L *lua.LState, data []byte, flags int, to sockAddr) (int, error) {
	if to.ok() {
		return s.sys.sendTo(L, data, flags, to, s.timeoutFor(flags))
	}
	return s.sys.send(L, data, flags, s.timeoutFor(flags))
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
		n, err := s.sys.send(L, data, flags, left)
		if err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// waitError is err of a wait on s, where another task's close of s
// meanwhile is EBADF, as the system says for a closed descriptor.
func (s *Socket) waitError(err error) error {
	if err != nil && (s.closed() || errors.Is(err, os.ErrClosed)) {
		// (RawConn returns poll's "use of closed file", which is not
		// os.ErrClosed, and net's "use of closed network connection".)
		return syscall.EBADF
	}
	return err
}
