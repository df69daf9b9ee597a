package luabind

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
)

// The sandbox's network policy: bind, connect and sendto only to
// loopback addresses and to AF_UNIX socket files in the sandbox's
// directory, no DNS queries, a cap on open sockets.

// allowAddr raises PermissionError unless the sandbox lets the script
// use sa for op ("bind", "connect", "sendto"). It is called before the
// system call, so nothing leaves the machine. No sandbox: no check.
func (rt *Runtime) allowAddr(L *lua.LState, op string, sa sockAddr) {
	if rt.sandbox == nil {
		return
	}
	if msg := rt.sandbox.addrRefusal(op, sa); msg != "" {
		refuse(L, "%s", msg)
	}
}

// addrRefusal says why the sandbox refuses sa, or "".
func (sb *sandboxState) addrRefusal(op string, sa sockAddr) string {
	var ap netip.AddrPort
	switch sa.family {
	case bsd.AF_INET, bsd.AF_INET6:
		ap = netip.AddrPortFrom(sa.ip.Unmap(), sa.port)
	case bsd.AF_UNIX:
		if strings.HasPrefix(sa.path, "\x00") {
			return fmt.Sprintf("%s to the abstract AF_UNIX name %q refused: ", op, sa.path[1:]) + sb.lang.Sprintf("use a socket file inside %s", sb.tempDirText())
		}
		if why := sb.unixPathRefusal(sa.path); why != "" {
			return fmt.Sprintf("%s to %s refused: %s", op, sa.path, why)
		}
		return ""
	default:
		return fmt.Sprintf("%s refused: ", op) + sb.lang.Sprintf("unsupported address")
	}
	ip := ap.Addr()
	if ip.IsLoopback() {
		return ""
	}
	if ip.IsUnspecified() && op == "bind" {
		return fmt.Sprintf("bind to %s refused: ", ap) + sb.lang.Sprintf("only loopback addresses (127.0.0.0/8, ::1) may be used; bind to \"127.0.0.1\", not \"\" or \"0.0.0.0\"")
	}
	return fmt.Sprintf("%s to %s refused: ", op, ap) + sb.lang.Sprintf("only loopback addresses (127.0.0.0/8, ::1) may be used (nothing was sent)")
}

// sandboxLookup answers a host-name lookup in the sandbox without asking
// any resolver: "localhost" is loopback, any other name raises
// PermissionError (a DNS query would leave the machine). network is
// "ip4", "ip6" or "ip". ok false: no sandbox, look it up as usual.
func (rt *Runtime) sandboxLookup(L *lua.LState, host, network string) (ips []netip.Addr, ok bool) {
	if rt.sandbox == nil {
		return nil, false
	}
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	if name != "localhost" && !strings.HasSuffix(name, ".localhost") {
		refuse(L, "looking up %q refused: %s", host, rt.opts.Lang.Sprintf("only \"localhost\" and loopback addresses may be used (no DNS queries)"))
	}
	v4, v6 := netip.AddrFrom4([4]byte{127, 0, 0, 1}), netip.IPv6Loopback()
	switch network {
	case "ip4":
		return []netip.Addr{v4}, true
	case "ip6":
		return []netip.Addr{v6}, true
	}
	return []netip.Addr{v4, v6}, true
}

// socketQuota reports an error if opening n more sockets would pass the
// sandbox's cap.
func (rt *Runtime) socketQuota(n int) error {
	if rt.sandbox == nil || rt.sandbox.cfg.MaxSockets < 0 {
		return nil
	}
	if max := rt.sandbox.cfg.MaxSockets; rt.OpenSockets()+n > max {
		return limitError("sandbox: too many open sockets: " + rt.opts.Lang.Sprintf("at most %s at once (close the sockets you are done with)", strconv.Itoa(max)))
	}
	return nil
}

// limitError is a limit the sandbox enforces; as a Lua error value it is
// an OSError without errno.
type limitError string

func (e limitError) Error() string { return string(e) }
