package luabind

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// recvfrom and accept4 with the sender's address decoded here, not by
// x/sys: its decoder asks the kernel for SO_PROTOCOL on every AF_INET
// address (one more system call per datagram and per connection), and it
// cuts abstract AF_UNIX names at their first zero byte.

func recvfrom(fd int, p []byte, flags int) (int, unix.Sockaddr, error) {
	var rsa unix.RawSockaddrAny
	size := uint32(unix.SizeofSockaddrAny)
	n, _, e := unix.Syscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(bufPtr(p)), uintptr(len(p)),
		uintptr(flags), uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&size)))
	if e != 0 {
		return 0, nil, e
	}
	return int(n), decodeSockaddr(&rsa, size), nil
}

func accept4(fd int, flags int) (int, unix.Sockaddr, error) {
	var rsa unix.RawSockaddrAny
	size := uint32(unix.SizeofSockaddrAny)
	nfd, _, e := unix.Syscall6(unix.SYS_ACCEPT4, uintptr(fd), uintptr(unsafe.Pointer(&rsa)),
		uintptr(unsafe.Pointer(&size)), uintptr(flags), 0, 0)
	if e != 0 {
		return -1, nil, e
	}
	return int(nfd), decodeSockaddr(&rsa, size), nil
}

func bufPtr(p []byte) unsafe.Pointer {
	if len(p) == 0 {
		return nil
	}
	return unsafe.Pointer(&p[0])
}

// decodeSockaddr converts the kernel's address of size bytes; nil when
// there is none (a connected stream socket's recvfrom).
func decodeSockaddr(rsa *unix.RawSockaddrAny, size uint32) unix.Sockaddr {
	if size < 2 {
		return nil
	}
	switch rsa.Addr.Family {
	case unix.AF_INET:
		pp := (*unix.RawSockaddrInet4)(unsafe.Pointer(rsa))
		port := (*[2]byte)(unsafe.Pointer(&pp.Port))
		return &unix.SockaddrInet4{Port: int(port[0])<<8 | int(port[1]), Addr: pp.Addr}
	case unix.AF_INET6:
		pp := (*unix.RawSockaddrInet6)(unsafe.Pointer(rsa))
		port := (*[2]byte)(unsafe.Pointer(&pp.Port))
		return &unix.SockaddrInet6{Port: int(port[0])<<8 | int(port[1]), ZoneId: pp.Scope_id, Addr: pp.Addr}
	case unix.AF_UNIX:
		pp := (*unix.RawSockaddrUnix)(unsafe.Pointer(rsa))
		n := int(size) - 2 // the path's bytes after sun_family
		if n <= 0 {
			return &unix.SockaddrUnix{} // unnamed
		}
		n = min(n, len(pp.Path))
		path := unsafe.Slice((*byte)(unsafe.Pointer(&pp.Path[0])), n)
		if path[0] == 0 {
			// Abstract: every byte counts, zeros included. "@" is how
			// x/sys and newAddr mark it.
			return &unix.SockaddrUnix{Name: "@" + string(path[1:])}
		}
		for i, b := range path {
			if b == 0 {
				path = path[:i]
				break
			}
		}
		return &unix.SockaddrUnix{Name: string(path)}
	}
	return nil
}
