package ui

import (
	"net"
	"testing"
)

// A connection this side closed first lingers in the kernel (FIN_WAIT2
// while the peer keeps its end open, TIME_WAIT once it closes too);
// lingering finds it in /proc/net/tcp by its two addresses.
func TestLingering(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ends := [][2]string{{c.LocalAddr().String(), c.RemoteAddr().String()}, {"127.0.0.1:1", "127.0.0.1:2"}, {"not", "addresses"}}
	if got := lingering(ends); got[0] != "ESTABLISHED" || got[1] != "" || got[2] != "" {
		t.Errorf("open connection: %q", got)
	}
	c.Close()
	// The peer's kernel acknowledges the FIN at once, on loopback; the
	// state is FIN_WAIT1 only for that moment.
	got := lingering(ends)[0]
	if got != "FIN_WAIT2" && got != "FIN_WAIT1" {
		t.Errorf("closed by this side, the peer still open: %q", got)
	}
	s.Close()
	buf := make([]byte, 1)
	s.Read(buf)
	if got := lingering(ends)[0]; got != "TIME_WAIT" && got != "FIN_WAIT2" {
		t.Errorf("closed on both sides: %q", got)
	}
}
