package luabind

import (
	"github.com/sockplay/sockplay/internal/bsd"
	"golang.org/x/sys/unix"
)

// The portable backend's options on macOS: package bsd's numbers (Linux's)
// translated into Darwin's.

var darwinOptions = map[optKey]optKey{
	{bsd.SOL_SOCKET, bsd.SO_REUSEADDR}:  {unix.SOL_SOCKET, unix.SO_REUSEADDR},
	{bsd.SOL_SOCKET, bsd.SO_REUSEPORT}:  {unix.SOL_SOCKET, unix.SO_REUSEPORT},
	{bsd.SOL_SOCKET, bsd.SO_BROADCAST}:  {unix.SOL_SOCKET, unix.SO_BROADCAST},
	{bsd.SOL_SOCKET, bsd.SO_KEEPALIVE}:  {unix.SOL_SOCKET, unix.SO_KEEPALIVE},
	{bsd.SOL_SOCKET, bsd.SO_RCVBUF}:     {unix.SOL_SOCKET, unix.SO_RCVBUF},
	{bsd.SOL_SOCKET, bsd.SO_SNDBUF}:     {unix.SOL_SOCKET, unix.SO_SNDBUF},
	{bsd.SOL_SOCKET, bsd.SO_ERROR}:      {unix.SOL_SOCKET, unix.SO_ERROR},
	{bsd.SOL_SOCKET, bsd.SO_TYPE}:       {unix.SOL_SOCKET, unix.SO_TYPE},
	{bsd.SOL_SOCKET, bsd.SO_ACCEPTCONN}: {unix.SOL_SOCKET, unix.SO_ACCEPTCONN},
	// Darwin's SO_LINGER counts clock ticks; SO_LINGER_SEC seconds, as
	// Linux's does.
	{bsd.SOL_SOCKET, bsd.SO_LINGER}:    {unix.SOL_SOCKET, unix.SO_LINGER_SEC},
	{bsd.SOL_SOCKET, bsd.SO_RCVLOWAT}:  {unix.SOL_SOCKET, unix.SO_RCVLOWAT},
	{bsd.SOL_SOCKET, bsd.SO_SNDLOWAT}:  {unix.SOL_SOCKET, unix.SO_SNDLOWAT},
	{bsd.SOL_SOCKET, bsd.SO_OOBINLINE}: {unix.SOL_SOCKET, unix.SO_OOBINLINE},
	{bsd.SOL_SOCKET, bsd.SO_DONTROUTE}: {unix.SOL_SOCKET, unix.SO_DONTROUTE},
	{bsd.IPPROTO_TCP, bsd.TCP_NODELAY}: {unix.IPPROTO_TCP, unix.TCP_NODELAY},
	{bsd.IPPROTO_TCP, bsd.TCP_MAXSEG}:  {unix.IPPROTO_TCP, unix.TCP_MAXSEG},
	// Darwin names TCP_KEEPIDLE TCP_KEEPALIVE.
	{bsd.IPPROTO_TCP, bsd.TCP_KEEPIDLE}:       {unix.IPPROTO_TCP, unix.TCP_KEEPALIVE},
	{bsd.IPPROTO_TCP, bsd.TCP_KEEPINTVL}:      {unix.IPPROTO_TCP, unix.TCP_KEEPINTVL},
	{bsd.IPPROTO_TCP, bsd.TCP_KEEPCNT}:        {unix.IPPROTO_TCP, unix.TCP_KEEPCNT},
	{bsd.IPPROTO_IP, bsd.IP_TTL}:              {unix.IPPROTO_IP, unix.IP_TTL},
	{bsd.IPPROTO_IP, bsd.IP_TOS}:              {unix.IPPROTO_IP, unix.IP_TOS},
	{bsd.IPPROTO_IP, bsd.IP_MULTICAST_TTL}:    {unix.IPPROTO_IP, unix.IP_MULTICAST_TTL},
	{bsd.IPPROTO_IP, bsd.IP_MULTICAST_LOOP}:   {unix.IPPROTO_IP, unix.IP_MULTICAST_LOOP},
	{bsd.IPPROTO_IPV6, bsd.IPV6_V6ONLY}:       {unix.IPPROTO_IPV6, unix.IPV6_V6ONLY},
	{bsd.IPPROTO_IPV6, bsd.IPV6_UNICAST_HOPS}: {unix.IPPROTO_IPV6, unix.IPV6_UNICAST_HOPS},
}

// sysOption translates an option; TCP_QUICKACK and the others Darwin does
// not have are not found (ENOPROTOOPT).
func sysOption(level, opt int) (int, int, bool) { return lookupOption(darwinOptions, level, opt) }

// sysVirtual reports options the backend keeps without telling the
// system: none here.
func sysVirtual(level, opt int) bool { return false }

// sysDefaults are BSD's defaults where net sets others (bsdDefaults).
func sysDefaults(family, typ int) []portOpt { return bsdDefaults(family, typ) }

// sysGetLinger reads SO_LINGER_SEC, Darwin's SO_LINGER in seconds;
// isLinger is false for any other option.
func sysGetLinger(h uintptr, level, opt int) (on, secs int32, isLinger bool, err error) {
	if level != unix.SOL_SOCKET || opt != unix.SO_LINGER_SEC {
		return 0, 0, false, nil
	}
	l, err := unix.GetsockoptLinger(int(h), level, opt)
	if err != nil {
		return 0, 0, true, err
	}
	return l.Onoff, l.Linger, true, nil
}
