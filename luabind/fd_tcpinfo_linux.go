package luabind

import (
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// The descriptor layer, Linux: what the kernel says of a socket, for
// snapshots (snapshot.go). It goes through the descriptor's RawConn, which
// keeps the descriptor open for the length of the calls, so a socket
// another task closes meanwhile is never confused with a new one that got
// its number.

// tcpStates are the kernel's TCP states (include/net/tcp_states.h).
var tcpStates = [...]string{
	1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1", 5: "FIN_WAIT2",
	6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT", 9: "LAST_ACK", 10: "LISTEN",
	11: "CLOSING", 12: "NEW_SYN_RECV",
}

// TCPStateName is the name of a kernel TCP state number ("ESTABLISHED"
// for 1), "" for none.
func TCPStateName(n int) string {
	if n > 0 && n < len(tcpStates) {
		return tcpStates[n]
	}
	return ""
}

// readKernel fills in the socket's descriptor, addresses and kernel state.
// Not with the runtime lock held: it makes a few system calls per socket.
// A portable socket shows its own number and what p says, and the
// kernel's state of the system socket under it (nil p: its number only).
func (s *Socket) readKernel(ss *SocketState, p *portSnap) {
	var rc syscall.RawConn
	if lfd, ok := s.sys.(*linuxFD); ok {
		rc = lfd.rc
	} else if s.readPortable(ss, p); p != nil {
		rc = p.rc
	}
	if rc == nil {
		return
	}
	err := rc.Control(func(fd uintptr) {
		n := int(fd)
		if p == nil {
			ss.FD = n
			if sa, err := sockName(unix.SYS_GETSOCKNAME, n); err == nil {
				ss.Local = sockaddrText(sa)
			}
			if sa, err := sockName(unix.SYS_GETPEERNAME, n); err == nil {
				ss.Remote = sockaddrText(sa)
			}
			if v, err := unix.GetsockoptInt(n, unix.SOL_SOCKET, unix.SO_ACCEPTCONN); err == nil {
				ss.Listening = v != 0
			}
		}
		ss.Kernel = kernelState(n, s.family, s.typ)
	})
	if err != nil {
		ss.Kernel = nil
	}
}

// kernelState is what the kernel says of descriptor n's queues and TCP
// connection.
func kernelState(n, family, typ int) *KernelState {
	k := &KernelState{}
	k.RecvQueue, _ = unix.IoctlGetInt(n, unix.SIOCINQ)
	k.SendQueue, _ = unix.IoctlGetInt(n, unix.SIOCOUTQ)
	if typ == unix.SOCK_STREAM && family != unix.AF_UNIX {
		if ti, err := unix.GetsockoptTCPInfo(n, unix.IPPROTO_TCP, unix.TCP_INFO); err == nil {
			k.State = TCPStateName(int(ti.State))
			k.Received = ti.Bytes_received
			k.Sent = ti.Bytes_sent // 0 on kernels before 4.19
			k.RTT = time.Duration(ti.Rtt) * time.Microsecond
			k.RTTVar = time.Duration(ti.Rttvar) * time.Microsecond
			if k.State == "LISTEN" {
				// For a listener the kernel reports its queue here.
				k.AcceptQueue, k.Backlog = int(ti.Unacked), int(ti.Sacked)
				k.RecvQueue, k.SendQueue = 0, 0
			}
		}
	}
	return k
}
