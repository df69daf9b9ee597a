package luabind

import (
	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
)

// The last sender of a datagram socket. Every UDP server does
//
//	local data, addr = sock:recvfrom(n)
//	sock:sendto(reply, addr)
//
// and turning each sender's kernel address into a Lua table (formatting
// the host) and the table back into a kernel address (parsing the host
// again) costs a UDP echo server about 6 % of its CPU. So a socket
// remembers the table its last recvfrom returned and the kernel address
// behind it; sendto given that very table, unchanged, sends to that
// address as is. The host string of the last IPv4 sender is reused
// too, as a server's clients often share one host, and so are the host
// and port as Lua values (a string or number made a Lua value is an
// allocation). Guarded by the runtime lock, as every Lua-visible call is.
type lastSender struct {
	table *lua.LTable
	sa    sockAddr
	port  lua.LValue // the table's [2] as made (a number); nil until the first
	host  lua.LValue // the table's [1]: the last IPv4 sender's ip as a string; nil until the first
}

// senderAddr is newAddr for the sender of a datagram on s, remembered for
// sendto. IPv4 only; other families get a fresh newAddr.
func (s *Socket) senderAddr(L *lua.LState, sa sockAddr) lua.LValue {
	if sa.family != bsd.AF_INET {
		s.last.table = nil
		return newAddr(L, sa)
	}
	if s.last.host == nil || sa.ip != s.last.sa.ip {
		s.last.host = lua.LString(sa.ip.String())
	}
	if s.last.port == nil || sa.port != s.last.sa.port {
		s.last.port = lua.LNumber(sa.port)
	}
	t := newInet4Addr(L, s.rt.addrMeta, s.last.host, s.last.port)
	s.last.table, s.last.sa = t, sa
	return t
}

// lastSenderAddr is the address behind v if v is the table the last
// recvfrom returned and its host and port are unchanged (they are what
// checkAddr would read from it); otherwise no address.
func (s *Socket) lastSenderAddr(v lua.LValue) sockAddr {
	t, ok := v.(*lua.LTable)
	if !ok || t != s.last.table {
		return sockAddr{}
	}
	if t.RawGetInt(1) != s.last.host || t.RawGetInt(2) != s.last.port || t.Len() != 2 {
		return sockAddr{}
	}
	return s.last.sa
}
