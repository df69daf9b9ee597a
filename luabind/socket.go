package luabind

import (
	"fmt"
	"strings"
	"time"

	lua "github.com/sockplay/sockplay/lua"
	"golang.org/x/sys/unix"
)

// The socket object: what Lua holds (a userdata with a metatable per kind
// of socket), its number in the runtime, and how it prints. doc.go lists
// the files of the socket's other layers.

// Socket is a BSD socket as Lua sees it: a descriptor (netFD: created with
// socket(2) and driven with raw system calls, so bind, setsockopt and
// listen(backlog) mean exactly what they mean in C and Python; waits go
// through Go's poller, never a blocking system call holding a thread),
// its kind, its timeout, and its last datagram's sender.
type Socket struct {
	netFD
	rt     *Runtime
	id     int
	family int
	typ    int
	proto  int

	timeout time.Duration // < 0: blocking without limit; 0: non-blocking

	selects int // how many selects wait on it (select.go); guarded by the runtime lock

	last lastSender // for sendto to the last recvfrom's sender (socket_replyaddr.go)

	traced sockTrace // what the trace keeps of it (tracer.go)
	// sentTo is where sendto last sent: the hint of a datagram nobody
	// answers looks there (hints.go).
	sentTo unix.Sockaddr
	// empties counts the "" recv returned in a row (warnings.go).
	empties int
}

const sockMetaName = "sockplay.socket"

// newSocket wraps a fresh non-blocking descriptor and registers it with the
// runtime, which closes whatever a run leaves open.
func (rt *Runtime) newSocket(fd, family, typ, proto int) *Socket {
	s := &Socket{rt: rt, family: family, typ: typ, proto: proto, timeout: rt.defaultTimeout}
	s.netFD.init(fd)
	rt.mu.Lock()
	rt.nextSock++
	s.id = rt.nextSock
	rt.sockets[s] = struct{}{}
	rt.mu.Unlock()
	return s
}

func (rt *Runtime) pushSocket(L *lua.LState, s *Socket) {
	ud := L.NewUserData()
	ud.Value = s
	L.SetMetatable(ud, rt.sockMeta(s.family, s.typ, s.proto))
	L.Push(ud)
}

func (rt *Runtime) openSocketMeta() {
	L := rt.L
	methods := L.NewTable()
	for name, fn := range rt.socketMethods() {
		methods.RawSetString(name, L.NewFunction(fn))
	}
	rt.sockMethods = methods
	rt.sockMetas = map[[3]int]*lua.LTable{}
	rt.sockToStringFn = L.NewFunction(rt.sockToString)
	// The metatable of the first kind is the registry's "sockplay.socket",
	// for hosts that look it up by name.
	L.SetField(L.Get(lua.RegistryIndex), sockMetaName, rt.sockMeta(unix.AF_INET, unix.SOCK_STREAM, 0))
}

// sockMeta is the metatable of sockets of one kind (family, type, proto).
// sock.family, sock.type and sock.proto are fields of a table shared by
// that kind, and the methods come from its own __index: a method call is
// two table lookups, never a Go call (an __index function costs an echo
// server about 6 % of its CPU: docs/PERFORMANCE.md).
func (rt *Runtime) sockMeta(family, typ, proto int) *lua.LTable {
	key := [3]int{family, typ, proto}
	if mt := rt.sockMetas[key]; mt != nil {
		return mt
	}
	L := rt.L
	fields := L.CreateTable(0, 3)
	fields.RawSetString("family", lua.LNumber(family))
	fields.RawSetString("type", lua.LNumber(typ))
	fields.RawSetString("proto", lua.LNumber(proto))
	fieldsMeta := L.CreateTable(0, 1)
	fieldsMeta.RawSetString("__index", rt.sockMethods)
	L.SetMetatable(fields, fieldsMeta)
	mt := L.CreateTable(0, 3)
	mt.RawSetString("__index", fields)
	mt.RawSetString("__tostring", rt.sockToStringFn)
	rt.sockMetas[key] = mt
	return mt
}

var familyNames = map[int]string{unix.AF_INET: "AF_INET", unix.AF_INET6: "AF_INET6", unix.AF_UNIX: "AF_UNIX"}
var typeNames = map[int]string{unix.SOCK_STREAM: "SOCK_STREAM", unix.SOCK_DGRAM: "SOCK_DGRAM", unix.SOCK_RAW: "SOCK_RAW"}

func constName(names map[int]string, v int) string {
	if n, ok := names[v]; ok {
		return n
	}
	return fmt.Sprint(v)
}

// tostring(sock) -> "<socket fd=5, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=('127.0.0.1', 8081), raddr=(...)>"
func (rt *Runtime) sockToString(L *lua.LState) int {
	L.Push(lua.LString(checkAnySocket(L, "sock:__tostring").repr(L)))
	return 1
}

// repr is the socket as Python's repr shows it.
func (s *Socket) repr(L *lua.LState) string {
	var b strings.Builder
	b.WriteString("<socket ")
	if s.closed() {
		b.WriteString("[closed] ")
	}
	fmt.Fprintf(&b, "fd=%d, family=%s, type=%s, proto=%d", s.fd,
		constName(familyNames, s.family), constName(typeNames, s.typ), s.proto)
	if !s.closed() {
		if sa, err := s.sockname(); err == nil {
			if la := newAddr(L, sa); la != lua.LString("") {
				fmt.Fprintf(&b, ", laddr=%s", addrString(la))
			}
		}
		if sa, err := s.peername(); err == nil {
			if ra := newAddr(L, sa); ra != lua.LString("") {
				fmt.Fprintf(&b, ", raddr=%s", addrString(ra))
			}
		}
	}
	b.WriteString(">")
	return b.String()
}

var shutdownNames = map[int]string{unix.SHUT_RD: "SHUT_RD", unix.SHUT_WR: "SHUT_WR", unix.SHUT_RDWR: "SHUT_RDWR"}
