//go:build !linux

package luabind

import "net/netip"

// probeProc cannot tell what holds an address where the kernel has no
// /proc/net tables: the hints are the general ones.
func probeProc(network string, addr netip.AddrPort) holder { return heldUnknown }
