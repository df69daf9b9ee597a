//go:build unix

package luabind

import "golang.org/x/sys/unix"

// The portable backend's option calls on Unix systems (sockopt_<system>.go
// has each one's numbers): on the descriptor under a RawConn.

// sysListen sets a listening socket's backlog (a second listen(2)).
func sysListen(h uintptr, backlog int) error { return unix.Listen(int(h), backlog) }

func sysSetInt(h uintptr, level, opt, v int) error { return unix.SetsockoptInt(int(h), level, opt, v) }

func sysGetInt(h uintptr, level, opt int) (int, error) { return unix.GetsockoptInt(int(h), level, opt) }

// sysSetBytes passes a raw value (struct linger is laid out alike on
// Linux and macOS).
func sysSetBytes(h uintptr, level, opt int, v []byte) error {
	return unix.SetsockoptString(int(h), level, opt, string(v))
}
