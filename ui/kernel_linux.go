package ui

import (
	"net/netip"

	"github.com/sockplay/sockplay/internal/procnet"
	"github.com/sockplay/sockplay/luabind"
)

// lingering returns, for each connection (local, remote) a process has
// closed, the TCP state the kernel still holds it in — TIME_WAIT after
// an active close, FIN_WAIT2 while the peer has not closed, LAST_ACK —
// or "" when the kernel has let it go. A closed socket has no descriptor
// to ask with TCP_INFO: this reads the kernel's tables of all TCP sockets
// (package procnet).
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
	procnet.Scan("tcp", func(e procnet.Entry) bool {
		if i := want[[2]netip.AddrPort{e.Local, e.Remote}]; i != 0 {
			if name := luabind.TCPStateName(e.State); name != "CLOSE" && name != "LISTEN" {
				out[i-1] = name
			}
		}
		return true
	})
	return out
}
