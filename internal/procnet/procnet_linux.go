// Package procnet reads the kernel's tables of sockets, /proc/net/tcp,
// /proc/net/udp and their IPv6 twins, of this process's network
// namespace: what a hint says holds an address (luabind) and the state a
// closed connection lingers in (ui). Reading them sends nothing and
// makes no socket.
package procnet

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// MaxLines bounds the lines read from one table: a host with a million
// connections does not make a hint slow.
const MaxLines = 1 << 18

// Entry is one socket of a table: its two ends and the kernel's state
// number (include/net/tcp_states.h: 1 ESTABLISHED ... 10 LISTEN).
type Entry struct {
	Local, Remote netip.AddrPort
	State         int
}

// Scan calls fn for each socket of network ("tcp" or "udp") in the IPv4
// and IPv6 tables, until fn returns false. It reports whether any table
// could be read.
func Scan(network string, fn func(Entry) bool) bool {
	read := false
	for _, file := range []string{"/proc/net/" + network, "/proc/net/" + network + "6"} {
		ok, more := scanFile(file, fn)
		read = read || ok
		if !more {
			break
		}
	}
	return read
}

// scanFile reads one table: whether it could be read, and whether fn
// wants more.
func scanFile(file string, fn func(Entry) bool) (ok, more bool) {
	f, err := os.Open(file)
	if err != nil {
		return false, true
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // the header
	for n := 0; n < MaxLines && sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 {
			continue
		}
		l, ok1 := ParseAddr(fields[1])
		r, ok2 := ParseAddr(fields[2])
		st, err := strconv.ParseUint(fields[3], 16, 8)
		if !ok1 || !ok2 || err != nil {
			continue
		}
		if !fn(Entry{Local: l, Remote: r, State: int(st)}) {
			return true, false
		}
	}
	return sc.Err() == nil, true
}

// ParseAddr reads an address of a table: the IP in hex as the kernel
// keeps it (32-bit words in the machine's byte order), a colon, the port
// in hex. IPv4-mapped IPv6 addresses are unmapped, as the trace writes
// them.
func ParseAddr(s string) (netip.AddrPort, bool) {
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
