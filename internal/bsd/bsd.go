// Package bsd holds the numbers of the BSD socket API as the Lua API
// shows them: Linux's, on every system. A script sees socket.AF_INET6,
// sock.family, getaddrinfo's entries and setsockopt's levels and options
// with these values wherever it runs, so a program, a trace or a test
// means the same on Linux, macOS and Windows. Linux's socket backend
// hands them to the kernel as they are; the portable backend, which runs
// on every system, translates what it passes to the system (the options
// before bind and on open sockets).
//
// Error numbers are not here: they are the system's (syscall.Errno).
package bsd

// Address families.
const (
	AF_UNSPEC = 0
	AF_UNIX   = 1
	AF_INET   = 2
	AF_INET6  = 10
)

// Socket types.
const (
	SOCK_STREAM = 1
	SOCK_DGRAM  = 2
	SOCK_RAW    = 3
)

// Protocols and option levels.
const (
	SOL_SOCKET   = 1
	IPPROTO_IP   = 0
	IPPROTO_TCP  = 6
	IPPROTO_UDP  = 17
	IPPROTO_IPV6 = 41
)

// Socket options, level SOL_SOCKET.
const (
	SO_DEBUG        = 1
	SO_REUSEADDR    = 2
	SO_TYPE         = 3
	SO_ERROR        = 4
	SO_DONTROUTE    = 5
	SO_BROADCAST    = 6
	SO_SNDBUF       = 7
	SO_RCVBUF       = 8
	SO_KEEPALIVE    = 9
	SO_OOBINLINE    = 10
	SO_LINGER       = 13
	SO_REUSEPORT    = 15
	SO_RCVLOWAT     = 18
	SO_SNDLOWAT     = 19
	SO_BINDTODEVICE = 25
	SO_ACCEPTCONN   = 30
)

// Options of level IPPROTO_TCP.
const (
	TCP_NODELAY          = 1
	TCP_MAXSEG           = 2
	TCP_KEEPIDLE         = 4
	TCP_KEEPINTVL        = 5
	TCP_KEEPCNT          = 6
	TCP_DEFER_ACCEPT     = 9
	TCP_QUICKACK         = 12
	TCP_FASTOPEN         = 23
	TCP_FASTOPEN_CONNECT = 30
)

// Options of level IPPROTO_IP.
const (
	IP_TOS             = 1
	IP_TTL             = 2
	IP_MULTICAST_IF    = 32
	IP_MULTICAST_TTL   = 33
	IP_MULTICAST_LOOP  = 34
	IP_ADD_MEMBERSHIP  = 35
	IP_DROP_MEMBERSHIP = 36
)

// Options of level IPPROTO_IPV6.
const (
	IPV6_UNICAST_HOPS    = 16
	IPV6_MULTICAST_LOOP  = 19
	IPV6_ADD_MEMBERSHIP  = 20
	IPV6_DROP_MEMBERSHIP = 21
	IPV6_V6ONLY          = 26
)

// Flags of send and recv.
const (
	MSG_OOB      = 0x1
	MSG_PEEK     = 0x2
	MSG_TRUNC    = 0x20
	MSG_DONTWAIT = 0x40
	MSG_WAITALL  = 0x100
	MSG_NOSIGNAL = 0x4000
)

// shutdown's how.
const (
	SHUT_RD   = 0
	SHUT_WR   = 1
	SHUT_RDWR = 2
)

// SOMAXCONN is the largest listen backlog the Lua API offers by name.
const SOMAXCONN = 4096

// IFNAMSIZ is the size of an interface name (SO_BINDTODEVICE).
const IFNAMSIZ = 16

// poll(2)'s events, as select.select reports readiness.
const (
	POLLIN   = 0x1
	POLLPRI  = 0x2
	POLLOUT  = 0x4
	POLLERR  = 0x8
	POLLHUP  = 0x10
	POLLNVAL = 0x20
)
