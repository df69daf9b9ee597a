package luabind

import (
	"net/netip"

	"github.com/sockplay/sockplay/internal/procnet"
)

// What holds an address, for a hint (hints.go): read from the kernel's
// tables of sockets (package procnet). Nothing is sent and no socket is
// made: a connect would make a server that listens there accept a
// connection and, if it serves one client only, end.

// probeProc is the probe of a runtime: what holds addr for network "tcp"
// or "udp", from the kernel's tables.
func probeProc(network string, addr netip.AddrPort) holder {
	found := heldByNone
	if !procnet.Scan(network, func(e procnet.Entry) bool {
		if sameEnd(e.Local, addr) {
			found = max(found, stateHolder(network, e.State))
		}
		return true
	}) {
		return heldUnknown
	}
	return found
}

// stateHolder is what a socket in a kernel state holds its address as
// (include/net/tcp_states.h).
func stateHolder(network string, state int) holder {
	if network == "udp" {
		return heldListening // bound: its state is CLOSE, or ESTABLISHED once connected
	}
	switch state {
	case 10: // LISTEN
		return heldListening
	case 1, 2, 3, 8: // ESTABLISHED, SYN_SENT, SYN_RECV, CLOSE_WAIT
		return heldOpen
	case 4, 5, 6, 9, 11: // FIN_WAIT1, FIN_WAIT2, TIME_WAIT, LAST_ACK, CLOSING
		return heldLingering
	}
	return heldByNone
}

// sameEnd reports whether a socket bound to local holds addr: the same
// port, and the same address or a wildcard on either side.
func sameEnd(local, addr netip.AddrPort) bool {
	if local.Port() != addr.Port() {
		return false
	}
	l, a := local.Addr().Unmap(), addr.Addr().Unmap()
	return l == a || l.IsUnspecified() || a.IsUnspecified()
}
