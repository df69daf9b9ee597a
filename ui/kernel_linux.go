package ui

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/sockplay/sockplay/luabind"
)

// lingering returns, for each connection (local, remote) a process has
// closed, the TCP state the kernel still holds it in — TIME_WAIT after
// an active close, FIN_WAIT2 while the peer has not closed, LAST_ACK —
// or "" when the kernel has let it go. A closed socket has no descriptor
// to ask with TCP_INFO: this reads /proc/net/tcp and /proc/net/tcp6, the
// kernel's table of all TCP sockets.
func lingering(ends [][2]string) []string {
	out := make([]string, len(ends))
	want := map[[2]netip.AddrPort]int{}
	for i, e := range ends {
		l, err1 := netip.ParseAddrPort(e[0])
		r, err2 := netip.ParseAddrPort(e[1])
		if err1 == nil && err2 == nil {
			want[[2]netip.AddrPort{l, r}] = i + 1
		}
	}
	if len(want) == 0 {
		return out
	}
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(file)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		sc.Scan() // the header
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 4 {
				continue
			}
			l, ok1 := procAddr(fields[1])
			r, ok2 := procAddr(fields[2])
			if !ok1 || !ok2 {
				continue
			}
			i := want[[2]netip.AddrPort{l, r}]
			if i == 0 {
				continue
			}
			if st, err := strconv.ParseUint(fields[3], 16, 8); err == nil {
				if name := luabind.TCPStateName(int(st)); name != "CLOSE" && name != "LISTEN" {
					out[i-1] = name
				}
			}
		}
		f.Close()
	}
	return out
}

// procAddr reads an address of /proc/net/tcp: the IP in hex as the
// kernel keeps it (32-bit words in the machine's byte order), a colon,
// the port in hex. IPv4-mapped IPv6
// addresses are unmapped, as the trace writes them.
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
	addr, _ := netip.AddrFromSlice(raw)
	return netip.AddrPortFrom(addr.Unmap(), uint16(p)), true
}
