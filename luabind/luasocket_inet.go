package luabind

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// The LuaSocket dialect's Internet addresses (LuaSocket's inet.c): how a
// host and a port given as strings become kernel addresses, how objects
// get their descriptor (tcp() and udp() make one only when an address
// says which family), and the addresses they report.

// LuaSocket's words for getaddrinfo's failures (its pierror.h).
const (
	lsErrNoName  = "host or service not provided, or not known"
	lsErrAgain   = "temporary failure in name resolution"
	lsErrService = "service not supported for socket type"
	lsErrFamily  = "ai_family not supported"
	// gai_strerror's, which LuaSocket passes on for the codes it has no
	// words of its own for.
	lsErrAddrFamily = "Address family for hostname not supported"
	lsErrNumeric    = "Name or service not known"
)

func isInterrupt(err error) bool {
	if _, ok := err.(syscall.Errno); ok {
		return false // the commonest error, without two errors.Is walks
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// lsResolveErrorString words a resolver error that did not come from
// lsResolve (which makes *gaiError values itself).
func lsResolveErrorString(err error) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsNotFound {
			return lsErrNoName
		}
		return lsErrAgain
	}
	return ""
}

// lsString reads argument n as luaL_checkstring does: a string, or a
// number as its text.
func lsString(L *lua.LState, n int, fname, what string) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return v.String()
	}
	lualib.ArgError(L, n, fname, what+" expected (a string), got "+lualib.TypeName(L.Get(n)))
	return ""
}

// lsOptString is lsString with def for nil or a missing argument.
func lsOptString(L *lua.LState, n int, fname, what, def string) string {
	if L.Get(n) == lua.LNil {
		return def
	}
	return lsString(L, n, fname, what)
}

// lsNumber reads argument n as luaL_checknumber does: a number or a
// numeric string.
func lsNumber(L *lua.LState, n int, fname, what string) float64 {
	switch v := L.Get(n).(type) {
	case lua.LNumber:
		return float64(v)
	case lua.LString:
		if f, ok := lsNumeric(string(v)); ok {
			return f
		}
	}
	lualib.ArgError(L, n, fname, what+" expected (a number), got "+lualib.TypeName(L.Get(n)))
	return 0
}

// lsNumeric converts a numeric string as Lua's arithmetic does ("10",
// " 1.5 ", "0x1F").
func lsNumeric(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f, true
	}
	if i, err := strconv.ParseInt(s, 0, 64); err == nil {
		return float64(i), true
	}
	return 0, false
}

// lsOptNumber is lsNumber with def for nil or a missing argument.
func lsOptNumber(L *lua.LState, n int, fname, what string, def float64) float64 {
	if L.Get(n) == lua.LNil {
		return def
	}
	return lsNumber(L, n, fname, what)
}

// lsPort reads a port as a service: a number, a numeric string or a
// service name ("http"), for a socket of type typ.
func lsPort(port string, typ int) (int, error) {
	if n, err := strconv.Atoi(port); err == nil {
		if n < 0 || n > 65535 {
			return 0, &gaiError{code: -8, msg: lsErrService}
		}
		return n, nil
	}
	network := "tcp"
	if typ == bsd.SOCK_DGRAM {
		network = "udp"
	}
	n, err := net.LookupPort(network, port)
	if err != nil {
		return 0, &gaiError{code: -8, msg: lsErrService}
	}
	return n, nil
}

// lsResolve resolves host and port for a socket of family (AF_UNSPEC:
// any) and type typ, as LuaSocket's calls of getaddrinfo do: passive
// (bind) makes "*" the wildcard address; names are looked up with the
// runtime lock released, and in the sandbox only "localhost" is.
// Addresses come IPv4 first, as sockplay's lookups order them.
func (rt *Runtime) lsResolve(L *lua.LState, host, port string, family, typ int, passive bool) ([]sockAddr, error) {
	p, err := lsPort(port, typ)
	if err != nil {
		return nil, err
	}
	var ips []netip.Addr
	switch {
	case passive && host == "*":
		ips = []netip.Addr{netip.IPv4Unspecified(), netip.IPv6Unspecified()}
	case host == "":
		return nil, &gaiError{code: -2, msg: lsErrNoName}
	default:
		if ip, err := netip.ParseAddr(host); err == nil {
			ip = ip.Unmap().WithZone("")
			if family == bsd.AF_INET && !ip.Is4() || family == bsd.AF_INET6 && !ip.Is6() {
				return nil, &gaiError{code: -9, msg: lsErrAddrFamily}
			}
			ips = []netip.Addr{ip}
			break
		}
		if ips, err = rt.lsLookup(L, host); err != nil {
			return nil, err
		}
	}
	var out []sockAddr
	for _, ip := range ips {
		sa := inetAddr(ip, p)
		if family == bsd.AF_UNSPEC || family == int(sa.family) {
			out = append(out, sa)
		}
	}
	if len(out) == 0 {
		return nil, &gaiError{code: -9, msg: lsErrAddrFamily}
	}
	return out, nil
}

// lsLookup looks host up (Runtime.lookupName) with getaddrinfo's
// errors, as LuaSocket words them.
func (rt *Runtime) lsLookup(L *lua.LState, host string) ([]netip.Addr, error) {
	ips, err := rt.lookupName(L, host)
	if err == nil || rt.currentTask(L).ctx.Err() != nil {
		return ips, err // found, or the task cancelled
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && !dnsErr.IsNotFound {
		return nil, &gaiError{code: -3, msg: lsErrAgain}
	}
	return nil, &gaiError{code: -2, msg: lsErrNoName}
}

// lsCreate gives o a new descriptor of family and typ (LuaSocket's
// inet_trycreate: an AF_INET6 socket is IPv6-only). call names what made
// it, for the trace.
func (rt *Runtime) lsCreate(L *lua.LState, o *lsObject, family, typ int, call string) error {
	s, err := rt.openSocketFD(family, typ, 0)
	if err != nil {
		return err
	}
	if family == bsd.AF_INET6 {
		s.sys.setsockoptInt(bsd.IPPROTO_IPV6, bsd.IPV6_V6ONLY, 1)
	}
	o.s, o.family = s, family
	rt.traceEvent(L, s, &traceNote{event: "created", call: call}, nil)
	return nil
}

// lsDestroy closes o's descriptor, if it has one (LuaSocket's
// socket_destroy).
func (rt *Runtime) lsDestroy(L *lua.LState, o *lsObject) {
	if o.open() {
		rt.traceEvent(L, o.s, &traceNote{event: "close"}, nil)
		o.s.close()
	}
	o.s = nil
}

// lsSockType is the socket type of o's class.
func lsSockType(c lsClass) int {
	switch c {
	case lsUDPUnconnected, lsUDPConnected, lsUnixDgramUnconnected, lsUnixDgramConnected:
		return bsd.SOCK_DGRAM
	}
	return bsd.SOCK_STREAM
}

// lsTryBind binds o to host and port (inet_trybind): each address in
// turn until one binds.
func (rt *Runtime) lsTryBind(L *lua.LState, o *lsObject, host, port, call string) error {
	return rt.lsTryAddrs(L, o, host, port, call, true, func(sa sockAddr) (bool, error) {
		rt.allowAddr(L, "bind", sa) // the sandbox: loopback only
		err := o.s.sys.bind(sa)
		rt.traceEvent(L, o.s, &traceNote{event: "bind", call: call}, err)
		if err == nil {
			rt.noteBound(o.s)
		}
		return err == nil, err
	})
}

// lsTryConnect connects o to host and port (inet_tryconnect): each
// address in turn until one answers, or at once when the timeout is 0
// (the connection then goes on in the background).
func (rt *Runtime) lsTryConnect(L *lua.LState, o *lsObject, host, port, call string) error {
	return rt.lsTryAddrs(L, o, host, port, call, false, func(sa sockAddr) (bool, error) {
		err := rt.lsConnectTo(L, o, sa, call)
		return err == nil || o.timeoutZero(), err
	})
}

// lsTryAddrs is the loop of lsTryBind (passive) and lsTryConnect: it
// resolves host and port for o and, address after address, makes o's
// descriptor anew when it has none or one of another family, then calls
// try, until try reports done. A connection's timeouts count from each
// attempt, as in inet_tryconnect. It returns the last error.
func (rt *Runtime) lsTryAddrs(L *lua.LState, o *lsObject, host, port, call string, passive bool, try func(sockAddr) (done bool, err error)) error {
	typ := lsSockType(o.class)
	addrs, err := rt.lsResolve(L, host, port, o.family, typ, passive)
	if err != nil {
		return err
	}
	for _, sa := range addrs {
		if !passive {
			o.markStart(rt.ls)
		}
		if f := int(sa.family); !o.open() || f != o.family {
			rt.lsDestroy(L, o)
			if err = rt.lsCreate(L, o, f, typ, call); err != nil {
				continue
			}
		}
		var done bool
		if done, err = try(sa); done {
			break
		}
	}
	return err
}

// lsConnectTo makes one connect(2) of o to sa, traced, within o's
// timeout.
func (rt *Runtime) lsConnectTo(L *lua.LState, o *lsObject, sa sockAddr, call string) error {
	rt.allowAddr(L, "connect", sa) // the sandbox: loopback only
	o.arm()
	tc := rt.traceSend()
	if tc != nil {
		defer tc.settle()
	}
	err := o.s.sys.connect(L, sa)
	if tc != nil {
		tc.emit(L, o.s, &traceNote{event: "connect", call: call, remote: sockaddrText(sa)}, err)
	}
	raiseInterrupt(L, err)
	return err
}

// lsFamilyName is the family as getsockname and getpeername name it.
func lsFamilyName(family int) string {
	switch family {
	case bsd.AF_INET:
		return "inet"
	case bsd.AF_INET6:
		return "inet6"
	case bsd.AF_UNSPEC:
		return "unspec"
	}
	return "unknown"
}

// lsPushInetAddr pushes sa as LuaSocket's ip, port, family.
func lsPushInetAddr(L *lua.LState, sa sockAddr, family int) int {
	if sa.family != bsd.AF_INET && sa.family != bsd.AF_INET6 {
		L.Push(lua.LNil)
		L.Push(lua.LString(lsErrFamily))
		return 2
	}
	L.Push(lua.LString(sa.ip.String()))
	L.Push(lua.LNumber(sa.port))
	L.Push(lua.LString(lsFamilyName(family)))
	return 3
}

// lsUnixPath is an AF_UNIX address as LuaSocket returns it: the path,
// "" when unnamed.
func lsUnixPath(sa sockAddr) string {
	if sa.family != bsd.AF_UNIX {
		return ""
	}
	return sa.path
}
