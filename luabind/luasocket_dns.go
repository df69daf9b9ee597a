package luabind

import (
	"bufio"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
)

// socket.dns (LuaSocket's inet.c): names to addresses and back. Lookups
// release the runtime lock; the sandbox answers "localhost" and loopback
// addresses itself and refuses the rest (no query leaves the machine).

func (rt *Runtime) lsDNSModule(L *lua.LState) *lua.LTable {
	return L.SetFuncs(L.CreateTable(0, 5), map[string]lua.LGFunction{
		"toip":        rt.lsDNSToip,
		"tohostname":  rt.lsDNSTohostname,
		"gethostname": lsDNSGethostname,
		"getaddrinfo": rt.lsDNSGetaddrinfo,
		"getnameinfo": rt.lsDNSGetnameinfo,
	})
}

// lsHost is what the old resolver (gethostbyname, gethostbyaddr) says of
// a host: its name and IPv4 addresses.
type lsHost struct {
	name string
	ips  []string
}

// lsGetHost resolves address as LuaSocket's inet_gethost: a numeric IPv4
// address by its name (a reverse lookup), anything else by name.
func (rt *Runtime) lsGetHost(L *lua.LState, address string) (*lsHost, bool) {
	if ip, err := netip.ParseAddr(address); err == nil && ip.Is4() {
		name, ok := rt.lsReverse(L, ip)
		if !ok {
			return nil, false
		}
		return &lsHost{name: name, ips: []string{ip.String()}}, true
	}
	ips, err := rt.lsLookup(L, address)
	raiseInterrupt(L, err)
	h := &lsHost{name: address}
	for _, ip := range ips {
		if ip.Is4() {
			h.ips = append(h.ips, ip.String())
		}
	}
	return h, err == nil && len(h.ips) > 0
}

// lsReverse is ip's name, from the hosts file or the resolver; the
// sandbox names loopback addresses "localhost" and refuses others.
func (rt *Runtime) lsReverse(L *lua.LState, ip netip.Addr) (string, bool) {
	if rt.sandbox != nil {
		if !ip.IsLoopback() {
			refuse(L, "looking up the name of %s refused: %s", ip, rt.opts.Lang.Sprintf("only loopback addresses may be used (no DNS queries)"))
		}
		return "localhost", true
	}
	t := rt.currentTask(L)
	var names []string
	var err error
	rt.unlockedBusy(t, func() { names, err = net.DefaultResolver.LookupAddr(t.ctx, ip.String()) })
	raiseInterrupt(L, t.ctx.Err())
	if err != nil || len(names) == 0 {
		return "", false
	}
	return strings.TrimSuffix(names[0], "."), true
}

// pushResolved pushes h as LuaSocket's table {name=, alias={}, ip={...}}.
func (h *lsHost) push(L *lua.LState) {
	t := L.CreateTable(0, 3)
	t.RawSetString("name", lua.LString(h.name))
	t.RawSetString("alias", L.CreateTable(0, 0))
	ips := L.CreateTable(len(h.ips), 0)
	for _, ip := range h.ips {
		ips.Append(lua.LString(ip))
	}
	t.RawSetString("ip", ips)
	L.Push(t)
}

// socket.dns.toip(address) -> ip, resolved | nil, "host not found"   (resolved: {name=, alias={}, ip={...}}; IPv4)
func (rt *Runtime) lsDNSToip(L *lua.LState) int {
	h, ok := rt.lsGetHost(L, lsString(L, 1, "socket.dns.toip", "address"))
	if !ok {
		return lsHostNotFound(L)
	}
	L.Push(lua.LString(h.ips[0]))
	h.push(L)
	return 2
}

// socket.dns.tohostname(address) -> name, resolved | nil, "host not found"
func (rt *Runtime) lsDNSTohostname(L *lua.LState) int {
	h, ok := rt.lsGetHost(L, lsString(L, 1, "socket.dns.tohostname", "address"))
	if !ok {
		return lsHostNotFound(L)
	}
	L.Push(lua.LString(h.name))
	h.push(L)
	return 2
}

func lsHostNotFound(L *lua.LState) int {
	L.Push(lua.LNil)
	L.Push(lua.LString("host not found"))
	return 2
}

// socket.dns.gethostname() -> name
func lsDNSGethostname(L *lua.LState) int {
	name, err := os.Hostname()
	if err != nil {
		return pushFail(L, err)
	}
	L.Push(lua.LString(name))
	return 1
}

// socket.dns.getaddrinfo(address) -> {{family = "inet" | "inet6", addr = ip}, ...} | nil, err
func (rt *Runtime) lsDNSGetaddrinfo(L *lua.LState) int {
	host := lsString(L, 1, "socket.dns.getaddrinfo", "address")
	addrs, err := rt.lsResolve(L, host, "0", bsd.AF_UNSPEC, bsd.SOCK_STREAM, false)
	if err != nil {
		return pushFail(L, err)
	}
	out := L.CreateTable(len(addrs), 0)
	for _, sa := range addrs {
		ip, _, _ := sockaddrIPPort(sa)
		e := L.CreateTable(0, 2)
		e.RawSetString("family", lua.LString(lsFamilyName(int(sa.family))))
		e.RawSetString("addr", lua.LString(ip))
		out.Append(e)
	}
	L.Push(out)
	return 1
}

// socket.dns.getnameinfo(address, service) -> names, service_name | nil, err
// (names: the name of each of address's addresses; either argument may be nil, not both)
func (rt *Runtime) lsDNSGetnameinfo(L *lua.LState) int {
	const fname = "socket.dns.getnameinfo"
	host := lsOptString(L, 1, fname, "address", "")
	serv := lsOptString(L, 2, fname, "service", "")
	hasHost, hasServ := L.Get(1) != lua.LNil, L.Get(2) != lua.LNil
	if !hasHost && !hasServ {
		L.RaiseError("host and serv cannot be both nil")
	}
	port := "0"
	if hasServ {
		port = serv
	}
	names := L.CreateTable(0, 0)
	if hasHost {
		addrs, err := rt.lsResolve(L, host, port, bsd.AF_UNSPEC, bsd.SOCK_STREAM, false)
		if err != nil {
			return pushFail(L, err)
		}
		for _, sa := range addrs {
			text, _, _ := sockaddrIPPort(sa)
			ip, _ := netip.ParseAddr(text)
			if name, ok := rt.lsReverse(L, ip); ok {
				text = name
			}
			names.Append(lua.LString(text))
		}
	}
	L.Push(names)
	if !hasServ {
		return 1
	}
	p, err := lsPort(serv, bsd.SOCK_STREAM)
	if err != nil {
		return pushFail(L, err)
	}
	L.Push(lua.LString(lsServiceName(p)))
	return 2
}

// lsServiceName is the name of a TCP port in /etc/services, or the number.
func lsServiceName(port int) string {
	f, err := os.Open("/etc/services")
	if err == nil {
		defer f.Close()
		want := strconv.Itoa(port) + "/tcp"
		for sc := bufio.NewScanner(f); sc.Scan(); {
			fields := strings.Fields(sc.Text())
			if len(fields) >= 2 && fields[1] == want && !strings.HasPrefix(fields[0], "#") {
				return fields[0]
			}
		}
	}
	return strconv.Itoa(port)
}
