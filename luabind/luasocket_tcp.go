package luabind

import (
	"strconv"
	"syscall"
	"time"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// The LuaSocket dialect's TCP objects (LuaSocket's tcp.c), the module
// functions that make them, and the methods every class shares (close,
// getfd, settimeout, ...).

// socket.tcp() -> tcp{master}   (its descriptor is made by bind or connect, in the address's family)
func (rt *Runtime) lsTCP(L *lua.LState) int { return rt.lsMake(L, lsTCPMaster, bsd.AF_UNSPEC, "tcp") }

// socket.tcp4() -> tcp{master} | nil, err   (an IPv4 socket)
func (rt *Runtime) lsTCP4(L *lua.LState) int { return rt.lsMake(L, lsTCPMaster, bsd.AF_INET, "tcp4") }

// socket.tcp6() -> tcp{master} | nil, err   (an IPv6-only socket)
func (rt *Runtime) lsTCP6(L *lua.LState) int { return rt.lsMake(L, lsTCPMaster, bsd.AF_INET6, "tcp6") }

// lsMake makes an object of class c with a descriptor of family; with
// AF_UNSPEC, without one (bind, connect or sendto makes it, in the
// address's family).
func (rt *Runtime) lsMake(L *lua.LState, c lsClass, family int, call string) int {
	o := rt.lsNew(L, c, family, nil)
	if family == bsd.AF_UNSPEC {
		L.Push(o.ud)
		return 1
	}
	if err := rt.lsCreate(L, o, family, lsSockType(c), call); err != nil {
		return pushFail(L, err)
	}
	L.Push(o.ud)
	return 1
}

// socket.connect(address, port [, laddress [, lport [, family]]]) -> tcp{client} | nil, err
// (family: "inet", "inet6" or "unspec", the default)
func (rt *Runtime) lsConnect(L *lua.LState) int {
	return rt.lsConnectFamily(L, lsFamilyArg(L, 5, "socket.connect"), "socket.connect")
}

// socket.connect4(address, port [, laddress [, lport]]) -> tcp{client} | nil, err
func (rt *Runtime) lsConnect4(L *lua.LState) int {
	return rt.lsConnectFamily(L, bsd.AF_INET, "socket.connect4")
}

// socket.connect6(address, port [, laddress [, lport]]) -> tcp{client} | nil, err
func (rt *Runtime) lsConnect6(L *lua.LState) int {
	return rt.lsConnectFamily(L, bsd.AF_INET6, "socket.connect6")
}

func (rt *Runtime) lsConnectFamily(L *lua.LState, family int, fname string) int {
	host := lsString(L, 1, fname, "address")
	port := lsString(L, 2, fname, "port")
	lhost := lsOptString(L, 3, fname, "local address", "")
	lport := lsOptString(L, 4, fname, "local port", "0")
	o := rt.lsNew(L, lsTCPMaster, family, nil)
	if L.Get(3) != lua.LNil {
		if err := rt.lsTryBind(L, o, lhost, lport, "connect"); err != nil {
			rt.lsDestroy(L, o)
			return pushFail(L, err)
		}
	}
	o.markStart(rt.ls)
	if err := rt.lsTryConnect(L, o, host, port, "connect"); err != nil {
		rt.lsDestroy(L, o)
		return pushFail(L, err)
	}
	o.setClass(L, rt, lsTCPClient)
	L.Push(o.ud)
	return 1
}

// lsFamilyArg reads a family option: "unspec" (default), "inet", "inet6".
func lsFamilyArg(L *lua.LState, n int, fname string) int {
	switch name := lsOptString(L, n, fname, "family", "unspec"); name {
	case "unspec":
		return bsd.AF_UNSPEC
	case "inet":
		return bsd.AF_INET
	case "inet6":
		return bsd.AF_INET6
	default:
		lualib.ArgError(L, n, fname, "invalid option '"+name+"' (use \"inet\", \"inet6\" or \"unspec\")")
	}
	return bsd.AF_UNSPEC
}

// socket.bind(address, port [, backlog]) -> tcp{server} | nil, err
// (address "*": every interface; SO_REUSEADDR is set; backlog default 32)
func (rt *Runtime) lsBind(L *lua.LState) int {
	const fname = "socket.bind"
	host := lsString(L, 1, fname, "address")
	port := lsString(L, 2, fname, "port")
	backlog := int(lsOptNumber(L, 3, fname, "backlog", 32))
	if host == "*" {
		host = "0.0.0.0"
	}
	var ips []string
	if _, err := lsPort(port, bsd.SOCK_STREAM); err != nil {
		return pushFail(L, err)
	}
	addrs, err := rt.lsResolve(L, host, "0", bsd.AF_UNSPEC, bsd.SOCK_STREAM, true)
	if err != nil {
		return pushFail(L, err)
	}
	for _, sa := range addrs {
		ip, _, _ := sockaddrIPPort(sa)
		ips = append(ips, ip)
	}
	err = &gaiError{msg: "no info on address"}
	for i, sa := range addrs {
		o := rt.lsNew(L, lsTCPMaster, int(sa.family), nil)
		if err = rt.lsCreate(L, o, o.family, bsd.SOCK_STREAM, "bind"); err != nil {
			return pushFail(L, err)
		}
		o.s.sys.setsockoptInt(bsd.SOL_SOCKET, bsd.SO_REUSEADDR, 1)
		if err = rt.lsTryBind(L, o, ips[i], port, "bind"); err != nil {
			rt.lsDestroy(L, o)
			continue
		}
		if err = rt.lsListenOn(L, o, backlog, "bind"); err != nil {
			rt.lsDestroy(L, o)
			continue
		}
		L.Push(o.ud)
		return 1
	}
	return pushFail(L, err)
}

// sockaddrIPPort is an Internet address's host text and port.
func sockaddrIPPort(sa sockAddr) (string, int, bool) {
	if sa.family != bsd.AF_INET && sa.family != bsd.AF_INET6 {
		return "", 0, false
	}
	return sa.ip.String(), int(sa.port), true
}

// tcp:bind(address, port) -> 1 | nil, err   (also udp:setsockname; address "*": every interface)
func (rt *Runtime) lsInetBind(L *lua.LState) int {
	o := lsSelf(L, "tcp:bind", lsOnly(lsTCPMaster, lsUDPUnconnected))
	fname := lsMethodName(o.class, "bind")
	host := lsString(L, 2, fname, "address")
	port := lsString(L, 3, fname, "port")
	if err := rt.lsTryBind(L, o, host, port, "bind"); err != nil {
		return pushFail(L, err)
	}
	return pushOK(L)
}

// tcp:connect(address, port) -> 1 | nil, err   (also setpeername; the object becomes a tcp{client} either way)
func (rt *Runtime) lsInetConnect(L *lua.LState) int {
	o := lsSelf(L, "tcp:connect", lsTCPAny)
	host := lsString(L, 2, "tcp:connect", "address")
	port := lsString(L, 3, "tcp:connect", "port")
	o.markStart(rt.ls)
	err := rt.lsTryConnect(L, o, host, port, "connect")
	// As LuaSocket: a client even when it failed, since a non-blocking
	// connect goes on after "timeout".
	o.setClass(L, rt, lsTCPClient)
	if err != nil {
		return pushFail(L, err)
	}
	return pushOK(L)
}

// tcp:listen([backlog]) -> 1 | nil, err   (backlog default 32; the object becomes a tcp{server})
func (rt *Runtime) lsListen(L *lua.LState) int {
	o := lsSelf(L, "tcp:listen", lsOnly(lsTCPMaster, lsUnixStreamMaster))
	backlog := int(lsOptNumber(L, 2, lsMethodName(o.class, "listen"), "backlog", 32))
	if err := rt.lsListenOn(L, o, backlog, ""); err != nil {
		return pushFail(L, err)
	}
	return pushOK(L)
}

func (rt *Runtime) lsListenOn(L *lua.LState, o *lsObject, backlog int, call string) error {
	if !o.open() {
		return syscall.EBADF
	}
	err := o.s.sys.listen(max(backlog, 0))
	rt.traceEvent(L, o.s, &traceNote{event: "listen", call: call, backlog: max(backlog, 0)}, err)
	if err != nil {
		return err
	}
	rt.noteListening(o.s)
	server := lsTCPServer
	if o.class == lsUnixStreamMaster {
		server = lsUnixStreamServer
	}
	o.setClass(L, rt, server)
	return nil
}

// tcp:accept() -> tcp{client} | nil, err   (waits as the timeout allows: "timeout")
func (rt *Runtime) lsAccept(L *lua.LState) int {
	o := lsSelf(L, "tcp:accept", lsOnly(lsTCPServer, lsUnixStreamServer))
	o.markStart(rt.ls)
	if !o.open() {
		return pushFail(L, errLSClosed)
	}
	if err := rt.socketQuota(1); err != nil { // the sandbox's socket cap
		return pushFail(L, err)
	}
	o.arm()
	tc := rt.traceBegin()
	c, from, err := o.s.sys.accept(L)
	if tc != nil {
		ev := &traceNote{event: "accept"}
		if err == nil {
			ev.newSock, ev.remote = c.id, sockaddrText(from)
			tc.tr.accepted(c, o.s, ev.remote)
		}
		tc.emit(L, o.s, ev, err)
	}
	if err != nil {
		return pushFail(L, err)
	}
	class := lsTCPClient
	if o.class == lsUnixStreamServer {
		class = lsUnixStreamClient
	}
	L.Push(rt.lsNew(L, class, o.family, c).ud)
	return 1
}

// tcp:shutdown(["both" | "send" | "receive"]) -> 1
func (rt *Runtime) lsShutdown(L *lua.LState) int {
	o := lsSelf(L, "tcp:shutdown", lsStreamClients)
	fname := lsMethodName(o.class, "shutdown")
	how := 0
	switch mode := lsOptString(L, 2, fname, "mode", "both"); mode {
	case "receive":
		how = bsd.SHUT_RD
	case "send":
		how = bsd.SHUT_WR
	case "both":
		how = bsd.SHUT_RDWR
	default:
		lualib.ArgError(L, 2, fname, "invalid option '"+mode+"' (use \"both\", \"send\" or \"receive\")")
	}
	if o.open() {
		err := o.s.sys.shutdown(how)
		rt.traceEvent(L, o.s, &traceNote{event: "shutdown", call: "shutdown", how: shutdownNames[how]}, err)
	}
	return pushOK(L)
}

// tcp:getsockname() -> ip, port, family | nil, err   (unix objects: the path)
func (rt *Runtime) lsGetsockname(L *lua.LState) int {
	o := lsSelf(L, "tcp:getsockname", lsAnyClass)
	if !o.open() {
		return pushFail(L, syscall.EBADF)
	}
	sa, err := o.s.sys.sockname()
	if err != nil {
		return pushFail(L, err)
	}
	if o.class >= lsUnixStreamMaster {
		L.Push(lua.LString(lsUnixPath(sa)))
		return 1
	}
	return lsPushInetAddr(L, sa, o.family)
}

// tcp:getpeername() -> ip, port, family | nil, err
func (rt *Runtime) lsGetpeername(L *lua.LState) int {
	o := lsSelf(L, "tcp:getpeername", lsTCPAny|lsOnly(lsUDPConnected))
	if !o.open() {
		return pushFail(L, syscall.EBADF)
	}
	sa, err := o.s.sys.peername()
	if err != nil {
		return pushFail(L, err)
	}
	return lsPushInetAddr(L, sa, o.family)
}

// tcp:getfamily() -> "inet4" | "inet6"
func (rt *Runtime) lsGetfamily(L *lua.LState) int {
	o := lsSelf(L, "tcp:getfamily", lsTCPAny|lsUDPAny)
	if o.family == bsd.AF_INET6 {
		L.Push(lua.LString("inet6"))
	} else {
		L.Push(lua.LString("inet4"))
	}
	return 1
}

// obj:close() -> 1   (closing twice is harmless)
func (rt *Runtime) lsClose(L *lua.LState) int {
	o := lsSelf(L, "close", lsAnyClass)
	rt.lsDestroy(L, o)
	return pushOK(L)
}

// obj:dirty() -> boolean   (true when received data waits in the object's buffer, which select does not see)
func (rt *Runtime) lsDirty(L *lua.LState) int {
	o := lsSelf(L, "dirty", lsAnyClass)
	L.Push(lua.LBool(o.pending != ""))
	return 1
}

// obj:getfd() -> fd   (-1 when the object has no descriptor)
func (rt *Runtime) lsGetfd(L *lua.LState) int {
	o := lsSelf(L, "getfd", lsAnyClass)
	L.Push(lua.LNumber(o.fd()))
	return 1
}

func (o *lsObject) fd() int {
	if !o.open() {
		return -1
	}
	return o.s.fd
}

// obj:setfd(fd)   (the object uses descriptor fd, one of this run's sockets; -1: none. Its own stays open until the run ends.)
func (rt *Runtime) lsSetfd(L *lua.LState) int {
	o := lsSelf(L, "setfd", lsAnyClass)
	fd := int(lsNumber(L, 2, "setfd", "descriptor"))
	if fd < 0 || fd == 1<<32-1 {
		o.s = nil
		return 0
	}
	rt.mu.Lock()
	var found *Socket
	for s := range rt.sockets {
		if s.fd == fd {
			found = s
			break
		}
	}
	rt.mu.Unlock()
	if found == nil {
		lualib.ArgError(L, 2, "setfd", "descriptor "+strconv.Itoa(fd)+" is not a socket of this run (getfd() gives one)")
	}
	o.s = found
	return 0
}

// obj:settimeout(seconds [, "b" | "t"]) -> 1
// ("b": the block timeout (default); "t": the total timeout of an operation; nil or negative: none)
func (rt *Runtime) lsSettimeout(L *lua.LState) int {
	o := lsSelf(L, "settimeout", lsAnyClass)
	t := lsOptNumber(L, 2, "settimeout", "timeout", -1)
	if t != t { // NaN
		lualib.ArgError(L, 2, "settimeout", "timeout must be a number, got nan")
	}
	switch mode := lsOptString(L, 3, "settimeout", "mode", "b"); {
	case mode != "" && mode[0] == 'b':
		o.block = t
	case mode != "" && (mode[0] == 't' || mode[0] == 'r'):
		o.total = t
	default:
		lualib.ArgError(L, 3, "settimeout", "invalid timeout mode")
	}
	return pushOK(L)
}

// obj:gettimeout() -> block, total   (-1: none)
func (rt *Runtime) lsGettimeout(L *lua.LState) int {
	o := lsSelf(L, "gettimeout", lsAnyClass)
	L.Push(lua.LNumber(o.block))
	L.Push(lua.LNumber(o.total))
	return 2
}

// tcp:getstats() -> received, sent, age   (bytes, and seconds since the object was made)
func (rt *Runtime) lsGetstats(L *lua.LState) int {
	o := lsSelf(L, "tcp:getstats", lsStreamClients)
	L.Push(lua.LNumber(o.received))
	L.Push(lua.LNumber(o.sent))
	L.Push(lua.LNumber(time.Since(o.birthday).Seconds()))
	return 3
}

// tcp:setstats([received [, sent [, age]]]) -> 1
func (rt *Runtime) lsSetstats(L *lua.LState) int {
	o := lsSelf(L, "tcp:setstats", lsStreamClients)
	o.received = int64(lsOptNumber(L, 2, "tcp:setstats", "received", float64(o.received)))
	o.sent = int64(lsOptNumber(L, 3, "tcp:setstats", "sent", float64(o.sent)))
	if n, ok := L.Get(4).(lua.LNumber); ok {
		o.birthday = time.Now().Add(-time.Duration(float64(n) * float64(time.Second)))
	}
	return pushOK(L)
}
