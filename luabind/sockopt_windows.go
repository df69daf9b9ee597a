package luabind

import (
	"unsafe"

	"github.com/sockplay/sockplay/internal/bsd"
	"golang.org/x/sys/windows"
)

// The portable backend's options on Windows: package bsd's numbers
// (Linux's) translated into Winsock's.

// winSO_OOBINLINE is Winsock's SO_OOBINLINE, which x/sys/windows does not
// name.
const winSO_OOBINLINE = 0x0100

var windowsOptions = map[optKey]optKey{
	{bsd.SOL_SOCKET, bsd.SO_BROADCAST}: {windows.SOL_SOCKET, windows.SO_BROADCAST},
	{bsd.SOL_SOCKET, bsd.SO_KEEPALIVE}: {windows.SOL_SOCKET, windows.SO_KEEPALIVE},
	{bsd.SOL_SOCKET, bsd.SO_RCVBUF}:    {windows.SOL_SOCKET, windows.SO_RCVBUF},
	{bsd.SOL_SOCKET, bsd.SO_SNDBUF}:    {windows.SOL_SOCKET, windows.SO_SNDBUF},
	{bsd.SOL_SOCKET, bsd.SO_LINGER}:    {windows.SOL_SOCKET, windows.SO_LINGER},
	{bsd.SOL_SOCKET, bsd.SO_OOBINLINE}: {windows.SOL_SOCKET, winSO_OOBINLINE},
	{bsd.SOL_SOCKET, bsd.SO_DONTROUTE}: {windows.SOL_SOCKET, windows.SO_DONTROUTE},
	{bsd.IPPROTO_TCP, bsd.TCP_NODELAY}: {windows.IPPROTO_TCP, windows.TCP_NODELAY},
	{bsd.IPPROTO_TCP, bsd.TCP_MAXSEG}:  {windows.IPPROTO_TCP, windows.TCP_MAXSEG},
	// Windows 10 (1709) and later.
	{bsd.IPPROTO_TCP, bsd.TCP_KEEPIDLE}:       {windows.IPPROTO_TCP, windows.TCP_KEEPIDLE},
	{bsd.IPPROTO_TCP, bsd.TCP_KEEPINTVL}:      {windows.IPPROTO_TCP, windows.TCP_KEEPINTVL},
	{bsd.IPPROTO_TCP, bsd.TCP_KEEPCNT}:        {windows.IPPROTO_TCP, windows.TCP_KEEPCNT},
	{bsd.IPPROTO_IP, bsd.IP_TTL}:              {windows.IPPROTO_IP, windows.IP_TTL},
	{bsd.IPPROTO_IP, bsd.IP_TOS}:              {windows.IPPROTO_IP, windows.IP_TOS},
	{bsd.IPPROTO_IP, bsd.IP_MULTICAST_TTL}:    {windows.IPPROTO_IP, windows.IP_MULTICAST_TTL},
	{bsd.IPPROTO_IP, bsd.IP_MULTICAST_LOOP}:   {windows.IPPROTO_IP, windows.IP_MULTICAST_LOOP},
	{bsd.IPPROTO_IPV6, bsd.IPV6_V6ONLY}:       {windows.IPPROTO_IPV6, windows.IPV6_V6ONLY},
	{bsd.IPPROTO_IPV6, bsd.IPV6_UNICAST_HOPS}: {windows.IPPROTO_IPV6, windows.IPV6_UNICAST_HOPS},
}

// sysOption translates an option. SO_REUSEPORT, SO_RCVLOWAT, SO_SNDLOWAT
// and TCP_QUICKACK have no Winsock option (ENOPROTOOPT).
func sysOption(level, opt int) (int, int, bool) { return lookupOption(windowsOptions, level, opt) }

// sysVirtual reports options the backend keeps without telling the
// system. SO_REUSEADDR: Winsock's lets a second socket take a port that
// another one is bound to, even listening, which BSD's never does; and
// what BSD's is for, binding a port whose old connections linger, Windows
// allows without it. The script's value is kept and reported.
func sysVirtual(level, opt int) bool {
	return level == bsd.SOL_SOCKET && opt == bsd.SO_REUSEADDR
}

// sysDefaults are BSD's defaults where net sets others: SO_BROADCAST off
// (net sets it on every UDP socket). IPV6_V6ONLY stays on, Windows' own
// default.
func sysDefaults(family, typ int) []portOpt {
	if family != bsd.AF_UNIX && typ == bsd.SOCK_DGRAM {
		return []portOpt{{level: bsd.SOL_SOCKET, opt: bsd.SO_BROADCAST}}
	}
	return nil
}

// sysListen would set a listening socket's backlog: Winsock ignores a
// second listen on a listening socket, so the queue stays the system's
// longest (docs/API.md).
func sysListen(h uintptr, backlog int) error { return nil }

func sysSetInt(h uintptr, level, opt, v int) error {
	return windows.SetsockoptInt(windows.Handle(h), level, opt, v)
}

func sysGetInt(h uintptr, level, opt int) (int, error) {
	return windows.GetsockoptInt(windows.Handle(h), level, opt)
}

// sysSetBytes passes a raw value; SO_LINGER comes as Linux's struct
// linger and goes as Winsock's (two 16-bit fields).
func sysSetBytes(h uintptr, level, opt int, v []byte) error {
	if level == windows.SOL_SOCKET && opt == windows.SO_LINGER {
		on, secs, ok := lingerOf(v)
		if !ok {
			return windows.WSAEFAULT
		}
		return windows.SetsockoptLinger(windows.Handle(h), level, opt, &windows.Linger{Onoff: on, Linger: secs})
	}
	if len(v) == 0 {
		return windows.WSAEFAULT
	}
	return windows.Setsockopt(windows.Handle(h), int32(level), int32(opt), &v[0], int32(len(v)))
}

// sysGetLinger reads SO_LINGER, Winsock's two 16-bit fields; isLinger is
// false for any other option.
func sysGetLinger(h uintptr, level, opt int) (on, secs int32, isLinger bool, err error) {
	if level != windows.SOL_SOCKET || opt != windows.SO_LINGER {
		return 0, 0, false, nil
	}
	var l struct{ on, secs uint16 }
	n := int32(unsafe.Sizeof(l))
	if err := windows.Getsockopt(windows.Handle(h), int32(level), int32(opt), (*byte)(unsafe.Pointer(&l)), &n); err != nil {
		return 0, 0, true, err
	}
	return int32(l.on), int32(l.secs), true, nil
}
