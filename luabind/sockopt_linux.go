package luabind

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// The portable backend's options on Linux (SOCKPLAY_BACKEND=portable):
// the numbers of package bsd are the kernel's.

func sysOption(level, opt int) (int, int, bool) { return level, opt, true }

// sysVirtual reports options the backend keeps without telling the
// system: none here.
func sysVirtual(level, opt int) bool { return false }

// sysDefaults are BSD's defaults where net sets others (bsdDefaults).
func sysDefaults(family, typ int) []portOpt { return bsdDefaults(family, typ) }

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
