package luabind

import (
	"net/netip"
	"unsafe"

	"github.com/sockplay/sockplay/internal/bsd"
	"golang.org/x/sys/unix"
)

// Kernel addresses to and from sockAddr, with the system calls that take
// or return one made here, not by x/sys: its decoder asks the kernel for
// SO_PROTOCOL on every AF_INET address (one more system call per datagram
// and per connection), it cuts abstract AF_UNIX names at their first zero
// byte, and its unix.Sockaddr values are allocated on every call, where
// these raw addresses live on the stack.

// The calls write and read addresses through pointers, and are kept out
// of line, so that their raw addresses and results are not in the frame
// of ioOp.attempt, which is on the stack of every task waiting in recv
// (the idle connections' 4 KiB stacks, docs/PERFORMANCE.md).

// recvfrom is recvfrom(2) into p; the sender goes to *from.
//
//go:noinline
func recvfrom(fd int, p []byte, flags int, from *sockAddr) (int, error) {
	var rsa unix.RawSockaddrAny
	size := uint32(unix.SizeofSockaddrAny)
	n, _, e := unix.Syscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(bufPtr(p)), uintptr(len(p)),
		uintptr(flags), uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&size)))
	if e != 0 {
		return 0, e
	}
	*from = decodeSockaddr(&rsa, size)
	return int(n), nil
}

// accept4 is accept4(2); the peer goes to *from.
//
//go:noinline
func accept4(fd int, flags int, from *sockAddr) (int, error) {
	var rsa unix.RawSockaddrAny
	size := uint32(unix.SizeofSockaddrAny)
	nfd, _, e := unix.Syscall6(unix.SYS_ACCEPT4, uintptr(fd), uintptr(unsafe.Pointer(&rsa)),
		uintptr(unsafe.Pointer(&size)), uintptr(flags), 0, 0)
	if e != 0 {
		return -1, e
	}
	*from = decodeSockaddr(&rsa, size)
	return int(nfd), nil
}

// sendto sends p to sa.
//
//go:noinline
func sendto(fd int, p []byte, flags int, sa *sockAddr) error {
	var raw unix.RawSockaddrAny
	n, err := encodeSockaddr(*sa, &raw)
	if err != nil {
		return err
	}
	_, _, e := unix.Syscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(bufPtr(p)), uintptr(len(p)),
		uintptr(flags), uintptr(unsafe.Pointer(&raw)), n)
	return errnoErr(e)
}

// connectRaw is connect(2) to sa.
//
//go:noinline
func connectRaw(fd int, sa *sockAddr) error {
	var raw unix.RawSockaddrAny
	n, err := encodeSockaddr(*sa, &raw)
	if err != nil {
		return err
	}
	_, _, e := unix.Syscall(unix.SYS_CONNECT, uintptr(fd), uintptr(unsafe.Pointer(&raw)), n)
	return errnoErr(e)
}

// sockName is getsockname(2) or getpeername(2) (call).
func sockName(call uintptr, fd int) (sockAddr, error) {
	var rsa unix.RawSockaddrAny
	size := uint32(unix.SizeofSockaddrAny)
	_, _, e := unix.RawSyscall(call, uintptr(fd), uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&size)))
	if e != 0 {
		return sockAddr{}, e
	}
	return decodeSockaddr(&rsa, size), nil
}

func bufPtr(p []byte) unsafe.Pointer {
	if len(p) == 0 {
		return nil
	}
	return unsafe.Pointer(&p[0])
}

// encodeSockaddr writes sa into raw and returns its length.
func encodeSockaddr(sa sockAddr, raw *unix.RawSockaddrAny) (uintptr, error) {
	switch sa.family {
	case bsd.AF_INET:
		pp := (*unix.RawSockaddrInet4)(unsafe.Pointer(raw))
		pp.Family = unix.AF_INET
		port := (*[2]byte)(unsafe.Pointer(&pp.Port))
		port[0], port[1] = byte(sa.port>>8), byte(sa.port)
		pp.Addr = sa.ip.Unmap().As4()
		return unix.SizeofSockaddrInet4, nil
	case bsd.AF_INET6:
		pp := (*unix.RawSockaddrInet6)(unsafe.Pointer(raw))
		pp.Family = unix.AF_INET6
		port := (*[2]byte)(unsafe.Pointer(&pp.Port))
		port[0], port[1] = byte(sa.port>>8), byte(sa.port)
		pp.Addr = sa.ip.As16()
		pp.Scope_id = sa.scope
		return unix.SizeofSockaddrInet6, nil
	case bsd.AF_UNIX:
		pp := (*unix.RawSockaddrUnix)(unsafe.Pointer(raw))
		n := len(sa.path)
		abstract := n > 0 && sa.path[0] == 0
		if n > len(pp.Path) || n == len(pp.Path) && !abstract {
			return 0, unix.EINVAL
		}
		pp.Family = unix.AF_UNIX
		for i := 0; i < n; i++ {
			pp.Path[i] = int8(sa.path[i])
		}
		size := uintptr(2 + n)
		if n > 0 && !abstract {
			size++ // the path's terminating NUL; an abstract name has none
		}
		return size, nil
	}
	return 0, unix.EAFNOSUPPORT
}

// decodeSockaddr converts the kernel's address of size bytes; no address
// when there is none (a connected stream socket's recvfrom).
func decodeSockaddr(rsa *unix.RawSockaddrAny, size uint32) sockAddr {
	if size < 2 {
		return sockAddr{}
	}
	switch rsa.Addr.Family {
	case unix.AF_INET:
		pp := (*unix.RawSockaddrInet4)(unsafe.Pointer(rsa))
		port := (*[2]byte)(unsafe.Pointer(&pp.Port))
		return sockAddr{family: bsd.AF_INET, port: uint16(port[0])<<8 | uint16(port[1]), ip: netip.AddrFrom4(pp.Addr)}
	case unix.AF_INET6:
		pp := (*unix.RawSockaddrInet6)(unsafe.Pointer(rsa))
		port := (*[2]byte)(unsafe.Pointer(&pp.Port))
		return sockAddr{family: bsd.AF_INET6, port: uint16(port[0])<<8 | uint16(port[1]), scope: pp.Scope_id, ip: netip.AddrFrom16(pp.Addr)}
	case unix.AF_UNIX:
		pp := (*unix.RawSockaddrUnix)(unsafe.Pointer(rsa))
		n := int(size) - 2 // the path's bytes after sun_family
		if n <= 0 {
			return unixAddr("") // unnamed
		}
		n = min(n, len(pp.Path))
		path := unsafe.Slice((*byte)(unsafe.Pointer(&pp.Path[0])), n)
		if path[0] == 0 {
			// Abstract: every byte counts, zeros included.
			return unixAddr(string(path))
		}
		for i, b := range path {
			if b == 0 {
				path = path[:i]
				break
			}
		}
		return unixAddr(string(path))
	}
	return sockAddr{}
}
