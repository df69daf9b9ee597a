package luabind

import (
	"unsafe"

	lua "github.com/sockplay/sockplay/lua"
	"golang.org/x/sys/unix"
)

// The descriptor layer's calls that only the LuaSocket dialect makes
// (Linux).

// disconnect dissolves a datagram socket's association with its peer:
// connect(2) to an address of family AF_UNSPEC.
func (fd *netFD) disconnect() error {
	var sa unix.RawSockaddrInet6 // large enough for either family; Family 0 is AF_UNSPEC
	_, _, e := unix.Syscall(unix.SYS_CONNECT, uintptr(fd.fd), uintptr(unsafe.Pointer(&sa)), unsafe.Sizeof(sa))
	if e != 0 {
		return e
	}
	return nil
}

// sendNow makes one non-blocking send of data on s: a call with timeout 0,
// which must not wait. When other tasks wait for the runtime lock it
// lets go of it for the system call, as the waiting calls do (a server
// of many non-blocking connections would otherwise send one connection
// at a time). EAGAIN: nothing could be sent now.
func (s *Socket) sendNow(L *lua.LState, data []byte) (int, error) {
	rt := s.rt
	t := rt.currentTask(L)
	t.io.start(ioSend, data, 0, 0, nil)
	var err error
	if rt.queued.Load() > 0 {
		rt.release(t)
		err = s.rc.Control(t.ctlFn)
		rt.acquire(t)
	} else {
		err = s.rc.Control(t.ctlFn)
	}
	if err != nil {
		return 0, s.waitError(err)
	}
	if !t.io.done {
		return 0, unix.EAGAIN
	}
	return t.io.n, t.io.err
}
