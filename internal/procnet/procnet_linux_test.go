package procnet

import (
	"net"
	"net/netip"
	"testing"
)

func TestProcAddr(t *testing.T) {
	for in, want := range map[string]string{
		"0100007F:1F91":                         "127.0.0.1:8081",
		"00000000000000000000000001000000:0050": "[::1]:80",
		"0000000000000000FFFF00000100007F:1F91": "127.0.0.1:8081",
	} {
		got, ok := ParseAddr(in)
		if !ok || got.String() != want {
			t.Errorf("ParseAddr(%q) = %v %v, want %s", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "0100007F", "XYZ:1F91", "0100007F:FFFFF", "01:0050"} {
		if _, ok := ParseAddr(bad); ok {
			t.Errorf("ParseAddr(%q) accepted", bad)
		}
	}
}

// The tables hold this process's own listener, found by Scan.
func TestScanFindsAListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	want := netip.MustParseAddrPort(ln.Addr().String())
	found := false
	if !Scan("tcp", func(e Entry) bool {
		found = e.Local == want && e.State == 10 // LISTEN
		return !found
	}) {
		t.Skip("/proc/net/tcp cannot be read here")
	}
	if !found {
		t.Errorf("no LISTEN entry for %s", want)
	}
}
