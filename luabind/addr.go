package luabind

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
	"golang.org/x/sys/unix"
)

// Addresses cross into Lua the way Python shows them: AF_INET as a table
// {host, port} printed ('127.0.0.1', 8080); AF_INET6 as {host, port,
// flowinfo, scope_id}; AF_UNIX as the path string. Tables returned by the
// library have the address metatable: equal by value, fields .host .port.

const addrMetaName = "sockplay.addr"

func (rt *Runtime) openAddr() {
	L := rt.L
	mt := L.NewTypeMetatable(addrMetaName)
	mt.RawSetString("__tostring", L.NewFunction(addrToString))
	mt.RawSetString("__eq", L.NewFunction(addrEq))
	mt.RawSetString("__index", L.NewFunction(addrIndex))
}

// newAddr converts a kernel socket address into its Lua form.
func newAddr(L *lua.LState, sa unix.Sockaddr) lua.LValue {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return newInet4Addr(L, lua.LString(netip.AddrFrom4(a.Addr).String()), lua.LNumber(a.Port))
	case *unix.SockaddrInet6:
		t := L.CreateTable(4, 0)
		ip := netip.AddrFrom16(a.Addr)
		t.RawSetInt(1, lua.LString(ip.String()))
		t.RawSetInt(2, lua.LNumber(a.Port))
		t.RawSetInt(3, lua.LNumber(0))
		t.RawSetInt(4, lua.LNumber(a.ZoneId))
		L.SetMetatable(t, L.GetTypeMetatable(addrMetaName))
		return t
	case *unix.SockaddrUnix:
		// An unnamed socket has the empty name; Linux's abstract names start
		// with "@" in Go and with a NUL byte in Python (and here).
		name := a.Name
		if name == "@" {
			// x/sys reports the unnamed address (a client that did not
			// bind, socketpair) as "@"; Python says "".
			return lua.LString("")
		}
		if strings.HasPrefix(name, "@") {
			name = "\x00" + name[1:]
		}
		return lua.LString(name)
	}
	return lua.LNil
}

// newInet4Addr is the Lua form of an IPv4 address: {host, port}.
func newInet4Addr(L *lua.LState, host lua.LString, port lua.LNumber) *lua.LTable {
	t := L.CreateTable(2, 0)
	t.RawSetInt(1, host)
	t.RawSetInt(2, port)
	L.SetMetatable(t, L.GetTypeMetatable(addrMetaName))
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
func addrIndex(L *lua.LState) int {
	t := L.CheckTable(1)
	switch L.Get(2) {
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

// addrArg reads an address argument at position n for a socket of family:
// a table {host, port} (or {host=, port=}), or host and port as two
// arguments, or a path for AF_UNIX. It returns the host part unresolved
// and how many arguments it used.
type addrSpec struct {
	host string
	port int
	path string // AF_UNIX
	zone uint32
}

func addrArg(L *lua.LState, n int, family int, fname string) (addrSpec, int) {
	v := L.Get(n)
	if family == unix.AF_UNIX {
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
	used := 1
	switch a := v.(type) {
	case *lua.LTable:
		host, port = a.RawGetInt(1), a.RawGetInt(2)
		if host == lua.LNil && port == lua.LNil {
			host, port = a.RawGetString("host"), a.RawGetString("port")
		}
		if a.Len() > 4 {
			lualib.ArgError(L, n, fname, "address table has too many elements (want {host, port})")
		}
	case lua.LString:
		host, port = a, L.Get(n+1)
		used = 2
		if port == lua.LNil {
			if strings.Contains(string(a), ":") && !strings.Contains(string(a), "::") {
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
		if ps, isStr := port.(lua.LString); isStr {
			if _, err := strconv.Atoi(string(ps)); err == nil {
				lualib.ArgError(L, n, fname, fmt.Sprintf("port must be a number, got the string %q", string(ps)))
			}
		}
		lualib.ArgError(L, n, fname, "port must be a number, got "+lualib.TypeName(port))
	}
	p := float64(pn)
	if p != float64(int(p)) || p < 0 || p > 65535 {
		lualib.ArgError(L, n, fname, fmt.Sprintf("port must be 0-65535, got %s", pn.String()))
	}
	spec := addrSpec{host: string(hs), port: int(p)}
	if t, isTable := v.(*lua.LTable); isTable && family == unix.AF_INET6 {
		if z, ok := t.RawGetInt(4).(lua.LNumber); ok {
			spec.zone = uint32(z)
		}
	}
	return spec, used
}

func hostPart(s string) string { return s[:strings.LastIndex(s, ":")] }
func portPart(s string) string { return s[strings.LastIndex(s, ":")+1:] }

// resolve turns spec into a kernel address for family. Host names are
// looked up with the runtime lock released.
func (rt *Runtime) resolve(L *lua.LState, spec addrSpec, family int) (unix.Sockaddr, error) {
	switch family {
	case unix.AF_UNIX:
		name := spec.path
		if strings.HasPrefix(name, "\x00") {
			name = "@" + name[1:]
		}
		return &unix.SockaddrUnix{Name: name}, nil
	case unix.AF_INET, unix.AF_INET6:
	default:
		return nil, unix.EAFNOSUPPORT
	}
	ip, err := rt.lookupHost(L, spec.host, family)
	if err != nil {
		return nil, err
	}
	if family == unix.AF_INET {
		if !ip.Is4() && !ip.Is4In6() {
			// An IPv6 address for an AF_INET socket: EAI_ADDRFAMILY, as Python.
			return nil, &gaiError{code: -9, msg: "Address family for hostname not supported"}
		}
		return &unix.SockaddrInet4{Port: spec.port, Addr: ip.Unmap().As4()}, nil
	}
	if ip.Is4() {
		ip = netip.AddrFrom16(ip.As16()) // IPv4-mapped, as Python accepts
	}
	return &unix.SockaddrInet6{Port: spec.port, Addr: ip.As16(), ZoneId: spec.zone}, nil
}

// inetSockaddr is the kernel address of ip and port, IPv4 or IPv6 as ip is.
// (ip.As4 panics on an IPv6 address, so the family is decided first.)
func inetSockaddr(ip netip.Addr, port int) (int, unix.Sockaddr) {
	if ip.Is4() {
		return unix.AF_INET, &unix.SockaddrInet4{Port: port, Addr: ip.As4()}
	}
	return unix.AF_INET6, &unix.SockaddrInet6{Port: port, Addr: ip.As16()}
}

// lookupHost resolves a host as Python's socket module does: "" is the
// wildcard address, "<broadcast>" the broadcast address, a literal is used
// as is, anything else is looked up (localhost through /etc/hosts).
func (rt *Runtime) lookupHost(L *lua.LState, host string, family int) (netip.Addr, error) {
	switch host {
	case "":
		if family == unix.AF_INET6 {
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
	if family == unix.AF_INET6 {
		network = "ip6"
	}
	if ips, ok := rt.sandboxLookup(L, host, network); ok { // the sandbox: no DNS
		return ips[0], nil
	}
	t := rt.currentTask(L)
	var ips []netip.Addr
	var err error
	rt.unlocked(t, func() {
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
func raiseAddr(L *lua.LState, err error, sa unix.Sockaddr) int {
	t := errorValue(L, err)
	if sa != nil {
		t.RawSetString("address", newAddr(L, sa))
	}
	L.Error(t, 0)
	return 0
}
