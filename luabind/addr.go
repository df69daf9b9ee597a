package luabind

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
	"syscall"
)

// Addresses cross into Lua the way Python shows them: AF_INET as a table
// {host, port} printed ('127.0.0.1', 8080); AF_INET6 as {host, port,
// flowinfo, scope_id}; AF_UNIX as the path string. Tables returned by the
// library have the address metatable: equal by value, fields .host .port.

const addrMetaName = "sockplay.addr"

func (rt *Runtime) openAddr() {
	L := rt.L
	mt := L.NewTypeMetatable(addrMetaName)
	rt.addrMeta = mt
	mt.RawSetString("__tostring", L.NewFunction(addrToString))
	mt.RawSetString("__eq", L.NewFunction(addrEq))
	mt.RawSetString("__index", L.NewFunction(rt.addrIndex))
}

// sockAddr is a socket address as the Lua-facing files and the socket
// backends pass it to each other: the seam between them carries this
// type, never a system's own (unix.Sockaddr on Linux, net.Addr in the
// portable backend). A value, so that a datagram's sender costs no
// allocation.
type sockAddr struct {
	family uint16     // bsd.AF_INET, AF_INET6 or AF_UNIX; 0: no address
	port   uint16     // AF_INET, AF_INET6
	scope  uint32     // AF_INET6: the scope id (an interface index)
	ip     netip.Addr // AF_INET: IPv4; AF_INET6: IPv6 (IPv4-mapped as such); never zoned
	path   string     // AF_UNIX: "" unnamed; a leading NUL byte: Linux's abstract names
}

func (a sockAddr) ok() bool { return a.family != 0 }

// inetAddr is the address of ip and port, IPv4 or IPv6 as ip is.
func inetAddr(ip netip.Addr, port int) sockAddr {
	if ip.Is4() {
		return sockAddr{family: bsd.AF_INET, ip: ip, port: uint16(port)}
	}
	return sockAddr{family: bsd.AF_INET6, ip: ip.WithZone(""), port: uint16(port)}
}

// unixAddr is the AF_UNIX address of path.
func unixAddr(path string) sockAddr { return sockAddr{family: bsd.AF_UNIX, path: path} }

// addrPort is an Internet address's IP and port.
func (a sockAddr) addrPort() netip.AddrPort { return netip.AddrPortFrom(a.ip, a.port) }

// newAddr converts a socket address into its Lua form; nil for none.
func newAddr(L *lua.LState, sa sockAddr) lua.LValue {
	switch sa.family {
	case bsd.AF_INET:
		return newInet4Addr(L, L.GetTypeMetatable(addrMetaName), lua.LString(sa.ip.String()), lua.LNumber(sa.port))
	case bsd.AF_INET6:
		t := L.CreateTable(4, 0)
		t.RawSetInt(1, lua.LString(sa.ip.String()))
		t.RawSetInt(2, lua.LNumber(sa.port))
		t.RawSetInt(3, lua.LNumber(0))
		t.RawSetInt(4, lua.LNumber(sa.scope))
		L.SetMetatable(t, L.GetTypeMetatable(addrMetaName))
		return t
	case bsd.AF_UNIX:
		// An unnamed socket has the empty name; Linux's abstract names
		// start with a NUL byte, as in Python.
		return lua.LString(sa.path)
	}
	return lua.LNil
}

// newInet4Addr is the Lua form of an IPv4 address: {host, port}; host a
// string, port a number, mt the address metatable.
func newInet4Addr(L *lua.LState, mt, host, port lua.LValue) *lua.LTable {
	t := L.CreateTable(2, 0)
	t.RawSetInt(1, host)
	t.RawSetInt(2, port)
	L.SetMetatable(t, mt)
	return t
}

// addrString formats an address as Python prints a tuple.
func addrString(v lua.LValue) string {
	t, ok := v.(*lua.LTable)
	if !ok {
		// AF_UNIX: Python prints a path as is and an abstract name as bytes.
		name := lua.LVAsString(v)
		if strings.HasPrefix(name, "\x00") {
			return lualib.BytesRepr(name)
		}
		return name
	}
	parts := make([]string, 0, 4)
	for i := 1; i <= t.Len(); i++ {
		switch x := t.RawGetInt(i).(type) {
		case lua.LString:
			parts = append(parts, "'"+string(x)+"'")
		default:
			parts = append(parts, x.String())
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// tostring(addr) -> "('127.0.0.1', 8080)"
func addrToString(L *lua.LState) int {
	L.Push(lua.LString(addrString(L.Get(1))))
	return 1
}

// addr1 == addr2   (by value, element by element)
func addrEq(L *lua.LState) int {
	a, b := L.CheckTable(1), L.CheckTable(2)
	eq := a.Len() == b.Len()
	for i := 1; eq && i <= a.Len(); i++ {
		eq = a.RawGetInt(i) == b.RawGetInt(i)
	}
	L.Push(lua.LBool(eq))
	return 1
}

// addr.host, addr.port, addr.flowinfo, addr.scope_id
func (rt *Runtime) addrIndex(L *lua.LState) int {
	t := L.CheckTable(1)
	switch L.Get(2) {
	case lua.LNumber(0):
		rt.noteZeroIndex(L)
		L.Push(lua.LNil)
	case lua.LString("host"):
		L.Push(t.RawGetInt(1))
	case lua.LString("port"):
		L.Push(t.RawGetInt(2))
	case lua.LString("flowinfo"):
		L.Push(t.RawGetInt(3))
	case lua.LString("scope_id"):
		L.Push(t.RawGetInt(4))
	default:
		L.Push(lua.LNil)
	}
	return 1
}

// addrSpec is an address argument as addrArg read it: the host part
// unresolved.
type addrSpec struct {
	host string
	port int
	path string // AF_UNIX
	zone uint32 // AF_INET6: the scope id, from the table or a "%zone" suffix
}

// addrArg reads an address argument at position n for a socket of family:
// a table {host, port} (or {host=, port=}; AF_INET6 adds flowinfo and
// scope_id), or host and port as two arguments, or a path for AF_UNIX. It
// returns the address and how many arguments it used. What it does not
// take is an argument error, as Python raises one: a third element of an
// AF_INET address, a flowinfo or scope id out of range, an IPv4-mapped
// IPv6 literal on an AF_INET socket.
func addrArg(L *lua.LState, n int, family int, fname string) (addrSpec, int) {
	v := L.Get(n)
	if family == bsd.AF_UNIX {
		s, ok := v.(lua.LString)
		if !ok {
			lualib.ArgError(L, n, fname, "a path (string) expected for an AF_UNIX address, got "+lualib.TypeName(v))
		}
		if len(s) == 0 {
			lualib.ArgError(L, n, fname, "empty AF_UNIX path")
		}
		if len(s) > 107 {
			lualib.ArgError(L, n, fname, fmt.Sprintf("AF_UNIX path too long (%d bytes, at most 107)", len(s)))
		}
		return addrSpec{path: string(s)}, 1
	}
	var host, port lua.LValue
	var table *lua.LTable
	used := 1
	switch a := v.(type) {
	case *lua.LTable:
		table = a
		host, port = a.RawGetInt(1), a.RawGetInt(2)
		if host == lua.LNil && port == lua.LNil {
			host, port = a.RawGetString("host"), a.RawGetString("port")
		}
		checkAddrKeys(L, n, fname, family, a)
	case lua.LString:
		host, port = a, L.Get(n+1)
		used = 2
		if port == lua.LNil {
			if strings.Contains(string(a), ":") && !strings.Contains(string(a), "::") && len(a) <= 100 {
				lualib.ArgError(L, n, fname, fmt.Sprintf("address must be {host, port} or host, port (got %q; write {%q, %s})",
					string(a), hostPart(string(a)), portPart(string(a))))
			}
			lualib.ArgError(L, n+1, fname, "port expected after the host")
		}
	case *lua.LNilType:
		lualib.ArgError(L, n, fname, "address expected ({host, port}), got no value")
	default:
		lualib.ArgError(L, n, fname, "address expected ({host, port}), got "+lualib.TypeName(v))
	}
	hs, ok := host.(lua.LString)
	if !ok {
		lualib.ArgError(L, n, fname, "host must be a string, got "+lualib.TypeName(host))
	}
	pn, ok := port.(lua.LNumber)
	if !ok {
		lualib.ArgError(L, n, fname, "port must be a number, got "+argTypeName(port))
	}
	p := float64(pn)
	if p != float64(int(p)) || p < 0 || p > 65535 {
		lualib.ArgError(L, n, fname, fmt.Sprintf("port must be 0-65535, got %s", pn.String()))
	}
	spec := addrSpec{host: string(hs), port: int(p)}
	if table != nil && family == bsd.AF_INET6 {
		field := func(i int, key string) lua.LValue {
			if v := table.RawGetInt(i); v != lua.LNil {
				return v
			}
			return table.RawGetString(key)
		}
		addrInt(L, n, fname, "flowinfo", field(3, "flowinfo"), 1<<20-1)
		spec.zone = uint32(addrInt(L, n, fname, "scope_id", field(4, "scope_id"), math.MaxUint32))
	}
	hostZone(L, n, fname, family, &spec)
	return spec, used
}

// checkAddrKeys refuses an address table with keys the family's address
// does not have: {host, port} for AF_INET, up to {host, port, flowinfo,
// scope_id} for AF_INET6, or the same names as keys.
func checkAddrKeys(L *lua.LState, n int, fname string, family int, t *lua.LTable) {
	shape, max := "an AF_INET address is {host, port}", 2
	if family == bsd.AF_INET6 {
		shape, max = "an AF_INET6 address is {host, port, flowinfo?, scope_id?}", 4
	}
	names := map[string]int{"host": 1, "port": 2, "flowinfo": 3, "scope_id": 4}
	t.ForEach(func(k, _ lua.LValue) {
		switch k := k.(type) {
		case lua.LNumber:
			if i := float64(k); i == math.Trunc(i) && i >= 1 && i <= float64(max) {
				return
			}
			if i := float64(k); i == math.Trunc(i) && i > float64(max) && i <= 1e6 {
				lualib.ArgError(L, n, fname, fmt.Sprintf("address table has too many elements: [%s] (%s)", k.String(), shape))
			}
		case lua.LString:
			if i, ok := names[string(k)]; ok && i <= max {
				return
			}
		}
		lualib.ArgError(L, n, fname, fmt.Sprintf("address table has the key %s, which an address has not (%s)", lualib.ShowArg(k), shape))
	})
}

// addrInt reads an optional integer field of an IPv6 address (flowinfo,
// scope_id): nil is 0; anything else must be an integer from 0 to max.
func addrInt(L *lua.LState, n int, fname, what string, v lua.LValue, max float64) float64 {
	if v == lua.LNil {
		return 0
	}
	f, ok := v.(lua.LNumber)
	if !ok {
		lualib.ArgError(L, n, fname, what+" must be an integer, got "+argTypeName(v))
	}
	if x := float64(f); x != math.Trunc(x) || x < 0 || x > max {
		lualib.ArgError(L, n, fname, fmt.Sprintf("%s must be 0-%.0f, got %s", what, max, f.String()))
	}
	return float64(f)
}

// hostZone checks the host literal of spec against family and takes the
// zone of an IPv6 literal ("fe80::1%eth0", "::1%1") as its scope id, as
// getaddrinfo does: an interface name or a number.
func hostZone(L *lua.LState, n int, fname string, family int, spec *addrSpec) {
	ip, err := netip.ParseAddr(spec.host)
	if err != nil {
		return // a name, or not an address: resolve says
	}
	if family == bsd.AF_INET && ip.Is4In6() {
		lualib.ArgError(L, n, fname, fmt.Sprintf("%s is an IPv6 address (IPv4-mapped): an AF_INET socket takes %q", spec.host, ip.Unmap().String()))
	}
	zone := ip.Zone()
	if zone == "" {
		return
	}
	if family != bsd.AF_INET6 {
		lualib.ArgError(L, n, fname, fmt.Sprintf("a zone (%%%s) is for AF_INET6 addresses", lualib.ShowArg(lua.LString(zone))))
	}
	var id uint32
	if z, err := strconv.ParseUint(zone, 10, 32); err == nil {
		id = uint32(z)
	} else if ifi, err := net.InterfaceByName(zone); err == nil {
		id = uint32(ifi.Index)
	} else {
		raise(L, &gaiError{code: -2, msg: "Name or service not known"}) // EAI_NONAME, as getaddrinfo says
	}
	if spec.zone != 0 && spec.zone != id {
		lualib.ArgError(L, n, fname, fmt.Sprintf("the scope id is %d, but the host's zone %%%s is %d", spec.zone, zone, id))
	}
	spec.zone = id
}

func hostPart(s string) string { return s[:strings.LastIndex(s, ":")] }
func portPart(s string) string { return s[strings.LastIndex(s, ":")+1:] }

// resolve turns spec into a socket address for family. Host names are
// looked up with the runtime lock released.
func (rt *Runtime) resolve(L *lua.LState, spec addrSpec, family int) (sockAddr, error) {
	switch family {
	case bsd.AF_UNIX:
		return unixAddr(spec.path), nil
	case bsd.AF_INET, bsd.AF_INET6:
	default:
		return sockAddr{}, syscall.EAFNOSUPPORT
	}
	ip, err := rt.lookupHost(L, spec.host, family)
	if err != nil {
		return sockAddr{}, err
	}
	if family == bsd.AF_INET {
		if !ip.Is4() && !ip.Is4In6() {
			// An IPv6 address for an AF_INET socket: EAI_ADDRFAMILY, as Python.
			return sockAddr{}, &gaiError{code: -9, msg: "Address family for hostname not supported"}
		}
		return inetAddr(ip.Unmap(), spec.port), nil
	}
	if ip.Is4() {
		ip = netip.AddrFrom16(ip.As16()) // IPv4-mapped, as Python accepts
	}
	a := inetAddr(ip, spec.port)
	a.scope = spec.zone
	return a, nil
}

// lookupHost resolves a host as Python's socket module does: "" is the
// wildcard address, "<broadcast>" the broadcast address, a literal is used
// as is, anything else is looked up (localhost through /etc/hosts).
func (rt *Runtime) lookupHost(L *lua.LState, host string, family int) (netip.Addr, error) {
	switch host {
	case "":
		if family == bsd.AF_INET6 {
			return netip.IPv6Unspecified(), nil
		}
		return netip.IPv4Unspecified(), nil
	case "<broadcast>":
		return netip.AddrFrom4([4]byte{255, 255, 255, 255}), nil
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.WithZone(""), nil
	}
	network := "ip4"
	if family == bsd.AF_INET6 {
		network = "ip6"
	}
	if ips, ok := rt.sandboxLookup(L, host, network); ok { // the sandbox: no DNS
		return ips[0], nil
	}
	t := rt.currentTask(L)
	var ips []netip.Addr
	var err error
	rt.unlockedBusy(t, func() {
		ips, err = net.DefaultResolver.LookupNetIP(t.ctx, network, host)
	})
	if err != nil {
		if t.ctx.Err() != nil {
			return netip.Addr{}, context.Canceled
		}
		return netip.Addr{}, err
	}
	if len(ips) == 0 {
		return netip.Addr{}, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return ips[0], nil
}

// raiseAddr raises err with the address of the call (bind's, connect's)
// in the error value, for a hint that looks there (hints.go: is it held,
// and by what).
func raiseAddr(L *lua.LState, err error, sa sockAddr) int {
	t := errorValue(L, err)
	if sa.ok() {
		t.RawSetString("address", newAddr(L, sa))
	}
	L.Error(t, 0)
	return 0
}
