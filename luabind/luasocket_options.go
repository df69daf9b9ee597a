package luabind

import (
	"encoding/binary"
	"net/netip"
	"strings"
	"syscall"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// The LuaSocket dialect's socket options by name (LuaSocket's options.c):
// obj:setoption("tcp-nodelay", true), obj:getoption("reuseaddr"). Each
// class has the options LuaSocket gives it.

type lsOptKind uint8

const (
	lsOptBool    lsOptKind = iota // true/false
	lsOptInt                      // a number
	lsOptLinger                   // {on = boolean, timeout = seconds}
	lsOptMember                   // {multiaddr = "224.0.0.1", interface = "*"}
	lsOptMember6                  // {multiaddr = "ff02::1", interface = index}
	lsOptIf                       // an IPv4 address or "*"
	lsOptError                    // SO_ERROR, as a message
	lsOptDevice                   // an interface name
)

type lsOption struct {
	level, opt int
	kind       lsOptKind
}

var lsOptions = map[string]lsOption{
	"bindtodevice":         {bsd.SOL_SOCKET, bsd.SO_BINDTODEVICE, lsOptDevice},
	"keepalive":            {bsd.SOL_SOCKET, bsd.SO_KEEPALIVE, lsOptBool},
	"reuseaddr":            {bsd.SOL_SOCKET, bsd.SO_REUSEADDR, lsOptBool},
	"reuseport":            {bsd.SOL_SOCKET, bsd.SO_REUSEPORT, lsOptBool},
	"dontroute":            {bsd.SOL_SOCKET, bsd.SO_DONTROUTE, lsOptBool},
	"broadcast":            {bsd.SOL_SOCKET, bsd.SO_BROADCAST, lsOptBool},
	"linger":               {bsd.SOL_SOCKET, bsd.SO_LINGER, lsOptLinger},
	"error":                {bsd.SOL_SOCKET, bsd.SO_ERROR, lsOptError},
	"recv-buffer-size":     {bsd.SOL_SOCKET, bsd.SO_RCVBUF, lsOptInt},
	"send-buffer-size":     {bsd.SOL_SOCKET, bsd.SO_SNDBUF, lsOptInt},
	"tcp-nodelay":          {bsd.IPPROTO_TCP, bsd.TCP_NODELAY, lsOptBool},
	"tcp-keepidle":         {bsd.IPPROTO_TCP, bsd.TCP_KEEPIDLE, lsOptInt},
	"tcp-keepcnt":          {bsd.IPPROTO_TCP, bsd.TCP_KEEPCNT, lsOptInt},
	"tcp-keepintvl":        {bsd.IPPROTO_TCP, bsd.TCP_KEEPINTVL, lsOptInt},
	"tcp-defer-accept":     {bsd.IPPROTO_TCP, bsd.TCP_DEFER_ACCEPT, lsOptInt},
	"tcp-fastopen":         {bsd.IPPROTO_TCP, bsd.TCP_FASTOPEN, lsOptInt},
	"tcp-fastopen-connect": {bsd.IPPROTO_TCP, bsd.TCP_FASTOPEN_CONNECT, lsOptInt},
	"ipv6-v6only":          {bsd.IPPROTO_IPV6, bsd.IPV6_V6ONLY, lsOptBool},
	"ipv6-unicast-hops":    {bsd.IPPROTO_IPV6, bsd.IPV6_UNICAST_HOPS, lsOptInt},
	// LuaSocket reads and sets the unicast hops under this name too.
	"ipv6-multicast-hops":  {bsd.IPPROTO_IPV6, bsd.IPV6_UNICAST_HOPS, lsOptInt},
	"ipv6-multicast-loop":  {bsd.IPPROTO_IPV6, bsd.IPV6_MULTICAST_LOOP, lsOptBool},
	"ipv6-add-membership":  {bsd.IPPROTO_IPV6, bsd.IPV6_ADD_MEMBERSHIP, lsOptMember6},
	"ipv6-drop-membership": {bsd.IPPROTO_IPV6, bsd.IPV6_DROP_MEMBERSHIP, lsOptMember6},
	"ip-multicast-if":      {bsd.IPPROTO_IP, bsd.IP_MULTICAST_IF, lsOptIf},
	"ip-multicast-ttl":     {bsd.IPPROTO_IP, bsd.IP_MULTICAST_TTL, lsOptInt},
	"ip-multicast-loop":    {bsd.IPPROTO_IP, bsd.IP_MULTICAST_LOOP, lsOptBool},
	"ip-add-membership":    {bsd.IPPROTO_IP, bsd.IP_ADD_MEMBERSHIP, lsOptMember},
	"ip-drop-membership":   {bsd.IPPROTO_IP, bsd.IP_DROP_MEMBERSHIP, lsOptMember},
}

// lsOptionNames are the options each group of classes has, for setoption
// and getoption, as LuaSocket's tables list them.
var lsOptionNames = map[lsClasses][2]string{
	lsTCPAny: {
		"bindtodevice keepalive reuseaddr reuseport tcp-nodelay tcp-keepidle tcp-keepcnt tcp-keepintvl ipv6-v6only linger recv-buffer-size send-buffer-size tcp-defer-accept tcp-fastopen tcp-fastopen-connect",
		"bindtodevice keepalive reuseaddr reuseport tcp-nodelay tcp-keepidle tcp-keepcnt tcp-keepintvl linger error recv-buffer-size send-buffer-size",
	},
	lsUDPAny: {
		"dontroute broadcast reuseaddr reuseport ip-multicast-if ip-multicast-ttl ip-multicast-loop ip-add-membership ip-drop-membership ipv6-unicast-hops ipv6-multicast-hops ipv6-multicast-loop ipv6-add-membership ipv6-drop-membership ipv6-v6only recv-buffer-size send-buffer-size",
		"dontroute broadcast reuseaddr reuseport ip-multicast-if ip-multicast-loop error ipv6-unicast-hops ipv6-multicast-hops ipv6-multicast-loop ipv6-v6only recv-buffer-size send-buffer-size",
	},
	lsUnixStreamAny: {"keepalive reuseaddr linger", ""},
	lsUnixDgramAny:  {"reuseaddr", ""},
}

// lsOptionFor finds option name for o's class, or raises LuaSocket's
// "unsupported option".
func lsOptionFor(L *lua.LState, o *lsObject, name, fname string, get bool) lsOption {
	for group, names := range lsOptionNames {
		if group&(1<<o.class) == 0 {
			continue
		}
		list := names[0]
		if get {
			list = names[1]
		}
		for _, n := range strings.Fields(list) {
			if n == name {
				return lsOptions[name]
			}
		}
	}
	lualib.ArgError(L, 2, fname, "unsupported option `"+name+"'")
	return lsOption{}
}

// obj:setoption(name, value) -> 1 | nil, err
func (rt *Runtime) lsSetoption(L *lua.LState) int {
	o := lsSelf(L, "setoption", lsAnyClass)
	fname := lsMethodName(o.class, "setoption")
	name := lsString(L, 2, fname, "option")
	opt := lsOptionFor(L, o, name, fname, false)
	var err error
	switch opt.kind {
	case lsOptBool:
		n := 0
		if typedArg[lua.LBool](L, 3, fname, "boolean") {
			n = 1
		}
		err = o.setInt(opt, n)
	case lsOptInt:
		n, _ := L.Get(3).(lua.LNumber)
		if s, ok := L.Get(3).(lua.LString); ok {
			f, _ := lsNumeric(string(s))
			n = lua.LNumber(f)
		}
		err = o.setInt(opt, int(n))
	case lsOptLinger:
		t := typedArg[*lua.LTable](L, 3, fname, "table")
		on := typedField[lua.LBool](L, 3, fname, t, "on", "boolean")
		secs := typedField[lua.LNumber](L, 3, fname, t, "timeout", "number")
		var b [8]byte
		if on {
			binary.NativeEndian.PutUint32(b[:4], 1)
		}
		binary.NativeEndian.PutUint32(b[4:], uint32(uint16(secs)))
		err = o.setBytes(opt, string(b[:]))
	case lsOptMember, lsOptMember6:
		rt.lsRefuseInSandbox(L, name)
		err = o.setBytes(opt, lsMembership(L, opt.kind, fname))
	case lsOptIf:
		rt.lsRefuseInSandbox(L, name)
		addr := lsString(L, 3, fname, "ip")
		ip := netip.IPv4Unspecified()
		if addr != "*" {
			var perr error
			if ip, perr = netip.ParseAddr(addr); perr != nil || !ip.Is4() {
				lualib.ArgError(L, 3, fname, "ip expected")
			}
		}
		b := ip.As4()
		err = o.setBytes(opt, string(b[:]))
	case lsOptDevice:
		rt.lsRefuseInSandbox(L, name)
		err = o.setBytes(opt, lsString(L, 3, fname, "device")+"\x00")
	}
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString("setsockopt failed"))
		return 2
	}
	return pushOK(L)
}

// lsRefuseInSandbox: options that reach beyond the machine's loopback
// (multicast groups, interfaces) are the sandbox's to refuse.
func (rt *Runtime) lsRefuseInSandbox(L *lua.LState, name string) {
	if rt.sandbox != nil {
		refuse(L, "setoption(%q) refused: %s", name, rt.opts.Lang.Sprintf("the sandbox allows loopback only"))
	}
}

// lsMembership packs a membership table: struct ip_mreq or ipv6_mreq.
func lsMembership(L *lua.LState, kind lsOptKind, fname string) string {
	t := typedArg[*lua.LTable](L, 3, fname, "table")
	group := typedField[lua.LString](L, 3, fname, t, "multiaddr", "string")
	ip, err := netip.ParseAddr(string(group))
	if kind == lsOptMember {
		if err != nil || !ip.Is4() {
			lualib.ArgError(L, 3, fname, "invalid 'multiaddr' ip address")
		}
		iface := typedField[lua.LString](L, 3, fname, t, "interface", "string")
		ifip := netip.IPv4Unspecified()
		if iface != "*" {
			if ifip, err = netip.ParseAddr(string(iface)); err != nil || !ifip.Is4() {
				lualib.ArgError(L, 3, fname, "invalid 'interface' ip address")
			}
		}
		g, i := ip.As4(), ifip.As4()
		return string(g[:]) + string(i[:])
	}
	if err != nil || !ip.Is6() {
		lualib.ArgError(L, 3, fname, "invalid 'multiaddr' ip address")
	}
	var index [4]byte
	switch v := t.RawGetString("interface").(type) {
	case lua.LNumber:
		binary.NativeEndian.PutUint32(index[:], uint32(v))
	case *lua.LNilType:
	default:
		lualib.ArgError(L, 3, fname, "number 'interface' field expected")
	}
	g := ip.As16()
	return string(g[:]) + string(index[:])
}

func (o *lsObject) setInt(opt lsOption, v int) error {
	if !o.open() {
		return syscall.EBADF
	}
	return o.s.sys.setsockoptInt(opt.level, opt.opt, v)
}

func (o *lsObject) setBytes(opt lsOption, v string) error {
	if !o.open() {
		return syscall.EBADF
	}
	return o.s.sys.setsockoptBytes(opt.level, opt.opt, v)
}

// obj:getoption(name) -> value | nil, err
func (rt *Runtime) lsGetoption(L *lua.LState) int {
	o := lsSelf(L, "getoption", lsAnyClass)
	fname := lsMethodName(o.class, "getoption")
	name := lsString(L, 2, fname, "option")
	opt := lsOptionFor(L, o, name, fname, true)
	fail := func() int {
		L.Push(lua.LNil)
		L.Push(lua.LString("getsockopt failed"))
		return 2
	}
	if !o.open() {
		return fail()
	}
	switch opt.kind {
	case lsOptBool, lsOptInt, lsOptError:
		v, err := o.s.sys.getsockoptInt(opt.level, opt.opt)
		if err != nil {
			return fail()
		}
		switch opt.kind {
		case lsOptBool:
			L.Push(lua.LBool(v != 0))
		case lsOptError:
			if v == 0 {
				L.Push(lua.LNil) // LuaSocket: no error, no message
			} else {
				L.Push(lua.LString(lsStrerror(syscall.Errno(v))))
			}
		default:
			L.Push(lua.LNumber(v))
		}
	case lsOptLinger:
		b, err := o.s.sys.getsockoptBytes(opt.level, opt.opt, 8)
		if err != nil || len(b) < 8 {
			return fail()
		}
		t := L.CreateTable(0, 2)
		t.RawSetString("on", lua.LBool(binary.NativeEndian.Uint32([]byte(b[:4])) != 0))
		t.RawSetString("timeout", lua.LNumber(binary.NativeEndian.Uint32([]byte(b[4:]))))
		L.Push(t)
	case lsOptIf:
		b, err := o.s.sys.getsockoptBytes(opt.level, opt.opt, 4)
		if err != nil || len(b) < 4 {
			return fail()
		}
		L.Push(lua.LString(netip.AddrFrom4([4]byte([]byte(b[:4]))).String()))
	case lsOptDevice:
		b, err := o.s.sys.getsockoptBytes(opt.level, opt.opt, bsd.IFNAMSIZ)
		if err != nil {
			return fail()
		}
		L.Push(lua.LString(strings.TrimRight(b, "\x00")))
	default:
		return fail()
	}
	return 1
}
