package luabind

import (
	"unsafe"

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
