package luabind

import (
	"net/netip"

	lua "github.com/sockplay/sockplay/lua"
	"golang.org/x/sys/unix"
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
// too, as a server's clients often share one host. Guarded by the runtime
// lock, as every Lua-visible call is.
type lastSender struct {
	table *lua.LTable
	sa    unix.Sockaddr
	port  lua.LValue // the table's [2] as made; its [1] is host
	ip4   [4]byte
	host  lua.LString // the host string of ip4; "" until the first
}

// senderAddr is newAddr for the sender of a datagram on s, remembered for
// sendto. IPv4 only; other families get a fresh newAddr.
func (s *Socket) senderAddr(L *lua.LState, sa unix.Sockaddr) lua.LValue {
	a4, ok := sa.(*unix.SockaddrInet4)
	if !ok {
		s.last.table = nil
		return newAddr(L, sa)
	}
	if s.last.host == "" || a4.Addr != s.last.ip4 {
		s.last.ip4, s.last.host = a4.Addr, lua.LString(netip.AddrFrom4(a4.Addr).String())
	}
	port := lua.LNumber(a4.Port)
	t := newInet4Addr(L, s.last.host, port)
	s.last.table, s.last.sa, s.last.port = t, sa, port
	return t
}

// lastSenderSockaddr is the kernel address behind v if v is the table the
// last recvfrom returned and its host and port are unchanged (they are
// what checkAddr would read from it); otherwise nil.
func (s *Socket) lastSenderSockaddr(v lua.LValue) unix.Sockaddr {
	t, ok := v.(*lua.LTable)
	if !ok || t != s.last.table {
		return nil
	}
	if t.RawGetInt(1) != lua.LValue(s.last.host) || t.RawGetInt(2) != s.last.port || t.Len() != 2 {
		return nil
	}
	return s.last.sa
}
