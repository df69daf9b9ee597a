package luabind

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"os"
	"syscall"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// The socket module: Python's socket functions and constants. It is the
// global `socket` and require("socket"); calling the module itself, as in
// Python's `from socket import *; socket(AF_INET, SOCK_DGRAM)`, makes a socket.

type option struct {
	name       string
	level, opt int
}

// knownOptions are the socket options scripts may get and set, exported as
// constants of the same name.
var knownOptions = []option{
	{"SO_REUSEADDR", bsd.SOL_SOCKET, bsd.SO_REUSEADDR},
	{"SO_REUSEPORT", bsd.SOL_SOCKET, bsd.SO_REUSEPORT},
	{"SO_BROADCAST", bsd.SOL_SOCKET, bsd.SO_BROADCAST},
	{"SO_KEEPALIVE", bsd.SOL_SOCKET, bsd.SO_KEEPALIVE},
	{"SO_RCVBUF", bsd.SOL_SOCKET, bsd.SO_RCVBUF},
	{"SO_SNDBUF", bsd.SOL_SOCKET, bsd.SO_SNDBUF},
	{"SO_ERROR", bsd.SOL_SOCKET, bsd.SO_ERROR},
	{"SO_TYPE", bsd.SOL_SOCKET, bsd.SO_TYPE},
	{"SO_ACCEPTCONN", bsd.SOL_SOCKET, bsd.SO_ACCEPTCONN},
	{"SO_LINGER", bsd.SOL_SOCKET, bsd.SO_LINGER},
	{"SO_RCVLOWAT", bsd.SOL_SOCKET, bsd.SO_RCVLOWAT},
	{"SO_SNDLOWAT", bsd.SOL_SOCKET, bsd.SO_SNDLOWAT},
	{"SO_OOBINLINE", bsd.SOL_SOCKET, bsd.SO_OOBINLINE},
	{"SO_DONTROUTE", bsd.SOL_SOCKET, bsd.SO_DONTROUTE},
	{"TCP_NODELAY", bsd.IPPROTO_TCP, bsd.TCP_NODELAY},
	{"TCP_MAXSEG", bsd.IPPROTO_TCP, bsd.TCP_MAXSEG},
	{"TCP_KEEPIDLE", bsd.IPPROTO_TCP, bsd.TCP_KEEPIDLE},
	{"TCP_KEEPINTVL", bsd.IPPROTO_TCP, bsd.TCP_KEEPINTVL},
	{"TCP_KEEPCNT", bsd.IPPROTO_TCP, bsd.TCP_KEEPCNT},
	{"TCP_QUICKACK", bsd.IPPROTO_TCP, bsd.TCP_QUICKACK},
	{"IP_TTL", bsd.IPPROTO_IP, bsd.IP_TTL},
	{"IP_TOS", bsd.IPPROTO_IP, bsd.IP_TOS},
	{"IP_MULTICAST_TTL", bsd.IPPROTO_IP, bsd.IP_MULTICAST_TTL},
	{"IP_MULTICAST_LOOP", bsd.IPPROTO_IP, bsd.IP_MULTICAST_LOOP},
	{"IPV6_V6ONLY", bsd.IPPROTO_IPV6, bsd.IPV6_V6ONLY},
	{"IPV6_UNICAST_HOPS", bsd.IPPROTO_IPV6, bsd.IPV6_UNICAST_HOPS},
}

var intConstants = map[string]int{
	"AF_INET": bsd.AF_INET, "AF_INET6": bsd.AF_INET6, "AF_UNIX": bsd.AF_UNIX, "AF_UNSPEC": bsd.AF_UNSPEC,
	"SOCK_STREAM": bsd.SOCK_STREAM, "SOCK_DGRAM": bsd.SOCK_DGRAM,
	"SOL_SOCKET": bsd.SOL_SOCKET, "IPPROTO_TCP": bsd.IPPROTO_TCP, "IPPROTO_UDP": bsd.IPPROTO_UDP,
	"IPPROTO_IP": bsd.IPPROTO_IP, "IPPROTO_IPV6": bsd.IPPROTO_IPV6,
	"SHUT_RD": bsd.SHUT_RD, "SHUT_WR": bsd.SHUT_WR, "SHUT_RDWR": bsd.SHUT_RDWR,
	"MSG_PEEK": bsd.MSG_PEEK, "MSG_WAITALL": bsd.MSG_WAITALL, "MSG_DONTWAIT": bsd.MSG_DONTWAIT,
	"MSG_OOB": bsd.MSG_OOB, "MSG_TRUNC": bsd.MSG_TRUNC,
	"SOMAXCONN":  bsd.SOMAXCONN,
	"AI_PASSIVE": 1, "AI_CANONNAME": 2, "AI_NUMERICHOST": 4,
}

// openSocket installs the socket module: a global, also require("socket").
func (rt *Runtime) openSocket() {
	L := rt.L
	mod := L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"socket":            rt.socketNew,
		"create_connection": rt.socketCreateConnection,
		"create_server":     rt.socketCreateServer,
		"socketpair":        rt.socketSocketpair,
		"getaddrinfo":       rt.socketGetaddrinfo,
		"gethostname":       socketGethostname,
		"gethostbyname":     rt.socketGethostbyname,
		"getdefaulttimeout": rt.socketGetdefaulttimeout,
		"setdefaulttimeout": rt.socketSetdefaulttimeout,
		"trace":             rt.socketTrace,
		"htons":             socketHtons,
		"ntohs":             socketHtons,
		"htonl":             socketHtonl,
		"ntohl":             socketHtonl,
		"inet_aton":         socketInetAton,
		"inet_ntoa":         socketInetNtoa,
		"inet_pton":         socketInetPton,
		"inet_ntop":         socketInetNtop,
	})
	for name, v := range intConstants {
		mod.RawSetString(name, lua.LNumber(v))
	}
	for _, o := range knownOptions {
		mod.RawSetString(o.name, lua.LNumber(o.opt))
	}
	// Which backend makes the sockets: "linux" or "portable" (docs/API.md,
	// "The portable backend").
	mod.RawSetString("backend", lua.LString(rt.sys.name()))
	lualib.AddErrorClasses(L, mod)
	// socket(family?, type?, proto?) -> sock   (the module called: socket.socket)
	lualib.SetCall(L, mod, mod.RawGetString("socket"))
	lualib.SetModule(L, "socket", mod)
}

// socket.socket(family?, type?, proto?) -> sock   (defaults AF_INET, SOCK_STREAM, 0; also socket.socket{family=, type=})
func (rt *Runtime) socketNew(L *lua.LState) int {
	family, typ, proto := bsd.AF_INET, bsd.SOCK_STREAM, 0
	const fname = "socket.socket"
	if opts, ok := L.Get(1).(*lua.LTable); ok {
		// Python's keyword form: socket(type=SOCK_DGRAM)
		checkOptionKeys(L, 1, fname, opts, "family", "type", "proto")
		family = intField(L, 1, fname, opts, "family", family)
		typ = intField(L, 1, fname, opts, "type", typ)
		proto = intField(L, 1, fname, opts, "proto", proto)
	} else {
		family = optIntArg(L, 1, fname, "family", family)
		typ = optIntArg(L, 2, fname, "type", typ)
		proto = optIntArg(L, 3, fname, "proto", proto)
	}
	if _, ok := familyNames[family]; !ok {
		lualib.ArgError(L, 1, fname, fmt.Sprintf("unsupported family %d (use AF_INET, AF_INET6 or AF_UNIX)", family))
	}
	if typ != bsd.SOCK_STREAM && typ != bsd.SOCK_DGRAM {
		lualib.ArgError(L, 2, fname, fmt.Sprintf("unsupported type %d (use SOCK_STREAM or SOCK_DGRAM)", typ))
	}
	s, err := rt.openSocketFD(family, typ, proto)
	if err != nil {
		return raise(L, err)
	}
	s.unconnected = true
	rt.traceEvent(L, s, &traceNote{event: "created"}, nil)
	rt.pushSocket(L, s)
	return 1
}

// socket.create_connection(address, timeout?, source_address?) -> sock   (a connected TCP socket; tries each address of the host; binds to source_address first)
func (rt *Runtime) socketCreateConnection(L *lua.LState) int {
	const fname = "socket.create_connection"
	spec, used := addrArg(L, 1, bsd.AF_INET, fname)
	timeout := rt.defaultTimeout
	if L.GetTop() > used {
		timeout = durationArg(L, used+1, fname)
	}
	var source *addrSpec
	if srcAt := used + 2; L.Get(srcAt) != lua.LNil {
		src, _ := addrArg(L, srcAt, bsd.AF_INET, fname)
		source = &src
	}
	ips, err := rt.lookupAll(L, spec.host)
	if err != nil {
		return raise(L, err)
	}
	var lastErr error
	var lastAddr sockAddr
	for _, ip := range ips {
		sa := inetAddr(ip, spec.port)
		lastAddr = sa
		family := int(sa.family)
		rt.allowAddr(L, "connect", sa) // the sandbox: loopback only
		s, err := rt.openSocketFD(family, bsd.SOCK_STREAM, 0)
		if err != nil {
			return raise(L, err)
		}
		s.timeout = timeout
		rt.traceEvent(L, s, &traceNote{event: "created", call: "create_connection"}, nil)
		if source != nil {
			// As Python: bind to the source in this address's family; a
			// failure moves on to the next address like a failed connect.
			err = rt.bindSource(L, s, *source, family)
		}
		if err == nil {
			tc := rt.traceSend()
			err = s.sys.connect(L, sa)
			if tc != nil {
				tc.emit(L, s, &traceNote{event: "connect", call: "create_connection", remote: sockaddrText(sa)}, err)
			}
		}
		if lastErr = err; err == nil {
			rt.pushSocket(L, s)
			return 1
		}
		rt.traceEvent(L, s, &traceNote{event: "close", call: "create_connection"}, nil)
		s.close()
		if rt.currentTask(L).ctx.Err() != nil {
			break
		}
	}
	return raiseConnect(L, lastErr, lastAddr)
}

// bindSource binds s to create_connection's source address.
func (rt *Runtime) bindSource(L *lua.LState, s *Socket, source addrSpec, family int) error {
	sa, err := rt.resolve(L, source, family)
	if err != nil {
		return err
	}
	rt.allowAddr(L, "bind", sa) // the sandbox: loopback only
	err = s.sys.bind(sa)
	rt.traceEvent(L, s, &traceNote{event: "bind", call: "create_connection"}, err)
	if err == nil {
		rt.noteBound(s)
	}
	return err
}

// lookupAll resolves host to its addresses, IPv4 first, as getaddrinfo
// orders them on a host without IPv6 routes.
func (rt *Runtime) lookupAll(L *lua.LState, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip.Unmap()}, nil
	}
	if host == "" {
		return []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1})}, nil
	}
	return rt.lookupName(L, host)
}

// lookupName looks host, a name, up: every address, IPv4 first, as
// getaddrinfo orders them on a host without IPv6 routes. The sandbox
// allows no lookup; a cancelled task's lookup returns its context's
// error.
func (rt *Runtime) lookupName(L *lua.LState, host string) ([]netip.Addr, error) {
	if ips, ok := rt.sandboxLookup(L, host, "ip"); ok { // the sandbox: no DNS
		return ips, nil
	}
	t := rt.currentTask(L)
	var ips []netip.Addr
	var err error
	rt.unlockedBusy(t, func() { ips, err = net.DefaultResolver.LookupNetIP(t.ctx, "ip", host) })
	if err != nil {
		if t.ctx.Err() != nil {
			return nil, t.ctx.Err()
		}
		return nil, err
	}
	var v4, v6 []netip.Addr
	for _, ip := range ips {
		if ip = ip.Unmap(); ip.Is4() {
			v4 = append(v4, ip)
		} else {
			v6 = append(v6, ip)
		}
	}
	return append(v4, v6...), nil
}

// socket.create_server(address, opts?) -> sock   (bound and listening; opts: family, backlog, reuse_port; sets SO_REUSEADDR)
func (rt *Runtime) socketCreateServer(L *lua.LState) int {
	const fname = "socket.create_server"
	family, backlog, reusePort := bsd.AF_INET, min(bsd.SOMAXCONN, 128), false
	// The options follow the address: one argument ({host, port} or a
	// path), or two (host, port). The family, which decides how to read
	// the address, is itself an option: a number after the first
	// argument can only be a port; checkAddr's count confirms it below.
	optsAt := 2
	if _, isPort := L.Get(2).(lua.LNumber); isPort {
		optsAt = 3
	}
	opts, _ := L.Get(optsAt).(*lua.LTable)
	if opts == nil && L.Get(optsAt) != lua.LNil {
		lualib.ArgError(L, optsAt, fname, "options table expected ({family=, backlog=, reuse_port=}), got "+lualib.TypeName(L.Get(optsAt)))
	}
	if opts != nil {
		checkOptionKeys(L, optsAt, fname, opts, "family", "backlog", "reuse_port")
		family = intField(L, optsAt, fname, opts, "family", family)
		backlog = max(intField(L, optsAt, fname, opts, "backlog", backlog), 0) // as sock:listen
		reusePort = boolField(L, optsAt, fname, opts, "reuse_port")
	}
	if _, ok := familyNames[family]; !ok {
		lualib.ArgError(L, optsAt, fname, fmt.Sprintf("unsupported family %d", family))
	}
	spec, used := addrArg(L, 1, family, fname)
	if used+1 != optsAt { // an AF_UNIX path followed by a number
		lualib.ArgError(L, used+1, fname, "options table expected ({family=, backlog=, reuse_port=}), got "+lualib.TypeName(L.Get(used+1)))
	}
	sa, err := rt.resolve(L, spec, family)
	if err != nil {
		return raise(L, err)
	}
	rt.allowAddr(L, "bind", sa) // the sandbox: loopback only
	s, err := rt.openSocketFD(family, bsd.SOCK_STREAM, 0)
	if err != nil {
		return raise(L, err)
	}
	s.unconnected = true
	rt.traceEvent(L, s, &traceNote{event: "created", call: "create_server"}, nil)
	fail := func(err error) int {
		rt.traceEvent(L, s, &traceNote{event: "close", call: "create_server"}, nil)
		s.close()
		return raiseFamily(L, err, family) // an AF_UNIX path in use has its own hint
	}
	if family != bsd.AF_UNIX {
		// Python sets SO_REUSEADDR on POSIX so a restarted server can bind
		// while old connections sit in TIME_WAIT.
		if err := s.sys.setsockoptInt(bsd.SOL_SOCKET, bsd.SO_REUSEADDR, 1); err != nil {
			return fail(err)
		}
	}
	if reusePort {
		if err := s.sys.setsockoptInt(bsd.SOL_SOCKET, bsd.SO_REUSEPORT, 1); err != nil {
			return fail(err)
		}
	}
	err = s.sys.bind(sa)
	rt.traceEvent(L, s, &traceNote{event: "bind", call: "create_server"}, err)
	if err != nil {
		return fail(err)
	}
	err = s.sys.listen(backlog)
	rt.traceEvent(L, s, &traceNote{event: "listen", call: "create_server", backlog: backlog}, err)
	if err != nil {
		return fail(err)
	}
	rt.noteListening(s)
	rt.pushSocket(L, s)
	return 1
}

// socket.socketpair(family?, type?) -> sock1, sock2   (two connected AF_UNIX sockets)
func (rt *Runtime) socketSocketpair(L *lua.LState) int {
	family := optIntArg(L, 1, "socket.socketpair", "family", bsd.AF_UNIX)
	typ := optIntArg(L, 2, "socket.socketpair", "type", bsd.SOCK_STREAM)
	if family != bsd.AF_UNIX {
		lualib.ArgError(L, 1, "socket.socketpair", "only AF_UNIX is supported")
	}
	if typ != bsd.SOCK_STREAM && typ != bsd.SOCK_DGRAM {
		lualib.ArgError(L, 2, "socket.socketpair", "type must be SOCK_STREAM or SOCK_DGRAM")
	}
	a, b, err := rt.openSocketPair(family, typ)
	if err != nil {
		return raise(L, err)
	}
	rt.traceEvent(L, a, &traceNote{event: "created", call: "socketpair", peer: b.id}, nil)
	rt.traceEvent(L, b, &traceNote{event: "created", call: "socketpair", peer: a.id}, nil)
	rt.pushSocket(L, a)
	rt.pushSocket(L, b)
	return 2
}

// socket.getaddrinfo(host, port, family?, type?, proto?, flags?) -> {{family, type, proto, canonname, sockaddr}, ...}
func (rt *Runtime) socketGetaddrinfo(L *lua.LState) int {
	const fname = "socket.getaddrinfo"
	var host string
	switch v := L.Get(1).(type) {
	case lua.LString:
		host = string(v)
	case *lua.LNilType:
		host = "" // nil: loopback, or the wildcard with AI_PASSIVE
	default:
		lualib.ArgError(L, 1, fname, "host must be a string or nil, got "+lualib.TypeName(v))
	}
	port := 0
	switch v := L.Get(2).(type) {
	case lua.LNumber:
		port = intArg(L, 2, fname, "port")
	case lua.LString:
		p, err := net.LookupPort("tcp", string(v))
		if err != nil {
			return raise(L, &net.DNSError{Err: "Servname not supported", Name: string(v), IsNotFound: true})
		}
		port = p
	case *lua.LNilType:
	default:
		lualib.ArgError(L, 2, fname, "port must be a number, string or nil, got "+lualib.TypeName(v))
	}
	if port < 0 || port > 65535 {
		lualib.ArgError(L, 2, fname, "port must be 0-65535")
	}
	family := optIntArg(L, 3, fname, "family", bsd.AF_UNSPEC)
	typ := optIntArg(L, 4, fname, "type", 0)
	proto := optIntArg(L, 5, fname, "proto", 0)
	flags := optIntArg(L, 6, fname, "flags", 0)
	if err := gaiCheck(family, typ, proto, flags); err != nil {
		return raise(L, err)
	}

	var ips []netip.Addr
	if host == "" && L.Get(1) == lua.LNil {
		if flags&1 != 0 { // AI_PASSIVE
			ips = []netip.Addr{netip.IPv4Unspecified(), netip.IPv6Unspecified()}
		} else {
			ips = []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1}), netip.IPv6Loopback()}
		}
	} else {
		var err error
		if ips, err = rt.lookupAll(L, host); err != nil {
			return raise(L, err)
		}
	}
	types := []int{bsd.SOCK_STREAM, bsd.SOCK_DGRAM}
	switch {
	case typ != 0:
		types = []int{typ}
	case proto == bsd.IPPROTO_TCP:
		types = types[:1]
	case proto == bsd.IPPROTO_UDP:
		types = types[1:]
	}
	out := L.NewTable()
	for _, ip := range ips {
		sa := inetAddr(ip, port)
		f := int(sa.family)
		if family != bsd.AF_UNSPEC && family != f {
			continue
		}
		for _, ty := range types {
			p := proto
			if p == 0 {
				p = bsd.IPPROTO_TCP
				if ty == bsd.SOCK_DGRAM {
					p = bsd.IPPROTO_UDP
				}
			}
			e := L.CreateTable(5, 0)
			e.RawSetInt(1, lua.LNumber(f))
			e.RawSetInt(2, lua.LNumber(ty))
			e.RawSetInt(3, lua.LNumber(p))
			e.RawSetInt(4, lua.LString(""))
			e.RawSetInt(5, newAddr(L, sa))
			out.Append(e)
		}
	}
	if out.Len() == 0 {
		L.Error(lualib.NewError(L, "gaierror", -9, "Address family for hostname not supported"), 0)
	}
	L.Push(out)
	return 1
}

// gaiCheck refuses what getaddrinfo(3) refuses, with its EAI_* codes as
// Python reports them: an unknown family, type, protocol for the type, or
// flag.
func gaiCheck(family, typ, proto, flags int) error {
	const knownFlags = 0x4ff // AI_PASSIVE ... AI_NUMERICSERV, as glibc takes them
	switch {
	case flags&^knownFlags != 0:
		return &gaiError{code: -1, msg: "Bad value for ai_flags"} // EAI_BADFLAGS
	case family != bsd.AF_UNSPEC && family != bsd.AF_INET && family != bsd.AF_INET6:
		return &gaiError{code: -6, msg: "ai_family not supported"} // EAI_FAMILY
	case typ != 0 && typ != bsd.SOCK_STREAM && typ != bsd.SOCK_DGRAM:
		if typ == bsd.SOCK_RAW {
			return &gaiError{code: -8, msg: "Servname not supported for ai_socktype"} // EAI_SERVICE: a port, no service
		}
		return &gaiError{code: -7, msg: "ai_socktype not supported"} // EAI_SOCKTYPE
	case proto != 0 && proto != bsd.IPPROTO_TCP && proto != bsd.IPPROTO_UDP && typ == 0:
		return &gaiError{code: -8, msg: "Servname not supported for ai_socktype"}
	case proto != 0 && typ == bsd.SOCK_STREAM && proto != bsd.IPPROTO_TCP,
		proto != 0 && typ == bsd.SOCK_DGRAM && proto != bsd.IPPROTO_UDP:
		return &gaiError{code: -7, msg: "ai_socktype not supported"}
	}
	return nil
}

// socket.gethostname() -> name
func socketGethostname(L *lua.LState) int {
	name, err := os.Hostname()
	return pushResult(L, lua.LString(name), err)
}

// socket.gethostbyname(name) -> "a.b.c.d"   (IPv4 only, as in Python)
func (rt *Runtime) socketGethostbyname(L *lua.LState) int {
	name := lualib.CheckString(L, 1, "socket.gethostbyname", "name")
	ip, err := rt.lookupHost(L, name, bsd.AF_INET)
	if err != nil {
		return raise(L, err)
	}
	if !ip.Unmap().Is4() {
		L.Error(lualib.NewError(L, "gaierror", -9, "Address family for hostname not supported"), 0)
	}
	L.Push(lua.LString(ip.Unmap().String()))
	return 1
}

// socket.getdefaulttimeout() -> seconds | nil
func (rt *Runtime) socketGetdefaulttimeout(L *lua.LState) int {
	L.Push(durationValue(rt.defaultTimeout))
	return 1
}

// socket.setdefaulttimeout(seconds | nil)   (the timeout of sockets created afterwards)
func (rt *Runtime) socketSetdefaulttimeout(L *lua.LState) int {
	rt.defaultTimeout = durationArg(L, 1, "socket.setdefaulttimeout")
	return 0
}

// socket.trace(on?) -> was   (true: show every socket event on stderr; false: stop; returns whether it was on)
func (rt *Runtime) socketTrace(L *lua.LState) int {
	was := rt.Tracing()
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
		if L.GetTop() >= 1 {
			lualib.ArgError(L, 1, "socket.trace", "true or false expected, got nil")
		}
	case lua.LBool:
		rt.SetTracing(bool(v))
	default:
		lualib.ArgError(L, 1, "socket.trace", "true or false expected, got "+lualib.TypeName(v))
	}
	L.Push(lua.LBool(was))
	return 1
}

// socket.htons(x) -> x in network byte order   (also ntohs: the same swap)
func socketHtons(L *lua.LState) int {
	v := uint16(uintArg(L, 1, "socket.htons", 0xffff))
	L.Push(lua.LNumber(v>>8 | v<<8))
	return 1
}

// socket.htonl(x) -> x in network byte order   (also ntohl)
func socketHtonl(L *lua.LState) int {
	v := uint32(uintArg(L, 1, "socket.htonl", 0xffffffff))
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	L.Push(lua.LNumber(binary.LittleEndian.Uint32(b[:])))
	return 1
}

// socket.inet_aton("a.b.c.d") -> 4-byte string
func socketInetAton(L *lua.LState) int {
	s := lualib.CheckString(L, 1, "socket.inet_aton", "address")
	ip, err := netip.ParseAddr(s)
	if err != nil || !ip.Is4() {
		L.Error(lualib.NewError(L, "OSError", lualib.NoErrno, "illegal IP address string passed to inet_aton"), 0)
	}
	b := ip.As4()
	L.Push(lua.LString(b[:]))
	return 1
}

// socket.inet_ntoa(4-byte string) -> "a.b.c.d"
func socketInetNtoa(L *lua.LState) int {
	s := lualib.CheckString(L, 1, "socket.inet_ntoa", "packed address")
	if len(s) != 4 {
		L.Error(lualib.NewError(L, "OSError", lualib.NoErrno, "packed IP wrong length for inet_ntoa"), 0)
	}
	L.Push(lua.LString(netip.AddrFrom4([4]byte([]byte(s))).String()))
	return 1
}

// socket.inet_pton(family, text) -> packed bytes (4 or 16)
func socketInetPton(L *lua.LState) int {
	family := intArg(L, 1, "socket.inet_pton", "family")
	s := lualib.CheckString(L, 2, "socket.inet_pton", "address")
	ip, err := netip.ParseAddr(s)
	switch {
	case family == bsd.AF_INET && err == nil && ip.Is4():
		b := ip.As4()
		L.Push(lua.LString(b[:]))
	case family == bsd.AF_INET6 && err == nil && ip.Is6() && ip.Zone() == "":
		b := ip.As16()
		L.Push(lua.LString(b[:]))
	case family != bsd.AF_INET && family != bsd.AF_INET6:
		return raiseErrno(L, syscall.EAFNOSUPPORT)
	default:
		L.Error(lualib.NewError(L, "OSError", lualib.NoErrno, "illegal IP address string passed to inet_pton"), 0)
	}
	return 1
}

// socket.inet_ntop(family, packed) -> text
func socketInetNtop(L *lua.LState) int {
	family := intArg(L, 1, "socket.inet_ntop", "family")
	s := lualib.CheckString(L, 2, "socket.inet_ntop", "packed address")
	switch {
	case family == bsd.AF_INET && len(s) == 4:
		L.Push(lua.LString(netip.AddrFrom4([4]byte([]byte(s))).String()))
	case family == bsd.AF_INET6 && len(s) == 16:
		L.Push(lua.LString(netip.AddrFrom16([16]byte([]byte(s))).String()))
	case family != bsd.AF_INET && family != bsd.AF_INET6:
		return raiseErrno(L, syscall.EAFNOSUPPORT)
	default:
		lualib.ArgError(L, 2, "socket.inet_ntop", "invalid length of packed IP address string")
	}
	return 1
}
