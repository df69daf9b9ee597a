package luabind

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sockplay/sockplay/internal/bsd"
)

// The portable backend: sockets on Go's net package, for every system
// (fd_io_portable.go has the calls that wait, select_portable.go
// readiness, sockopt_*.go the options of each system). A BSD socket is a
// state machine that net has no object for until it listens or is
// connected, so a portFD is nothing at the system at first, and becomes:
//
//   - on bind, for a stream socket: nothing yet. net can bind only by
//     listening, and a socket that listens completes connections before
//     the script calls listen() (a connect to it would not be refused),
//     so bind makes a listener to check the address and learn the port
//     the system picks, and closes it: the port is not held until listen
//     or connect (for an AF_UNIX socket the file stays, as bind(2)'s);
//   - on bind, for a datagram socket: a net.PacketConn, bound;
//   - on listen: a listener on the address bind found;
//   - on connect: a connection (net.Dialer), bound first to the address
//     bind found. A bound datagram socket is made again, connected, from
//     the same address (so the system reports a refusal, as BSD's does).
//
// Options set before there is a system socket are kept, and set on it
// when it is made (the dialer's and listen config's Control), the others
// on the system socket at once. Every difference from BSD sockets is in
// docs/API.md, "The portable backend".

// portBackend makes a runtime's portable sockets and numbers them: a
// socket's fileno is the lowest number from 3 up not in use, as a system
// numbers descriptors, the same on every system.
type portBackend struct {
	mu   sync.Mutex
	used map[int]bool
}

func newPortBackend() backend { return &portBackend{used: map[int]bool{}} }

func (*portBackend) name() string { return "portable" }

func (b *portBackend) number() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 3
	for b.used[n] {
		n++
	}
	b.used[n] = true
	return n
}

func (b *portBackend) free(n int) {
	b.mu.Lock()
	delete(b.used, n)
	b.mu.Unlock()
}

// portFD is a socket of the portable backend.
type portFD struct {
	s   *Socket
	b   *portBackend
	num int // the socket's number while open

	// What the socket is at the system; changed by the Lua calls, under
	// the runtime lock.
	local     sockAddr        // stream: the address bind found, until a listener or connection has it; datagram: the address to bind to when one is needed
	localFile bool            // local is a socket file bind made, which listen and connect replace
	asked     sockAddr        // datagram: the address bind asked for (disconnect keeps what it names)
	ln        net.Listener    // stream: listening
	listening bool            // listen() was called
	conn      net.Conn        // stream: connected; datagram: connected at the system
	rc        syscall.RawConn // conn's, where reads are made in its read callback (rawReads)
	pc        net.PacketConn  // datagram: bound, not connected
	peer      sockAddr        // datagram on pc: a socketpair's other end, which it alone talks to
	sender    net.Conn        // AF_UNIX datagram, unbound: what sendto sends with, connected to sender's peer
	unnamed   bool            // socketpair's: its addresses are "", whatever the system's are
	opts      []portOpt       // options set while there was no system socket
	nodelay   bool            // TCP_NODELAY as the script set it (net sets it on every connection)
	backlog   int             // listen's, as asked (the system's own is used)
	shutRD    bool            // shutdown(SHUT_RD) was called: recv returns "" at once
	cleanup   string          // a directory to remove on close (socketpair's files)
	waitDeadlines

	mu        sync.Mutex // guards what follows: the goroutines reading ahead and connecting use it
	closedSys bool
	// A read under way: a task's, or a goroutine's reading ahead (select,
	// non-blocking calls: select_portable.go). What it read, not yet
	// taken by recv or accept:
	reading   bool
	ahead     []byte   // stream: bytes; datagram: one datagram (aheadOK)
	aheadOK   bool     // datagram: ahead holds a datagram (it may be empty)
	aheadFrom sockAddr // datagram: its sender
	aheadConn net.Conn // listener: a connection accepted
	aheadErr  error    // the end of the stream (io.EOF) or an error
	abuf      []byte   // the buffer reads ahead go to
	writing   int      // sends under way: not writable meanwhile
	// A connect going on in the background (non-blocking connect).
	dialing    bool
	dialCancel context.CancelFunc
	dialConn   net.Conn
	dialErr    error // its failure, until connect or SO_ERROR reports it
	dialDone   bool  // dialConn or dialErr holds its result
	watchers   map[chan struct{}]struct{}
}

// portOpt is an option set before the system socket existed.
type portOpt struct {
	level, opt int
	v          int
	b          []byte // a raw value (setsockoptBytes); nil for an int
}

func (b *portBackend) newSocket(rt *Runtime, family, typ, proto int) (*Socket, *portFD) {
	both := &struct {
		s  Socket
		fd portFD
	}{}
	s, fd := &both.s, &both.fd
	fd.s, fd.b, fd.num = s, b, b.number()
	s.fd, s.sys = fd.num, fd
	fd.waitDeadlines.init(nil)
	rt.register(s, family, typ, proto)
	return s, fd
}

// open makes a socket with nothing at the system yet.
func (b *portBackend) open(rt *Runtime, family, typ, proto int) (*Socket, error) {
	if err := portSupported(family, typ); err != nil {
		return nil, err
	}
	if !portProtocol(family, typ, proto) {
		return nil, os.NewSyscallError("socket", syscall.EPROTONOSUPPORT)
	}
	s, _ := b.newSocket(rt, family, typ, proto)
	return s, nil
}

// portSupported refuses what net cannot make here: Unix datagram sockets
// on Windows.
func portSupported(family, typ int) error {
	if family == bsd.AF_UNIX && typ == bsd.SOCK_DGRAM && runtime.GOOS == "windows" {
		return errNoUnixgram
	}
	return nil
}

// portProtocol reports whether proto goes with family and typ: 0, or the
// protocol the type means.
func portProtocol(family, typ, proto int) bool {
	switch {
	case proto == 0:
		return true
	case family == bsd.AF_UNIX:
		return false
	case typ == bsd.SOCK_STREAM:
		return proto == bsd.IPPROTO_TCP
	}
	return proto == bsd.IPPROTO_UDP
}

// pair makes two connected sockets: on Linux over abstract Unix-domain
// names, on other Unix systems over socket files in a temporary
// directory of their own (removed once they are closed), on Windows over
// loopback TCP or UDP. A datagram pair is two bound sockets that each
// know the other as their peer (connect's way on a bound datagram
// socket). Their addresses are "", as socketpair's.
func (b *portBackend) pair(rt *Runtime, family, typ int) (*Socket, *Socket, error) {
	if err := portSupported(family, typ); err != nil {
		return nil, nil, err
	}
	network, addrA, addrB, dir, err := pairAddrs(typ)
	if err != nil {
		return nil, nil, err
	}
	sa, fa := b.newSocket(rt, family, typ, 0)
	sb, fb := b.newSocket(rt, family, typ, 0)
	fa.unnamed, fb.unnamed = true, true
	fail := func(err error) (*Socket, *Socket, error) {
		sa.close()
		sb.close()
		if dir != "" {
			os.RemoveAll(dir)
		}
		return nil, nil, unwrapOp(err)
	}
	lc := portListenConfig(nil)
	if typ == bsd.SOCK_STREAM {
		ln, err := lc.Listen(context.Background(), network, addrA)
		if err != nil {
			return fail(err)
		}
		defer ln.Close()
		if dir != "" {
			defer os.RemoveAll(dir) // connected, the sockets need no file
		}
		ca, err := portDialer(nil, nil).Dial(network, ln.Addr().String())
		if err != nil {
			return fail(err)
		}
		fa.setConn(ca)
		cb, err := ln.Accept()
		if err != nil {
			return fail(err)
		}
		fb.setConn(cb)
		return sa, sb, nil
	}
	pa, err := lc.ListenPacket(context.Background(), network, addrA)
	if err != nil {
		return fail(err)
	}
	fa.setPacketConn(pa)
	pb, err := lc.ListenPacket(context.Background(), network, addrB)
	if err != nil {
		return fail(err)
	}
	fb.setPacketConn(pb)
	fa.peer, fb.peer = netPeer(pb.LocalAddr()), netPeer(pa.LocalAddr())
	fa.cleanup = dir // the files stay while they are used
	return sa, sb, nil
}

// pairAddrs is where pair's sockets are made.
func pairAddrs(typ int) (network, a, b, dir string, err error) {
	stream := typ == bsd.SOCK_STREAM
	switch runtime.GOOS {
	case "windows":
		if stream {
			return "tcp4", "127.0.0.1:0", "", "", nil
		}
		return "udp4", "127.0.0.1:0", "127.0.0.1:0", "", nil
	case "linux":
		base := fmt.Sprintf("@sockplay-pair-%d-%d", os.Getpid(), pairSeq.Add(1))
		a, b = base+"a", base+"b"
	default:
		if dir, err = os.MkdirTemp("", "sockplay-pair"); err != nil {
			return "", "", "", "", err
		}
		a, b = filepath.Join(dir, "a"), filepath.Join(dir, "b")
	}
	if stream {
		return "unix", a, "", dir, nil
	}
	return "unixgram", a, b, dir, nil
}

var pairSeq atomic.Int64

// netPeer is a as a datagram socket's peer: in its own family, whatever
// the socket's (a Windows socketpair is AF_UNIX over UDP).
func netPeer(a net.Addr) sockAddr {
	switch a := a.(type) {
	case *net.UDPAddr:
		if a.IP.To4() != nil {
			return fromNetAddr(a, bsd.AF_INET)
		}
		return fromNetAddr(a, bsd.AF_INET6)
	}
	return fromNetAddr(a, bsd.AF_UNIX)
}

// sameAddr reports whether a and b are one address (an IPv4 address and
// its IPv4-mapped form are).
func sameAddr(a, b sockAddr) bool {
	if a.family == bsd.AF_UNIX || b.family == bsd.AF_UNIX {
		return a.family == b.family && a.path == b.path
	}
	return a.port == b.port && a.ip.Unmap() == b.ip.Unmap()
}

// setConn makes c the socket's system socket.
func (fd *portFD) setConn(c net.Conn) {
	fd.conn = c
	fd.rc = rawReads(c)
	fd.waitDeadlines.replace(c)
}

func (fd *portFD) setPacketConn(pc net.PacketConn) {
	fd.pc = pc
	fd.waitDeadlines.replace(pc)
}

func (fd *portFD) setListener(ln net.Listener) {
	if u, ok := ln.(*net.UnixListener); ok {
		u.SetUnlinkOnClose(false) // the socket file stays, as after close(2)
	}
	fd.ln = ln
	fd.waitDeadlines.replace(listenerDeadlines{ln.(deadlineSetter)})
}

type deadlineSetter interface{ SetDeadline(time.Time) error }

// listenerDeadlines sets a listener's one deadline as the read deadline.
type listenerDeadlines struct{ ln deadlineSetter }

func (l listenerDeadlines) SetReadDeadline(t time.Time) error { return l.ln.SetDeadline(t) }
func (l listenerDeadlines) SetWriteDeadline(time.Time) error  { return nil }

// hasSys reports whether there is a system socket.
func (fd *portFD) hasSys() bool { return fd.ln != nil || fd.conn != nil || fd.pc != nil }

// close closes the system socket and stops what goes on in the background.
func (fd *portFD) close() error {
	fd.mu.Lock()
	fd.closedSys = true
	if fd.dialCancel != nil {
		fd.dialCancel()
	}
	if fd.dialConn != nil {
		fd.dialConn.Close()
		fd.dialConn = nil
	}
	if fd.aheadConn != nil {
		fd.aheadConn.Close()
		fd.aheadConn = nil
	}
	fd.notifyLocked()
	fd.mu.Unlock()
	fd.releasePort()
	var err error
	for _, c := range []io.Closer{fd.ln, fd.conn, fd.pc, fd.sender} {
		if c != nil {
			if e := c.Close(); e != nil && err == nil {
				err = unwrapOp(e)
			}
		}
	}
	if fd.cleanup != "" {
		os.RemoveAll(fd.cleanup)
	}
	fd.b.free(fd.num)
	return err
}

// network is net's name for the socket's kind.
func (fd *portFD) network() string {
	s := fd.s
	switch {
	case s.family == bsd.AF_UNIX && s.typ == bsd.SOCK_STREAM:
		return "unix"
	case s.family == bsd.AF_UNIX:
		return "unixgram"
	case s.typ == bsd.SOCK_STREAM && s.family == bsd.AF_INET6:
		return "tcp6"
	case s.typ == bsd.SOCK_STREAM:
		return "tcp4"
	case s.family == bsd.AF_INET6:
		return "udp6"
	}
	return "udp4"
}

// netAddrString is sa as net's address strings write it.
func netAddrString(sa sockAddr) string {
	switch sa.family {
	case bsd.AF_UNIX:
		if len(sa.path) > 0 && sa.path[0] == 0 {
			return "@" + sa.path[1:] // net's way to write an abstract name
		}
		return sa.path
	case bsd.AF_INET6:
		host := sa.ip.String()
		if sa.scope != 0 {
			host += "%" + strconv.FormatUint(uint64(sa.scope), 10)
		}
		return net.JoinHostPort(host, strconv.Itoa(int(sa.port)))
	}
	return sa.addrPort().String()
}

// fromNetAddr converts a net address; family is the socket's (an IPv4
// address on an AF_INET6 socket is IPv4-mapped).
func fromNetAddr(a net.Addr, family int) sockAddr {
	switch a := a.(type) {
	case *net.TCPAddr:
		return fromIPZone(a.IP, a.Zone, a.Port, family)
	case *net.UDPAddr:
		return fromIPZone(a.IP, a.Zone, a.Port, family)
	case *net.UnixAddr:
		if a == nil {
			return unixAddr("")
		}
		name := a.Name
		switch {
		case name == "@":
			name = "" // unnamed, as net reports an autobound name
		case len(name) > 0 && name[0] == '@' && runtime.GOOS == "linux":
			name = "\x00" + name[1:]
		}
		return unixAddr(name)
	}
	return sockAddr{}
}

func fromIPZone(ip net.IP, zone string, port, family int) sockAddr {
	addr, _ := netip.AddrFromSlice(ip)
	return fromAddrPort(netip.AddrPortFrom(addr.WithZone(zone), uint16(port)), family)
}

// fromAddrPort converts ap for a socket of family.
func fromAddrPort(ap netip.AddrPort, family int) sockAddr {
	ip := ap.Addr()
	if family == bsd.AF_INET {
		return sockAddr{family: bsd.AF_INET, ip: ip.Unmap(), port: ap.Port()}
	}
	var scope uint32
	if z := ip.Zone(); z != "" {
		if n, err := strconv.ParseUint(z, 10, 32); err == nil {
			scope = uint32(n)
		} else if ifi, err := net.InterfaceByName(z); err == nil {
			scope = uint32(ifi.Index)
		}
	}
	if ip.Is4() {
		ip = netip.AddrFrom16(ip.As16())
	}
	return sockAddr{family: bsd.AF_INET6, ip: ip.WithZone(""), port: ap.Port(), scope: scope}
}

// toAddrPort is sa for net's UDP calls.
func toAddrPort(sa sockAddr) netip.AddrPort {
	ip := sa.ip
	if sa.scope != 0 {
		ip = ip.WithZone(strconv.FormatUint(uint64(sa.scope), 10))
	}
	return netip.AddrPortFrom(ip, sa.port)
}

// noAddr is the address of a socket that has none yet: the wildcard of
// its family, port 0, or the unnamed AF_UNIX address.
func (fd *portFD) noAddr() sockAddr {
	switch fd.s.family {
	case bsd.AF_INET:
		return sockAddr{family: bsd.AF_INET, ip: netip.IPv4Unspecified()}
	case bsd.AF_INET6:
		return sockAddr{family: bsd.AF_INET6, ip: netip.IPv6Unspecified()}
	}
	return unixAddr("")
}

// bind binds a datagram socket; for a stream socket it checks the
// address and finds the port the system picks (see the top of the file).
func (fd *portFD) bind(sa sockAddr) error {
	if fd.s.closed() {
		// A call that waited while another task closed the socket must
		// not make a system socket that nothing would close.
		return syscall.EBADF
	}
	if fd.hasSys() || fd.local.ok() {
		return syscall.EINVAL // bound already, as bind(2) says
	}
	if err := fd.checkFamily(sa); err != nil {
		return err
	}
	lc := portListenConfig(fd.control(nil))
	if fd.s.typ == bsd.SOCK_STREAM {
		for try := 0; ; try++ {
			ln, err := lc.Listen(context.Background(), fd.network(), netAddrString(sa))
			if err != nil {
				return unwrapOp(err)
			}
			local := fromNetAddr(ln.Addr(), fd.s.family)
			if u, ok := ln.(*net.UnixListener); ok {
				u.SetUnlinkOnClose(false) // the socket file stays, as bind(2) made it
				fd.localFile = sa.path != "" && sa.path[0] != 0
			}
			ln.Close()
			err = fd.holdPort(local)
			if err == syscall.EADDRINUSE && sa.port == 0 && try < 16 {
				continue // the system gave a port another socket bound: another
			}
			if err != nil {
				return err
			}
			fd.local = local
			return nil
		}
	}
	pc, err := lc.ListenPacket(context.Background(), fd.network(), netAddrString(sa))
	if err != nil {
		return unwrapOp(err)
	}
	fd.setPacketConn(pc)
	fd.asked = sa
	return nil
}

// heldPorts are the TCP ports this process's portable stream sockets have
// bound and not yet listened or connected on: the system holds none of
// them (see the top of the file), so bind refuses them here as the system
// would (EADDRINUSE, unless both sockets set SO_REUSEADDR), and a port the
// system picks for port 0 that one of them has is picked again. Sockets
// of other processes are not seen.
var heldPorts struct {
	sync.Mutex
	m map[uint16][]heldPort
}

type heldPort struct {
	fd    *portFD
	addr  sockAddr
	reuse bool // SO_REUSEADDR was set when it bound
}

// holdPort records sa as fd's, or returns EADDRINUSE.
func (fd *portFD) holdPort(sa sockAddr) error {
	if sa.family == bsd.AF_UNIX {
		return nil
	}
	o, _ := fd.kept(bsd.SOL_SOCKET, bsd.SO_REUSEADDR)
	reuse := o.b == nil && o.v != 0
	heldPorts.Lock()
	defer heldPorts.Unlock()
	for _, h := range heldPorts.m[sa.port] {
		overlap := h.addr.ip.IsUnspecified() || sa.ip.IsUnspecified() || h.addr.ip.Unmap() == sa.ip.Unmap()
		if overlap && !(reuse && h.reuse) {
			return syscall.EADDRINUSE
		}
	}
	if heldPorts.m == nil {
		heldPorts.m = map[uint16][]heldPort{}
	}
	heldPorts.m[sa.port] = append(heldPorts.m[sa.port], heldPort{fd, sa, reuse})
	return nil
}

// releasePort forgets fd's bound port: a listener or connection has it
// now, or the socket is closed.
func (fd *portFD) releasePort() {
	if !fd.local.ok() || fd.local.family == bsd.AF_UNIX || fd.s.typ != bsd.SOCK_STREAM {
		return
	}
	heldPorts.Lock()
	defer heldPorts.Unlock()
	hs := heldPorts.m[fd.local.port]
	for i, h := range hs {
		if h.fd == fd {
			hs = append(hs[:i], hs[i+1:]...)
			break
		}
	}
	if len(hs) == 0 {
		delete(heldPorts.m, fd.local.port)
	} else {
		heldPorts.m[fd.local.port] = hs
	}
}

// takeLocal gives up the socket file bind made, so that a system socket
// can bind its path (AF_UNIX: a file that exists is EADDRINUSE).
func (fd *portFD) takeLocal() {
	if fd.localFile {
		os.Remove(fd.local.path)
		fd.localFile = false
	}
}

// checkFamily refuses an address of another family (EAFNOSUPPORT), as
// the system would.
func (fd *portFD) checkFamily(sa sockAddr) error {
	if int(sa.family) != fd.s.family {
		return syscall.EAFNOSUPPORT
	}
	return nil
}

// listen makes the socket accept, on the address bind found, or on a
// port of the system's choice. The backlog is the system's own: net has
// no way to give one.
func (fd *portFD) listen(backlog int) error {
	fd.settleDial()
	switch {
	case fd.s.typ != bsd.SOCK_STREAM:
		return syscall.EOPNOTSUPP // datagrams have no connections, as listen(2) says
	case fd.listening:
		fd.backlog = backlog
		return fd.setBacklog()
	case fd.conn != nil || fd.dialing:
		return syscall.EINVAL
	}
	addr := fd.local
	if !addr.ok() {
		addr = fd.noAddr()
	}
	if fd.s.closed() {
		return syscall.EBADF
	}
	fd.takeLocal()
	ln, err := portListenConfig(fd.control(nil)).Listen(context.Background(), fd.network(), netAddrString(addr))
	if err != nil {
		return unwrapOp(err)
	}
	fd.setListener(ln)
	fd.releasePort()
	fd.local = sockAddr{}
	fd.listening, fd.backlog = true, backlog
	return fd.setBacklog()
}

// setBacklog makes the listener's queue as long as listen asked: net
// listens with the system's longest, and a second listen(2) on a
// listening socket changes it (sysListen; not on Windows, where the first
// stays).
func (fd *portFD) setBacklog() error {
	rc := fd.sysConn()
	if rc == nil {
		return nil
	}
	var err error
	if cerr := rc.Control(func(h uintptr) { err = sysListen(h, fd.backlog) }); cerr != nil {
		return unwrapOp(cerr)
	}
	return err
}

func (fd *portFD) shutdown(how int) error {
	fd.settleDial()
	type halfCloser interface {
		CloseRead() error
		CloseWrite() error
	}
	if fd.s.typ != bsd.SOCK_STREAM {
		if fd.conn == nil && !fd.peer.ok() {
			return syscall.ENOTCONN
		}
		return nil
	}
	c, ok := fd.conn.(halfCloser)
	if !ok {
		return syscall.ENOTCONN
	}
	var err error
	if how == bsd.SHUT_RD || how == bsd.SHUT_RDWR {
		fd.shutRD = true
		err = c.CloseRead()
	}
	if how == bsd.SHUT_WR || how == bsd.SHUT_RDWR {
		if e := c.CloseWrite(); err == nil {
			err = e
		}
	}
	fd.notify() // a select waiting to read sees the end now
	return unwrapOp(err)
}

func (fd *portFD) sockname() (sockAddr, error) {
	fd.settleDial()
	switch {
	case fd.unnamed:
		return unixAddr(""), nil
	case fd.ln != nil:
		return fromNetAddr(fd.ln.Addr(), fd.s.family), nil
	case fd.local.ok():
		return fd.local, nil
	case fd.conn != nil:
		return fromNetAddr(fd.conn.LocalAddr(), fd.s.family), nil
	case fd.pc != nil:
		return fromNetAddr(fd.pc.LocalAddr(), fd.s.family), nil
	}
	return fd.noAddr(), nil
}

func (fd *portFD) peername() (sockAddr, error) {
	fd.settleDial()
	switch {
	case fd.unnamed:
		return unixAddr(""), nil
	case fd.conn != nil:
		return fromNetAddr(fd.conn.RemoteAddr(), fd.s.family), nil
	case fd.peer.ok():
		return fd.peer, nil
	}
	return sockAddr{}, syscall.ENOTCONN
}

// disconnect makes a connected datagram socket unconnected. It is made
// again from what bind asked for, as the system keeps of a disconnected
// socket the address and port the script chose, not those it chose
// itself; datagrams queued for it are lost.
func (fd *portFD) disconnect() error {
	if fd.s.typ != bsd.SOCK_DGRAM {
		return syscall.EOPNOTSUPP
	}
	if fd.conn == nil {
		fd.peer = sockAddr{}
		return nil
	}
	fd.conn.Close()
	fd.conn = nil
	switch {
	case !fd.asked.ok():
		return nil // unbound again
	case fd.asked.port == 0:
		fd.local = fd.asked // its address, and no port until it needs one
		return nil
	}
	pc, err := portListenConfig(fd.control(nil)).ListenPacket(context.Background(), fd.network(), netAddrString(fd.asked))
	if err != nil {
		return unwrapOp(err)
	}
	fd.setPacketConn(pc)
	return nil
}

// autoBind binds a datagram socket that reads or sends first, as the
// system does: to the wildcard address, or to the address it had, and a
// port of the system's choice.
func (fd *portFD) autoBind() error {
	addr := fd.local
	if !addr.ok() {
		addr = fd.noAddr()
	}
	fd.local = sockAddr{}
	asked := fd.asked
	err := fd.bind(addr)
	fd.asked = asked
	return err
}

func (fd *portFD) kick(write bool) { fd.waitDeadlines.kick(write) }

// portUnsupported is what the portable backend cannot do: the errno the
// system would give, and what it was (the error's message says both).
type portUnsupported struct {
	errno syscall.Errno
	what  string
}

func (e *portUnsupported) Error() string { return e.errno.Error() + " (" + e.what + ")" }

var (
	errNoOOB = &portUnsupported{syscall.EOPNOTSUPP,
		"MSG_OOB: the portable backend neither sends nor receives urgent data; Go's net package has no call for it"}
	errNoUnixgram = &portUnsupported{syscall.EAFNOSUPPORT,
		"AF_UNIX with SOCK_DGRAM: Windows has no Unix-domain datagram sockets"}
)

// errNoOption is the error of an option this system does not have.
func errNoOption(level, opt int) error {
	name := fmt.Sprintf("level %d, option %d", level, opt)
	for _, o := range knownOptions {
		if o.level == level && o.opt == opt {
			name = o.name
		}
	}
	return &portUnsupported{syscall.ENOPROTOOPT, name + " does not exist on " + runtime.GOOS}
}

// unwrapOp is err without net's *OpError around it: the system's errno
// or timeout is what the Lua layer classifies, and net's message names
// Go's calls ("listen tcp4 127.0.0.1:80: bind: ...").
func unwrapOp(err error) error {
	if op, ok := err.(*net.OpError); ok && op.Err != nil {
		err = op.Err
	}
	if sc, ok := err.(*os.SyscallError); ok && sc.Err != nil {
		err = sc.Err
	}
	return err
}

var _ netFD = (*portFD)(nil)
