package luabind

import "syscall"

// portSnap is what a snapshot reads of a portable socket with the
// runtime lock held (its net objects change under that lock): its
// addresses, whether it listens, and its system socket, through which
// the kernel's view is read on Linux as for the Linux backend.
type portSnap struct {
	local, remote string
	listening     bool
	rc            syscall.RawConn // nil: nothing at the system yet
}

// portSnapshot is the socket's portSnap; nil on the Linux backend, whose
// descriptor the snapshot reads without the lock.
func (s *Socket) portSnapshot() *portSnap {
	fd, ok := s.sys.(*portFD)
	if !ok || s.closed() {
		return nil
	}
	p := &portSnap{listening: fd.listening, rc: fd.sysConn()}
	if sa, err := fd.sockname(); err == nil {
		p.local = sockaddrText(sa)
	}
	if sa, err := fd.peername(); err == nil {
		p.remote = sockaddrText(sa)
	}
	return p
}

// readPortable fills in what a snapshot shows of a portable socket from
// p (nil when the snapshot could not take the runtime lock: its number
// only). net gives no queue lengths, TCP states or round-trip times.
func (s *Socket) readPortable(ss *SocketState, p *portSnap) {
	ss.FD = s.fd
	if p != nil {
		ss.Local, ss.Remote, ss.Listening = p.local, p.remote, p.listening
	}
}
