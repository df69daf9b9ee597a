package luabind

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
)

// The socket object: what Lua holds (a userdata with a metatable per kind
// of socket), its number in the runtime, and how it prints. doc.go lists
// the files of the socket's other layers.

// Socket is a BSD socket as Lua sees it: its system side (a netFD made by
// the runtime's backend: backend.go), its number, its kind, its timeout,
// and its last datagram's sender.
type Socket struct {
	sys    netFD
	rt     *Runtime
	id     int
	fd     int // what fileno() says: -1 once closed
	family int // bsd.AF_*
	typ    int
	proto  int

	timeout time.Duration // < 0: blocking without limit; 0: non-blocking

	selects int // how many selects wait on it (select.go); guarded by the runtime lock

	last lastSender // for sendto to the last recvfrom's sender (socket_replyaddr.go)

	// listenAt is where it listens once listen() succeeded on an IP
	// address: the refused connection's hint names this run's servers
	// (hints.go). Guarded by rt.mu.
	listenAt netip.AddrPort
	// boundAt is the IP address and port it was bound to (by bind, or
	// by listen on an unbound socket): the hint of a port in use names
	// this run's own socket that holds it. Guarded by rt.mu.
	boundAt netip.AddrPort

	traced sockTrace // what the trace keeps of it (tracer.go)
	// unconnected: made by socket.socket() or socket.create_server and
	// never connect()ed. Linux answers a send on such a TCP socket with
	// EPIPE, which is then no peer closing (hints.go).
	unconnected bool
	// sentTo is where sendto last sent: the hint of a datagram nobody
	// answers looks there (hints.go).
	sentTo sockAddr
	// empties counts the "" recv returned in a row (warnings.go).
	empties int
	// sent is the count send or sendto last returned.
	sent lastCount
}

// lastCount is the number a call last returned, kept as a Lua value: a
// number made a Lua value is an allocation, and a socket's sends mostly
// return the same count (an echo server's replies, a protocol's fixed
// sizes, LuaSocket's indexes). Guarded by the runtime lock.
type lastCount struct{ v lua.LValue }

// of is n as a Lua value, the one made for the previous call when n is
// the same.
func (c *lastCount) of(n lua.LNumber) lua.LValue {
	if v, ok := c.v.(lua.LNumber); !ok || v != n {
		c.v = n
	}
	return c.v
}

const sockMetaName = "sockplay.socket"

// register completes a socket a backend made (its sys and fd are set) and
// adds it to the runtime, which closes whatever a run leaves open.
func (rt *Runtime) register(s *Socket, family, typ, proto int) {
	s.rt, s.family, s.typ, s.proto, s.timeout = rt, family, typ, proto, rt.defaultTimeout
	rt.mu.Lock()
	rt.nextSock++
	s.id = rt.nextSock
	rt.sockets[s] = struct{}{}
	rt.mu.Unlock()
}

// openSocketFD makes a socket (socket(2)), within the sandbox's cap.
func (rt *Runtime) openSocketFD(family, typ, proto int) (*Socket, error) {
	if err := rt.socketQuota(1); err != nil { // the sandbox's socket cap
		return nil, err
	}
	return rt.sys.open(rt, family, typ, proto)
}

// openSocketPair makes two connected sockets (socketpair(2)), within the
// sandbox's cap.
func (rt *Runtime) openSocketPair(family, typ int) (*Socket, *Socket, error) {
	if err := rt.socketQuota(2); err != nil { // the sandbox's socket cap
		return nil, nil, err
	}
	return rt.sys.pair(rt, family, typ)
}

func (s *Socket) closed() bool { return s.fd < 0 }

// close closes the socket: its number becomes -1 (fileno, the closed
// checks) and the system's socket is closed, once. Called with the
// runtime lock held.
func (s *Socket) close() error {
	s.fd = -1
	if s.selects > 0 {
		s.rt.wakeSelects(s) // the system does not wake them: select.go
	}
	s.rt.mu.Lock()
	if _, open := s.rt.sockets[s]; !open {
		s.rt.mu.Unlock()
		return nil
	}
	delete(s.rt.sockets, s)
	s.rt.mu.Unlock()
	return s.sys.close()
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
	L.SetField(L.Get(lua.RegistryIndex), sockMetaName, rt.sockMeta(bsd.AF_INET, bsd.SOCK_STREAM, 0))
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

var familyNames = map[int]string{bsd.AF_INET: "AF_INET", bsd.AF_INET6: "AF_INET6", bsd.AF_UNIX: "AF_UNIX"}
var typeNames = map[int]string{bsd.SOCK_STREAM: "SOCK_STREAM", bsd.SOCK_DGRAM: "SOCK_DGRAM", bsd.SOCK_RAW: "SOCK_RAW"}

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
		if sa, err := s.sys.sockname(); err == nil {
			if la := newAddr(L, sa); la != lua.LString("") {
				fmt.Fprintf(&b, ", laddr=%s", addrString(la))
			}
		}
		if sa, err := s.sys.peername(); err == nil {
			if ra := newAddr(L, sa); ra != lua.LString("") {
				fmt.Fprintf(&b, ", raddr=%s", addrString(ra))
			}
		}
	}
	b.WriteString(">")
	return b.String()
}

var shutdownNames = map[int]string{bsd.SHUT_RD: "SHUT_RD", bsd.SHUT_WR: "SHUT_WR", bsd.SHUT_RDWR: "SHUT_RDWR"}
