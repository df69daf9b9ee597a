package luabind

import (
	"net/netip"
	"syscall"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// The LuaSocket dialect's datagram objects (LuaSocket's udp.c, and the
// I/O unixdgram.c shares with it): udp{unconnected} sends with sendto and
// receives with receivefrom; setpeername makes it a udp{connected}, which
// sends with send, and setpeername("*") makes it unconnected again.

// socket.udp() -> udp{unconnected}   (its descriptor is made by setsockname, setpeername or sendto)
func (rt *Runtime) lsUDP(L *lua.LState) int {
	return rt.lsMake(L, lsUDPUnconnected, bsd.AF_UNSPEC, "udp")
}

// socket.udp4() -> udp{unconnected} | nil, err
func (rt *Runtime) lsUDP4(L *lua.LState) int {
	return rt.lsMake(L, lsUDPUnconnected, bsd.AF_INET, "udp4")
}

// socket.udp6() -> udp{unconnected} | nil, err   (IPv6-only)
func (rt *Runtime) lsUDP6(L *lua.LState) int {
	return rt.lsMake(L, lsUDPUnconnected, bsd.AF_INET6, "udp6")
}

// udp:setpeername(address, port) -> 1 | nil, err   (setpeername("*"): unconnected again)
func (rt *Runtime) lsUDPSetpeername(L *lua.LState) int {
	o := lsSelf(L, "udp:setpeername", lsUDPAny)
	host := lsString(L, 2, "udp:setpeername", "address")
	if host == "*" {
		if o.open() {
			// Errors are ignored, as LuaSocket does (some systems refuse
			// the AF_UNSPEC address that dissolves the association).
			o.s.sys.disconnect()
		}
		o.setClass(L, rt, lsUDPUnconnected)
		return pushOK(L)
	}
	port := lsString(L, 3, "udp:setpeername", "port")
	o.markStart(rt.ls)
	if err := rt.lsTryConnect(L, o, host, port, "setpeername"); err != nil {
		return pushFail(L, err)
	}
	o.setClass(L, rt, lsUDPConnected)
	return pushOK(L)
}

// udp:receive([size]) -> datagram | nil, err   (size default socket._DATAGRAMSIZE; a longer datagram is cut)
func (rt *Runtime) lsDgramReceive(L *lua.LState) int {
	o := lsSelf(L, "udp:receive", lsUDPAny|lsUnixDgramAny)
	data, _, err := rt.lsRecvDatagram(L, o, "receive", false)
	if err != nil {
		return pushFail(L, err)
	}
	L.Push(data)
	return 1
}

// udp:receivefrom([size]) -> datagram, ip, port | nil, err   (unix: datagram, path)
func (rt *Runtime) lsDgramReceivefrom(L *lua.LState) int {
	o := lsSelf(L, "udp:receivefrom", lsOnly(lsUDPUnconnected, lsUnixDgramUnconnected))
	data, from, err := rt.lsRecvDatagram(L, o, "receivefrom", true)
	if err != nil {
		return pushFail(L, err)
	}
	L.Push(data)
	if o.class == lsUnixDgramUnconnected {
		L.Push(lua.LString(lsUnixPath(from)))
		return 2
	}
	ip, port, ok := sockaddrIPPort(from)
	if !ok {
		return pushFail(L, &gaiError{msg: lsErrFamily})
	}
	L.Push(lua.LString(ip))
	L.Push(lua.LNumber(port))
	return 3
}

// lsRecvDatagram receives one datagram of at most the size argument.
func (rt *Runtime) lsRecvDatagram(L *lua.LState, o *lsObject, call string, wantFrom bool) (lua.LString, sockAddr, error) {
	fname := lsMethodName(o.class, call)
	size := lsOptNumber(L, 2, fname, "size", lsDatagramSize)
	if size < 0 || size != size {
		lualib.ArgError(L, 2, fname, "size must be a non-negative number")
	}
	o.markStart(rt.ls)
	if !o.open() {
		// LuaSocket reads nothing and reports an empty datagram.
		return "", sockAddr{}, nil
	}
	o.arm()
	tc := rt.traceBegin()
	var data lua.LString
	var from sockAddr
	var err error
	if wantFrom {
		data, from, err = o.s.sys.recvFrom(L, int(min(size, maxRecvBuf)), 0)
	} else {
		data, err = o.s.sys.recvString(L, int(min(size, maxRecvBuf)), 0)
	}
	event := "recv"
	if wantFrom {
		event = "recvfrom"
	}
	if tc != nil && !tc.counted(o.s, event, len(data), err) {
		ev := &traceNote{event: event, call: call, data: tc.head(string(data)), bytes: len(data), isData: err == nil}
		if wantFrom {
			ev.remote = sockaddrText(from)
		}
		tc.emit(L, o.s, ev, err)
	}
	return data, from, err
}

// udp:send(datagram) -> sent | nil, err   (a udp{connected}: to its peer)
func (rt *Runtime) lsDgramSend(L *lua.LState) int {
	o := lsSelf(L, "udp:send", lsOnly(lsUDPConnected, lsUnixDgramConnected))
	data := lsString(L, 2, lsMethodName(o.class, "send"), "datagram")
	return rt.lsSendDatagram(L, o, data, sockAddr{}, "", "send")
}

// udp:sendto(datagram, ip, port) -> sent | nil, err   (ip: a numeric address; unix: sendto(datagram, path))
func (rt *Runtime) lsDgramSendto(L *lua.LState) int {
	o := lsSelf(L, "udp:sendto", lsOnly(lsUDPUnconnected, lsUnixDgramUnconnected))
	fname := lsMethodName(o.class, "sendto")
	data := lsString(L, 2, fname, "datagram")
	if o.class == lsUnixDgramUnconnected {
		path := lsString(L, 3, fname, "path")
		sa, err := rt.lsUnixSockaddr(L, path)
		if err != nil {
			return pushFail(L, err)
		}
		return rt.lsSendDatagram(L, o, data, sa, path, "sendto")
	}
	host := lsString(L, 3, fname, "ip")
	port := lsString(L, 4, fname, "port")
	sa, err := lsNumericSockaddr(host, port, o.family)
	if err != nil {
		return pushFail(L, err)
	}
	if !o.open() && o.family == bsd.AF_UNSPEC {
		if err := rt.lsCreate(L, o, int(sa.family), bsd.SOCK_DGRAM, "sendto"); err != nil {
			return pushFail(L, err)
		}
	}
	return rt.lsSendDatagram(L, o, data, sa, "", "sendto")
}

// lsNumericSockaddr is sendto's address: a numeric host and port only, as
// LuaSocket asks getaddrinfo for (AI_NUMERICHOST).
func lsNumericSockaddr(host, port string, family int) (sockAddr, error) {
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return sockAddr{}, &gaiError{code: -2, msg: lsErrNumeric}
	}
	ip = ip.Unmap().WithZone("")
	p, err := lsPort(port, bsd.SOCK_DGRAM)
	if err != nil {
		return sockAddr{}, err
	}
	sa := inetAddr(ip, p)
	if family != bsd.AF_UNSPEC && family != int(sa.family) {
		return sockAddr{}, &gaiError{code: -9, msg: lsErrAddrFamily}
	}
	return sa, nil
}

// lsSendDatagram sends one datagram (to sa, or to the peer if sa is nil).
func (rt *Runtime) lsSendDatagram(L *lua.LState, o *lsObject, data string, sa sockAddr, path, call string) int {
	o.markStart(rt.ls)
	if !o.open() {
		return pushFail(L, errLSRefused)
	}
	if sa.ok() {
		rt.allowAddr(L, "sendto", sa) // the sandbox: loopback only
	}
	o.arm()
	event := "send"
	if sa.ok() {
		event = "sendto"
	}
	tc := rt.traceDataSend(o.s, event)
	if tc != nil {
		defer tc.settle()
	}
	n, err := o.s.sendOnce(L, stringBytes(data), 0, sa)
	if tc != nil && !tc.counted(o.s, event, n, err) {
		ev := &traceNote{event: event, call: call, data: tc.head(data[:n]), bytes: n, isData: err == nil}
		if sa.ok() {
			ev.remote = sockaddrText(sa)
			if path != "" {
				ev.remote = path
			}
		}
		tc.emit(L, o.s, ev, err)
	}
	if err == syscall.EPIPE {
		err = errLSRefused // LuaSocket: "closed" on a datagram socket means the address was refused
	}
	if err != nil {
		return pushFail(L, err)
	}
	L.Push(o.lastIndex.of(lua.LNumber(n)))
	return 1
}
