package luabind

import (
	"unsafe"

	"github.com/sockplay/sockplay/internal/bsd"
	"golang.org/x/sys/unix"
)

// The portable backend's options on Linux (SOCKPLAY_BACKEND=portable):
// the numbers of package bsd are the kernel's.

func sysOption(level, opt int) (int, int, bool) { return level, opt, true }

// sysVirtual reports options the backend keeps without telling the
// system: none here.
func sysVirtual(level, opt int) bool { return false }

// sysDefaults are BSD's defaults where net sets others: SO_REUSEADDR off
// (net sets it on listeners), SO_BROADCAST off (on for every UDP socket
// net makes), IPV6_V6ONLY off, as Linux's sysctl bindv6only has it (net
// sets it for tcp6 and udp6).
func sysDefaults(family, typ int) []portOpt {
	if family == bsd.AF_UNIX {
		return nil
	}
	d := []portOpt{{level: bsd.SOL_SOCKET, opt: bsd.SO_REUSEADDR}}
	if typ == bsd.SOCK_DGRAM {
		d = append(d, portOpt{level: bsd.SOL_SOCKET, opt: bsd.SO_BROADCAST})
	}
	if family == bsd.AF_INET6 {
		d = append(d, portOpt{level: bsd.IPPROTO_IPV6, opt: bsd.IPV6_V6ONLY})
	}
	return d
}

// sysListen sets a listening socket's backlog.
func sysListen(h uintptr, backlog int) error { return unix.Listen(int(h), backlog) }

func sysSetInt(h uintptr, level, opt, v int) error { return unix.SetsockoptInt(int(h), level, opt, v) }

func sysGetInt(h uintptr, level, opt int) (int, error) { return unix.GetsockoptInt(int(h), level, opt) }

func sysSetBytes(h uintptr, level, opt int, v []byte) error {
	return unix.SetsockoptString(int(h), level, opt, string(v))
}

func sysGetBytes(h uintptr, level, opt, buflen int) ([]byte, error) {
	buf := make([]byte, buflen)
	n := uint32(buflen)
	_, _, e := unix.Syscall6(unix.SYS_GETSOCKOPT, h, uintptr(level), uintptr(opt),
		uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n)), 0)
	if e != 0 {
		return nil, e
	}
	return buf[:n], nil
}
