package luabind

import (
	"context"
	"encoding/binary"
	"net"
	"syscall"

	"github.com/sockplay/sockplay/internal/bsd"
)

// The portable backend's socket options. A script names them with the
// numbers of package bsd; sysOption (sockopt_<system>.go) translates them
// into the system's, and the system's calls set and get them on the
// system socket (sysSetInt, sysGetInt, sysSetBytes, sysGetBytes). Before
// there is a system socket they are kept, and set by the Control function
// of the dialer or listen config that makes it, after the defaults of
// BSD sockets where net chooses others (sysDefaults: SO_REUSEADDR off on
// a listener, IPV6_V6ONLY as the system has it).

// portListenConfig is a ListenConfig with control and no TCP keep-alive
// (net turns it on; a BSD socket has it off).
func portListenConfig(control func(string, string, syscall.RawConn) error) *net.ListenConfig {
	return &net.ListenConfig{Control: control, KeepAlive: -1}
}

// portDialer is a Dialer with control, bound to laddr when it is not nil.
func portDialer(control func(string, string, syscall.RawConn) error, laddr net.Addr) *net.Dialer {
	return &net.Dialer{Control: control, LocalAddr: laddr, KeepAlive: -1}
}

// control is the Control function of a system socket made for fd: it
// sets the defaults and the options kept, after calling before (a dial
// closes there the listener that held its address).
func (fd *portFD) control(before func()) func(string, string, syscall.RawConn) error {
	opts := append([]portOpt(nil), fd.opts...)
	family, typ := fd.s.family, fd.s.typ
	return func(_, _ string, c syscall.RawConn) error {
		if before != nil {
			before()
		}
		var err error
		cerr := c.Control(func(h uintptr) {
			for _, d := range sysDefaults(family, typ) {
				if !hasOpt(opts, d.level, d.opt) {
					if l, o, ok := sysOption(d.level, d.opt); ok {
						sysSetInt(h, l, o, d.v) // a default the system refuses is its own
					}
				}
			}
			for _, o := range opts {
				if err = setOptOn(h, o); err != nil {
					return
				}
			}
		})
		if cerr != nil {
			return cerr
		}
		return err
	}
}

func hasOpt(opts []portOpt, level, opt int) bool {
	for _, o := range opts {
		if o.level == level && o.opt == opt {
			return true
		}
	}
	return false
}

// setOptOn sets o on the system socket h.
func setOptOn(h uintptr, o portOpt) error {
	if sysVirtual(o.level, o.opt) {
		return nil
	}
	l, n, ok := sysOption(o.level, o.opt)
	if !ok {
		return errNoOption(o.level, o.opt)
	}
	if o.b != nil {
		return sysSetBytes(h, l, n, o.b)
	}
	return sysSetInt(h, l, n, o.v)
}

// sysConn is the system socket's RawConn, nil if there is none.
func (fd *portFD) sysConn() syscall.RawConn {
	var c any
	switch {
	case fd.conn != nil:
		c = fd.conn
	case fd.pc != nil:
		c = fd.pc
	case fd.ln != nil:
		c = fd.ln
	default:
		return nil
	}
	return rawConnOf(c)
}

// keep records an option set while there is no system socket.
func (fd *portFD) keep(o portOpt) error {
	if _, _, ok := sysOption(o.level, o.opt); !ok && !sysVirtual(o.level, o.opt) {
		return errNoOption(o.level, o.opt)
	}
	for i := range fd.opts {
		if fd.opts[i].level == o.level && fd.opts[i].opt == o.opt {
			fd.opts[i] = o
			return nil
		}
	}
	fd.opts = append(fd.opts, o)
	return nil
}

// kept is an option's kept value, if it was set.
func (fd *portFD) kept(level, opt int) (portOpt, bool) {
	for _, o := range fd.opts {
		if o.level == level && o.opt == opt {
			return o, true
		}
	}
	return portOpt{}, false
}

// readOnly reports the options only getsockopt takes.
func readOnly(level, opt int) bool {
	return level == bsd.SOL_SOCKET && (opt == bsd.SO_TYPE || opt == bsd.SO_ERROR || opt == bsd.SO_ACCEPTCONN)
}

func (fd *portFD) setsockoptInt(level, opt, v int) error {
	if readOnly(level, opt) {
		return syscall.ENOPROTOOPT
	}
	return fd.setOpt(portOpt{level: level, opt: opt, v: v})
}

func (fd *portFD) setsockoptBytes(level, opt int, v string) error {
	if readOnly(level, opt) {
		return syscall.ENOPROTOOPT
	}
	return fd.setOpt(portOpt{level: level, opt: opt, b: []byte(v)})
}

func (fd *portFD) setOpt(o portOpt) error {
	fd.settleDial()
	if o.level == bsd.IPPROTO_TCP && o.opt == bsd.TCP_NODELAY && o.b == nil {
		fd.nodelay = o.v != 0
	}
	rc := fd.sysConn()
	if rc == nil || sysVirtual(o.level, o.opt) {
		return fd.keep(o)
	}
	var err error
	if cerr := rc.Control(func(h uintptr) { err = setOptOn(h, o) }); cerr != nil {
		return cerr
	}
	return err
}

func (fd *portFD) getsockoptInt(level, opt int) (int, error) {
	fd.settleDial()
	if level == bsd.SOL_SOCKET {
		switch opt {
		case bsd.SO_TYPE:
			return fd.s.typ, nil
		case bsd.SO_ACCEPTCONN:
			if fd.listening {
				return 1, nil
			}
			return 0, nil
		case bsd.SO_ERROR:
			// A background connect's failure, reported once.
			fd.mu.Lock()
			err := fd.dialErr
			fd.dialErr = nil
			fd.mu.Unlock()
			if errno, ok := errnoOf(err); ok {
				return int(errno), nil
			}
			return 0, nil
		}
	}
	if o, ok := fd.kept(level, opt); ok && (o.b == nil) && (fd.sysConn() == nil || sysVirtual(level, opt)) {
		return o.v, nil
	}
	if sysVirtual(level, opt) {
		return 0, nil
	}
	l, n, ok := sysOption(level, opt)
	if !ok {
		return 0, errNoOption(level, opt)
	}
	rc := fd.sysConn()
	if rc == nil {
		return fd.probeInt(l, n)
	}
	var v int
	var err error
	if cerr := rc.Control(func(h uintptr) { v, err = sysGetInt(h, l, n) }); cerr != nil {
		return 0, cerr
	}
	return v, err
}

func (fd *portFD) getsockoptBytes(level, opt, buflen int) (string, error) {
	fd.settleDial()
	if o, ok := fd.kept(level, opt); ok && fd.sysConn() == nil {
		b := o.b
		if b == nil {
			b = sysIntBytes(o.v)
		}
		return string(b[:min(len(b), buflen)]), nil
	}
	l, n, ok := sysOption(level, opt)
	if !ok {
		return "", errNoOption(level, opt)
	}
	rc := fd.sysConn()
	if rc == nil {
		probe, err := fd.probe()
		if err != nil {
			return string(make([]byte, buflen)), nil
		}
		defer probe.Close()
		rc = rawConnOf(probe)
		if rc == nil {
			return string(make([]byte, buflen)), nil
		}
	}
	var v []byte
	var err error
	if cerr := rc.Control(func(h uintptr) { v, err = sysGetBytes(h, l, n, buflen) }); cerr != nil {
		return "", cerr
	}
	return string(v), err
}

// probeInt is an option's value on a socket that has no system socket
// yet: a fresh system socket of its kind says what it would be (a
// listener or a bound datagram socket on loopback, port 0, made as this
// socket's would be); 0 when none can be made.
func (fd *portFD) probeInt(level, opt int) (int, error) {
	probe, err := fd.probe()
	if err != nil {
		return 0, nil
	}
	defer probe.Close()
	rc := rawConnOf(probe)
	if rc == nil {
		return 0, nil
	}
	var v int
	if cerr := rc.Control(func(h uintptr) { v, err = sysGetInt(h, level, opt) }); cerr != nil {
		return 0, cerr
	}
	return v, err
}

type closer interface{ Close() error }

func (fd *portFD) probe() (closer, error) {
	addr := "127.0.0.1:0"
	switch fd.s.family {
	case bsd.AF_INET6:
		addr = "[::1]:0"
	case bsd.AF_UNIX:
		return nil, syscall.EAFNOSUPPORT
	}
	lc := portListenConfig(fd.control(nil))
	if fd.s.typ == bsd.SOCK_STREAM {
		return lc.Listen(context.Background(), fd.network(), addr)
	}
	return lc.ListenPacket(context.Background(), fd.network(), addr)
}

// rawConnOf is c's RawConn, nil if it has none.
func rawConnOf(c any) syscall.RawConn {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}

// sysIntBytes is v as a system's int option value (4 bytes, the host's
// byte order).
func sysIntBytes(v int) []byte {
	b := make([]byte, 4)
	binary.NativeEndian.PutUint32(b, uint32(v))
	return b
}

// bsdDefaults are the defaults of BSD sockets where net sets others, on
// Linux and macOS: SO_REUSEADDR off (net sets it on listeners),
// SO_BROADCAST off (on for every UDP socket net makes), IPV6_V6ONLY off,
// as both systems have it by default (net sets it for tcp6 and udp6).
func bsdDefaults(family, typ int) []portOpt {
	if family == bsd.AF_UNIX {
		return nil
	}
	d := []portOpt{{level: bsd.SOL_SOCKET, opt: bsd.SO_REUSEADDR}}
	if typ == bsd.SOCK_DGRAM {
		d = append(d, portOpt{level: bsd.SOL_SOCKET, opt: bsd.SO_BROADCAST})
	}
	if family == bsd.AF_INET6 {
		d = append(d, portOpt{level: bsd.IPPROTO_IPV6, opt: bsd.IPV6_V6ONLY})
	}
	return d
}

// optKey is an option: its level and number.
type optKey struct{ level, opt int }

// lookupOption is sysOption on a system whose numbers differ from
// package bsd's: the system's level and number of a bsd option, as table
// m has them.
func lookupOption(m map[optKey]optKey, level, opt int) (int, int, bool) {
	k, ok := m[optKey{level, opt}]
	return k.level, k.opt, ok
}

// lingerOf reads SO_LINGER's value as a script gives it: struct linger
// of Linux, two 4-byte ints of the host's byte order (on, seconds).
func lingerOf(b []byte) (on, secs int32, ok bool) {
	if len(b) < 8 {
		return 0, 0, false
	}
	return int32(binary.NativeEndian.Uint32(b)), int32(binary.NativeEndian.Uint32(b[4:])), true
}
