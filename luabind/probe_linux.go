package luabind

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// What holds an address, for a hint (hints.go): read from the kernel's
// tables of sockets, /proc/net/tcp, udp and their IPv6 twins, of this
// process's network namespace. Nothing is sent and no socket is made: a
// connect would make a server that listens there accept a connection
// and, if it serves one client only, end.

// probeLines bounds the lines read from one table.
const probeLines = 1 << 18

// probeProc is the probe of a runtime: what holds addr for network "tcp"
// or "udp", from the kernel's tables.
func probeProc(network string, addr netip.AddrPort) holder {
	found, read := heldByNone, false
	for _, file := range []string{"/proc/net/" + network, "/proc/net/" + network + "6"} {
		h, ok := probeTable(file, network, addr)
		if ok {
			read = true
			found = max(found, h)
		}
	}
	if !read {
		return heldUnknown
	}
	return found
}

// probeTable reads one table: the strongest holder of addr in it, and
// whether it could be read.
func probeTable(file, network string, addr netip.AddrPort) (holder, bool) {
	f, err := os.Open(file)
	if err != nil {
		return heldUnknown, false
	}
	defer f.Close()
	found := heldByNone
	sc := bufio.NewScanner(f)
	sc.Scan() // the header
	for n := 0; n < probeLines && sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 {
			continue
		}
		local, ok := procAddr(fields[1])
		if !ok || !sameEnd(local, addr) {
			continue
		}
		state, err := strconv.ParseUint(fields[3], 16, 8)
		if err != nil {
			continue
		}
		found = max(found, stateHolder(network, int(state)))
	}
	return found, sc.Err() == nil
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

// procAddr reads an address of /proc/net/tcp: the IP in hex as the
// kernel keeps it (32-bit words in the machine's byte order), a colon,
// the port in hex.
func procAddr(s string) (netip.AddrPort, bool) {
	host, port, ok := strings.Cut(s, ":")
	if !ok {
		return netip.AddrPort{}, false
	}
	raw, err := hex.DecodeString(host)
	if err != nil || len(raw) != 4 && len(raw) != 16 {
		return netip.AddrPort{}, false
	}
	for i := 0; i < len(raw); i += 4 {
		binary.BigEndian.PutUint32(raw[i:], binary.NativeEndian.Uint32(raw[i:]))
	}
	p, err := strconv.ParseUint(port, 16, 16)
	if err != nil {
		return netip.AddrPort{}, false
	}
	ip, _ := netip.AddrFromSlice(raw)
	return netip.AddrPortFrom(ip.Unmap(), uint16(p)), true
}
